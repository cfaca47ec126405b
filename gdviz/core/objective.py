"""What an optimizer may ask of the function it minimises.

Every method takes points as an ``(N, 2)`` array of ``(x, y)`` rows, so that N runs
are evaluated in one vectorised call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np


class Objective(Protocol):
    """A twice-differentiable function of (x, y), evaluated row-wise."""

    def value(self, points: np.ndarray) -> np.ndarray:
        """f at each row: shape (N,)."""
        ...

    def gradient(self, points: np.ndarray) -> np.ndarray:
        """∇f at each row: shape (N, 2)."""
        ...

    def hessian(self, points: np.ndarray) -> np.ndarray:
        """The Hessian at each row: shape (N, 2, 2)."""
        ...


@dataclass(frozen=True)
class CallableObjective:
    """An Objective made of three NumPy functions of (x, y) arrays.

    ``f(x, y)`` returns values, ``grad(x, y)`` a pair ``(gx, gy)``, and ``hess(x, y)``
    a nested pair ``((fxx, fxy), (fyx, fyy))``; scalars are broadcast.
    """

    f: Callable
    grad: Callable
    hess: Callable | None = None

    def value(self, points: np.ndarray) -> np.ndarray:
        x, y = points[:, 0], points[:, 1]
        return np.broadcast_to(np.asarray(self.f(x, y), dtype=float), x.shape).copy()

    def gradient(self, points: np.ndarray) -> np.ndarray:
        x, y = points[:, 0], points[:, 1]
        gx, gy = self.grad(x, y)
        return np.stack([np.broadcast_to(np.asarray(g, dtype=float), x.shape) for g in (gx, gy)], 1)

    def hessian(self, points: np.ndarray) -> np.ndarray:
        if self.hess is None:
            raise NotImplementedError("this objective has no Hessian")
        x, y = points[:, 0], points[:, 1]
        rows = self.hess(x, y)
        out = np.empty((len(points), 2, 2))
        for i in range(2):
            for j in range(2):
                out[:, i, j] = np.broadcast_to(np.asarray(rows[i][j], dtype=float), x.shape)
        return out
