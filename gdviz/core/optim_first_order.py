"""First-order updates with at most a momentum buffer: GD, momentum, Nesterov, QHM.

Rules and defaults follow ``torch.optim.SGD``; QHM follows qhoptim's ``QHM`` (Ma &
Yarats, ICLR 2019). See :mod:`gdviz.core.optimizers` for the update contract.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gdviz.core.objective import Objective
from gdviz.core.optim_types import GDState, MomentumState, StepInfo


def _gd_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: GDState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, GDState, StepInfo]:
    """x ← x − η ∇f(x)."""
    return points - lr[:, None] * grads, GDState(t=state.t + 1), StepInfo()


def _heavy_ball(grads: np.ndarray, state: MomentumState, mu: float) -> np.ndarray:
    """torch SGD's buffer with dampening 0: b₁ = g₁, then b_t = μ b_{t−1} + g_t."""
    first = (state.t == 0)[:, None]
    return np.where(first, grads, mu * state.buf + grads)


def _momentum_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: MomentumState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, MomentumState, StepInfo]:
    """Heavy-ball momentum as ``torch.optim.SGD(momentum=μ)``, dampening 0.

    .. math:: b_1 = g_1,\\quad b_t = μ b_{t-1} + g_t,\\quad x_t = x_{t-1} - η b_t
    """
    buf = _heavy_ball(grads, state, hp["momentum"])
    new_points = points - lr[:, None] * buf
    return new_points, MomentumState(state.t + 1, buf), StepInfo(velocity=buf)


def _nesterov_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: MomentumState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, MomentumState, StepInfo]:
    """Nesterov momentum as ``torch.optim.SGD(momentum=μ, nesterov=True)``.

    .. math:: b_t \\text{ as for momentum},\\quad x_t = x_{t-1} - η (g_t + μ b_t)

    (Sutskever et al., "On the importance of initialization and momentum", ICML 2013,
    in torch's reformulation.)
    """
    mu = hp["momentum"]
    buf = _heavy_ball(grads, state, mu)
    new_points = points - lr[:, None] * (grads + mu * buf)
    return new_points, MomentumState(state.t + 1, buf), StepInfo(velocity=buf)


def _qhm_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: MomentumState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, MomentumState, StepInfo]:
    """Quasi-hyperbolic momentum, as qhoptim's ``QHM`` (dampened buffer from zero).

    .. math:: b_t = β b_{t-1} + (1-β) g_t,\\quad x_t = x_{t-1} - η[(1-ν) g_t + ν b_t]

    ν = 0 is plain GD; ν = 1 is dampened momentum (Ma & Yarats, ICLR 2019). The
    defaults ν = 0.7, β = 0.999 are the paper's recommendation (qhoptim has none).
    """
    beta, nu = hp["beta"], hp["nu"]
    buf = beta * state.buf + (1 - beta) * grads
    new_points = points - lr[:, None] * ((1 - nu) * grads + nu * buf)
    return new_points, MomentumState(state.t + 1, buf), StepInfo(velocity=buf)
