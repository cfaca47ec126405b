"""The ‖∇f‖ plot: the gradient's length along each run, on a log axis by default.

It is the loss plot's machinery (:class:`~gdviz.app.views.loss.LossView`: reused curves,
one column per pixel for long runs, a log axis fit for hundreds of decades) showing
‖∇f(x_t)‖ instead of f(x_t): a straight line on the log axis is linear convergence.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.app.views.loss import GRID_COLOURS, LossAxis, LossView
from gdviz.app.views.sections import BACKGROUND, FOREGROUND, PANEL_HINT, size_plot_text
from gdviz.core.calculus import grad_norms

TITLE = "<b>‖∇f‖</b> along each run against step t"


class GradNormAxis(LossAxis):
    """The loss plot's log axis, without minor ticks where their labels would collide."""

    MIN_DECADE_PX = 9.0  # font heights per decade needed to label 1 … 9 × 10^k

    def logTickValues(self, minVal, maxVal, size, stdTicks):  # noqa: N802, N803 - Qt naming
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        height = QFontMetricsF(self.style["tickFont"] or self.font()).height()
        if size >= self.MIN_DECADE_PX * height * max(maxVal - minVal, 1e-9):
            return ticks
        decades = sorted({float(v) for _, values in ticks for v in values if float(v).is_integer()})
        if len(decades) < 2:
            return ticks  # less than a decade shown: its 2 … 9 × 10^k labels fit
        return [(1.0, decades)]  # 10^k labels only: 2 … 9 × 10^k would overlap


class GradNormPlot(LossView):
    """The loss plot's curves and axes, labelled for ‖∇f(x_t)‖."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gradNormPlot")
        self.setAccessibleName("Gradient norm plot: ‖∇f‖ against step")
        plot = self.getPlotItem()
        axis = GradNormAxis("left")
        plot.setAxisItems({"left": axis})
        axis.enableAutoSIPrefix(False)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        axis.setZValue(-1)
        plot.setLabel("left", "‖∇f(x<sub>t</sub>)‖")
        self.set_colours("k", GRID_COLOURS["light"])


def run_grad_norms(groups: list) -> list[np.ndarray]:
    """‖∇f‖ along each run of ``groups`` (its own steps only), in run order."""
    norms = []
    for group in groups:
        grads = group.column("grads")
        for row in range(group.size):
            norms.append(grad_norms(grads[: int(group.steps[row]) + 1, row]))
    return norms


class GradNormTrace:
    """‖∇f‖ along one run, kept up to date by computing only the rows added since.

    A run rewritten (a step back, then other steps) is noticed by its first and last
    known gradient lengths and computed anew.
    """

    def __init__(self) -> None:
        self._norms = np.empty(0)
        self.count = 0

    def update(self, grads: np.ndarray) -> np.ndarray:
        """‖∇f‖ of each row of ``grads`` (n, 2), as a view of the kept buffer."""
        n, count = len(grads), self.count
        if count and (n < count or not _same_norms(grads[[0, count - 1]],
                                                   self._norms[[0, count - 1]])):
            count = 0
        if n > len(self._norms):
            grown = np.empty(max(n, 2 * len(self._norms), 64))
            grown[:count] = self._norms[:count]
            self._norms = grown
        self._norms[count:n] = grad_norms(grads[count:n])
        self.count = n
        return self._norms[:n]


def _same_norms(grads: np.ndarray, norms: np.ndarray) -> bool:
    return bool(np.array_equal(grad_norms(grads), norms, equal_nan=True))


class GradNormView(PanelView):
    """One ‖∇f‖ curve per run in its colour, with a log-scale switch (on by default)."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.plot = GradNormPlot()
        self.plot.setMinimumHeight(110)
        self.title = QLabel(TITLE, objectName="gradNormTitle")
        self.title.setWordWrap(True)
        self.log_check = QCheckBox("log scale", objectName="gradNormLogCheck")
        self.log_check.setChecked(True)
        self.plot.set_log_scale(True)
        self.log_check.toggled.connect(self._on_log_scale)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.log_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addLayout(header)
        layout.addWidget(self.plot, 1)
        c = self.controller
        c.sigRunsReset.connect(self._on_runs_reset)
        context.sigRefresh.connect(self._on_refresh)
        context.contour.sigRunVisibility.connect(self.plot.set_visible)
        context.sigTheme.connect(self._on_theme)
        context.sigTextSize.connect(lambda points: size_plot_text(self.plot, points))
        size_plot_text(self.plot, QApplication.font().pointSize())
        self._on_theme(context.theme)
        self._on_runs_reset()
        self._follow_hidden_runs()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return PANEL_HINT

    def _follow_hidden_runs(self) -> None:
        """Runs hidden on the map before this view was built stay hidden here."""
        layer = self.context.contour.layer
        if layer.run_count == len(self.plot.curves):
            for index in range(layer.run_count):
                self.plot.set_visible(index, layer.is_visible(index))

    def _on_runs_reset(self) -> None:
        groups = self.controller.groups
        self.plot.set_runs(style.run_colours(groups) if groups else [])
        self._traces = [GradNormTrace() for _ in self.plot.curves]
        self._on_refresh()

    def _on_refresh(self) -> None:
        if self.active:
            self.refresh()

    def _on_log_scale(self, on: bool) -> None:
        self.plot.set_log_scale(on)
        self._on_refresh()

    def _on_theme(self, name: str) -> None:
        self.plot.setBackground(BACKGROUND[name])
        self.plot.set_colours(FOREGROUND[name], GRID_COLOURS[name])

    def values(self, index: int) -> np.ndarray:
        """The ‖∇f‖ values drawn for run ``index`` (for tests; log axis undone)."""
        drawn = self.plot.values(index)
        return 10.0 ** drawn if self.plot.log_scale else drawn

    @guarded("the ‖∇f‖ plot")
    def refresh(self) -> None:
        groups = self.controller.groups
        if not groups or len(self.plot.curves) != sum(g.size for g in groups):
            return
        norms, traces = [], iter(self._traces)  # only each run's new rows are computed
        for group in groups:
            column = group.column("grads")
            for row in range(group.size):
                norms.append(next(traces).update(column[: int(group.steps[row]) + 1, row]))
        self.plot.update_runs(norms)
