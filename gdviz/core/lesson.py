"""Lessons: a function, a view, start points and settings, saved to and read from a file.

A lesson file (``.gdviz``) is UTF-8 JSON. Reading one is strict and never evaluates
anything: the size, the nesting depth, every key, type and range are checked, the
function goes through the safe parser, and the first problem found is refused with a
:class:`LessonError` naming the field ("settings.hyper.beta1", "starts[2]") in words a
lecturer understands. Loading is all-or-nothing: a new :class:`Lesson` or an error.

Which keys a file must have:

* required: ``format_version`` (exactly 1), ``function``, ``view`` (all four of xmin,
  xmax, ymin, ymax) and ``starts`` -- what is being studied;
* optional, taking the value of ``Lesson()`` when left out: ``race``, ``settings`` (and
  each key inside it, including each of ``stop``), ``panels`` (and each of its keys),
  ``theme``, ``locked``, ``lesson_mode``, ``views``, ``layout`` and ``regression`` (the
  case study's data while f is its cost); a left-out ``preset``
  means null (no preset). A lesson without ``views`` (saved before views were pluggable)
  opens with the default views, less the ``panels`` it hid.

:meth:`Lesson.to_json` always writes every key, so saved files never rely on defaults.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from gdviz.core.expression import ExpressionError, parse
from gdviz.core.grid import ViewRange
from gdviz.core.lesson_checks import (
    JsonObject,
    LessonError,
    NonFinite,
    check_depth,
    choice,
    finite_number,
    flag,
    in_range,
    keys_of,
    kind,
    names_of,
    text_of,
    whole,
)
from gdviz.core.lesson_regression import read_regression, regression_to_dict
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.presets import DEFAULT_PRESET, PRESETS
from gdviz.core.regression import RegressionSetup
from gdviz.core.runs import MAX_STEPS_CAP, RunSettings, StopRules
from gdviz.core.safe_files import read_regular_file, write_text
from gdviz.core.schedules import parse_schedule

FORMAT_VERSION = 1
MAX_FILE_BYTES = 1_000_000  # 1 MB; a real lesson is about 1 kB
MAX_DEPTH = 8  # a lesson nests 3 levels deep ({"settings": {"stop": {...}}})
MAX_STARTS = 32
MAX_COORDINATE = 1e6
MIN_SPAN = 1e-9
MAX_LR = 1000.0
MAX_NOISE = 1e3
MAX_SEED = 2**32 - 1
THEMES = ("light", "dark")
MAX_VIEWS = 40
VIEW_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,47}")
MAX_LAYOUT_CHARS = 65_536  # the docks' layout (Qt's saveState, base64): ~2 kB in practice
BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
LOCKABLE = (
    "functionEdit",
    "presetCombo",
    "optimizerCombo",
    "learningRateSpin",
    "speedSlider",
    "settingsTabs",
    "raceTab",
)


@dataclass(frozen=True)
class Panels:
    """Which side panels are shown."""

    maths: bool = True
    status: bool = True
    loss: bool = True


@dataclass(frozen=True)
class Lesson:
    """Everything a lecturer prepares: ``Lesson()`` is the default preset."""

    function: str = DEFAULT_PRESET.function
    view: ViewRange = DEFAULT_PRESET.view
    preset: str | None = DEFAULT_PRESET.name
    starts: tuple[tuple[float, float], ...] = DEFAULT_PRESET.starts
    race: tuple[str, ...] = ()
    settings: RunSettings = field(default_factory=lambda: RunSettings(lr=DEFAULT_PRESET.lr))
    panels: Panels = field(default_factory=Panels)
    theme: str = "light"
    locked: tuple[str, ...] = ()
    lesson_mode: bool = False
    race_lrs: dict[str, float] = field(default_factory=dict)  # η of each raced method
    views: tuple[str, ...] | None = None  # names of the views shown; None: the defaults
    layout: str | None = None  # the docks' layout (base64 of Qt's window state)
    regression: RegressionSetup | None = None  # the case study's data, while f is its cost

    def to_dict(self) -> dict[str, Any]:
        """The lesson as plain JSON data (every key written, numbers as Python numbers)."""
        s = self.settings
        return {
            "format_version": FORMAT_VERSION,
            "function": self.function,
            "view": {k: float(v) for k, v in asdict(self.view).items()},
            "preset": self.preset,
            "starts": [[float(x), float(y)] for x, y in self.starts],
            "race": list(self.race),
            "settings": {
                "optimizer": s.optimizer,
                "lr": float(s.lr),
                "hyper": {k: float(v) for k, v in sorted(s.hyper.items())},
                "schedule": s.schedule.to_text(),
                "noise": float(s.noise),
                "seed": int(s.seed),
                "stop": {
                    "max_steps": int(s.stop.max_steps),
                    "grad_tol": float(s.stop.grad_tol),
                    "f_tol": float(s.stop.f_tol),
                    "x_tol": float(s.stop.x_tol),
                    "bound": float(s.stop.bound),
                },
            },
            "panels": {k: bool(v) for k, v in asdict(self.panels).items()},
            "theme": self.theme,
            "locked": list(self.locked),
            "lesson_mode": bool(self.lesson_mode),
            "race_lrs": {k: float(v) for k, v in sorted(self.race_lrs.items())},
            "views": None if self.views is None else list(self.views),
            "layout": self.layout,
            "regression": regression_to_dict(self.regression),
        }

    def to_json(self) -> str:
        """The text of a lesson file: sorted keys, indented by 2."""
        return json.dumps(self.to_dict(), sort_keys=True, indent=2, ensure_ascii=False,
                          allow_nan=False) + "\n"

    @classmethod
    def from_dict(cls, data: Any) -> Lesson:
        """Check ``data`` (as read from JSON) and build a lesson; raise LessonError."""
        return _read_lesson(data)


# ------------------------------------------------------------------------- files


def save_lesson(path: str | os.PathLike, lesson: Lesson) -> None:
    """Save ``lesson`` atomically.

    The lesson is checked first (LessonError), so a file is never written that
    :func:`load_lesson` would refuse; OSError is passed on unchanged.
    """
    Lesson.from_dict(lesson.to_dict())
    write_text(path, lesson.to_json())


def load_lesson(path: str | os.PathLike) -> Lesson:
    """Read a lesson file; every problem, including OSError, becomes a LessonError."""
    try:
        data = read_regular_file(path, MAX_FILE_BYTES)
    except OSError as error:
        raise LessonError("file", f"cannot read {os.fspath(path)!r}: "
                                  f"{error.strerror or error}") from None
    return lesson_from_bytes(data)


def lesson_from_bytes(data: bytes) -> Lesson:
    """A lesson from the bytes of a file: size first, then strict UTF-8, then JSON."""
    _check_size(len(data))
    try:
        text = data.decode("utf-8-sig")  # strict; a BOM (Windows Notepad) is skipped
    except UnicodeDecodeError:
        raise LessonError("file", "not a UTF-8 text file") from None
    return lesson_from_json(text)


def lesson_from_json(text: str) -> Lesson:
    """A lesson from the text of a file; raise LessonError if anything is wrong."""
    _check_size(len(text))
    if not text.strip():
        raise LessonError("file", "the file is empty")
    check_depth(text, MAX_DEPTH)
    try:
        data = json.loads(text, parse_constant=NonFinite, object_pairs_hook=JsonObject)
    except json.JSONDecodeError as error:
        raise LessonError("file", f"not a lesson file: invalid JSON at line {error.lineno}, "
                                  f"column {error.colno} ({error.msg})") from None
    except (ValueError, RecursionError):  # an integer with over 4300 digits
        raise LessonError("file", "not a lesson file: a number in it is far too long") from None
    return Lesson.from_dict(data)


def _check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise LessonError("file", f"too large for a lesson ({size:,} bytes; the limit is "
                                  f"{MAX_FILE_BYTES:,})")


# ------------------------------------------------------------------------- checks


def _read_lesson(data: Any) -> Lesson:
    default = Lesson()
    if not isinstance(data, dict):
        raise LessonError("file", f"a lesson must be a JSON object {{...}}, not {kind(data)}")
    for key in getattr(data, "duplicates", ()):
        raise LessonError(key, "is given twice")
    _read_version(data)
    data = keys_of(data, "", ("format_version", "function", "view", "starts"),
                   ("preset", "race", "settings", "panels", "theme", "locked", "lesson_mode",
                    "race_lrs", "views", "layout", "regression"))
    presets = [p.name for p in PRESETS]
    preset = data.get("preset")  # left out: the lesson is not a preset
    if preset is not None:
        preset = choice(preset, "preset", presets, "preset")
    return Lesson(
        function=_read_function(data["function"]),
        view=_read_view(data["view"]),
        preset=preset,
        starts=_read_starts(data["starts"]),
        race=names_of(data.get("race", []), "race", OPTIMIZERS, "optimizer"),
        settings=_read_settings(data.get("settings", {}), default.settings),
        panels=_read_panels(data.get("panels", {})),
        theme=choice(data.get("theme", default.theme), "theme", THEMES, "theme"),
        locked=names_of(data.get("locked", []), "locked", LOCKABLE, "control"),
        lesson_mode=flag(data.get("lesson_mode", default.lesson_mode), "lesson_mode"),
        race_lrs=_read_race_lrs(data.get("race_lrs", {})),
        views=_read_views(data.get("views")),
        layout=_read_layout(data.get("layout")),
        regression=read_regression(data.get("regression")),
    )


def _read_race_lrs(value: Any) -> dict[str, float]:
    data = keys_of(value, "race_lrs", (), tuple(OPTIMIZERS), "optimizer")
    return {name: in_range(v, f"race_lrs.{name}", 0, MAX_LR, low_open=True)
            for name, v in data.items()}


def _read_views(value: Any) -> tuple[str, ...] | None:
    """View names (a newer gdviz may know more: the window ignores names it lacks)."""
    if value is None:
        return None
    if not isinstance(value, list | tuple):
        raise LessonError("views", f"must be a list of view names, got {kind(value)}")
    if len(value) > MAX_VIEWS:
        raise LessonError("views", f"lists {len(value)} views; at most {MAX_VIEWS} exist")
    names: list[str] = []
    for i, item in enumerate(value):
        name = text_of(item, f"views[{i}]")
        if not VIEW_NAME.fullmatch(name):
            raise LessonError(f"views[{i}]", f"{name[:60]!r} is not a view name")
        if name in names:
            raise LessonError(f"views[{i}]", f"{name!r} is listed twice")
        names.append(name)
    return tuple(names)


def _read_layout(value: Any) -> str | None:
    if value is None:
        return None
    text = text_of(value, "layout")
    if len(text) > MAX_LAYOUT_CHARS:
        raise LessonError("layout", f"too long for a window layout (over {MAX_LAYOUT_CHARS:,} "
                                    "characters)")
    if len(text) % 4 or not BASE64.fullmatch(text):
        raise LessonError("layout", "must be the base64 text gdviz writes for a layout")
    return text


def _read_version(data: dict[str, Any]) -> None:
    """Checked before anything else: a newer file may well have keys this one does not know."""
    if "format_version" not in data:
        raise LessonError("format_version", "is missing; this does not look like a gdviz lesson")
    version = data["format_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise LessonError("format_version", f"must be a whole number, got {kind(version)}")
    if version > FORMAT_VERSION:
        raise LessonError("format_version", f"this lesson was saved by a newer gdviz (format "
                                            f"{version}); this version reads format "
                                            f"{FORMAT_VERSION}")
    if version != FORMAT_VERSION:
        raise LessonError("format_version", f"must be {FORMAT_VERSION}, got {version}")


def _read_function(value: Any) -> str:
    text = text_of(value, "function")
    try:
        parse(text)
    except ExpressionError as error:
        raise LessonError("function", f"the formula is refused at column {error.start + 1}: "
                                      f"{error.message}") from None
    return text


def _read_view(value: Any) -> ViewRange:
    keys = ("xmin", "xmax", "ymin", "ymax")
    data = keys_of(value, "view", keys)
    limits = {k: in_range(data[k], f"view.{k}", -MAX_COORDINATE, MAX_COORDINATE) for k in keys}
    for axis in "xy":
        low, high = limits[f"{axis}min"], limits[f"{axis}max"]
        if not high - low > MIN_SPAN:
            raise LessonError(f"view.{axis}max", f"must be greater than {axis}min "
                                                 f"({high:g} is not above {low:g})")
    return ViewRange(**limits)


def _read_starts(value: Any) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list | tuple):
        raise LessonError("starts", f"must be a list of points [[x, y], ...], got {kind(value)}")
    if not 1 <= len(value) <= MAX_STARTS:
        raise LessonError("starts", f"must hold 1 to {MAX_STARTS} start points, got {len(value)}")
    starts = []
    for i, item in enumerate(value):
        path = f"starts[{i}]"
        if not isinstance(item, list | tuple):
            raise LessonError(path, f"must be a point [x, y], got {kind(item)}")
        if len(item) != 2:
            raise LessonError(path, f"must be a point [x, y] of two numbers, not {len(item)}")
        x, y = finite_number(item[0], path, "x"), finite_number(item[1], path, "y")
        if max(abs(x), abs(y)) > MAX_COORDINATE:
            raise LessonError(path, f"x and y must lie within ±{MAX_COORDINATE:g}")
        starts.append((x, y))
    return tuple(starts)


def _read_settings(value: Any, default: RunSettings) -> RunSettings:
    data = keys_of(value, "settings", (),
                   ("optimizer", "lr", "hyper", "schedule", "noise", "seed", "stop"), "setting")
    optimizer = choice(data.get("optimizer", default.optimizer), "settings.optimizer",
                        OPTIMIZERS, "optimizer")
    schedule_text = text_of(data.get("schedule", default.schedule.to_text()), "settings.schedule")
    if len(schedule_text) > 200:
        raise LessonError("settings.schedule", "too long for a schedule (over 200 characters)")
    try:
        schedule = parse_schedule(schedule_text)
    except ValueError as error:
        raise LessonError("settings.schedule", str(error)) from None
    return RunSettings(
        optimizer=optimizer,
        lr=in_range(data.get("lr", default.lr), "settings.lr", 0, MAX_LR, low_open=True),
        hyper=_read_hyper(data.get("hyper", {}), optimizer),
        schedule=schedule,
        noise=in_range(data.get("noise", default.noise), "settings.noise", 0, MAX_NOISE),
        seed=whole(data.get("seed", default.seed), "settings.seed", 0, MAX_SEED),
        stop=_read_stop(data.get("stop", {}), default.stop),
    )


def _read_hyper(value: Any, optimizer: str) -> dict[str, float]:
    params = {p.name: p for p in OPTIMIZERS[optimizer].hyperparams}
    data = keys_of(value, "settings.hyper", (), tuple(params), f"hyperparameter of {optimizer}")
    return {name: in_range(v, f"settings.hyper.{name}", params[name].minimum,
                            params[name].maximum) for name, v in data.items()}


def _read_stop(value: Any, default: StopRules) -> StopRules:
    data = keys_of(value, "settings.stop", (),
                   ("max_steps", "grad_tol", "f_tol", "x_tol", "bound"), "stop rule")
    tolerances = {
        name: in_range(data.get(name, getattr(default, name)), f"settings.stop.{name}",
                        0, math.inf)
        for name in ("grad_tol", "f_tol", "x_tol")
    }
    return StopRules(
        max_steps=whole(data.get("max_steps", default.max_steps), "settings.stop.max_steps",
                         1, MAX_STEPS_CAP),
        bound=in_range(data.get("bound", default.bound), "settings.stop.bound", 0, math.inf,
                        low_open=True),
        **tolerances,
    )


def _read_panels(value: Any) -> Panels:
    keys = ("maths", "status", "loss")
    data = keys_of(value, "panels", (), keys, "panel")
    return Panels(**{k: flag(data.get(k, True), f"panels.{k}") for k in keys})
