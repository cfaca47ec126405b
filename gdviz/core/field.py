"""The maths of the map's teaching layers: the −∇f field and the direction wheel.

* :func:`field_arrows` puts one arrow of −∇f at the centre of each cell of a coarse grid
  over the view. Its direction is exact (−∇f/‖∇f‖); its length grows with ‖∇f‖ on a log
  scale, relative to the median over the view, and is capped below one cell, so steep
  walls and flat floors stay readable in one picture.
* :func:`directional_derivatives` gives D_u f = ∇f·u for unit directions u all around a
  point, and :func:`steepest_direction` the one the theorem names: u = −∇f/‖∇f‖, where
  D_u f = −‖∇f‖ is the smallest possible rate of change.

No Qt here: the GUI layers only draw what these functions return.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gdviz.core.grid import ViewRange

CAP = 0.9  # longest arrow, in cells
MEDIAN_LENGTH = 0.45  # the arrow of median ‖∇f‖, in cells
LOG_SCALE = MEDIAN_LENGTH / np.log(2.0)  # length = LOG_SCALE·log1p(‖∇f‖/median), in cells
HEAD = 0.3  # arrow head length as a fraction of a cell (at most 60% of the arrow)
MIN_NORM = 1e-12  # below this ‖∇f‖ has no direction worth showing
NO_POINTS = np.empty((0, 2))


def field_points(view: ViewRange, columns: int) -> tuple[np.ndarray, float]:
    """Centres of square cells covering ``view`` (``columns`` across), and the cell size."""
    width, height = view.xmax - view.xmin, view.ymax - view.ymin
    columns = max(1, int(columns))
    cell = width / columns
    if not (np.isfinite(cell) and cell > 0 and np.isfinite(height) and height > 0):
        return NO_POINTS, 0.0
    rows = max(1, round(height / cell))
    xs = view.xmin + cell * (np.arange(columns) + 0.5)
    ys = view.ymin + (height / rows) * (np.arange(rows) + 0.5)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()]), float(cell)


def arrow_lengths(norms: np.ndarray, cell: float) -> np.ndarray:
    """Arrow lengths for gradient norms: log-scaled to their median, capped at CAP cells.

    Monotone in ‖∇f‖, zero for ∇f = 0; NaN where the norm is not finite.
    """
    norms = np.asarray(norms, dtype=float)
    finite = np.isfinite(norms)
    positive = norms[finite & (norms > MIN_NORM)]
    lengths = np.full(norms.shape, np.nan)
    if not positive.size:
        lengths[finite] = 0.0
        return lengths
    median = float(np.median(positive))
    with np.errstate(all="ignore"):
        scaled = LOG_SCALE * np.log1p(norms[finite] / median)
    lengths[finite] = cell * np.minimum(CAP, scaled)
    return lengths


def field_arrows(gradient_fn: Callable[[np.ndarray], np.ndarray], view: ViewRange,
                 columns: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Tails and tips, (N, 2) each, of the −∇f arrows over ``view``.

    ``gradient_fn`` maps (N, 2) points to (N, 2) gradients. Points where ∇f is not finite,
    or too small to have a direction, get no arrow.
    """
    points, cell = field_points(view, columns)
    if not len(points):
        return NO_POINTS, NO_POINTS
    with np.errstate(all="ignore"):
        grads = np.asarray(gradient_fn(points), dtype=float).reshape(-1, 2)
        norms = np.hypot(grads[:, 0], grads[:, 1])
    lengths = arrow_lengths(norms, cell)
    keep = np.isfinite(grads).all(1) & np.isfinite(lengths) & (norms > MIN_NORM)
    units = -grads[keep] / norms[keep, None]
    tails = points[keep]
    return tails, tails + lengths[keep, None] * units


def arrow_polyline(tails: np.ndarray, tips: np.ndarray, head: float) -> np.ndarray:
    """Shaft and two head strokes per arrow, as one polyline with NaN rows between arrows.

    Heads are ``head`` long (at most 60% of their arrow); zero-length arrows are dropped.
    """
    tails, tips = np.asarray(tails, dtype=float), np.asarray(tips, dtype=float)
    d = tips - tails
    length = np.hypot(d[:, 0], d[:, 1])
    keep = np.isfinite(length) & (length > 0)
    tails, tips, d, length = tails[keep], tips[keep], d[keep], length[keep]
    if not len(tails):
        return NO_POINTS
    u = d / length[:, None]
    normal = np.column_stack([-u[:, 1], u[:, 0]])
    h = np.minimum(head, 0.6 * length)[:, None]
    back = tips - h * u
    left, right = back + 0.5 * h * normal, back - 0.5 * h * normal
    gap = np.full_like(tips, np.nan)
    # tail → tip → left, then a jump back to the tip → right: one stroke per piece
    return np.stack([tails, tips, left, gap, tips, right, gap], axis=1).reshape(-1, 2)


def directional_derivatives(grad: np.ndarray, n: int = 72
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Angles θ_k = 2πk/n, unit directions u_k = (cos θ_k, sin θ_k) and D_u f = ∇f·u_k."""
    angles = 2 * np.pi * np.arange(int(n)) / int(n)
    units = np.column_stack([np.cos(angles), np.sin(angles)])
    return angles, units, units @ np.asarray(grad, dtype=float).reshape(2)


def steepest_direction(grad: np.ndarray) -> tuple[np.ndarray, float] | None:
    """The unit direction of steepest descent, −∇f/‖∇f‖, and its D_u f = −‖∇f‖.

    None when ∇f is zero (every direction is as good) or not finite.
    """
    g = np.asarray(grad, dtype=float).reshape(2)
    norm = float(np.hypot(g[0], g[1]))
    if not np.isfinite(norm) or norm <= MIN_NORM:
        return None
    return -g / norm, -norm


def wheel_curve(centre: np.ndarray, grad: np.ndarray, r0: float, k: float, n: int = 72
                ) -> tuple[np.ndarray, np.ndarray]:
    """The wheel around ``centre``: points at radius r0 + k·D_u f/‖∇f‖ and their D_u f.

    Normalised by ‖∇f‖, the radius runs from r0 − k (steepest descent) to r0 + k
    (steepest ascent) whatever the gradient's size. Returns ``(points (n, 2), values (n,))``.
    """
    _, units, values = directional_derivatives(grad, n)
    norm = float(np.hypot(*np.asarray(grad, dtype=float).reshape(2)))
    scale = values / norm if np.isfinite(norm) and norm > MIN_NORM else np.zeros(len(values))
    radius = r0 + k * scale
    return np.asarray(centre, dtype=float).reshape(2) + radius[:, None] * units, values
