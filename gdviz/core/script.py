"""Lecture scripts: a list of scenes, each a lesson with a caption and what to do.

A script file (``.gdscript``) is UTF-8 JSON, read as strictly as a lesson (nothing in it
is ever run): the size, the nesting depth, every key, type and range are checked, and the
first problem is refused with a :class:`LessonError` naming the field, e.g.
``scenes[2].caption`` or, inside a scene's lesson, ``scenes[0].lesson.settings.lr``.
Loading is all-or-nothing: a new :class:`Script` or an error. The file looks like::

    {"format_version": 1,
     "title": "First lecture",                          (optional)
     "scenes": [
       {"lesson": {...a whole .gdviz lesson, inline...},
        "caption": "Three starts, one minimum",
        "play": 40,                                     (optional, default 0 steps)
        "show": ["fieldView"], "hide": ["lossView"]},   (optional view names)
       {"lesson": "valley.gdviz", "caption": "..."}     (a lesson file, relative to
     ]}                                                  the script's folder)

``play`` is a number of steps: the window animates them at its current speed, a
headless export takes them at once. ``show`` and ``hide`` name views of the view table
(``fieldView``, ``fogView``, ...) switched on or off after the scene's lesson is shown.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdviz.core.lesson import MAX_FILE_BYTES as MAX_LESSON_BYTES
from gdviz.core.lesson import VIEW_NAME, Lesson, lesson_from_bytes
from gdviz.core.lesson_checks import (
    JsonObject,
    LessonError,
    NonFinite,
    check_depth,
    keys_of,
    kind,
    text_of,
    whole,
)
from gdviz.core.runs import MAX_STEPS_CAP
from gdviz.core.safe_files import read_regular_file

FORMAT_VERSION = 1
SUFFIX = ".gdscript"
MAX_FILE_BYTES = 2_000_000  # inline lessons are ~1 kB each; a real script is far smaller
MAX_DEPTH = 11  # a lesson's 8 levels, inside {"scenes": [{"lesson": ...}]}
MAX_SCENES = 200
MAX_CAPTION = 300  # characters: what stays readable in large type over the map
MAX_TITLE = 120
MAX_PATH = 1000
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")  # a newline is fine; tabs, NULs are not


@dataclass(frozen=True)
class Scene:
    """One scene: the lesson shown, its caption, the steps played and views switched."""

    lesson: Lesson
    caption: str
    play: int = 0
    show: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    source: str | None = None  # the lesson file's path as written, or None (inline)


@dataclass(frozen=True)
class Script:
    """A lecture: its scenes in order (at least one)."""

    scenes: tuple[Scene, ...]
    title: str = ""


def load_script(path: str | os.PathLike,
                known_views: Collection[str] | None = None) -> Script:
    """Read a script file; every problem, including OSError, becomes a LessonError.

    Lesson files named by scenes are read relative to the script's folder. With
    ``known_views``, a view name that is not among them is refused.
    """
    try:
        data = read_regular_file(path, MAX_FILE_BYTES)
    except OSError as error:
        raise LessonError("file", f"cannot read {os.fspath(path)!r}: "
                                  f"{error.strerror or error}") from None
    return script_from_bytes(data, Path(path).parent, known_views)


def script_from_bytes(data: bytes, folder: str | os.PathLike | None = None,
                      known_views: Collection[str] | None = None) -> Script:
    """A script from the bytes of a file: size first, then strict UTF-8, then JSON.

    ``folder`` is where relative lesson paths are found (None: lesson paths refused).
    """
    _check_size(len(data))
    try:
        text = data.decode("utf-8-sig")  # strict; a BOM (Windows Notepad) is skipped
    except UnicodeDecodeError:
        raise LessonError("file", "not a UTF-8 text file") from None
    return script_from_json(text, folder, known_views)


def script_from_json(text: str, folder: str | os.PathLike | None = None,
                     known_views: Collection[str] | None = None) -> Script:
    _check_size(len(text.encode("utf-8", "surrogatepass")))
    if not text.strip():
        raise LessonError("file", "the file is empty")
    check_depth(text, MAX_DEPTH)
    try:
        data = json.loads(text, parse_constant=NonFinite, object_pairs_hook=JsonObject)
    except json.JSONDecodeError as error:
        raise LessonError("file", f"not a script file: invalid JSON at line {error.lineno}, "
                                  f"column {error.colno} ({error.msg})") from None
    except (ValueError, RecursionError):  # an integer with over 4300 digits
        raise LessonError("file", "not a script file: a number in it is far too long") from None
    return read_script(data, folder, known_views)


def _check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise LessonError("file", f"too large for a script ({size:,} bytes; the limit is "
                                  f"{MAX_FILE_BYTES:,})")


# ------------------------------------------------------------------------- checks


def read_script(data: Any, folder: str | os.PathLike | None = None,
                known_views: Collection[str] | None = None) -> Script:
    """Check ``data`` (as read from JSON) and build a script; raise LessonError."""
    if not isinstance(data, dict):
        raise LessonError("file", f"a script must be a JSON object {{...}}, not {kind(data)}")
    if "scenes" not in data and "function" in data:
        raise LessonError("file", "this is a lesson (.gdviz), not a script: open it with "
                                  "File → Open lesson")
    _read_version(data)
    data = keys_of(data, "", ("format_version", "scenes"), ("title",))
    title = _short_text(data.get("title", ""), "title", MAX_TITLE)
    scenes = data["scenes"]
    if not isinstance(scenes, list):
        raise LessonError("scenes", f"must be a list of scenes [{{...}}, ...], got {kind(scenes)}")
    if not 1 <= len(scenes) <= MAX_SCENES:
        raise LessonError("scenes", f"must hold 1 to {MAX_SCENES} scenes, got {len(scenes)}")
    files: dict[Path, Lesson] = {}  # a lesson file used by several scenes is read once
    return Script(scenes=tuple(_read_scene(item, f"scenes[{i}]", folder, known_views, files)
                               for i, item in enumerate(scenes)), title=title)


def _read_version(data: dict[str, Any]) -> None:
    if "format_version" not in data:
        raise LessonError("format_version", "is missing; this does not look like a gdviz "
                                            "script")
    version = data["format_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise LessonError("format_version", f"must be a whole number, got {kind(version)}")
    if version > FORMAT_VERSION:
        raise LessonError("format_version", f"this script was written for a newer gdviz "
                                            f"(format {version}); this version reads format "
                                            f"{FORMAT_VERSION}")
    if version != FORMAT_VERSION:
        raise LessonError("format_version", f"must be {FORMAT_VERSION}, got {version}")


def _read_scene(value: Any, path: str, folder: str | os.PathLike | None,
                known_views: Collection[str] | None, files: dict[Path, Lesson]) -> Scene:
    data = keys_of(value, path, ("lesson", "caption"), ("play", "show", "hide"))
    lesson, source = _read_scene_lesson(data["lesson"], f"{path}.lesson", folder, files)
    show = _view_names(data.get("show", []), f"{path}.show", known_views)
    hide = _view_names(data.get("hide", []), f"{path}.hide", known_views)
    for i, name in enumerate(hide):
        if name in show:
            raise LessonError(f"{path}.hide[{i}]", f"{name!r} is also in show; a view is "
                                                   "either shown or hidden")
    return Scene(lesson=lesson, caption=_short_text(data["caption"], f"{path}.caption",
                                                    MAX_CAPTION, lines=True),
                 play=whole(data.get("play", 0), f"{path}.play", 0, MAX_STEPS_CAP),
                 show=show, hide=hide, source=source)


def _read_scene_lesson(value: Any, path: str, folder: str | os.PathLike | None,
                       files: dict[Path, Lesson]) -> tuple[Lesson, str | None]:
    """An inline lesson (an object) or the path of a .gdviz file (text)."""
    if isinstance(value, dict):
        try:
            return Lesson.from_dict(value), None
        except LessonError as error:
            field = path if error.field == "file" else f"{path}.{error.field}"
            raise LessonError(field, error.message) from None
    if not isinstance(value, str):
        raise LessonError(path, "must be a lesson object {...} or the path of a .gdviz file, "
                                f"got {kind(value)}")
    if not value.strip():
        raise LessonError(path, "the path of the lesson file is empty")
    if len(value) > MAX_PATH or "\x00" in value:
        raise LessonError(path, "is not a usable file path")
    if folder is None:
        raise LessonError(path, "a lesson file can only be named in a script read from a file")
    where = Path(folder) / value
    try:
        key = where.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise LessonError(path, f"{value!r}: cannot find this file") from None
    if key not in files:
        try:
            data = read_regular_file(where, MAX_LESSON_BYTES)
        except OSError as error:
            raise LessonError(path, f"cannot read {value!r}: {error.strerror or error}") from None
        try:
            files[key] = lesson_from_bytes(data)
        except LessonError as error:
            raise LessonError(path, f"in {value}: {error}") from None
    return files[key], value


def _view_names(value: Any, path: str, known: Collection[str] | None) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise LessonError(path, f"must be a list of view names, got {kind(value)}")
    names: list[str] = []
    for i, item in enumerate(value):
        name = text_of(item, f"{path}[{i}]")
        if not VIEW_NAME.fullmatch(name) or (known is not None and name not in known):
            shown = f"; known: {', '.join(known)}" if known is not None else ""
            raise LessonError(f"{path}[{i}]", f"{name[:60]!r} is not a view name{shown}")
        if name in names:
            raise LessonError(f"{path}[{i}]", f"{name!r} is listed twice")
        names.append(name)
    return tuple(names)


def _short_text(value: Any, path: str, limit: int, lines: bool = False) -> str:
    text = text_of(value, path)
    if len(text) > limit:
        raise LessonError(path, f"is {len(text)} characters long; at most {limit} stay "
                                "readable")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        raise LessonError(path, "holds an invalid character (a lone surrogate)") from None
    if _CONTROL.search(text) or (not lines and "\n" in text):
        raise LessonError(path, "must not contain control characters (tabs, NUL, ...)"
                          + ("" if lines else " or line breaks"))
    return text
