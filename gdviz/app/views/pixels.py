"""Screen-pixel helpers shared by the plots."""

from __future__ import annotations

import numpy as np


def decimate_to_pixels(path: np.ndarray, pixel: tuple[float, float]) -> np.ndarray:
    """Drop points that fall in the same screen pixel as the point before them.

    What is drawn looks the same, but a long run that crawls (10,000 points in a few
    pixels) costs no more to paint than a short one. The last point is always kept.
    """
    if len(path) < 3 or not all(np.isfinite(pixel)) or min(pixel) <= 0:
        return path
    cells = np.floor(path / np.asarray(pixel)).astype(np.int64, copy=False)
    moved = np.empty(len(path), dtype=bool)
    moved[0] = True
    moved[1:] = (cells[1:] != cells[:-1]).any(1)
    moved[-1] = True
    return path if moved.all() else path[moved]


Affine = tuple[float, float, float, float, float, float]  # QTransform's m11 m12 m21 m22 dx dy


def to_device(points: np.ndarray, affine: Affine) -> np.ndarray:
    """Map data points (n, 2) to device pixels with an affine transform (as QTransform)."""
    m11, m12, m21, m22, dx, dy = affine
    x, y = points[:, 0], points[:, 1]
    with np.errstate(all="ignore"):  # a diverged run's points may overflow: clipped later
        return np.column_stack([m11 * x + m21 * y + dx, m12 * x + m22 * y + dy])


def clip_segments(points: np.ndarray, limit: float) -> np.ndarray:
    """The polyline's segments clipped to the square |x|, |y| ≤ ``limit``, as (m, 4) rows.

    Painting engines misbehave with coordinates far off the screen (a diverged run can
    reach 1e300); clipped segments keep their direction. Segments with a non-finite
    end are left out.
    """
    if len(points) < 2:
        return np.empty((0, 4))
    a, b = points[:-1], points[1:]
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
