"""Fog on the map: the hiker of the paper's foggy mountain sees only around their feet.

An almost opaque fog covers f's image and isolines, except a disc around each run's
current point; the paths stay on top of it, so the class sees where each run has been
and what lies next to it now, never the whole landscape. The fog lifts when every run has
ended, or on Shift+F (:meth:`FogLayer.reveal`) and comes back with the next start.

Per step the fog is one path (the view's rectangle minus the discs): O(runs).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QShortcut,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem

from gdviz.app.views.base import ViewContext
from gdviz.app.views.field import LiveLayer, layer_guarded, runs_now, visible_range

FOG_Z = 10  # over the image (0), isolines (5) and −∇f field (8); under the runs (20)
RADIUS = 0.08  # of the view's width
MARGIN = 1.0  # the fog reaches this many view widths beyond each edge (pans stay covered)
FOG_COLOURS = {"light": QColor(200, 200, 200, 250), "dark": QColor(58, 58, 62, 250)}
RIM_COLOURS = {"light": QColor(90, 90, 90), "dark": QColor(190, 190, 190)}
REVEAL_KEY = "Shift+F"
SEGMENTS = 40  # sides of an overlapping disc: < 0.3 px from a circle at 50 px
CIRCLE = QPolygonF([QPointF(math.cos(a), math.sin(a))  # the unit disc's outline
                   for a in (2 * math.pi * k / SEGMENTS for k in range(SEGMENTS))])


def fog_path(view_rect: QRectF, centres: np.ndarray, radius: float) -> QPainterPath:
    """``view_rect`` with a disc of ``radius`` cut out around each centre.

    Discs apart from each other are cut exactly and cheaply (odd-even fill); only where
    discs overlap is their union computed (path subtraction, on polygons).
    """
    fog = QPainterPath()
    fog.setFillRule(Qt.FillRule.OddEvenFill)
    fog.addRect(view_rect)
    centres = distinct(np.asarray(centres, dtype=float).reshape(-1, 2), 1e-3 * radius)
    if not len(centres) or not radius > 0:
        return fog
    d = np.hypot(*(centres[:, None, :] - centres[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    if d.min() >= 2 * radius:  # no two discs overlap: a hole per disc
        for x, y in centres.tolist():
            fog.addEllipse(QPointF(x, y), radius, radius)
        return fog
    # Polygons, not ellipses: Qt's path subtraction flattens curves with a tolerance in
    # data units, which turns a small disc into an octagon.
    holes = QPainterPath()
    holes.setFillRule(Qt.FillRule.WindingFill)
    for x, y in centres.tolist():
        holes.addPolygon(QTransform(radius, 0, 0, radius, x, y).map(CIRCLE))
        holes.closeSubpath()
    return fog.subtracted(holes)


def distinct(points: np.ndarray, tolerance: float) -> np.ndarray:
    """``points`` without the ones within ``tolerance`` of an earlier one (a race's
    methods share their start: eight discs on one point cost as much as one)."""
    kept: list[np.ndarray] = []
    for p in points:
        if not any(abs(p[0] - q[0]) <= tolerance and abs(p[1] - q[1]) <= tolerance
                   for q in kept):
            kept.append(p)
    return np.array(kept).reshape(-1, 2)


class FogItem(QGraphicsItem):
    """The fog as one item that repaints only around the discs that moved.

    (A QGraphicsPathItem repaints its whole rectangle, the whole map, at every step, and
    with it every item under and over it.)
    """

    def __init__(self) -> None:
        super().__init__()
        self.path = QPainterPath()
        self.rect = QRectF()
        self.holes: list[QRectF] = []
        self.brush = QBrush()
        self.pen = QPen()

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt override
        return self.rect

    def paint(self, painter: QPainter, *_: Any) -> None:
        painter.setBrush(self.brush)
        painter.setPen(self.pen)
        painter.drawPath(self.path)

    def set_fog(self, rect: QRectF, path: QPainterPath, holes: list[QRectF]) -> None:
        """Show ``path`` (covering ``rect``, with holes within ``holes``)."""
        self.path = path
        if rect != self.rect:
            self.prepareGeometryChange()
            self.rect = rect
            self.update()
        else:
            for hole in {(r.x(), r.y(), r.width(), r.height()) for r in self.holes + holes}:
                self.update(QRectF(*hole))
        self.holes = holes


class FogLayer(LiveLayer):
    """Covers the map but for a disc around each current point; Shift+F lifts it."""

    def __init__(self, context: ViewContext, parent: QObject | None = None) -> None:
        super().__init__(context, parent)
        self.revealed = False  # lifted by hand (Shift+F) until the runs start again
        self.centres = np.empty((0, 2))
        self.radius = 0.0
        self.item = FogItem()
        self.item.setZValue(FOG_Z)
        self.contour.getPlotItem().addItem(self.item, ignoreBounds=True)
        self.item.hide()
        self._apply_theme(context.theme)
        self.shortcut = QShortcut(QKeySequence(REVEAL_KEY), self.contour.window())
        self.shortcut.setObjectName("fogRevealShortcut")
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.setEnabled(False)
        self.shortcut.activated.connect(self.reveal)
        self.controller.sigRunsReset.connect(self._on_runs_reset)
        self.contour.getPlotItem().getViewBox().sigRangeChanged.connect(self._on_changed)
        context.sigTheme.connect(self._apply_theme)

    def set_active(self, on: bool) -> None:
        self.shortcut.setEnabled(on)
        super().set_active(on)

    def set_items_visible(self, on: bool) -> None:
        self.item.setVisible(on and not self.failed and not self.lifted)

    @property
    def lifted(self) -> bool:
        """True when the landscape is shown: lifted by hand, or every run has ended."""
        groups = self.controller.groups
        return self.revealed or (bool(groups) and not any(g.running for g in groups))

    def reveal(self, on: bool | None = None) -> None:
        """Lift the fog (True), bring it back (False) or toggle it (None)."""
        self.revealed = (not self.revealed) if on is None else bool(on)
        if self.active:
            self.refresh()

    def _apply_theme(self, theme: str) -> None:
        self.item.brush = QBrush(FOG_COLOURS.get(theme, FOG_COLOURS["light"]))
        rim = QPen(RIM_COLOURS.get(theme, RIM_COLOURS["light"]), 2)
        rim.setCosmetic(True)
        self.item.pen = rim
        self.item.update()

    def _on_runs_reset(self) -> None:
        self.revealed = False  # a new descent starts in the fog
        self._on_changed()

    @layer_guarded("the fog")
    def refresh(self) -> None:
        """Cut the discs around the current points out of a fog over the whole view."""
        self.set_items_visible(True)
        if self.lifted:
            return
        view = visible_range(self.context)
        width, height = view.xmax - view.xmin, view.ymax - view.ymin
        pad = MARGIN * max(width, height)
        rect = QRectF(view.xmin - pad, view.ymin - pad, width + 2 * pad, height + 2 * pad)
        now = runs_now(self.context)
        self.centres = now.points[now.shown]
        self.radius = RADIUS * width
        reach = self.radius * 1.1  # the disc and its rim
        holes = [QRectF(x - reach, y - reach, 2 * reach, 2 * reach)
                 for x, y in self.centres.tolist()]
        self.item.set_fog(rect, fog_path(rect, self.centres, self.radius), holes)
