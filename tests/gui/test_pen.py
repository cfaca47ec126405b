"""The lecturer's pen: D toggles it, a drag draws on the map, Shift-drag draws any time,
C clears; drawing never touches runs, starts, the view or the undo history."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QImage

from gdviz.app.views.annotation import PEN_COLOUR
from tests.gui.test_core_loop import click_map, type_function, wait_ready

LEFT = Qt.MouseButton.LeftButton
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier
CIRCLE = [(1.0 + 0.8 * np.cos(a), 2.0 + 0.8 * np.sin(a)) for a in np.linspace(0, 6, 25)]


def drag(qtbot, window, points, modifier=NONE):
    """Press, move through ``points`` (data coordinates) and release, like a hand would."""
    view = window.contour
    viewport = view.viewport()
    pixels = [view.data_to_viewport(x, y) for x, y in points]
    qtbot.mousePress(viewport, LEFT, modifier, pixels[0])
    for pixel in pixels[1:]:
        qtbot.mouseMove(viewport, pixel)
    qtbot.mouseRelease(viewport, LEFT, modifier, pixels[-1])


def settled(qtbot, window):
    qtbot.waitUntil(lambda: not window.contour._view_timer.isActive(), timeout=10_000)


def scene_state(window):
    """Everything drawing must leave alone."""
    c = window.controller
    history = window.menus.undo.history
    return (list(c.starts), [g.column("points").copy() for g in c.groups],
            len(history.scenes), history.index,
            np.array(window.contour.getPlotItem().getViewBox().viewRange()))


def assert_unchanged(before, after):
    assert after[0] == before[0]  # no start added or moved
    assert len(after[1]) == len(before[1])
    for old, new in zip(before[1], after[1], strict=True):
        np.testing.assert_array_equal(old, new)
    assert after[2:4] == before[2:4]  # nothing recorded for undo
    np.testing.assert_allclose(after[4], before[4], rtol=0, atol=1e-9)  # no pan, no zoom


def pixel_tolerance(window, pixels=2.0):
    (x0, x1), _ = window.contour.getPlotItem().getViewBox().viewRange()
    return pixels * (x1 - x0) / window.contour.getPlotItem().getViewBox().width()


def test_d_turns_the_pen_on_and_a_drag_draws_without_touching_the_runs(qtbot, window):
    settled(qtbot, window)
    pen = window.findChild(QAction, "penAction")
    before = scene_state(window)
    qtbot.keyClick(window, Qt.Key.Key_D)
    assert pen.isChecked() and window.contour.pen_on
    assert window.contour.viewport().cursor().shape() == Qt.CursorShape.CrossCursor
    drag(qtbot, window, CIRCLE)
    strokes = window.contour.annotation.strokes
    assert len(strokes) == 1 and len(strokes[0]) == len(CIRCLE)
    np.testing.assert_allclose(strokes[0], CIRCLE, atol=pixel_tolerance(window))
    click_map(qtbot, window, 0.0, 0.0)  # a tap with the pen is a dot, not a start
    assert len(window.contour.annotation.strokes) == 2
    # grabbing a start marker with the pen draws there instead of moving it (the one at
    # the foot: the legend, whose rows stay clickable, may cover the top-left one)
    assert window.contour.start_at(window.contour.data_to_viewport(3.0, -0.5)) >= 0
    drag(qtbot, window, [(3.0, -0.5), (2.5, 0.0), (2.0, 0.5)])
    assert len(window.contour.annotation.strokes) == 3
    settled(qtbot, window)
    assert_unchanged(before, scene_state(window))
    qtbot.keyClick(window, Qt.Key.Key_D)
    assert not pen.isChecked()
    assert window.contour.viewport().cursor().shape() != Qt.CursorShape.CrossCursor
    click_map(qtbot, window, 1.0, 1.0)  # pen away: a click sets the start again
    qtbot.waitUntil(lambda: len(window.controller.starts) == 1
                    and np.allclose(window.controller.starts, [(1.0, 1.0)], atol=0.05),
                    timeout=10_000)
    assert len(window.contour.annotation.strokes) == 3


def test_shift_drag_draws_with_the_pen_off_and_shift_click_still_adds_a_start(qtbot, window):
    settled(qtbot, window)
    assert not window.contour.pen_on
    before = scene_state(window)
    drag(qtbot, window, CIRCLE, SHIFT)
    strokes = window.contour.annotation.strokes
    assert len(strokes) == 1
    np.testing.assert_allclose(strokes[0], CIRCLE, atol=pixel_tolerance(window))
    settled(qtbot, window)
    assert_unchanged(before, scene_state(window))
    assert window.contour.viewport().cursor().shape() != Qt.CursorShape.CrossCursor
    starts = len(window.controller.starts)
    click_map(qtbot, window, 1.5, 1.0, SHIFT)
    qtbot.waitUntil(lambda: len(window.controller.starts) == starts + 1, timeout=10_000)
    np.testing.assert_allclose(window.controller.starts[-1], (1.5, 1.0), atol=0.05)
    assert len(window.contour.annotation.strokes) == 1


def test_a_plain_drag_still_pans_with_the_pen_off(qtbot, window):
    settled(qtbot, window)
    before = np.array(window.contour.getPlotItem().getViewBox().viewRange())
    drag(qtbot, window, [(1.0, 1.0), (1.3, 1.2), (1.6, 1.4), (2.0, 1.5)])
    after = np.array(window.contour.getPlotItem().getViewBox().viewRange())
    assert not np.allclose(before, after)
    assert window.contour.annotation.strokes == []


def test_drawing_while_playing_does_not_stop_the_runs(qtbot, window):
    c = window.controller
    c.set_speed(30)  # slow enough that the runs go on for a while
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: c.playing and c.groups[0].ticks > 0, timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_D)
    drag(qtbot, window, CIRCLE)
    assert c.playing
    ticks = c.groups[0].ticks
    qtbot.waitUntil(lambda: c.groups[0].ticks > ticks, timeout=10_000)
    assert len(window.contour.annotation.strokes) == 1


def test_c_clears_and_strokes_stay_until_another_function_or_preset(qtbot, window):
    annotation = window.contour.annotation
    drag(qtbot, window, CIRCLE, SHIFT)
    drag(qtbot, window, CIRCLE[:5], SHIFT)
    assert len(annotation.strokes) == 2
    qtbot.keyClick(window, Qt.Key.Key_C)
    assert annotation.strokes == []
    drag(qtbot, window, CIRCLE, SHIFT)
    qtbot.keyClick(window, Qt.Key.Key_R)  # runs restart: the drawing stays
    box = window.contour.getPlotItem().getViewBox()
    box.setRange(xRange=(-3, 5), yRange=(-2, 6), padding=0)  # pan and zoom: it stays
    assert len(annotation.strokes) == 1
    np.testing.assert_allclose(annotation.strokes[0], CIRCLE, atol=0.05)  # in data coordinates
    window.menus.undo.undo()  # undo of a start or view keeps it too (same function)
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    assert annotation.strokes == []  # a new function: its features are elsewhere
    drag(qtbot, window, CIRCLE, SHIFT)
    qtbot.keyClick(window, Qt.Key.Key_2)  # a preset
    qtbot.waitUntil(lambda: annotation.strokes == [], timeout=10_000)


def pen_pixels(path) -> int:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1, 4)
    b, g, r = (raw[..., i].astype(int) for i in range(3))
    colour = tuple(int(PEN_COLOUR[i:i + 2], 16) for i in (1, 3, 5))
    near = (abs(r - colour[0]) < 30) & (abs(g - colour[1]) < 30) & (abs(b - colour[2]) < 30)
    return int(near.sum())


def test_the_exported_map_includes_the_drawing(qtbot, window, tmp_path):
    window.files.export_plot("map", str(tmp_path / "before.png"))
    assert pen_pixels(tmp_path / "before.png") == 0
    qtbot.keyClick(window, Qt.Key.Key_D)
    drag(qtbot, window, CIRCLE)
    window.files.export_plot("map", str(tmp_path / "after.png"))
    assert pen_pixels(tmp_path / "after.png") > 500  # a 4 px line around a circle, at 2×
