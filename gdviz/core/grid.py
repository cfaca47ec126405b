"""Sampling f on a grid, colour limits and isolines for the contour map."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import contourpy
import numpy as np


@dataclass(frozen=True)
class ViewRange:
    """The rectangle of the plane that is shown."""

    xmin: float = -3.0
    xmax: float = 3.0
    ymin: float = -3.0
    ymax: float = 3.0

    def contains(self, x: float, y: float) -> bool:
        return self.xmin <= x <= self.xmax and self.ymin <= y <= self.ymax


@dataclass(frozen=True)
class Grid:
    """f sampled on a regular grid: ``z[row, col]`` is f(xs[col], ys[row])."""

    view: ViewRange
    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray  # non-finite values are NaN (shown transparent)
    lo: float  # colour limits from finite percentiles
    hi: float
    levels: np.ndarray  # isoline values
    isolines: tuple[np.ndarray, np.ndarray]  # x, y with NaN between separate lines

    @property
    def defined(self) -> bool:
        """True when f is finite somewhere on the grid."""
        return bool(np.isfinite(self.z).any())


def sample_grid(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    view: ViewRange,
    resolution: int = 400,
    isoline_count: int = 20,
) -> Grid:
    """Evaluate ``f`` on a ``resolution``² grid over ``view`` and trace its isolines."""
    xs = np.linspace(view.xmin, view.xmax, resolution)
    ys = np.linspace(view.ymin, view.ymax, resolution)
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        z = np.asarray(f(gx, gy), dtype=float)
    z = np.array(np.broadcast_to(z, gx.shape), dtype=float)
    z[~np.isfinite(z)] = np.nan
    lo, hi = colour_limits(z)
    levels = isoline_levels(z, isoline_count)
    # Isolines from every other sample: as smooth on screen, a quarter of the work.
    cols = np.unique(np.linspace(0, resolution - 1, (resolution + 1) // 2).round().astype(int))
    isolines = trace_isolines(xs[cols], ys[cols], z[np.ix_(cols, cols)], levels)
    return Grid(view, xs, ys, z, lo, hi, levels, isolines)


def colour_limits(z: np.ndarray) -> tuple[float, float]:
    """Colour range from the 1st and 99th percentiles of the finite values."""
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = np.percentile(finite[:: max(1, finite.size // 40_000)], [1, 99])
    if not hi > lo:
        lo, hi = float(finite.min()), float(finite.max())
    if not hi > lo:
        lo, hi = lo - 0.5, hi + 0.5
    return float(lo), float(hi)


def isoline_levels(z: np.ndarray, count: int = 20) -> np.ndarray:
    """Isoline values at evenly spaced quantiles of the finite values.

    Quantiles spread the lines over the whole picture, for gentle bowls and for steep
    valleys such as Rosenbrock's alike (evenly spaced values bunch up at the walls).
    """
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return np.empty(0)
    sample = finite[:: max(1, finite.size // 40_000)]  # quantiles of a sample suffice
    return np.unique(np.quantile(sample, np.linspace(0, 1, count + 2)[1:-1]))


def trace_isolines(
    xs: np.ndarray, ys: np.ndarray, z: np.ndarray, levels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All isolines as one pair of x, y arrays, separate lines split by NaN."""
    if levels.size == 0:
        return np.empty(0), np.empty(0)
    generator = contourpy.contour_generator(
        xs, ys, z if np.isfinite(z).all() else np.ma.masked_invalid(z),
        line_type=contourpy.LineType.ChunkCombinedNan,
    )
    pieces = [chunk for lines in generator.multi_lines(levels) for chunk in lines[0]
              if chunk is not None]
    if not pieces:
        return np.empty(0), np.empty(0)
    separator = np.full((1, 2), np.nan)
    lines = np.concatenate([part for piece in pieces for part in (piece, separator)])
    return lines[:, 0].copy(), lines[:, 1].copy()
