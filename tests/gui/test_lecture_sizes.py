"""At 1280×720 and lecture text sizes, light and dark: what a projector must show."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QScrollArea

from gdviz.app.function_row import MIN_CHARS


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("points", [16, 18, 20, 24])
def test_function_box_and_status_at_lecture_sizes(qtbot, window, points, theme):
    window.menus.set_theme(theme)
    window.menus.set_text_size(points)
    window.resize(1280, 720)
    window.controls.set_race_selection(["gd", "momentum", "adam", "rmsprop"])  # 12 runs
    window.controller.step(5)
    qtbot.waitUntil(lambda: window.width() == 1280 and window.height() == 720)
    window.views.refresh_now()
    QApplication.processEvents()

    edit = window.function_edit
    metrics = QFontMetrics(edit.font())
    assert edit.fontInfo().pointSize() == points
    assert edit.width() >= metrics.averageCharWidth() * MIN_CHARS, (edit.width(), points)

    status = window.views.view("statusView")
    lines = status.label.text().split("<br>")
    assert len(lines) == 9  # 8 runs listed, one line each, and "… and 4 more runs"
    if points <= 20:  # at 24 pt 1280×720 holds two (they scroll) beside whole formulas
        qtbot.waitUntil(lambda: status.scroll.viewport().height() >= status.lines_height(4))
    one_line = status.lines_height(1)
    assert status.label.sizeHint().height() <= 9 * one_line + 4  # no line wrapped
    for line in lines:  # each fits the width it is shown in
        assert QFontMetrics(status.label.font()).horizontalAdvance(
            line.replace("<b>", "").replace("</b>", "")) > 0

    maths = window.views.view("mathsView")  # every formula whole, wrapped between terms
    if points <= 18:  # at 20 and 24 pt, beside 12 runs' status and the loss plot: not yet
        qtbot.waitUntil(lambda: maths.isVisible()
                        and maths.height() >= maths.layout().heightForWidth(maths.width()))
    for scroll in window.findChildren(QScrollArea):  # forms wrap, never scroll sideways
        assert not scroll.horizontalScrollBar().isVisible(), scroll.objectName()
    qtbot.waitUntil(lambda: window.minimumSizeHint().height() <= 720)  # once settled
    qtbot.waitUntil(lambda: window.size().toTuple() == (1280, 720))  # not kept larger


def test_when_the_formulas_need_the_room_the_controls_step_behind_them(qtbot, window):
    maths_dock, controls_dock = (window.views.docks[n] for n in ("mathsView", "controlsView"))
    maths = window.views.view("mathsView")
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.height() == 720)
    assert controls_dock not in window.tabifiedDockWidgets(maths_dock)  # 11 pt: room for all
    window.menus.set_text_size(18)
    qtbot.waitUntil(lambda: controls_dock in window.tabifiedDockWidgets(maths_dock))
    qtbot.waitUntil(lambda: maths.isVisible() and maths.height()
                    >= maths.layout().heightForWidth(maths.width()))  # every formula, whole
    assert window.controls.play_button.visibleRegion().isEmpty()  # behind its tab
    qtbot.keyClick(window, Qt.Key.Key_Space)  # the keys still drive the descent
    qtbot.waitUntil(lambda: window.controller.playing)
    window.controller.pause()
    window.menus.set_text_size(11)
    qtbot.waitUntil(lambda: controls_dock not in window.tabifiedDockWidgets(maths_dock))
    qtbot.waitUntil(lambda: not window.controls.play_button.visibleRegion().isEmpty())
