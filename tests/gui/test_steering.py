"""Nothing a click asks for is dropped; fair races; drag to preview; undo and redo.

Each test drives the widgets a user touches, at user speed (no waiting where a user
would not wait).
"""

import re

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from gdviz.core.lesson import load_lesson
from gdviz.core.runs import DIVERGED
from tests.gui.test_core_loop import click_map, type_function, wait_ready


def press(qtbot, window, name):
    qtbot.mouseClick(window.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def test_play_pressed_on_a_cold_start_plays_when_the_gradient_is_ready(qtbot, compiler):
    from gdviz.app import create_window

    window = create_window(compiler=compiler)
    qtbot.addWidget(window)
    window.show()
    c = window.controller
    assert c.session is None  # the exact gradient is still being derived
    press(qtbot, window, "playButton")
    assert "Play" in window.status_label.text() and "Preparing" in window.status_label.text()
    qtbot.waitUntil(lambda: c.session is not None and c.groups[0].ticks > 0, timeout=15_000)
    assert c.playing
    c.shutdown()


def test_play_right_after_typing_starts_the_new_function(qtbot, window):
    c = window.controller
    edit = window.findChild(QLineEdit, "functionEdit")
    edit.selectAll()
    qtbot.keyClicks(edit, "x^2 + 3y^2")  # no Enter, no pause: straight to Play
    press(qtbot, window, "playButton")
    assert "Preparing the gradient" in window.status_label.text()
    assert "Running." not in window.status_label.text()
    qtbot.waitUntil(lambda: c.objective is not None and c.objective.text == "x^2 + 3y^2"
                    and c.groups and c.groups[0].ticks > 0, timeout=15_000)
    assert c.playing
    assert window.controls.play_button.text().endswith("Pause")


def test_steps_pressed_early_are_taken_when_ready(qtbot, window):
    c = window.controller
    edit = window.findChild(QLineEdit, "functionEdit")
    edit.selectAll()
    qtbot.keyClicks(edit, "x^2 + y^2")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    press(qtbot, window, "stepButton")
    press(qtbot, window, "stepButton")
    assert "2 steps will be taken" in window.status_label.text()
    qtbot.waitUntil(lambda: c.objective is not None and c.objective.text == "x^2 + y^2"
                    and c.groups and c.groups[0].ticks == 2, timeout=15_000)
    assert not c.playing
    qtbot.waitUntil(lambda: "t = 2" in window.status_label.text(), timeout=10_000)


def test_an_error_clears_when_the_last_valid_function_is_typed_again(qtbot, window):
    error = window.findChild(QLabel, "functionError")
    type_function(qtbot, window, "x^2 + y^2")
    wait_ready(qtbot, window, "x^2 + y^2")
    type_function(qtbot, window, "x^2 + y^")
    qtbot.waitUntil(error.isVisible, timeout=5000)
    type_function(qtbot, window, "x^2 + y^2")
    qtbot.waitUntil(lambda: not error.isVisible(), timeout=5000)
    assert window.controller.text == "x^2 + y^2"


def test_long_status_wraps_and_diverged_runs_get_a_log_loss_axis(qtbot, window):
    window.resize(1280, 720)
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    window.controls.learning_rate_spin.setValue(1.0)
    click_map(qtbot, window, 1.0, 1.0)
    for x, y in ((-1.0, 2.0), (2.0, -0.5)):
        click_map(qtbot, window, x, y, Qt.KeyboardModifier.ShiftModifier)
    window.controller.step(60)
    assert all((g.status == DIVERGED).all() for g in window.controller.groups)
    label = window.status_label
    qtbot.waitUntil(lambda: label.text().count("Diverged at step") == 3, timeout=10_000)
    scroll = label.parentWidget().parentWidget()  # the label scrolls, never clips
    assert label.width() <= scroll.width()
    assert label.height() >= label.heightForWidth(label.width())
    assert window.log_check.isChecked()  # f grew by 1e60: read on a log axis
    assert "log axis" in window.findChild(QLabel, "lossTitle").text()
    axis = window.loss.getPlotItem().getAxis("left")
    assert not axis.autoSIPrefix  # no "×1e+60" label beside the axis to be cut


def test_race_has_an_eta_per_method_that_round_trips_through_a_lesson(qtbot, window,
                                                                       tmp_path):
    type_function(qtbot, window, "(1-x)^2 + 100(y-x^2)^2")
    wait_ready(qtbot, window, "(1-x)^2 + 100(y-x^2)^2")
    window.controls.learning_rate_spin.setValue(0.001)
    window.controls.set_race_selection(["gd", "adam", "newton"])
    click_map(qtbot, window, -1.0, 2.0)
    lrs = {g.settings.optimizer: g.settings.lr for g in window.controller.groups}
    assert lrs == {"gd": 0.001, "adam": 0.12, "newton": 1.0}
    spin = window.controls.race_lr_spins["adam"]
    assert spin.isEnabled() and spin.value() == 0.12
    spin.setValue(0.05)  # edited in the Race tab: live, and in the legend
    assert window.controller.groups[1].settings.lr == 0.05
    assert "Adam η = 0.05" in window.contour.legend.labels
    window.controller.step(20)
    newton = window.controller.groups[2]
    assert np.hypot(*(newton.points[0] - [-1.0, 2.0])) > 0.5  # Newton really moves
    path = str(tmp_path / "race.gdviz")
    assert window.files.save(path)
    assert load_lesson(path).race_lrs == {"gd": 0.001, "adam": 0.05, "newton": 1.0}
    window.controls.set_race_selection([])
    assert window.files.open(path)
    qtbot.waitUntil(lambda: len(window.controller.groups) == 3, timeout=15_000)
    assert [g.settings.lr for g in window.controller.groups] == [0.001, 0.05, 1.0]
    assert window.controls.race_lr_spins["adam"].value() == 0.05


def test_dragging_a_start_previews_its_path_and_restarts_there(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    click_map(qtbot, window, 1.0, 1.0)
    view = window.contour
    viewport = view.viewport()
    start = window.controller.groups[0].column("points")[0, 0]
    grab = view.data_to_viewport(*start)
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=grab)
    target = view.data_to_viewport(-1.5, 2.0)
    for t in np.linspace(0, 1, 6)[1:]:
        qtbot.mouseMove(viewport, QPoint(round(grab.x() + t * (target.x() - grab.x())),
                                         round(grab.y() + t * (target.y() - grab.y()))))
    qtbot.waitUntil(lambda: view.preview.getData()[0] is not None
                    and len(view.preview.getData()[0]) > 10, timeout=10_000)
    xs, ys = view.preview.getData()
    assert len(xs) <= 101
    np.testing.assert_allclose([xs[0], ys[0]], [-1.5, 2.0], atol=0.05)
    assert abs(xs[-1]) < abs(xs[0])  # heading for the minimum
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=target)
    group = window.controller.groups[0]
    np.testing.assert_allclose(group.column("points")[0, 0], [-1.5, 2.0], atol=0.05)
    assert group.ticks == 0 and len(view.preview.getData()[0]) == 0


def test_undo_and_redo_restore_function_view_and_starts(qtbot, window):
    c = window.controller
    qtbot.waitUntil(lambda: not window.contour._view_timer.isActive(), timeout=10_000)
    first_text, first_view = c.text, c.view
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    click_map(qtbot, window, 1.0, 1.0)
    after_click = list(c.starts)
    click_map(qtbot, window, -1.0, 2.0)
    window.contour.setFocus()
    qtbot.keyClick(window.contour, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_ready(qtbot, window, "x^2 + 3y^2")
    assert c.starts == after_click
    qtbot.keyClick(window.contour, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.contour, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_ready(qtbot, window, first_text)
    # the same view; its x extent follows the map's shape, which the docks may have
    # settled differently since (equal aspect): the centre and the y range come back
    np.testing.assert_allclose([(c.view.xmin + c.view.xmax) / 2, c.view.ymin, c.view.ymax],
                               [(first_view.xmin + first_view.xmax) / 2, first_view.ymin,
                                first_view.ymax], rtol=0.02, atol=0.02)
    assert window.function_edit.text() == first_text
    assert [tuple(s) for s in c.starts] == [tuple(s) for s in window.lesson().starts]
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.contour, Qt.Key.Key_Z, redo)
    wait_ready(qtbot, window, "x^2 + 3y^2")
    assert window.function_edit.text() == "x^2 + 3y^2"
    window.menus.undo._fill_history()
    labels = [a.text() for a in window.menus.undo.history_menu.actions()]
    clicked = re.fullmatch(r"start \((\S+), (\S+)\)", labels[0])  # a pixel's precision
    assert clicked and np.allclose([float(v) for v in clicked.groups()], [-1, 2], atol=0.02)
    assert "f = x^2 + 3y^2" in labels
