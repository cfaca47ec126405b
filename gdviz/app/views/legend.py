"""The map's legend: one row per run, drawn by one item; a click hides or shows a run."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QApplication, QGraphicsItem

PADDING = 6.0  # px around the rows
SAMPLE_WIDTH = 24.0  # px of the line that shows a run's colour
GAP = 8.0  # px between sample and text
SHOWN_TEXT = QColor("white")
HIDDEN_TEXT = QColor("#9a9a9a")
BACKGROUND = QColor(20, 20, 20, 215)  # opaque enough that −∇f arrows under it do not show


class RunLegend(pg.GraphicsObject):
    """Run labels over the map's corner; pyqtgraph's legend made a widget per row (slow)."""

    sigToggled = Signal(int, bool)  # row, now visible

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[str] = []
        self.colours: list[QColor] = []
        self.visible: list[bool] = []
        self._font = QFont(QApplication.font())  # View → Larger text calls set_point_size
        self._size = QRectF()
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # drawn on change

    def set_rows(self, labels: list[str], colours: list[str]) -> None:
        """Show these runs, all visible."""
        self.labels = list(labels)
        self.colours = [QColor(c) for c in colours]
        self.visible = [True] * len(labels)
        self._relayout()

    def set_point_size(self, size: float) -> None:
        self._font.setPointSizeF(size)
        self._relayout()

    def set_visible(self, row: int, visible: bool) -> None:
        if row < len(self.visible) and self.visible[row] != visible:
            self.visible[row] = visible
            self.update()
            self.sigToggled.emit(row, visible)

    def row_centre(self, row: int) -> QPointF:
        """Where row ``row`` is, in scene coordinates (for tests and automation)."""
        top = PADDING + row * self._row_height()
        return self.mapToScene(QPointF(PADDING + SAMPLE_WIDTH / 2, top + self._row_height() / 2))

    # -- QGraphicsItem -----------------------------------------------------------------
    def boundingRect(self) -> QRectF:
        return self._size

    def paint(self, painter: QPainter, *args) -> None:
        if not self.labels:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BACKGROUND)
        painter.drawRoundedRect(self._size, 4, 4)
        height = self._row_height()
        for row, (label, colour, shown) in enumerate(
                zip(self.labels, self.colours, self.visible, strict=True)):
            middle = PADDING + (row + 0.5) * height
            sample = colour if shown else HIDDEN_TEXT
            painter.setPen(QPen(sample, 2.5, Qt.PenStyle.SolidLine if shown
                                else Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(PADDING, middle), QPointF(PADDING + SAMPLE_WIDTH, middle))
            if shown:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QBrush(colour))
                painter.drawEllipse(QPointF(PADDING + SAMPLE_WIDTH / 2, middle), 3.5, 3.5)
            font = QFont(self._font)
            font.setStrikeOut(not shown)
            painter.setFont(font)
            painter.setPen(SHOWN_TEXT if shown else HIDDEN_TEXT)
            text_box = QRectF(PADDING + SAMPLE_WIDTH + GAP, middle - height / 2,
                              self._size.width(), height)
            painter.drawText(text_box, Qt.AlignmentFlag.AlignVCenter, label)

    def mouseClickEvent(self, event) -> None:  # noqa: N802 - pyqtgraph's handler name
        if event.button() != Qt.MouseButton.LeftButton:
            return
        row = int((event.pos().y() - PADDING) // self._row_height())
        if 0 <= row < len(self.labels):
            event.accept()  # the map does not take this click as a start point
            self.set_visible(row, not self.visible[row])

    # -- layout ------------------------------------------------------------------------
    def _row_height(self) -> float:
        return QFontMetricsF(self._font).height() + 4

    def _relayout(self) -> None:
        metrics = QFontMetricsF(self._font)
        widest = max((metrics.horizontalAdvance(label) for label in self.labels), default=0)
        width = 2 * PADDING + SAMPLE_WIDTH + GAP + widest
        height = 2 * PADDING + len(self.labels) * self._row_height()
        self.prepareGeometryChange()
        self._size = QRectF(0, 0, width, height) if self.labels else QRectF()
        self.update()
