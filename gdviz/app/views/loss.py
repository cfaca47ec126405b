"""The loss plot: f(x_t) against the step number t, one curve per run."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gdviz.app import style


class LossView(pg.PlotWidget):
    """f along each run; log scale on request (values ≤ 0 are then left out)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("lossPlot")
        self.setAccessibleName("Loss plot: f against step")
        plot = self.getPlotItem()
        plot.setLabel("bottom", "step t")
        plot.setLabel("left", "f(x<sub>t</sub>)")
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setMenuEnabled(False)
        self.curves: list[pg.PlotDataItem] = []
        self.log_scale = False

    def set_runs(self, count: int) -> None:
        """One curve per run, coloured like its path."""
        plot = self.getPlotItem()
        for curve in self.curves:
            plot.removeItem(curve)
        self.curves = [
            plot.plot(pen=pg.mkPen(style.run_colour(i), width=2.5)) for i in range(count)
        ]

    def set_log_scale(self, on: bool) -> None:
        self.log_scale = on
        self.getPlotItem().setLogMode(y=on)

    def set_visible(self, index: int, visible: bool) -> None:
        self.curves[index].setVisible(visible)

    def update_runs(self, losses: list[np.ndarray]) -> None:
        longest = max((len(v) for v in losses), default=1)
        self.getPlotItem().setXRange(0, max(10, longest - 1), padding=0.02)
        for curve, values in zip(self.curves, losses, strict=True):
            if self.log_scale:
                values = np.where(values > 0, values, np.nan)
            curve.setData(np.arange(len(values)), values, connect="finite")

    def values(self, index: int) -> np.ndarray:
        """The f values currently drawn for run ``index`` (for tests)."""
        _, y = self.curves[index].getData()
        return np.array([]) if y is None else np.asarray(y)
