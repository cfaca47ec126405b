"""The tangents view: f along x and y through the current point, with exact tangent slopes."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from tests.gui.test_core_loop import click_map, type_function, wait_ready


def toggle(window, name="sectionsView"):
    window.findChild(QAction, f"{name}Action").trigger()


def tangent_through(section):
    s, line = section.tangent.getData()
    return (s[0] + s[1]) / 2, (line[0] + line[1]) / 2, (line[1] - line[0]) / (s[1] - s[0])


def test_tangents_have_the_partial_slopes_and_follow_a_step(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    click_map(qtbot, window, 1.0, 1.0)
    toggle(window)
    view = window.views.view("sectionsView")
    assert view.active and window.views.docks["sectionsView"].isVisible()
    group = window.controller.groups[0]
    step = window.findChild(QPushButton, "stepButton")
    for _ in range(2):
        x, y = group.points[0]
        f = x ** 2 + 3 * y ** 2
        for section, slope, at in ((view.along_x, 2 * x, x), (view.along_y, 6 * y, y)):
            mid, value, drawn = tangent_through(section)
            assert drawn == pytest.approx(slope) and mid == pytest.approx(at)
            assert value == pytest.approx(f)  # the tangent passes through (x_t, f)
            np.testing.assert_allclose(section.marker.getData(), [[at], [f]])
        assert f"slope ∂f/∂x = {2 * x:.4g}" in view.along_x.label.text()
        assert f"slope ∂f/∂y = {6 * y:.4g}" in view.along_y.label.text()
        xs, fx = view.along_x.curve.getData()
        np.testing.assert_allclose(fx, xs ** 2 + 3 * y ** 2)  # f(x, y_t)
        assert len(xs) == 200
        qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    assert group.steps[0] == 2

    toggle(window)  # off: hidden, and no more drawing
    assert not view.active and not window.views.docks["sectionsView"].isVisible()
    drawn = view.along_x.marker.getData()[0].copy()
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    np.testing.assert_array_equal(view.along_x.marker.getData()[0], drawn)


def test_a_second_run_can_be_chosen(qtbot, window):
    c = window.controller
    c.set_race(["gd", "momentum"])
    toggle(window)
    view = window.views.view("sectionsView")
    assert view.combo.isVisible() and view.combo.count() == sum(g.size for g in c.groups)
    view.combo.setCurrentIndex(view.combo.count() - 1)
    c.step(3)
    group = c.groups[-1]
    mid, _, _ = tangent_through(view.along_x)
    assert mid == pytest.approx(group.points[-1][0])


def test_theme_and_text_size_reach_the_plots(window):
    toggle(window)
    view = window.views.view("sectionsView")
    window.menus.set_theme("dark")
    assert view.along_x.plot.backgroundBrush().color().name() == "#1e1e1e"
    window.menus.set_text_size(18)
    axis = view.along_y.plot.getPlotItem().getAxis("bottom")
    assert axis.style["tickFont"].pointSize() == 18
