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
