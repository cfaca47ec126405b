"""First-order calculus along the runs: cross-sections, tangents, Taylor check, ‖∇f‖.

Qt-free helpers for the lecture views that show *why* a descent moves as it does:

* :func:`cross_sections` samples f(x, y_t) and f(x_t, y) through a point, with the exact
  partial derivatives as the slopes of their tangent lines (:func:`tangent_segment`);
* :func:`taylor_table` compares, per step, the first-order prediction ∇f(x_t)·Δx with the
  actual change f(x_{t+1}) − f(x_t) (the primer's ΔC ≈ ∇C·Δv);
* :func:`grad_norms` is ‖∇f‖ along a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

SAMPLES = 200  # points per cross-section curve
TANGENT_FRACTION = 0.15  # a tangent line reaches this fraction of the range either side
MAX_WIDENING = 4.0  # a range widened to reach the point may grow this much, no more


class Objective(Protocol):
    """What the sections need of f: exact values and gradient on (N, 2) arrays."""

    def value(self, points: np.ndarray) -> np.ndarray: ...

    def gradient(self, points: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Section:
    """f along one axis through a point: ``f(s)`` for ``s`` in ``at``, and its tangent."""

    at: np.ndarray  # the coordinate that varies (x for f(x, y_t), y for f(x_t, y))
    f: np.ndarray  # f along it (NaN where f is undefined)
    point: float  # the point's coordinate on this axis
    value: float  # f at the point
    slope: float  # the exact partial derivative at the point

    def tangent(self, fraction: float = TANGENT_FRACTION) -> tuple[np.ndarray, np.ndarray]:
        """The tangent line's two ends, ``fraction`` of the sampled range either side."""
        span = float(self.at[-1] - self.at[0]) if len(self.at) > 1 else 1.0
        return tangent_segment(self.point, self.value, self.slope, span, fraction)


def section_range(lo: float, hi: float, at: float,
                  fraction: float = TANGENT_FRACTION) -> tuple[float, float]:
    """The range [lo, hi] widened so the point ``at`` and its tangent fit in it.

    A point far outside (a diverging run) gets a range of the same width centred on it
    instead, so the curve near the point stays readable.
    """
    span = hi - lo
    if not np.isfinite(at):
        return lo, hi
    wide_lo, wide_hi = min(lo, at - fraction * span), max(hi, at + fraction * span)
    if wide_hi - wide_lo <= MAX_WIDENING * span:
        return float(wide_lo), float(wide_hi)
    return float(at - span / 2), float(at + span / 2)


def tangent_segment(at: float, value: float, slope: float, span: float,
                    fraction: float = TANGENT_FRACTION) -> tuple[np.ndarray, np.ndarray]:
    """Ends of the line through (at, value) with this slope, ±fraction·span around ``at``."""
    half = fraction * span
    s = np.array([at - half, at + half])
    return s, value + slope * (s - at)


def cross_sections(objective: Objective, point: np.ndarray, x_range: tuple[float, float],
                   y_range: tuple[float, float], samples: int = SAMPLES
                   ) -> tuple[Section, Section]:
    """f(x, y_t) over ``x_range`` and f(x_t, y) over ``y_range`` through ``point``.

    The ranges are widened (:func:`section_range`) so that the point is always on them.
    Slopes are the exact partials ∂f/∂x and ∂f/∂y at the point.
    """
    x_t, y_t = (float(v) for v in point)
    xs = np.linspace(*section_range(*x_range, x_t), samples)
    ys = np.linspace(*section_range(*y_range, y_t), samples)
    along_x = np.column_stack([xs, np.full(samples, y_t)])
    along_y = np.column_stack([np.full(samples, x_t), ys])
    here = np.array([[x_t, y_t]])
    with np.errstate(all="ignore"):
        fx = np.asarray(objective.value(along_x), dtype=float)
        fy = np.asarray(objective.value(along_y), dtype=float)
        value = float(np.asarray(objective.value(here), dtype=float)[0])
        gx, gy = (float(g) for g in np.asarray(objective.gradient(here), dtype=float)[0])
    fx = np.where(np.isfinite(fx), fx, np.nan)
    fy = np.where(np.isfinite(fy), fy, np.nan)
    return (Section(xs, fx, x_t, value, gx), Section(ys, fy, y_t, value, gy))


def taylor_table(points: np.ndarray, values: np.ndarray, grads: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per step t: predicted Δf = ∇f(x_t)·(x_{t+1} − x_t), actual Δf, and "too large".

    ``points`` and ``grads`` are (T+1, 2) for one run, or (T+1, N, 2) for N runs (a
    RunGroup's history columns); ``values`` matches without the last axis. The results
    have T rows. A step is too large when f went *up* (actual Δf > 0) by more than
    rounding: then the linear approximation no longer holds. For plain gradient descent
    the prediction is −η‖∇f‖².
    """
    points = np.asarray(points, dtype=float)
    values = np.asarray(values, dtype=float)
    grads = np.asarray(grads, dtype=float)
    with np.errstate(all="ignore"):
        predicted = np.sum(grads[:-1] * np.diff(points, axis=0), axis=-1)
        actual = np.diff(values, axis=0)
        rounding = 16 * np.finfo(float).eps * np.maximum(np.abs(values[:-1]),
                                                         np.abs(values[1:]))
        too_large = actual > rounding
    return predicted, actual, too_large


def grad_norms(grads: np.ndarray) -> np.ndarray:
    """‖∇f‖ for each row of ``grads`` (..., 2)."""
    grads = np.asarray(grads, dtype=float)
    return np.hypot(grads[..., 0], grads[..., 1])
