"""Basins of attraction: Himmelblau's four minima, unsettled starts, cancelling."""

import threading

import numpy as np
import pytest

from gdviz.core.basins import Cancelled, basins, cluster_minima, grid_starts
from gdviz.core.compiler import compile_function
from gdviz.core.grid import ViewRange
from gdviz.core.runs import RunSettings, Session, StopRules

HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"
MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
SQUARE = ViewRange(-5, 5, -5, 5)


@pytest.fixture(scope="module")
def himmelblau():
    return compile_function(HIMMELBLAU)


@pytest.fixture(scope="module")
def himmelblau_map(himmelblau):
    return basins(himmelblau, SQUARE, n=60, lr=0.01, steps=200)


def test_grid_starts_row_major():
    xs, ys, starts = grid_starts(ViewRange(0, 1, 10, 12), 3)
    assert starts.shape == (9, 2)
    assert starts[1].tolist() == [0.5, 10] and starts[3].tolist() == [0, 11]
    with pytest.raises(ValueError):
        grid_starts(SQUARE, 1)


def test_himmelblau_has_four_basins(himmelblau_map):
    result = himmelblau_map
    assert result.labels.shape == (60, 60) and len(result.minima) == 4
    found = sorted(map(tuple, np.round(result.minima, 4)))
    assert np.allclose(found, sorted(MINIMA), atol=1e-4)
    assert np.allclose(result.minima_f, 0, atol=1e-10)
    assert result.counts.sum() == result.settled.sum() == 3600
    assert (np.diff(result.minima_f) >= -1e-12).all()


def test_a_start_near_each_minimum_reaches_it(himmelblau_map):
    result = himmelblau_map
    for x, y in MINIMA:
        col = int(np.argmin(np.abs(result.xs - x)))
        row = int(np.argmin(np.abs(result.ys - y)))
        basin = result.labels[row, col]
        assert np.allclose(result.minima[basin], (x, y), atol=1e-4)
        assert np.allclose(result.ends[row, col], (x, y), atol=1e-4)


def test_end_points_match_rungroup(himmelblau, himmelblau_map):
    result = himmelblau_map
    starts = np.column_stack([result.xs[[0, 17, 42]], result.ys[[5, 30, 59]]])
    session = Session(himmelblau)
    group = session.add(starts, RunSettings(lr=0.01, stop=StopRules(200)))
    while session.step():
        pass
    for (x0, y0), end in zip(starts, group.points, strict=True):
        row, col = np.flatnonzero(result.ys == y0)[0], np.flatnonzero(result.xs == x0)[0]
        assert np.array_equal(result.ends[row, col], end)


def test_diverging_and_unsettled_starts_get_minus_one(himmelblau):
    wild = basins(himmelblau, SQUARE, n=20, lr=0.05, steps=100)
    assert (wild.labels[~wild.settled] == -1).all() and (~wild.settled).any()
    slow = basins(compile_function("x^2 + y^2"), ViewRange(), n=10, lr=1e-4, steps=20)
    assert (slow.labels == -1).all() and len(slow.minima) == 0
    saddle = basins(compile_function("x^2 - y^2"), ViewRange(), n=11, lr=0.5, steps=200)
    assert (saddle.labels[saddle.ys != 0] == -1).all()
    assert len(saddle.minima) == 1  # the row y = 0 converges to the saddle point


def test_cluster_minima_merges_nearby_ends():
    ends = np.array([[0, 0], [1e-6, 0], [1.0, 1.0], [1.0, 1.0 + 1e-5], [5, 5]])
    values = np.array([1.0, 0.5, -1.0, -1.0, 2.0])
    settled = np.array([True, True, True, True, False])
    labels, minima, minima_f, counts = cluster_minima(ends, values, settled, 0.1)
    assert labels.tolist() == [1, 1, 0, 0, -1]
    assert minima_f.tolist() == [-1.0, 0.5] and counts.tolist() == [2, 2]
    assert minima[1].tolist() == [1e-6, 0]


def test_cancelling_stops_promptly(himmelblau):
    stop = threading.Event()
    seen = []

    def progress(fraction):
        seen.append(fraction)
        stop.set()

    with pytest.raises(Cancelled):
        basins(himmelblau, SQUARE, n=200, lr=0.001, steps=100_000, progress=progress,
               cancelled=stop.is_set)
    assert len(seen) == 1  # stopped at the first check after the flag was set


def test_rippled_bowl_200_squared_has_one_basin():  # its speed: benchmarks/explorations.py
    f = compile_function("(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)")
    result = basins(f, ViewRange(), n=200, steps=200)
    assert len(result.minima) == 1 and result.settled.all()


def test_unique_rows_is_numpy_unique_over_rows():
    from gdviz.core.basins import unique_rows

    rng = np.random.default_rng(3)
    cases = [rng.integers(-40, 40, size=(5000, 2)), np.array([[7, -3]]),
             np.array([[2**61, 0], [-(2**61), 5], [0, 0], [2**61, 0]]),  # too wide: fallback
             rng.integers(0, 3, size=(100, 2)) * [1, 10**9]]
    for keys in cases:
        keys = keys.astype(np.int64)
        expected = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
        got = unique_rows(keys)
        for a, b in zip(got, expected, strict=True):
            np.testing.assert_array_equal(a, b.reshape(a.shape))
    empty = unique_rows(np.empty((0, 2), np.int64))
    assert [len(part) for part in empty] == [0, 0, 0]
