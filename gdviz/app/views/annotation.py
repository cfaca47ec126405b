"""The lecturer's pen: freehand strokes drawn on the map, all in one graphics item.

Strokes are kept in data coordinates, so they stay on the feature they mark when the map
is panned or zoomed. They are painted in device pixels (a thick line with a dark outline
that reads on every colour of the map and on the dark theme) and cached as a pixmap of
their own bounding box: while nothing is drawn or cleared they cost nothing per frame,
even while runs play underneath.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import QGraphicsItem

from gdviz.app.views.pixels import clip_segments, to_device

PEN_COLOUR = "#FF2BD6"  # magenta: no run, arrow or colour map uses it
PEN_WIDTH = 4.0  # px
OUTLINE_COLOUR = "#1A1A1A"
OUTLINE_WIDTH = PEN_WIDTH + 3.0  # px: a dark rim so the stroke reads on yellow and white
COORDINATE_LIMIT = 1e5  # px; strokes reaching farther (deep zoom) are clipped first


def _pen(colour: str, width: float) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


STROKE_PENS = (_pen(OUTLINE_COLOUR, OUTLINE_WIDTH), _pen(PEN_COLOUR, PEN_WIDTH))


class AnnotationLayer(pg.GraphicsObject):
    """Freehand strokes in data coordinates: begin, extend, end; clear removes them all."""

    def __init__(self) -> None:
        super().__init__()
        self._strokes: list[np.ndarray] = []  # finished strokes, (n, 2) data points
        self._current: list[tuple[float, float]] = []  # the stroke being drawn
        self._bounds: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    # -- strokes -----------------------------------------------------------------------
    @property
    def strokes(self) -> list[np.ndarray]:
        """Every stroke, the one being drawn last, as (n, 2) arrays of data points."""
        current = [np.array(self._current, dtype=float)] if self._current else []
        return [*self._strokes, *current]

    @property
    def drawing(self) -> bool:
        return bool(self._current)

    def begin(self, x: float, y: float) -> None:
        self.end()
        self._current = [(x, y)]
        self._grow(x, y)

    def extend(self, x: float, y: float) -> None:
        if not self._current or not (np.isfinite(x) and np.isfinite(y)):
            return
        if self._current[-1] != (x, y):
            self._current.append((x, y))
            self._grow(x, y)

    def end(self) -> None:
        if self._current:
            self._strokes.append(np.array(self._current, dtype=float))
            self._current = []

    def clear(self) -> None:
        if not self._strokes and not self._current:
            return
        self.prepareGeometryChange()
        self._strokes, self._current, self._bounds = [], [], None
        self.update()

    def _grow(self, x: float, y: float) -> None:
        self.prepareGeometryChange()
        b = self._bounds or (x, y, x, y)
        self._bounds = (min(b[0], x), min(b[1], y), max(b[2], x), max(b[3], y))
        self.update()

    # -- QGraphicsItem -----------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        if self._bounds is None:
            return QRectF()
        box = self.getViewBox()
        px, py = (0.0, 0.0) if box is None else box.viewPixelSize()
        pad = OUTLINE_WIDTH  # pixels around the points: the stroke's rim and round caps
        x0, y0, x1, y1 = self._bounds
        return QRectF(x0 - pad * px, y0 - pad * py, x1 - x0 + 2 * pad * px,
                      y1 - y0 + 2 * pad * py)

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()  # the padding, in data units, follows the zoom

    def paint(self, painter: QPainter, *args) -> None:
        strokes = self.strokes
        if not strokes:
            return
        t = painter.worldTransform()
        affine = (t.m11(), t.m12(), t.m21(), t.m22(), t.dx(), t.dy())
        devices = [to_device(stroke, affine) for stroke in strokes]
        painter.save()
        painter.setWorldTransform(QTransform())  # draw in device pixels from here on
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for pen in STROKE_PENS:  # every outline first, then every stroke on top
            painter.setPen(pen)
            for points in devices:
                _draw_stroke(painter, points)
        painter.restore()


def _draw_stroke(painter: QPainter, points: np.ndarray) -> None:
    if len(points) == 1:  # a tap: a dot (a zero-length line with round caps)
        points = np.repeat(points, 2, axis=0)
    if (np.abs(points) < COORDINATE_LIMIT).all():
        painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in points.tolist()]))
    else:
        painter.drawLines([QLineF(*row) for row in clip_segments(points, COORDINATE_LIMIT)
                           .tolist()])
