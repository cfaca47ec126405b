"""Tokens of a typed formula: the allow-list tokenizer and the token rewriting.

:func:`_tokenize` keeps every token's span in the typed text and refuses anything
outside the allow-list; :func:`_rewrite` checks brackets and operators, explaining
errors in words, and turns the tokens into text that Python's ``ast.parse`` reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from gdviz.core.expression_language import (
    _ALIASES,
    CONSTANTS,
    FUNCTIONS,
    MAX_DEPTH,
    MAX_MAGNITUDE,
    VARIABLES,
    ExpressionError,
)

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
