"""The contour map: f as a colour image with isolines, the runs' paths and their arrows."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QGraphicsItem

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.pixels import decimate_to_pixels
from gdviz.core.grid import Grid, ViewRange

ARROW_HEAD = 0.035  # arrow head length as a fraction of the view's width
GRADIENT_LENGTH = 0.12  # the ∇f arrow's length as a fraction of the view's width
GLYPH_SIZE = 0.04  # the adaptive-η ellipse's larger radius, as a fraction of view width
MARKER_LIMIT = 150  # paths longer than this are drawn without point markers


def arrow_lines(tails: np.ndarray, tips: np.ndarray, head: float) -> np.ndarray:
    """Shaft and head segments of arrows from ``tails`` to ``tips``, NaN-separated."""
    pieces = []
    for tail, tip in zip(tails, tips, strict=True):
        d = tip - tail
        length = float(np.hypot(*d))
        if not np.isfinite(length) or length == 0:
            continue
        u = d / length
        h = min(head, 0.6 * length)
        normal = np.array([-u[1], u[0]])
        left = tip - h * u + 0.5 * h * normal
        right = tip - h * u - 0.5 * h * normal
        pieces.append(np.array([tail, tip, left, tip, right, [np.nan, np.nan]]))
    return np.concatenate(pieces) if pieces else np.empty((0, 2))


class RunFrame(NamedTuple):
    """What the map shows of one run at one moment."""

    path: np.ndarray  # points visited, (steps + 1, 2)
    grad: np.ndarray  # ∇f at the current point
    next_point: np.ndarray  # where the next step will land
    running: bool
    momentum: np.ndarray | None = None  # displacement carried by the velocity, −η·v
    adaptive: np.ndarray | None = None  # per-axis effective learning rate ÷ η


def ellipse(centre: np.ndarray, radii: np.ndarray, segments: int = 32) -> np.ndarray:
    """A closed axis-aligned ellipse as a polyline."""
    angle = np.linspace(0, 2 * np.pi, segments + 1)
    return centre + np.column_stack([radii[0] * np.cos(angle), radii[1] * np.sin(angle)])


class RunItems:
    """The graphics of one run: path, start marker and its explaining arrows."""

    def __init__(self, plot: pg.PlotItem, colour: str, label: str) -> None:
        pen = pg.mkPen(colour, width=2.5)
        self.visibility_changed = None  # called with the path's visibility (legend clicks)
        self.path = pg.PlotDataItem(
            pen=pen, symbol="o", symbolSize=6, symbolBrush=colour, symbolPen=None,
            name=label, shadowPen=pg.mkPen((0, 0, 0, 160), width=4.5),
        )
        self.start = pg.ScatterPlotItem(
            size=13, symbol="s", brush=pg.mkBrush(colour), pen=pg.mkPen("k", width=1.5)
        )
        self.step_arrow = pg.PlotCurveItem(pen=pg.mkPen(colour, width=3), connect="finite")
        self.momentum_arrow = pg.PlotCurveItem(
            pen=pg.mkPen(colour, width=2.5, style=Qt.PenStyle.DashLine), connect="finite")
        self.adaptive_glyph = pg.PlotCurveItem(pen=pg.mkPen(colour, width=2))
        self.items = (self.path, self.start, self.step_arrow, self.momentum_arrow,
                      self.adaptive_glyph)
        for item in self.items:
            item.setZValue(20)
            plot.addItem(item, ignoreBounds=True)  # the view never rescales to a path
        self.path.visibleChanged.connect(self._follow_path)
        self._drawn: dict[str, object] = {}  # what each item shows, to skip redundant work

    def set_lines(self, name: str, lines: np.ndarray, key: object = None) -> None:
        """Give item ``name`` new lines unless it already shows them (``key`` identifies)."""
        key = (len(lines), key) if key is not None else (len(lines), lines.tobytes())
        if self._drawn.get(name) != key:
            self._drawn[name] = key
            getattr(self, name).setData(*lines.T)

    def reuse(self, label: str, start: tuple[float, float]) -> None:
        """Show a new run with these items (made once: creating them is slow)."""
        self.path.opts["name"] = label
        self._drawn.pop("path", None)  # the path is drawn by the next update_runs
        for name in ("step_arrow", "momentum_arrow", "adaptive_glyph"):
            self.set_lines(name, np.empty((0, 2)))
        if self._drawn.get("start") != start:
            self._drawn["start"] = start
            self.start.setData([start[0]], [start[1]])
        for item in self.items:
            if not item.isVisible():
                item.setVisible(True)

    def retire(self) -> None:
        """Hide the items until a later run needs them."""
        for item in self.items:
            item.setVisible(False)

    def _follow_path(self) -> None:
        """Hiding a run (legend click) hides its marker and arrows too."""
        visible = self.path.isVisible()
        for item in self.items[1:]:
            item.setVisible(visible)
        if self.visibility_changed is not None:
            self.visibility_changed(visible)


class ContourView(pg.PlotWidget):
    """Shows f over the current view; clicks choose start points."""

    sigClicked = Signal(float, float, bool)  # x, y, shift held
    sigHovered = Signal(float, float)  # cursor position in data coordinates
    sigViewChanged = Signal(object)  # ViewRange after zoom or pan settles
    sigRunVisibility = Signal(int, bool)  # a run was hidden or shown (legend click)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("contourPlot")
        self.setAccessibleName("Contour map of f")
        plot = self.getPlotItem()
        plot.setLabel("bottom", "x")
        plot.setLabel("left", "y")
        plot.setAspectLocked(True)
        plot.showGrid(False, False)
        plot.setMenuEnabled(False)
        self.legend = plot.addLegend(offset=(8, 8), labelTextSize="11pt", brush=(0, 0, 0, 150),
                                     labelTextColor="w")
        self.image = pg.ImageItem()
        self.image.setZValue(0)
        plot.addItem(self.image)
        self.colour_map = pg.colormap.get(style.COLOUR_MAP)
        self.image.setColorMap(self.colour_map)
        self.colour_bar = plot.addColorBar(self.image, colorMap=self.colour_map,
                                           values=(0, 1), interactive=False, width=18)
        self.isolines = pg.PlotCurveItem(pen=pg.mkPen(style.ISOLINE_COLOUR, width=1),
                                         connect="finite")
        self.isolines.setZValue(5)
        plot.addItem(self.isolines)
        self.gradient_arrows = pg.PlotCurveItem(
            pen=pg.mkPen(style.GRADIENT_COLOUR, width=3), connect="finite")
        self.gradient_arrows.setZValue(25)
        plot.addItem(self.gradient_arrows, ignoreBounds=True)
        font_css = "font-size: 12pt; font-weight: bold;"
        self.gradient_label = pg.TextItem(html=f'<span style="{font_css}">∇f</span>',
                                          color="w", anchor=(0, 1), fill=(0, 0, 0, 140))
        self.step_label = pg.TextItem(html=f'<span style="{font_css}">next step</span>',
                                      color="w", anchor=(1, 0), fill=(0, 0, 0, 140))
        for label in (self.gradient_label, self.step_label):
            label.setZValue(30)
            plot.addItem(label)
            label.hide()
        # What does not change from frame to frame is drawn once and kept as a pixmap.
        # The image caches in its own pixels (400²): a window resize only rescales it.
        self.image.setCacheMode(QGraphicsItem.CacheMode.ItemCoordinateCache)
        cached = [self.isolines, self.colour_bar,
                  *(axis["item"] for axis in plot.axes.values())]
        for item in cached:
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.runs: list[RunItems] = []  # the runs shown: the first items of the pool
        self._pool: list[RunItems] = []
        self._legend_labels: list[str] = []
        self.show_gradient = True
        self.show_step = True
        self.show_momentum = True
        self.show_adaptive = True
        self._grid: Grid | None = None
        self._view_timer = QTimer(self, singleShot=True, interval=200)
        self._view_timer.timeout.connect(self._emit_view)
        plot.getViewBox().sigRangeChanged.connect(lambda *_: self._view_timer.start())
        self.scene().sigMouseClicked.connect(self._on_click)
        self.scene().sigMouseMoved.connect(self._on_move)

    # -- input -------------------------------------------------------------------------
    def _on_click(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double() or event.isAccepted():
            return  # an item (the legend) took the click
        box = self.getPlotItem().getViewBox()
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        point = box.mapSceneToView(event.scenePos())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        event.accept()
        self.sigClicked.emit(point.x(), point.y(), shift)

    def _on_move(self, scene_pos) -> None:
        box = self.getPlotItem().getViewBox()
        if box.sceneBoundingRect().contains(scene_pos):
            point = box.mapSceneToView(scene_pos)
            self.sigHovered.emit(point.x(), point.y())

    def _emit_view(self) -> None:
        (x0, x1), (y0, y1) = self.getPlotItem().getViewBox().viewRange()
        self.sigViewChanged.emit(ViewRange(x0, x1, y0, y1))

    def data_to_viewport(self, x: float, y: float):
        """Viewport pixel of data point (x, y) (for tests and automation)."""
        scene = self.getPlotItem().getViewBox().mapViewToScene(pg.Point(x, y))
        return self.mapFromScene(scene)

    # -- drawing ---------------------------------------------------------------------
    @guarded("the contour map")
    def show_grid(self, grid: Grid, reset_range: bool) -> None:
        """Draw f's image, isolines and colour bar; optionally frame the grid's view."""
        self._grid = grid
        view = grid.view
        self.image.setImage(grid.image, levels=(grid.lo, grid.hi), autoLevels=False)
        self.image.setRect(QRectF(view.xmin, view.ymin, view.xmax - view.xmin,
                                  view.ymax - view.ymin))
        self.colour_bar.setLevels((grid.lo, grid.hi))
        ticks = grid.colour_ticks()
        self.colour_bar.axis.setTicks(None if ticks is None else [ticks])
        self.colour_bar.setToolTip("f on a logarithmic colour scale" if ticks else "f")
        self.isolines.setData(*grid.isolines)
        if reset_range:
            self.getPlotItem().getViewBox().setRange(
                xRange=(view.xmin, view.xmax), yRange=(view.ymin, view.ymax), padding=0)

    def set_runs(self, labels: list[str], starts: list[tuple[float, float]]) -> None:
        """Show one run per label, coloured in order (items are reused, not remade)."""
        plot = self.getPlotItem()
        while len(self._pool) < len(labels):
            index = len(self._pool)
            run = RunItems(plot, style.run_colour(index), labels[index])
            run.visibility_changed = lambda on, i=index: self.sigRunVisibility.emit(i, on)
            self._pool.append(run)
        for run, label, start in zip(self._pool, labels, starts, strict=False):
            run.reuse(label, start)
        if labels != self._legend_labels:  # rebuilding the legend is slow: only on change
            self.legend.clear()
            for run, label in zip(self._pool, labels, strict=False):
                self.legend.addItem(run.path, label)
            self._legend_labels = list(labels)
        for run in self._pool[len(labels):]:
            run.retire()
        self.runs = self._pool[: len(labels)]
        self.gradient_arrows.setData([], [])
        for label in (self.gradient_label, self.step_label):
            label.hide()

    @guarded("the contour map")
    def update_runs(self, frames: list[RunFrame]) -> None:
        """Redraw paths and, for running runs, the arrows that explain the next step."""
        width = self._view_width()
        head = ARROW_HEAD * width
        pixel = self.getPlotItem().getViewBox().viewPixelSize()
        gradient_lines, gradient_tips, step_tips = [], [], []
        for run, frame in zip(self.runs, frames, strict=True):
            self._set_path(run, frame.path, pixel)
            here = frame.path[-1:]
            show = frame.running and run.path.isVisible()
            norm = float(np.hypot(*frame.grad))
            if show and self.show_gradient and np.isfinite(norm) and norm > 0:
                tip = here + GRADIENT_LENGTH * width * frame.grad / norm
                gradient_lines.append(arrow_lines(here, tip, head))
                gradient_tips.append(tip[0])
            step = arrow_lines(here, frame.next_point[None], head) if show and self.show_step \
                else np.empty((0, 2))
            run.set_lines("step_arrow", step)
            if len(step):
                step_tips.append(frame.next_point)
            momentum = frame.momentum
            lines = (arrow_lines(here, here + momentum[None], head)
                     if show and self.show_momentum and momentum is not None
                     else np.empty((0, 2)))
            run.set_lines("momentum_arrow", lines)
            glyph = np.empty((0, 2))
            ratio = frame.adaptive
            if show and self.show_adaptive and ratio is not None and np.isfinite(ratio).all() \
                    and ratio.max() > 0:
                glyph = ellipse(here[0], GLYPH_SIZE * width * ratio / ratio.max())
            run.set_lines("adaptive_glyph", glyph)
        lines = np.concatenate(gradient_lines) if gradient_lines else np.empty((0, 2))
        self.gradient_arrows.setData(*lines.T)
        self._place(self.gradient_label, np.array(gradient_tips))
        self._place(self.step_label, np.array(step_tips))

    @staticmethod
    def _set_path(run: RunItems, path: np.ndarray, pixel: tuple[float, float]) -> None:
        key = (len(path), tuple(path[-1]), pixel)
        if run._drawn.get("path") == key:
            return  # a stopped run: nothing new to draw
        run._drawn["path"] = key
        # Markers cost far more than lines: long paths are drawn as lines only.
        run.path.setSymbol("o" if len(path) <= MARKER_LIMIT else None)
        drawn = decimate_to_pixels(path, pixel)
        run.path.setData(drawn[:, 0], drawn[:, 1])

    def _place(self, label: pg.TextItem, tips: np.ndarray) -> None:
        if len(tips) == 1 and np.isfinite(tips[0]).all():
            label.setPos(float(tips[0, 0]), float(tips[0, 1]))
            label.show()
        else:
            label.hide()  # with several runs, labels would clutter: the legend explains

    def _view_width(self) -> float:
        (x0, x1), _ = self.getPlotItem().getViewBox().viewRange()
        return float(x1 - x0)
