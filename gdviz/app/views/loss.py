"""The loss plot: f(x_t) against the step number t, one curve per run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont, QTextDocument
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


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)  # NaN is the same as NaN here


class CurveTrace:
    """One curve's values as taken in so far: what is drawn of them and their range.

    Runs only grow (or are rewritten from a step back or restart, which is noticed), so
    each update looks at the new values only: the finite range, and the screen columns
    of :func:`~gdviz.app.views.pixels.column_envelope` (the last, still open, column is
    redone). The result is the same as computing it all from scratch.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.count = 0  # values taken in
        self.first = self.last = np.nan
        self.log = False
        self.lo, self.hi = np.inf, -np.inf  # finite values (> 0 on a log axis)
        self.raw_lo, self.raw_hi = np.inf, -np.inf  # finite values, whatever the axis
        self.per_pixel: float | None = None  # of the columns kept (None: none kept)
        self.drawn_count = -1
        self.starts = np.empty(0, dtype=np.int64)  # first index of each column
        self.low = self.high = np.empty(0)

    def track(self, values: np.ndarray, log: bool) -> None:
        """Take in the values past ``count``; start over if the run was rewritten."""
        n = len(values)
        if self.count and (n < self.count or log != self.log
                           or not _same(float(values[0]), self.first)
                           or not _same(float(values[self.count - 1]), self.last)):
            self.reset()
        self.log = log
        if n == self.count:
            return
        new = np.asarray(values[self.count:], dtype=float)
        finite = new[np.isfinite(new)]
        if finite.size:
            self.raw_lo = min(self.raw_lo, float(finite.min()))
            self.raw_hi = max(self.raw_hi, float(finite.max()))
            if log:
                finite = finite[finite > 0]
            if finite.size:
                self.lo = min(self.lo, float(finite.min()))
                self.hi = max(self.hi, float(finite.max()))
        self.count, self.first, self.last = n, float(values[0]), float(values[n - 1])

    def drawn(self, values: np.ndarray, per_pixel: float) -> tuple | None:
        """(x, y) to plot after :meth:`track` (as ``column_envelope``); None: unchanged."""
        few = not np.isfinite(per_pixel) or per_pixel <= 2
        if self.drawn_count == self.count and self.per_pixel == (None if few else per_pixel):
            return None
        self.drawn_count = self.count
        values = values[: self.count]
        if few or not len(values):  # few enough to draw them all (fewer than ~2 per screen column)
            self.per_pixel = None
            return column_envelope(self._shown(values), per_pixel)
        if self.per_pixel != per_pixel:  # other columns: all of them anew
            self.per_pixel = per_pixel
            self.starts, self.low, self.high = np.empty(0, dtype=np.int64), np.empty(0), \
                np.empty(0)
        keep = max(len(self.starts) - 1, 0)  # the last column may have grown: redo it
        begin = int(self.starts[keep]) if len(self.starts) else 0
        new = self._shown(values[begin:])
        columns = np.floor(np.arange(begin, len(values), dtype=float) / per_pixel)
        starts = np.flatnonzero(np.r_[True, columns[1:] != columns[:-1]])
        clean = np.where(np.isfinite(new), new, np.nan)
        with np.errstate(all="ignore"):
            low = np.fmin.reduceat(clean, starts)
            high = np.fmax.reduceat(clean, starts)
        self.starts = np.concatenate([self.starts[:keep], begin + starts])
        self.low = np.concatenate([self.low[:keep], low])
        self.high = np.concatenate([self.high[:keep], high])
        x = self.starts.astype(float)
        return np.repeat(x, 2), np.column_stack([self.low, self.high]).ravel()

    def _shown(self, values: np.ndarray) -> np.ndarray:
        return np.where(values > 0, values, np.nan) if self.log else values


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
            curve.trace = CurveTrace()
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

    def track(self, values: list[np.ndarray]) -> None:
        """Take in the values added to each curve since the last call (no drawing)."""
        for curve, run_values in zip(self.curves, values, strict=True):
            curve.trace.track(run_values, self.log_scale)

    def raw_range(self) -> tuple[float, float]:
        """The lowest and highest finite value tracked over all curves (log axis or not)."""
        traces = [curve.trace for curve in self.curves]
        return (min((t.raw_lo for t in traces), default=np.inf),
                max((t.raw_hi for t in traces), default=-np.inf))

    @guarded("the loss plot")
    def update_runs(self, losses: list[np.ndarray]) -> None:
        """Redraw the curves; the axes move only when the data leaves them (cheap frames).

        Each frame costs the same however long the runs are: only the values added since
        the last frame are looked at (a run rewritten by a step back or a restart is
        taken in anew), and a curve is drawn one column per screen pixel.
        """
        self.track(losses)
        self._fit_range([curve.trace for curve in self.curves if curve.isVisible()])
        pixel = self.getPlotItem().getViewBox().viewPixelSize()
        for curve, values in zip(self.curves, losses, strict=True):
            drawn = curve.trace.drawn(values, pixel[0])
            if drawn is not None:  # else unchanged (a stopped run): already drawn
                curve.setData(*drawn, connect="finite")

    def _fit_range(self, shown: list[CurveTrace]) -> None:
        longest = max((t.count for t in shown), default=1)
        finite = [t for t in shown if t.lo <= t.hi]
        box = self.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        if longest - 1 > x1 or x1 > 4 * max(10, longest):
            box.setXRange(0, 2 ** np.ceil(np.log2(max(10, longest))), padding=0.02)
        if not finite:
            return
        lo = min(t.lo for t in finite)
        hi = max(t.hi for t in finite)
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
SHORT_TITLE = "<b>Loss</b> f(x<sub>t</sub>)"  # when the panel is narrow (the axis says t)
WIDE_RANGE = 1e6  # f spanning more than this factor is read on a log axis


def divergence_note(groups, lo: float, hi: float) -> tuple[bool | None, str]:
    """Whether a diverged run asks for a log axis (True), cannot have one (False), or None.

    ``lo`` and ``hi`` are the lowest and highest finite f of all runs (inf, -inf: none).
    The second value explains it in words for the loss plot's title.
    """
    diverged = any((g.status == DIVERGED).any() for g in groups)
    if not diverged:
        return None, ""
    if lo > hi:  # no finite value at all
        lo = hi = 0.0
    if lo > 0 and hi / lo > WIDE_RANGE:
        return True, "a run diverged: f is shown on a log axis"
    if lo <= 0:
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
        self._note = ""  # why the axis is as it is, after the title
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
        self._note = ""
        self._show_title()
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
        QTimer.singleShot(0, self._show_title)  # once the title has its new font

    def refresh(self) -> None:
        groups = self.controller.groups
        if not groups or len(self.plot.curves) != sum(g.size for g in groups):
            return
        losses = [g.losses(row) for g in groups for row in range(g.size)]
        self.plot.track(losses)  # the new values only: each refresh costs the same
        wants_log, note = divergence_note(groups, *self.plot.raw_range())
        if wants_log and not self.log_check.isChecked():
            self._auto_log = True
            self.log_check.setChecked(True)  # redraws through _on_log_scale
            return
        if note != self._note:
            self._note = note
            self._show_title()
        self.plot.update_runs(losses)

    def _show_title(self) -> None:
        """The title on one line: the short one when the whole one would wrap; a note
        (why the axis is logarithmic) may wrap below it."""
        room = self.width() - self.log_check.sizeHint().width() - 16
        whole = QTextDocument()
        whole.setDefaultFont(self.title.font())
        whole.setHtml(TITLE)
        title = TITLE if whole.idealWidth() <= room else SHORT_TITLE
        self.title.setText(f"{title} — <i>{self._note}</i>" if self._note else title)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._show_title()
