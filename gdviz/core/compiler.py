"""Turn the text of f(x, y) into fast NumPy functions for f, its gradient and Hessian.

:func:`compile_function` works in-process; :mod:`gdviz.core.compile_worker` runs the
same sympy work in a child process with a timeout, so no formula can freeze the app.
"""

from __future__ import annotations

import html
import re
from functools import cached_property

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from gdviz.core.expression import ExpressionError, Formula, parse

X, Y = sympy.symbols("x y", real=True)
_BAD_ATOMS = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I)


def compile_function(text: str) -> CompiledFunction:
    """Parse ``text``, differentiate it and compile the results (in this process)."""
    formula = parse(text)
    expr, gradient = differentiate(formula)
    return _build(text, expr, gradient, formula)


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


def _build(text: str, expr, gradient, formula: Formula) -> CompiledFunction:
    """A CompiledFunction, with failures of code generation reported as refusals."""
    try:
        return CompiledFunction(text, expr, gradient, formula=formula)
    except Exception as exc:
        message = f"could not compile this formula ({type(exc).__name__})"
        raise ExpressionError(message, 0, len(text)) from exc


def _drop_deltas(expr: sympy.Expr) -> sympy.Expr:
    """Replace Dirac deltas and unevaluated derivatives of steps (as in abs'') by 0,
    their value almost everywhere; other unevaluated derivatives become nan."""
    expr = expr.replace(sympy.DiracDelta, lambda *args: sympy.S.Zero)
    steps = (sympy.sign, sympy.Heaviside)
    return expr.replace(
        lambda e: isinstance(e, sympy.Derivative),
        lambda e: sympy.S.Zero if isinstance(e.expr, steps) else sympy.nan,
    )


class CompiledFunction:
    """f(x, y) with its gradient and Hessian as NumPy functions; an Objective.

    Build it from ``(text, expr, gradient_exprs)``: sympy expressions pickle, and the
    lambdified functions are rebuilt in whichever process receives them.
    """

    def __init__(
        self,
        text: str,
        expr: sympy.Expr,
        gradient_exprs: tuple[sympy.Expr, sympy.Expr],
        formula: Formula | None = None,
    ) -> None:
        self.text = text
        self.formula = formula if formula is not None else parse(text, probe=False)
        self.expr = expr
        self.gradient_exprs = tuple(gradient_exprs)
        self._f = _lambdify(expr)
        self._grad = _lambdify(list(self.gradient_exprs))

    def __reduce__(self):
        return (CompiledFunction, (self.text, self.expr, self.gradient_exprs))

    def __repr__(self) -> str:
        return f"CompiledFunction({self.text!r})"

    def f(self, x, y) -> np.ndarray:
        """f on arrays x, y (broadcast); nan where f is not a finite real number."""
        return _call(self._f, x, y, 1)[0]

    def grad(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """(df/dx, df/dy) on arrays x, y, each of the broadcast shape."""
        gx, gy = _call(self._grad, x, y, 2)
        return gx, gy

    @cached_property
    def hessian_exprs(self) -> tuple[tuple[sympy.Expr, sympy.Expr], tuple[sympy.Expr, sympy.Expr]]:
        """((fxx, fxy), (fyx, fyy)) as sympy expressions (computed on first use)."""
        gx, gy = self.gradient_exprs
        fxy = _drop_deltas(gx.diff(Y))
        return (_drop_deltas(gx.diff(X)), fxy), (fxy, _drop_deltas(gy.diff(Y)))

    @cached_property
    def _hess(self):
        (fxx, fxy), (_, fyy) = self.hessian_exprs
        return _lambdify([fxx, fxy, fyy])

    def hess(self, x, y) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """((fxx, fxy), (fyx, fyy)) on arrays x, y."""
        fxx, fxy, fyy = _call(self._hess, x, y, 3)
        return (fxx, fxy), (fxy, fyy)

    def value(self, points: np.ndarray) -> np.ndarray:
        """f at each row of an (N, 2) array: shape (N,)."""
        return self.f(points[:, 0], points[:, 1])

    def gradient(self, points: np.ndarray) -> np.ndarray:
        """The gradient at each row: shape (N, 2)."""
        return np.stack(self.grad(points[:, 0], points[:, 1]), axis=-1)

    def hessian(self, points: np.ndarray) -> np.ndarray:
        """The Hessian at each row: shape (N, 2, 2)."""
        rows = self.hess(points[:, 0], points[:, 1])
        return np.stack([np.stack(row, axis=-1) for row in rows], axis=-2)

    def value_and_gradient_at(self, x: float, y: float) -> tuple[float, tuple[float, float]]:
        """(f, (df/dx, df/dy)) at one point, for hover read-outs."""
        gx, gy = self.grad(x, y)
        return float(self.f(x, y)), (float(gx), float(gy))

    def math_html(self) -> dict[str, str]:
        """Rich text for f and its partial derivatives, keyed "f", "dfdx", "dfdy"."""
        return dict(self._math_html)

    @cached_property
    def _math_html(self) -> dict[str, str]:
        gx, gy = self.gradient_exprs
        return {"f": to_html(self.expr), "dfdx": to_html(gx), "dfdy": to_html(gy)}

    def hessian_html(self) -> str:
        """Rich text for the second derivatives: a table of fxx, fxy and fyy."""
        (fxx, fxy), (_, fyy) = self.hessian_exprs
        rows = [("∂²f/∂x²", fxx), ("∂²f/∂x∂y", fxy), ("∂²f/∂y²", fyy)]
        body = "".join(f"<tr><td>{name} =&nbsp;</td><td>{to_html(e)}</td></tr>" for name, e in rows)
        return f"<table cellspacing='0' cellpadding='2'>{body}</table>"


# ------------------------------------------------------------------------ NumPy code


class _Printer(NumPyPrinter):
    """NumPy code that broadcasts scalars with arrays everywhere, and writes numbers
    too large for a float as inf rather than as big integers."""

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


def _call(fn, x, y, count: int) -> list[np.ndarray]:
    """Call a lambdified function returning ``count`` values; return float arrays of the
    broadcast shape, with nan for anything that is not a finite real number. Never warns."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    shape = np.broadcast_shapes(x.shape, y.shape)
    with np.errstate(all="ignore"):
        try:
            results = fn(x, y)
        except ArithmeticError:  # Python-float constants can overflow, as in pi**1e15
            results = [np.nan] * count
        results = results if isinstance(results, list) else [results]
        out = []
        for result in results:
            result = np.asarray(result)
            if np.iscomplexobj(result):
                result = np.where(result.imag == 0, result.real, np.nan)
            result = np.broadcast_to(result.astype(float), shape).copy()
            result[~np.isfinite(result)] = np.nan
            out.append(result)
    return out


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
        # children never contain '*', so every '*' left here joins two factors
        return re.sub(r"\*(?=[0-9.])", "·", text).replace("*", "\u2009")


def _as_decimal(number: sympy.Rational) -> bool:
    """Whether a fraction reads better as a decimal: 3/2000 as 0.0015, but not 1/3."""
    if number.q > 1000:
        return True
    q = number.q
    while q % 10 == 0:
        q //= 10
    return number.q > 10 and q in (1, 2, 4, 5, 8)


def to_html(expr: sympy.Expr) -> str:
    """``expr`` as rich text, e.g. x<sup>2</sup> + 2 sin(3 x)."""
    return _HtmlPrinter().doprint(expr).replace("-", "−")
