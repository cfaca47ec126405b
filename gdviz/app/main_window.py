"""The main window: wires the controller to the views."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gdviz.app import style
from gdviz.app.controller import Controller
from gdviz.app.views.contour import ContourView, RunFrame
from gdviz.app.views.controls import ControlsPanel
from gdviz.app.views.loss import GRID_COLOURS, LossView
from gdviz.app.views.maths import MathsPanel
from gdviz.core.expression import ExpressionError
from gdviz.core.grid import Grid, ViewRange
from gdviz.core.lesson import LOCKABLE, Lesson, Panels
from gdviz.core.optimizers import get_optimizer
from gdviz.core.presets import DEFAULT_PRESET, PRESETS
from gdviz.core.runs import RUNNING, RunGroup, legend_rows
from gdviz.core.schedules import parse_schedule

LOCK_TITLES = {"functionEdit": "Function box", "presetCombo": "Presets",
               "optimizerCombo": "Method", "learningRateSpin": "Learning rate",
               "speedSlider": "Speed", "settingsTabs": "Method and race tabs",
               "raceTab": "Race tab"}
AUTOSAVE_MS = 30_000  # the lesson on screen is saved this often while gdviz runs
EDIT_PAUSE_MS = 700  # a pause in typing this long applies the edit
PANEL_INTERVAL_MS = 50  # loss plot and status text follow a live run 20 times a second


def run_frames(group: RunGroup) -> list[RunFrame]:
    """What the map draws of each run of ``group``: path, ∇f and the next step explained."""
    proposed, info = group.proposed_step()
    lr = group.settings.schedule.lr_at(group.settings.lr, group.steps)
    frames = []
    for row in range(group.size):
        with np.errstate(all="ignore"):  # a diverging run's buffers may overflow: drawn as is
            momentum = None if info.velocity is None else -lr[row] * info.velocity[row]
            adaptive = None if info.effective_lr is None else info.effective_lr[row] / lr[row]
        frames.append(RunFrame(group.path(row), group.grads[row], proposed[row],
                               bool(group.status[row] == RUNNING), momentum, adaptive))
    return frames


def error_html(text: str, error: ExpressionError) -> str:
    """The message, and the text with the faulty span underlined in red."""
    start, end = max(0, error.start), min(len(text), max(error.end, error.start + 1))
    shown = text if len(text) <= 200 else text[:200] + "…"
    before, bad, after = (html.escape(part, quote=False) for part in
                          (shown[:start], shown[start:end] or " ", shown[end:]))
    underline = ("color:#c00000; text-decoration:underline; background:#ffe0e0;"
                 "font-weight:bold")
    return (f"<b style='color:#c00000'>⚠ {html.escape(str(error), quote=False)}</b><br>"
            f"<span style='font-family:monospace'>{before}"
            f"<span style='{underline}'>{bad}</span>{after}</span>")


class MainWindow(QMainWindow):
    """One window: function box, contour map, controls, maths, status and loss plot."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("gdviz — gradient descent, visualised")
        self.controller = controller
        self._grid_framed = False
        self._run_colours: list[str] = []  # of the runs shown, in order
        self.session_store = None

        self.function_edit = QLineEdit(objectName="functionEdit")
        self.function_edit.setPlaceholderText("Type f(x, y), e.g. x^2 + 3y^2, then Enter")
        self.function_edit.setClearButtonEnabled(True)
        self.function_edit.setAccessibleName("Function f(x, y)")
        # The error floats under the box instead of pushing the map down: no relayout.
        self.function_error = QLabel(objectName="functionError")
        self.function_error.setTextFormat(Qt.TextFormat.RichText)
        self.function_error.setWordWrap(True)
        self.function_error.setAutoFillBackground(True)
        self.function_error.setStyleSheet(
            "QLabel#functionError { background: #fff4f4; border: 2px solid #c00000;"
            " border-radius: 4px; padding: 4px 8px; }")
        self.function_error.hide()
        self.preset_combo = QComboBox(objectName="presetCombo")
        for preset in PRESETS:
            self.preset_combo.addItem(preset.name)
            self.preset_combo.setItemData(self.preset_combo.count() - 1, preset.note,
                                          Qt.ItemDataRole.ToolTipRole)

        self.contour = ContourView()
        self.loss = LossView()
        self.controls = ControlsPanel()
        self.maths = MathsPanel()
        self.status_label = QLabel(objectName="statusLabel")
        self.status_label.setTextFormat(Qt.TextFormat.RichText)
        self.status_label.setWordWrap(True)
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.hover_label = QLabel(objectName="hoverLabel")
        self.log_check = QCheckBox("log scale", objectName="logScaleCheck")

        self._build_layout()
        self._build_menus()
        self._connect()
        self._edit_timer = QTimer(self, singleShot=True, interval=EDIT_PAUSE_MS)
        self._edit_timer.timeout.connect(self.apply_function)
        self._panel_timer = QTimer(self, singleShot=True, interval=PANEL_INTERVAL_MS)
        self._panel_timer.timeout.connect(self._update_panels)
        self.resize(1280, 720)

    # -- construction ------------------------------------------------------------------
    def _build_layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>f(x, y) =</b>"))
        top.addWidget(self.function_edit, 1)
        top.addWidget(QLabel("Preset"))
        top.addWidget(self.preset_combo)

        right = QWidget()
        side_layout = QVBoxLayout(right)
        side_layout.setContentsMargins(4, 0, 0, 0)
        side_layout.setSpacing(4)
        side_layout.addWidget(self.maths)
        side_layout.addWidget(self.controls)
        side_layout.addWidget(self.status_label)
        loss_header = QHBoxLayout()
        self.loss_title = QLabel("<b>Loss</b> f(x<sub>t</sub>) against step t")
        loss_header.addWidget(self.loss_title)
        loss_header.addStretch(1)
        loss_header.addWidget(self.log_check)
        side_layout.addLayout(loss_header)
        side_layout.addWidget(self.loss, 1)

        main = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        main.addWidget(self.contour)
        main.addWidget(right)
        main.setStretchFactor(0, 3)
        main.setStretchFactor(1, 2)
        main.setChildrenCollapsible(False)
        main.setSizes([700, 560])
        self.contour.setMinimumSize(360, 300)
        self.loss.setMinimumHeight(120)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addLayout(top)
        layout.addWidget(main, 1)
        self.setCentralWidget(central)
        self.function_error.setParent(central)
        self.function_error.hide()
        self.statusBar().addWidget(self.hover_label, 1)

    def _build_menus(self) -> None:
        from gdviz.app.file_actions import FileActions

        self.files = FileActions(self)
        view_menu = self.menuBar().addMenu("&View")
        self.lesson_mode_action = QAction("&Lesson mode (hide locked controls)", self,
                                          checkable=True)
        self.lesson_mode_action.toggled.connect(lambda _: self._apply_locks())
        view_menu.addAction(self.lesson_mode_action)
        lock_menu = view_menu.addMenu("Controls &locked in lesson mode")
        self.lock_actions: dict[str, QAction] = {}
        for name in LOCKABLE:
            action = QAction(LOCK_TITLES.get(name, name), self, checkable=True)
            action.toggled.connect(lambda _: self._apply_locks())
            lock_menu.addAction(action)
            self.lock_actions[name] = action
        view_menu.addSeparator()
        self.panel_actions: dict[str, QAction] = {}
        for name, title in (("maths", "&Maths panel"), ("status", "&Status"),
                            ("loss", "L&oss plot")):
            action = QAction(title, self, checkable=True, checked=True)
            action.toggled.connect(lambda _: self._apply_panels())
            view_menu.addAction(action)
            self.panel_actions[name] = action
        view_menu.addSeparator()
        self.dark_action = QAction("&Dark theme", self, checkable=True)
        self.dark_action.toggled.connect(lambda on: self.apply_theme("dark" if on else "light"))
        view_menu.addAction(self.dark_action)
        for title, keys, delta in (("&Larger text", QKeySequence.StandardKey.ZoomIn, 1),
                                   ("S&maller text", QKeySequence.StandardKey.ZoomOut, -1)):
            action = QAction(title, self, shortcut=keys)
            action.triggered.connect(lambda _=False, d=delta: self.change_text_size(d))
            view_menu.addAction(action)
        # Window-wide keys; holding → or ← repeats (button shortcuts would merge presses).
        c = self.controller
        for key, slot in (("Space", c.toggle_play), ("Right", lambda: c.step()),
                          ("Left", c.step_back), ("R", c.restart)):
            QShortcut(QKeySequence(key), self, activated=slot,
                      autoRepeat=key in ("Left", "Right"))
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About gdviz", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def _connect(self) -> None:
        c, controls = self.controller, self.controls
        self.function_edit.textEdited.connect(lambda _: self._edit_timer.start())
        self.function_edit.returnPressed.connect(self.apply_function)
        self.preset_combo.activated.connect(lambda i: self.load_preset(PRESETS[i]))
        c.sigGridChanged.connect(self._on_grid)
        c.sigFunctionAccepted.connect(self._on_function_accepted)
        c.sigFunctionError.connect(self._on_function_error)
        c.sigFunctionChanged.connect(self._on_objective)
        c.sigRunsReset.connect(self._on_runs_reset)
        c.sigStepped.connect(self._on_stepped)
        c.sigPlayingChanged.connect(controls.set_playing)
        self.contour.sigClicked.connect(lambda x, y, shift: c.set_start(x, y, add=shift))
        self.contour.sigHovered.connect(self._on_hover)
        self.contour.sigViewChanged.connect(c.set_view)
        self.contour.sigRunVisibility.connect(self.loss.set_visible)
        controls.play_button.clicked.connect(c.toggle_play)
        controls.step_button.clicked.connect(lambda: c.step())
        controls.step_back_button.clicked.connect(c.step_back)
        controls.reset_button.clicked.connect(c.restart)
        controls.sigLearningRate.connect(lambda lr: c.update_settings(lr=lr))
        controls.sigSpeed.connect(c.set_speed)
        controls.sigOptimizer.connect(self._on_optimizer)
        controls.sigHyper.connect(self._on_hyper)
        controls.sigRace.connect(c.set_race)
        controls.sigMaxSteps.connect(self._on_max_steps)
        controls.sigShowGradient.connect(lambda on: self._show_arrows("show_gradient", on))
        controls.sigShowStep.connect(lambda on: self._show_arrows("show_step", on))
        controls.sigShowMomentum.connect(lambda on: self._show_arrows("show_momentum", on))
        controls.sigShowAdaptive.connect(lambda on: self._show_arrows("show_adaptive", on))
        controls.sigSchedule.connect(self._on_schedule)
        controls.sigNoise.connect(lambda sigma: c.update_settings(noise=sigma))
        self.log_check.toggled.connect(self._on_log_scale)
        self.maths.sigHessianRequested.connect(self._on_hessian_requested)

    # -- user actions ------------------------------------------------------------------
    def apply_function(self) -> None:
        """Apply the function box's text now."""
        self._edit_timer.stop()
        self.controller.set_function(self.function_edit.text())

    def load_preset(self, preset) -> None:
        self._grid_framed = False
        self.preset_combo.setCurrentIndex(PRESETS.index(preset))
        self.function_edit.setText(preset.function)
        self.controls.learning_rate_spin.blockSignals(True)
        self.controls.learning_rate_spin.setValue(preset.lr)
        self.controls.learning_rate_spin.blockSignals(False)
        self.controller.load_preset(preset)

    def _on_optimizer(self, name: str) -> None:
        self.controls.show_hyperparams(name)
        self.controller.update_settings(optimizer=name)

    def _on_hyper(self, name: str, value: float) -> None:
        hyper = {**self.controller.settings.hyper, name: value}
        self.controller.update_settings(hyper=hyper)

    def _on_max_steps(self, steps: int) -> None:
        from dataclasses import replace

        stop = replace(self.controller.settings.stop, max_steps=steps)
        self.controller.update_settings(stop=stop)

    def _on_schedule(self, text: str) -> None:
        combo = self.controls.schedule_combo
        try:
            schedule = parse_schedule(text)
        except ValueError as exc:
            combo.setStyleSheet("QComboBox { border: 2px solid #c00000; }")
            combo.setToolTip(str(exc))
            self.statusBar().showMessage(f"Schedule not changed: {exc}", 10_000)
            return
        combo.setStyleSheet("")
        combo.setToolTip(schedule.to_text())
        self.controller.update_settings(schedule=schedule)

    def _show_arrows(self, kind: str, on: bool) -> None:
        setattr(self.contour, kind, on)
        self._on_stepped()

    def _on_log_scale(self, on: bool) -> None:
        self.loss.set_log_scale(on)
        self._on_stepped()

    def show_about(self) -> None:
        from gdviz.versions import version_report

        QMessageBox.about(self, "About gdviz", version_report(html=True))

    # -- controller events -------------------------------------------------------------
    def _on_grid(self, grid: Grid) -> None:
        self.contour.show_grid(grid, reset_range=not self._grid_framed)
        self._grid_framed = True

    def _on_function_accepted(self, text: str) -> None:
        self.function_error.hide()
        self.function_error.clear()
        if self.function_edit.text() != text and not self.function_edit.hasFocus():
            self.function_edit.setText(text)
        self.maths.show_pending()

    def _on_function_error(self, error: ExpressionError) -> None:
        label = self.function_error
        label.setText(error_html(self.function_edit.text(), error))
        edit = self.function_edit.geometry()
        label.setFixedWidth(edit.width())
        label.adjustSize()
        label.move(edit.left(), edit.bottom() + 4)
        label.show()
        label.raise_()

    def _on_objective(self, objective) -> None:
        self.maths.show_maths(objective.math_html())

    def _on_hessian_requested(self) -> None:
        objective = self.controller.objective
        if objective is not None:
            self.maths.show_hessian(objective.hessian_html())

    def _on_hover(self, x: float, y: float) -> None:
        objective = self.controller.objective
        if objective is None:
            self.hover_label.setText(f"x = {x:.4g}, y = {y:.4g}")
            return
        value, (gx, gy) = objective.value_and_gradient_at(x, y)
        self.hover_label.setText(
            f"at ({x:.4g}, {y:.4g}):  f = {value:.6g}   ∇f = ({gx:.4g}, {gy:.4g})")

    def _on_runs_reset(self) -> None:
        groups = self.controller.groups
        starts = [tuple(p) for g in groups for p in g.column("points")[0]]
        self._run_colours = style.run_colours(groups)
        self.contour.set_runs(starts, self._run_colours, legend_rows(groups))
        self.loss.set_runs(self._run_colours)
        self._on_stepped()

    def _on_stepped(self) -> None:
        """Redraw paths and arrows now; loss plot and status follow at most 20 times/s."""
        groups = self.controller.groups
        if groups and self.contour.run_count == sum(g.size for g in groups):
            self.contour.update_runs([frame for g in groups for frame in run_frames(g)])
        if not self.controller.playing:
            self._update_panels()
        elif not self._panel_timer.isActive():
            self._panel_timer.start()

    def _update_panels(self) -> None:
        groups = self.controller.groups
        if groups and len(self.loss.curves) == sum(g.size for g in groups):
            self.loss.update_runs([g.losses(row) for g in groups for row in range(g.size)])
        self._update_status()

    def _update_status(self) -> None:
        groups = self.controller.groups
        if not groups:
            text = ("Click the map to choose a start point." if self.controller.objective
                    else "Preparing the gradient…")
            self.status_label.setText(text)
            return
        runs = [(group, row) for group in groups for row in range(group.size)]
        detailed = len(runs) <= 3
        lines = []
        for index, (group, row) in enumerate(runs[:8]):
            title = html.escape(get_optimizer(group.settings.optimizer).title)
            x, y = group.points[row]
            gx, gy = group.grads[row]
            swatch = f"<span style='color:{self._run_colours[index]}'>■</span>"
            message = html.escape(group.message(row))
            norm = f"‖∇f‖ = {np.hypot(gx, gy):.3g}"
            head = (f"{swatch} <b>{title}</b> t = {int(group.steps[row])}, "
                    f"f = {group.values[row]:.6g}, {norm}")
            if detailed:
                lines.append(f"{head}<br>&nbsp;&nbsp;&nbsp;x<sub>t</sub> = ({x:.5g}, {y:.5g}), "
                             f"∇f = ({gx:.4g}, {gy:.4g}) — <i>{message}</i>")
            else:
                lines.append(f"{head} — <i>{message}</i>")
        if len(runs) > 8:
            lines.append(f"… and {len(runs) - 8} more runs")
        self.status_label.setText("<br>".join(lines))

    # -- lessons -----------------------------------------------------------------------
    def lesson(self) -> Lesson:
        """Everything on screen that a lesson file keeps."""
        c = self.controller
        (x0, x1), (y0, y1) = self.contour.getPlotItem().getViewBox().viewRange()
        preset = PRESETS[self.preset_combo.currentIndex()]
        return Lesson(
            function=c.text or self.function_edit.text(),
            view=ViewRange(float(x0), float(x1), float(y0), float(y1)),
            preset=preset.name if preset.function == c.text else None,
            starts=tuple((float(x), float(y)) for x, y in c.starts),
            race=tuple(c.race),
            settings=c.settings,
            panels=Panels(**{name: a.isChecked() for name, a in self.panel_actions.items()}),
            theme="dark" if self.dark_action.isChecked() else "light",
            locked=tuple(name for name, a in self.lock_actions.items() if a.isChecked()),
            lesson_mode=self.lesson_mode_action.isChecked(),
        )

    def apply_lesson(self, lesson: Lesson) -> None:
        """Restore a (validated) lesson: the same function, view, runs and panels."""
        controls, settings = self.controls, lesson.settings
        widgets = (controls.learning_rate_spin, controls.optimizer_combo,
                   controls.max_steps_spin, controls.noise_spin, controls.schedule_combo,
                   self.preset_combo)
        for widget in widgets:
            widget.blockSignals(True)
        controls.learning_rate_spin.setValue(settings.lr)
        controls.optimizer_combo.setCurrentIndex(
            controls.optimizer_combo.findData(settings.optimizer))
        controls.show_hyperparams(settings.optimizer, settings.hyper)
        controls.max_steps_spin.setValue(settings.stop.max_steps)
        controls.noise_spin.setValue(settings.noise)
        controls.schedule_combo.setEditText(settings.schedule.to_text())
        names = [p.name for p in PRESETS]
        if lesson.preset in names:
            self.preset_combo.setCurrentIndex(names.index(lesson.preset))
        for widget in widgets:
            widget.blockSignals(False)
        for name, check in controls.race_checks.items():
            check.blockSignals(True)
            check.setChecked(name in lesson.race)
            check.blockSignals(False)
        for name, action in self.panel_actions.items():
            action.setChecked(getattr(lesson.panels, name))
        for name, action in self.lock_actions.items():
            action.setChecked(name in lesson.locked)
        self.lesson_mode_action.setChecked(lesson.lesson_mode)
        self.dark_action.setChecked(lesson.theme == "dark")
        self.function_edit.setText(lesson.function)
        self._grid_framed = False
        self.controller.apply_lesson(lesson)

    def _apply_locks(self) -> None:
        hide = self.lesson_mode_action.isChecked()
        for name, action in self.lock_actions.items():
            hidden = hide and action.isChecked()
            if name == "raceTab":
                self.controls.tabs.setTabVisible(1, not hidden)
                continue
            widget = self.findChild(QWidget, name)
            if widget is not None:
                widget.setVisible(not hidden)

    def _apply_panels(self) -> None:
        self.maths.setVisible(self.panel_actions["maths"].isChecked())
        self.status_label.setVisible(self.panel_actions["status"].isChecked())
        for widget in (self.loss, self.log_check, self.loss_title):
            widget.setVisible(self.panel_actions["loss"].isChecked())

    def apply_theme(self, name: str) -> None:
        """Light (default) or dark plots and window."""
        dark = name == "dark"
        background, foreground = ("#1e1e1e", "#e8e8e8") if dark else ("w", "k")
        for plot in (self.contour, self.loss):
            plot.setBackground(background)
        for axis in self.contour.getPlotItem().axes.values():
            axis["item"].setPen(foreground)
            axis["item"].setTextPen(foreground)
        self.loss.set_colours(foreground, GRID_COLOURS[name])
        self.setStyleSheet(
            "QWidget { background: #2b2b2b; color: #e8e8e8; }"
            "QLineEdit, QComboBox, QAbstractSpinBox { background: #1e1e1e; }" if dark else "")

    def change_text_size(self, delta: int) -> None:
        """Larger or smaller text everywhere, for the back of a lecture hall."""
        app = QApplication.instance()
        font = app.font()
        font.setPointSize(min(28, max(8, font.pointSize() + delta)))
        app.setFont(font)
        tick_font = QFont(font)
        for plot in (self.contour, self.loss):
            for axis in plot.getPlotItem().axes.values():
                axis["item"].setStyle(tickFont=tick_font)
        self.contour.legend.set_point_size(font.pointSize())

    # -- lifetime --------------------------------------------------------------------
    def start(self) -> None:
        """Show the default lesson (called once the window exists)."""
        self.load_preset(DEFAULT_PRESET)

    def enable_autosave(self, store, interval_ms: int = AUTOSAVE_MS) -> None:
        """Save the lesson to ``store`` every ``interval_ms`` and on close."""
        self.session_store = store
        self._autosave_timer = QTimer(self, interval=interval_ms)
        self._autosave_timer.timeout.connect(self.autosave)
        self._autosave_timer.start()

    def autosave(self) -> None:
        if self.session_store is not None and self.controller.text:
            self.session_store.save(self.lesson())

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.session_store is not None:
            self.session_store.close(self.lesson() if self.controller.text else None)
            self.session_store = None
        self.controller.shutdown()
        super().closeEvent(event)
