"""The learning-rate sweep: final loss against η for 40–100 η at once; click one to replay.

For the current function, the first run's start and the Method tab's optimizer, the
descent runs for a fixed number of steps at log-spaced η, all stacked in one NumPy state
(:func:`gdviz.core.sweep.sweep`) in the background (:class:`~gdviz.app.jobs.Job`). The
plot is log-log: f after the last step against η, diverged runs as red × along the top;
for a quadratic the divergence threshold 2/λmax is a vertical line. When some final f is
≤ 0 a log axis cannot show f itself: the plot then shows f − f*, f* the lowest f any η
reached, and its axis says so.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gdviz.app.crash import guarded
from gdviz.app.jobs import Job
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.app.views.controls import LogSpinBox
from gdviz.app.views.gradnorm import GradNormAxis
from gdviz.app.views.sections import (
    BACKGROUND,
    FOREGROUND,
    make_plot,
    size_plot_text,
    theme_plot,
)
from gdviz.core.optimizers import get_optimizer
from gdviz.core.sweep import (
    SweepResult,
    constant_hessian,
    divergence_threshold,
    log_lrs,
    measured_edge,
    suggested_range,
    sweep,
)

STABLE_COLOUR = "#0072B2"  # Okabe–Ito blue
DIVERGED_COLOUR = "#D55E00"  # Okabe–Ito vermillion: the "red ×"
EDGE_COLOUR = "#009E73"


def plotted_values(result: SweepResult) -> tuple[np.ndarray, str]:
    """The y of each η on the log axis and the axis' title.

    f(final) itself when every finite final f is positive; else f − f* plus a floor
    (f* the lowest f of the sweep), so that the best η still shows on the log axis.
    """
    final = np.asarray(result.final_f, dtype=float)
    good = ~result.diverged & np.isfinite(final)
    values = final[good]
    if values.size == 0 or values.min() > 0:
        return final, "f(final)"
    best = min(float(values.min()), float(np.nanmin(result.best_f[good])))
    floor = 1e-15 * max(1.0, float(np.abs(values).max()))
    return final - best + floor, "f(final) − f*  (f* = lowest f reached)"


class SweepView(PanelView):
    """Controls, progress and the final-loss-against-η plot."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.result: SweepResult | None = None
        self.threshold = math.inf
        self.settings_used = None  # (optimizer, start, steps) of the result
        self._pending = None  # the same for the sweep running
        self.job = Job(self)
        self.job.follow(self.controller)
        context.destroyed.connect(self.job.close)
        self._build()
        self.job.sigProgress.connect(lambda f: self.progress.setValue(int(1000 * f)))
        self.job.sigFinished.connect(self._on_result)
        self.job.sigFailed.connect(self._on_failed)
        self.job.sigCancelled.connect(self._on_cancelled)
        self.job.sigRunningChanged.connect(self._sync_buttons)
        c = self.controller
        c.sigFunctionAccepted.connect(self._on_function)
        c.sigFunctionChanged.connect(lambda _: self._suggest_range())
        c.sigPendingChanged.connect(self._sync_buttons)
        context.sigTheme.connect(self._on_theme)
        context.sigTextSize.connect(self._on_text_size)
        self._on_text_size(QApplication.font().pointSize())
        self._on_theme(context.theme)
        self._suggest_range()
        self._sync_buttons()

    # -- construction ----------------------------------------------------------------
    def _build(self) -> None:
        self.count_spin = QSpinBox(objectName="sweepCountSpin")
        self.count_spin.setRange(40, 100)
        self.count_spin.setValue(60)
        self.min_spin = LogSpinBox(1e-12, 1000.0, 1e-4)
        self.min_spin.setObjectName("sweepMinSpin")
        self.max_spin = LogSpinBox(1e-12, 1000.0, 10.0)
        self.max_spin.setObjectName("sweepMaxSpin")
        self.steps_spin = QSpinBox(objectName="sweepStepsSpin")
        self.steps_spin.setRange(1, 100_000)
        self.steps_spin.setValue(200)
        self.run_button = QPushButton("Run sweep", objectName="sweepRunButton")
        self.run_button.setToolTip("descend from the first start at every η, all at once "
                                   "(constant η, no gradient noise)")
        self.cancel_button = QPushButton("Cancel", objectName="sweepCancelButton")
        self.progress = QProgressBar(objectName="sweepProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.job.cancel)
        form = QGridLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(4)
        form.setVerticalSpacing(2)
        cells = (("η count", self.count_spin), ("steps", self.steps_spin),
                 ("η from", self.min_spin), ("to", self.max_spin))
        for index, (text, spin) in enumerate(cells):
            row, col = divmod(index, 2)
            label = QLabel(text)
            label.setBuddy(spin)
            form.addWidget(label, row, 2 * col, Qt.AlignmentFlag.AlignRight)
            form.addWidget(spin, row, 2 * col + 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        self.title = QLabel(objectName="sweepTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Longer text wraps; it never widens the column or grows the dock.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        side_box = QWidget(objectName="sweepSide")
        side_box.setFixedWidth(290)
        side = QVBoxLayout(side_box)
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(3)
        side.addLayout(form)
        side.addLayout(buttons)
        side.addWidget(self.progress)
        side.addWidget(self.title, 1)
        self._build_plot()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(side_box)
        layout.addWidget(self.plot, 1)
        self._set_title("Run the sweep: one descent per η from the first start, at once.")

    def _build_plot(self) -> None:
        """Final f against η (log-log), the diverged marks, the chosen η and the edge."""
        self.plot = make_plot("sweepPlot", "learning rate η", "f(final)")
        axis = GradNormAxis("left")  # no minor ticks where 300 decades would fill the plot
        self.plot.getPlotItem().setAxisItems({"left": axis})
        axis.enableAutoSIPrefix(False)
        self.plot.getPlotItem().setLogMode(x=True, y=True)
        item = self.plot.getPlotItem()
        self.curve = pg.PlotDataItem(symbol="o", symbolSize=9)
        self.curve.sigPointsClicked.connect(self._on_points_clicked)
        self.diverged_marks = pg.PlotDataItem(pen=None, symbol="x", symbolSize=13,
                                              symbolPen=pg.mkPen(DIVERGED_COLOUR, width=2.5),
                                              symbolBrush=pg.mkBrush(DIVERGED_COLOUR))
        self.diverged_marks.sigPointsClicked.connect(self._on_points_clicked)
        self.chosen = pg.PlotDataItem(pen=None, symbol="o", symbolSize=18,
                                      symbolBrush=None)
        self.edge_line = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen(EDGE_COLOUR, width=2.5,
                                                      style=Qt.PenStyle.DashLine))
        self.edge_label = pg.TextItem(color=EDGE_COLOUR, anchor=(-0.05, 0.5))
        for thing in (self.curve, self.diverged_marks, self.chosen, self.edge_line):
            item.addItem(thing)
        item.addItem(self.edge_label, ignoreBounds=True)
        self.edge_line.hide()
        self.edge_label.hide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(640, 200)

    # -- running ---------------------------------------------------------------------
    def run(self) -> None:
        """Start the sweep for the current function, first start and optimizer."""
        c = self.controller
        objective = c.objective
        if objective is None or c.preparing or not c.starts:
            return
        try:
            lrs = log_lrs(self.min_spin.value(), self.max_spin.value(), self.count_spin.value())
        except ValueError as exc:
            self._set_title(f"<span style='color:#c00000'>⚠ {exc}</span>")
            return
        s = c.settings
        start, steps = tuple(float(v) for v in c.starts[0]), self.steps_spin.value()
        hyper, stop = s.hyperparams(), s.stop
        self._pending = (s.optimizer, start, steps)
        self.progress.setValue(0)

        def work(cancelled, progress):
            return sweep(objective, start, s.optimizer, hyper, steps, lrs,
                         grad_tol=stop.grad_tol, bound=stop.bound,
                         cancelled=cancelled, progress=progress)

        self.job.start(work, text=c.text)
        self._set_title(f"sweeping {len(lrs)} η × {steps} steps of "
                        f"{get_optimizer(s.optimizer).title} …")

    def _sync_buttons(self, *_: object) -> None:
        running = self.job.running
        ready = self.controller.objective is not None and not self.controller.preparing
        self.run_button.setEnabled(ready and not running)
        self.cancel_button.setEnabled(running)

    def _on_cancelled(self) -> None:
        self.progress.reset()
        self._set_title("sweep cancelled")

    def _on_failed(self, error: Exception) -> None:
        self.progress.reset()
        self._set_title(f"<span style='color:#c00000'>⚠ the sweep failed: {error}</span>")

    def _on_function(self, text: str) -> None:
        if self.result is not None and text != getattr(self, "_result_text", text):
            self.clear("f changed: run the sweep again")

    def _suggest_range(self) -> None:
        c = self.controller
        if c.objective is None or not c.starts:
            return
        lo, hi = suggested_range(c.objective, tuple(c.starts[0]))
        self.min_spin.setValue(lo)
        self.max_spin.setValue(hi)

    def clear(self, note: str = "") -> None:
        """Forget the result (a stale one, e.g. after the function changed)."""
        self.result = None
        for item in (self.curve, self.diverged_marks, self.chosen):
            item.setData([], [])
        self.edge_line.hide()
        self.edge_label.hide()
        self._set_title(note)

    # -- the result ------------------------------------------------------------------
    def _on_result(self, result: SweepResult) -> None:
        self.progress.reset()
        self.result, self.settings_used = result, self._pending
        self._result_text = self.controller.text
        objective = self.controller.objective
        probe = np.array([[0.0, 0.0], [1.0, -2.0], [3.0, 4.0], self.settings_used[1]])
        hessian = constant_hessian(objective, probe) if objective is not None else None
        self.threshold = divergence_threshold(hessian) if hessian is not None else math.inf
        self.show_result()

    @guarded("the η sweep")
    def show_result(self) -> None:
        result = self.result
        values, label = plotted_values(result)
        self.plot.getPlotItem().setLabel("left", label)
        stable = ~result.diverged & np.isfinite(values) & (values > 0)
        self.stable_index = np.flatnonzero(stable)
        self.diverged_index = np.flatnonzero(~stable)
        self.curve.setData(result.lrs[stable], values[stable])
        top = float(values[stable].max()) * 10 if stable.any() else 1.0
        marks = np.full(len(self.diverged_index), top)
        self.diverged_marks.setData(result.lrs[~stable], marks)
        self.plotted = values.copy()
        self.plotted[~stable] = top
        self.chosen.setData([], [])
        finite = bool(np.isfinite(self.threshold) and self.threshold > 0)
        box = self.plot.getPlotItem().getViewBox()
        box.autoRange(padding=0.08)
        if finite:  # the view is in log10 units on both axes
            self.edge_line.setValue(math.log10(self.threshold))
            self.edge_label.setText(f"2/λmax = {self.threshold:.4g}")
            (x0, x1), (y0, y1) = box.viewRange()
            at = math.log10(self.threshold)
            left = at > 0.5 * (x0 + x1)  # the label on the side with room for it
            self.edge_label.setAnchor((1.05, 0.5) if left else (-0.05, 0.5))
            self.edge_label.setPos(at, 0.5 * (y0 + y1))
        self.edge_line.setVisible(finite)
        self.edge_label.setVisible(finite)
        self._describe()

    def _describe(self) -> None:
        result, (name, start, steps) = self.result, self.settings_used
        edge = measured_edge(result)
        parts = [f"<b>{get_optimizer(name).title}</b>, {steps} steps from "
                 f"({start[0]:.3g}, {start[1]:.3g}):"
                 f" <span style='color:{DIVERGED_COLOUR}'>×</span> diverged "
                 f"{int(result.diverged.sum())} of {len(result.lrs)}"]
        if edge is not None:
            parts.append(f"edge between η = {edge[0]:.3g} and {edge[1]:.3g}")
        if np.isfinite(self.threshold):
            parts.append(f"2/λ<sub>max</sub> = {self.threshold:.4g}")
        parts.append("<i>click a point to replay it</i>")
        self._set_title("<br>".join(parts))

    def _set_title(self, text: str) -> None:
        self.title.setText(text)

    def _on_points_clicked(self, item: pg.PlotDataItem, points, *_: object) -> None:
        if not len(points):
            return
        index = int(points[0].index())
        rows = self.stable_index if item is self.curve else self.diverged_index
        if 0 <= index < len(rows):
            self.select(int(rows[index]))

    def select(self, index: int) -> None:
        """Set the η of point ``index`` of the sweep and replay the run with it."""
        if self.result is None or not 0 <= index < len(self.result.lrs):
            return
        lr = float(self.result.lrs[index])
        self.chosen.setData([lr], [float(self.plotted[index])])
        c = self.controller
        if self.settings_used and c.settings.optimizer != self.settings_used[0]:
            c.update_settings(optimizer=self.settings_used[0])
        c.update_settings(lr=lr)
        window = self.context.parent()
        views = getattr(window, "views", None)
        controls = views.view("controlsView") if views is not None else None
        if controls is not None:
            controls.show_learning_rate(lr)  # the η box shows the chosen η
        c.restart()
        c.play()
        self.context.sigMessage.emit(f"η = {lr:.4g} from the sweep: replaying")

    def _on_theme(self, name: str) -> None:
        theme_plot(self.plot, name)
        foreground = FOREGROUND[name]
        self.curve.setPen(pg.mkPen(STABLE_COLOUR, width=2))
        self.curve.setSymbolBrush(pg.mkBrush(STABLE_COLOUR))
        self.curve.setSymbolPen(pg.mkPen(foreground, width=1))
        self.chosen.setSymbolPen(pg.mkPen(foreground, width=2.5))
        self.edge_label.fill = pg.mkBrush(BACKGROUND[name] + "d0")
        self.edge_label.update()

    def _on_text_size(self, points: int) -> None:
        size_plot_text(self.plot, points)
        font = QFont(QApplication.font())
        font.setPointSize(points)
        self.edge_label.setFont(font)

    def set_active(self, on: bool) -> None:
        """Hidden: a running sweep is cancelled (nothing works for a hidden view)."""
        super().set_active(on)
        if not on:
            self.job.cancel()
