"""Learning-rate sweep: one descent per η, all η stepped together as stacked state.

:func:`descend` is the shared engine (also used by :mod:`gdviz.core.basins`): N runs of
one optimizer with per-row learning rates, stepped with the optimizer's ``(init,
update)`` pair on ``(N, 2)`` arrays, with the stop semantics of
:class:`gdviz.core.runs.RunGroup`: a row converges when ‖∇f‖ < ``grad_tol`` after a
step, and diverges when the new point, f or ∇f is not finite or ``|x|`` or ``|y|``
exceeds ``bound`` (it then keeps its last good point). Finished rows are dropped from
the working arrays now and then, so the work shrinks as runs settle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdviz.core.objective import Objective
from gdviz.core.optimizers import get_optimizer
from gdviz.core.runs import CONVERGED, DIVERGED, STEP_LIMIT, UNDEFINED_START

CHECK_EVERY = 25  # steps between calls of cancelled() and progress()


class Cancelled(Exception):
    """The caller's ``cancelled()`` returned True: the work stopped early."""


@dataclass(frozen=True)
class Descent:
    """Where N stacked runs ended: ``points`` (N, 2), ``status`` and ``steps`` (N,).

    ``last_move`` is the length of each row's last step; ``best`` (N,) the smallest f
    seen along each path when values were tracked (else None).
    """

    points: np.ndarray
    grads: np.ndarray
    status: np.ndarray
    steps: np.ndarray
    last_move: np.ndarray
    best: np.ndarray | None = None


def _check(cancelled: Callable[[], bool] | None, progress: Callable[[float], None] | None,
           fraction: float) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled("cancelled")
    if progress is not None:
        progress(fraction)


def _take(state: Any, rows: np.ndarray) -> Any:
    return type(state)(*(np.asarray(v)[rows] for v in state))


def descend(
    objective: Objective,
    starts: np.ndarray,
    lr: np.ndarray | float,
    optimizer: str = "gd",
    hyper: Mapping[str, float] | None = None,
    steps: int = 1000,
    grad_tol: float = 1e-8,
    bound: float = 1e8,
    track_values: bool = False,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[float], None] | None = None,
) -> Descent:
    """Run up to ``steps`` steps of ``optimizer`` from every row of ``starts`` at once.

    ``lr`` is a scalar or one η per row; ``hyper`` overrides the optimizer's defaults.
    Raises :class:`Cancelled` when ``cancelled()`` turns True (checked every
    ``CHECK_EVERY`` steps); ``progress`` gets the fraction done.
    """
    opt = get_optimizer(optimizer)
    hp = {**opt.defaults(), **(hyper or {})}
    out, index = _begin(objective, starts, bound, track_values)
    points, grads = out.points[index], out.grads[index]
    lrs = np.broadcast_to(np.asarray(lr, dtype=float), (len(out.points),))[index]
    state = opt.init(points)
    done = np.zeros(len(index), bool)
    tol2 = grad_tol * grad_tol if grad_tol > 0 else -1.0
    for step in range(1, steps + 1):
        if step % CHECK_EVERY == 0:
            _check(cancelled, progress, step / steps)
        if len(index) == 0:
            break
        with np.errstate(all="ignore"):
            new_points, state, _ = opt.update(points, grads, state, lrs, hp, objective)
            new_grads = objective.gradient(new_points)
            gn2 = _norm2(new_grads)  # column-wise: reductions over axis 1 are slow
            bad = ~((gn2 < np.inf) & (np.maximum(np.abs(new_points[:, 0]),
                                                 np.abs(new_points[:, 1])) <= bound))
            if track_values:
                new_values = objective.value(new_points)
                bad |= ~np.isfinite(new_values)
        bad &= ~done
        good = ~done & ~bad
        _finish(out, index, bad, points, grads, step - 1, DIVERGED)
        if track_values:
            rows = index[good]
            out.best[rows] = np.fmin(out.best[rows], new_values[good])
        converged = good & (gn2 < tol2)
        _finish(out, index, converged, new_points, new_grads, step, CONVERGED, points)
        if step == steps:
            _finish(out, index, good & ~converged, new_points, new_grads, step, STEP_LIMIT,
                    points)
        done |= bad | converged
        points, grads = new_points, new_grads
        if np.count_nonzero(done) * 8 > len(done):  # drop finished rows: less work from now on
            keep = np.flatnonzero(~done)
            index, points, grads, lrs = index[keep], points[keep], grads[keep], lrs[keep]
            state, done = _take(state, keep), done[keep]
    if steps > 0:
        _check(cancelled, progress, 1.0)
    return out


def _norm2(v: np.ndarray) -> np.ndarray:
    return v[:, 0] * v[:, 0] + v[:, 1] * v[:, 1]


def _begin(objective: Objective, starts: np.ndarray, bound: float,
           track_values: bool) -> tuple[Descent, np.ndarray]:
    """The record of every row at its start, and the rows that can step."""
    points = np.array(starts, dtype=float).reshape(-1, 2)
    n = len(points)
    with np.errstate(all="ignore"):
        grads = objective.gradient(points)
        values = objective.value(points) if track_values else np.zeros(n)
    out = Descent(points, grads, np.full(n, STEP_LIMIT, np.int8), np.zeros(n, np.int64),
                  np.zeros(n), values if track_values else None)
    ok = np.isfinite(grads).all(1) & (np.abs(points) <= bound).all(1) & np.isfinite(values)
    out.status[~ok] = UNDEFINED_START
    return out, np.flatnonzero(ok)


def _finish(out: Descent, index: np.ndarray, rows: np.ndarray, points: np.ndarray,
            grads: np.ndarray, step: int, status: int, previous: np.ndarray | None = None) -> None:
    """Record the rows that stop at ``step`` with ``status``."""
    if not rows.any():
        return
    target = index[rows]
    out.points[target] = points[rows]
    out.grads[target] = grads[rows]
    out.steps[target] = step
    out.status[target] = status
    if previous is not None:
        out.last_move[target] = np.hypot(*(points[rows] - previous[rows]).T)
    else:
        out.last_move[target] = np.inf


# ------------------------------------------------------------------------ the sweep

SWEEP_MIN, SWEEP_MAX, SWEEP_COUNT = 1e-4, 1.0, 60
MAX_SWEEP_COUNT = 1000


@dataclass(frozen=True)
class SweepResult:
    """One descent per learning rate: what the final-loss-against-η plot shows.

    ``lrs``, ``final_f`` (f at each run's last good point), ``best_f`` (smallest f on
    each path), ``diverged`` (bool: it blew up, or ended with f above f at the start),
    ``steps`` and ``points`` (last points) have one row per η; ``initial_f`` is f at
    the shared start.
    """

    lrs: np.ndarray
    final_f: np.ndarray
    best_f: np.ndarray
    diverged: np.ndarray
    steps: np.ndarray
    points: np.ndarray
    initial_f: float


def log_lrs(lr_min: float = SWEEP_MIN, lr_max: float = SWEEP_MAX,
            count: int = SWEEP_COUNT) -> np.ndarray:
    """``count`` log-spaced learning rates from ``lr_min`` to ``lr_max``; ValueError if bad."""
    if not (0 < lr_min < lr_max <= 1e3 and np.isfinite(lr_max)):
        raise ValueError(f"need 0 < min < max ≤ 1000, got {lr_min:g}, {lr_max:g}")
    if not 2 <= count <= MAX_SWEEP_COUNT:
        raise ValueError(f"the count must be between 2 and {MAX_SWEEP_COUNT}, got {count}")
    return np.geomspace(lr_min, lr_max, count)


def sweep(
    objective: Objective,
    start: tuple[float, float],
    optimizer: str = "gd",
    hyper: Mapping[str, float] | None = None,
    steps: int = 1000,
    lrs: np.ndarray | None = None,
    grad_tol: float = 1e-8,
    bound: float = 1e8,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[float], None] | None = None,
) -> SweepResult:
    """The descent from ``start`` at every η of ``lrs`` (default :func:`log_lrs`), at once.

    Stops and divergence as in :class:`gdviz.core.runs.RunGroup`; raises
    :class:`Cancelled` when ``cancelled()`` turns True.
    """
    lrs = log_lrs() if lrs is None else np.asarray(lrs, dtype=float)
    starts = np.repeat(np.asarray(start, dtype=float).reshape(1, 2), len(lrs), axis=0)
    result = descend(objective, starts, lrs, optimizer, hyper, steps, grad_tol, bound,
                     track_values=True, cancelled=cancelled, progress=progress)
    with np.errstate(all="ignore"):
        final = objective.value(result.points)
        initial = float(objective.value(starts[:1])[0])
    # Diverged: it blew up (or could not start), or it ended above where it began. Just
    # past 2/λmax the iterates grow slowly and stay far from the bound for many steps,
    # yet f has already risen: without the second test the edge would look too late.
    blew_up = (result.status == DIVERGED) | (result.status == UNDEFINED_START)
    diverged = blew_up | ~(final <= initial)
    return SweepResult(lrs.copy(), final, result.best, diverged, result.steps, result.points,
                       initial)


def divergence_threshold(hessian: np.ndarray) -> float:
    """2/λmax of a (2, 2) Hessian: plain GD on that quadratic diverges for η above it.

    Returns inf when no eigenvalue is positive (no η makes GD blow up by curvature).
    """
    h = np.asarray(hessian, dtype=float).reshape(2, 2)
    top = float(np.linalg.eigvalsh(0.5 * (h + h.T)).max())
    return 2.0 / top if top > 0 else float("inf")


def constant_hessian(objective: Objective, points: np.ndarray,
                     rtol: float = 1e-9) -> np.ndarray | None:
    """The Hessian if it is the same at every row of ``points`` (f is a quadratic), else None."""
    with np.errstate(all="ignore"):
        hess = objective.hessian(np.asarray(points, dtype=float).reshape(-1, 2))
    if not np.isfinite(hess).all():
        return None
    first = hess[0]
    scale = max(float(np.abs(first).max()), 1e-300)
    return first.copy() if np.abs(hess - first).max() <= rtol * scale else None


def measured_edge(result: SweepResult) -> tuple[float, float] | None:
    """(largest stable η, smallest diverged η) around the first divergence, or None.

    None when no η diverged, or when the smallest η already did.
    """
    if not result.diverged.any():
        return None
    order = np.argsort(result.lrs)
    diverged = result.diverged[order]
    first = int(np.argmax(diverged))
    if first == 0:
        return None
    return float(result.lrs[order][first - 1]), float(result.lrs[order][first])


def suggested_range(objective: Objective, start: tuple[float, float],
                    lr_max: float = 10.0) -> tuple[float, float]:
    """A default η range for a sweep from ``start``: 1e-4 · scale to ``lr_max``.

    scale = min(1, 2/λmax) of the Hessian at the start (1 where it has no positive
    curvature or is not finite): steep functions get smaller η at the bottom of the range.
    """
    with np.errstate(all="ignore"):
        hess = objective.hessian(np.asarray(start, dtype=float).reshape(1, 2))[0]
    scale = 1.0
    if np.isfinite(hess).all():
        scale = min(1.0, divergence_threshold(hess))
    return max(1e-4 * scale, 1e-12), lr_max
