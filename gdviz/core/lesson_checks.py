"""Strict reading of JSON files: every value is checked, every refusal names its field.

The checks raise :class:`LessonError` with a dotted path ("settings.hyper.beta1",
"starts[2]") and a reason in words a lecturer understands.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np


class LessonError(ValueError):
    """A refused lesson: ``field`` is a dotted path such as "settings.lr", ``message`` why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


# A JSON string, or an unclosed one running to the end: a match never fails once it starts
# at a quote, so the scan is linear even for a megabyte of "\"\"\"...
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)


_DEPTH_CHANGE = np.zeros(256, dtype=np.int32)  # +1 for [ and {, -1 for ] and }, by byte
_DEPTH_CHANGE[[ord("["), ord("{")]] = 1
_DEPTH_CHANGE[[ord("]"), ord("}")]] = -1


def check_depth(text: str, max_depth: int) -> None:
    """Refuse brackets nested deeper than MAX_DEPTH before the JSON parser sees them."""
    outside = np.frombuffer(_STRING.sub("", text).encode("utf-8", "replace"), dtype=np.uint8)
    if outside.size and np.cumsum(_DEPTH_CHANGE[outside]).max() > max_depth:
        raise LessonError("file", f"brackets are nested more than {max_depth} deep; "
                                  "this is not a lesson file")


class NonFinite:
    """NaN, Infinity or -Infinity as read by the JSON parser; refused where it is found."""

    def __init__(self, text: str) -> None:
        self.text = text


class JsonObject(dict):
    """A JSON object that remembers keys given twice (refused where it is checked)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        self.duplicates = [k for k, _ in pairs if k in seen or seen.add(k)]


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def kind(value: Any) -> str:
    """How a JSON value is described in messages."""
    if isinstance(value, NonFinite):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object {...}"


def keys_of(value: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...] = (),
            what: str = "key") -> dict[str, Any]:
    """Check that ``value`` is an object with exactly the allowed keys."""
    if not isinstance(value, dict):
        raise LessonError(path or "file", f"must be an object {{...}}, got {kind(value)}")
    for key in getattr(value, "duplicates", ()):
        raise LessonError(join(path, key), "is given twice")
    allowed = required + optional
    for key in value:
        if key not in allowed:
            known = ", ".join(allowed) or "none"
            raise LessonError(join(path, key), f"unknown {what}; allowed here: {known}")
    for key in required:
        if key not in value:
            raise LessonError(join(path, key), "is missing (it is required)")
    return value


def finite_number(value: Any, path: str, name: str = "") -> float:
    """A finite float from a JSON number (ints are fine, true/false are not)."""
    prefix = f"{name} " if name else ""
    if isinstance(value, NonFinite):
        raise LessonError(path, f"{prefix}is {value.text}; only finite numbers are allowed")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LessonError(path, f"{prefix}must be a number, got {kind(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise LessonError(path, f"{prefix}must be a finite number, got {value!r:.30}")
    return number


def in_range(value: Any, path: str, low: float, high: float, low_open: bool = False) -> float:
    number = finite_number(value, path)
    if (number <= low if low_open else number < low) or number > high:
        lower = f"above {low:g}" if low_open else f"at least {low:g}"
        upper = f" and at most {high:g}" if high < math.inf else ""
        raise LessonError(path, f"must be {lower}{upper}, got {number:g}")
    return number


def whole(value: Any, path: str, low: int, high: int) -> int:
    """An int in [low, high]; 1000.0 is refused like true is."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise LessonError(path, f"must be a whole number, got {kind(value)}")
    if not low <= value <= high:
        shown = f"{value:,}" if abs(value) < 10**30 else "a far larger number"
        raise LessonError(path, f"must be a whole number from {low:,} to {high:,}, got {shown}")
    return value


def text_of(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise LessonError(path, f"must be text in quotes, got {kind(value)}")
    return value


def flag(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise LessonError(path, f"must be true or false, got {kind(value)}")
    return value


def choice(value: Any, path: str, choices: Any, what: str) -> str:
    text = text_of(value, path)
    if text not in choices:
        raise LessonError(path, f"unknown {what} {text[:60]!r}; known: {', '.join(choices)}")
    return text


def names_of(value: Any, path: str, choices: Any, what: str) -> tuple[str, ...]:
    """A list of distinct names from ``choices``."""
    if not isinstance(value, list | tuple):
        raise LessonError(path, f"must be a list [...], got {kind(value)}")
    names: list[str] = []
    for i, item in enumerate(value):
        name = choice(item, f"{path}[{i}]", choices, what)
        if name in names:
            raise LessonError(f"{path}[{i}]", f"{name!r} is listed twice")
        names.append(name)
    return tuple(names)
