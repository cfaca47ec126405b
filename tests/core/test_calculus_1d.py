"""Secants turning into the tangent, by hand; deciding when f uses x alone."""

import numpy as np
import pytest

from gdviz.core.calculus_1d import (
    SECANT_STEPS,
    descent_window,
    line_through,
    names_used,
    secant_slopes,
    uses_only_x,
)
from gdviz.core.expression import parse


def test_secant_slopes_of_x_squared_at_one_by_hand():
    # (f(1 + h) − f(1)) / h = ((1 + h)² − 1) / h = 2 + h
    slopes = secant_slopes(lambda x: x**2, 1.0, SECANT_STEPS)
    np.testing.assert_allclose(slopes, [3.0, 2.5, 2.2, 2.1], rtol=1e-12)
    assert SECANT_STEPS == (1.0, 0.5, 0.2, 0.1)


def test_secant_slopes_converge_to_the_tangent():
    tangent = 2.0  # d/dx x² at x = 1
    slopes = secant_slopes(lambda x: x**2, 1.0, [1.0, 0.1, 0.01, 1e-4])
    errors = np.abs(slopes - tangent)
    assert np.all(np.diff(errors) < 0)
    assert errors[-1] == pytest.approx(1e-4, rel=1e-6)


def test_secant_slopes_call_f_once_and_mark_undefined():
    calls = []

    def f(x):
        calls.append(x)
        return np.sqrt(x)  # undefined left of 0

    slopes = secant_slopes(f, -0.5, [1.0, 0.2])
    assert len(calls) == 1
    assert np.isnan(slopes).all()


def test_line_through_a_point_with_a_slope():
    np.testing.assert_allclose(line_through(1.0, 1.0, 2.0, np.array([0.0, 1.0, 3.0])),
                               [-1.0, 1.0, 5.0])


@pytest.mark.parametrize("text", ["x^2 - 2x + 3", "sin(x) + pi", "e^x", "3", "x"])
def test_formulas_without_y_use_only_x(text):
    assert uses_only_x(parse(text))


@pytest.mark.parametrize("text", ["x^2 + y^2", "y", "x y", "sin(x) + cos(y)"])
def test_formulas_with_y_do_not(text):
    assert not uses_only_x(parse(text))
    assert not uses_only_x(parse(text), dfdy=np.array([0.0, 1.0, np.nan]))


def test_a_y_that_cancels_counts_as_x_alone_when_df_dy_is_zero():
    formula = parse("x^2 + y - y")
    assert names_used(formula.tree) == {"x", "y"}
    assert not uses_only_x(formula)  # without the partial, y is taken at its word
    assert uses_only_x(formula, dfdy=np.array([[0.0, 0.0], [np.nan, 0.0]]))
    assert not uses_only_x(formula, dfdy=np.array([np.nan]))  # nothing known


def test_constants_are_not_variables():
    assert names_used(parse("pi x + e").tree) == {"x"}


def test_descent_window_frames_the_start_and_the_minimum():
    xs = np.linspace(-6, 6, 1201)
    ys = xs**2 - 2 * xs + 3  # lowest at x = 1, f = 2
    (x0, x1), (y0, y1) = descent_window(xs, ys, np.array([2.0]))
    # x from min(2, 1) − 1.2 to max(2 + 1, 1) + 1.2; f over it from 2 to f(4.2) = 12.24
    assert (x0, x1) == pytest.approx((-0.2, 4.2))
    # (to the grid's spacing of 0.01: the last sample inside may be f(4.19))
    assert y0 == pytest.approx(2 - 0.1 * 10.24, abs=0.01)
    assert y1 == pytest.approx(12.24 + 0.15 * 10.24, abs=0.1)
    (x0, x1), _ = descent_window(xs, ys, np.array([-5.5, 5.8]))
    assert (x0, x1) == (-6.0, 6.0)  # clipped to the curve
    assert descent_window(xs, np.full_like(xs, np.nan), np.array([0.0]))[1] == (0.0, 1.0)
