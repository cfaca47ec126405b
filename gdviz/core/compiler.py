"""Differentiate f(x, y) with sympy and compile f, its gradient and Hessian to NumPy code.

:func:`compile_form` does the sympy work and returns a :class:`CompiledForm` (code and
typeset maths, no sympy objects); :class:`CompiledFunction` makes callables of it in any
process. The app runs this module only in its compile worker process, with a timeout,
so no formula can freeze the window and the window never loads sympy.
"""

from __future__ import annotations

import html
import marshal
import re

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from gdviz.core.compiled import CompiledForm, CompiledFunction
from gdviz.core.expression import ExpressionError, Formula, parse

X, Y = sympy.symbols("x y", real=True)
_BAD_ATOMS = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I)


def compile_function(text: str) -> CompiledFunction:
    """Parse ``text``, differentiate it and compile the results (in this process)."""
    formula = parse(text)
    return CompiledFunction(compile_form(formula), formula)


def compile_form(formula: Formula) -> CompiledForm:
    """f, ∇f and the Hessian of ``formula`` as NumPy code, with their rich text."""
    expr, gradient = differentiate(formula)
    try:
        (fxx, fxy), (_, fyy) = hessian(gradient)
    except Exception:  # noqa: BLE001 - sympy failing here leaves f and ∇f usable
        fxx = fxy = fyy = sympy.nan  # Newton's method then stops with its message
    try:
        codes = [marshal.dumps(_lambdify(part).__code__)
                 for part in (expr, list(gradient), [fxx, fxy, fyy])]
    except Exception as exc:
        message = f"could not compile this formula ({type(exc).__name__})"
        raise ExpressionError(message, 0, len(formula.text)) from exc
    maths = {"f": to_html(expr), "dfdx": to_html(gradient[0]), "dfdy": to_html(gradient[1])}
    rows = [("∂²f/∂x²", fxx), ("∂²f/∂x∂y", fxy), ("∂²f/∂y²", fyy)]
    body = "".join(f"<tr><td>{name} =&nbsp;</td><td>{to_html(e)}</td></tr>" for name, e in rows)
    table = f"<table cellspacing='0' cellpadding='2'>{body}</table>"
    return CompiledForm(formula.text, *codes, maths, table)


def differentiate(formula: Formula) -> tuple[sympy.Expr, tuple[sympy.Expr, sympy.Expr]]:
    """f and (df/dx, df/dy) as sympy expressions; refuse results that are not finite."""
    try:
        expr = formula.to_sympy()
        gradient = (_drop_deltas(expr.diff(X)), _drop_deltas(expr.diff(Y)))
    except Exception as exc:  # sympy failing on an odd but valid formula
        message = f"could not differentiate this formula ({type(exc).__name__})"
        raise ExpressionError(message, 0, len(formula.text)) from exc
    for part in (expr, *gradient):
        if part.has(*_BAD_ATOMS, sympy.AccumBounds, sympy.Derivative, sympy.Subs):
            raise ExpressionError(
                "f or its gradient is not a finite real number", 0, len(formula.text)
            )
    return expr, gradient


def hessian(gradient: tuple[sympy.Expr, sympy.Expr]) -> tuple[tuple[sympy.Expr, ...], ...]:
    """((fxx, fxy), (fyx, fyy)) from the gradient (steps' derivatives count as 0)."""
    gx, gy = gradient
    fxy = _drop_deltas(gx.diff(Y))
    return (_drop_deltas(gx.diff(X)), fxy), (fxy, _drop_deltas(gy.diff(Y)))


def _drop_deltas(expr: sympy.Expr) -> sympy.Expr:
    """Replace Dirac deltas and unevaluated derivatives of steps (as in abs'') by 0,
    their value almost everywhere; other unevaluated derivatives become nan."""
    expr = expr.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
    steps = (sympy.sign, sympy.Heaviside)
    return expr.replace(
        lambda e: isinstance(e, sympy.Derivative),
        lambda e: sympy.S.Zero if isinstance(e.expr, steps) else sympy.nan,
    )


# ------------------------------------------------------------------------ NumPy code


class _Printer(NumPyPrinter):
    """NumPy code that broadcasts scalars with arrays everywhere, gives the same numbers
    on Python floats as on arrays, and writes numbers too large for a float as inf
    rather than as big integers."""

    def _print_Heaviside(self, expr) -> str:
        step = self._module_format("numpy.heaviside")
        return f"{step}({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_And(self, expr) -> str:
        return self._fold("numpy.logical_and", expr.args)

    def _print_Or(self, expr) -> str:
        return self._fold("numpy.logical_or", expr.args)

    def _fold(self, ufunc: str, args) -> str:
        items = ", ".join(self._print(arg) for arg in args)
        return f"{self._module_format('functools.reduce')}({self._module_format(ufunc)}, [{items}])"

    def _print_Pow(self, expr, rational=False) -> str:
        """numpy.power(b, e) rather than b**e: on arrays the same numbers, and on Python
        floats (the one-point fast path) still NumPy's power, not the C library's pow,
        so both paths agree to the last bit. √ stays numpy.sqrt."""
        if expr.exp in (sympy.S.Half, -sympy.S.Half):
            return super()._print_Pow(expr, rational=rational)
        power = self._module_format("numpy.power")
        return f"{power}({self._print(expr.base)}, {self._print(expr.exp)})"

    def _print_Integer(self, expr) -> str:
        return super()._print_Integer(expr) if abs(expr.p) < 2**53 else _float_code(expr)

    def _print_Rational(self, expr) -> str:
        if max(abs(expr.p), expr.q) < 2**53:
            return super()._print_Rational(expr)
        return _float_code(expr)


def _float_code(number: sympy.Rational) -> str:
    value = float(number)
    return repr(value) if np.isfinite(value) else f"float('{value}')"


def _lambdify(expr):
    settings = {"fully_qualified_modules": False, "inline": True, "user_functions": {}}
    printer = _Printer(settings)
    # docstring_limit=0: the docstring would print huge integers, which str() refuses
    return sympy.lambdify(
        (X, Y), expr, modules="numpy", cse=True, printer=printer, docstring_limit=0
    )


# ----------------------------------------------------------------------------- HTML


class _HtmlPrinter(StrPrinter):
    """Rich text for a QLabel: superscripts, π, √, −, and no '*' or '**'."""

    def _print_Symbol(self, expr) -> str:
        return html.escape(expr.name)

    def _print_Pi(self, expr) -> str:
        return "π"

    def _print_Exp1(self, expr) -> str:
        return "e"

    def _print_exp(self, expr) -> str:
        return f"e<sup>{self._print(expr.args[0])}</sup>"

    def _print_Abs(self, expr) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Max(self, expr) -> str:
        return f"max({self.stringify(expr.args, ', ')})"

    def _print_Min(self, expr) -> str:
        return f"min({self.stringify(expr.args, ', ')})"

    def _print_Float(self, expr) -> str:
        value = float(expr)
        return f"{value:.10g}" if np.isfinite(value) else str(sympy.Float(expr, 6))

    def _print_Integer(self, expr) -> str:
        return str(expr.p) if abs(expr.p) < 10**15 else self._print_Float(sympy.Float(expr))

    def _print_Rational(self, expr) -> str:
        if _as_decimal(expr) or abs(expr.p) >= 10**15:
            return self._print_Float(sympy.Float(expr))
        return super()._print_Rational(expr)

    def _print_Pow(self, expr, rational=False) -> str:
        base, exponent = expr.as_base_exp()
        if exponent is sympy.S.Half:
            root = self._print(base)
            return f"√{root}" if base.is_Symbol or base.is_Integer else f"√({root})"
        if exponent.is_Number and exponent < 0:
            denominator = sympy.Pow(base, -exponent)
            return "1/" + self.parenthesize(denominator, PRECEDENCE["Mul"], strict=True)
        base_text = self.parenthesize(base, PRECEDENCE["Pow"], strict=True)
        return f"{base_text}<sup>{self._print(exponent)}</sup>"

    def _print_Mul(self, expr) -> str:
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_Rational and _as_decimal(coeff):  # 0.0015 x rather than 3 x/2000
            expr = sympy.Mul(sympy.Float(coeff), *sympy.Mul.make_args(rest), evaluate=False)
        text = super()._print_Mul(expr)
        # children never contain '*', so every '*' left here joins two factors; a leading
        # number stays with its factor ("2 (y − 2)²" never breaks after the 2)
        text = re.sub(r"^(-?[0-9.]+)\*(?![0-9.])", "\\1\u00a0", text)
        return re.sub(r"\*(?=[0-9.])", "·", text).replace("*", "\u2009")


def _as_decimal(number: sympy.Rational) -> bool:
    """Whether a fraction reads better as a decimal: 3/2000 as 0.0015, but not 1/3."""
    if number.q > 1000:
        return True
    q = number.q
    while q % 10 == 0:
        q //= 10
    return number.q > 10 and q in (1, 2, 4, 5, 8)


SHORT_GROUP = 24  # visible characters of a bracket that a line break never splits
NO_BREAK = {" ": "\u00a0", "\u2009": "\u00a0"}  # Qt breaks lines even at U+202F


def keep_short_groups_whole(text: str, longest: int = SHORT_GROUP) -> str:
    """Spaces inside a short bracket made non-breaking, so a formula wraps between its
    terms, never inside "sin(3 x)" or "(x − 1)"; a long bracket may still wrap."""
    out, opened = list(text), []
    for index, char in enumerate(text):
        if char == "(":
            opened.append(index)
        elif char == ")" and opened:
            start = opened.pop()
            if len(re.sub(r"<[^>]*>", "", text[start:index + 1])) <= longest:
                for j in range(start, index):
                    out[j] = NO_BREAK.get(out[j], out[j])
    return "".join(out)


def to_html(expr: sympy.Expr) -> str:
    """``expr`` as rich text, e.g. x<sup>2</sup> + 2 sin(3 x)."""
    text = _HtmlPrinter().doprint(expr).replace("-", "−")
    text = re.sub(r"(?<!<)/", "/\u2060", text)  # a word joiner: "…/2" stays on its line
    return keep_short_groups_whole(text)
