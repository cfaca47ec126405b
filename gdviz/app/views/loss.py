"""The loss plot: f(x_t) against the step number t, one curve per run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from gdviz.app.crash import guarded
from gdviz.app.views.pixels import column_envelope

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
