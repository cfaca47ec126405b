"""The −∇f field's arrows and the direction wheel, checked against hand-computed values."""

import math

import numpy as np
import pytest

from gdviz.core.field import (
    CAP,
    MEDIAN_LENGTH,
    arrow_lengths,
    arrow_polyline,
    directional_derivatives,
    field_arrows,
    field_points,
    steepest_direction,
    wheel_curve,
)
from gdviz.core.grid import ViewRange


def bowl_gradient(points):
    """∇(x² + 3y²) = (2x, 6y)."""
    return np.column_stack([2 * points[:, 0], 6 * points[:, 1]])


def test_cells_are_square_and_cover_the_view():
    points, cell = field_points(ViewRange(-2, 2, -1, 1), 20)
    assert cell == pytest.approx(0.2)
    assert len(points) == 20 * 10
    assert points[:, 0].min() == pytest.approx(-1.9) and points[:, 0].max() == pytest.approx(1.9)
    assert points[:, 1].min() == pytest.approx(-0.9) and points[:, 1].max() == pytest.approx(0.9)


def test_direction_is_exactly_minus_the_normalised_gradient():
    tails, tips = field_arrows(bowl_gradient, ViewRange(-3, 3, -3, 3), 20)
    assert len(tails) == 400  # no cell centre is the minimum (0, 0): every cell has one
    d = tips - tails
    g = bowl_gradient(tails)
    expected = -g / np.hypot(*g.T)[:, None]
    np.testing.assert_allclose(d / np.hypot(*d.T)[:, None], expected, rtol=0, atol=1e-12)


def test_lengths_grow_with_the_gradient_and_are_capped():
    norms = np.array([0.0, 0.5, 1.0, 2.0, 4.0, 1e3])
    lengths = arrow_lengths(norms, cell=0.5)
    assert lengths[0] == 0.0
    assert np.all(np.diff(lengths) >= 0) and np.all(np.diff(lengths[:5]) > 0)
    assert lengths.max() == pytest.approx(CAP * 0.5)
    # the median (of the positive norms: 2 here) gets MEDIAN_LENGTH cells: log1p(1) scaled
    assert lengths[3] == pytest.approx(MEDIAN_LENGTH * 0.5)


def test_arrows_on_the_bowl_stay_within_a_cell():
    tails, tips = field_arrows(bowl_gradient, ViewRange(-3, 3, -3, 3), 20)
    lengths = np.hypot(*(tips - tails).T)
    assert lengths.max() <= CAP * 0.3 + 1e-12
    # a steeper point gets a longer (or capped) arrow
    norms = np.hypot(*bowl_gradient(tails).T)
    order = np.argsort(norms)
    assert np.all(np.diff(lengths[order]) >= -1e-12)


def test_points_where_the_gradient_is_not_finite_are_skipped():
    def gradient(points):
        g = bowl_gradient(points)
        g[points[:, 0] < 0] = np.nan  # undefined on the left half
        g[(points[:, 0] > 0) & (points[:, 1] > 0)] = np.inf
        return g

    tails, tips = field_arrows(gradient, ViewRange(-2, 2, -2, 2), 10)
    assert len(tails) == 25  # the lower right quarter only
    assert np.all(tails[:, 0] > 0) and np.all(tails[:, 1] < 0)
    assert np.isfinite(tips).all()


def test_all_undefined_gives_no_arrows():
    tails, tips = field_arrows(lambda p: np.full_like(p, np.nan), ViewRange(), 20)
    assert tails.shape == tips.shape == (0, 2)


def test_arrow_polyline_has_shaft_and_head_separated_by_nan():
    line = arrow_polyline(np.array([[0.0, 0.0], [5.0, 5.0]]), np.array([[1.0, 0.0], [5.0, 5.0]]),
                          head=0.2)
    assert line.shape == (7, 2)  # the zero-length arrow is dropped
    np.testing.assert_allclose(line[:3], [[0, 0], [1, 0], [0.8, 0.1]])
    np.testing.assert_allclose(line[4:6], [[1, 0], [0.8, -0.1]])
    assert np.isnan(line[3]).all() and np.isnan(line[6]).all()


def test_directional_derivative_by_hand():
    # f = x² + 3y² at (1, 1): ∇f = (2, 6)
    grad = bowl_gradient(np.array([[1.0, 1.0]]))[0]
    angles, units, values = directional_derivatives(grad, 72)
    assert len(angles) == 72 and angles[1] == pytest.approx(math.radians(5))
    np.testing.assert_allclose(np.hypot(*units.T), 1.0)
    assert values[0] == pytest.approx(2.0)  # u = (1, 0): ∂f/∂x
    assert values[18] == pytest.approx(6.0)  # u = (0, 1): ∂f/∂y
    assert values[9] == pytest.approx((2 + 6) / math.sqrt(2))  # 45°
    assert values[36] == pytest.approx(-2.0)


def test_wheel_minimum_is_steepest_descent():
    grad = np.array([2.0, 6.0])
    angles, units, values = directional_derivatives(grad, 72)
    unit, value = steepest_direction(grad)
    np.testing.assert_allclose(unit, [-2 / math.sqrt(40), -6 / math.sqrt(40)], atol=1e-15)
    assert value == pytest.approx(-math.sqrt(40), abs=1e-14)
    assert unit @ grad == pytest.approx(value)  # D_u f at the marked arrow, exactly −‖∇f‖
    # the sampled minimum is the sample nearest −∇f/‖∇f‖, within half a step (2.5°)
    best = units[np.argmin(values)]
    assert math.degrees(math.acos(np.clip(best @ unit, -1, 1))) <= 2.5 + 1e-9
    assert values.min() >= value  # Cauchy–Schwarz: no direction does better


def test_no_steepest_direction_at_a_stationary_point():
    assert steepest_direction(np.zeros(2)) is None
    assert steepest_direction(np.array([np.nan, 1.0])) is None


def test_wheel_radius_is_normalised():
    centre = np.array([1.0, 1.0])
    for grad in (np.array([2.0, 6.0]), np.array([2e-6, 6e-6]), np.array([2e6, 6e6])):
        points, values = wheel_curve(centre, grad, r0=1.0, k=0.5)
        radius = np.hypot(*(points - centre).T)
        assert radius.min() == pytest.approx(0.5, abs=2e-3)
        assert radius.max() == pytest.approx(1.5, abs=2e-3)
        assert np.argmin(radius) == np.argmin(values)
