"""Grid sampling: masked non-finite values, percentile colour limits, isolines."""

import numpy as np

from gdviz.core.grid import (
    ISOLINE_POINT_BUDGET,
    ViewRange,
    colour_limits,
    isoline_levels,
    sample_grid,
)


def test_sample_grid_orientation_and_isolines():
    grid = sample_grid(lambda x, y: x + 10 * y, ViewRange(0, 1, 0, 2), resolution=50)
    assert grid.z.shape == (50, 50)
    assert grid.z[0, -1] == 1.0 and grid.z[-1, 0] == 20.0  # z[row=y, col=x]
    assert 15 <= len(grid.levels) <= 30
    xs, ys = grid.isolines
    assert len(xs) == len(ys) > 0 and np.isnan(xs).any()


def test_non_finite_values_are_masked_and_limits_are_finite():
    with np.errstate(all="ignore"):
        grid = sample_grid(lambda x, y: np.log(x) + y, ViewRange(-1, 1, -1, 1), resolution=40)
    assert np.isnan(grid.z[:, :20]).all() and np.isfinite(grid.z[:, 21:]).all()
    assert np.isfinite([grid.lo, grid.hi]).all() and grid.lo < grid.hi
    assert grid.defined


def test_colour_limits_ignore_outliers():
    z = np.concatenate([np.linspace(0, 1, 1000), [1e12]])
    lo, hi = colour_limits(z)
    assert hi < 2


def test_constant_function():
    grid = sample_grid(lambda x, y: 3.0, ViewRange(), resolution=20)
    assert grid.lo < 3 < grid.hi
    assert isoline_levels(np.full((3, 3), np.nan)).size == 0


def test_steep_functions_get_a_log_colour_scale_with_f_ticks():
    view = ViewRange(-2, 2, -1, 3)
    rosenbrock = sample_grid(lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, view)
    assert rosenbrock.log_offset is not None and rosenbrock.log_offset < 0
    np.testing.assert_allclose(rosenbrock.image, np.log10(rosenbrock.z - rosenbrock.log_offset))
    ticks = rosenbrock.colour_ticks()
    assert 3 <= len(ticks) <= 8
    for position, label in ticks:  # each tick sits where f has its label's value
        assert 10**position + rosenbrock.log_offset == __import__("pytest").approx(float(label),
                                                                                   rel=1e-2)
    bowl = sample_grid(lambda x, y: x**2 + 3 * y**2, view)
    assert bowl.log_offset is None and bowl.colour_ticks() is None and bowl.image is bowl.z


def test_busy_maps_keep_fewer_isolines_within_the_budget():
    ripples = sample_grid(lambda x, y: np.sin(40 * x) * np.sin(40 * y), ViewRange(-5, 5, -5, 5))
    assert len(ripples.isolines[0]) <= ISOLINE_POINT_BUDGET * 1.5
    assert len(ripples.isolines[0]) > 1000  # thinned, not dropped
    bowl = sample_grid(lambda x, y: x**2 + y**2, ViewRange(-5, 5, -5, 5))
    x, y = (v[np.isfinite(v)] for v in bowl.isolines)
    nearest = np.abs((x**2 + y**2)[:, None] - bowl.levels[None, :]).argmin(1)
    assert len(np.unique(nearest)) == len(bowl.levels) == 20  # every level kept
