"""The 1-D view through the real window: curve, tangent, secants, descent and its refusal."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from gdviz.app.views.one_d import NEEDS_X_ALONE
from tests.gui.test_core_loop import type_function, wait_ready

PARABOLA = "x^2 - 2x + 3"


def f(x):
    return x**2 - 2 * x + 3


def toggle(window):
    window.findChild(QAction, "oneDViewAction").trigger()


def slope_of(item):
    x, y = item.getData()
    return (y[-1] - y[0]) / (x[-1] - x[0])


@pytest.fixture
def one_d(qtbot, window):
    type_function(qtbot, window, PARABOLA)
    wait_ready(qtbot, window, PARABOLA)
    window.controller.set_start(-0.5, 4.0)
    toggle(window)
    view = window.views.view("oneDView")
    assert view is not None and view.active and window.views.is_shown("oneDView")
    return view


def test_curve_tangent_and_secants_by_hand(one_d, window):
    view = one_d
    assert view.only_x and view.message.isHidden() and not view.plot.isHidden()
    xs, ys = view.curve.getData()
    view_range = window.controller.grid.view
    assert xs[0] == pytest.approx(view_range.xmin) and xs[-1] == pytest.approx(view_range.xmax)
    np.testing.assert_allclose(ys, f(xs))
    # at x₀ = −0.5: f′(x₀) = 2x₀ − 2 = −3; secant slopes (f(x₀+h) − f(x₀))/h = −3 + h
    assert view.x0 == pytest.approx(-0.5)
    assert view.tangent_slope == pytest.approx(-3.0)
    assert slope_of(view.tangent) == pytest.approx(-3.0)
    np.testing.assert_allclose(view.slopes, [-2.0, -2.5, -2.8, -2.9], atol=1e-12)
    for secant, slope in zip(view.secants, [-2.0, -2.5, -2.8, -2.9], strict=True):
        assert slope_of(secant) == pytest.approx(slope)
    text = view.secant_label.text()
    for value in ("−2.5", "−2.8", "−2.9", "f′(x<sub>0</sub>) = <b>−3</b>"):
        assert value in text
    # the secants fade as h shrinks: each pen is closer to the background than the last
    background = np.array(view.plot.backgroundBrush().color().getRgb()[:3])
    distances = [np.abs(np.array(s.opts["pen"].color().getRgb()[:3]) - background).sum()
                 for s in view.secants]
    assert all(a > b for a, b in zip(distances, distances[1:], strict=False))


def test_descent_dots_follow_a_step(qtbot, one_d, window):
    view = one_d
    x, y = view.descents[0].getData()
    np.testing.assert_allclose(x, [-0.5])
    qtbot.mouseClick(window.findChild(QPushButton, "stepButton"), Qt.MouseButton.LeftButton)
    group = window.controller.groups[0]
    x, y = view.descents[0].getData()
    # GD with η = 0.05: x₁ = −0.5 − 0.05 · (−3) = −0.35
    np.testing.assert_allclose(x, [-0.5, -0.35])
    np.testing.assert_allclose(y, f(x))
    np.testing.assert_allclose(x, group.path(0)[:, 0])
    np.testing.assert_allclose(view.dots.data["x"], [-0.5, -0.35])  # the dots, on the curve
    np.testing.assert_allclose(view.dots.data["y"], [f(-0.5), f(-0.35)])
    assert view.x0 == pytest.approx(-0.35)  # the tangent moved with the point
    assert view.tangent_slope == pytest.approx(2 * -0.35 - 2)


def test_f_of_x_and_y_gets_a_clear_message(qtbot, one_d, window):
    view = one_d
    type_function(qtbot, window, "x^2 + y^2")
    wait_ready(qtbot, window, "x^2 + y^2")
    qtbot.waitUntil(lambda: not view.message.isHidden(), timeout=5000)
    assert view.message.text() == NEEDS_X_ALONE
    assert view.plot.isHidden() and not view.only_x
    type_function(qtbot, window, PARABOLA)  # back to x alone: drawn again
    wait_ready(qtbot, window, PARABOLA)
    qtbot.waitUntil(lambda: view.only_x and view.message.isHidden(), timeout=5000)


def test_toggled_off_it_stops_drawing(qtbot, one_d, window):
    view = one_d
    toggle(window)
    assert not view.active and not window.views.is_shown("oneDView")
    window.controller.step()
    x, _ = view.descents[0].getData()
    assert len(x) == 1  # not redrawn while hidden
    toggle(window)
    x, _ = view.descents[0].getData()
    assert len(x) == 2
