"""The −∇f field on the map: where a step would go, from every part of the view.

Arrows of −∇f at the centres of a coarse grid of square cells (FIELD_COLUMNS across the
visible view), drawn as one curve item: exact directions, log-scaled lengths capped below
a cell (:func:`gdviz.core.field.field_arrows`). They are recomputed only when the view
settles after a zoom or pan (the controller's ``sigGridChanged``) or f changes: nothing
per frame.

Also home of what the other teaching layers (fog, direction wheel) share: the runs'
current state, the visible range, a guard and :class:`LiveLayer`.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QGraphicsItem

from gdviz.app.crash import report
from gdviz.app.views.base import MapLayer, ViewContext
from gdviz.core.field import HEAD, arrow_polyline, field_arrows
from gdviz.core.grid import ViewRange
from gdviz.core.runs import RUNNING

FIELD_COLUMNS = 20
FRAME_MS = 16  # while runs play, the fog and wheel follow at most once per display frame
FIELD_Z = 8  # above the image (0) and isolines (5), under the fog (10) and the runs (20)
# Opaque and not antialiased: a translucent or antialiased wide stroke of 400 arrows takes
# 25× as long to draw (85 ms against 3 ms at each zoom). Light grey, not white, so the
# field stays behind the runs' own white ∇f arrows; the dark outline reads on any colour.
FIELD_PEN = pg.mkPen("#dcdcdc", width=2)
FIELD_OUTLINE = pg.mkPen("#1e1e1e", width=4.5)

F = TypeVar("F", bound=Callable[..., Any])


def layer_guarded(title: str) -> Callable[[F], F]:
    """Decorate a map layer's method: after it raises, the layer hides and stops.

    (``crash.guarded`` covers a failed *widget*; a map layer has no widget to cover.)
    """

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if getattr(self, "failed", False):
                return None
            try:
                return method(self, *args, **kwargs)
            except Exception:  # noqa: BLE001 - a broken layer must not take the app down
                self.failed = True
                report(sys.exc_info(), where=title, window=self.contour.window())
                self.set_items_visible(False)
                return None

        return wrapper  # type: ignore[return-value]

    return decorate


class RunsNow(NamedTuple):
    """Every run's current state, flattened over the groups (one row per run)."""

    points: np.ndarray  # (N, 2)
    grads: np.ndarray  # (N, 2)
    running: np.ndarray  # (N,) bool
    shown: np.ndarray  # (N,) bool: not hidden from the legend, and finite


def runs_now(context: ViewContext) -> RunsNow:
    """The current point, gradient and state of each run: O(runs), no evaluation of f."""
    groups = context.controller.groups
    if not groups:
        empty = np.empty((0, 2))
        return RunsNow(empty, empty, np.zeros(0, bool), np.zeros(0, bool))
    points = np.concatenate([g.points for g in groups])
    grads = np.concatenate([g.grads for g in groups])
    running = np.concatenate([g.status == RUNNING for g in groups])
    layer = context.contour.layer
    visible = np.array([i >= layer.run_count or layer.is_visible(i)
                        for i in range(len(points))], dtype=bool)
    return RunsNow(points, grads, running, visible & np.isfinite(points).all(1))


def visible_range(context: ViewContext) -> ViewRange:
    """The part of the plane the map shows now."""
    (x0, x1), (y0, y1) = context.contour.getPlotItem().getViewBox().viewRange()
    return ViewRange(float(x0), float(x1), float(y0), float(y1))


class LiveLayer(MapLayer):
    """A map layer that follows the runs, in the same tick as the runs' paths (so the map
    is painted once per tick), but at most once per display frame (FRAME_MS) while they
    play fast; a tick skipped is drawn FRAME_MS later if no other tick came by then."""

    def __init__(self, context: ViewContext, parent: QObject | None = None) -> None:
        super().__init__(context, parent)
        self.failed = False
        self._last = -1.0  # time.monotonic() of the last redraw after a step
        self._soon = QTimer(self, singleShot=True, interval=2 * FRAME_MS)
        self._soon.timeout.connect(self._on_changed)
        context.controller.sigStepped.connect(self._on_stepped)
        context.controller.sigRunsReset.connect(self._on_changed)
        context.contour.sigRunVisibility.connect(self._on_changed)

    def _on_stepped(self) -> None:
        if not self.active:
            return
        now = time.monotonic()
        if self.controller.playing and now - self._last < FRAME_MS / 1000:
            self._soon.start()
            return
        self._last = now
        self._on_changed()

    def _on_changed(self, *_: Any) -> None:
        self._soon.stop()
        if self.active:
            self.refresh()


class GradientFieldLayer(MapLayer):
    """Arrows of −∇f over the visible view, recomputed after each zoom or pan."""

    def __init__(self, context: ViewContext, parent: QObject | None = None) -> None:
        super().__init__(context, parent)
        self.failed = False
        self.curve = pg.PlotCurveItem(pen=FIELD_PEN, shadowPen=FIELD_OUTLINE,
                                      connect="finite", antialias=False)
        self.curve.setObjectName("gradientField")
        self.curve.setZValue(FIELD_Z)
        # Drawn once per zoom and kept as pixels: the runs' frames repaint it for free.
        self.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.contour.getPlotItem().addItem(self.curve, ignoreBounds=True)
        self.curve.hide()
        self.tails = self.tips = np.empty((0, 2))
        self.columns = FIELD_COLUMNS
        c = self.controller
        c.sigGridChanged.connect(self._on_changed)
        c.sigFunctionChanged.connect(self._on_changed)

    def set_items_visible(self, on: bool) -> None:
        self.curve.setVisible(on and not self.failed)

    def _on_changed(self, *_: Any) -> None:
        if self.active:
            self.refresh()

    @layer_guarded("the −∇f field")
    def refresh(self) -> None:
        """Recompute the arrows over the visible view with the exact gradient."""
        objective = self.controller.objective
        if objective is None:  # the gradient is being prepared: nothing exact to show
            self.tails = self.tips = np.empty((0, 2))
            self.curve.setData([], [])
            return
        view = visible_range(self.context)
        self.tails, self.tips = field_arrows(objective.gradient, view, self.columns)
        cell = (view.xmax - view.xmin) / self.columns
        line = arrow_polyline(self.tails, self.tips, HEAD * cell)
        self.curve.setData(line[:, 0], line[:, 1], connect="finite")
