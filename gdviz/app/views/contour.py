"""The contour map: f as a colour image with isolines, the runs' paths and their arrows."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QGraphicsItem

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.annotation import AnnotationLayer
from gdviz.app.views.legend import RunLegend
from gdviz.app.views.runs_layer import ARROW_KINDS, RunFrame, RunsLayer
from gdviz.core.grid import Grid, ViewRange

ARROW_HEAD = 0.035  # arrow head length as a fraction of the view's width
GRADIENT_LENGTH = 0.12  # the ∇f arrow's length as a fraction of the view's width
GLYPH_SIZE = 0.04  # the adaptive-η ellipse's larger radius, as a fraction of view width
NO_LINES = np.empty((0, 2))
MIN_STEP_LENGTH = 0.04  # a shorter step's arrow is drawn this fraction of the view long
MIN_GRADIENT = 1e-12  # below this ‖∇f‖ the arrow's direction is rounding noise: not drawn


def visible_scale(vector: np.ndarray, shortest: float) -> float:
    """1, or the factor that draws ``vector`` ``shortest`` long when it is shorter."""
    length = float(np.hypot(*vector))
    if not np.isfinite(length) or length == 0 or length >= shortest:
        return 1.0
    return shortest / length


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
    return np.concatenate(pieces) if pieces else NO_LINES


def ellipse(centre: np.ndarray, radii: np.ndarray, segments: int = 32) -> np.ndarray:
    """A closed axis-aligned ellipse as a polyline."""
    angle = np.linspace(0, 2 * np.pi, segments + 1)
    return centre + np.column_stack([radii[0] * np.cos(angle), radii[1] * np.sin(angle)])


class ContourView(pg.PlotWidget):
    """Shows f over the current view; clicks choose start points."""

    sigClicked = Signal(float, float, bool)  # x, y, shift held
    sigHovered = Signal(float, float)  # cursor position in data coordinates
    sigViewChanged = Signal(object)  # ViewRange after zoom or pan settles
    sigRunVisibility = Signal(int, bool)  # a run was hidden or shown (legend click)
    sigStartDragged = Signal(int, float, float)  # run whose start is dragged, x, y
    sigStartDropped = Signal(int, float, float)  # the drag ended there

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
        plot.layout.setContentsMargins(2, 10, 4, 2)  # room for the top and right tick labels
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
        self.layer = RunsLayer()  # every run's path, start and arrows
        self.layer.setZValue(20)
        plot.addItem(self.layer, ignoreBounds=True)  # the view never rescales to a path
        self.legend = RunLegend()
        self.legend.setParentItem(plot.getViewBox())  # fixed in the corner, not in data
        self.legend.setPos(8, 8)
        self.legend.setZValue(40)
        self.legend.sigToggled.connect(self._on_legend_toggle)
        self._row_runs: list[list[int]] = []  # the runs each legend row stands for
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
        self.show_gradient = True
        self.show_step = True
        self.show_momentum = True
        self.show_adaptive = True
        self.arrows_lent = False  # a view (narrated step) draws ∇f and the step itself
        self._grid: Grid | None = None
        self._view_timer = QTimer(self, singleShot=True, interval=200)
        self._view_timer.timeout.connect(self._emit_view)
        plot.getViewBox().sigRangeChanged.connect(lambda *_: self._view_timer.start())
        self.scene().sigMouseClicked.connect(self._on_click)
        self.scene().sigMouseMoved.connect(self._on_move)
        self._dragging = -1  # run whose start point is being dragged
        self.preview = pg.PlotCurveItem(pen=pg.mkPen("w", width=2.5, style=Qt.PenStyle.DashLine))
        self.preview.setZValue(25)
        plot.addItem(self.preview, ignoreBounds=True)
        self.annotation = AnnotationLayer()  # the lecturer's pen, above runs and labels
        self.annotation.setZValue(35)
        plot.addItem(self.annotation, ignoreBounds=True)
        self.pen_on = False  # left drags draw (else only Shift-drags do)
        self._pen_press = None  # viewport position of the press a stroke comes from

    # -- input -------------------------------------------------------------------------
    def start_at(self, pos, radius: float = 12.0) -> int:
        """The run whose start marker is within ``radius`` pixels of viewport ``pos``."""
        starts = self.layer.starts
        box = self.getPlotItem().getViewBox()
        best, best_distance = -1, radius
        for index, (x, y) in enumerate(starts):
            if not self.layer.is_visible(index):
                continue
            marker = self.mapFromScene(box.mapViewToScene(pg.Point(float(x), float(y))))
            distance = float(np.hypot(marker.x() - pos.x(), marker.y() - pos.y()))
            if distance <= best_distance:
                best, best_distance = index, distance
        return best

    def _view_point(self, pos) -> tuple[float, float]:
        scene = self.mapToScene(pos.toPoint())  # QGraphicsView maps QPoint, not QPointF
        point = self.getPlotItem().getViewBox().mapSceneToView(scene)
        return float(point.x()), float(point.y())

    # -- the pen: with it on, a left drag draws; with it off, a Shift-drag does (a Shift-
    # click that does not move still adds a start). Nothing else sees those presses.
    def set_pen(self, on: bool) -> None:
        self.pen_on = on
        self._pen_cursor(on)

    def _pen_cursor(self, on: bool) -> None:
        if on:
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.viewport().unsetCursor()

    def _pen_takes(self, event) -> bool:
        shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        if event.button() != Qt.MouseButton.LeftButton or not (self.pen_on or shift):
            return False
        scene = self.mapToScene(event.position().toPoint())
        return (self.getPlotItem().getViewBox().sceneBoundingRect().contains(scene)
                and not self.legend.sceneBoundingRect().contains(scene))  # rows stay clickable

    def _pen_move(self, pos) -> None:
        if not self.annotation.drawing:
            moved = pos - self._pen_press
            if not self.pen_on and moved.manhattanLength() < QApplication.startDragDistance():
                return  # not yet a Shift-drag: maybe a Shift-click
            self.annotation.begin(*self._view_point(self._pen_press))
            self._pen_cursor(True)
        self.annotation.extend(*self._view_point(pos))

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.pen_on and self._pen_takes(event):
            self.mousePressEvent(event)  # a quick second tap draws too
            return
        super().mouseDoubleClickEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._pen_takes(event):
            self._pen_press = event.position()
            if self.pen_on:
                self._pen_move(event.position())  # a tap leaves a dot
            event.accept()
            return
        plain = event.modifiers() == Qt.KeyboardModifier.NoModifier
        if event.button() == Qt.MouseButton.LeftButton and plain:
            run = self.start_at(event.position())
            if run >= 0:
                self._dragging = run  # a start point is grabbed: no pan, no click
                event.accept()
                return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._pen_press is not None:
            self._pen_move(event.position())
            event.accept()
            return
        if self._dragging >= 0:
            self.sigStartDragged.emit(self._dragging, *self._view_point(event.position()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._pen_press is not None and event.button() == Qt.MouseButton.LeftButton:
            if self.annotation.drawing or self.pen_on:
                self._pen_move(event.position())
                self.annotation.end()
            else:  # a Shift-click after all: add a start, as ever
                self.sigClicked.emit(*self._view_point(self._pen_press), True)
            self._pen_press = None
            self._pen_cursor(self.pen_on)
            event.accept()
            return
        if self._dragging >= 0 and event.button() == Qt.MouseButton.LeftButton:
            run, self._dragging = self._dragging, -1
            self.preview.setData([], [])
            self.sigStartDropped.emit(run, *self._view_point(event.position()))
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def show_preview(self, path: np.ndarray, colour: str) -> None:
        """Draw the path a dragged start would take (dashed, in its run's colour)."""
        self.preview.setPen(pg.mkPen(colour, width=2.5, style=Qt.PenStyle.DashLine))
        self.preview.setData(path[:, 0], path[:, 1]) if len(path) else self.preview.setData(
            [], [])

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
        if self.getPlotItem() is None:
            return  # the window is closing: its plot is gone already
        (x0, x1), (y0, y1) = self.getPlotItem().getViewBox().viewRange()
        self.sigViewChanged.emit(ViewRange(x0, x1, y0, y1))

    def lend_arrows(self, on: bool) -> None:
        """Leave the runs' arrows and their labels to a view that explains them itself."""
        self.arrows_lent = on
        if on:
            for label in (self.gradient_label, self.step_label):
                label.hide()

    def set_colour_map(self, name: str) -> None:
        """Colour f with another pyqtgraph colour map (viridis, cividis)."""
        self.colour_map = pg.colormap.get(name)
        self.image.setColorMap(self.colour_map)
        self.colour_bar.setColorMap(self.colour_map)

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

    def set_runs(self, starts: list[tuple[float, float]], colours: list[str],
                 rows: list[tuple[str, list[int]]]) -> None:
        """Show one run per start, in these colours; legend rows (label, runs they show)."""
        self.layer.set_runs(colours, starts)
        self._row_runs = [runs for _, runs in rows]
        self.legend.set_rows([label for label, _ in rows],
                             [colours[runs[0]] for _, runs in rows])
        for label in (self.gradient_label, self.step_label):
            label.hide()

    @property
    def run_count(self) -> int:
        return self.layer.run_count

    def _on_legend_toggle(self, row: int, visible: bool) -> None:
        for index in self._row_runs[row]:
            self.layer.set_visible(index, visible)
            self.sigRunVisibility.emit(index, visible)

    @guarded("the contour map")
    def update_runs(self, frames: list[RunFrame]) -> None:
        """Redraw paths and, for running runs, the arrows that explain the next step."""
        width = self._view_width()
        head = ARROW_HEAD * width
        arrows: dict[str, list[np.ndarray]] = {kind: [] for kind in ARROW_KINDS}
        gradient_tips, step_tips = [], []
        for index, frame in enumerate(frames):
            here = frame.path[-1:]
            show = frame.running and self.layer.is_visible(index) and not self.arrows_lent
            norm = float(np.hypot(*frame.grad))
            gradient = step = momentum = glyph = NO_LINES
            if show and self.show_gradient and np.isfinite(norm) and norm > MIN_GRADIENT:
                tip = here + GRADIENT_LENGTH * width * frame.grad / norm
                gradient = arrow_lines(here, tip, head)
                gradient_tips.append(tip[0])
            if show and self.show_step:  # a tiny step still shows where it goes
                delta = frame.next_point - here[0]
                tip = here[0] + visible_scale(delta, MIN_STEP_LENGTH * width) * delta
                step = arrow_lines(here, tip[None], head)
                if len(step):
                    step_tips.append(tip)
            if show and self.show_momentum and frame.momentum is not None:
                momentum = arrow_lines(here, here + frame.momentum[None], head)
            ratio = frame.adaptive
            if show and self.show_adaptive and ratio is not None and np.isfinite(ratio).all() \
                    and ratio.max() > 0:
                glyph = ellipse(here[0], GLYPH_SIZE * width * ratio / ratio.max())
            for kind, lines in (("gradient", gradient), ("step", step),
                                ("momentum", momentum), ("adaptive", glyph)):
                arrows[kind].append(lines)
        self.layer.set_frames([frame.path for frame in frames], arrows)
        self._place(self.gradient_label, np.array(gradient_tips))
        self._place(self.step_label, np.array(step_tips))

    def _place(self, label: pg.TextItem, tips: np.ndarray) -> None:
        if len(tips) == 1 and np.isfinite(tips[0]).all():
            label.setPos(float(tips[0, 0]), float(tips[0, 1]))
            label.show()
        else:
            label.hide()  # with several runs, labels would clutter: the legend explains

    def plot_area(self) -> QRect:
        """The data area (inside the axes and the colour bar) in this widget's pixels."""
        box = self.getPlotItem().getViewBox()
        return self.mapFromScene(box.sceneBoundingRect()).boundingRect()

    def _view_width(self) -> float:
        (x0, x1), _ = self.getPlotItem().getViewBox().viewRange()
        return float(x1 - x0)
