"""The 3D surface under a real OpenGL context (Xvfb + Mesa llvmpipe): shape, paths, pixels."""

import numpy as np
import pytest
from PySide6.QtGui import QImage

from gdviz.app import style
from gdviz.app.views.surface3d import HEIGHT, MESH_SIZE, gl_unavailable_reason, sample_indices

# How long to wait for a frame before calling it a hang. A wait ends as soon as the frame
# is there: software OpenGL on a busy machine may take seconds, and that is not a failure.
GL_WAIT_MS = 30_000


def frame(view) -> np.ndarray:
    """The GL widget's rendered frame as an (H, W, 3) uint8 array."""
    image = view.gl.grabFramebuffer().convertToFormat(QImage.Format.Format_RGB888)
    assert image.format() == QImage.Format.Format_RGB888
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes()).copy()
    return data.reshape(height, stride)[:, : 3 * width].reshape(height, width, 3)


def expected_point(view, group, row) -> np.ndarray:
    """The run's current point mapped into the scene by hand (no clipping at the minimum)."""
    grid, (x, y), f = view.controller.grid, group.path(row)[-1], group.losses(row)[-1]
    v = grid.view
    half = max(v.xmax - v.xmin, v.ymax - v.ymin) / 2
    c = f if grid.log_offset is None else np.log10(f - grid.log_offset)
    z = (np.clip(c, grid.lo, grid.hi) - grid.lo) / (grid.hi - grid.lo) * HEIGHT
    return np.array([(x - (v.xmin + v.xmax) / 2) / half, (y - (v.ymin + v.ymax) / 2) / half, z])


def test_opengl_is_found_usable(qapp):
    assert gl_unavailable_reason() is None


def test_surface_is_the_downsampled_grid(surface):
    grid = surface.controller.grid
    shape = (len(sample_indices(len(grid.xs))), len(sample_indices(len(grid.ys))))
    assert shape == (MESH_SIZE, MESH_SIZE)
    assert surface.mesh_shape == shape
    z = surface.surface._z
    assert z.shape == shape and np.isfinite(z).all()
    assert z.min() >= 0 and z.max() == pytest.approx(HEIGHT)
    colours = surface.surface._meshdata.vertexColors()
    assert colours.shape == (shape[0] * shape[1], 4) and np.isfinite(colours).all()
    assert len(surface.isolines.pos) > 100  # the map's isolines, on the surface


def test_paths_follow_a_step(qtbot, surface):
    c = surface.controller
    runs = sum(g.size for g in c.groups)
    assert len(surface.lines) == runs == len(style.run_colours(c.groups))
    colours = [tuple(np.round(line.color, 3)) for line in surface.lines]
    assert colours[0] == tuple(np.round(style_rgba(style.run_colour(0)), 3))
    before = surface.lines[0].pos[-1].copy()
    c.step(5)
    surface.context.sigRefresh.emit()
    group = c.groups[0]
    assert len(surface.lines[0].pos) == len(group.path(0)) == 6
    last = surface.lines[0].pos[-1]
    assert not np.allclose(last, before)
    np.testing.assert_allclose(last[:2], expected_point(surface, group, 0)[:2], atol=1e-6)
    assert last[2] >= expected_point(surface, group, 0)[2]  # lifted slightly above
    assert len(surface.markers.pos) == runs
    np.testing.assert_allclose(surface.markers.pos[0], last)


def style_rgba(colour: str) -> tuple:
    import pyqtgraph as pg

    return pg.mkColor(colour).getRgbF()


def test_inactive_view_does_no_work(surface):
    c = surface.controller
    surface.set_active(False)
    length = len(surface.lines[0].pos)
    c.step(3)
    surface.context.sigRefresh.emit()
    assert len(surface.lines[0].pos) == length  # nothing drawn while nobody looks
    surface.set_active(True)
    assert len(surface.lines[0].pos) == length + 3


def test_frame_is_not_blank_and_shows_the_runs(qtbot, surface):
    surface.controller.step(30)
    surface.context.sigRefresh.emit()
    pixels = frame(surface)
    assert pixels.shape[:2] == (surface.gl.height() * surface.gl.devicePixelRatio(),
                                surface.gl.width() * surface.gl.devicePixelRatio())
    background = np.all(pixels == 255, axis=-1)
    assert background.mean() < 0.9  # the surface covers a good part of the panel
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 100  # a colour map, not a fill
    orange = np.array([0xE6, 0x9F, 0x00])  # the first run's colour
    assert (np.abs(pixels.astype(int) - orange).sum(axis=-1) < 40).sum() > 20


def test_dark_theme_darkens_the_background(qtbot, surface):
    surface.context.sigTheme.emit("dark")
    corner = frame(surface)[2, 2]
    assert corner.max() < 60
    surface.context.sigTheme.emit("light")
    assert frame(surface)[2, 2].min() > 200


def test_new_function_rebuilds_and_undefined_parts_stay_finite(qtbot, surface):
    c = surface.controller
    with qtbot.waitSignal(c.sigGridChanged, timeout=15_000):
        c.set_function("log(x) + y^2")  # undefined for x <= 0: NaN on half the grid
    z = surface.surface._z
    assert np.isfinite(z).all() and z.shape == surface.mesh_shape
    alpha = surface.surface._meshdata.vertexColors()[:, 3]
    assert (alpha == 0).any() and (alpha == 1).any()  # see-through where f is undefined
    assert len(np.unique(frame(surface).reshape(-1, 3), axis=0)) > 50


def test_view_change_rescales_the_scene(qtbot, surface):
    from gdviz.core.grid import ViewRange

    c = surface.controller
    with qtbot.waitSignal(c.sigGridChanged, timeout=15_000):
        c.set_view(ViewRange(-10, 10, -10, 10))
    assert surface.scale.half == pytest.approx(10)
    c.step()
    surface.context.sigRefresh.emit()
    group = c.groups[0]
    np.testing.assert_allclose(surface.lines[0].pos[-1][:2],
                               expected_point(surface, group, 0)[:2], atol=1e-6)


def test_through_the_window_toggle(qtbot, window):
    views = getattr(window, "views", None)
    if views is None or "surface3dView" not in getattr(views, "specs", {}):
        pytest.skip("the window has no view manager with the 3D view yet")
    views.set_shown("surface3dView", True)
    view = views.view("surface3dView")
    assert view is not None and view.active and view.gl is not None, view.reason
    qtbot.waitExposed(view.gl)
    window.controller.step(4)
    qtbot.waitUntil(lambda: len(view.lines[0].pos) == len(window.controller.groups[0].path(0)),
                    timeout=GL_WAIT_MS)
    views.set_shown("surface3dView", False)
    assert not view.active


def test_floating_the_dock_keeps_drawing(qtbot, window):
    views = getattr(window, "views", None)
    if views is None or "surface3dView" not in getattr(views, "docks", {}):
        pytest.skip("the window has no view manager with the 3D view yet")
    views.set_shown("surface3dView", True)
    view = views.view("surface3dView")
    qtbot.waitExposed(view.gl)
    assert len(np.unique(frame(view).reshape(-1, 3), axis=0)) > 100
    dock = views.docks["surface3dView"]
    frames_at = []  # the widget's width at each frame it swapped to its window
    view.gl.frameSwapped.connect(lambda: frames_at.append(view.gl.width()))
    dock.setFloating(True)  # a new top-level window (and, on some platforms, a new context)
    dock.resize(500, 400)
    qtbot.waitUntil(lambda: any(width > 300 for width in frames_at), timeout=GL_WAIT_MS)
    with qtbot.waitSignal(view.gl.frameSwapped, timeout=GL_WAIT_MS):  # a frame with 3 steps
        window.controller.step(3)
        view.context.sigRefresh.emit()
    assert len(np.unique(frame(view).reshape(-1, 3), axis=0)) > 100
