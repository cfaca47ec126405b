"""The Taylor check: per step, the first-order prediction ∇f·Δx beside the actual Δf.

The primer's ΔC ≈ ∇C·Δv: for a small step the change of f is what the gradient
predicts (−η‖∇f‖² for plain gradient descent). When η is too large the two part ways;
a step that makes f go *up* is marked red: the linear approximation no longer holds.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QApplication, QGridLayout, QLabel, QWidget

from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.app.views.pixels import column_envelope
from gdviz.app.views.sections import PANEL_HINT, RunCombo, make_plot, size_plot_text, theme_plot
from gdviz.core.calculus import taylor_table

PREDICTED = {"light": "#0072B2", "dark": "#56B4E9"}  # Okabe–Ito blue / sky blue
ACTUAL = {"light": "#009E73", "dark": "#009E73"}  # bluish green
TOO_LARGE = "#D55E00"  # vermillion: the palette's red
TOO_LARGE_SENTENCE = "step too large: the linear approximation no longer holds"
MAX_MARKERS = 2000  # red markers drawn for the latest too-large steps at most


def latest_text(predicted: np.ndarray, actual: np.ndarray) -> str:
    """The latest step in words: its prediction, the actual change and their ratio."""
    t = len(actual) - 1
    ratio = actual[t] / predicted[t] if predicted[t] != 0 else np.nan
    ratio_text = f" (ratio {ratio:.3g})" if np.isfinite(ratio) else ""
    return (f"t = {t}: predicted ∇f·Δx = {predicted[t]:.4g}, "
            f"actual Δf = {actual[t]:.4g}{ratio_text}")


def warning_text(actual: np.ndarray, too_large: np.ndarray) -> str:
    """The red sentence: for the latest step if it went uphill, else a count of those that did."""
    if not too_large.any():
        return ""
    if too_large[-1]:
        return (f"t = {len(actual) - 1}: {TOO_LARGE_SENTENCE} "
                f"(f rose by {actual[-1]:.3g})")
    count = int(too_large.sum())
    steps = "step" if count == 1 else "steps"
    return f"{count} earlier {steps} (red): {TOO_LARGE_SENTENCE}"


class TaylorView(PanelView):
    """Predicted and actual Δf per step of one run, with the uphill steps marked."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.plot = make_plot("taylorPlot", "step t (x<sub>t</sub> → x<sub>t+1</sub>)", "Δf")
        item = self.plot.getPlotItem()
        self.predicted_curve = pg.PlotCurveItem()
        self.actual_curve = pg.PlotCurveItem()
        item.addItem(self.predicted_curve)
        item.addItem(self.actual_curve)
        self.markers = pg.ScatterPlotItem(size=12, symbol="o", brush=pg.mkBrush(TOO_LARGE))
        item.addItem(self.markers)
        zero = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen("#888888", width=1))
        item.addItem(zero)
        self.legend = QLabel(objectName="taylorLegend")
        self.latest = QLabel(objectName="taylorLatestLabel")
        self.warning = QLabel(objectName="taylorWarning")
        for label in (self.legend, self.latest, self.warning):
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
        self.legend.setToolTip("predicted: the first-order Taylor term ∇f(x_t)·Δx, which is "
                               "−η‖∇f‖² for plain gradient descent; actual: f(x_t+1) − f(x_t)")
        self.warning.setStyleSheet(f"color: {TOO_LARGE}; font-weight: bold")
        self.combo = RunCombo("taylorRunCombo")
        self.combo.currentIndexChanged.connect(self._on_choice)
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.legend, 0, 0)
        layout.addWidget(self.combo, 0, 1)
        layout.addWidget(self.latest, 1, 0, 1, 2)
        layout.addWidget(self.warning, 2, 0, 1, 2)
        layout.addWidget(self.plot, 3, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        layout.setRowStretch(3, 1)
        self.theme = context.theme
        self._drawn = None
        c = self.controller
        c.sigRunsReset.connect(self._on_runs_reset)
        context.sigRefresh.connect(self._on_refresh)
        context.sigTheme.connect(self._on_theme)
        context.sigTextSize.connect(lambda points: size_plot_text(self.plot, points))
        size_plot_text(self.plot, QApplication.font().pointSize())
        self._on_theme(context.theme)
        self._on_runs_reset()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return PANEL_HINT

    def text(self) -> str:
        """Everything the panel says, as plain text (for tests and accessibility)."""
        return "\n".join(label.text() for label in (self.legend, self.latest, self.warning))

    def _on_runs_reset(self) -> None:
        self.combo.set_groups(self.controller.groups)
        self._on_choice()

    def _on_choice(self, *_) -> None:
        self._drawn = None
        self._on_refresh()

    def _on_refresh(self) -> None:
        if self.active:
            self.refresh()

    def _on_theme(self, name: str) -> None:
        self.theme = name
        theme_plot(self.plot, name)
        self.predicted_curve.setPen(pg.mkPen(PREDICTED[name], width=3,
                                             style=Qt.PenStyle.DashLine))
        self.actual_curve.setPen(pg.mkPen(ACTUAL[name], width=2.5))
        self.markers.setPen(pg.mkPen("#000000" if name == "light" else "#ffffff", width=1))
        self.legend.setText(
            f"<span style='color:{PREDICTED[name]}'><b>╍╍ predicted ∇f·Δx</b></span>"
            f" &nbsp; <span style='color:{ACTUAL[name]}'>"
            f"<b>━━ actual Δf</b></span> &nbsp; <span style='color:{TOO_LARGE}'>"
            f"<b>● f went up</b></span>")

    def _clear(self, text: str) -> None:
        for curve in (self.predicted_curve, self.actual_curve):
            curve.setData([], [])
        self.markers.setData([], [])
        self.latest.setText(text)
        self._warn("")

    @guarded("the Taylor check")
    def refresh(self) -> None:
        chosen = self.combo.selected()
        if chosen is None:
            self._drawn = None
            self._clear("Click the map to start a run; each step's Δf appears here.")
            return
        group, row, _ = chosen
        n = int(group.steps[row]) + 1
        key = (id(group), row, n, group.ticks)
        if key == self._drawn:
            return
        self._drawn = key
        if n < 2:
            self._clear("Take a step: its predicted and actual Δf appear here.")
            return
        predicted, actual, too_large = taylor_table(group.column("points")[:n, row],
                                                    group.column("values")[:n, row],
                                                    group.column("grads")[:n, row])
        self._draw(predicted, actual, too_large)
        self.latest.setText(latest_text(predicted, actual))
        self._warn(warning_text(actual, too_large))

    def _warn(self, text: str) -> None:
        self.warning.setText(text)
        self.warning.setVisible(bool(text))  # no empty row under the numbers

    def _draw(self, predicted: np.ndarray, actual: np.ndarray, too_large: np.ndarray) -> None:
        box = self.plot.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        steps = len(actual)
        x_range = None
        if steps - 0.5 > x1 or x1 > 4 * max(8, steps):  # grows by doubling: rarely moves
            x_range = (-0.5, 2 ** np.ceil(np.log2(max(8, steps))))
        per_pixel = box.viewPixelSize()[0]
        self.predicted_curve.setData(*column_envelope(predicted, per_pixel), connect="finite")
        self.actual_curve.setData(*column_envelope(actual, per_pixel), connect="finite")
        where = np.flatnonzero(too_large)[-MAX_MARKERS:]
        self.markers.setData(where.astype(float), actual[where])
        both = np.concatenate([predicted, actual, [0.0]])
        both = both[np.isfinite(both)]
        lo, hi = float(both.min()), float(both.max())
        span = max(hi - lo, 1e-12 * max(1.0, abs(hi)))
        y_range = None
        if lo < y0 or hi > y1 or (y1 - y0) > 1.5 * span:
            y_range = (lo - 0.08 * span, hi + 0.08 * span)
        if x_range is not None or y_range is not None:
            box.setRange(xRange=x_range, yRange=y_range, padding=0)
