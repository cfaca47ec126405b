"""One point stepped on Python floats: the drag preview's fast path.

A RunGroup steps (N, 2) arrays, which costs ~1 µs of NumPy overhead per operation
whatever N is; the preview steps a single point 100 times per frame. Here the same
update rules (each optimizer's ``point_update``, see :mod:`gdviz.core.optim_types`)
run on floats, and a step falls back to the array update whenever the float rule
raises or gives something that is not a real number, so the result is always the
array path's (to rounding).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gdviz.core.objective import Objective
from gdviz.core.optim_types import Optimizer


class ArrayPoint:
    """The one-point calls (``f_at``, ``grad_at``, ``hess_at``) of any Objective,
    through its array methods; CompiledFunction has fast ones of its own."""

    def __init__(self, objective: Objective) -> None:
        self.objective = objective

    def f_at(self, x: float, y: float) -> float:
        return float(self.objective.value(np.array([[x, y]]))[0])

    def grad_at(self, x: float, y: float) -> tuple[float, float]:
        gx, gy = self.objective.gradient(np.array([[x, y]]))[0].tolist()
        return gx, gy

    def hess_at(self, x: float, y: float) -> tuple[float, float, float, float]:
        (a, b), (c, d) = self.objective.hessian(np.array([[x, y]]))[0].tolist()
        return a, b, c, d


def point_calls(objective: Objective) -> Any:
    """An object with ``f_at``, ``grad_at`` and ``hess_at`` for ``objective``."""
    return objective if hasattr(objective, "grad_at") else ArrayPoint(objective)


class LastValue:
    """One-point calls whose ``f_at`` remembers its last call, matched by identity of
    the float objects (so exactly): the line search asks again for f at the point the
    preview has just evaluated."""

    def __init__(self, at: Any) -> None:
        self._f_at, self.grad_at, self.hess_at = at.f_at, at.grad_at, at.hess_at
        self._last: tuple[Any, Any, float] = (None, None, math.nan)

    def f_at(self, x: float, y: float) -> float:
        last_x, last_y, f = self._last
        if x is last_x and y is last_y:
            return f
        f = self._f_at(x, y)
        self._last = (x, y, f)
        return f


class PointStepper:
    """One run of ``optimizer`` from one point, its state kept as Python scalars.

    The state is a pair (for x, for y) of the optimizer's state NamedTuple with scalar
    fields; per-run fields such as t are in both. ``step`` must be called under
    ``np.errstate(all="ignore")``.
    """

    def __init__(self, optimizer: Optimizer, hp: dict[str, float], objective: Objective) -> None:
        self.optimizer, self.hp, self.objective = optimizer, hp, objective
        self.at = LastValue(point_calls(objective))
        self._template = optimizer.init(np.zeros((1, 2)))
        self.state = self._split(self._template)

    def step(self, x: float, y: float, gx: float, gy: float, lr: float) -> tuple[float, float]:
        """The point after one step from (x, y) with gradient (gx, gy) and rate lr."""
        rule = self.optimizer.point_update
        if rule is not None:
            try:
                new_x, new_y, state = rule(x, y, gx, gy, self.state, lr, self.hp, self.at)
                new_x, new_y = float(new_x), float(new_y)  # a complex number raises here
            except (ArithmeticError, ValueError, TypeError):
                pass  # e.g. 1/0 or sqrt(-1) on floats, where NumPy gives inf or nan
            else:
                self.state = state
                return new_x, new_y
        return self._array_step(x, y, gx, gy, lr)

    def _array_step(self, x: float, y: float, gx: float, gy: float,
                    lr: float) -> tuple[float, float]:
        """The general path: the optimizer's array update on a (1, 2) array."""
        points, state, _ = self.optimizer.update(
            np.array([[x, y]]), np.array([[gx, gy]]), self._join(), np.array([lr]),
            self.hp, self.objective)
        self.state = self._split(state)
        new_x, new_y = points[0].tolist()
        return new_x, new_y

    @staticmethod
    def _split(state: Any) -> tuple[Any, Any]:
        """A one-row array state as a pair of scalar states (x's and y's)."""
        xs, ys = [], []
        for field in state:
            value = np.asarray(field)[0].tolist()
            pair = value if isinstance(value, list) else (value, value)
            xs.append(pair[0])
            ys.append(pair[1])
        return type(state)(*xs), type(state)(*ys)

    def _join(self) -> Any:
        """The scalar state pair as a one-row array state."""
        fields = []
        for template, a, b in zip(self._template, *self.state, strict=True):
            template = np.asarray(template)
            row = [a, b] if template.ndim == 2 else a
            fields.append(np.array([row], dtype=template.dtype))
        return type(self._template)(*fields)
