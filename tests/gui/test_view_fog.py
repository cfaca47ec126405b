"""The fog layer in the real window: discs at the current points, lifted at the end."""

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction

from gdviz.app.views.fog import FOG_Z, RADIUS
from tests.gui.test_core_loop import type_function, wait_ready


def current_points(window):
    return np.concatenate([g.points for g in window.controller.groups])


def show_fog(window):
    window.findChild(QAction, "fogViewAction").trigger()
    return window.views.view("fogView")


def fogged(layer, x, y):
    return layer.item.isVisible() and layer.item.path.contains(QPointF(x, y))


def test_holes_follow_the_current_points(qtbot, window):
    layer = show_fog(window)
    assert layer.active and layer.item.isVisible()
    assert window.contour.layer.zValue() > FOG_Z  # the paths stay on top of the fog
    np.testing.assert_array_equal(layer.centres, current_points(window))
    (x0, x1), _ = window.contour.getPlotItem().getViewBox().viewRange()
    assert layer.radius == RADIUS * (x1 - x0)
    start = current_points(window)[0]
    assert not fogged(layer, *start)
    window.controller.step(5)
    here = current_points(window)
    np.testing.assert_array_equal(layer.centres, here)
    assert not fogged(layer, *here[0])
    assert fogged(layer, *start)  # where the run was is fogged again
    assert fogged(layer, x0 + 0.01, 0.0) or fogged(layer, x1 - 0.01, 0.0)


def test_zoom_resizes_the_discs(qtbot, window):
    layer = show_fog(window)
    here = current_points(window)[0]
    window.contour.getPlotItem().getViewBox().setRange(
        xRange=(here[0] - 0.5, here[0] + 0.5), yRange=(here[1] - 0.5, here[1] + 0.5), padding=0)
    (x0, x1), _ = window.contour.getPlotItem().getViewBox().viewRange()
    assert layer.radius == RADIUS * (x1 - x0)
    assert fogged(layer, here[0] + 2 * layer.radius, here[1])


def test_lifts_when_every_run_ended_or_on_shift_f(qtbot, window):
    layer = show_fog(window)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    assert layer.revealed and not layer.item.isVisible()
    layer.reveal()  # toggles back
    assert not layer.revealed and layer.item.isVisible()
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    window.controller.update_settings(optimizer="newton", lr=1.0)  # exact in one step
    assert layer.item.isVisible()
    window.controller.step(1)
    assert not any(g.running for g in window.controller.groups)
    assert not layer.item.isVisible()
    window.controller.restart()  # a new descent starts in the fog
    assert layer.item.isVisible()


def test_toggling_off_hides_and_stops(qtbot, window):
    layer = show_fog(window)
    window.findChild(QAction, "fogViewAction").trigger()
    assert not layer.active and not layer.item.isVisible()
    assert not layer.shortcut.isEnabled()
    centres = layer.centres.copy()
    window.controller.step(3)
    np.testing.assert_array_equal(layer.centres, centres)  # no work while hidden
    window.findChild(QAction, "fogViewAction").trigger()
    np.testing.assert_array_equal(layer.centres, current_points(window))
