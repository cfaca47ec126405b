"""The table of views and the lecture keys, through the real window.

Every view of the table toggles from its action and follows a step; every lecture key
triggers its action; looks, views and the dock layout survive a restart; an old lesson
opens with the default layout; nothing pushes the window past 1280×720.
"""

import html
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QDockWidget, QScrollArea, QWidget

from gdviz.app.views.registry import VIEWS
from gdviz.core.presets import PRESETS
from tests.gui.test_core_loop import wait_ready


def action(window, name: str) -> QAction:
    found = window.findChild(QAction, name)
    assert found is not None, name
    return found


@pytest.mark.parametrize("spec", VIEWS, ids=[spec.name for spec in VIEWS])
def test_each_view_toggles_from_its_action_and_follows_a_step(qtbot, window, spec):
    toggle = action(window, f"{spec.name}Action")
    if toggle.isChecked():
        toggle.trigger()  # a default view: hide it first
    assert not window.views.is_shown(spec.name)
    toggle.trigger()
    view = window.views.view(spec.name)
    assert view is not None and view.active
    if spec.area != "map":
        dock = window.findChild(QDockWidget, f"{spec.name}Dock")
        assert dock.isVisible() and dock.isAncestorOf(view)
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    assert toggle in view_menu.actions()
    window.controller.step()
    window.views.refresh_now()
    qtbot.wait(1)  # let queued redraws run
    toggle.trigger()
    assert not view.active and not window.views.is_shown(spec.name)
    if spec.area != "map":
        assert not window.findChild(QDockWidget, f"{spec.name}Dock").isVisible()


def test_every_view_has_a_toolbar_button_or_is_a_default_panel(window):
    toolbar = [a.objectName() for a in window.views.toolbar.actions()]
    for spec in VIEWS:
        assert (f"{spec.name}Action" in toolbar) == spec.toolbar


def test_with_every_view_shown_the_window_fits_1280_by_720(qtbot, window):
    for spec in VIEWS:
        window.views.set_shown(spec.name, True)
    window.resize(1280, 720)
    qtbot.wait(50)  # let the docks settle
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint


def test_at_a_lecture_text_size_the_window_still_fits_1280_by_720(qtbot, window):
    """The controls scroll inside their dock instead of widening the window off screen."""
    window.menus.set_text_size(20)
    window.resize(1280, 720)
    qtbot.wait(10)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
    play = window.controls.play_button
    assert window.findChild(QScrollArea, "controlsViewScroll").isAncestorOf(play)


def test_the_dark_theme_follows_the_text_size(qtbot, window):
    window.menus.set_theme("dark")
    window.menus.set_text_size(18)
    for widget in (window.function_edit, window.preset_combo, window.controls.play_button):
        assert widget.fontInfo().pointSize() == 18, widget.objectName()
    window.menus.set_theme("light")
    assert window.function_edit.fontInfo().pointSize() == 18


@pytest.mark.parametrize("size, points", [((1280, 720), 11), ((1920, 1080), 16)])
def test_the_maths_panel_shows_every_formula(qtbot, window, size, points):
    window.resize(*size)
    window.menus.set_text_size(points)
    maths = window.views.view("mathsView")
    qtbot.waitUntil(lambda: "∂f/∂y" in maths.label.text() and maths.height()
                    >= maths.layout().heightForWidth(maths.width()), timeout=10_000)


def key(qtbot, window, k, modifier=Qt.KeyboardModifier.NoModifier):
    window.contour.setFocus()
    qtbot.keyClick(window.contour, k, modifier)


def test_lecture_keys_trigger_their_actions(qtbot, window):
    c = window.controller
    key(qtbot, window, Qt.Key.Key_Right)
    assert c.groups[0].ticks == 1
    key(qtbot, window, Qt.Key.Key_Left)
    assert c.groups[0].ticks == 0
    key(qtbot, window, Qt.Key.Key_Space)
    assert c.playing
    key(qtbot, window, Qt.Key.Key_Space)
    assert not c.playing
    c.step(3)
    key(qtbot, window, Qt.Key.Key_R)
    assert c.groups[0].ticks == 0
    lr = window.controls.learning_rate_spin
    key(qtbot, window, Qt.Key.Key_BracketRight)
    assert lr.value() == pytest.approx(0.1) and c.settings.lr == pytest.approx(0.1)
    key(qtbot, window, Qt.Key.Key_BracketLeft)
    key(qtbot, window, Qt.Key.Key_BracketLeft)
    assert c.settings.lr == pytest.approx(0.025)
    key(qtbot, window, Qt.Key.Key_V)
    assert window.views.is_shown("fieldView")
    key(qtbot, window, Qt.Key.Key_V)
    assert not window.views.is_shown("fieldView")
    key(qtbot, window, Qt.Key.Key_2)
    wait_ready(qtbot, window, PRESETS[1].function)
    assert window.preset_combo.currentIndex() == 1
    assert window.function_edit.text() == PRESETS[1].function


def test_presentation_keys(qtbot, window):
    key(qtbot, window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.findChild(QDialog, "shortcutsDialog") is not None,
                    timeout=10_000)
    table = window.findChild(QDialog, "shortcutsDialog").findChild(QWidget, "shortcutsTable")
    for words in ("Play / pause", "Space", "F11", "Halve η", "−∇f field", "Undo"):
        assert words in table.text(), words
    window.findChild(QDialog, "shortcutsDialog").close()
    key(qtbot, window, Qt.Key.Key_P)  # plots only: the controls go, Esc brings them back
    assert not window.views.is_shown("controlsView") and not window.function_row.isVisible()
    assert window.contour.isVisible() and window.views.is_shown("lossView")
    key(qtbot, window, Qt.Key.Key_Escape)
    assert window.views.is_shown("controlsView") and window.function_row.isVisible()
    key(qtbot, window, Qt.Key.Key_F11)
    assert action(window, "fullScreenAction").isChecked()
    key(qtbot, window, Qt.Key.Key_Escape)
    assert not action(window, "fullScreenAction").isChecked()


def test_a_preset_picked_in_the_combo_shows_its_caption(qtbot, window):
    combo = window.findChild(QComboBox, "presetCombo")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # as a user does: activated, not just changed
    wait_ready(qtbot, window, PRESETS[1].function)
    assert html.escape(PRESETS[1].note) in window.caption_label.text()
    assert window.caption_label.isVisible()
    assert window.controls.learning_rate_spin.value() == PRESETS[1].lr


def test_looks_views_and_layout_survive_a_restart(qtbot, compiler):
    from gdviz.app import create_window

    first = create_window(compiler=compiler)
    qtbot.addWidget(first)
    first.show()
    first.views.set_shown("sectionsView", True)
    first.views.set_shown("fieldView", True)
    first.views.set_shown("statusView", False)
    first.menus.set_theme("dark")
    first.menus.set_colour_map("cividis")
    size = first.menus.text_size
    first.menus.change_text_size(2)
    dock = first.findChild(QDockWidget, "sectionsViewDock")
    first.removeDockWidget(dock)
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)  # moved by the user
    first.views.set_shown("sectionsView", True)
    first.close()
    first.menus.set_text_size(size)  # the app font is shared by both windows

    second = create_window(compiler=compiler)
    qtbot.addWidget(second)
    second.show()
    try:
        assert second.views.is_shown("sectionsView") and second.views.is_shown("fieldView")
        assert not second.views.is_shown("statusView")
        assert second.menus.theme == "dark" and second.context.colour_map == "cividis"
        assert second.menus.text_size == size + 2
        dock = second.findChild(QDockWidget, "sectionsViewDock")
        assert second.dockWidgetArea(dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    finally:
        second.menus.set_text_size(size)
        second.controller.shutdown()


def test_an_old_lesson_opens_with_the_default_layout(qtbot, window, tmp_path):
    window.views.set_shown("sectionsView", True)
    old = {"format_version": 1, "function": "x^2 + 3y^2",
           "view": {"xmin": -3, "xmax": 3, "ymin": -3, "ymax": 3}, "starts": [[1, 1]],
           "panels": {"maths": True, "status": False, "loss": True}, "theme": "light"}
    path = tmp_path / "old.gdviz"
    path.write_text(json.dumps(old), encoding="utf-8")
    assert window.files.open(str(path))
    wait_ready(qtbot, window, "x^2 + 3y^2")
    assert window.views.shown() == ("mathsView", "controlsView", "lossView")
    saved = window.lesson()
    assert saved.views == ("mathsView", "controlsView", "lossView") and saved.layout


def test_a_lesson_keeps_its_views_and_layout(qtbot, window, tmp_path):
    window.views.set_shown("taylorView", True)
    window.views.set_shown("wheelView", True)
    path = str(tmp_path / "views.gdviz")
    assert window.files.save(path)
    window.views.show_defaults()
    assert window.files.open(path)
    assert window.views.is_shown("taylorView") and window.views.is_shown("wheelView")
    assert window.views.view("wheelView").active


def test_colour_maps(window):
    action(window, "colourMap_cividis").trigger()
    assert window.contour.colour_map.name == "cividis"
    action(window, "colourMap_viridis").trigger()
    assert window.contour.colour_map.name == "viridis"
    assert QApplication.instance() is not None
