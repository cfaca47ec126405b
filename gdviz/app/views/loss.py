"""The loss plot: f(x_t) against the step number t, one curve per run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.app.views.pixels import column_envelope
from gdviz.core.runs import DIVERGED

GRID_COLOURS = {"light": "#dedede", "dark": "#3a3a3a"}


class LossAxis(pg.AxisItem):
    """pyqtgraph's axis, fit for losses that span hundreds of decades on a log scale."""

    MINOR_DECADES = 12  # beyond this many decades, no minor ticks (1 per 1..9 × 10^k)

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 - Qt naming
        if maxVal - minVal > self.MINOR_DECADES:  # 600 decades: 5,400 tick lines otherwise
            return [(spacing, ticks) for spacing, ticks in stdTicks if spacing >= 1.0]
        return super().logTickValues(minVal, maxVal, size, stdTicks)

    def logTickStrings(self, values, scale, spacing):  # noqa: N802 - Qt naming
        with np.errstate(over="ignore"):  # 10^400 is shown as inf, not warned about
            return super().logTickStrings(values, scale, spacing)

    def updateAutoSIPrefix(self) -> None:  # noqa: N802 - Qt naming
        with np.errstate(over="ignore"):  # the same 10^range, for the unit prefix
            super().updateAutoSIPrefix()


class LossView(pg.PlotWidget):
    """f along each run; log scale on request (values ≤ 0 are then left out)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, axisItems={"left": LossAxis("left")})
        self.setObjectName("lossPlot")
        self.setAccessibleName("Loss plot: f against step")
        plot = self.getPlotItem()
        plot.setLabel("bottom", "step t")
        plot.setLabel("left", "f(x<sub>t</sub>)")
        plot.showGrid(x=True, y=True)
        plot.setMenuEnabled(False)
        plot.disableAutoRange()
        # No "×1e+16" unit label beside the axis (it was cut at 1280×720): ticks say it all.
        plot.getAxis("left").enableAutoSIPrefix(False)
        for axis in plot.axes.values():  # its grid lines span the plot: keep them as a pixmap
            axis["item"].setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            axis["item"].setZValue(-1)  # grid lines under the curves
        self.set_colours("k", GRID_COLOURS["light"])
        self.curves: list[pg.PlotDataItem] = []  # the runs' curves: the first of the pool
        self._pool: list[pg.PlotDataItem] = []
        self.log_scale = False
        self._refit = False

    def set_colours(self, foreground: str, grid: str) -> None:
        """Axis text and lines in ``foreground``; ticks and grid lines in ``grid``.

        The grid is opaque: translucent lines without antialiasing paint ~20× slower.
        """
        for axis in self.getPlotItem().axes.values():
            item = axis["item"]
            item.setPen(foreground)
            item.setTextPen(foreground)
            item.setTickPen(pg.mkPen(grid))
            item.setStyle(tickAlpha=255, maxTickLevel=0)  # grid lines at labelled values

    def set_runs(self, colours: list[str]) -> None:
        """One curve per run, coloured like its path (curves are reused, not remade)."""
        plot = self.getPlotItem()
        while len(self._pool) < len(colours):
            self._pool.append(plot.plot())
        for index, curve in enumerate(self._pool):
            if index < len(colours):
                curve.setPen(pg.mkPen(colours[index], width=2.5))
            curve.setData([], [])
            curve.drawn_key = None
            curve.setVisible(index < len(colours))
        self.curves = self._pool[: len(colours)]

    def set_log_scale(self, on: bool) -> None:
        self.log_scale = on
        self.getPlotItem().setLogMode(y=on)
        self._refit = True  # the y axis changes units: fit it at the next update

    def set_visible(self, index: int, visible: bool) -> None:
        """Follow a run hidden or shown on the map (legend click)."""
        if index < len(self.curves):
            self.curves[index].setVisible(visible)

    @guarded("the loss plot")
    def update_runs(self, losses: list[np.ndarray]) -> None:
        """Redraw the curves; the axes move only when the data leaves them (cheap frames)."""
        shown = []
        for curve, values in zip(self.curves, losses, strict=True):
            if self.log_scale:
                values = np.where(values > 0, values, np.nan)
            if curve.isVisible():
                shown.append(values)
        self._fit_range(shown)
        pixel = self.getPlotItem().getViewBox().viewPixelSize()
        for curve, values in zip(self.curves, losses, strict=True):
            key = (len(values), float(values[-1]) if len(values) else 0.0, pixel, self.log_scale)
            if getattr(curve, "drawn_key", None) == key:
                continue  # a stopped run: its curve is already drawn
            curve.drawn_key = key
            if self.log_scale:
                values = np.where(values > 0, values, np.nan)
            curve.setData(*column_envelope(values, pixel[0]), connect="finite")

    def _fit_range(self, shown: list[np.ndarray]) -> None:
        longest = max((len(v) for v in shown), default=1)
        finite = [v[np.isfinite(v)] for v in shown]
        finite = [v for v in finite if v.size]
        box = self.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        if longest - 1 > x1 or x1 > 4 * max(10, longest):
            box.setXRange(0, 2 ** np.ceil(np.log2(max(10, longest))), padding=0.02)
        if not finite:
            return
        lo = min(float(v.min()) for v in finite)
        hi = max(float(v.max()) for v in finite)
        if self.log_scale:
            lo, hi = np.log10(lo), np.log10(hi)
        span = max(hi - lo, 1e-12 * max(1.0, abs(hi)))
        if self._refit or lo < y0 or hi > y1 or (y1 - y0) > 3 * span:
            self._refit = False
            box.setYRange(lo - 0.08 * span, hi + 0.08 * span, padding=0)

    def values(self, index: int) -> np.ndarray:
        """The f values currently drawn for run ``index`` (for tests)."""
        _, y = self.curves[index].getData()
        return np.array([]) if y is None else np.asarray(y)


TITLE = "<b>Loss</b> f(x<sub>t</sub>) against step t"
WIDE_RANGE = 1e6  # f spanning more than this factor is read on a log axis


def divergence_note(groups, losses: list[np.ndarray]) -> tuple[bool | None, str]:
    """Whether a diverged run asks for a log axis (True), cannot have one (False), or None.

    The second value explains it in words for the loss plot's title.
    """
    diverged = any((g.status == DIVERGED).any() for g in groups)
    if not diverged:
        return None, ""
    finite = [v[np.isfinite(v)] for v in losses]
    finite = np.concatenate([v for v in finite if v.size] or [np.zeros(1)])
    if finite.min() > 0 and finite.max() / finite.min() > WIDE_RANGE:
        return True, "a run diverged: f is shown on a log axis"
    if finite.min() <= 0:
        return False, "a run diverged: f falls without bound, so a log axis cannot show it"
    return None, ""


class LossPanel(PanelView):
    """The loss plot with its title and log-scale switch, following the runs."""

    def __init__(self, context: ViewContext, parent=None) -> None:
        super().__init__(context, parent)
        self.plot = LossView()
        self.plot.setMinimumHeight(90)
        self.title = QLabel(TITLE, objectName="lossTitle")
        self.title.setWordWrap(True)
        self.log_check = QCheckBox("log scale", objectName="logScaleCheck")
        self.log_check.toggled.connect(self._on_log_scale)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.log_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(header)
        layout.addWidget(self.plot, 1)
        self._auto_log = False  # the log axis was switched on for a diverged run
        c = self.controller
        c.sigRunsReset.connect(self._on_runs_reset)
        context.sigRefresh.connect(self._on_refresh)
        context.contour.sigRunVisibility.connect(self.plot.set_visible)
        context.sigTheme.connect(self._on_theme)
        context.sigTextSize.connect(self._on_text_size)
        self._on_theme(context.theme)
        self._on_runs_reset()

    def _on_runs_reset(self) -> None:
        groups = self.controller.groups
        self.plot.set_runs(style.run_colours(groups) if groups else [])
        if self._auto_log:
            self._auto_log = False
            self.log_check.setChecked(False)
        self.title.setText(TITLE)
        if self.active:
            self.refresh()

    def _on_refresh(self) -> None:
        if self.active:
            self.refresh()

    def _on_log_scale(self, on: bool) -> None:
        self.plot.set_log_scale(on)
        if self.active:
            self.refresh()

    def _on_theme(self, name: str) -> None:
        self.plot.setBackground("#1e1e1e" if name == "dark" else "w")
        self.plot.set_colours("#e8e8e8" if name == "dark" else "k", GRID_COLOURS[name])

    def _on_text_size(self, points: int) -> None:
        font = QFont(self.font())
        font.setPointSize(points)
        for axis in self.plot.getPlotItem().axes.values():
            axis["item"].setStyle(tickFont=font)

    def refresh(self) -> None:
        groups = self.controller.groups
        if not groups or len(self.plot.curves) != sum(g.size for g in groups):
            return
        losses = [g.losses(row) for g in groups for row in range(g.size)]
        wants_log, note = divergence_note(groups, losses)
        if wants_log and not self.log_check.isChecked():
            self._auto_log = True
            self.log_check.setChecked(True)  # redraws through _on_log_scale
            return
        self.title.setText(f"{TITLE} — <i>{note}</i>" if note else TITLE)
        self.plot.update_runs(losses)
