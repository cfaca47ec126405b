"""The 3D surface: f as a mountain with the runs' paths on it, rotating with the mouse.

OpenGL is not everywhere: a ``GLViewWidget`` on Qt's offscreen platform takes the whole
process down. So nothing of pyqtgraph.opengl is imported or built until the view is first
shown *and* :func:`gl_unavailable_reason` finds OpenGL usable; otherwise the panel says why.

The scene is normalised: x and y map to [-1, 1] over the view's larger side, and heights
are what the 2D map colours (f, or log10(f - c) for steep functions), clipped to the
grid's colour limits and scaled to [0, HEIGHT], so every function makes a readable hill.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gdviz.app import style
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.core.grid import Grid

MESH_SIZE = 100  # the surface mesh has at most MESH_SIZE² vertices (the grid is 400²)
HEIGHT = 1.0  # the surface's height in scene units (x and y span 2)
LIFT = 0.015  # paths float this far above the surface, so the mesh never hides them
NO_GL_PLATFORMS = ("offscreen", "minimal")  # QPA platforms without OpenGL windows
BACKGROUNDS = {"light": "#ffffff", "dark": "#1e1e1e"}
RIMS = {"light": (0.1, 0.1, 0.1, 1.0), "dark": (1.0, 1.0, 1.0, 1.0)}  # marker outlines
ISOLINE_RGBA = (1.0, 1.0, 1.0, 0.45)
NO_POINTS = np.zeros((0, 3), dtype=np.float32)
MARKER_PX = 13  # the current point's disc, in pixels (plus a 2 px rim)
GHOST_ALPHA = 0.35  # opacity of the parts of a path that the surface hides
CAMERA_DISTANCE = 3.4
LIGHT = (-1.0, -2.0, 2.0)  # towards the light, from the camera's side
SHADE = 0.35  # how much darker a slope facing away from the light gets


def gl_unavailable_reason() -> str | None:
    """Why a 3D view cannot be built here (None: OpenGL works).

    Checked in order: a Qt application, its platform, the OpenGL modules, then a real context made
    current on an offscreen surface (no GLViewWidget is built to find out).
    """
    if QGuiApplication.instance() is None:
        return "3D needs OpenGL: no Qt application is running yet"
    platform = QGuiApplication.platformName()
    if platform in NO_GL_PLATFORMS:
        return f"3D needs OpenGL: not available on the {platform!r} platform"
    try:
        import OpenGL

        # PyOpenGL checks glGetError after every call: a third of a frame's time with
        # eight paths; the view works on state it sets itself, so the checks go.
        OpenGL.ERROR_CHECKING = False
        import OpenGL.GL  # noqa: F401
        import pyqtgraph.opengl  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - ImportError, or PyOpenGL finding no library
        return f"3D needs OpenGL: PyOpenGL or pyqtgraph.opengl could not be loaded ({exc})"
    from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

    context = QOpenGLContext()
    if not context.create():
        return "3D needs OpenGL: no OpenGL context could be created on this display"
    surface = QOffscreenSurface()
    surface.setFormat(context.format())
    surface.create()
    try:
        if not surface.isValid() or not context.makeCurrent(surface):
            return "3D needs OpenGL: the OpenGL context could not be made current"
        context.doneCurrent()
    finally:
        surface.destroy()
    return None


def forget_shader_programs() -> None:
    """Drop pyqtgraph's shader programs, cached per class, made in some earlier context."""
    from pyqtgraph.opengl import shaders
    from pyqtgraph.opengl.items.GLLinePlotItem import GLLinePlotItem
    from pyqtgraph.opengl.items.GLScatterPlotItem import GLScatterPlotItem

    for cls in (GLLinePlotItem, GLScatterPlotItem):
        cls._shaderProgram = None
    for program in shaders.ShaderProgram.names.values():
        program.prog = None


def make_gl_widget(parent: QWidget, on_new_context: Callable[[bool], None]) -> Any:
    """A GLViewWidget that survives a new GL context (a dock floated or re-docked).

    Qt then calls ``initializeGL`` again; pyqtgraph's cached programs would belong to the
    old context, so they are dropped first, then ``on_new_context(first)`` rebuilds items.
    """
    import pyqtgraph.opengl as gl

    class SurfaceGLWidget(gl.GLViewWidget):
        contexts = 0

        def initializeGL(self) -> None:
            forget_shader_programs()
            super().initializeGL()
            self.contexts += 1
            on_new_context(self.contexts == 1)

    return SurfaceGLWidget(parent)


def sample_indices(count: int, size: int = MESH_SIZE) -> np.ndarray:
    """At most ``size`` evenly spaced indices into ``count`` samples, ends included."""
    return np.unique(np.linspace(0, count - 1, min(count, size)).round().astype(int))


class SceneScale:
    """Maps data (x, y, f) of one grid into the normalised scene."""

    def __init__(self, grid: Grid) -> None:
        view = grid.view
        self.cx, self.cy = (view.xmin + view.xmax) / 2, (view.ymin + view.ymax) / 2
        self.half = max(view.xmax - view.xmin, view.ymax - view.ymin) / 2 or 1.0
        self.lo, self.hi = grid.lo, grid.hi
        self.log_offset = grid.log_offset

    def xy(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scene x, y of data x, y."""
        return (np.asarray(x) - self.cx) / self.half, (np.asarray(y) - self.cy) / self.half

    def colour_units(self, f: np.ndarray) -> np.ndarray:
        """f as the colour map sees it (log10(f - c) for a log colour scale)."""
        f = np.asarray(f, dtype=float)
        if self.log_offset is None:
            return f
        with np.errstate(all="ignore"):
            return np.log10(np.maximum(f - self.log_offset, 1e-300))

    def height(self, f: np.ndarray) -> np.ndarray:
        """Scene z of values f: colour units clipped to [lo, hi], scaled to [0, HEIGHT]."""
        return self.height_of_colour(self.colour_units(f))

    def height_of_colour(self, c: np.ndarray) -> np.ndarray:
        """Scene z of values already in colour units (NaN stays NaN)."""
        return (np.clip(c, self.lo, self.hi) - self.lo) / (self.hi - self.lo) * HEIGHT

    def points(self, path: np.ndarray, f: np.ndarray, lift: float = LIFT) -> np.ndarray:
        """Scene points (N, 3) of a path and f along it, non-finite ones dropped."""
        x, y = self.xy(path[:, 0], path[:, 1])
        pos = np.column_stack([x, y, self.height(f) + lift])
        return pos[np.isfinite(pos).all(axis=1)].astype(np.float32)


def shading(z: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> np.ndarray:
    """A mild light factor in [1 - SHADE, 1] per vertex, so slopes read as slopes.

    Kept gentle: the colours must still match the map's colour bar.
    """
    if min(z.shape) < 2:
        return np.ones(z.shape)
    dzdx, dzdy = np.gradient(z, sx, sy)
    normal = np.stack([-dzdx, -dzdy, np.ones_like(z)], axis=-1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    light = np.array(LIGHT) / np.linalg.norm(LIGHT)
    return 1 - SHADE + SHADE * np.clip(normal @ light, 0, 1)


def isoline_segments(grid: Grid, scale: SceneScale, idx_x: np.ndarray, idx_y: np.ndarray,
                     z: np.ndarray) -> np.ndarray:
    """The map's isolines lying on the mesh, as pairs of scene points (mode 'lines')."""
    xs, ys = grid.isolines
    if len(xs) < 2:
        return NO_POINTS
    gx, gy = grid.xs[idx_x], grid.ys[idx_y]
    # Bilinear height of the mesh under each isoline point (z is indexed [col, row]).
    fx = np.interp(xs, gx, np.arange(len(gx)))
    fy = np.interp(ys, gy, np.arange(len(gy)))
    ok = np.isfinite(fx) & np.isfinite(fy)
    i0 = np.clip(np.floor(np.where(ok, fx, 0)).astype(int), 0, max(len(gx) - 2, 0))
    j0 = np.clip(np.floor(np.where(ok, fy, 0)).astype(int), 0, max(len(gy) - 2, 0))
    i1, j1 = np.minimum(i0 + 1, len(gx) - 1), np.minimum(j0 + 1, len(gy) - 1)
    tx, ty = np.where(ok, fx, 0) - i0, np.where(ok, fy, 0) - j0
    h = ((1 - tx) * (1 - ty) * z[i0, j0] + tx * (1 - ty) * z[i1, j0]
         + (1 - tx) * ty * z[i0, j1] + tx * ty * z[i1, j1])
    sx, sy = scale.xy(xs, ys)
    pos = np.column_stack([sx, sy, np.where(ok, h, np.nan) + LIFT / 2])
    good = np.isfinite(pos).all(axis=1)
    pairs = np.flatnonzero(good[:-1] & good[1:])
    return np.stack([pos[pairs], pos[pairs + 1]], axis=1).reshape(-1, 3).astype(np.float32)


class SurfaceView(PanelView):
    """f as a surface in the map's colours, with every run's path and current point."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.setObjectName("surface3dPanel")
        self.setMinimumSize(160, 120)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel("The 3D surface is drawn when this panel is shown.", self)
        self.label.setObjectName("surface3dMessage")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.reason: str | None = None  # why there is no 3D view, once checked
        self.gl: Any = None  # the GLViewWidget, built on first activation where GL works
        self.surface: Any = None
        self.isolines: Any = None
        self.markers: Any = None
        self.lines: list[Any] = []  # one path per run, hidden where the surface is in front
        self.ghosts: list[Any] = []  # the same paths, faint, drawn over the surface
        self.marker_rims: Any = None
        self._on_top: dict[Any, Any] = {}
        self._rim = RIMS["light"]
        self.scale: SceneScale | None = None
        self.mesh_shape: tuple[int, int] = (0, 0)
        self._colours: list[tuple[float, float, float, float]] = []
        self._hidden: set[int] = set()
        self._grid_dirty = True
        self._runs_dirty = True
        self.colour_map = pg.colormap.get(style.COLOUR_MAP)
        c = context.controller
        c.sigGridChanged.connect(self._on_grid)
        c.sigRunsReset.connect(self._on_runs_reset)
        context.sigRefresh.connect(self._on_refresh)
        context.sigTheme.connect(self.apply_theme)
        contour = context.contour
        if contour is not None and hasattr(contour, "sigRunVisibility"):
            contour.sigRunVisibility.connect(self._on_run_visibility)

    # -- activation ----------------------------------------------------------------------
    def set_active(self, on: bool) -> None:
        """Build the GL scene on first activation (where OpenGL works), then follow."""
        if on and self.gl is None and self.reason is None:
            self._build()
        super().set_active(on)

    def _build(self) -> None:
        self.reason = gl_unavailable_reason()
        if self.reason is None:
            try:
                self._build_scene()
            except Exception as exc:  # noqa: BLE001 - the app goes on without 3D
                self.gl = None
                self.reason = f"3D needs OpenGL: the 3D view could not be built ({exc})"
        if self.reason is not None:
            self.label.setText(self.reason)
            self.label.setToolTip(self.reason)

    def _build_scene(self) -> None:
        view = make_gl_widget(self, self._on_new_context)
        view.setObjectName("surface3dGL")
        view.setAccessibleName("3D surface of f with the runs")
        view.setToolTip("Drag to rotate, wheel to zoom, middle-drag (or Ctrl-drag) to pan")
        view.setCameraPosition(distance=CAMERA_DISTANCE, elevation=35, azimuth=-60)
        view.opts["center"] = pg.Vector(0, 0, 0.55 * HEIGHT)
        self.gl = view
        self._make_items()
        self.layout().removeWidget(self.label)
        self.label.hide()
        self.layout().addWidget(view)
        self.apply_theme(self.context.theme)

    def _make_items(self) -> None:
        """(Re)create the scene's fixed items; paths follow in ``_rebuild_runs``."""
        import pyqtgraph.opengl as gl
        from OpenGL import GL

        for item in list(self.gl.items):
            self.gl.removeItem(item)
        self.lines, self.ghosts = [], []
        # Drawn over everything, so what the hill hides still shows (faintly for paths).
        self._on_top = {GL.GL_DEPTH_TEST: False, GL.GL_BLEND: True, GL.GL_CULL_FACE: False,
                        "glBlendFuncSeparate": (GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA,
                                                GL.GL_ONE, GL.GL_ONE_MINUS_SRC_ALPHA)}
        self.surface = gl.GLSurfacePlotItem(computeNormals=False, smooth=False,
                                            glOptions="opaque")
        self.isolines = gl.GLLinePlotItem(mode="lines", color=ISOLINE_RGBA, width=1.0,
                                          antialias=True, glOptions="translucent")
        self.isolines.setDepthValue(1)
        self.marker_rims = gl.GLScatterPlotItem(pos=NO_POINTS, size=MARKER_PX + 4,
                                                pxMode=True, glOptions=self._on_top)
        self.markers = gl.GLScatterPlotItem(pos=NO_POINTS, size=MARKER_PX, pxMode=True,
                                            glOptions=self._on_top)
        self.marker_rims.setDepthValue(10)
        self.markers.setDepthValue(11)
        self.marker_rims.setData(color=self._rim)
        for item in (self.surface, self.isolines, self.marker_rims, self.markers):
            self.gl.addItem(item)
        self.surface.hide()  # until a grid arrives
        self._grid_dirty = self._runs_dirty = True

    def _on_new_context(self, first: bool) -> None:
        """A floated or re-docked panel gets a new GL context: rebuild what lived in the old."""
        if not first:
            self._make_items()
            if self.active:
                self.refresh()

    def refresh(self) -> None:
        """Catch up with whatever changed while inactive, then redraw the paths."""
        if self.gl is None:
            return
        if self._grid_dirty:
            self._rebuild_surface()
        if self._runs_dirty:
            self._rebuild_runs()
        self._update_paths()

    # -- signals -------------------------------------------------------------------------
    def _on_grid(self, _grid: Grid) -> None:
        self._grid_dirty = True
        self._runs_dirty = True  # heights of the paths depend on the grid's scaling
        if self.active:
            self.refresh()

    def _on_runs_reset(self) -> None:
        self._runs_dirty = True
        self._hidden.clear()
        if self.active:
            self.refresh()

    def _on_refresh(self) -> None:
        if self.active and self.gl is not None:
            self._update_paths()

    def _on_run_visibility(self, index: int, visible: bool) -> None:
        (self._hidden.discard if visible else self._hidden.add)(index)
        for items in (self.lines, self.ghosts):
            if index < len(items):
                items[index].setVisible(visible)
        if self.active and self.gl is not None:
            self._update_paths()

    def apply_theme(self, name: str) -> None:
        """Dark or light background ("dark" / "light")."""
        self._rim = RIMS.get(name, RIMS["light"])
        if self.gl is not None:
            self.marker_rims.setData(color=self._rim)
            self.gl.setBackgroundColor(QColor(BACKGROUNDS.get(name, BACKGROUNDS["light"])))

    # -- drawing -------------------------------------------------------------------------
    def _rebuild_surface(self) -> None:
        grid = self.controller.grid
        self._grid_dirty = False
        if grid is None or not grid.defined:
            self.surface.hide()
            self.isolines.setData(pos=NO_POINTS)
            self.scale = None
            return
        self.scale = scale = SceneScale(grid)
        idx_x, idx_y = sample_indices(len(grid.xs)), sample_indices(len(grid.ys))
        colour = grid.image[np.ix_(idx_y, idx_x)].T  # GL wants z[x index, y index]
        z = scale.height_of_colour(colour)
        missing = ~np.isfinite(z)
        rgba = self.colour_map.map(np.nan_to_num((z / HEIGHT).ravel(), nan=0.0), mode="float")
        rgba = np.asarray(rgba, dtype=np.float32).reshape(*z.shape, 4)
        sx, sy = scale.xy(grid.xs[idx_x], grid.ys[idx_y])
        rgba[..., :3] *= shading(np.where(missing, 0.0, z), sx, sy)[..., None]
        rgba[missing] = (0.5, 0.5, 0.5, 0.0)  # where f is undefined: a see-through floor
        surface_z = np.where(missing, 0.0, z).astype(np.float32)
        self.surface.setGLOptions("translucent" if missing.any() else "opaque")
        self.surface.setData(x=sx.astype(np.float32), y=sy.astype(np.float32), z=surface_z,
                             colors=rgba.reshape(-1, 4))
        self.surface.show()
        self.mesh_shape = surface_z.shape
        self.isolines.setData(pos=isoline_segments(grid, scale, idx_x, idx_y, z))

    def _rebuild_runs(self) -> None:
        import pyqtgraph.opengl as gl

        self._runs_dirty = False
        for line in self.lines + self.ghosts:
            self.gl.removeItem(line)
        groups = self.controller.groups
        self._colours = [pg.mkColor(c).getRgbF() for c in style.run_colours(groups)]
        self.lines, self.ghosts = [], []
        for index, rgba in enumerate(self._colours):
            line = gl.GLLinePlotItem(pos=NO_POINTS, color=rgba, width=3.0, antialias=True,
                                     mode="line_strip", glOptions="translucent")
            ghost = gl.GLLinePlotItem(pos=NO_POINTS, color=(*rgba[:3], GHOST_ALPHA),
                                      width=2.0, antialias=True, mode="line_strip",
                                      glOptions=self._on_top)
            line.setDepthValue(5)
            ghost.setDepthValue(6)
            for item, items in ((line, self.lines), (ghost, self.ghosts)):
                item.setVisible(index not in self._hidden)
                self.gl.addItem(item)
                items.append(item)

    def _update_paths(self) -> None:
        """Every run's path and current point, from the controller (one frame's work)."""
        scale = self.scale
        heads, colours = [], []
        index = 0
        for group in self.controller.groups:
            for row in range(group.size):
                if index >= len(self.lines):
                    break
                pos = NO_POINTS if scale is None else scale.points(group.path(row),
                                                                   group.losses(row))
                self.lines[index].setData(pos=pos)
                self.ghosts[index].setData(pos=pos)
                if len(pos) and index not in self._hidden:
                    heads.append(pos[-1])
                    colours.append(self._colours[index])
                index += 1
        if heads:
            pos = np.array(heads, dtype=np.float32)
            self.markers.setData(pos=pos, color=np.array(colours, dtype=np.float32))
            self.marker_rims.setData(pos=pos, color=self._rim)
        else:
            self.markers.setData(pos=NO_POINTS)
            self.marker_rims.setData(pos=NO_POINTS)
