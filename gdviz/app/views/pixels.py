"""Screen-pixel helpers shared by the plots."""

from __future__ import annotations

import numpy as np


def column_envelope(values: np.ndarray, per_pixel: float) -> tuple[np.ndarray, np.ndarray]:
    """A curve of ``values`` against their index, as drawn: (x, y) to plot.

    When there are more values than screen columns (``per_pixel`` indices per column),
    each column keeps its lowest and highest value: a curve of 100,000 steps, even an
    oscillating one, costs no more to draw than the plot is wide, and looks the same.
    Non-finite values are left out of a column; a column without any is a gap (NaN).
    """
    x = np.arange(len(values), dtype=float)
    if not np.isfinite(per_pixel) or per_pixel <= 2:  # few enough to draw them all
        return x, values
    columns = np.floor(x / per_pixel)
    starts = np.flatnonzero(np.r_[True, columns[1:] != columns[:-1]])
    clean = np.where(np.isfinite(values), values, np.nan)
    with np.errstate(all="ignore"):
        low = np.fmin.reduceat(clean, starts)
        high = np.fmax.reduceat(clean, starts)
    return np.repeat(x[starts], 2), np.column_stack([low, high]).ravel()


def unique_segments(points: np.ndarray) -> np.ndarray:
    """The segments of a polyline (device pixels) as (m, 4) rows, each pixel pair once.

    A run that zig-zags across a valley for 50,000 steps retraces the same few segments;
    drawn once each, it repaints in milliseconds instead of a second. Later segments
    come later (they are drawn on top), segments with a non-finite end are left out.
    """
    a, b = points[:-1], points[1:]
    finite = np.isfinite(a).all(1) & np.isfinite(b).all(1)
    a, b = a[finite], b[finite]
    ca, cb = np.floor(a), np.floor(b)
    swap = (ca[:, 0] > cb[:, 0]) | ((ca[:, 0] == cb[:, 0]) & (ca[:, 1] > cb[:, 1]))
    keys = np.where(swap[:, None], np.hstack([cb, ca]), np.hstack([ca, cb]))
    _, first = np.unique(keys, axis=0, return_index=True)
    kept = np.sort(first)
    return np.hstack([a[kept], b[kept]])


Affine = tuple[float, float, float, float, float, float]  # QTransform's m11 m12 m21 m22 dx dy


def to_device(points: np.ndarray, affine: Affine) -> np.ndarray:
    """Map data points (n, 2) to device pixels with an affine transform (as QTransform)."""
    m11, m12, m21, m22, dx, dy = affine
    x, y = points[:, 0], points[:, 1]
    with np.errstate(all="ignore"):  # a diverged run's points may overflow: clipped later
        return np.column_stack([m11 * x + m21 * y + dx, m12 * x + m22 * y + dy])


def clip_segments(points: np.ndarray, limit: float) -> np.ndarray:
    """The polyline's segments clipped to the square |x|, |y| ≤ ``limit``, as (m, 4) rows."""
    if len(points) < 2:
        return np.empty((0, 4))
    return clip_lines(np.hstack([points[:-1], points[1:]]), limit)


def clip_lines(lines: np.ndarray, limit: float) -> np.ndarray:
    """Segments (x0, y0, x1, y1) clipped to the square |x|, |y| ≤ ``limit``.

    Painting engines misbehave with coordinates far off the screen (a diverged run can
    reach 1e300); clipped segments keep their direction. Segments with a non-finite
    end, or wholly outside, are left out.
    """
    a, b = lines[:, :2], lines[:, 2:]
    finite = np.isfinite(a).all(1) & np.isfinite(b).all(1)
    a, b = a[finite], b[finite]
    d = b - a
    t0, t1 = np.zeros(len(a)), np.ones(len(a))
    with np.errstate(all="ignore"):
        for axis in (0, 1):  # Liang–Barsky against both slabs of each axis
            for p, q in ((-d[:, axis], a[:, axis] + limit), (d[:, axis], limit - a[:, axis])):
                parallel = p == 0
                t0 = np.where(parallel & (q < 0), np.inf, t0)  # parallel and outside
                r = q / np.where(parallel, 1.0, p)
                t0 = np.where(~parallel & (p < 0), np.maximum(t0, r), t0)
                t1 = np.where(~parallel & (p > 0), np.minimum(t1, r), t1)
        keep = t0 <= t1
        start = a[keep] + t0[keep, None] * d[keep]
        end = a[keep] + t1[keep, None] * d[keep]
    return np.column_stack([start, end])


def inside_view(pos: tuple[float, float], anchor: tuple[float, float], size_px: tuple[float, float],
                view: tuple[tuple[float, float], tuple[float, float]],
                per_pixel: tuple[float, float], margin_px: float = 4.0) -> tuple[float, float]:
    """Where to put a label (pyqtgraph TextItem: ``anchor`` (0, 0) = its top left at
    ``pos``) so that all of it, ``size_px`` large, lies inside ``view`` (data ranges,
    y up) with ``per_pixel`` data units per pixel: moved in, never cut at the edge."""
    (x0, x1), (y0, y1) = view
    moved = []
    for axis, (lo, hi) in enumerate(((x0, x1), (y0, y1))):
        extent = size_px[axis] * per_pixel[axis]
        margin = margin_px * per_pixel[axis]
        # x grows to the right from the anchor; on screen y grows down, in data y up
        first = pos[axis] - anchor[axis] * extent if axis == 0 else \
            pos[axis] - (1 - anchor[axis]) * extent
        room = (hi - lo) - extent - 2 * margin
        shift = 0.0 if room < 0 else min(max(first, lo + margin), hi - margin - extent) - first
        moved.append(pos[axis] + shift)
    return moved[0], moved[1]
