"""The one-variable view for the first lecture: f(x), its tangent, secants and the descent.

When f uses x alone, the panel draws the curve over the map's x range, the tangent at
x₀ (the first run's current x, slope f′(x₀) from the exact gradient), the secants
through (x₀, f(x₀)) and (x₀ + h, f(x₀ + h)) for h = 1, 0.5, 0.2, 0.1 fading as h
shrinks, each slope written under the plot, and every run's x positions on the curve.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.core.calculus_1d import (
    SECANT_STEPS,
    descent_window,
    line_through,
    secant_slopes,
    uses_only_x,
)

CURVE_POINTS = 400
MAX_DOTS = 40  # dots for each run's latest steps (the line joins all of them): cheap frames
PARTIAL_SAMPLES = 15  # ∂f/∂y is checked on a PARTIAL_SAMPLES² grid over the view
SECANT_ALPHAS = (1.0, 0.75, 0.52, 0.34)  # one per h: the secants fade as h shrinks
NEEDS_X_ALONE = "The 1-D view needs f of x alone, e.g. x^2 - 2x + 3"
BACKGROUNDS = {"light": "#ffffff", "dark": "#1e1e1e"}
FOREGROUNDS = {"light": "#000000", "dark": "#e8e8e8"}
TANGENT = {"light": "#B0508F", "dark": "#CC79A7"}  # reddish purple: the secants' limit
SECANT = {"light": "#0072B2", "dark": "#56B4E9"}  # blue, blended towards the background


def blend(colour: str, background: str, alpha: float) -> str:
    """``colour`` painted at ``alpha`` over ``background``, as an opaque #rrggbb."""
    top, bottom = QColor(colour), QColor(background)
    mix = [round(alpha * a + (1 - alpha) * b) for a, b in
           zip(top.getRgb()[:3], bottom.getRgb()[:3], strict=True)]
    return QColor(*mix).name()


def number(value: float) -> str:
    """A short number for a caption (4 significant digits, a real minus sign)."""
    return "undefined" if not np.isfinite(value) else f"{value:.4g}".replace("-", "−")


class OneVariableView(PanelView):
    """f(x) with the tangent at x₀, secants shrinking to it and the 1-D descent."""

    def __init__(self, context: ViewContext, parent=None) -> None:
        super().__init__(context, parent)
        self.title = QLabel("<b>f(x)</b>: the tangent at x<sub>0</sub> is the limit of the "
                            "secants as h → 0", objectName="oneDTitle")
        self.title.setWordWrap(True)
        self.plot = pg.PlotWidget(objectName="oneDPlot")
        self.plot.setAccessibleName("f of x with its tangent, secants and the descent")
        self.plot.setMinimumHeight(120)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.setLabel("bottom", "x")
        item.setLabel("left", "f(x)")
        item.disableAutoRange()
        # Plain curve items (not PlotDataItems): they are redrawn at every step.
        self.curve = pg.PlotCurveItem()
        self.tangent = pg.PlotCurveItem()
        self.secants = [pg.PlotCurveItem() for _ in SECANT_STEPS]
        self.secant_points = pg.ScatterPlotItem(size=9)
        self.anchor = pg.ScatterPlotItem(size=13)  # (x₀, f(x₀))
        self.dots = pg.ScatterPlotItem(size=10)  # every run's x_t on the curve
        for extra in (*self.secants, self.tangent, self.secant_points):
            extra.setZValue(5)
        self.dots.setZValue(11)
        self.anchor.setZValue(12)  # above the descent's dots
        for extra in (self.curve, self.tangent, *self.secants, self.secant_points, self.dots,
                      self.anchor):
            item.addItem(extra)
        self.anchor_label = pg.TextItem("x₀", anchor=(0.5, 1.3))
        item.addItem(self.anchor_label)
        self.descents: list[pg.PlotCurveItem] = []  # one line per run, in its colour
        self._dot_brushes: list = []  # one brush per run
        self.secant_label = QLabel(objectName="oneDSecants")
        self.secant_label.setWordWrap(True)
        self.secant_label.setTextFormat(Qt.TextFormat.RichText)
        self.message = QLabel(objectName="oneDMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.secant_label)
        layout.addWidget(self.message, 1)
        self.only_x = False
        self.slopes = np.full(len(SECANT_STEPS), np.nan)  # the secants' slopes drawn
        self.tangent_slope = np.nan
        self.x0 = np.nan
        self._curve_stale = True
        self._frame_stale = True  # the plot's range is set again from the starts
        self._drawn_key: tuple | None = None
        self.theme = context.theme
        c = self.controller
        c.sigGridChanged.connect(self._on_function)
        c.sigFunctionChanged.connect(self._on_function)
        c.sigRunsReset.connect(self._on_runs_reset)
        context.sigRefresh.connect(self._on_refresh)
        context.sigTheme.connect(self._on_theme)
        context.sigTextSize.connect(self._on_text_size)
        self._on_theme(context.theme)
        self._on_text_size(self.font().pointSize())

    # -- signals ---------------------------------------------------------------------------
    def _on_function(self, *_) -> None:
        self._curve_stale = True
        self._on_refresh()

    def _on_runs_reset(self) -> None:
        self._drawn_key = None
        self._frame_stale = True
        self._recolour_descents()
        self._on_refresh()

    def _on_refresh(self) -> None:
        if self.active:
            self.refresh()

    def _on_theme(self, name: str) -> None:
        self.theme = name
        background, foreground = BACKGROUNDS[name], FOREGROUNDS[name]
        self.plot.setBackground(background)
        for axis in self.plot.getPlotItem().axes.values():
            axis["item"].setPen(foreground)
            axis["item"].setTextPen(foreground)
        self.curve.setPen(pg.mkPen(foreground, width=3))
        self.tangent.setPen(pg.mkPen(TANGENT[name], width=3))
        for secant, alpha in zip(self.secants, SECANT_ALPHAS, strict=True):
            secant.setPen(pg.mkPen(blend(SECANT[name], background, alpha), width=2.5,
                                   style=Qt.PenStyle.DashLine))
        self.anchor.setPen(pg.mkPen(background, width=2))
        self.anchor.setBrush(pg.mkBrush(TANGENT[name]))
        self.secant_points.setPen(pg.mkPen(background, width=1.5))
        self._secant_brushes = [pg.mkBrush(blend(SECANT[name], background, a))
                                for a in SECANT_ALPHAS]
        self.anchor_label.setColor(foreground)
        self._drawn_key = None
        self._recolour_descents()
        self._on_refresh()

    def _on_text_size(self, points: int) -> None:
        font = QFont(self.font())
        font.setPointSize(points)
        for axis in self.plot.getPlotItem().axes.values():
            axis["item"].setStyle(tickFont=font)
        self.anchor_label.setFont(font)
        big = QFont(font)
        big.setPointSize(points + 2)
        self.message.setFont(big)

    # -- drawing ---------------------------------------------------------------------------
    @guarded("the 1-D view")
    def refresh(self) -> None:
        c = self.controller
        if c.formula is None:
            self._show_message("Type a function of x, e.g. x^2 - 2x + 3")
            return
        if self._curve_stale:
            self._rebuild_curve()
        if not self.only_x:
            self._show_message(NEEDS_X_ALONE)
            return
        self._show_message("")
        if c.objective is None or c.objective.text != c.formula.text:
            self._show_lines(False)
            self.secant_label.setText("Preparing the exact derivative f′(x)…")
            return
        if not c.groups:
            self._show_lines(False)
            self.secant_label.setText("Click the map to choose a start: its x is x<sub>0</sub>.")
            return
        self._draw_runs()

    def _show_message(self, text: str) -> None:
        """Show ``text`` instead of the plot (an empty text shows the plot again)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.plot.setVisible(not text)
        self.secant_label.setVisible(not text)
        self.title.setVisible(not text)

    def _show_lines(self, on: bool) -> None:
        for extra in (self.tangent, *self.secants, self.secant_points, self.anchor,
                      self.anchor_label, self.dots, *self.descents):
            extra.setVisible(on)
        self._drawn_key = None

    def _view_x(self) -> tuple[float, float]:
        c = self.controller
        view = c.grid.view if c.grid is not None else c.view
        return float(view.xmin), float(view.xmax)

    def _rebuild_curve(self) -> None:
        """f over the map's x range; decides whether f uses x alone (on new f or zoom)."""
        c = self.controller
        self._curve_stale = False
        self._drawn_key = None
        x0, x1 = self._view_x()
        dfdy = None
        if c.objective is not None and c.objective.text == c.formula.text:
            view = c.grid.view if c.grid is not None else c.view
            gx, gy = np.meshgrid(np.linspace(x0, x1, PARTIAL_SAMPLES),
                                 np.linspace(view.ymin, view.ymax, PARTIAL_SAMPLES))
            with np.errstate(all="ignore"):
                dfdy = c.objective.gradient(np.column_stack([gx.ravel(), gy.ravel()]))[:, 1]
        self.only_x = uses_only_x(c.formula, dfdy)
        if not self.only_x:
            self.curve.setData([], [])
            return
        xs = np.linspace(x0, x1, CURVE_POINTS)
        ys = c.formula.evaluate(xs, np.zeros_like(xs))
        self.curve.setData(xs, ys, connect="finite")
        self._frame_stale = True

    def _frame(self, groups) -> None:
        """Show the part of the curve the descent is about (the curve spans the map's x)."""
        self._frame_stale = False
        xs, ys = self.curve.getData()
        if xs is None or not len(xs):
            return
        starts = np.concatenate([g.column("points")[0][:, 0] for g in groups])
        x_range, y_range = descent_window(xs, ys, starts)
        self.plot.getPlotItem().getViewBox().setRange(xRange=x_range, yRange=y_range, padding=0)

    def _f_of_x(self, y: float):
        objective = self.controller.objective

        def f(xs: np.ndarray) -> np.ndarray:
            with np.errstate(all="ignore"):
                return objective.value(np.column_stack([xs, np.full(len(xs), y)]))

        return f

    def _draw_runs(self) -> None:
        """Tangent and secants at the first run's x, and every run's descent on the curve."""
        groups = self.controller.groups
        key = (id(self.controller.session), tuple(g.ticks for g in groups), self._view_x())
        if key == self._drawn_key:
            return  # nothing moved since the last frame
        self._drawn_key = key
        if self._frame_stale:
            self._frame(groups)
        x, y = (float(v) for v in groups[0].points[0])
        f = self._f_of_x(y)
        f0 = float(f(np.array([x]))[0])
        with np.errstate(all="ignore"):
            slope = float(self.controller.objective.gradient(np.array([[x, y]]))[0, 0])
        self.x0, self.tangent_slope = x, slope
        self.slopes = secant_slopes(f, x, SECANT_STEPS)
        ends = np.array(self._view_x())
        self.tangent.setData(ends, line_through(x, f0, slope, ends))
        for secant, secant_slope in zip(self.secants, self.slopes, strict=True):
            secant.setData(ends, line_through(x, f0, secant_slope, ends))
        hs = np.asarray(SECANT_STEPS)
        self.secant_points.setData(x + hs, f0 + self.slopes * hs, brush=self._secant_brushes)
        self.anchor.setData([x], [f0])
        self.anchor_label.setPos(x, f0)
        self._show_lines(True)
        self._drawn_key = key
        self._draw_descents(groups)
        self.secant_label.setText(self._caption(x, slope))

    def _draw_descents(self, groups) -> None:
        """Each run's x positions on the curve: a line per run, one scatter for all dots."""
        paths = [(g.path(row)[:, 0], g.losses(row)) for g in groups for row in range(g.size)]
        item = self.plot.getPlotItem()
        while len(self.descents) < len(paths):
            descent = pg.PlotCurveItem()
            descent.setZValue(10)
            item.addItem(descent)
            self.descents.append(descent)
            self._recolour_descents()
        if len(self._dot_brushes) < len(paths):
            self._recolour_descents()
        for index, descent in enumerate(self.descents):
            if index < len(paths):
                descent.setData(*paths[index])
            descent.setVisible(index < len(paths))
        recent = [(x[-MAX_DOTS:], y[-MAX_DOTS:]) for x, y in paths]  # older: the line
        counts = [len(x) for x, _ in recent]
        brushes = np.repeat(np.array(self._dot_brushes[: len(paths)], dtype=object), counts)
        self.dots.setData(np.concatenate([x for x, _ in recent]),
                          np.concatenate([y for _, y in recent]), brush=brushes)

    def _recolour_descents(self) -> None:
        groups = self.controller.groups
        colours = style.run_colours(groups) if groups else []
        count = max(len(colours), len(self.descents))
        colours = [colours[i] if i < len(colours) else style.run_colour(i) for i in range(count)]
        for descent, colour in zip(self.descents, colours, strict=False):
            descent.setPen(pg.mkPen(colour, width=2.5))
        self._dot_brushes = [pg.mkBrush(colour) for colour in colours]
        self.dots.setPen(pg.mkPen(BACKGROUNDS[self.theme], width=1.5))

    def _caption(self, x0: float, slope: float) -> str:
        """The secants' slopes in their colours, then the tangent's."""
        colour = SECANT[self.theme]
        parts = [f"<span style='color:{colour}'>h = {h:g}: <b>{number(value)}</b></span>"
                 for h, value in zip(SECANT_STEPS, self.slopes, strict=True)]
        tangent = f"<span style='color:{TANGENT[self.theme]}'>tangent f′(x<sub>0</sub>) = " \
                  f"<b>{number(slope)}</b></span>"
        return (f"At x<sub>0</sub> = {html.escape(number(x0))}, secant slopes "
                f"(f(x<sub>0</sub>+h) − f(x<sub>0</sub>))/h: {' · '.join(parts)} → {tangent}")
