"""The data types every optimizer shares: hyperparameters, step info, states and inits.

:class:`Optimizer` pairs ``init(points) -> state`` with ``update(...)``; each state is a
NamedTuple of NumPy arrays whose first axis is N (one row per run). The update rules
live in :mod:`gdviz.core.optim_first_order`, :mod:`gdviz.core.optim_adaptive` and
:mod:`gdviz.core.optim_second_order`; :mod:`gdviz.core.optimizers` is the public entry
point and holds the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np


class HyperParam(NamedTuple):
    """One tunable setting of an optimizer, with the range the UI offers."""

    name: str
    default: float
    minimum: float
    maximum: float
    description: str


class StepInfo(NamedTuple):
    """What one update did, for arrows and status; every field is optional."""

    # (N, 2) momentum buffer b (momentum, nesterov, qhm) or bias-corrected first
    # moment m̂ (adam, adamw, qhadam): gradient units, so lr * velocity is a displacement.
    velocity: np.ndarray | None = None
    effective_lr: np.ndarray | None = None  # (N, 2) per-axis step size / gradient
    note: np.ndarray | None = None  # (N,) object array of strings ("" if nothing)


class Optimizer(NamedTuple):
    """A named (init, update) pair with its hyperparameters."""

    name: str
    title: str
    hyperparams: tuple[HyperParam, ...]
    init: Callable[[np.ndarray], Any]
    update: Callable[..., tuple[np.ndarray, Any, StepInfo]]

    def defaults(self) -> dict[str, float]:
        """The default hyperparameters, by name."""
        return {p.name: p.default for p in self.hyperparams}


# ---------------------------------------------------------------------------------------
# States. Every field is an array whose first axis is N.


class GDState(NamedTuple):
    t: np.ndarray  # (N,) steps taken


class MomentumState(NamedTuple):
    t: np.ndarray  # (N,) steps taken
    buf: np.ndarray  # (N, 2) momentum buffer b


class AccumulatorState(NamedTuple):
    t: np.ndarray  # (N,) steps taken
    sq: np.ndarray  # (N, 2) sum (Adagrad) or running average (RMSprop) of g²


class AdamState(NamedTuple):
    t: np.ndarray  # (N,) steps taken
    m: np.ndarray  # (N, 2) first moment, not bias-corrected
    v: np.ndarray  # (N, 2) second moment, not bias-corrected


class QHAdamState(NamedTuple):
    t: np.ndarray  # (N,) steps taken
    w1: np.ndarray  # (N,) beta1 weight 1 + β₁ + … + β₁^(t−1)
    w2: np.ndarray  # (N,) beta2 weight
    m: np.ndarray  # (N, 2) bias-corrected running average of g
    v: np.ndarray  # (N, 2) bias-corrected running average of g²


def _steps(points: np.ndarray) -> np.ndarray:
    return np.zeros(len(points), dtype=np.int64)


def _gd_init(points: np.ndarray) -> GDState:
    return GDState(t=_steps(points))


def _momentum_init(points: np.ndarray) -> MomentumState:
    return MomentumState(t=_steps(points), buf=np.zeros((len(points), 2)))


def _accumulator_init(points: np.ndarray) -> AccumulatorState:
    return AccumulatorState(t=_steps(points), sq=np.zeros((len(points), 2)))


def _adam_init(points: np.ndarray) -> AdamState:
    n = len(points)
    return AdamState(t=_steps(points), m=np.zeros((n, 2)), v=np.zeros((n, 2)))


def _qhadam_init(points: np.ndarray) -> QHAdamState:
    n = len(points)
    zeros = np.zeros((n, 2))
    return QHAdamState(_steps(points), np.zeros(n), np.zeros(n), zeros, zeros.copy())
