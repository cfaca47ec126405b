"""A small, safe language for f(x, y), as students and lecturers type it.

The text is never handed to ``eval``, ``sympify`` or ``compile``. It goes through

1. an allow-list tokenizer that keeps every token's span in the typed text (and turns
   pasted Unicode such as ``π``, ``²``, ``×``, ``−`` and ``√`` into plain tokens),
2. token rewriting: ``^`` becomes ``**``, implicit products (``2x``, ``x y``,
   ``(x+1)(y-1)``) get a ``*``, ``ln`` becomes ``log``; brackets and operators are
   checked here so errors can be explained in words,
3. ``ast.parse`` of the rewritten text, used only to get a syntax tree, and
4. a walker that accepts a fixed set of node types and builds a :class:`Node` tree.

Limits are checked before any heavy work, so every refusal is fast. sympy is imported
only by :meth:`Formula.to_sympy`, so the first contour can be drawn without it.

The tokenizer and rewriting (steps 1 and 2) are in :mod:`gdviz.core.expression_tokens`,
the limits, names, functions and :class:`Node` in :mod:`gdviz.core.expression_language`,
and the sympy builder in :mod:`gdviz.core.expression_symbolic`; this module is the public
entry point and re-exports their public names.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gdviz.core.expression_language import (  # re-exported: importers use these from here
    CONSTANTS,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_MAGNITUDE,
    MAX_NODES,
    VARIABLES,
    ExpressionError,
    Node,
    _apply,
    _eval,
)
from gdviz.core.expression_symbolic import _Sym
from gdviz.core.expression_tokens import _rewrite, _tokenize

if TYPE_CHECKING:
    import sympy

_AST_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_FAMILY = {"+": "+", "-": "+", "*": "*", "/": "*"}  # chains of these do not deepen nesting


@dataclass(frozen=True)
class Formula:
    """A parsed, checked formula f(x, y)."""

    text: str
    tree: Node

    def evaluate(self, x, y) -> np.ndarray:
        """f on arrays x, y (broadcast); nan wherever f is not a finite real number."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        shape = np.broadcast_shapes(x.shape, y.shape)
        with np.errstate(all="ignore"):
            out = np.broadcast_to(np.asarray(_eval(self.tree, x, y), dtype=float), shape).copy()
        out[~np.isfinite(out)] = np.nan
        return out

    def to_sympy(self) -> sympy.Expr:
        """The formula as a sympy expression in real symbols x and y."""
        import sympy

        return _Sym(sympy).build(self.tree, 1)


def parse(text: str, probe: bool = True) -> Formula:
    """Parse and check ``text``; raise :class:`ExpressionError` if it is refused.

    With ``probe``, also refuse formulas that are not a finite real number anywhere
    on a sample of the plane.
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"too long: {len(text)} characters (the limit is {MAX_LENGTH})", MAX_LENGTH, len(text)
        )
    if not text.strip():
        raise ExpressionError("empty function: type something like x^2 + y^2", 0, len(text))
    tokens = _rewrite(_tokenize(text), text)
    pieces, starts, ends = [], {}, {}
    offset = 0
    for tok in tokens:
        starts[offset] = tok.start
        pieces.append(tok.text)
        offset += len(tok.text)
        ends[offset] = tok.end
        offset += 1  # the joining space
    source = " ".join(pieces)
    try:
        syntax = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ExpressionError("could not understand this formula", 0, len(text)) from None
    if sum(isinstance(n, ast.expr) for n in ast.walk(syntax)) > MAX_NODES:
        raise ExpressionError(
            f"too long: more than {MAX_NODES} numbers, names and operators", 0, len(text)
        )
    tree = _Walker(text, source, starts, ends).build(syntax.body, 1)
    formula = Formula(text, tree)
    if probe and tree.value is None:
        x, y = _probe_points()
        if not np.isfinite(formula.evaluate(x, y)).any():
            raise ExpressionError(
                "this function is not defined (or not real) anywhere on the plane", 0, len(text)
            )
    return formula


# --------------------------------------------------------------------------- walker


class _Walker:
    """Turn a Python syntax tree into a checked :class:`Node` tree."""

    def __init__(self, text: str, source: str, starts: dict, ends: dict) -> None:
        self.text, self.source, self.starts, self.ends = text, source, starts, ends

    def span(self, node: ast.expr) -> tuple[int, int]:
        """Where ``node`` is in the typed text."""
        start = self.starts.get(node.col_offset, 0)
        return start, max(self.ends.get(node.end_col_offset, len(self.text)), start + 1)

    def fail(self, message: str, node: Node | ast.expr) -> ExpressionError:
        start, end = self.span(node) if isinstance(node, ast.expr) else (node.start, node.end)
        return ExpressionError(message, start, max(end, start + 1))

    def build(self, node: ast.expr, depth: int) -> Node:
        """Check ``node`` at nesting ``depth`` and return it as a Node."""
        if depth > MAX_DEPTH:
            raise self.fail(f"too deeply nested (the limit is {MAX_DEPTH} levels)", node)
        start, end = self.span(node)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            literal = self.source[node.col_offset : node.end_col_offset]
            return Node("num", start, end, text=literal, value=float(node.value))
        if isinstance(node, ast.Name) and node.id in (*VARIABLES, *CONSTANTS):
            return Node("name", start, end, text=node.id, value=CONSTANTS.get(node.id))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand, depth + 1)
            if isinstance(node.op, ast.UAdd):
                return operand
            value = None if operand.value is None else -operand.value
            return Node("neg", start, end, (operand,), value=value)
        if isinstance(node, ast.BinOp) and type(node.op) in _AST_OPS:
            kind = _AST_OPS[type(node.op)]
            sides = (node.left, node.right)
            args = tuple(self.build(s, depth + (not _same_family(kind, s))) for s in sides)
            return self.constant(Node(kind, start, end, args))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self.call(node, start, end, depth)
        raise self.fail("this is not allowed in a formula", node)

    def call(self, node: ast.Call, start: int, end: int, depth: int) -> Node:
        name = node.func.id
        if name not in FUNCTIONS or node.keywords:
            raise self.fail("this is not allowed in a formula", node)
        _, fewest, most = FUNCTIONS[name]
        count = len(node.args)
        if most is None and count < fewest:
            raise self.fail(f"{name} takes at least {fewest} arguments, got {count}", node)
        if most is not None and not fewest <= count <= most:
            plural = "s" if fewest > 1 else ""
            raise self.fail(f"{name} takes {fewest} argument{plural}, got {count}", node)
        args = tuple(self.build(arg, depth + 1) for arg in node.args)
        return self.constant(Node("call", start, end, args, text=name))

    def constant(self, node: Node) -> Node:
        """Fill in ``node.value`` when it is constant; refuse values that are not finite."""
        values = [arg.value for arg in node.args]
        if node.kind == "/" and values[1] == 0:
            raise self.fail("division by zero", node)
        if any(v is None for v in values):
            return node
        snippet = self.text[node.start : node.end]
        snippet = snippet if len(snippet) <= 30 else snippet[:29] + "…"
        if node.kind == "^":
            self.check_power(values[0], values[1], snippet, node)
        if node.text == "atan2" and values == [0, 0]:
            raise self.fail("atan2(0, 0) is undefined", node)
        with np.errstate(all="ignore"):
            value = float(_apply(node, [np.float64(v) for v in values]))
        if math.isnan(value):
            raise self.fail(f"{snippet} is not a real number", node)
        if math.isinf(value):
            raise self.fail(f"{snippet} is infinite", node)
        if abs(value) > MAX_MAGNITUDE:
            raise self.fail(f"{snippet} is too large (the limit is 10^15)", node)
        return Node(node.kind, node.start, node.end, node.args, node.text, value)

    def check_power(self, base: float, exponent: float, snippet: str, node: Node) -> None:
        """Refuse base^exponent if it is not real or too large, without computing it."""
        if base == 0 and exponent < 0:
            raise self.fail(f"{snippet} divides by zero", node)
        if base < 0 and exponent != math.floor(exponent):
            raise self.fail(
                f"{snippet} is not a real number (a negative number to a fractional power)", node
            )
        if base != 0 and exponent * math.log10(abs(base)) > math.log10(MAX_MAGNITUDE):
            raise self.fail(f"{snippet} is too large (the limit is 10^15)", node)


def _same_family(kind: str, side: ast.expr) -> bool:
    """Whether ``side`` continues a chain like a + b - c or a * b / c."""
    if kind not in _FAMILY or not isinstance(side, ast.BinOp):
        return False
    return _FAMILY.get(_AST_OPS.get(type(side.op), ""), "") == _FAMILY[kind]


# ------------------------------------------------------------------------- probing

_PROBE: tuple[np.ndarray, np.ndarray] | None = None


def _probe_points() -> tuple[np.ndarray, np.ndarray]:
    """A 41 x 41 grid over [-5, 5]² plus random points at scales from 1e-3 to 1e3."""
    global _PROBE
    if _PROBE is None:
        grid_x, grid_y = np.meshgrid(np.linspace(-5, 5, 41), np.linspace(-5, 5, 41))
        rng = np.random.default_rng(20240611)
        scattered = rng.standard_normal((2, 200)) * 10.0 ** rng.uniform(-3, 3, 200)
        _PROBE = (
            np.concatenate([grid_x.ravel(), scattered[0]]),
            np.concatenate([grid_y.ravel(), scattered[1]]),
        )
    return _PROBE
