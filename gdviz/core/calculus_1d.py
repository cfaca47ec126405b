"""One-variable calculus for the first lecture: secants turning into the tangent.

No Qt here: the 1-D view (:mod:`gdviz.app.views.one_d`) draws what these return.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from gdviz.core.expression import Formula, Node

SECANT_STEPS = (1.0, 0.5, 0.2, 0.1)  # the course page's h values, largest first
ZERO_TOLERANCE = 1e-12  # |∂f/∂y| at or below this (relative to f's scale) counts as 0


def secant_slopes(f: Callable[[np.ndarray], np.ndarray], x0: float,
                  hs: Iterable[float] = SECANT_STEPS) -> np.ndarray:
    """Slopes (f(x0 + h) − f(x0)) / h of the secants through x0, one per h.

    ``f`` maps an array of x to f(x); it is called once, on x0 and every x0 + h.
    A slope is nan where f is not defined.
    """
    hs = np.asarray(list(hs), dtype=float)
    with np.errstate(all="ignore"):
        values = np.asarray(f(np.concatenate([[x0], x0 + hs])), dtype=float)
        return (values[1:] - values[0]) / hs


def line_through(x0: float, y0: float, slope: float, xs: np.ndarray) -> np.ndarray:
    """The line y = y0 + slope (x − x0) at ``xs``."""
    return y0 + slope * (np.asarray(xs, dtype=float) - x0)


def names_used(node: Node) -> set[str]:
    """The variable names (x, y) a parsed formula's tree mentions."""
    names = {node.text} if node.kind == "name" and node.value is None else set()
    for arg in node.args:
        names |= names_used(arg)
    return names


def uses_only_x(formula: Formula, dfdy: np.ndarray | None = None) -> bool:
    """True when f depends on x alone.

    Decided from the formula: no ``y`` in it means x alone. A formula that mentions y
    may still not depend on it (``x^2 + 0y``, ``x + y - y``): pass samples of the exact
    ∂f/∂y over the plane as ``dfdy`` and a partial that is 0 wherever it is defined
    counts as x alone too.
    """
    if "y" not in names_used(formula.tree):
        return True
    if dfdy is None:
        return False
    values = np.asarray(dfdy, dtype=float)
    finite = values[np.isfinite(values)]
    return bool(finite.size) and bool(np.all(np.abs(finite) <= ZERO_TOLERANCE))


def descent_window(xs: np.ndarray, ys: np.ndarray, starts: np.ndarray,
                   margin: float = 1.2) -> tuple[tuple[float, float], tuple[float, float]]:
    """The part of the curve (xs, ys) a 1-D descent from ``starts`` is about.

    x spans the starts, their secants' far ends (x + 1) and the curve's lowest point,
    ``margin`` beyond on each side and clipped to xs; y spans the curve over that x
    range, with a little room. Returns ((x0, x1), (y0, y1)).
    """
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    finite = np.isfinite(ys)
    if not finite.any():
        return (float(xs[0]), float(xs[-1])), (0.0, 1.0)
    starts = np.asarray(starts, dtype=float).ravel()
    starts = starts[np.isfinite(starts)]
    lowest = xs[finite][np.argmin(ys[finite])]
    marks = np.concatenate([starts, starts + max(SECANT_STEPS), [lowest]])
    x0 = max(float(xs[0]), float(marks.min()) - margin)
    x1 = min(float(xs[-1]), float(marks.max()) + margin)
    inside = finite & (xs >= x0) & (xs <= x1)
    seen = ys[inside] if inside.any() else ys[finite]
    lo, hi = float(seen.min()), float(seen.max())
    span = max(hi - lo, 1e-9 * max(1.0, abs(hi)))
    return (x0, x1), (lo - 0.1 * span, hi + 0.15 * span)
