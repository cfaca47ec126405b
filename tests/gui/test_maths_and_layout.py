"""The maths panel, hover read-out and the 1280×720 projector layout."""

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.gui.test_core_loop import type_function, wait_ready

KEY_WIDGETS = ("functionEdit", "presetCombo", "contourPlot", "playButton", "stepButton",
               "stepBackButton", "resetButton", "learningRateSpin", "speedSlider",
               "optimizerCombo", "maxStepsSpin", "lossPlot", "statusLabel", "mathsLabel",
               "logScaleCheck", "hessianButton")


def test_maths_panel_shows_exact_derivatives_and_hessian(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2 + x y")
    wait_ready(qtbot, window, "x^2 + 3y^2 + x y")
    text = window.maths.label.text()
    assert "x<sup>2</sup>" in text and "∂f/∂x" in text and "**" not in text
    assert "2 x + y" in text.replace("\u2009", " ").replace("\u00a0", " ")
    assert window.maths.hessian_label.text() == ""  # computed only when asked for
    qtbot.mouseClick(window.maths.hessian_button, Qt.MouseButton.LeftButton)
    hessian = window.maths.hessian_label.text()
    assert "Hessian" in hessian and "6" in hessian and window.maths.hessian_label.isVisible()


def test_hover_shows_f_and_gradient(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    view = window.contour
    pos = view.data_to_viewport(1.0, 1.0)
    event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(pos), QPointF(view.mapToGlobal(pos)),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)
    text = window.hover_label.text()
    assert text.startswith("at (") and "f = " in text and "∇f = (" in text
    value = float(text.split("f = ")[1].split()[0])
    assert abs(value - 4.0) < 0.2  # f(1, 1) = 4, up to the pixel under the cursor


def test_everything_fits_a_1280x720_projector(qtbot, window):
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280 and window.height() == 720, timeout=10_000)
    QApplication.processEvents()
    frame = window.rect()
    for name in KEY_WIDGETS:
        widget = window.findChild(QWidget, name)
        assert widget.isVisible(), name
        top_left = widget.mapTo(window, QPoint(0, 0))
        rect = widget.rect().translated(top_left)
        assert frame.contains(rect), f"{name} is clipped: {rect} not inside {frame}"
        hint = widget.minimumSizeHint()
        assert widget.width() >= hint.width() and widget.height() >= hint.height(), name
    assert window.contour.height() >= 450 and window.loss.height() >= 120
    assert window.minimumSizeHint().height() <= 720


def test_log_scale_loss_plot(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    window.controller.step(30)
    window.log_check.setChecked(True)
    window.controller.step(1)
    (_, _), (y0, y1) = window.loss.getPlotItem().getViewBox().viewRange()
    values = window.controller.groups[0].losses(0)
    assert y0 <= float(np.log10(values.min())) and float(np.log10(values.max())) <= y1
    assert y1 - y0 < 10  # fitted in decades, not stretched to 1e-300


def test_larger_text_reaches_plots_and_legend_and_comes_back(qtbot, window):
    from PySide6.QtGui import QAction

    actions = {a.text().replace("&", ""): a for a in window.findChildren(QAction)}
    size = QApplication.font().pointSize()
    legend = window.contour.legend
    legend_height = legend.boundingRect().height()
    actions["Larger text"].trigger()
    actions["Larger text"].trigger()
    try:
        assert QApplication.font().pointSize() == size + 2
        axis = window.contour.getPlotItem().getAxis("bottom")
        assert axis.style["tickFont"].pointSize() == size + 2
        assert legend.boundingRect().height() > legend_height  # the rows grew with the text
    finally:
        actions["Smaller text"].trigger()
        actions["Smaller text"].trigger()
    assert QApplication.font().pointSize() == size
