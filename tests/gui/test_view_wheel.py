"""The direction wheel in the real window: D_u f around the current point, steepest marked."""

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from gdviz.app.views.wheel import R0, K
from tests.gui.test_core_loop import click_map, type_function, wait_ready

RACE8 = ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "qhm"]


def show_wheel(window):
    window.findChild(QAction, "wheelViewAction").trigger()
    return window.views.view("wheelView")


def view_width(window):
    (x0, x1), _ = window.contour.getPlotItem().getViewBox().viewRange()
    return x1 - x0


def test_marks_steepest_descent_by_hand(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    click_map(qtbot, window, 1.0, 1.0)
    layer = show_wheel(window)
    assert layer.active and all(item.isVisible() for item in layer.items)
    centre = window.controller.groups[0].points[0]
    np.testing.assert_array_equal(layer.centres, [centre])
    grad = np.array([2 * centre[0], 6 * centre[1]])  # ∇(x² + 3y²), by hand
    unit, value = layer.steepest
    np.testing.assert_allclose(unit, -grad / np.hypot(*grad), atol=1e-12)
    assert value == -np.hypot(*grad)
    assert f"{-np.hypot(*grad):.4g}".lstrip("-") in layer.label.textItem.toPlainText()
    # the arrow's tip is exactly along −∇f/‖∇f‖, at the wheel's outer radius
    x, y = layer.arrow.getData()
    tip = np.array([x[1], y[1]])
    np.testing.assert_allclose(tip, centre + (R0 + K) * view_width(window) * unit, atol=1e-12)
    # the blue (D_u f < 0) curve's deepest dent is the steepest direction, to within 5°
    x, y = layer.descent.getData()
    curve = np.column_stack([x, y])
    curve = curve[np.isfinite(curve).all(1)] - centre
    deepest = curve[np.argmin(np.hypot(*curve.T))]
    angle = math.degrees(math.acos(np.clip(deepest @ unit / np.hypot(*deepest), -1, 1)))
    assert angle <= 5 + 1e-9


def test_follows_each_step(qtbot, window):
    layer = show_wheel(window)
    runs = np.concatenate([g.points for g in window.controller.groups])
    assert len(layer.centres) == 3  # the course's three starts: a wheel each
    qtbot.mouseClick(window.findChild(QPushButton, "stepButton"), Qt.MouseButton.LeftButton)
    moved = np.concatenate([g.points for g in window.controller.groups])
    assert not np.allclose(moved, runs)
    np.testing.assert_array_equal(layer.centres, moved)


def test_a_race_of_eight_gets_one_wheel(qtbot, window):
    layer = show_wheel(window)
    window.controls.set_race_selection(RACE8)
    click_map(qtbot, window, 2.0, 0.0)
    assert sum(g.size for g in window.controller.groups) == 8
    window.controller.step(2)
    first = window.controller.groups[0].points[0]
    np.testing.assert_array_equal(layer.centres, [first])


def test_toggling_off_hides_and_stops(qtbot, window):
    layer = show_wheel(window)
    window.findChild(QAction, "wheelViewAction").trigger()
    assert not layer.active and not any(item.isVisible() for item in layer.items)
    centres = layer.centres.copy()
    window.controller.step(2)
    np.testing.assert_array_equal(layer.centres, centres)  # no work while hidden
    assert not any(item.isVisible() for item in layer.items)


def test_its_label_stays_inside_the_map_near_an_edge(qtbot, window):
    window.menus.set_text_size(18)
    window.resize(1280, 720)
    type_function(qtbot, window, "(x-3)^2 + y^2")  # near the right edge, pointing right
    wait_ready(qtbot, window, "(x-3)^2 + y^2")
    box = window.contour.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = box.viewRange()
    window.controller.set_start(x0 + 0.9 * (x1 - x0), (y0 + y1) / 2)
    layer = show_wheel(window)
    qtbot.waitUntil(lambda: layer.label.isVisible())
    label = layer.label.mapRectToScene(layer.label.boundingRect())
    inside = box.mapRectToScene(box.boundingRect())
    assert inside.contains(label), (label, inside)  # not cut by the edge or the colour bar
