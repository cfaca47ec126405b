"""Sampling f on a grid, colour limits and isolines for the contour map."""

from __future__ import annotations

import math
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


@dataclass(frozen=True)
class Grid:
    """f sampled on a regular grid: ``z[row, col]`` is f(xs[col], ys[row])."""

    view: ViewRange
    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray  # non-finite values are NaN (shown transparent)
    lo: float  # colour limits (in colour units) from finite percentiles
    hi: float
    levels: np.ndarray  # isoline values
    isolines: tuple[np.ndarray, np.ndarray]  # x, y with NaN between separate lines
    colour: np.ndarray | None = None  # what the image shows (z or its log); None: z
    log_offset: float | None = None  # colour = log10(z - log_offset) when set

    @property
    def image(self) -> np.ndarray:
        """The values the colour map is applied to."""
        return self.z if self.colour is None else self.colour

    def colour_ticks(self, count: int = 6) -> list[tuple[float, str]] | None:
        """Colour-bar ticks labelled in f for a log colour scale (None when linear)."""
        if self.log_offset is None:
            return None
        top = self.log_offset + 10.0**self.hi
        values = [0.0] + [m * 10.0**k for k in range(-12, int(np.log10(max(top, 1e-12))) + 1)
                          for m in (1, 2, 5)]
        ticks = [(float(np.log10(v - self.log_offset)), f"{v:g}") for v in values
                 if v > self.log_offset and self.lo <= np.log10(v - self.log_offset) <= self.hi]
        if len(ticks) > count:
            ticks = [t for t in ticks if t[1][0] in "01"]
        return ticks

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
    offset = log_colour_offset(z)
    colour = None
    if offset is not None:
        with np.errstate(all="ignore"):
            colour = np.log10(z - offset)
    lo, hi = colour_limits(z if colour is None else colour)
    levels = isoline_levels(z, isoline_count)
    # Isolines from every other sample: as smooth on screen, a quarter of the work.
    cols = np.unique(np.linspace(0, resolution - 1, (resolution + 1) // 2).round().astype(int))
    isolines = trace_isolines(xs[cols], ys[cols], z[np.ix_(cols, cols)], levels)
    return Grid(view, xs, ys, z, lo, hi, levels, isolines, colour, offset)


def log_colour_offset(z: np.ndarray) -> float | None:
    """For steep functions (Rosenbrock's walls dwarf its valley) colour log10(f − c).

    Returns c, just below the smallest value, when the top percent of values lies more
    than 10 times further from the bottom than the median does; None for linear colour.
    """
    finite = z[np.isfinite(z)][:: max(1, z.size // 40_000)]
    if finite.size < 10:
        return None
    low, mid, high = np.percentile(finite, [0, 50, 99])
    spread = mid - low
    if not spread > 0 or (high - low) < 10 * spread:
        return None
    return float(low - 0.01 * spread)


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


ISOLINE_POINT_BUDGET = 30_000  # more points stall every redraw and read as noise anyway


def trace_isolines(
    xs: np.ndarray, ys: np.ndarray, z: np.ndarray, levels: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All isolines as one pair of x, y arrays, separate lines split by NaN.

    A rippling map whose lines would exceed ISOLINE_POINT_BUDGET keeps every k-th level.
    """
    if levels.size == 0:
        return np.empty(0), np.empty(0)
    generator = contourpy.contour_generator(
        xs, ys, z if np.isfinite(z).all() else np.ma.masked_invalid(z),
        line_type=contourpy.LineType.ChunkCombinedNan,
    )
    per_level = [[chunk for chunk in lines[0] if chunk is not None]
                 for lines in generator.multi_lines(levels)]
    total = sum(len(chunk) for chunks in per_level for chunk in chunks)
    stride = max(1, math.ceil(total / ISOLINE_POINT_BUDGET))  # busy maps: fewer levels
    pieces = [chunk for chunks in per_level[::stride] for chunk in chunks]
    if not pieces:
        return np.empty(0), np.empty(0)
    separator = np.full((1, 2), np.nan)
    lines = np.concatenate([part for piece in pieces for part in (piece, separator)])
    return lines[:, 0].copy(), lines[:, 1].copy()
