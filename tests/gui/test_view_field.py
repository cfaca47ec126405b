"""The −∇f field layer in the real window: toggled by its action, recomputed on zoom only."""

import numpy as np
from PySide6.QtGui import QAction

from gdviz.core.field import CAP


def show_field(qtbot, window):
    action = window.findChild(QAction, "fieldViewAction")
    action.trigger()
    assert action.isChecked() and window.views.is_shown("fieldView")
    return window.views.view("fieldView")


def test_arrows_point_along_minus_the_exact_gradient(qtbot, window):
    layer = show_field(qtbot, window)
    assert layer.active and layer.curve.isVisible()
    assert layer.curve.parentItem() is window.contour.getPlotItem().getViewBox().childGroup
    assert len(layer.tails) >= 200  # ~20 columns of square cells over the view
    g = window.controller.objective.gradient(layer.tails)
    d = layer.tips - layer.tails
    np.testing.assert_allclose(d / np.hypot(*d.T)[:, None], -g / np.hypot(*g.T)[:, None],
                               atol=1e-9)
    (x0, x1), _ = window.contour.getPlotItem().getViewBox().viewRange()
    assert np.hypot(*d.T).max() <= CAP * (x1 - x0) / layer.columns + 1e-9
    x, _ = layer.curve.getData()
    assert len(x) == 7 * len(layer.tails)  # shaft and head of each arrow in one item


def test_steps_cost_nothing_and_zoom_recomputes(qtbot, window):
    layer = show_field(qtbot, window)
    tails = layer.tails
    window.controller.step(3)
    assert layer.tails is tails  # the field does not depend on the runs: no work per step
    grid = window.controller.grid
    window.contour.getPlotItem().getViewBox().setRange(xRange=(0.5, 1.5), yRange=(1.5, 2.5),
                                                        padding=0)
    qtbot.waitUntil(lambda: window.controller.grid is not grid, timeout=5000)
    qtbot.waitUntil(lambda: layer.tails is not tails, timeout=5000)
    (x0, x1), (y0, y1) = window.contour.getPlotItem().getViewBox().viewRange()
    assert layer.tails[:, 0].min() >= x0 and layer.tails[:, 0].max() <= x1
    assert layer.tails[:, 1].min() >= y0 and layer.tails[:, 1].max() <= y1
    assert (x1 - x0) < 2  # really zoomed in


def test_toggling_off_hides_and_stops(qtbot, window):
    layer = show_field(qtbot, window)
    window.findChild(QAction, "fieldViewAction").trigger()
    assert not layer.active and not layer.curve.isVisible()
    tails, grid = layer.tails, window.controller.grid
    window.contour.getPlotItem().getViewBox().setRange(xRange=(0, 2), yRange=(1, 3), padding=0)
    qtbot.waitUntil(lambda: window.controller.grid is not grid, timeout=5000)
    assert layer.tails is tails  # nothing recomputed while hidden
    window.findChild(QAction, "fieldViewAction").trigger()
    assert layer.curve.isVisible() and layer.tails is not tails
