"""The regression case study: fit a line y = θ0 + θ1 x to data by descending its cost.

The panel holds the data (the paper's by default: θ0 = 1, θ1 = 2, 100 points on [−5, 5],
σ = 0.1, seed 0; or a CSV file) and shows it with the least-squares line (dashed) and,
while the function on the map is this data's cost, each run's current line θ0 + θ1 x in
the run's colour. "Use as f" makes the cost the function (x is θ0, y is θ1 on the map);
the least-squares θ is then marked on the map with a star.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.app.views.sections import (
    FOREGROUND,
    make_plot,
    readable_colour,
    size_plot_text,
    theme_plot,
)
from gdviz.core.grid import ViewRange
from gdviz.core.regression import (
    MAX_SEED,
    MAX_SETTING,
    Dataset,
    DataSettings,
    RegressionDataError,
    RegressionSetup,
    cost_text,
    generate,
    least_squares,
    load_csv,
    mse_stop_rules,
    quadratic_coefficients,
    regression_view,
)
from gdviz.core.runs import StopRules
from gdviz.core.sweep import divergence_threshold

DATA_COLOURS = {"light": "#606060", "dark": "#b0b0b0"}
STAR_COLOUR = "#F0E442"  # Okabe–Ito yellow, black-edged: shows on every part of viridis
MAX_LABELLED_RUNS = 4  # the label lists this many runs' θ, then "…"


def start_for(view: ViewRange) -> tuple[float, float]:
    """θ = (0, 0), the usual first guess, if the view shows it; else near its lower left."""
    if view.xmin < 0 < view.xmax and view.ymin < 0 < view.ymax:
        return 0.0, 0.0
    return (view.xmin + 0.15 * (view.xmax - view.xmin),
            view.ymin + 0.15 * (view.ymax - view.ymin))


def line_of(theta: np.ndarray, xs: tuple[float, float]) -> tuple[list[float], list[float]]:
    """The line θ0 + θ1 x drawn between the two x of ``xs``."""
    t0, t1 = float(theta[0]), float(theta[1])
    return list(xs), [t0 + t1 * xs[0], t0 + t1 * xs[1]]


class RegressionView(PanelView):
    """The data, the least-squares line and each run's current line; "Use as f"."""

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.csv_data: Dataset | None = None  # a loaded file, until a value is edited
        self.data = generate()
        self.applied_text = ""  # the cost text last made the function
        self._mse_stop = False  # the MSE's Δθ stop rule was set by this view
        self.lines: list[pg.PlotCurveItem] = []
        self._pool: list[pg.PlotCurveItem] = []
        self._theme = context.theme
        self._build_controls()
        self._build_plot()
        self.star = pg.ScatterPlotItem(symbol="star", size=26, brush=pg.mkBrush(STAR_COLOUR),
                                       pen=pg.mkPen("#000000", width=1.5))
        self.star.setZValue(22)  # above the runs' paths: a converged run ends on it
        self.star.setToolTip("least-squares θ (numpy.linalg.lstsq)")
        context.contour.getPlotItem().addItem(self.star, ignoreBounds=True)
        self.star.hide()
        c = self.controller
        c.sigRunsReset.connect(self._on_runs_reset)
        c.sigFunctionAccepted.connect(lambda _: self._on_function())
        context.sigRefresh.connect(self._on_refresh)
        context.contour.sigRunVisibility.connect(self._on_run_visibility)
        context.sigTheme.connect(self._on_theme)
        context.sigTextSize.connect(lambda points: size_plot_text(self.plot, points))
        size_plot_text(self.plot, QApplication.font().pointSize())
        self._show_data()
        self._on_theme(context.theme)
        self._on_runs_reset()

    # -- construction ----------------------------------------------------------------
    def _build_controls(self) -> None:
        defaults = DataSettings()
        self.points_spin = QSpinBox(objectName="regressionPointsSpin")
        self.points_spin.setRange(2, 100_000)
        self.points_spin.setValue(defaults.points)
        top = MAX_SETTING
        self.noise_spin = self._double("regressionNoiseSpin", 0, top, defaults.noise, 0.05)
        self.theta0_spin = self._double("regressionTheta0Spin", -top, top, defaults.theta0, 0.5)
        self.theta1_spin = self._double("regressionTheta1Spin", -top, top, defaults.theta1, 0.5)
        self.seed_spin = QSpinBox(objectName="regressionSeedSpin")
        self.seed_spin.setRange(0, MAX_SEED)
        self.seed_spin.setValue(defaults.seed)
        for spin in (self.points_spin, self.seed_spin):
            spin.setKeyboardTracking(False)
        for spin in (self.points_spin, self.noise_spin, self.theta0_spin, self.theta1_spin,
                     self.seed_spin):
            spin.setMaximumWidth(110)  # the plot gets the width
        self.mse_check = QCheckBox("MSE (2/m gradient, Δθ stop)", objectName="regressionMseCheck")
        self.mse_check.setToolTip("the blog post's convention: MSE = 1/m Σ(θ0 + θ1x − y)², "
                                  "stopped when the step ‖Δθ‖ < 1e-9")
        self.load_button = QPushButton("Load CSV…", objectName="regressionLoadButton")
        self.load_button.setToolTip("fit (x, y) rows from a CSV file instead")
        self.apply_button = QPushButton("Use as f", objectName="regressionApplyButton")
        self.apply_button.setToolTip("make the cost J(θ0, θ1) the function on the map")
        self.error_label = QLabel(objectName="regressionError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("QLabel#regressionError { color: #c00000; "
                                       "font-weight: bold; }")
        self.error_label.hide()
        self.source_label = QLabel(objectName="regressionSource")
        self.source_label.setWordWrap(True)
        self.info_label = QLabel(objectName="regressionInfo")
        self.info_label.setTextFormat(Qt.TextFormat.RichText)
        self.info_label.setWordWrap(True)
        for label in (self.error_label, self.source_label, self.info_label):
            # Longer text wraps; it never widens the dock (that would resize the map).
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(120)
        for spin in (self.points_spin, self.noise_spin, self.theta0_spin, self.theta1_spin,
                     self.seed_spin):
            spin.valueChanged.connect(self._on_settings)
        self.mse_check.toggled.connect(self._on_mse)
        self.load_button.clicked.connect(self.load_file)
        self.apply_button.clicked.connect(self.apply)

    @staticmethod
    def _double(name: str, lo: float, hi: float, value: float, step: float) -> QDoubleSpinBox:
        spin = QDoubleSpinBox(objectName=name)
        spin.setRange(lo, hi)
        spin.setDecimals(3)
        spin.setSingleStep(step)
        spin.setValue(value)
        spin.setKeyboardTracking(False)
        return spin

    def _build_plot(self) -> None:
        self.plot = make_plot("regressionPlot", "x", "y")
        self.plot.setMinimumHeight(150)
        self.plot.setMinimumWidth(220)
        item = self.plot.getPlotItem()
        self.scatter = pg.ScatterPlotItem(size=6, pen=None)
        self.fit_line = pg.PlotDataItem()
        item.addItem(self.scatter)
        item.addItem(self.fit_line)
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        cells = (("points", self.points_spin), ("noise σ", self.noise_spin),
                 ("true θ₀", self.theta0_spin), ("true θ₁", self.theta1_spin),
                 ("seed", self.seed_spin))
        for index, (text, spin) in enumerate(cells):
            row, col = divmod(index, 2)
            label = QLabel(text)
            label.setBuddy(spin)
            grid.addWidget(label, row, 2 * col, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(spin, row, 2 * col + 1)
        grid.addWidget(self.mse_check, 3, 0, 1, 4)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.apply_button)
        side = QVBoxLayout()
        side.setSpacing(3)
        side.addLayout(grid)
        side.addLayout(buttons)
        for label in (self.error_label, self.source_label, self.info_label):
            side.addWidget(label)
        side.addStretch(1)
        inner = QWidget(objectName="regressionContent")
        top = QHBoxLayout(inner)
        top.setContentsMargins(0, 0, 0, 0)
        top.addLayout(side)
        top.addWidget(self.plot, 1)
        # At 1280×720 the right docks leave this one ~180 px: it scrolls, never pushes.
        scroll = QScrollArea(objectName="regressionScroll")
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(100)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(scroll)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(560, 300)

    # -- the data --------------------------------------------------------------------
    def settings(self) -> DataSettings:
        return DataSettings(self.points_spin.value(), self.noise_spin.value(),
                            self.theta0_spin.value(), self.theta1_spin.value(),
                            self.seed_spin.value())

    def _on_settings(self) -> None:
        try:
            data = generate(self.settings())
        except ValueError as exc:
            self._show_error(str(exc))
            return
        self.csv_data = None
        self._set_data(data)

    def _on_mse(self) -> None:
        self._show_data()
        if self.in_mode():
            self.apply()  # the other convention's cost replaces this one

    def load_file(self) -> None:
        """Ask for a CSV of (x, y); a bad file is refused with its line, nothing changes."""
        path, _ = QFileDialog.getOpenFileName(self, "Load (x, y) data", "",
                                              "CSV files (*.csv *.txt);;All files (*)")
        if not path:
            return
        try:
            data = load_csv(path)
            least_squares(data)
        except RegressionDataError as exc:
            self._show_error(f"⚠ {Path(path).name} not loaded: {exc}")
            return
        self.csv_data = Dataset(data.x, data.y, f"{Path(path).name}, {data.size} points")
        self._set_data(self.csv_data)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def _set_data(self, data: Dataset) -> None:
        was_mode = self.in_mode()
        self.data = data
        self.error_label.hide()
        self._show_data()
        if was_mode:
            self.apply()  # the map follows the data while it shows its cost

    def _show_data(self) -> None:
        data = self.data
        self.scatter.setData(data.x, data.y)
        self.x_span = (float(data.x.min()), float(data.x.max()))
        self.lstsq = least_squares(data)
        self.fit_line.setData(*line_of(np.array(self.lstsq), self.x_span))
        self.star.setData([self.lstsq[0]], [self.lstsq[1]])
        self.source_label.setText(f"data: {data.source}" + (
            " (edit a value above to go back to synthetic data)" if self.csv_data else ""))
        mse = self.mse_check.isChecked()
        a, b, c, *_ = quadratic_coefficients(data, mse)
        edge = divergence_threshold(np.array([[2 * a, b], [b, 2 * c]]))
        t0, t1 = self.lstsq
        self._header = [f"<b>least squares</b> (dashed): θ₀ = {t0:.8g}, θ₁ = {t1:.8g}",
                        f"plain GD on {'MSE' if mse else 'J'} is stable for "
                        f"η &lt; 2/λ<sub>max</sub> = {edge:.4g}"]
        self._frame_plot()
        self._update_info()

    def _frame_plot(self) -> None:
        (x0, x1), y = self.x_span, self.data.y
        ends = self.fit_line.getData()[1]
        lo, hi = float(min(y.min(), *ends)), float(max(y.max(), *ends))
        pad_x, pad_y = 0.05 * max(x1 - x0, 1e-9), 0.08 * max(hi - lo, 1e-9)
        self.plot.getPlotItem().getViewBox().setRange(
            xRange=(x0 - pad_x, x1 + pad_x), yRange=(lo - pad_y, hi + pad_y), padding=0)

    # -- lessons -----------------------------------------------------------------------
    def lesson_setup(self) -> RegressionSetup | None:
        """The data and convention to save with a lesson, while f is their cost."""
        if not self.in_mode():
            return None
        mse = self.mse_check.isChecked()
        if self.csv_data is None:
            return RegressionSetup(self.settings(), mse)
        data = self.csv_data
        return RegressionSetup(self.settings(), mse, tuple(map(float, data.x)),
                               tuple(map(float, data.y)), data.source)

    def restore(self, setup: RegressionSetup, function: str) -> None:
        """Show a lesson's data; its cost is "in mode" if it is the lesson's function."""
        d = setup.settings
        values = {self.points_spin: d.points, self.noise_spin: d.noise,
                  self.theta0_spin: d.theta0, self.theta1_spin: d.theta1,
                  self.seed_spin: d.seed}
        for widget in (*values, self.mse_check):
            widget.blockSignals(True)
        for spin, value in values.items():
            spin.setValue(value)
        self.mse_check.setChecked(setup.mse)
        for widget in (*values, self.mse_check):
            widget.blockSignals(False)
        self.data = setup.dataset()
        self.csv_data = self.data if setup.x is not None else None
        self.error_label.hide()
        self._show_data()
        text = self.current_cost_text()
        self.applied_text = text if text == function else ""
        self._mse_stop = setup.mse and bool(self.applied_text)
        self._sync_mode()

    # -- the function ----------------------------------------------------------------
    def current_cost_text(self) -> str:
        return cost_text(self.data, mse=self.mse_check.isChecked())

    def in_mode(self) -> bool:
        """True while the function on the map is (or is about to be) this data's cost."""
        c = self.controller
        return bool(self.applied_text) and self.applied_text in (c.text, c.wanted_text)

    def apply(self) -> None:
        """Make the cost the function: its view centred on the least-squares θ, one start."""
        c = self.controller
        text, view = self.current_cost_text(), regression_view(self.data)
        self.applied_text = text
        window = self.context.parent()
        if hasattr(window, "frame_next_grid"):
            window.frame_next_grid()  # the map shows the cost's whole view
        c.apply_scene(text, view, (start_for(view),))
        c.scene_label = "regression cost"
        stop = c.settings.stop
        if self.mse_check.isChecked():
            c.update_settings(stop=mse_stop_rules(max_steps=stop.max_steps))
            self._mse_stop = True
        elif self._mse_stop:
            c.update_settings(stop=StopRules(max_steps=stop.max_steps))
            self._mse_stop = False

    def _on_function(self) -> None:
        self._sync_mode()
        if self.active:
            self.refresh()

    def _sync_mode(self) -> None:
        on = self.in_mode()
        self.star.setVisible(self.active and on)
        for line in self.lines:
            line.setVisible(on and getattr(line, "run_visible", True))

    # -- following the runs ----------------------------------------------------------
    def _on_runs_reset(self) -> None:
        groups = self.controller.groups
        colours = style.run_colours(groups) if groups else []
        item = self.plot.getPlotItem()
        while len(self._pool) < len(colours):
            line = pg.PlotCurveItem()
            item.addItem(line)
            self._pool.append(line)
        for index, line in enumerate(self._pool):
            if index < len(colours):
                line.setPen(pg.mkPen(readable_colour(colours[index], self._theme), width=2.5))
                line.colour = colours[index]
            line.run_visible = True
            line.drawn = None
            line.setData([], [])
            line.setVisible(index < len(colours))
        self.lines = self._pool[: len(colours)]
        self._sync_mode()
        self._on_refresh()

    def _on_run_visibility(self, index: int, visible: bool) -> None:
        if index < len(self.lines):
            self.lines[index].run_visible = visible
            self.lines[index].setVisible(visible and self.in_mode())

    def _on_refresh(self) -> None:
        if self.active:
            self.refresh()

    def set_active(self, on: bool) -> None:
        super().set_active(on)
        self._sync_mode()

    @guarded("the regression view")
    def refresh(self) -> None:
        groups = self.controller.groups
        if self.in_mode() and len(self.lines) == sum(g.size for g in groups):
            points = [p for g in groups for p in g.points]
            for line, theta in zip(self.lines, points, strict=True):
                key = (float(theta[0]), float(theta[1]), self.x_span)
                if line.drawn != key:  # a stopped run's line is already drawn
                    line.drawn = key
                    line.setData(*line_of(theta, self.x_span))
        self._update_info()

    def _update_info(self) -> None:
        name = "MSE" if self.mse_check.isChecked() else "J"
        rows = list(self._header)
        groups = self.controller.groups if self.in_mode() else []
        colours = style.run_colours(groups) if groups else []
        runs = [(g.points[row], g.values[row]) for g in groups for row in range(g.size)]
        for index, ((p0, p1), value) in enumerate(runs[:MAX_LABELLED_RUNS]):
            colour = readable_colour(colours[index], self._theme)
            rows.append(f"<span style='color:{colour}'>■</span> run {index + 1}: "
                        f"θ = ({p0:.6g}, {p1:.6g}), {name} = {value:.6g}")
        if len(runs) > MAX_LABELLED_RUNS:
            rows.append(f"… and {len(runs) - MAX_LABELLED_RUNS} more runs")
        if not self.in_mode():
            rows.append(f"<i>“Use as f” to fit the line by descent on {html.escape(name)}"
                        "(θ₀, θ₁)</i>")
        self.info_label.setText("<br>".join(rows))

    def _on_theme(self, name: str) -> None:
        self._theme = name
        theme_plot(self.plot, name)
        self.scatter.setBrush(pg.mkBrush(DATA_COLOURS[name]))
        self.fit_line.setPen(pg.mkPen(FOREGROUND[name], width=2.5, style=Qt.PenStyle.DashLine))
        for line in self.lines:
            line.setPen(pg.mkPen(readable_colour(line.colour, name), width=2.5))
        self._update_info()
