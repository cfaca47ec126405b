"""Basins of attraction: every start of a grid over the view, descended together.

All n² starts are one ``(n², 2)`` array stepped by :func:`gdviz.core.sweep.descend`
(stacked optimizer state, finished rows dropped as they settle). The end points of the
starts that settled are clustered into minima; starts that diverged or did not settle
get basin −1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from gdviz.core.grid import ViewRange
from gdviz.core.objective import Objective
from gdviz.core.runs import DIVERGED, UNDEFINED_START
from gdviz.core.sweep import Cancelled, descend

__all__ = ["BasinMap", "Cancelled", "MAX_GRID", "basins", "cluster_minima", "grid_starts"]

MAX_GRID = 1000
SETTLE_TOL = 1e-3  # settled: ‖∇f‖ below this × the view's median ‖∇f‖, last move below
                  # this × the view's diagonal
MERGE_TOL = 0.02  # end points closer than this × view size are one minimum
MAX_BASINS = 256  # further clusters count as "did not settle"


@dataclass(frozen=True)
class BasinMap:
    """Which minimum each start of an n×n grid reaches.

    ``labels[row, col]`` is the basin of the start (xs[col], ys[row]), −1 if it did not
    settle; ``minima`` (k, 2) the lowest end point of each basin, ``minima_f`` (k,) f
    there, ``counts`` (k,) the starts per basin (basins ordered by f, then x, then y);
    ``ends`` (n, n, 2) the end points; ``settled`` (n, n) bool.
    """

    view: ViewRange
    xs: np.ndarray
    ys: np.ndarray
    labels: np.ndarray
    minima: np.ndarray
    minima_f: np.ndarray
    counts: np.ndarray
    ends: np.ndarray
    settled: np.ndarray


def grid_starts(view: ViewRange, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(xs, ys, starts): an n×n grid over ``view``, starts (n², 2) in row-major order."""
    if not 2 <= n <= MAX_GRID:
        raise ValueError(f"the grid must be between 2 and {MAX_GRID} a side, got {n}")
    xs = np.linspace(view.xmin, view.xmax, n)
    ys = np.linspace(view.ymin, view.ymax, n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def basins(
    objective: Objective,
    view: ViewRange | None = None,
    n: int = 200,
    optimizer: str = "gd",
    lr: float = 0.05,
    hyper: Mapping[str, float] | None = None,
    steps: int = 200,
    settle_tol: float = SETTLE_TOL,
    merge_tol: float = MERGE_TOL,
    bound: float = 1e8,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[float], None] | None = None,
) -> BasinMap:
    """Descend from every start of an n×n grid over ``view`` and label the basins.

    A start settled when it did not diverge, f is finite at its end, ‖∇f‖ there is below
    ``settle_tol`` × the median ‖∇f‖ over the starts and its last move below
    ``settle_tol`` × the view's diagonal (a run that met RunGroup's ‖∇f‖ < 1e-8 rule
    stops early). Raises
    :class:`Cancelled` when ``cancelled()`` turns True.
    """
    view = view or ViewRange()
    xs, ys, starts = grid_starts(view, n)
    if not (steps >= 1 and lr > 0):
        raise ValueError("need at least one step and a positive learning rate")
    result = descend(objective, starts, lr, optimizer, hyper, steps, bound=bound,
                     cancelled=cancelled, progress=progress)
    span = float(np.hypot(view.xmax - view.xmin, view.ymax - view.ymin))
    with np.errstate(all="ignore"):
        start_norms = np.hypot(*objective.gradient(starts[:: max(1, n * n // 4096)]).T)
    start_norms = start_norms[np.isfinite(start_norms)]
    typical = float(np.median(start_norms)) if start_norms.size else 0.0
    gnorm = np.hypot(result.grads[:, 0], result.grads[:, 1])
    settled = ~np.isin(result.status, (DIVERGED, UNDEFINED_START))
    settled &= (result.last_move <= settle_tol * span) & (gnorm <= settle_tol * typical)
    values = np.full(len(starts), np.nan)
    with np.errstate(all="ignore"):
        values[settled] = objective.value(result.points[settled])
    settled &= np.isfinite(values)
    labels, minima, minima_f, counts = cluster_minima(result.points, values, settled,
                                                      merge_tol * span)
    return BasinMap(view, xs, ys, labels.reshape(n, n), minima, minima_f, counts,
                    result.points.reshape(n, n, 2), (labels >= 0).reshape(n, n))


def cluster_minima(
    ends: np.ndarray, values: np.ndarray, settled: np.ndarray, radius: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Group settled end points lying within ``radius`` of each other into minima.

    Returns (labels (N,), minima (k, 2), minima_f (k,), counts (k,)); labels are −1 for
    unsettled rows and for clusters past MAX_BASINS. End points are first snapped to
    cells of ``radius`` / 2, so the greedy merge runs over distinct cells, not points.
    """
    labels = np.full(len(ends), -1, dtype=np.int64)
    rows = np.flatnonzero(settled)
    if rows.size == 0:
        return labels, np.empty((0, 2)), np.empty(0), np.empty(0, dtype=np.int64)
    cell = max(radius / 2, 1e-300)
    keys = np.floor(ends[rows] / cell).astype(np.int64)
    uniq, inverse, sizes = unique_rows(keys)
    centres = (uniq + 0.5) * cell
    cell_label = np.full(len(uniq), -1, dtype=np.int64)
    seeds: list[np.ndarray] = []
    for c in np.argsort(-sizes, kind="stable"):  # busiest cells seed the clusters
        if seeds:
            dist = np.hypot(*(np.asarray(seeds) - centres[c]).T)
            nearest = int(np.argmin(dist))
            if dist[nearest] <= radius:
                cell_label[c] = nearest
                continue
        if len(seeds) < MAX_BASINS:
            cell_label[c] = len(seeds)
            seeds.append(centres[c])
    labels[rows] = cell_label[inverse]
    return _order_by_minimum(labels, ends, values, len(seeds))


def unique_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(keys, axis=0, return_inverse=True, return_counts=True)`` for (N, 2) ints.

    The same result, via one int64 key per row when the ranges allow: NumPy sorts rows
    (a void dtype) holding the GIL, which would stall the window's event loop for
    seconds at 10⁶ starts; a 1-D integer sort releases it and is ~30× faster.
    """
    if len(keys) == 0:
        return keys.reshape(0, 2), np.empty(0, np.int64), np.empty(0, np.int64)
    lo = keys.min(axis=0)
    width = int(keys[:, 1].max()) - int(lo[1]) + 1
    height = int(keys[:, 0].max()) - int(lo[0]) + 1
    if width * height >= 2**62:
        uniq, inverse, counts = np.unique(keys, axis=0, return_inverse=True,
                                          return_counts=True)
        return uniq, inverse.reshape(-1), counts
    combined = (keys[:, 0] - lo[0]) * width + (keys[:, 1] - lo[1])
    values, inverse, counts = np.unique(combined, return_inverse=True, return_counts=True)
    uniq = np.column_stack([values // width + lo[0], values % width + lo[1]])
    return uniq.astype(keys.dtype), inverse.reshape(-1), counts


def _order_by_minimum(labels: np.ndarray, ends: np.ndarray, values: np.ndarray,
                      k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Relabel clusters by their lowest f (then x, y); each minimum is its lowest end."""
    minima, minima_f = np.empty((k, 2)), np.empty(k)
    member = labels >= 0
    order = np.lexsort((ends[member, 1], ends[member, 0], values[member], labels[member]))
    rows = np.flatnonzero(member)[order]
    first = np.unique(labels[rows], return_index=True)[1]
    minima[:] = ends[rows[first]]
    minima_f[:] = values[rows[first]]
    counts = np.bincount(labels[member], minlength=k)
    rank = np.lexsort((minima[:, 1], minima[:, 0], np.round(minima_f, 12)))
    new_of_old = np.empty(k, dtype=np.int64)
    new_of_old[rank] = np.arange(k)
    labels = np.where(member, new_of_old[np.maximum(labels, 0)], -1)
    return labels, minima[rank], minima_f[rank], counts[rank]
