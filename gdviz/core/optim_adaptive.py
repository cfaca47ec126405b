"""Adaptive per-axis step sizes: Adagrad, RMSprop, Adam, AdamW, QHAdam.

Rules and defaults follow ``torch.optim`` (Adagrad, RMSprop, Adam, AdamW); QHAdam
follows qhoptim's ``QHAdam`` (Ma & Yarats, ICLR 2019). See
:mod:`gdviz.core.optimizers` for the update contract.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gdviz.core.optim_types import (
    AccumulatorState,
    AdamState,
    QHAdamState,
    StepInfo,
    elementwise,
)

# Each rule is elementwise (one coordinate; arrays or Python floats, see
# optim_types.elementwise). Squares are written g * g: the same as NumPy's g**2, and
# on floats it cannot raise OverflowError.


def _adagrad_rule(x: Any, g: Any, state: AccumulatorState, lr: Any, hp: Mapping[str, float],
                  ops: Any):
    """Adagrad as ``torch.optim.Adagrad`` (lr_decay 0, initial accumulator 0).

    .. math:: s_t = s_{t-1} + g_t^2,\\quad x_t = x_{t-1} - η\\, g_t / (\\sqrt{s_t} + ε)

    (Duchi, Hazan & Singer, JMLR 12, 2011.)
    """
    sq = state.sq + g * g
    step_size = lr / (ops.sqrt(sq) + hp["eps"])
    return x - step_size * g, AccumulatorState(state.t + 1, sq), StepInfo(effective_lr=step_size)


def _rmsprop_rule(x: Any, g: Any, state: AccumulatorState, lr: Any, hp: Mapping[str, float],
                  ops: Any):
    """RMSprop as ``torch.optim.RMSprop`` (no momentum, not centered).

    .. math:: v_t = α v_{t-1} + (1-α) g_t^2,\\quad x_t = x_{t-1} - η\\, g_t / (\\sqrt{v_t} + ε)

    (Hinton, Coursera lecture 6e, 2012.)
    """
    alpha = hp["alpha"]
    sq = alpha * state.sq + (1 - alpha) * (g * g)
    step_size = lr / (ops.sqrt(sq) + hp["eps"])
    return x - step_size * g, AccumulatorState(state.t + 1, sq), StepInfo(effective_lr=step_size)


def _adam_rule(x: Any, g: Any, state: AdamState, lr: Any, hp: Mapping[str, float], ops: Any):
    """Adam as ``torch.optim.Adam`` (bias-corrected, amsgrad off, weight decay 0).

    .. math::
        m_t = β_1 m_{t-1} + (1-β_1) g_t,\\quad v_t = β_2 v_{t-1} + (1-β_2) g_t^2 \\\\
        \\hat m_t = m_t / (1-β_1^t),\\quad \\hat v_t = v_t / (1-β_2^t),\\quad
        x_t = x_{t-1} - η\\, \\hat m_t / (\\sqrt{\\hat v_t} + ε)

    (Kingma & Ba, ICLR 2015.)
    """
    b1, b2 = hp["beta1"], hp["beta2"]
    t = state.t + 1
    m = b1 * state.m + (1 - b1) * g
    v = b2 * state.v + (1 - b2) * (g * g)
    m_hat = m / (1 - ops.power(b1, t))  # NumPy's power on floats too: the same bits
    v_hat = v / (1 - ops.power(b2, t))
    step_size = lr / (ops.sqrt(v_hat) + hp["eps"])
    new_x = x - step_size * m_hat
    return new_x, AdamState(t, m, v), StepInfo(velocity=m_hat, effective_lr=step_size)


def _adamw_rule(x: Any, g: Any, state: AdamState, lr: Any, hp: Mapping[str, float], ops: Any):
    """AdamW as ``torch.optim.AdamW``: decoupled weight decay λ, then the Adam step.

    .. math:: x \\leftarrow x (1 - ηλ), \\text{ then Adam with } g_t = ∇f(x_{t-1})

    (Loshchilov & Hutter, "Decoupled weight decay regularization", ICLR 2019.)
    """
    return _adam_rule(x * (1 - lr * hp["weight_decay"]), g, state, lr, hp, ops)


def _qhadam_rule(x: Any, g: Any, state: QHAdamState, lr: Any, hp: Mapping[str, float],
                 ops: Any):
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
    keep1 = 1 - 1 / w1
    keep2 = 1 - 1 / w2
    m = keep1 * state.m + (1 - keep1) * g
    v = keep2 * state.v + (1 - keep2) * (g * g)
    step_size = lr / (ops.sqrt((1 - nu2) * (g * g) + nu2 * v) + hp["eps"])
    new_x = x - step_size * ((1 - nu1) * g + nu1 * m)
    new_state = QHAdamState(state.t + 1, w1, w2, m, v)
    return new_x, new_state, StepInfo(velocity=m, effective_lr=step_size)


_adagrad_update, _adagrad_point = elementwise(_adagrad_rule)
_rmsprop_update, _rmsprop_point = elementwise(_rmsprop_rule)
_adam_update, _adam_point = elementwise(_adam_rule)
_adamw_update, _adamw_point = elementwise(_adamw_rule)
_qhadam_update, _qhadam_point = elementwise(_qhadam_rule)
