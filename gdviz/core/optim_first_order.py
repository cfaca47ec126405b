"""First-order updates with at most a momentum buffer: GD, momentum, Nesterov, QHM.

Rules and defaults follow ``torch.optim.SGD``; QHM follows qhoptim's ``QHM`` (Ma &
Yarats, ICLR 2019). See :mod:`gdviz.core.optimizers` for the update contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gdviz.core.optim_types import GDState, MomentumState, StepInfo, elementwise

# Each rule is elementwise (one coordinate; arrays or Python floats, see
# optim_types.elementwise): x, g the coordinate and its gradient, lr the rate, ops the
# NumPy functions (np or SCALAR_OPS).


def _gd_rule(x: Any, g: Any, state: GDState, lr: Any, hp: Mapping[str, float], ops: Any):
    """x ← x − η ∇f(x)."""
    return x - lr * g, GDState(t=state.t + 1), StepInfo()


def _heavy_ball(g: Any, state: MomentumState, mu: float, ops: Any) -> Any:
    """torch SGD's buffer with dampening 0: b₁ = g₁, then b_t = μ b_{t−1} + g_t."""
    return ops.where(state.t == 0, g, mu * state.buf + g)


def _momentum_rule(x: Any, g: Any, state: MomentumState, lr: Any, hp: Mapping[str, float],
                   ops: Any):
    """Heavy-ball momentum as ``torch.optim.SGD(momentum=μ)``, dampening 0.

    .. math:: b_1 = g_1,\\quad b_t = μ b_{t-1} + g_t,\\quad x_t = x_{t-1} - η b_t
    """
    buf = _heavy_ball(g, state, hp["momentum"], ops)
    return x - lr * buf, MomentumState(state.t + 1, buf), StepInfo(velocity=buf)


def _nesterov_rule(x: Any, g: Any, state: MomentumState, lr: Any, hp: Mapping[str, float],
                   ops: Any):
    """Nesterov momentum as ``torch.optim.SGD(momentum=μ, nesterov=True)``.

    .. math:: b_t \\text{ as for momentum},\\quad x_t = x_{t-1} - η (g_t + μ b_t)

    (Sutskever et al., "On the importance of initialization and momentum", ICML 2013,
    in torch's reformulation.)
    """
    mu = hp["momentum"]
    buf = _heavy_ball(g, state, mu, ops)
    return x - lr * (g + mu * buf), MomentumState(state.t + 1, buf), StepInfo(velocity=buf)


def _qhm_rule(x: Any, g: Any, state: MomentumState, lr: Any, hp: Mapping[str, float],
              ops: Any):
    """Quasi-hyperbolic momentum, as qhoptim's ``QHM`` (dampened buffer from zero).

    .. math:: b_t = β b_{t-1} + (1-β) g_t,\\quad x_t = x_{t-1} - η[(1-ν) g_t + ν b_t]

    ν = 0 is plain GD; ν = 1 is dampened momentum (Ma & Yarats, ICLR 2019). The
    defaults ν = 0.7, β = 0.999 are the paper's recommendation (qhoptim has none).
    """
    beta, nu = hp["beta"], hp["nu"]
    buf = beta * state.buf + (1 - beta) * g
    new_x = x - lr * ((1 - nu) * g + nu * buf)
    return new_x, MomentumState(state.t + 1, buf), StepInfo(velocity=buf)


_gd_update, _gd_point = elementwise(_gd_rule)
_momentum_update, _momentum_point = elementwise(_momentum_rule)
_nesterov_update, _nesterov_point = elementwise(_nesterov_rule)
_qhm_update, _qhm_point = elementwise(_qhm_rule)
