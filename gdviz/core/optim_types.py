"""The data types every optimizer shares: hyperparameters, step info, states and inits.

:class:`Optimizer` pairs ``init(points) -> state`` with ``update(...)``; each state is a
NamedTuple of NumPy arrays whose first axis is N (one row per run). An optimizer may
also have a ``point_update``: the same rule on Python floats for one point, which the
drag preview uses (see :func:`elementwise`). The update rules live in
:mod:`gdviz.core.optim_first_order`, :mod:`gdviz.core.optim_adaptive` and
:mod:`gdviz.core.optim_second_order`; :mod:`gdviz.core.optimizers` is the public entry
point and holds the registry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import SimpleNamespace
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
    # (x, y, gx, gy, (state_x, state_y), lr, hp, at) -> (x, y, (state_x, state_y)) on
    # Python floats, for one point; ``at`` evaluates the objective (see point_step).
    point_update: Callable[..., tuple[float, float, tuple]] | None = None

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


# ---------------------------------------------------------------------------------------
# Rules written once for arrays and for Python floats.


def _maximum(a: float, b: float) -> float:
    """np.maximum on floats: nan if either is nan."""
    return a if a != a or a >= b else b


SCALAR_OPS = SimpleNamespace(
    sqrt=math.sqrt,
    hypot=math.hypot,
    isfinite=math.isfinite,
    maximum=_maximum,
    power=np.power,  # not **: NumPy's power differs from the C library's in the last bit
    where=lambda condition, a, b: a if condition else b,
)
"""The NumPy functions the rules use, for Python floats (a rule takes ``ops``: np or this)."""


def elementwise(rule: Callable) -> tuple[Callable, Callable]:
    """The array update and the one-point update of an elementwise rule.

    ``rule(x, g, state, lr, hp, ops) -> (new_x, new_state, info)`` is written once, on
    one coordinate: the array update calls it on (N, 2) points with ``lr`` and the
    per-run state fields (t, ...) as (N, 1) columns and ``ops = np``; the point update
    calls it on Python floats, once for x and once for y (per-run fields are kept in
    both coordinates' states, and evolve alike).
    """

    def update(points, grads, state, lr, hp, objective):
        columns = type(state)(*(f[:, None] if f.ndim == 1 else f for f in state))
        new_points, new_columns, info = rule(points, grads, columns, lr[:, None], hp, np)
        fields = (c[:, 0] if f.ndim == 1 else c for f, c in zip(state, new_columns, strict=True))
        return new_points, type(state)(*fields), info

    def point_update(x, y, gx, gy, state, lr, hp, at):
        new_x, state_x, _ = rule(x, gx, state[0], lr, hp, SCALAR_OPS)
        new_y, state_y, _ = rule(y, gy, state[1], lr, hp, SCALAR_OPS)
        return new_x, new_y, (state_x, state_y)

    update.__doc__ = point_update.__doc__ = rule.__doc__
    return update, point_update
