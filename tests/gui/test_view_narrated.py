"""The narrated step through the real window: stages, hand-computed numbers, map items."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLineEdit, QPushButton

from tests.gui.test_core_loop import type_function, wait_ready

BOWL = "x^2 + 3y^2"


def toggle(window):
    window.findChild(QAction, "narratedViewAction").trigger()


@pytest.fixture
def narrated(qtbot, window):
    """f = x² + 3y², GD with η = 0.1 from (1, 1), the narrated step shown."""
    type_function(qtbot, window, BOWL)
    wait_ready(qtbot, window, BOWL)
    window.controls.learning_rate_spin.setValue(0.1)
    window.controller.set_start(1.0, 1.0)
    toggle(window)
    view = window.views.view("narratedView")
    assert view is not None and view.active and window.views.is_shown("narratedView")
    return view


def captions(view):
    return [label.text() if label.isVisibleTo(view) else None for label in view.stage_labels]


def click_next(qtbot, view):
    button = view.findChild(QPushButton, "narratedNextButton")
    assert button is view.next_button and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_stages_carry_the_hand_computed_numbers(qtbot, window, narrated):
    view, group = narrated, window.controller.groups[0]
    assert group.settings.optimizer == "gd" and group.settings.lr == pytest.approx(0.1)
    # stage 1: ∇f = (2x, 6y) = (2, 6) at (1, 1)
    assert view.stage == 1
    first, second, third = captions(view)
    assert "x<sub>t</sub> = (1, 1)" in first and "∇f = (2, 6)" in first
    assert second is None and third is None
    click_next(qtbot, view)
    # stage 2: −η∇f = −0.1 · (2, 6) = (−0.2, −0.6)
    assert view.stage == 2
    second = captions(view)[1]
    assert "−η = −0.1" in second and "Δx = −η∇f = (−0.2, −0.6)" in second
    click_next(qtbot, view)
    # stage 3: x₁ = (0.8, 0.4); f = 0.64 + 0.48 = 1.12, down from 1 + 3 = 4
    assert view.stage == 3
    third = captions(view)[2]
    assert "= (0.8, 0.4)" in third and "f went from 4 to 1.12" in third
    assert view.snap.next_value == pytest.approx(1.12)
    assert group.ticks == 0  # nothing taken yet
    click_next(qtbot, view)
    # the step is taken and the story starts again at x₁
    assert group.ticks == 1 and view.stage == 1
    np.testing.assert_allclose(group.points[0], [0.8, 0.4])
    first = captions(view)[0]
    assert "x<sub>t</sub> = (0.8, 0.4)" in first and "∇f = (1.6, 2.4)" in first
    assert captions(view)[1:] == [None, None]
    assert len(window.contour.layer.path(0)) == 2  # the map drew the step too


def test_map_arrows_end_at_the_right_points(qtbot, window, narrated):
    view = narrated
    plot_items = window.contour.getPlotItem().items
    assert all(item in plot_items for item in view.map_items)
    # ∇f from (1, 1) along (2, 6), shortened to fit the view if need be
    scale = view.gradient_scale
    assert 0 < scale <= 1
    np.testing.assert_allclose(view.gradient_arrow.tip(), [1 + 2 * scale, 1 + 6 * scale])
    assert view.gradient_arrow.fill.isVisible() and not view.step_arrow.fill.isVisible()
    click_next(qtbot, view)
    assert view.step_arrow.fill.isVisible()
    np.testing.assert_allclose(view.step_arrow.tip(), [0.8, 0.4])
    click_next(qtbot, view)
    np.testing.assert_allclose(view.points.data["x"], [1.0, 0.8])
    np.testing.assert_allclose(view.points.data["y"], [1.0, 0.4])
    assert view.labels["new"].isVisible()


def test_the_key_advances_a_stage_and_follows_the_step_button(qtbot, window, narrated):
    view = narrated
    assert view.shortcut.isEnabled()
    assert view.shortcut.context() == Qt.ShortcutContext.WindowShortcut
    assert view.shortcut.key().toString() == "."
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10_000)
    qtbot.keyClick(window.contour, Qt.Key.Key_Period)
    assert view.stage == 2
    edit = window.findChild(QLineEdit, "functionEdit")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_Period)  # typing a number: the key is the box's
    assert view.stage == 2 and edit.text().endswith(".")
    edit.setText(BOWL)
    # a step taken elsewhere starts the narration again at the new point
    qtbot.mouseClick(window.findChild(QPushButton, "stepButton"), Qt.MouseButton.LeftButton)
    assert view.stage == 1 and view.snap.step == 1
    np.testing.assert_allclose(view.snap.point, [0.8, 0.4])
    delta = np.array([0.64, 0.16]) - [0.8, 0.4]  # the true step: −0.16, −0.24
    np.testing.assert_allclose(view.step_arrow.tip(), [0.8, 0.4] + view.step_scale * delta)


def test_other_methods_say_their_step_is_not_minus_eta_grad(qtbot, window, narrated):
    view = narrated
    window.controller.update_settings(optimizer="adam")
    group = window.controller.groups[0]
    assert group.settings.optimizer == "adam" and view.snap.optimizer == "adam"
    click_next(qtbot, view)
    second = captions(view)[1]
    assert "Adam" in second and "not simply −η∇f" in second
    proposed, _ = group.proposed_step()
    np.testing.assert_allclose(view.step_arrow.tip(),
                               [1, 1] + view.step_scale * (proposed[0] - [1, 1]))
    assert view.step_scale == 1 or "to be seen" in second
    click_next(qtbot, view)
    click_next(qtbot, view)
    np.testing.assert_allclose(group.points[0], proposed[0])


def test_toggling_off_removes_the_map_items(qtbot, window, narrated):
    view = narrated
    toggle(window)
    assert not view.active and not window.views.is_shown("narratedView")
    plot_items = window.contour.getPlotItem().items
    assert not any(item in plot_items for item in view.map_items)
    assert not view.shortcut.isEnabled()
    stage, snap = view.stage, view.snap
    window.controller.step()
    assert view.snap is snap and view.stage == stage  # no work while hidden
    view.next_stage()
    assert view.stage == stage
    toggle(window)  # back on: items return, the narration follows the step taken meanwhile
    assert all(item in window.contour.getPlotItem().items for item in view.map_items)
    assert view.snap.step == 1 and view.stage == 1


def test_a_tiny_gradient_and_step_are_drawn_long_enough_to_see(qtbot, window, narrated):
    view = narrated
    window.controller.set_start(0.01, 0.005)  # on the bowl: ∇f = (0.02, 0.03), step 0.1 of it
    qtbot.waitUntil(lambda: view.snap is not None and np.allclose(view.snap.point, [0.01, 0.005]))
    (x0, x1), (y0, y1) = window.contour.getPlotItem().getViewBox().viewRange()
    shortest = 0.05 * min(x1 - x0, y1 - y0)
    click_next(qtbot, view)  # the step's arrow too
    for arrow, vector, scale in ((view.gradient_arrow, view.snap.grad, view.gradient_scale),
                                 (view.step_arrow, view.snap.delta, view.step_scale)):
        drawn = np.hypot(*(arrow.tip() - view.snap.point))
        assert drawn >= shortest and scale > 1
        np.testing.assert_allclose(drawn, scale * np.hypot(*vector))
    first, second = captions(view)[:2]
    assert f"drawn {view.gradient_scale:.2g}× as long, to be seen" in first
    assert f"drawn {view.step_scale:.2g}× as long, to be seen" in second
