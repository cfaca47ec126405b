"""Optimizers as pairs of pure functions over an explicit, stacked state.

Each optimizer is an :class:`Optimizer`: ``init(points) -> state`` and
``update(points, grads, state, lr, hp, objective) -> (new_points, new_state, info)``.

* ``points`` and ``grads`` are ``(N, 2)`` arrays: N runs advance in one call.
* ``state`` is a NamedTuple of NumPy arrays whose first axis is N (so rows can be
  stacked, copied for step-back, and saved). ``state.t`` counts steps taken per row.
* ``lr`` is an ``(N,)`` array (schedules may differ per run).
* ``hp`` maps hyperparameter names to floats (the optimizer's defaults filled in).
* ``info`` is a :class:`StepInfo` with what the views may draw.

Names, update rules and defaults follow ``torch.optim``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from gdviz.core.objective import Objective


class HyperParam(NamedTuple):
    """One tunable setting of an optimizer, with the range the UI offers."""

    name: str
    default: float
    minimum: float
    maximum: float
    description: str


class StepInfo(NamedTuple):
    """What one update did, for arrows and status; every field is optional."""

    velocity: np.ndarray | None = None  # (N, 2) momentum buffer, in step units
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


class GDState(NamedTuple):
    t: np.ndarray  # (N,) steps taken


def _gd_init(points: np.ndarray) -> GDState:
    return GDState(t=np.zeros(len(points), dtype=np.int64))


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


GD = Optimizer("gd", "Gradient descent", (), _gd_init, _gd_update)

OPTIMIZERS: dict[str, Optimizer] = {opt.name: opt for opt in (GD,)}


def get_optimizer(name: str) -> Optimizer:
    """The optimizer called ``name``; raises KeyError listing the known names."""
    try:
        return OPTIMIZERS[name]
    except KeyError:
        raise KeyError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}") from None
