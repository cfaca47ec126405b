"""Adaptive per-axis step sizes: Adagrad, RMSprop, Adam, AdamW, QHAdam.

Rules and defaults follow ``torch.optim`` (Adagrad, RMSprop, Adam, AdamW); QHAdam
follows qhoptim's ``QHAdam`` (Ma & Yarats, ICLR 2019). See
:mod:`gdviz.core.optimizers` for the update contract.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from gdviz.core.objective import Objective
from gdviz.core.optim_types import AccumulatorState, AdamState, QHAdamState, StepInfo


def _adagrad_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: AccumulatorState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, AccumulatorState, StepInfo]:
    """Adagrad as ``torch.optim.Adagrad`` (lr_decay 0, initial accumulator 0).

    .. math:: s_t = s_{t-1} + g_t^2,\\quad x_t = x_{t-1} - η\\, g_t / (\\sqrt{s_t} + ε)

    (Duchi, Hazan & Singer, JMLR 12, 2011.)
    """
    sq = state.sq + grads**2
    step_size = lr[:, None] / (np.sqrt(sq) + hp["eps"])
    new_points = points - step_size * grads
    return new_points, AccumulatorState(state.t + 1, sq), StepInfo(effective_lr=step_size)


def _rmsprop_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: AccumulatorState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, AccumulatorState, StepInfo]:
    """RMSprop as ``torch.optim.RMSprop`` (no momentum, not centered).

    .. math:: v_t = α v_{t-1} + (1-α) g_t^2,\\quad x_t = x_{t-1} - η\\, g_t / (\\sqrt{v_t} + ε)

    (Hinton, Coursera lecture 6e, 2012.)
    """
    alpha = hp["alpha"]
    sq = alpha * state.sq + (1 - alpha) * grads**2
    step_size = lr[:, None] / (np.sqrt(sq) + hp["eps"])
    new_points = points - step_size * grads
    return new_points, AccumulatorState(state.t + 1, sq), StepInfo(effective_lr=step_size)


def _adam_step(
    points: np.ndarray,
    grads: np.ndarray,
    state: AdamState,
    lr: np.ndarray,
    hp: Mapping[str, float],
) -> tuple[np.ndarray, AdamState, StepInfo]:
    b1, b2 = hp["beta1"], hp["beta2"]
    t = state.t + 1
    m = b1 * state.m + (1 - b1) * grads
    v = b2 * state.v + (1 - b2) * grads**2
    m_hat = m / (1 - b1 ** t[:, None])
    v_hat = v / (1 - b2 ** t[:, None])
    step_size = lr[:, None] / (np.sqrt(v_hat) + hp["eps"])
    new_points = points - step_size * m_hat
    return new_points, AdamState(t, m, v), StepInfo(velocity=m_hat, effective_lr=step_size)


def _adam_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: AdamState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, AdamState, StepInfo]:
    """Adam as ``torch.optim.Adam`` (bias-corrected, amsgrad off, weight decay 0).

    .. math::
        m_t = β_1 m_{t-1} + (1-β_1) g_t,\\quad v_t = β_2 v_{t-1} + (1-β_2) g_t^2 \\\\
        \\hat m_t = m_t / (1-β_1^t),\\quad \\hat v_t = v_t / (1-β_2^t),\\quad
        x_t = x_{t-1} - η\\, \\hat m_t / (\\sqrt{\\hat v_t} + ε)

    (Kingma & Ba, ICLR 2015.)
    """
    return _adam_step(points, grads, state, lr, hp)


def _adamw_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: AdamState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, AdamState, StepInfo]:
    """AdamW as ``torch.optim.AdamW``: decoupled weight decay λ, then the Adam step.

    .. math:: x \\leftarrow x (1 - ηλ), \\text{ then Adam with } g_t = ∇f(x_{t-1})

    (Loshchilov & Hutter, "Decoupled weight decay regularization", ICLR 2019.)
    """
    decayed = points * (1 - lr[:, None] * hp["weight_decay"])
    return _adam_step(decayed, grads, state, lr, hp)


def _qhadam_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: QHAdamState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, QHAdamState, StepInfo]:
    """QHAdam as qhoptim's ``QHAdam``: bias correction through the beta weights.

    .. math::
        w_t = 1 + β w_{t-1},\\ w_0 = 0,\\quad \\tilde β_t = 1 - 1/w_t \\\\
        m_t = \\tilde β_{1,t} m_{t-1} + (1-\\tilde β_{1,t}) g_t,\\quad
        v_t = \\tilde β_{2,t} v_{t-1} + (1-\\tilde β_{2,t}) g_t^2 \\\\
        x_t = x_{t-1} - η \\frac{(1-ν_1) g_t + ν_1 m_t}
                               {\\sqrt{(1-ν_2) g_t^2 + ν_2 v_t} + ε}

    m_t, v_t equal Adam's bias-corrected moments; ν₁ = ν₂ = 1 is Adam
    (Ma & Yarats, ICLR 2019). The default ν = (0.7, 1.0) is the paper's recommendation;
    qhoptim's class defaults to ν = (1, 1), i.e. Adam.
    """
    b1, b2, nu1, nu2 = hp["beta1"], hp["beta2"], hp["nu1"], hp["nu2"]
    w1 = 1 + b1 * state.w1
    w2 = 1 + b2 * state.w2
    keep1 = (1 - 1 / w1)[:, None]
    keep2 = (1 - 1 / w2)[:, None]
    m = keep1 * state.m + (1 - keep1) * grads
    v = keep2 * state.v + (1 - keep2) * grads**2
    step_size = lr[:, None] / (np.sqrt((1 - nu2) * grads**2 + nu2 * v) + hp["eps"])
    new_points = points - step_size * ((1 - nu1) * grads + nu1 * m)
    new_state = QHAdamState(state.t + 1, w1, w2, m, v)
    return new_points, new_state, StepInfo(velocity=m, effective_lr=step_size)
