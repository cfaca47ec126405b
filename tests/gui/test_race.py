"""Optimizers in the window: race from one click, legend toggles, live settings, step back."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPushButton

from tests.gui.test_core_loop import click_map, type_function, wait_ready

RACE = ["gd", "momentum", "adam", "newton"]


def test_race_four_optimizers_from_one_click(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    window.controls.set_race_selection(RACE)
    for name in RACE:
        assert window.controls.race_checks[name].isChecked()
    click_map(qtbot, window, 1.0, 1.0)
    groups = window.controller.groups
    assert [g.settings.optimizer for g in groups] == RACE
    starts = np.array([g.points[0] for g in groups])
    np.testing.assert_array_equal(starts, np.broadcast_to(starts[0], starts.shape))
    assert window.contour.run_count == 4 and len(window.loss.curves) == 4
    colours = {colour.name() for colour in window.contour.legend.colours}
    assert len(colours) == 4
    # a fair race: each method its own η (the view spans 6, so Adam gets 0.1 × 6/5)
    assert window.contour.legend.labels == ["Gradient descent η = 0.05", "Momentum η = 0.05",
                                            "Adam η = 0.12", "Damped Newton η = 1"]
    window.controller.step(5)
    paths = [window.contour.layer.path(i)[:, 0] for i in range(4)]
    assert [len(p) for p in paths] == [6, 6, 6, 2]  # Newton at η = 1: exact in one step
    np.testing.assert_allclose(window.controller.groups[3].points[0], [0, 0], atol=1e-12)
    assert len({round(float(p[-1]), 9) for p in paths}) == 4  # they really differ
    assert "Momentum" in window.status_label.text()


def test_legend_toggles_visibility(qtbot, window):
    window.controls.set_race_selection(["gd", "adam"])
    click_map(qtbot, window, 1.0, 3.0)
    assert window.contour.run_count == 2
    legend, layer = window.contour.legend, window.contour.layer
    start = window.controller.groups[0].points.copy()
    row = window.contour.mapFromScene(legend.row_centre(1))
    qtbot.mouseClick(window.contour.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert legend.visible == [True, False] and not layer.is_visible(1)
    assert not window.loss.curves[1].isVisible()
    np.testing.assert_array_equal(window.controller.groups[0].points, start)  # not a start
    qtbot.mouseClick(window.contour.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert legend.visible == [True, True] and layer.is_visible(1)
    assert window.loss.curves[1].isVisible()


def test_changing_learning_rate_mid_run_keeps_the_path(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    click_map(qtbot, window, 2.0, 0.0)
    group = window.controller.groups[0]
    x0 = group.points[0, 0]
    step = window.findChild(QPushButton, "stepButton")
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    window.controls.learning_rate_spin.setValue(0.2)
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    assert window.controller.groups[0] is group and group.steps[0] == 2
    x1 = x0 - 0.05 * (2 * x0)
    x2 = x1 - 0.2 * (2 * x1)
    np.testing.assert_array_equal(group.path(0)[:, 0], [x0, x1, x2])


def test_optimizer_combo_shows_only_its_hyperparameters(qtbot, window):
    combo = window.findChild(QComboBox, "optimizerCombo")
    combo.setCurrentIndex(combo.findData("adam"))
    assert set(window.controls.hyper_spins) == {"beta1", "beta2", "eps"}
    assert window.controller.groups[0].settings.optimizer == "adam"
    window.controls.hyper_spins["beta1"].setValue(0.5)
    assert window.controller.groups[0].settings.hyperparams()["beta1"] == 0.5
    combo.setCurrentIndex(combo.findData("gd"))
    assert window.controls.hyper_spins == {} and not window.controls.hyper_panel.isVisible()


def test_step_back_undoes_every_run(qtbot, window):
    window.controls.set_race_selection(["gd", "rmsprop"])
    click_map(qtbot, window, 1.0, 3.0)
    window.controller.step(4)
    before = [g.points.copy() for g in window.controller.groups]
    window.controller.step(1)
    back = window.findChild(QPushButton, "stepBackButton")
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    for group, points in zip(window.controller.groups, before, strict=True):
        np.testing.assert_array_equal(group.points, points)
        assert group.ticks == 4
    assert len(window.contour.layer.path(0)) == 5


def test_shift_click_adds_a_start(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    click_map(qtbot, window, 1.0, 1.0)
    click_map(qtbot, window, -1.0, 0.5, Qt.KeyboardModifier.ShiftModifier)
    points = np.concatenate([g.points for g in window.controller.groups])
    np.testing.assert_allclose(points, [[1, 1], [-1, 0.5]], atol=0.03)
    assert window.contour.run_count == 2 and len(window.loss.curves) == 2


def test_shift_click_while_playing_adds_a_run_and_keeps_the_others(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    click_map(qtbot, window, 1.0, 1.0)
    qtbot.mouseClick(window.findChild(QPushButton, "playButton"), Qt.MouseButton.LeftButton)
    first = window.controller.groups[0]
    qtbot.waitUntil(lambda: first.ticks >= 3, timeout=5000)
    ticks = first.ticks
    click_map(qtbot, window, -1.0, 0.5, Qt.KeyboardModifier.ShiftModifier)
    c = window.controller
    assert c.playing and c.groups[0] is first and first.ticks >= ticks  # not restarted
    added = c.groups[1]
    np.testing.assert_allclose(added.column("points")[0], [[-1, 0.5]], atol=0.03)
    qtbot.waitUntil(lambda: added.ticks >= 2, timeout=5000)  # the new run steps too
    assert window.contour.run_count == 2 and len(window.contour.layer.path(1)) >= 3
    assert first.ticks > added.ticks


def test_runs_are_capped_and_held_keys_repeat(qtbot, window):
    from gdviz.app.controller import MAX_RUNS
    from gdviz.core.optimizers import OPTIMIZERS

    window.controls.set_race_selection(list(OPTIMIZERS))
    for i in range(5):
        click_map(qtbot, window, 0.5 * i, 1.0, Qt.KeyboardModifier.ShiftModifier)
    assert sum(g.size for g in window.controller.groups) <= MAX_RUNS
    window.controls.set_race_selection([])
    click_map(qtbot, window, 1.0, 3.0)
    for _ in range(10):  # ten quick presses of → are ten steps, not a merged few
        qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.controller.groups[0].ticks == 10


def test_a_race_from_several_starts_has_a_row_and_a_colour_per_method(qtbot, window):
    window.controls.set_race_selection(["gd", "adam"])
    click_map(qtbot, window, 1.0, 3.0)
    click_map(qtbot, window, -1.0, 1.0, Qt.KeyboardModifier.ShiftModifier)
    legend, layer = window.contour.legend, window.contour.layer
    assert window.contour.run_count == 4
    assert legend.labels == ["Gradient descent η = 0.05, 2 starts", "Adam η = 0.12, 2 starts"]
    # the second start joined while the first ran: runs are gd, adam, gd, adam
    assert [g.settings.optimizer for g in window.controller.groups] == ["gd", "adam"] * 2
    pens = [curve.opts["pen"].color().name() for curve in window.loss.curves]
    assert pens[0] == pens[2] == legend.colours[0].name()
    assert pens[1] == pens[3] == legend.colours[1].name() != pens[0]
    row = window.contour.mapFromScene(legend.row_centre(1))
    qtbot.mouseClick(window.contour.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert [layer.is_visible(i) for i in range(4)] == [True, False, True, False]
    assert [curve.isVisible() for curve in window.loss.curves] == [True, False, True, False]
