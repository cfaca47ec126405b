"""The Taylor check: predicted ∇f·Δx beside the actual Δf, and steps that are too large."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton

from gdviz.app.views.taylor import TOO_LARGE_SENTENCE
from tests.gui.test_core_loop import type_function, wait_ready


def bowl_from_one_one(qtbot, window, lr):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    window.controls.learning_rate_spin.setValue(lr)
    window.controller.set_start(1.0, 1.0)  # exactly (1, 1): a click lands within a pixel
    window.findChild(QAction, "taylorViewAction").trigger()
    return window.views.view("taylorView")


def test_one_gd_step_matches_the_hand_computation(qtbot, window):
    view = bowl_from_one_one(qtbot, window, 0.1)
    assert view.active and window.views.docks["taylorView"].isVisible()
    assert "Take a step" in view.text()
    qtbot.mouseClick(window.findChild(QPushButton, "stepButton"), Qt.MouseButton.LeftButton)
    # ∇f(1, 1) = (2, 6), Δx = -0.1 ∇f = (-0.2, -0.6): predicted = -0.4 - 3.6 = -4.0
    # actual = f(0.8, 0.4) - f(1, 1) = (0.64 + 0.48) - 4 = -2.88
    t, predicted = view.predicted_curve.getData()
    _, actual = view.actual_curve.getData()
    assert t.tolist() == [0.0]
    assert predicted == pytest.approx([-4.0]) and actual == pytest.approx([-2.88])
    assert "predicted ∇f·Δx = -4" in view.text() and "actual Δf = -2.88" in view.text()
    assert TOO_LARGE_SENTENCE not in view.text() and view.warning.isHidden()
    assert len(view.markers.getData()[0]) == 0

    window.controller.step(4)  # follows further steps: one value per step
    assert len(view.actual_curve.getData()[1]) == 5
    assert np.all(view.actual_curve.getData()[1] < 0)

    window.findChild(QAction, "taylorViewAction").trigger()  # off
    assert not view.active and not window.views.docks["taylorView"].isVisible()
    window.controller.step()
    assert len(view.actual_curve.getData()[1]) == 5  # no drawing while hidden


def test_a_diverging_step_is_marked_too_large(qtbot, window):
    view = bowl_from_one_one(qtbot, window, 0.5)  # along y: 1 → -2 → 4 …
    qtbot.mouseClick(window.findChild(QPushButton, "stepButton"), Qt.MouseButton.LeftButton)
    _, actual = view.actual_curve.getData()
    assert actual == pytest.approx([12.0 - 4.0])  # f(0, -2) - f(1, 1): f went up
    assert view.predicted_curve.getData()[1] == pytest.approx([-0.5 * 40])
    assert TOO_LARGE_SENTENCE in view.text() and view.warning.isVisible()
    np.testing.assert_allclose(view.markers.getData(), [[0.0], [8.0]])  # the red marker
    window.controller.step(2)
    assert len(view.markers.getData()[0]) == 3
