"""The direction wheel: the course page's steepest-descent theorem, live on the map.

Around the current point, for 72 unit directions u, the directional derivative
D_u f = ∇f·u is drawn as a closed polar curve of radius r0 + k·D_u f/‖∇f‖ with spokes
from the grey circle of radius r0 (where D_u f = 0): sky blue where f decreases,
vermillion where it increases. Its deepest dent is the theorem: u = −∇f/‖∇f‖, marked with
a yellow arrow and labelled with its value D_u f = −‖∇f‖.

The wheel is drawn around every run when there are at most MAX_WHEELS (leaving out one
that would overlap an earlier wheel), else around the first visible running one.
Per step: a few hundred points in four curve items.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from gdviz.app.views.base import ViewContext
from gdviz.app.views.field import LiveLayer, layer_guarded, runs_now, visible_range
from gdviz.app.views.pixels import inside_view
from gdviz.core.field import (
    MIN_NORM,
    arrow_polyline,
    directional_derivatives,
    steepest_direction,
    wheel_curve,
)

WHEEL_Z = 15  # over the fog (10), under the runs' paths and arrows (20)
LABEL_Z = 32  # over the runs, like their own "∇f" and "next step" labels (30)
DIRECTIONS = 72
MAX_WHEELS = 3  # more runs than this: one wheel, at the first running run
R0 = 0.065  # radius of the D_u f = 0 circle, as a fraction of the view's width
K = 0.04  # D_u f = ±‖∇f‖ lies this much inside / outside it
SPOKE_EVERY = 3  # a spoke every 15°: denser ones blur on a projector and cost more
DESCENT_COLOUR = "#56B4E9"  # Okabe–Ito sky blue: D_u f < 0
ASCENT_COLOUR = "#D55E00"  # vermillion: D_u f > 0
STEEPEST_COLOUR = "#F0E442"  # yellow: the steepest-descent arrow
# Opaque outlines, no antialiasing: translucent or antialiased wide strokes cost 3× the
# time to paint, and the wheel is repainted at every step.
OUTLINE = pg.mkPen("#141414", width=5)
LABEL_CSS = "font-weight: bold; color: #ffffff;"
NO_LINE = np.empty((0, 2))
UNITS = directional_derivatives(np.zeros(2), DIRECTIONS)[1]  # the 72 unit directions u


def wheel_lines(centre: np.ndarray, grad: np.ndarray, r0: float, k: float
                ) -> tuple[np.ndarray, np.ndarray]:
    """The wheel's descending and ascending parts: curve and spokes, NaN-separated."""
    curve, values = wheel_curve(centre, grad, r0, k, DIRECTIONS)
    circle = centre + r0 * UNITS
    gap = np.full((1, 2), np.nan)
    parts = []
    for descending in (True, False):
        inside = values <= 0 if descending else values >= 0
        # each half reaches to its neighbours so the two colours meet on the circle
        near = inside | np.roll(inside, 1) | np.roll(inside, -1)
        ring = np.where(near[:, None], curve, np.nan)
        ring = np.vstack([ring, ring[:1], gap])  # closed
        rows = np.flatnonzero(inside)[::SPOKE_EVERY]
        spokes = np.stack([circle[rows], curve[rows], np.full((len(rows), 2), np.nan)], 1)
        parts.append(np.vstack([ring, spokes.reshape(-1, 2)]))
    return parts[0], parts[1]


def reference_circle(centre: np.ndarray, r0: float) -> np.ndarray:
    """The circle where D_u f = 0, closed, NaN-terminated."""
    return np.vstack([centre + r0 * UNITS, centre[None] + r0 * UNITS[:1], [[np.nan, np.nan]]])


def apart(centres: np.ndarray, grads: np.ndarray, spacing: float
          ) -> tuple[np.ndarray, np.ndarray]:
    """The centres (and their gradients) at least ``spacing`` from every earlier one:
    wheels drawn over each other would read as neither."""
    rows: list[int] = []
    for row, centre in enumerate(centres):
        if all(np.hypot(*(centre - centres[other])) >= spacing for other in rows):
            rows.append(row)
    return centres[rows], grads[rows]


class DirectionWheelLayer(LiveLayer):
    """D_u f for every direction u around the current point; the steepest one marked."""

    def __init__(self, context: ViewContext, parent: QObject | None = None) -> None:
        super().__init__(context, parent)
        self.centres = np.empty((0, 2))
        self.steepest: tuple[np.ndarray, float] | None = None  # of the first wheel
        self.point_size = QApplication.font().pointSize()
        self._html = ""
        self.circle = pg.PlotCurveItem(pen=pg.mkPen("#d0d0d0", width=2), connect="finite")
        self.descent = pg.PlotCurveItem(pen=pg.mkPen(DESCENT_COLOUR, width=3),
                                        shadowPen=OUTLINE, connect="finite")
        self.ascent = pg.PlotCurveItem(pen=pg.mkPen(ASCENT_COLOUR, width=3),
                                       shadowPen=OUTLINE, connect="finite")
        self.arrow = pg.PlotCurveItem(pen=pg.mkPen(STEEPEST_COLOUR, width=4),
                                      shadowPen=pg.mkPen("#141414", width=7),
                                      connect="finite")
        self.label = pg.TextItem(color="w", fill=(0, 0, 0, 170))
        self.items = (self.circle, self.descent, self.ascent, self.arrow, self.label)
        for curve in self.items[:4]:
            curve.setSegmentedLineMode("on")  # separate lines: half the time of one path
        plot = self.contour.getPlotItem()
        for name, item in zip(("wheelCircle", "wheelDescent", "wheelAscent", "wheelSteepest",
                               "wheelLabel"), self.items, strict=True):
            item.setObjectName(name)
            item.setZValue(LABEL_Z if item is self.label else WHEEL_Z)
            plot.addItem(item, ignoreBounds=True)
            item.hide()
        plot.getViewBox().sigRangeChanged.connect(self._on_changed)
        context.sigTextSize.connect(self._on_text_size)

    def set_items_visible(self, on: bool) -> None:
        for item in self.items:
            item.setVisible(on and not self.failed)

    def _on_text_size(self, size: int) -> None:
        self.point_size = size
        if self.active:
            self.refresh()

    def wheel_runs(self) -> tuple[np.ndarray, np.ndarray]:
        """Points and gradients of the runs that get a wheel (see the module's docstring)."""
        now = runs_now(self.context)
        norms = np.hypot(now.grads[:, 0], now.grads[:, 1])
        ok = now.shown & np.isfinite(norms) & (norms > MIN_NORM)
        if len(now.points) > MAX_WHEELS:
            rows = np.flatnonzero(ok & now.running)[:1]
        else:
            running = np.flatnonzero(ok & now.running)
            rows = running if len(running) else np.flatnonzero(ok)
        return now.points[rows], now.grads[rows]

    @layer_guarded("the direction wheel")
    def refresh(self) -> None:
        """Redraw the wheels at the current points."""
        view = visible_range(self.context)
        width = view.xmax - view.xmin
        r0, k = R0 * width, K * width
        centres, grads = apart(*self.wheel_runs(), 2 * (r0 + k))
        self.centres = centres
        pieces: dict[str, list[np.ndarray]] = {"circle": [], "descent": [], "ascent": [],
                                               "arrow": []}
        for centre, grad in zip(centres, grads, strict=True):
            down, up = wheel_lines(centre, grad, r0, k)
            pieces["circle"].append(reference_circle(centre, r0))
            pieces["descent"].append(down)
            pieces["ascent"].append(up)
            unit, _ = steepest_direction(grad)
            tip = centre + (r0 + k) * unit
            pieces["arrow"].append(arrow_polyline(centre[None], tip[None], 0.35 * k))
            pieces["arrow"].append(np.full((1, 2), np.nan))
        for name, item in (("circle", self.circle), ("descent", self.descent),
                           ("ascent", self.ascent), ("arrow", self.arrow)):
            line = np.vstack(pieces[name]) if pieces[name] else NO_LINE
            item.setData(line[:, 0], line[:, 1], connect="finite")
        self.steepest = steepest_direction(grads[0]) if len(grads) else None
        self._place_label(centres[0] if len(centres) else None, r0 + k)

    def _place_label(self, centre: np.ndarray | None, reach: float) -> None:
        if centre is None or self.steepest is None:
            self.label.hide()
            return
        unit, value = self.steepest
        tip = centre + reach * unit
        size = max(self.point_size, 9)
        html = (f'<div style="{LABEL_CSS} font-size: {size}pt;">steepest descent −∇f/‖∇f‖'
                f"<br>D<sub>u</sub>f = −‖∇f‖ = {value:.4g}</div>").replace("= -", "= −")
        if html != self._html:  # a new layout costs more than the rest of the frame
            self._html = html
            self.label.setHtml(html)
        # the label leans away from the point, on the side the arrow points to
        anchor = ((1 - unit[0]) / 2, (1 + unit[1]) / 2)
        self.label.setAnchor(anchor)
        box = self.context.contour.getPlotItem().getViewBox()
        rect = self.label.boundingRect()  # in pixels: the label ignores the zoom
        self.label.setPos(*inside_view((float(tip[0]), float(tip[1])), anchor,
                                       (rect.width(), rect.height()), box.viewRange(),
                                       box.viewPixelSize()))  # never cut at the map's edge
        self.label.setVisible(self.active)
