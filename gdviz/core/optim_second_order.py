"""Methods that ask the objective for more than the gradient: damped Newton, line search.

Both follow Nocedal & Wright, *Numerical Optimization* (2nd ed.), ch. 3. See
:mod:`gdviz.core.optimizers` for the update contract.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from gdviz.core.objective import Objective
from gdviz.core.optim_types import SCALAR_OPS, GDState, StepInfo


def _notes(n: int) -> np.ndarray:
    notes = np.empty(n, dtype=object)
    notes[:] = ""
    return notes


def _newton_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: GDState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, GDState, StepInfo]:
    """Damped Newton with a Levenberg shift, x ← x − η (H + τI)⁻¹ ∇f.

    H is symmetrised; with λ_min its smaller eigenvalue (closed form for 2×2) and δ
    the ``min_curvature``, τ = max(0, δ − λ_min), so the shifted Hessian's eigenvalues
    are ≥ δ > 0 and the step is a descent direction (Nocedal & Wright, §3.4, eq. 3.43).
    τ = 0 (pure Newton) wherever H is already positive definite with λ_min ≥ δ. Rows
    that were shifted get a note; a row where this still fails (a Hessian that is not
    finite, a shifted determinant that rounds to ≤ 0, an overflowing solve) takes a
    plain gradient step instead, also noted. Never divides by zero, never returns NaN
    unless the gradient itself is NaN.
    """
    hess = objective.hessian(points)
    with np.errstate(all="ignore"):  # bad rows are caught below, not warned about
        hess_rows = (hess[:, 0, 0], hess[:, 0, 1], hess[:, 1, 0], hess[:, 1, 1])
        dx, dy, usable, shift, lam_min = _newton_direction(
            *hess_rows, grads[:, 0], grads[:, 1], hp["min_curvature"], np)
    new_points = points - lr[:, None] * np.stack([dx, dy], axis=1)

    notes = _notes(len(points))
    for i in np.flatnonzero(~usable):
        notes[i] = "no finite Newton step here: took a gradient step"
    for i in np.flatnonzero(usable & (shift > 0)):
        why = "not positive definite" if lam_min[i] <= 0 else "nearly singular"
        notes[i] = f"Hessian {why} (λmin = {lam_min[i]:.3g}): shifted by {shift[i]:.3g}·I"
    return new_points, GDState(t=state.t + 1), StepInfo(note=notes)


def _newton_direction(a: Any, b: Any, c: Any, d: Any, gx: Any, gy: Any, delta: float,
                      ops: Any) -> tuple:
    """(dx, dy, usable, τ, λ_min): (H + τI)⁻¹ g for H = [[a, b], [c, d]] symmetrised,
    or g itself where that is not usable; on arrays (ops = np) or floats."""
    b = 0.5 * (b + c)
    lam_min = 0.5 * (a + d) - ops.hypot(0.5 * (a - d), b)
    shift = ops.maximum(0.0, delta - lam_min)
    a, d = a + shift, d + shift
    det = a * d - b * b
    dx, dy = (d * gx - b * gy) / det, (a * gy - b * gx) / det
    usable = (det > 0) & ops.isfinite(dx) & ops.isfinite(dy)
    return ops.where(usable, dx, gx), ops.where(usable, dy, gy), usable, shift, lam_min


def _newton_point(x: float, y: float, gx: float, gy: float, state: tuple, lr: float,
                  hp: Mapping[str, float], at: Any) -> tuple[float, float, tuple]:
    """Damped Newton for one point on floats (see optim_types.Optimizer.point_update)."""
    dx, dy, *_ = _newton_direction(*at.hess_at(x, y), gx, gy, hp["min_curvature"], SCALAR_OPS)
    return x - lr * dx, y - lr * dy, tuple(GDState(s.t + 1) for s in state)


MAX_HALVINGS = 50
"""The most times the line search shrinks its trial step before taking it anyway."""


def _linesearch_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: GDState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, GDState, StepInfo]:
    """Gradient descent with Armijo backtracking (Nocedal & Wright, Algorithm 3.1).

    Start each step from s = η and shrink s ← ρ s until the sufficient-decrease test

    .. math:: f(x - s g) \\le f(x) - c\\, s \\lVert g \\rVert^2

    holds, then x ← x − s g. Rows stop shrinking independently; after
    ``MAX_HALVINGS`` shrinks a row takes its last s anyway, with a note.
    """
    c, rho = hp["c"], hp["rho"]
    s = np.array(lr, dtype=float)
    f0 = objective.value(points)
    x, y, gx, gy = points[:, 0], points[:, 1], grads[:, 0], grads[:, 1]
    gg = gx * gx + gy * gy

    def value(x, y):
        return objective.value(np.stack([x, y], axis=1))

    shrinks = np.zeros(len(points), dtype=np.int64)
    searching = np.ones(len(points), dtype=bool)
    for k in range(MAX_HALVINGS + 1):
        rows = np.flatnonzero(searching)
        ok = _armijo(value, x[rows], y[rows], gx[rows], gy[rows], s[rows], f0[rows], gg[rows], c)
        searching[rows[ok]] = False
        if not searching.any() or k == MAX_HALVINGS:
            break
        s[searching] *= rho
        shrinks[searching] += 1
    new_points = points - s[:, None] * grads

    notes = _notes(len(points))
    for i in np.flatnonzero(shrinks):
        notes[i] = f"backtracked {shrinks[i]}×: step {s[i]:.3g}"
    for i in np.flatnonzero(searching):
        notes[i] = f"Armijo test still failing after {MAX_HALVINGS} halvings: step {s[i]:.3g}"
    info = StepInfo(effective_lr=np.repeat(s[:, None], 2, axis=1), note=notes)
    return new_points, GDState(t=state.t + 1), info


def _armijo(value: Callable, x: Any, y: Any, gx: Any, gy: Any, s: Any, f0: Any, gg: Any,
            c: float) -> Any:
    """The sufficient-decrease test f(x − s g) ≤ f(x) − c s ‖g‖², on arrays or floats."""
    return value(x - s * gx, y - s * gy) <= f0 - c * s * gg


def _linesearch_point(x: float, y: float, gx: float, gy: float, state: tuple, lr: float,
                      hp: Mapping[str, float], at: Any) -> tuple[float, float, tuple]:
    """The line search for one point on floats: the loop above for a single row."""
    c, rho, s = hp["c"], hp["rho"], lr
    f0, gg = at.f_at(x, y), gx * gx + gy * gy
    for _ in range(MAX_HALVINGS):
        if _armijo(at.f_at, x, y, gx, gy, s, f0, gg, c):
            break
        s *= rho
    return x - s * gx, y - s * gy, tuple(GDState(t.t + 1) for t in state)
