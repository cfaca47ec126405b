"""Basins of attraction: colour every start of a grid by the minimum its descent reaches.

"Compute" descends from every start of an n×n grid over the map's view at once
(:func:`gdviz.core.basins.basins`, the Method tab's optimizer and η) in the background
(:class:`~gdviz.app.jobs.Job`). The map then gets a semi-transparent image (between f's
colours and the isolines) with one colour-blind-safe colour per basin and dark-grey
hatching where the descent did not settle, and a white-edged marker on each minimum. The
panel's legend lists the basins with their minima and counts.

A new function clears the picture and cancels a computation. A zoom or pan makes the
picture stale too: the computation (running, or done) starts again over the new view, the
old picture staying until the new one lands (no flicker); hiding the view cancels it.
"""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gdviz.app.jobs import Job
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.core.basins import BasinMap, basins
from gdviz.core.grid import ViewRange
from gdviz.core.optimizers import get_optimizer

# Paul Tol's "bright" qualitative scheme, safe for colour blindness (its grey is kept for
# the starts that did not settle).
BASIN_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377")
UNSETTLED_COLOUR = "#333333"
ALPHA = 0.45
LEGEND_ROWS = 8  # basins listed; the rest are counted


def basin_colour(index: int) -> str:
    return BASIN_COLOURS[index % len(BASIN_COLOURS)]


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def basin_image(labels: np.ndarray, alpha: float = ALPHA) -> np.ndarray:
    """RGBA (n, n, 4) uint8 of ``labels``: a colour per basin, hatched grey for −1."""
    n_rows, n_cols = labels.shape
    table = np.array([(*_rgb(c), round(255 * alpha)) for c in BASIN_COLOURS], np.uint8)
    rgba = table[np.maximum(labels, 0) % len(BASIN_COLOURS)]
    rows, cols = np.indices((n_rows, n_cols))
    stripe = ((rows + cols) // 2) % 2 == 0  # diagonal hatching, two cells a stripe
    unsettled = labels < 0
    rgba[unsettled] = (*_rgb(UNSETTLED_COLOUR), round(255 * min(1.0, alpha + 0.3)))
    rgba[unsettled & ~stripe, 3] = round(255 * alpha * 0.4)
    return rgba


def image_rect(result: BasinMap) -> QRectF:
    """The image's rectangle: each cell centred on its start (half a cell past the view)."""
    xs, ys = result.xs, result.ys
    dx = (xs[-1] - xs[0]) / max(len(xs) - 1, 1)
    dy = (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
    return QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy)


class BasinsView(PanelView):
    """Grid size, steps, Compute/Cancel, progress and a legend; the overlay on the map."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.result: BasinMap | None = None
        self.legend_rows: list[str] = []
        self._params: tuple | None = None  # (n, optimizer, lr, hyper, steps, bound)
        self._view: ViewRange | None = None  # the view of the job running
        self.job = Job(self)
        self.job.follow(self.controller)
        context.destroyed.connect(self.job.close)
        self._build()
        self._add_overlay()
        self.job.sigProgress.connect(lambda f: self.progress.setValue(int(1000 * f)))
        self.job.sigFinished.connect(self._on_result)
        self.job.sigFailed.connect(self._on_failed)
        self.job.sigCancelled.connect(self._on_cancelled)
        self.job.sigRunningChanged.connect(self._sync_buttons)
        c = self.controller
        c.sigFunctionAccepted.connect(self._on_function)
        c.sigGridChanged.connect(self._on_grid)
        c.sigPendingChanged.connect(self._sync_buttons)
        self._sync_buttons()

    def _build(self) -> None:
        self.grid_spin = QSpinBox(objectName="basinsGridSpin")
        self.grid_spin.setRange(10, 1000)
        self.grid_spin.setValue(200)
        self.grid_spin.setToolTip("starts per side of the grid over the map's view")
        self.steps_spin = QSpinBox(objectName="basinsStepsSpin")
        self.steps_spin.setRange(1, 100_000)
        self.steps_spin.setValue(200)
        self.run_button = QPushButton("Compute", objectName="basinsRunButton")
        self.run_button.setToolTip("descend from every start of the grid with the Method "
                                   "tab's optimizer and η")
        self.cancel_button = QPushButton("Cancel", objectName="basinsCancelButton")
        self.progress = QProgressBar(objectName="basinsProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.legend = QLabel(objectName="basinsLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A longer legend wraps; it never widens the dock (that would resize the map).
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.legend.setMinimumWidth(120)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.job.cancel)
        row = QHBoxLayout()
        for text, spin in (("grid", self.grid_spin), ("steps", self.steps_spin)):
            label = QLabel(text)
            label.setBuddy(spin)
            row.addWidget(label)
            row.addWidget(spin)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(3)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        scroll = QScrollArea(objectName="basinsLegendScroll")
        scroll.setWidget(self.legend)  # a long legend scrolls: the dock keeps its size
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(48)
        layout.addWidget(scroll, 1)
        self._set_legend(["<i>Compute: every start of a grid over the map, coloured by the "
                          "minimum its descent reaches</i>"])

    def _add_overlay(self) -> None:
        plot = self.context.contour.getPlotItem()
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setObjectName("basinsOverlay")
        self.overlay.setZValue(2)  # over f's colours (0), under isolines (5) and runs (20)
        self.overlay.setCacheMode(QGraphicsItem.CacheMode.ItemCoordinateCache)
        self.markers = pg.ScatterPlotItem(symbol="o", size=15, pen=pg.mkPen("w", width=2.5))
        self.markers.setZValue(6)
        for item in (self.overlay, self.markers):
            plot.addItem(item, ignoreBounds=True)
            item.hide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(300, 260)

    # -- running ---------------------------------------------------------------------
    def run(self) -> None:
        """Compute the basins over the part of the map on screen."""
        c = self.controller
        if c.objective is None or c.preparing:
            return
        s = c.settings
        self._params = (self.grid_spin.value(), s.optimizer, s.lr, s.hyperparams(),
                        self.steps_spin.value(), s.stop.bound)
        (x0, x1), (y0, y1) = self.context.contour.getPlotItem().getViewBox().viewRange()
        self._start(ViewRange(float(x0), float(x1), float(y0), float(y1)))  # what is seen

    def _start(self, view: ViewRange) -> None:
        objective, (n, name, lr, hyper, steps, bound) = self.controller.objective, self._params
        self._view = view
        self.progress.setValue(0)

        def work(cancelled, progress):
            return basins(objective, view, n, name, lr, hyper, steps, bound=bound,
                          cancelled=cancelled, progress=progress)

        self.job.start(work, text=self.controller.text, view=view)
        self._set_legend([f"computing {n}×{n} starts × {steps} steps of "
                          f"{get_optimizer(name).title}, η = {lr:.4g} …"])

    def _sync_buttons(self, *_: object) -> None:
        running = self.job.running
        ready = self.controller.objective is not None and not self.controller.preparing
        self.run_button.setEnabled(ready and not running)
        self.cancel_button.setEnabled(running)

    def _on_grid(self, grid) -> None:
        """A zoom or pan: the same work again over the new view (stale work cancelled)."""
        if not self.active or self._params is None or grid.view == self._view:
            return
        same_function = self.result is not None and self._result_text == self.controller.text
        if self.controller.objective is not None and (self.job.running or same_function):
            self._start(grid.view)

    def _on_function(self, text: str) -> None:
        if self.result is not None and text != self._result_text:
            self.clear("f changed: Compute again")

    def _on_cancelled(self) -> None:
        self.progress.reset()
        if self.result is None:
            self._set_legend(["<i>cancelled</i>"])
        else:
            self._show_legend()

    def _on_failed(self, error: Exception) -> None:
        self.progress.reset()
        self._set_legend([f"<span style='color:#c00000'>⚠ could not compute the basins: "
                          f"{html.escape(str(error))}</span>"])

    def clear(self, note: str = "") -> None:
        """Remove the picture (stale: the function changed)."""
        self.result = None
        self.overlay.clear()
        self.overlay.hide()
        self.markers.setData([], [])
        self.markers.hide()
        self._set_legend([f"<i>{note}</i>"] if note else [])

    # -- the result ------------------------------------------------------------------
    def _on_result(self, result: BasinMap) -> None:
        self.progress.reset()
        self.result, self._result_text = result, self.controller.text
        self._result_params = self._params
        self.overlay.setImage(basin_image(result.labels), autoLevels=False)
        self.overlay.setRect(image_rect(result))
        brushes = [pg.mkBrush(basin_colour(i)) for i in range(len(result.minima))]
        self.markers.setData(pos=result.minima, brush=brushes)
        self.set_items_visible(self.active)
        self._show_legend()

    def _show_legend(self) -> None:
        result = self.result
        n, name, lr, _, steps, _ = self._result_params
        total = result.labels.size
        k = len(result.minima)
        rows = [f"<b>{k} basin{'' if k == 1 else 's'}</b> · {n}×{n} starts, "
                f"{get_optimizer(name).title}, η = {lr:.4g}, {steps} steps"]
        for index in range(min(len(result.minima), LEGEND_ROWS)):
            (x, y), f, count = result.minima[index], result.minima_f[index], result.counts[index]
            rows.append(f"<span style='color:{basin_colour(index)}'>■</span> min "
                        f"({x:.4g}, {y:.4g}), f = {f:.4g}: {count} starts "
                        f"({100 * count / total:.0f}%)")
        if len(result.minima) > LEGEND_ROWS:
            rest = int(result.counts[LEGEND_ROWS:].sum())
            rows.append(f"… {len(result.minima) - LEGEND_ROWS} more basins: {rest} starts")
        unsettled = int(total - result.settled.sum())
        rows.append(f"<span style='color:{UNSETTLED_COLOUR}; background:#bbbbbb'>▨</span> "
                    f"not settled: {unsettled} starts ({100 * unsettled / total:.0f}%)")
        self._set_legend(rows)

    def _set_legend(self, rows: list[str]) -> None:
        self.legend_rows = rows
        self.legend.setText("<br>".join(rows))

    # -- shown or hidden ---------------------------------------------------------------
    def set_items_visible(self, on: bool) -> None:
        shown = on and self.result is not None
        self.overlay.setVisible(shown)
        self.markers.setVisible(shown)

    def set_active(self, on: bool) -> None:
        """Hidden: the overlay goes and a running computation is cancelled."""
        super().set_active(on)
        self.set_items_visible(on)
        if not on:
            self.job.cancel()
