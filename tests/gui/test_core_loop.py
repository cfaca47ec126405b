"""The core loop through the real window: type, click, step, play, diverge, refuse."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QSlider, QWidget

from gdviz.core.runs import CONVERGED, DIVERGED, RUNNING, STEP_LIMIT


def type_function(qtbot, window, text):
    edit = window.findChild(QLineEdit, "functionEdit")
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def click_map(qtbot, window, x, y, modifier=Qt.KeyboardModifier.NoModifier):
    view = window.contour
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier,
                     view.data_to_viewport(x, y))


def button(window, name):
    return window.findChild(QPushButton, name)


def wait_ready(qtbot, window, text):
    qtbot.waitUntil(lambda: window.controller.objective is not None
                    and window.controller.objective.text == text
                    and window.controller.session is not None, timeout=15_000)


def test_key_widgets_have_object_names(window):
    for name in ("functionEdit", "contourPlot", "playButton", "stepButton", "resetButton",
                 "learningRateSpin", "speedSlider", "lossPlot", "functionError",
                 "optimizerCombo", "stepBackButton"):
        assert window.findChild(QWidget, name) is not None, name


def test_default_lesson_is_ready_to_play(window):
    c = window.controller
    assert window.findChild(QLineEdit, "functionEdit").text().startswith("(x-1)^2")
    assert c.grid is not None and np.isfinite(c.grid.z).all()
    # the course figure: three starts on the rippled bowl
    assert c.session.groups[0].points.tolist() == [[-0.5, 4.0], [3.0, -0.5], [2.5, 4.5]]


def test_typing_a_function_redraws_the_map(qtbot, window):
    before = window.contour.image.image.copy()
    type_function(qtbot, window, "x^2 + 3y^2")
    qtbot.waitUntil(lambda: window.controller.text == "x^2 + 3y^2", timeout=5000)
    after = window.contour.image.image
    assert after.shape == before.shape and not np.allclose(after, before, equal_nan=True)
    wait_ready(qtbot, window, "x^2 + 3y^2")


def test_click_step_three_times_then_play(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    click_map(qtbot, window, 1.0, 1.0)
    group = window.controller.session.groups[0]
    np.testing.assert_allclose(group.points[0], [1.0, 1.0], atol=0.03)
    for _ in range(3):
        qtbot.mouseClick(button(window, "stepButton"), Qt.MouseButton.LeftButton)
    assert len(window.contour.layer.path(0)) == 4
    losses = window.loss.values(0)
    assert len(losses) == 4 and np.all(np.diff(losses) < 0)
    slider = window.findChild(QSlider, "speedSlider")
    slider.setValue(slider.maximum())
    qtbot.mouseClick(button(window, "playButton"), Qt.MouseButton.LeftButton)
    assert window.controller.playing
    qtbot.waitUntil(lambda: not window.controller.playing, timeout=20_000)
    assert group.status[0] in (CONVERGED, STEP_LIMIT)
    status = window.findChild(QLabel, "statusLabel").text()
    assert "Converged at step" in status or "step limit" in status


def test_divergent_learning_rate_shows_message(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    window.controls.learning_rate_spin.setValue(2.0)
    click_map(qtbot, window, 1.0, 1.0)
    slider = window.findChild(QSlider, "speedSlider")
    slider.setValue(slider.maximum())
    qtbot.mouseClick(button(window, "playButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.playing, timeout=20_000)
    group = window.controller.session.groups[0]
    assert group.status[0] == DIVERGED
    qtbot.waitUntil(lambda: "Diverged at step" in window.status_label.text(), timeout=10_000)
    assert "smaller learning rate" in window.status_label.toolTip()  # the whole message
    # still usable: a smaller rate and a reset run again
    window.controls.learning_rate_spin.setValue(0.05)
    qtbot.mouseClick(button(window, "resetButton"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button(window, "stepButton"), Qt.MouseButton.LeftButton)
    assert window.controller.session.groups[0].status[0] == RUNNING


def test_invalid_text_shows_error_and_keeps_function(qtbot, window):
    c = window.controller
    old_text, old_image = c.text, window.contour.image.image.copy()
    type_function(qtbot, window, "x^2 + z")
    error = window.findChild(QLabel, "functionError")
    qtbot.waitUntil(error.isVisible, timeout=5000)
    assert "unknown name 'z'" in error.text()
    assert "font-weight:bold'>z</span>" in error.text()  # the faulty span, underlined
    assert c.text == old_text
    np.testing.assert_array_equal(window.contour.image.image, old_image)
    type_function(qtbot, window, "x^2 + y")
    qtbot.waitUntil(lambda: not error.isVisible(), timeout=5000)
    assert c.text == "x^2 + y"


def test_pause_stops_the_timer(qtbot, window):
    c = window.controller
    c.play()
    assert c.playing
    qtbot.mouseClick(button(window, "playButton"), Qt.MouseButton.LeftButton)
    assert not c.playing and not c._timer.isActive()
