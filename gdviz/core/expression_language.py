"""The formula language's definition: its limits, names and functions, and its Node tree.

Shared by the tokenizer (:mod:`gdviz.core.expression_tokens`), the syntax-tree walker
and the sympy builder (:mod:`gdviz.core.expression_symbolic`); :mod:`gdviz.core.expression`
is the public entry point and re-exports these names. Also evaluates a Node tree with
NumPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce

import numpy as np

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_NODES = 400
MAX_MAGNITUDE = 1e15

VARIABLES = ("x", "y")
CONSTANTS = {"pi": math.pi, "e": math.e}


def _fold(ufunc: np.ufunc):
    return lambda *args: reduce(ufunc, args)


# name: (NumPy implementation, fewest arguments, most arguments or None for no limit)
FUNCTIONS: dict[str, tuple] = {
    "sin": (np.sin, 1, 1),
    "cos": (np.cos, 1, 1),
    "tan": (np.tan, 1, 1),
    "asin": (np.arcsin, 1, 1),
    "acos": (np.arccos, 1, 1),
    "atan": (np.arctan, 1, 1),
    "atan2": (np.arctan2, 2, 2),
    "sinh": (np.sinh, 1, 1),
    "cosh": (np.cosh, 1, 1),
    "tanh": (np.tanh, 1, 1),
    "exp": (np.exp, 1, 1),
    "log": (np.log, 1, 1),
    "sqrt": (np.sqrt, 1, 1),
    "abs": (np.abs, 1, 1),
    "min": (_fold(np.minimum), 2, None),
    "max": (_fold(np.maximum), 2, None),
}
_ALIASES = {"ln": "log"}
_BINARY = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "^": np.power}


class ExpressionError(ValueError):
    """A refused formula: ``message`` in plain words, ``start:end`` its span in the text."""

    def __init__(self, message: str, start: int = 0, end: int = 0) -> None:
        super().__init__(message, start, end)
        self.message = message
        self.start = start
        self.end = end

    def __str__(self) -> str:
        return f"column {self.start + 1}: {self.message}"


@dataclass(frozen=True)
class Node:
    """One node of a parsed formula; ``start:end`` is its span in the typed text.

    ``kind`` is ``"num"``, ``"name"``, ``"call"``, ``"neg"`` or one of ``+ - * / ^``;
    ``text`` holds the literal of a number or the name of a name or call; ``value`` is
    the float value when the node is a constant (it contains no x or y), else None.
    """

    kind: str
    start: int
    end: int
    args: tuple[Node, ...] = ()
    text: str = ""
    value: float | None = None


# ----------------------------------------------------------------------- evaluation


def _apply(node: Node, args: list):
    """Apply ``node``'s operation to already evaluated arguments."""
    if node.kind == "neg":
        return np.negative(args[0])
    if node.kind == "call":
        return FUNCTIONS[node.text][0](*args)
    return _BINARY[node.kind](*args)


def _eval(node: Node, x: np.ndarray, y: np.ndarray):
    """Evaluate ``node`` with NumPy (call inside ``np.errstate``)."""
    if node.value is not None:
        return node.value
    if node.kind == "name":
        return x if node.text == "x" else y
    return _apply(node, [_eval(arg, x, y) for arg in node.args])
