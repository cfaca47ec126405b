"""Cross-sections with tangents: f(x, y_t) and f(x_t, y) through a run's current point.

Each section shows the current point and its tangent line, whose slope is the exact
partial derivative ∂f/∂x resp. ∂f/∂y: the two numbers the gradient is made of. The
helpers here (themed plots, the run chooser) are shared by the other small lecture panels.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.app.views.loss import GRID_COLOURS
from gdviz.core.calculus import Section, cross_sections
from gdviz.core.optimizers import get_optimizer

FOREGROUND = {"light": "#000000", "dark": "#e8e8e8"}
BACKGROUND = {"light": "#ffffff", "dark": "#1e1e1e"}
CURVE_COLOUR = {"light": "#333333", "dark": "#d0d0d0"}
PLOT_MIN_HEIGHT = 110
PANEL_HINT = QSize(480, 200)  # a bottom dock this tall leaves the map most of the height


# -- shared by the lecture panels ------------------------------------------------------
def make_plot(name: str, bottom: str, left: str) -> pg.PlotWidget:
    """A small pyqtgraph plot with axis labels, a grid and no context menu."""
    plot = pg.PlotWidget(objectName=name)
    plot.setMinimumHeight(PLOT_MIN_HEIGHT)
    item = plot.getPlotItem()
    item.setLabel("bottom", bottom)
    item.setLabel("left", left)
    item.showGrid(x=True, y=True)
    item.setMenuEnabled(False)
    item.hideButtons()
    item.disableAutoRange()
    item.getViewBox().setMouseEnabled(x=False, y=False)
    item.getAxis("left").enableAutoSIPrefix(False)
    item.getAxis("bottom").enableAutoSIPrefix(False)
    return plot


def theme_plot(plot: pg.PlotWidget, theme: str) -> None:
    """Background, axis text and grid lines for "light" or "dark"."""
    plot.setBackground(BACKGROUND[theme])
    for axis in plot.getPlotItem().axes.values():
        item = axis["item"]
        item.setPen(FOREGROUND[theme])
        item.setTextPen(FOREGROUND[theme])
        item.setTickPen(pg.mkPen(GRID_COLOURS[theme]))
        item.setStyle(tickAlpha=255, maxTickLevel=0)
        item.setZValue(-1)


def size_plot_text(plot: pg.PlotWidget, points: int) -> None:
    """Tick labels and axis titles at the application's point size."""
    font = QFont(QApplication.font())
    font.setPointSize(points)
    for axis in plot.getPlotItem().axes.values():
        item = axis["item"]
        item.setStyle(tickFont=font)
        item.label.setFont(font)
        item.resizeEvent()


def readable_colour(colour: str, theme: str) -> str:
    """A run colour that shows on the plot's background (white runs on light: black)."""
    if theme == "light" and colour.upper() in ("#FFFFFF", "#F0E442"):
        return "#7a6a00" if colour.upper() == "#F0E442" else "#000000"
    return colour


def swatch(colour: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class RunCombo(QComboBox):
    """Which run a panel follows; shown only when there are several runs."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName=name)
        self.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)  # long run names are elided, not the plots squeezed
        self.setToolTip("the run this panel follows")
        self.runs: list[tuple[object, int, str]] = []  # (group, row, colour)

    def set_groups(self, groups: list) -> None:
        """One item per run, in the runs' colours; keeps the choice if the count stays."""
        colours = style.run_colours(groups) if groups else []
        runs = [(g, row) for g in groups for row in range(g.size)]
        keep = self.currentIndex() if len(runs) == len(self.runs) else 0
        self.blockSignals(True)
        self.clear()
        self.runs = []
        for index, (group, row) in enumerate(runs):
            x, y = group.column("points")[0, row]
            title = get_optimizer(group.settings.optimizer).title
            self.addItem(swatch(colours[index]), f"{title} from ({x:.3g}, {y:.3g})")
            self.runs.append((group, row, colours[index]))
        self.setCurrentIndex(max(0, min(keep, len(runs) - 1)))
        self.blockSignals(False)
        self.setVisible(len(runs) > 1)

    def selected(self) -> tuple[object, int, str] | None:
        """(group, row, colour) of the chosen run, or None without runs."""
        index = self.currentIndex()
        return self.runs[index] if 0 <= index < len(self.runs) else None


# -- the view ---------------------------------------------------------------------------
class SectionPlot:
    """One section: the curve, the tangent line and the current point."""

    def __init__(self, name: str, axis: str) -> None:
        self.axis = axis
        self.plot = make_plot(name, axis, "f")
        item = self.plot.getPlotItem()
        self.curve = pg.PlotCurveItem()  # plain curves: a refresh costs a fraction of a ms
        self.tangent = pg.PlotCurveItem()
        self.marker = pg.ScatterPlotItem(size=13)
        for part in (self.curve, self.tangent, self.marker):
            item.addItem(part)
        self.label = QLabel(objectName=f"{name}Label")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)

    def set_colours(self, theme: str, run_colour: str) -> None:
        colour = readable_colour(run_colour, theme)
        self.curve.setPen(pg.mkPen(CURVE_COLOUR[theme], width=2.5))
        self.tangent.setPen(pg.mkPen(colour, width=3, style=Qt.PenStyle.DashLine))
        self.marker.setPen(pg.mkPen(FOREGROUND[theme], width=1.5))
        self.marker.setBrush(pg.mkBrush(colour))

    def clear(self, text: str) -> None:
        self.curve.setData([], [])
        self.tangent.setData([], [])
        self.marker.setData([], [])
        self.label.setText(text)

    def show(self, section: Section, fixed: float) -> None:
        self.curve.setData(section.at, section.f, connect="finite")
        s, line = section.tangent()
        finite = np.isfinite(section.value) and np.isfinite(section.slope)
        self.tangent.setData(s, line) if finite else self.tangent.setData([], [])
        self.marker.setData([section.point], [section.value]) if np.isfinite(
            section.value) else self.marker.setData([], [])
        other = "y" if self.axis == "x" else "x"
        slope = f"{section.slope:.4g}" if np.isfinite(section.slope) else "undefined"
        self.label.setText(f"<b>slope ∂f/∂{self.axis} = {slope}</b> &nbsp;"
                           f"(f along {self.axis} at {other} = {fixed:.3g})")
        self._fit(section)

    def _fit(self, section: Section) -> None:
        """Move the axes only when the curve leaves them or shrinks far inside (cheap)."""
        box = self.plot.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        x_range = (float(section.at[0]), float(section.at[-1]))
        values = section.f[np.isfinite(section.f)]
        if np.isfinite(section.value):
            values = np.append(values, section.value)
        y_range = None
        if values.size:
            lo, hi = float(values.min()), float(values.max())
            span = max(hi - lo, 1e-9 * max(1.0, abs(hi)))
            if lo < y0 or hi > y1 or (y1 - y0) > 1.5 * span:
                y_range = (lo - 0.08 * span, hi + 0.08 * span)
        if x_range != (x0, x1) or y_range is not None:
            box.setRange(xRange=x_range, yRange=y_range, padding=0)


class CrossSectionsView(PanelView):
    """f along x and along y through the current point, with the tangent lines."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.along_x = SectionPlot("sectionXPlot", "x")
        self.along_y = SectionPlot("sectionYPlot", "y")
        self.combo = RunCombo("sectionsRunCombo")
        self.combo.currentIndexChanged.connect(self._on_choice)
        header = QHBoxLayout()
        header.addWidget(self.along_x.label, 1)
        header.addWidget(self.along_y.label, 1)
        header.addWidget(self.combo)
        plots = QHBoxLayout()
        plots.addWidget(self.along_x.plot, 1)
        plots.addWidget(self.along_y.plot, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addLayout(plots, 1)
        self.theme = context.theme
        self._drawn = None  # what the plots show: skip a refresh that would change nothing
        c = self.controller
        c.sigRunsReset.connect(self._on_runs_reset)
        c.sigGridChanged.connect(self._on_refresh)
        context.sigRefresh.connect(self._on_refresh)
        context.sigTheme.connect(self._on_theme)
        context.sigTextSize.connect(self._on_text_size)
        self._on_text_size(QApplication.font().pointSize())
        self._on_runs_reset()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return PANEL_HINT

    def sections(self) -> tuple[SectionPlot, SectionPlot]:
        return self.along_x, self.along_y

    def _on_runs_reset(self) -> None:
        self.combo.set_groups(self.controller.groups)
        self._on_theme(self.theme)

    def _on_choice(self, _index: int) -> None:
        self._on_theme(self.theme)

    def _on_refresh(self, *_) -> None:
        if self.active:
            self.refresh()

    def _on_theme(self, name: str) -> None:
        self.theme = name
        chosen = self.combo.selected()
        for section in self.sections():
            theme_plot(section.plot, name)
            section.set_colours(name, chosen[2] if chosen else style.run_colour(0))
        self._drawn = None
        self._on_refresh()

    def _on_text_size(self, points: int) -> None:
        for section in self.sections():
            size_plot_text(section.plot, points)

    @guarded("the tangents view")
    def refresh(self) -> None:
        c, chosen = self.controller, self.combo.selected()
        if c.objective is None or chosen is None:
            self._drawn = None
            self.along_x.clear("Click the map to start a run.")
            self.along_y.clear("")
            return
        group, row, _ = chosen
        point = group.points[row].copy()
        view = c.view
        key = (id(c.objective), id(group), row, tuple(point), view)
        if key == self._drawn:
            return  # a stopped run, or nothing moved: the plots are up to date
        self._drawn = key
        if not np.isfinite(point).all():
            for section in self.sections():
                section.clear("The run's point is not a finite number.")
            return
        along_x, along_y = cross_sections(c.objective, point, (view.xmin, view.xmax),
                                          (view.ymin, view.ymax))
        self.along_x.show(along_x, float(point[1]))
        self.along_y.show(along_y, float(point[0]))
