"""The runs on the map: arrows that explain each step, and paths kept as pixels."""

import numpy as np
import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox

from gdviz.app import style
from gdviz.app.views.pixels import clip_lines, clip_segments, to_device, unique_segments
from gdviz.app.views.runs_layer import drop_same_pixel
from tests.gui.test_core_loop import click_map, type_function, wait_ready

BOWL = "x^2 + 3y^2"


def start_bowl(qtbot, window, optimizer="gd", lr=0.25):
    type_function(qtbot, window, BOWL)
    wait_ready(qtbot, window, BOWL)
    window.controls.set_race_selection([])
    window.controller.update_settings(optimizer=optimizer, lr=lr)
    click_map(qtbot, window, 2.0, 0.0)
    return window.controller.groups[0]


def shaft(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tail and tip of an arrow drawn as shaft, head, NaN."""
    return lines[0], lines[1]


def test_step_and_gradient_arrows_explain_the_next_step(qtbot, window):
    group = start_bowl(qtbot, window)
    window.controller.step()
    layer = window.contour.layer
    here = group.points[0]
    tail, tip = shaft(layer.arrows("step")[0])
    np.testing.assert_allclose(tail, here)
    np.testing.assert_allclose(tip, here - 0.25 * np.array([2 * here[0], 6 * here[1]]))
    tail, tip = shaft(layer.arrows("gradient")[0])
    direction = (tip - tail) / np.hypot(*(tip - tail))
    grad = np.array([2 * here[0], 6 * here[1]])
    np.testing.assert_allclose(direction, grad / np.hypot(*grad), atol=1e-9)
    assert len(layer.arrows("momentum")[0]) == 0 and len(layer.arrows("adaptive")[0]) == 0


@pytest.mark.parametrize(("check", "kind"), [("showGradientCheck", "gradient"),
                                             ("showStepCheck", "step")])
def test_each_arrow_can_be_switched_off(qtbot, window, check, kind):
    start_bowl(qtbot, window)
    window.controller.step()
    assert len(window.contour.layer.arrows(kind)[0])
    window.findChild(QCheckBox, check).click()
    assert len(window.contour.layer.arrows(kind)[0]) == 0
    window.findChild(QCheckBox, check).click()
    assert len(window.contour.layer.arrows(kind)[0])


def test_momentum_shows_velocity_and_adam_its_per_axis_rate(qtbot, window):
    group = start_bowl(qtbot, window, "momentum", lr=0.05)
    start = group.points[0].copy()
    window.controller.step(2)

    def grad(p):
        return np.array([2 * p[0], 6 * p[1]])

    # torch SGD, momentum 0.9: b₁ = g₀, x₁ = x₀ − η b₁; b₂ = 0.9 b₁ + g₁, x₂ = x₁ − η b₂;
    # the arrow shows the velocity the next step will carry: −η (0.9 b₂ + g₂).
    b1 = grad(start)
    x1 = start - 0.05 * b1
    b2 = 0.9 * b1 + grad(x1)
    x2 = x1 - 0.05 * b2
    tail, tip = shaft(window.contour.layer.arrows("momentum")[0])
    np.testing.assert_allclose(tail, x2)
    np.testing.assert_allclose(tip - tail, -0.05 * (0.9 * b2 + grad(x2)))
    window.controller.update_settings(optimizer="adam")
    click_map(qtbot, window, 2.0, 1.0)
    window.controller.step(2)
    glyph = window.contour.layer.arrows("adaptive")[0]
    assert len(glyph) > 10  # an ellipse around the current point
    centre = (glyph.min(0) + glyph.max(0)) / 2
    np.testing.assert_allclose(centre, window.controller.groups[0].points[0], atol=1e-9)


def pixel_colour(window, x, y) -> QColor:
    image = window.contour.grab().toImage()
    point = window.contour.data_to_viewport(x, y)
    ratio = image.devicePixelRatio()
    return image.pixelColor(round(point.x() * ratio), round(point.y() * ratio))


def near(colour: QColor, target: str) -> bool:
    other = QColor(target)
    return max(abs(colour.red() - other.red()), abs(colour.green() - other.green()),
               abs(colour.blue() - other.blue())) < 40


def test_paths_grow_on_screen_and_step_back_erases(qtbot, window):
    start_bowl(qtbot, window, lr=0.3)  # x: 2 → 0.8 → 0.32 along y = 0
    window.findChild(QCheckBox, "showStepCheck").click()  # only the path on y = 0
    window.findChild(QCheckBox, "showGradientCheck").click()
    colour = style.run_colour(0)
    assert not near(pixel_colour(window, 1.4, 0.0), colour)
    window.controller.step()
    assert near(pixel_colour(window, 1.4, 0.0), colour)
    window.controller.step()  # drawn on top of the kept pixels
    assert near(pixel_colour(window, 1.4, 0.0), colour)
    assert near(pixel_colour(window, 0.55, 0.0), colour)
    window.controller.step_back()
    assert near(pixel_colour(window, 1.4, 0.0), colour)
    assert not near(pixel_colour(window, 0.55, 0.0), colour)


def test_hidden_run_leaves_the_map(qtbot, window):
    start_bowl(qtbot, window, lr=0.3)
    window.findChild(QCheckBox, "showStepCheck").click()
    window.findChild(QCheckBox, "showGradientCheck").click()
    window.controller.step()
    assert near(pixel_colour(window, 1.4, 0.0), style.run_colour(0))
    window.contour.legend.set_visible(0, False)  # what a legend click does
    assert not near(pixel_colour(window, 1.4, 0.0), style.run_colour(0))


def test_zoom_redraws_the_kept_path(qtbot, window):
    start_bowl(qtbot, window, lr=0.3)
    window.findChild(QCheckBox, "showStepCheck").click()
    window.findChild(QCheckBox, "showGradientCheck").click()
    window.controller.step()
    box = window.contour.getPlotItem().getViewBox()
    box.setRange(xRange=(0, 3), yRange=(-1, 1), padding=0)
    assert near(pixel_colour(window, 1.4, 0.0), style.run_colour(0))
    assert not near(pixel_colour(window, 1.4, 0.5), style.run_colour(0))


def test_one_point_per_pixel_moved():
    points = np.array([[0.1, 0.1], [0.5, 0.9], [1.2, 0.5], [1.3, 0.6], [5.0, 5.0], [5.1, 5.1]])
    np.testing.assert_array_equal(drop_same_pixel(points), points[[0, 2, 4, 5]])
    np.testing.assert_array_equal(drop_same_pixel(points[1:], before=points[0]),
                                  points[[2, 4, 5]])


def test_far_off_segments_are_clipped_keeping_their_direction():
    points = np.array([[0.0, 0.0], [1e300, 1e300], [np.nan, 0.0], [1.0, 2.0], [3.0, 4.0]])
    segments = clip_segments(points, 100.0)
    np.testing.assert_allclose(segments, [[0, 0, 100, 100], [1, 2, 3, 4]])


def test_data_to_device_is_the_affine_map():
    affine = (2.0, 0.0, 0.0, -3.0, 10.0, 20.0)  # QTransform m11 m12 m21 m22 dx dy
    np.testing.assert_allclose(to_device(np.array([[1.0, 1.0]]), affine), [[12.0, 17.0]])


def test_retraced_segments_are_drawn_once():
    zigzag = np.array([[0.2, 0.2], [50.5, 80.5], [0.4, 0.3], [50.1, 80.9], [0.3, 0.1]] * 100)
    segments = unique_segments(zigzag)
    assert len(segments) == 2  # there and back are one segment; the joins are another
    np.testing.assert_array_equal(segments[0], [0.2, 0.2, 50.5, 80.5])


def test_clipping_keeps_independent_segments_apart():
    lines = np.array([[0.0, 0.0, 1e9, 0.0], [500.0, 500.0, 600.0, 600.0],
                      [5e3, 5e3, 6e3, 6e3]])
    np.testing.assert_allclose(clip_lines(lines, 1e3), [[0, 0, 1e3, 0], [500, 500, 600, 600]])


def test_arrow_strokes_split_at_nan_rows_and_clip_far_points():
    from gdviz.app.views.runs_layer import line_strokes

    nan = [np.nan, np.nan]
    points = np.array([[0, 0], [5, 5], nan, [1, 1], nan, [2, 2], [3e6, 2], [4, 4]], float)
    strokes = line_strokes(points)
    assert len(strokes) == 2  # a lone point between NaN rows draws nothing
    first = pg_points(strokes[0])
    np.testing.assert_array_equal(first, [[0, 0], [5, 5]])
    assert isinstance(strokes[1], list)  # clipped lines, each within the limit
    assert all(abs(line.x2()) <= 1e5 and abs(line.x1()) <= 1e5 for line in strokes[1])


def pg_points(polygon):
    return np.array([[p.x(), p.y()] for p in polygon])


def test_a_tiny_step_still_gets_an_arrow_that_can_be_seen(qtbot, window):
    from gdviz.app.views.contour import MIN_STEP_LENGTH

    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    window.controller.set_start(0.001, 0.001)  # the step is ~1e-4 long: a dot at true size
    qtbot.waitUntil(lambda: len(window.contour.layer.arrows("step")) == 1
                    and len(window.contour.layer.arrows("step")[0]) > 0)
    shaft = window.contour.layer.arrows("step")[0][:2]
    (x0, x1), _ = window.contour.getPlotItem().getViewBox().viewRange()
    length = np.hypot(*(shaft[1] - shaft[0]))
    np.testing.assert_allclose(length, MIN_STEP_LENGTH * (x1 - x0), rtol=1e-6)
    group = window.controller.groups[0]
    direction = group.proposed_step()[0][0] - [0.001, 0.001]
    np.testing.assert_allclose((shaft[1] - shaft[0]) / length, direction / np.hypot(*direction))
