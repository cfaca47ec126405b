"""Ready-made lessons: the functions, views and starts of the course material.

The presets are data, kept in ``resources/presets.json`` (next to the ``gdviz`` package,
and shipped in the app bundle alike), and read once at import. Reading is strict and never
evaluates anything: every key, type and range is checked, each function goes through the
safe parser, and the first problem stops the import with a :class:`PresetError` that names
the file, the preset and the field. The file looks like::

    {"format_version": 1,
     "presets": [{"name": "Bowl", "function": "x^2 + 3y^2",
                  "view": {"xmin": -3, "xmax": 3, "ymin": -3, "ymax": 3},
                  "starts": [[2, 1.5]], "lr": 0.05,
                  "note": "What to notice, in one line."}, ...]}

Each preset is plain data (no Qt), reused by the GUI's preset menu, lessons, the tests and
the benchmarks alike. The first preset is the default lesson; keys 1–9 pick the first nine.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdviz.core.expression import ExpressionError, parse
from gdviz.core.grid import ViewRange
from gdviz.core.safe_files import read_regular_file

PRESETS_FILE = Path(__file__).resolve().parents[2] / "resources" / "presets.json"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 1_000_000
MAX_STARTS = 16  # the runs one click may start
MAX_COORDINATE = 1e6
MIN_LR, MAX_LR = 1e-5, 10.0  # the η box's range
MAX_NAME = 60
MAX_NOTE = 300
_VIEW_KEYS = ("xmin", "xmax", "ymin", "ymax")
_PRESET_KEYS = ("name", "function", "view", "starts", "lr", "note")


@dataclass(frozen=True)
class Preset:
    """A function with a view, start points and a learning rate that show something."""

    name: str
    function: str
    view: ViewRange
    starts: tuple[tuple[float, float], ...]
    lr: float
    note: str


class PresetError(ValueError):
    """A refused presets file: ``where`` names the file, preset and field, ``message`` why."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(where, message)
        self.where = where
        self.message = message

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def load_presets(path: str | Path = PRESETS_FILE) -> tuple[Preset, ...]:
    """Read and check the presets file at ``path``; raise :class:`PresetError` if refused."""
    path = Path(path)
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except OSError as exc:
        raise PresetError(str(path), f"cannot read the presets file ({exc.strerror or exc})"
                          ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise PresetError(str(path), f"larger than {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PresetError(str(path), f"not UTF-8 text (byte {exc.start})") from None
    return presets_from_json(text, str(path))


def presets_from_json(text: str, source: str = "presets") -> tuple[Preset, ...]:
    """The presets in JSON ``text``; ``source`` begins every error message."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise PresetError(source, f"not valid JSON: {exc.msg} at line {exc.lineno}, "
                                  f"column {exc.colno}") from None
    except _Refused as exc:
        raise PresetError(source, str(exc)) from None
    except RecursionError:
        raise PresetError(source, "nested too deeply") from None
    if not isinstance(data, dict):
        raise PresetError(source, f"must be a JSON object {{...}}, got {_kind(data)}")
    _keys(data, ("format_version", "presets"), source)
    version = data["format_version"]
    if type(version) is not int or version != FORMAT_VERSION:
        raise PresetError(f"{source}: format_version",
                          f"must be {FORMAT_VERSION}, got {json.dumps(version)}")
    items = data["presets"]
    if not isinstance(items, list) or not items:
        raise PresetError(f"{source}: presets",
                          f"must be a non-empty list [...], got {_kind(items)}")
    presets: list[Preset] = []
    for i, item in enumerate(items):
        preset = _read_preset(item, f"{source}: preset {i + 1}")
        for other in presets:
            if other.name == preset.name:
                raise PresetError(f"{source}: preset {i + 1} ({preset.name!r}): name",
                                  f"is used twice (also by preset {presets.index(other) + 1})")
        presets.append(preset)
    return tuple(presets)


def preset_named(name: str) -> Preset:
    """The preset called ``name``; raises KeyError listing the known names."""
    for preset in PRESETS:
        if preset.name == name:
            return preset
    raise KeyError(f"unknown preset {name!r}; known: {', '.join(p.name for p in PRESETS)}")


# ------------------------------------------------------------------------------ checks


class _Refused(ValueError):
    """Raised from inside the JSON decoder's hooks."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Refused(f"the key {key!r} is given twice in one object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a number JSON allows")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    return "an object {...}" if isinstance(value, dict) else type(value).__name__


def _keys(data: dict[str, Any], required: tuple[str, ...], where: str, sep: str = ": ") -> None:
    for key in data:
        if key not in required:
            raise PresetError(f"{where}{sep}{key}", f"is not a known field (known: "
                                                    f"{', '.join(required)})")
    for key in required:
        if key not in data:
            raise PresetError(f"{where}{sep}{key}", "is missing")


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PresetError(where, f"must be a number, got {_kind(value)}")
    number = float(value)
    if not math.isfinite(number) or abs(number) > MAX_COORDINATE:
        raise PresetError(where, f"must be a finite number within ±{MAX_COORDINATE:g}, "
                                 f"got {value!r}")
    return number


def _text(value: Any, where: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PresetError(where, f"must be non-empty text in quotes, got {_kind(value)}")
    if value != value.strip() or any(c in value for c in "\n\r\t"):
        raise PresetError(where, "must be one line without leading or trailing spaces")
    if len(value) > limit:
        raise PresetError(where, f"is {len(value)} characters long (the limit is {limit})")
    return value


def _read_preset(item: Any, where: str) -> Preset:
    if not isinstance(item, dict):
        raise PresetError(where, f"must be an object {{...}}, got {_kind(item)}")
    name = item.get("name")
    if isinstance(name, str) and name.strip():
        where = f"{where} ({name!r})"
    _keys(item, _PRESET_KEYS, where)
    name = _text(item["name"], f"{where}: name", MAX_NAME)
    function = _read_function(item["function"], f"{where}: function")
    view = _read_view(item["view"], f"{where}: view")
    starts = _read_starts(item["starts"], f"{where}: starts", view)
    lr = _number(item["lr"], f"{where}: lr")
    if not MIN_LR <= lr <= MAX_LR:
        raise PresetError(f"{where}: lr", f"must be between {MIN_LR:g} and {MAX_LR:g}, got {lr:g}")
    note = _text(item["note"], f"{where}: note", MAX_NOTE)
    return Preset(name, function, view, starts, lr, note)


def _read_function(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise PresetError(where, f"must be a formula in quotes, got {_kind(value)}")
    try:
        parse(value, probe=False)  # the grid test checks where it is defined
    except ExpressionError as exc:
        snippet = value[exc.start:exc.end]
        at = f" (at {snippet!r})" if snippet and snippet != value else ""
        raise PresetError(where, f"{exc.message}{at}") from None
    return value


def _read_view(value: Any, where: str) -> ViewRange:
    if not isinstance(value, dict):
        raise PresetError(where, f"must be an object {{\"xmin\": ..., ...}}, got {_kind(value)}")
    _keys(value, _VIEW_KEYS, where, ".")
    view = ViewRange(*(_number(value[key], f"{where}.{key}") for key in _VIEW_KEYS))
    if not view.xmin < view.xmax:
        raise PresetError(f"{where}.xmax", f"must be larger than xmin ({view.xmin:g})")
    if not view.ymin < view.ymax:
        raise PresetError(f"{where}.ymax", f"must be larger than ymin ({view.ymin:g})")
    return view


def _read_starts(value: Any, where: str, view: ViewRange) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list) or not value:
        raise PresetError(where, f"must be a non-empty list of [x, y] pairs, got {_kind(value)}")
    if len(value) > MAX_STARTS:
        raise PresetError(where, f"has {len(value)} starts (the limit is {MAX_STARTS})")
    starts = []
    for i, pair in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise PresetError(at, f"must be a pair [x, y], got {_kind(pair)}")
        x, y = _number(pair[0], f"{at}[0]"), _number(pair[1], f"{at}[1]")
        if not (view.xmin <= x <= view.xmax and view.ymin <= y <= view.ymax):
            raise PresetError(at, f"({x:g}, {y:g}) lies outside the view")
        starts.append((x, y))
    return tuple(starts)


PRESETS: tuple[Preset, ...] = load_presets()
DEFAULT_PRESET = PRESETS[0]
