"""Every run on the map in one graphics item: paths, start markers and explaining arrows.

One item painted in one call costs far less than a handful of pyqtgraph items per run,
and the paths are kept as pixels: each frame strokes only the segments added since the
last one. The trail is redrawn whole only when the view, the window or the runs change.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QTransform
from PySide6.QtWidgets import QWidget

from gdviz.app import style
from gdviz.app.views.pixels import (
    Affine,
    clip_lines,
    clip_segments,
    to_device,
    unique_segments,
)

MARKER_LIMIT = 150  # paths longer than this are drawn without point markers
MARKER_SIZE = 6.0  # px
START_SIZE = 13.0  # px, the square at a run's start
COORDINATE_LIMIT = 1e5  # px; farther points are clipped before painting
RETRACE_CHECK = 1000  # paths with more points (after pixel dropping) drop retraced segments
ARROW_KINDS = ("step", "momentum", "adaptive", "gradient")  # in painting order
ARROW_PENS = {"step": (3.0, False), "momentum": (2.5, True), "adaptive": (2.0, False),
              "gradient": (3.0, False)}  # width in px, dashed


class RunFrame(NamedTuple):
    """What the map shows of one run at one moment."""

    path: np.ndarray  # points visited, (steps + 1, 2)
    grad: np.ndarray  # ∇f at the current point
    next_point: np.ndarray  # where the next step will land
    running: bool
    momentum: np.ndarray | None = None  # displacement carried by the velocity, −η·v
    adaptive: np.ndarray | None = None  # per-axis effective learning rate ÷ η


def round_pen(colour: QColor | str, width: float, dashed: bool = False) -> QPen:
    """A pen with round caps and joins (paths stay smooth where segments meet)."""
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


SHADOW_PEN = round_pen("#202020", 4.5)  # an outline that keeps paths visible on any colour
ARROW_OUTLINES = {kind: round_pen(SHADOW_PEN.color(), width + 2)
                  for kind, (width, _) in ARROW_PENS.items()}
START_PEN = QPen(QColor("black"), 1.5)


class _Trail(NamedTuple):
    """How much of one run's path the cached pixels hold."""

    count: int  # path points drawn
    last: tuple[float, float]  # the last of them, in data coordinates (detects rewrites)
    tail: np.ndarray  # the last (≤ 2) device points stroked
    markers: bool


class RunsLayer(pg.GraphicsObject):
    """Paints all runs of the map; set_runs, then set_frames at every step."""

    def __init__(self) -> None:
        super().__init__()
        self._colours: list[QColor] = []
        self._path_pens: list[QPen] = []
        self._arrow_pens: dict[str, list[QPen]] = {kind: [] for kind in ARROW_KINDS}
        self._starts = np.empty((0, 2))
        self._visible: list[bool] = []
        self._paths: list[np.ndarray] = []
        self._arrows: dict[str, list[np.ndarray]] = {kind: [] for kind in ARROW_KINDS}
        self._image: QImage | None = None  # the trails, in device pixels
        self._image_key: tuple | None = None
        self._trails: list[_Trail | None] = []

    # -- model -------------------------------------------------------------------------
    def set_runs(self, colours: list[str], starts: list[tuple[float, float]]) -> None:
        """Show new runs (all visible, no path yet) in these colours."""
        self._colours = [QColor(c) for c in colours]
        self._path_pens = [round_pen(c, 2.5) for c in colours]  # made once, not per frame
        self._arrow_pens = {
            kind: [round_pen(style.GRADIENT_COLOUR if kind == "gradient" else c, width, dashed)
                   for c in colours]
            for kind, (width, dashed) in ARROW_PENS.items()}
        self._starts = np.array(starts, dtype=float).reshape(-1, 2)
        self._visible = [True] * len(colours)
        self._paths = [self._starts[i: i + 1] for i in range(len(colours))]
        self._arrows = {kind: [np.empty((0, 2))] * len(colours) for kind in ARROW_KINDS}
        self._forget_trails()
        self.update()

    def set_frames(self, paths: list[np.ndarray], arrows: dict[str, list[np.ndarray]]) -> None:
        """New paths, and per arrow kind each run's lines (NaN rows separate pieces)."""
        self._paths = paths
        self._arrows = arrows
        self.update()

    def set_visible(self, index: int, visible: bool) -> None:
        if index < len(self._visible) and self._visible[index] != visible:
            self._visible[index] = visible
            self._forget_trails()
            self.update()

    @property
    def run_count(self) -> int:
        return len(self._colours)

    @property
    def starts(self) -> np.ndarray:
        """The runs' start points, (runs, 2)."""
        return self._starts

    def is_visible(self, index: int) -> bool:
        return self._visible[index]

    def path(self, index: int) -> np.ndarray:
        """The points of run ``index`` as last given (data coordinates)."""
        return self._paths[index]

    def arrows(self, kind: str) -> list[np.ndarray]:
        """Each run's lines of one arrow kind, as shown now (empty when hidden)."""
        return self._arrows[kind]

    def _forget_trails(self) -> None:
        self._image_key = None

    # -- QGraphicsItem -----------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        box = self.getViewBox()
        return QRectF() if box is None else box.viewRect()

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()  # the item covers exactly what the view shows

    def paint(self, painter: QPainter, *args) -> None:
        transform = painter.worldTransform()
        affine = (transform.m11(), transform.m12(), transform.m21(), transform.m22(),
                  transform.dx(), transform.dy())
        view = transform.mapRect(self.boundingRect())
        painter.save()
        painter.setWorldTransform(QTransform())  # draw in device pixels from here on
        painter.setClipRect(view, Qt.ClipOperation.IntersectClip)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        device = painter.device()
        if isinstance(device, QWidget):  # on screen: keep the trails as pixels
            self._update_image(affine, device)
            painter.drawImage(QPointF(0, 0), self._image)
        else:  # an export: draw every path as vectors
            for index in self._shown():
                draw_path(painter, self._device_path(index, affine), self._path_pens[index],
                          len(self._paths[index]) <= MARKER_LIMIT)
        self._draw_starts(painter, affine)
        self._draw_arrows(painter, affine)
        painter.restore()

    # -- painting ----------------------------------------------------------------------
    def _shown(self) -> list[int]:
        return [i for i, on in enumerate(self._visible) if on and i < len(self._paths)]

    def _device_path(self, index: int, affine: Affine) -> np.ndarray:
        """The whole path in device pixels; long ones keep one point per pixel moved."""
        path = self._paths[index]
        points = to_device(path, affine)
        return points if len(path) <= MARKER_LIMIT else drop_same_pixel(points)

    def _update_image(self, affine: Affine, device: QWidget) -> None:
        """Bring the trail pixels up to date: new segments only, or all after a change."""
        ratio = device.devicePixelRatioF()
        key = (affine, device.width(), device.height(), ratio, len(self._paths))
        if self._image_key != key or not self._trails_extend():
            size = (max(1, round(device.width() * ratio)), max(1, round(device.height() * ratio)))
            if self._image is None or (self._image.width(), self._image.height()) != size:
                self._image = QImage(*size, QImage.Format.Format_ARGB32_Premultiplied)
            self._image.setDevicePixelRatio(ratio)
            self._image.fill(Qt.GlobalColor.transparent)
            self._trails = [None] * len(self._paths)
            self._image_key = key
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for index in self._shown():
            self._extend_trail(painter, index, affine)
        painter.end()

    def _trails_extend(self) -> bool:
        """True if every cached trail is a prefix of its run's path (no step back)."""
        for trail, path in zip(self._trails, self._paths, strict=False):
            if trail is None:
                continue
            if len(path) < trail.count or trail.markers != (len(path) <= MARKER_LIMIT):
                return False
            if tuple(path[trail.count - 1]) != trail.last:
                return False
        return True

    def _extend_trail(self, painter: QPainter, index: int, affine: Affine) -> None:
        path = self._paths[index]
        trail = self._trails[index]
        if trail is not None and trail.count == len(path):
            return
        markers = len(path) <= MARKER_LIMIT
        if trail is None:
            points, shadow_from = self._device_path(index, affine), 0
            fresh = len(points)
        else:  # stroke from the last drawn segment on, so the joins look seamless
            new = to_device(path[trail.count:], affine)
            if not markers:
                new = drop_same_pixel(new, trail.tail[-1])
            points = np.vstack([trail.tail, new])
            shadow_from, fresh = len(trail.tail) - 1, len(new)
        if fresh:
            draw_path(painter, points, self._path_pens[index], markers, shadow_from)
        self._trails[index] = _Trail(len(path), tuple(path[-1]), points[-2:], markers)

    def _draw_starts(self, painter: QPainter, affine: Affine) -> None:
        painter.setPen(START_PEN)
        half = START_SIZE / 2
        shown = self._shown()
        centres = to_device(self._starts[shown], affine).tolist() if shown else []
        for index, (x, y) in zip(shown, centres, strict=True):  # mapped all at once
            if abs(x) < COORDINATE_LIMIT and abs(y) < COORDINATE_LIMIT:
                painter.setBrush(QBrush(self._colours[index]))
                painter.drawRect(QRectF(x - half, y - half, START_SIZE, START_SIZE))

    def _draw_arrows(self, painter: QPainter, affine: Affine) -> None:
        """Each kind of arrow, outlined in dark so it reads on any colour of the map."""
        painter.setBrush(Qt.BrushStyle.NoBrush)
        shown = self._shown()
        for kind in ARROW_KINDS:
            for index in shown:
                lines = self._arrows[kind][index]
                if len(lines):
                    strokes = line_strokes(to_device(lines, affine))  # once for both pens
                    for pen in (ARROW_OUTLINES[kind], self._arrow_pens[kind][index]):
                        painter.setPen(pen)
                        draw_strokes(painter, strokes)


def drop_same_pixel(points: np.ndarray, before: np.ndarray | None = None) -> np.ndarray:
    """Points (device pixels) that leave the pixel of the point before them.

    Drawn, a crawling run of 10,000 points looks the same and costs no more than a short
    one. ``before`` is the point drawn just before ``points``; without it the first
    point is kept. The last point is always kept.
    """
    if len(points) == 0:
        return points
    cells = np.floor(points)
    previous = np.vstack([cells[:1] + 1 if before is None else np.floor(before)[None],
                          cells[:-1]])
    moved = (cells != previous).any(1)  # NaN never equals: non-finite points stay
    moved[-1] = True
    return points[moved]


def draw_lines(painter: QPainter, points: np.ndarray) -> None:
    """Stroke a polyline whose NaN rows separate pieces, clipping far-off coordinates."""
    draw_strokes(painter, line_strokes(points))


def line_strokes(points: np.ndarray) -> list:
    """What :func:`draw_lines` strokes for ``points``: polygons and lists of lines.

    Made once, they can be stroked with several pens (an outline, then the colour).
    """
    finite = np.isfinite(points).all(1)
    if finite.all():
        pieces = [points]
    else:  # NaN rows end a piece (arrows are drawn as shaft, head, NaN)
        breaks = np.flatnonzero(~finite)
        pieces = [piece for piece in np.split(points, breaks) if len(piece)]
        pieces = [piece[1:] if not np.isfinite(piece[0]).all() else piece for piece in pieces]
    strokes: list = []
    for piece in pieces:
        if len(piece) < 2:
            continue
        if (np.abs(piece) < COORDINATE_LIMIT).all():
            strokes.append(polygon(piece))
        else:
            segments = clip_segments(piece, COORDINATE_LIMIT)
            strokes.append([QLineF(*row) for row in segments.tolist()])
    return strokes


def draw_strokes(painter: QPainter, strokes: list) -> None:
    """Stroke what :func:`line_strokes` made with the painter's pen."""
    for stroke in strokes:
        if isinstance(stroke, list):
            painter.drawLines(stroke)
        else:
            painter.drawPolyline(stroke)


def draw_path(painter: QPainter, points: np.ndarray, pen: QPen, markers: bool,
              shadow_from: int = 0) -> None:
    """A run's path: dark outline, line in ``pen`` and (for short paths) point markers."""
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if len(points) > RETRACE_CHECK:  # a long path: each pixel segment once
        segments = unique_segments(points)
        if (np.abs(segments) >= COORDINATE_LIMIT).any():
            segments = clip_lines(segments, COORDINATE_LIMIT)
        lines = [QLineF(*row) for row in segments.tolist()]
        for stroke in (SHADOW_PEN, pen):
            painter.setPen(stroke)
            painter.drawLines(lines)
    else:
        if len(points) - shadow_from >= 2:
            painter.setPen(SHADOW_PEN)
            draw_lines(painter, points[shadow_from:])
        if len(points) >= 2:
            painter.setPen(pen)
            draw_lines(painter, points)
    if markers:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(pen.color()))
        r = MARKER_SIZE / 2
        inside = (np.abs(points) < COORDINATE_LIMIT).all(1)
        for x, y in points[inside].tolist():
            painter.drawEllipse(QPointF(x, y), r, r)


def polygon(points: np.ndarray):
    """A QPolygonF holding ``points`` (filled through its buffer, without a Python loop)."""
    result = pg.functions.create_qpolygonf(len(points))
    pg.functions.ndarray_from_qpolygonf(result)[:] = points
    return result
