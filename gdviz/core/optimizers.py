"""Optimizers as pairs of pure functions over an explicit, stacked state.

Each optimizer is an :class:`Optimizer`: ``init(points) -> state`` and
``update(points, grads, state, lr, hp, objective) -> (new_points, new_state, info)``.

* ``points`` and ``grads`` are ``(N, 2)`` arrays: N runs advance in one call.
* ``state`` is a NamedTuple of NumPy arrays whose first axis is N (so rows can be
  stacked, copied for step-back, and saved). ``state.t`` counts steps taken per row.
* ``lr`` is an ``(N,)`` array (schedules may differ per run).
* ``hp`` maps hyperparameter names to floats (the optimizer's defaults filled in).
* ``info`` is a :class:`StepInfo` with what the views may draw.

No update mutates its inputs: every array it returns is new.

This module is the public entry point and holds the registry; the types live in
:mod:`gdviz.core.optim_types` and the update rules in :mod:`gdviz.core.optim_first_order`,
:mod:`gdviz.core.optim_adaptive` and :mod:`gdviz.core.optim_second_order`.

Names, update rules and defaults follow ``torch.optim`` (SGD, Adagrad, RMSprop, Adam,
AdamW); QHM and QHAdam follow the reference code of Ma & Yarats,
"Quasi-hyperbolic momentum and Adam for deep learning", ICLR 2019
(https://arxiv.org/abs/1810.06801, facebookresearch/qhoptim). Newton and the Armijo
line search follow Nocedal & Wright, *Numerical Optimization* (2nd ed.), ch. 3.
"""

from __future__ import annotations

from gdviz.core.optim_adaptive import (
    _adagrad_point,
    _adagrad_update,
    _adam_point,
    _adam_update,
    _adamw_point,
    _adamw_update,
    _qhadam_point,
    _qhadam_update,
    _rmsprop_point,
    _rmsprop_update,
)
from gdviz.core.optim_first_order import (
    _gd_point,
    _gd_update,
    _momentum_point,
    _momentum_update,
    _nesterov_point,
    _nesterov_update,
    _qhm_point,
    _qhm_update,
)
from gdviz.core.optim_second_order import (
    MAX_HALVINGS,
    _linesearch_point,
    _linesearch_update,
    _newton_point,
    _newton_update,
)
from gdviz.core.optim_types import (
    AccumulatorState,
    AdamState,
    GDState,
    HyperParam,
    MomentumState,
    Optimizer,
    QHAdamState,
    StepInfo,
    _accumulator_init,
    _adam_init,
    _gd_init,
    _momentum_init,
    _qhadam_init,
)

__all__ = [
    "ADAGRAD",
    "ADAM",
    "ADAMW",
    "GD",
    "LINESEARCH",
    "MAX_HALVINGS",
    "MOMENTUM",
    "NESTEROV",
    "NEWTON",
    "OPTIMIZERS",
    "QHADAM",
    "QHM",
    "RMSPROP",
    "AccumulatorState",
    "AdamState",
    "GDState",
    "HyperParam",
    "MomentumState",
    "Optimizer",
    "QHAdamState",
    "StepInfo",
    "get_optimizer",
]

# ---------------------------------------------------------------------------------------
# The registry.

_EPS_RANGE = (1e-12, 1e-1)


def _eps(default: float) -> HyperParam:
    return HyperParam("eps", default, *_EPS_RANGE, "added to the denominator √… + ε")


_MOMENTUM = HyperParam("momentum", 0.9, 0.0, 0.999, "momentum μ: share of the last step kept")
_BETA1 = HyperParam("beta1", 0.9, 0.0, 0.999, "β₁: decay of the running mean of g")
_BETA2 = HyperParam("beta2", 0.999, 0.0, 0.9999, "β₂: decay of the running mean of g²")

GD = Optimizer("gd", "Gradient descent", (), _gd_init, _gd_update, _gd_point)
MOMENTUM = Optimizer(
    "momentum", "Momentum", (_MOMENTUM,), _momentum_init, _momentum_update, _momentum_point
)
NESTEROV = Optimizer(
    "nesterov", "Nesterov", (_MOMENTUM,), _momentum_init, _nesterov_update, _nesterov_point
)
ADAGRAD = Optimizer(
    "adagrad", "Adagrad", (_eps(1e-10),), _accumulator_init, _adagrad_update, _adagrad_point
)
RMSPROP = Optimizer(
    "rmsprop",
    "RMSprop",
    (HyperParam("alpha", 0.99, 0.0, 0.9999, "α: decay of the running mean of g²"), _eps(1e-8)),
    _accumulator_init,
    _rmsprop_update,
    _rmsprop_point,
)
ADAM = Optimizer(
    "adam", "Adam", (_BETA1, _BETA2, _eps(1e-8)), _adam_init, _adam_update, _adam_point
)
ADAMW = Optimizer(
    "adamw",
    "AdamW",
    (
        _BETA1,
        _BETA2,
        _eps(1e-8),
        HyperParam("weight_decay", 0.01, 0.0, 1.0, "λ: pull towards the origin, x ← x(1 − ηλ)"),
    ),
    _adam_init,
    _adamw_update,
    _adamw_point,
)
QHM = Optimizer(
    "qhm",
    "Quasi-hyperbolic momentum",
    (
        HyperParam("nu", 0.7, 0.0, 1.0, "ν: weight of the momentum buffer (0 = GD)"),
        HyperParam("beta", 0.999, 0.0, 0.9999, "β: decay of the dampened momentum buffer"),
    ),
    _momentum_init,
    _qhm_update,
    _qhm_point,
)
QHADAM = Optimizer(
    "qhadam",
    "QHAdam",
    (
        HyperParam("nu1", 0.7, 0.0, 1.0, "ν₁: weight of the running mean of g (1 = Adam)"),
        HyperParam("nu2", 1.0, 0.0, 1.0, "ν₂: weight of the running mean of g² (1 = Adam)"),
        _BETA1,
        _BETA2,
        _eps(1e-8),
    ),
    _qhadam_init,
    _qhadam_update,
    _qhadam_point,
)
NEWTON = Optimizer(
    "newton",
    "Damped Newton",
    (
        HyperParam(
            "min_curvature", 1e-2, 1e-6, 10.0, "δ: H is shifted by τI until its eigenvalues are ≥ δ"
        ),
    ),
    _gd_init,
    _newton_update,
    _newton_point,
)
LINESEARCH = Optimizer(
    "linesearch",
    "Backtracking line search",
    (
        HyperParam("c", 1e-4, 1e-6, 0.5, "c: Armijo sufficient-decrease fraction"),
        HyperParam("rho", 0.5, 0.1, 0.9, "ρ: factor the trial step shrinks by"),
    ),
    _gd_init,
    _linesearch_update,
    _linesearch_point,
)

_ALL = (GD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM, ADAMW, QHM, QHADAM, NEWTON, LINESEARCH)
OPTIMIZERS: dict[str, Optimizer] = {opt.name: opt for opt in _ALL}


def get_optimizer(name: str) -> Optimizer:
    """The optimizer called ``name``; raises KeyError listing the known names."""
    try:
        return OPTIMIZERS[name]
    except KeyError:
        raise KeyError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}") from None
