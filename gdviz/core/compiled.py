"""A compiled f(x, y): NumPy functions for f, its gradient and Hessian, without sympy.

sympy derives and prints the maths (:mod:`gdviz.core.compiler`, in the compile worker
process); what it sends back is a :class:`CompiledForm`: the three functions as
marshalled code objects and the typeset maths. Here they become callables again,
bound to an allow-list of NumPy names, so the window's process never imports sympy
(which would cost it ~85 MB).
"""

from __future__ import annotations

import functools
import marshal
import math
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdviz.core.expression import Formula, parse


@dataclass(frozen=True)
class CompiledForm:
    """What the compiler sends: code for f, ∇f and the Hessian, and their rich text."""

    text: str
    f_code: bytes  # marshalled code of (x, y) → f
    grad_code: bytes  # (x, y) → [df/dx, df/dy]
    hess_code: bytes  # (x, y) → [fxx, fxy, fyy]
    math_html: dict[str, str] = field(default_factory=dict)  # "f", "dfdx", "dfdy"
    hessian_html: str = ""


@functools.cache
def _namespace() -> dict[str, Any]:
    """The only names compiled code may use: NumPy's public ones, reduce and float."""
    names = {name: value for name, value in vars(np).items() if not name.startswith("_")}
    names.update(reduce=functools.reduce, __builtins__={"float": float})
    return names


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _code_names(constant)
    return names


def load_function(data: bytes) -> types.FunctionType:
    """A function from marshalled code of (x, y); ValueError if it reaches past NumPy."""
    code = marshal.loads(data)
    if not isinstance(code, types.CodeType) or code.co_argcount != 2:
        raise ValueError("not the code of a function of x and y")
    unknown = _code_names(code) - _namespace().keys()
    if unknown:
        raise ValueError(f"compiled code uses unknown names: {', '.join(sorted(unknown))}")
    return types.FunctionType(code, _namespace())


class CompiledFunction:
    """f(x, y) with its gradient and Hessian as NumPy functions; an Objective."""

    def __init__(self, form: CompiledForm, formula: Formula | None = None) -> None:
        self.form = form
        self.text = form.text
        self.formula = formula if formula is not None else parse(form.text, probe=False)
        self._f = load_function(form.f_code)
        self._grad = load_function(form.grad_code)
        self._hess = load_function(form.hess_code)

    def __reduce__(self):
        return (CompiledFunction, (self.form,))

    def __repr__(self) -> str:
        return f"CompiledFunction({self.text!r})"

    def f(self, x, y) -> np.ndarray:
        """f on arrays x, y (broadcast); nan where f is not a finite real number."""
        return _call(self._f, x, y, 1)[0]

    def grad(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """(df/dx, df/dy) on arrays x, y, each of the broadcast shape."""
        gx, gy = _call(self._grad, x, y, 2)
        return gx, gy

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

    # One point, fast: for the drag preview, which steps one point 100 times per frame.
    # Call these under np.errstate(all="ignore"): NumPy may warn on a float.

    def f_at(self, x: float, y: float) -> float:
        """f at one point; as :meth:`f` gives it, at a fraction of the cost."""
        return _call_at(self._f, x, y, 1)[0]

    def grad_at(self, x: float, y: float) -> tuple[float, float]:
        """(df/dx, df/dy) at one point, as :meth:`grad` gives it."""
        gx, gy = _call_at(self._grad, x, y, 2)
        return gx, gy

    def hess_at(self, x: float, y: float) -> tuple[float, float, float, float]:
        """(fxx, fxy, fyx, fyy) at one point, as :meth:`hess` gives it."""
        fxx, fxy, fyy = _call_at(self._hess, x, y, 3)
        return fxx, fxy, fxy, fyy

    def math_html(self) -> dict[str, str]:
        """Rich text for f and its partial derivatives, keyed "f", "dfdx", "dfdy"."""
        return dict(self.form.math_html)

    def hessian_html(self) -> str:
        """Rich text for the second derivatives: a table of fxx, fxy and fyy."""
        return self.form.hessian_html


def _call(fn, x, y, count: int) -> list[np.ndarray]:
    """Call a compiled function returning ``count`` values; return float arrays of the
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


_REAL = (float, int, np.float64)


def _call_at(fn, x: float, y: float, count: int) -> list[float]:
    """:func:`_call` at one point of Python floats, without its array wrapping: the code
    runs on the floats, and any result that is not a finite real float (complex, nan,
    inf, an array, a raised error) sends the call to :func:`_call` itself."""
    try:
        results = fn(x, y)
        results = results if isinstance(results, list) else [results]
        out = [float(r) for r in results if type(r) in _REAL]
        if len(out) == count and all(map(math.isfinite, out)):
            return out
    except Exception:  # noqa: BLE001 - the array path below decides what this means
        pass
    return [float(r) for r in _call(fn, x, y, count)]
