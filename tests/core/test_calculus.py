"""Cross-sections, tangents, the Taylor check and ‖∇f‖, against hand computations."""

import numpy as np
import pytest

from gdviz.core.calculus import (
    cross_sections,
    grad_norms,
    section_range,
    tangent_segment,
    taylor_table,
)


class Bowl:
    """f = x² + 3y², with its exact gradient."""

    def value(self, p):
        p = np.asarray(p, dtype=float)
        return p[:, 0] ** 2 + 3 * p[:, 1] ** 2

    def gradient(self, p):
        p = np.asarray(p, dtype=float)
        return np.column_stack([2 * p[:, 0], 6 * p[:, 1]])


def gd_path(start, lr, steps):
    f = Bowl()
    points = [np.array(start, dtype=float)]
    for _ in range(steps):
        points.append(points[-1] - lr * f.gradient(points[-1][None])[0])
    points = np.array(points)
    return points, f.value(points), f.gradient(points)


def test_cross_section_slopes_are_the_partials_and_tangent_touches():
    along_x, along_y = cross_sections(Bowl(), np.array([0.5, -1.0]), (-3, 3), (-2, 2))
    assert along_x.slope == pytest.approx(2 * 0.5) and along_y.slope == pytest.approx(6 * -1.0)
    assert along_x.value == pytest.approx(0.25 + 3.0) == along_y.value
    np.testing.assert_allclose(along_x.f, along_x.at ** 2 + 3.0)  # f(x, y_t)
    np.testing.assert_allclose(along_y.f, 0.25 + 3 * along_y.at ** 2)  # f(x_t, y)
    s, line = along_x.tangent()
    np.testing.assert_allclose(s, [0.5 - 0.9, 0.5 + 0.9])  # ±15 % of the range 6
    np.testing.assert_allclose(line, 3.25 + 1.0 * (s - 0.5))  # through (x_t, f)
    s, line = along_y.tangent()
    np.testing.assert_allclose(s, [-1.6, -0.4])
    np.testing.assert_allclose(line, [3.25 + 3.6, 3.25 - 3.6])


def test_tangent_segment_passes_through_the_point():
    s, line = tangent_segment(2.0, 7.0, -3.0, 10.0)
    np.testing.assert_allclose(s, [0.5, 3.5])
    np.testing.assert_allclose(np.mean(line), 7.0)
    assert (line[1] - line[0]) / (s[1] - s[0]) == pytest.approx(-3.0)


def test_section_range_reaches_the_point_or_centres_on_it():
    assert section_range(-3, 3, 0) == (-3, 3)
    assert section_range(-3, 3, 4) == (-3, 4 + 0.9)  # widened to hold the tangent
    assert section_range(-3, 3, 100) == (97, 103)  # far away: same width around it


def test_taylor_table_matches_the_hand_computation():
    points, values, grads = gd_path((1, 1), 0.1, 1)
    predicted, actual, too_large = taylor_table(points, values, grads)
    # ∇f = (2, 6), Δx = (-0.2, -0.6): predicted = -0.4 - 3.6 = -4 = -η‖∇f‖²
    assert predicted == pytest.approx([-4.0])
    assert actual == pytest.approx([(0.64 + 0.48) - 4.0])  # f(0.8, 0.4) - f(1, 1)
    assert not too_large.any()


def test_taylor_table_flags_a_step_that_goes_uphill():
    points, values, grads = gd_path((1, 1), 0.5, 2)  # y: 1 → -2 → 4 (diverging)
    predicted, actual, too_large = taylor_table(points, values, grads)
    assert predicted[0] == pytest.approx(-0.5 * (4 + 36))
    assert actual[0] == pytest.approx(12.0 - 4.0)  # f(0, -2) - f(1, 1)
    assert too_large.tolist() == [True, True]


def test_taylor_table_takes_a_groups_columns_and_ignores_rounding():
    a, va, ga = gd_path((1, 1), 0.1, 3)
    b, vb, gb = gd_path((-2, 0.5), 0.1, 3)
    predicted, actual, too_large = taylor_table(
        np.stack([a, b], 1), np.stack([va, vb], 1), np.stack([ga, gb], 1))
    assert predicted.shape == (3, 2)
    np.testing.assert_allclose(predicted[:, 0], taylor_table(a, va, ga)[0])
    np.testing.assert_allclose(actual[:, 1], np.diff(vb))
    still = np.ones((3, 2)), np.array([1.0, 1.0 + 1e-16, 1.0]), np.zeros((3, 2))
    assert not taylor_table(*still)[2].any()  # a stopped run is not "too large"


def test_grad_norms_is_the_length():
    np.testing.assert_allclose(grad_norms(np.array([[3.0, 4.0], [0, -2]])), [5, 2])
    assert grad_norms(np.zeros((4, 3, 2))).shape == (4, 3)
