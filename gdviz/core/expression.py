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
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import sympy

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_NODES = 400
MAX_MAGNITUDE = 1e15
_EXACT_EXPONENT = 64  # larger exponents become floats in sympy, which keeps it fast

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
_AST_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
_FAMILY = {"+": "+", "-": "+", "*": "*", "/": "*"}  # chains of these do not deepen nesting


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


# ---------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # num, var, const, func, op, sqrt, (, ), ","
    text: str  # as Python should read it
    start: int
    end: int


_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_DIGITS = frozenset("0123456789")  # str.isdigit() would also accept ² and other digits
_SPACES = " \t\r\n\u00a0\u2009\u202f"  # and any other Unicode space separator
_SIMPLE = {
    "+": ("op", "+"), "-": ("op", "-"), "/": ("op", "/"), "^": ("op", "**"),
    "*": ("op", "*"), "×": ("op", "*"), "·": ("op", "*"), "⋅": ("op", "*"),
    "−": ("op", "-"), "–": ("op", "-"), "(": ("(", "("), ")": (")", ")"), ",": (",", ","),
    "π": ("const", "pi"), "√": ("sqrt", "sqrt"),
}  # fmt: skip
_SUPERSCRIPTS = {c: str(i) for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
_CHAR_HINTS = {
    "'": "quotes are not part of a formula",
    '"': "quotes are not part of a formula",
    "[": "use round brackets ( ) for grouping",
    "]": "use round brackets ( ) for grouping",
    "{": "use round brackets ( ) for grouping",
    "}": "use round brackets ( ) for grouping",
    ".": "'.' is only allowed inside numbers such as 1.5",
    "_": "'_' is not allowed; use x and y",
    "=": "'=' is not allowed: type only the right-hand side, like x^2 + y^2",
}
_FUNCTION_LIST = ", ".join([*FUNCTIONS, *_ALIASES])


def _tokenize(text: str) -> list[_Token]:
    """Split ``text`` into tokens, refusing anything outside the allow-list."""
    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in _SPACES or unicodedata.category(c) == "Zs":
            i += 1
        elif c in _DIGITS or (c == "." and i + 1 < len(text) and text[i + 1] in _DIGITS):
            i = _number(text, i, tokens)
        elif c.isascii() and c.isalpha():
            i = _name(text, i, tokens)
        elif text.startswith("**", i):
            tokens.append(_Token("op", "**", i, i + 2))
            i += 2
        elif c in _SIMPLE:
            kind, value = _SIMPLE[c]
            tokens.append(_Token(kind, value, i, i + 1))
            i += 1
        elif c in _SUPERSCRIPTS:
            j = i
            while j < len(text) and text[j] in _SUPERSCRIPTS:
                j += 1
            digits = "".join(_SUPERSCRIPTS[d] for d in text[i:j])
            tokens += [_Token("op", "**", i, j), _Token("num", str(int(digits)), i, j)]
            i = j
        else:
            raise ExpressionError(_describe_bad_char(c), i, i + 1)
    return tokens


def _describe_bad_char(c: str) -> str:
    if c in _CHAR_HINTS:
        return _CHAR_HINTS[c]
    name = unicodedata.name(c, f"U+{ord(c):04X}")
    if unicodedata.category(c).startswith("C"):
        return f"invisible control character ({name}) is not allowed"
    if c.isalpha() or c.isdigit():
        return f"'{c}' ({name}) is not a plain letter or digit: retype it on an ordinary keyboard"
    return f"'{c}' is not allowed in a formula"


def _number(text: str, i: int, tokens: list[_Token]) -> int:
    """Read the number at ``i``; return the index after it."""
    j = _NUMBER.match(text, i).end()
    literal, after = text[i:j], text[j : j + 1]
    run = j + len(re.match(r"[0-9A-Za-z_.]*", text[j:]).group())
    if literal == "0" and after in ("x", "X", "o", "O", "b", "B"):
        digit = text[j + 1 : j + 2]
        allowed = {"x": "0123456789abcdefABCDEF", "o": "01234567", "b": "01"}[after.lower()]
        if digit and digit in allowed:
            raise ExpressionError("hexadecimal, octal and binary numbers are not supported", i, run)
    if after == "_":
        raise ExpressionError("write numbers without '_', like 1000", i, run)
    if after in ("j", "J") and not text[j + 1 : j + 2].isalnum():
        raise ExpressionError("complex numbers like 1j are not supported", i, j + 1)
    value = float(literal)
    if not abs(value) <= MAX_MAGNITUDE:
        raise ExpressionError("number too large (the limit is 10^15)", i, j)
    if literal.isdigit():
        literal = str(int(literal))  # Python refuses leading zeros such as 007
    tokens.append(_Token("num", literal, i, j))
    return j


def _name(text: str, i: int, tokens: list[_Token]) -> int:
    """Read the name at ``i``, check it is allowed; return the index after it."""
    j = _NAME.match(text, i).end()
    name = _ALIASES.get(text[i:j], text[i:j])
    if name in VARIABLES:
        tokens.append(_Token("var", name, i, j))
    elif name in CONSTANTS:
        tokens.append(_Token("const", name, i, j))
    elif name in FUNCTIONS:
        tokens.append(_Token("func", name, i, j))
    elif set(name) <= set(VARIABLES):  # "xy" means x*y
        tokens += [_Token("var", c, k, k + 1) for k, c in enumerate(name, i)]
    elif name.lower() in (*VARIABLES, *CONSTANTS, *FUNCTIONS, *_ALIASES):
        raise ExpressionError(f"unknown name '{name}' — did you mean '{name.lower()}'?", i, j)
    elif len(name) > 1 and text[j:].lstrip(_SPACES).startswith("("):
        raise ExpressionError(f"unknown function '{name}' — allowed: {_FUNCTION_LIST}", i, j)
    else:
        raise ExpressionError(f"unknown name '{name}' — use x and y", i, j)
    return j


# ------------------------------------------------------------------------ rewriting


def _rewrite(tokens: list[_Token], text: str) -> list[_Token]:
    """Check brackets and operators, insert implicit products; return Python tokens."""
    tokens = _expand_roots(_move_function_powers(tokens, text), text)
    out: list[_Token] = []
    opened: list[tuple[_Token, bool]] = []  # open brackets, and whether each is a call
    expect_operand = True
    for i, tok in enumerate(tokens):
        prev = out[-1] if out else None
        if not expect_operand and tok.kind in ("num", "var", "const", "func", "("):
            if tok.kind == "num":
                raise _error(f"missing operator before '{_src(text, tok)}'", tok)
            out.append(_Token("op", "*", tok.start, tok.end))  # implicit multiplication
            prev, expect_operand = out[-1], True
        if expect_operand:
            if tok.kind in ("num", "var", "const"):
                expect_operand = False
            elif tok.kind == "func":
                following = tokens[i + 1] if i + 1 < len(tokens) else None
                if following is None or following.kind != "(":
                    raise _error(f"{tok.text} needs parentheses: {tok.text}(x)", tok)
            elif tok.kind == "(":
                opened.append((tok, prev is not None and prev.kind == "func"))
                if len(opened) > MAX_DEPTH:
                    raise _error(
                        f"too many brackets inside each other (the limit is {MAX_DEPTH})", tok
                    )
            elif tok.kind == "op" and tok.text in "+-":
                pass  # a sign
            elif tok.kind == ")" and prev is not None and prev.kind == "(" and opened[-1][1]:
                opened.pop()  # sin(): the argument count check explains it
                expect_operand = False
            else:
                raise _missing_operand(text, prev, tok)
        elif tok.kind == "op":
            expect_operand = True
        elif tok.kind == ")":
            if not opened:
                raise _error(f"unexpected ')' at column {tok.start + 1}: nothing to close", tok)
            opened.pop()
        elif tok.kind == ",":
            if not opened or not opened[-1][1]:
                raise _error("',' only separates function arguments, like max(x, y)", tok)
            expect_operand = True
        out.append(tok)
    if expect_operand:
        raise _missing_operand(text, out[-1] if out else None, None)
    if opened:
        tok = opened[-1][0]
        raise ExpressionError(f"missing ')' opened at column {tok.start + 1}", tok.start, len(text))
    return out


def _closing(tokens: list[_Token], i: int, text: str) -> int:
    """The index of the ')' that closes the '(' at ``tokens[i]``."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[j].kind, 0)
        if depth == 0:
            return j
    start = tokens[i].start
    raise ExpressionError(f"missing ')' opened at column {start + 1}", start, len(text))


def _move_function_powers(tokens: list[_Token], text: str) -> list[_Token]:
    """Read ``sin²(x)`` as ``sin(x)**2``."""
    out = list(tokens)
    for i in range(len(out) - 4, -1, -1):
        func, power, number, bracket = out[i : i + 4]
        superscript = power.kind == "op" and power.start == number.start  # both from "²"
        if func.kind == "func" and superscript and bracket.kind == "(":
            j = _closing(out, i + 3, text)
            out[i : j + 1] = [func, *out[i + 3 : j + 1], power, number]
    return out


def _expand_roots(tokens: list[_Token], text: str) -> list[_Token]:
    """Turn ``√`` plus its operand into ``sqrt( ... )``."""
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok.kind != "sqrt":
            out.append(tok)
            continue
        root = _Token("func", "sqrt", tok.start, tok.end)
        nxt = tokens[i] if i < len(tokens) else None
        if nxt is not None and nxt.kind == "(":
            out.append(root)  # √(x) is already a call
            continue
        if nxt is None or nxt.kind not in ("num", "var", "const", "func"):
            raise _error("√ needs something after it, like √x or √(x + 1)", tok)
        j = i + 1
        if nxt.kind == "func" and j < len(tokens) and tokens[j].kind == "(":
            j = _closing(tokens, j, text) + 1
        operand = tokens[i:j]
        out += [root, _Token("(", "(", tok.start, tok.end), *operand]
        out.append(_Token(")", ")", operand[-1].start, operand[-1].end))
        i = j
    return out


def _src(text: str, tok: _Token) -> str:
    return text[tok.start : tok.end]


def _error(message: str, tok: _Token) -> ExpressionError:
    return ExpressionError(message, tok.start, max(tok.end, tok.start + 1))


def _missing_operand(text: str, prev: _Token | None, tok: _Token | None) -> ExpressionError:
    """Explain why an operand was expected before ``tok`` (None: the end)."""
    if tok is None:
        return _error(f"expression ends after '{_src(text, prev)}': something is missing", prev)
    what = _src(text, tok)
    if prev is None:
        if tok.kind == ")":
            return _error(f"unexpected ')' at column {tok.start + 1}: nothing to close", tok)
        return _error(f"'{what}' needs something before it", tok)
    before = _src(text, prev)
    if prev.kind == "(" and tok.kind == ")":
        return ExpressionError("empty brackets: put something inside ( )", prev.start, tok.end)
    if prev.kind in ("(", ",") and tok.kind in ("op", ","):
        return _error(f"'{what}' needs something before it", tok)
    return ExpressionError(
        f"something is missing between '{before}' and '{what}'", prev.start, tok.end
    )


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


# --------------------------------------------------------------------------- sympy


class _Sym:
    """Build a sympy expression from a Node tree.

    sympy expands powers of products exactly ((2x)^n gives 2^n x^n, and exp(n log(2x))
    gives (2x)^n), so ``scale`` tracks the exact exponent applied from above; exponents
    past ``_EXACT_EXPONENT`` become floats, which keeps sympy's numbers small.
    """

    def __init__(self, sympy) -> None:
        self.sp = sympy
        self.x, self.y = sympy.symbols("x y", real=True)
        sp = sympy
        self.functions = {
            "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "asin": sp.asin, "acos": sp.acos,
            "atan": sp.atan, "atan2": sp.atan2, "sinh": sp.sinh, "cosh": sp.cosh,
            "tanh": sp.tanh, "log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs,
            "min": sp.Min, "max": sp.Max,
        }  # fmt: skip

    def build(self, node: Node, scale: float):
        sp = self.sp
        if node.kind == "num":
            exact = Fraction(node.text)
            return sp.Rational(exact.numerator, exact.denominator)
        if node.kind == "name":
            return {"x": self.x, "y": self.y, "pi": sp.pi, "e": sp.E}[node.text]
        if node.kind == "^":
            exponent = self.build(node.args[1], 1)
            if exponent.is_Number and abs(exponent) * scale > _EXACT_EXPONENT:
                exponent = sp.Float(exponent)
            inner = scale * max(1, abs(exponent)) if exponent.is_Rational else scale
            base = self.build(node.args[0], inner)
            return self.exp(exponent, scale) if base == sp.E else base**exponent
        args = [self.build(arg, scale) for arg in node.args]
        if node.kind == "call" and node.text == "exp":
            return self.exp(args[0], scale)
        if node.kind == "call":
            return self.functions[node.text](*args)
        if node.kind == "neg":
            return -args[0]
        left, right = args
        if node.kind == "+":
            return left + right
        if node.kind == "-":
            return left - right
        return left * right if node.kind == "*" else left / right

    def exp(self, argument, scale: float):
        """exp(argument), with large exact multiples of a log turned into floats."""
        sp = self.sp
        terms = []
        for term in sp.Add.make_args(argument):
            coeff, rest = term.as_coeff_Mul()
            if coeff.is_Rational and rest.has(sp.log) and abs(coeff) * scale > _EXACT_EXPONENT:
                term = sp.Float(coeff) * rest
            terms.append(term)
        return sp.exp(sp.Add(*terms))
