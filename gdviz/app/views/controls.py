"""The control panel: play/step/back/reset, learning rate, speed, method and its settings."""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gdviz.app.views.reflow import ReflowGrid, cell, narrow_combo
from gdviz.core.optimizers import OPTIMIZERS, HyperParam

# Race check boxes sit three to a row: long titles get a short form there.
SHORT_TITLES = {"gd": "GD", "qhm": "QHM", "qhadam": "QHAdam", "newton": "Newton",
                "linesearch": "Line search"}
SCHEDULE_EXAMPLES = ("constant", "step:100:0.5", "exponential:0.99", "cosine:500",
                     "cosine:500,warmup=50")

# The speed slider's stops, in steps per second.
SPEEDS = (1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 90, 120, 180, 250, 500, 1000)


def nearest_speed_index(speed: float) -> int:
    """The slider stop closest to ``speed`` (on a log scale)."""
    return min(range(len(SPEEDS)), key=lambda i: abs(math.log(SPEEDS[i] / speed)))


class SpeedLabel(QLabel):
    """"20 steps/s", always as wide as the widest speed: never cut, never jittering."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        widest = self.fontMetrics().horizontalAdvance(f"{max(SPEEDS)} steps/s")
        margins = self.contentsMargins()
        return QSize(widest + margins.left() + margins.right() + 2,
                     super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()


class LogSpinBox(QDoubleSpinBox):
    """A spin box for positive values spanning decades: arrows walk 1, 2, 5, 10, 20…"""

    LADDER = (1.0, 2.0, 5.0)

    def __init__(self, minimum: float, maximum: float, value: float, parent=None) -> None:
        super().__init__(parent)
        self.setDecimals(12)
        self.setRange(minimum, maximum)
        self.setValue(value)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt override
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt override
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        from PySide6.QtGui import QValidator

        try:
            value = float(text)
        except ValueError:
            ok = text.strip() in ("", ".", "-", "e", "1e", "1e-") or text.lower().endswith(
                ("e", "e-", "e+"))
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid), text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt override
        value = self.value()
        for _ in range(abs(steps)):
            value = self._next(value, up=steps > 0)
        self.setValue(min(max(value, self.minimum()), self.maximum()))

    def _next(self, value: float, up: bool) -> float:
        exponent = math.floor(math.log10(value))
        candidates = sorted(m * 10.0**e for e in (exponent - 1, exponent, exponent + 1)
                            for m in self.LADDER)
        if up:
            return next(c for c in candidates if c > value * (1 + 1e-9))
        return next(c for c in reversed(candidates) if c < value * (1 - 1e-9))


class ControlsPanel(QWidget):
    """Buttons and settings; emits what the user asked for, holds no run state."""

    sigLearningRate = Signal(float)
    sigSpeed = Signal(float)
    sigOptimizer = Signal(str)
    sigHyper = Signal(str, float)
    sigRace = Signal(list)
    sigRaceLr = Signal(str, float)  # a raced method's own η
    sigMaxSteps = Signal(int)
    sigShowGradient = Signal(bool)
    sigShowStep = Signal(bool)
    sigShowMomentum = Signal(bool)
    sigShowAdaptive = Signal(bool)
    sigSchedule = Signal(str)
    sigNoise = Signal(float)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._build_buttons())
        layout.addWidget(self._build_rates())
        self.tabs = QTabWidget(objectName="settingsTabs")
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._build_method_tab(), "Method")
        self.tabs.addTab(self._build_race_tab(), "Race")
        self.show_hyperparams(self.optimizer_combo.currentData())

    def _build_buttons(self) -> ReflowGrid:
        """Play, step, back and reset (two to a row when the panel is narrow)."""
        self.play_button = self._button("playButton", "▶ Play", "Space", "Start or pause")
        self.step_button = self._button("stepButton", "Step ›", "Right", "Take one step")
        self.step_back_button = self._button("stepBackButton", "‹ Back", "Left",
                                             "Undo the last step of every run")
        self.reset_button = self._button("resetButton", "⟲ Reset", "R",
                                         "Back to the start point")
        return ReflowGrid([self.play_button, self.step_button, self.step_back_button,
                           self.reset_button], 4, name="buttonsRow")


    def _build_rates(self) -> ReflowGrid:
        """The learning rate and the speed slider (on two rows when the panel is narrow)."""
        self.learning_rate_spin = LogSpinBox(1e-5, 10.0, 0.05)
        self.learning_rate_spin.setObjectName("learningRateSpin")
        self.learning_rate_spin.setToolTip("Learning rate η (arrows walk 1, 2, 5 × 10ⁿ)")
        self.learning_rate_spin.setMinimumWidth(90)
        self.learning_rate_spin.valueChanged.connect(self.sigLearningRate.emit)
        self.speed_slider = QSlider(Qt.Orientation.Horizontal, objectName="speedSlider")
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setPageStep(2)
        self.speed_slider.setToolTip("Steps per second")
        self.speed_label = SpeedLabel(objectName="speedLabel")
        self.speed_slider.valueChanged.connect(self._on_speed)
        self.speed_slider.setValue(nearest_speed_index(20))
        return ReflowGrid([cell(QLabel("η"), self.learning_rate_spin, stretch=1),
                           cell(QLabel("Speed"), self.speed_slider, self.speed_label,
                                stretch=1)], 2, name="ratesRow")


    def _build_method_tab(self) -> QWidget:
        """The method, its settings, what to draw, schedule and noise."""
        method_tab = QWidget()
        method_layout = QVBoxLayout(method_tab)
        method_layout.setContentsMargins(2, 4, 2, 2)
        method_layout.setSpacing(4)
        self.optimizer_combo = QComboBox(objectName="optimizerCombo")
        for opt in OPTIMIZERS.values():
            self.optimizer_combo.addItem(opt.title, opt.name)
        narrow_combo(self.optimizer_combo)
        self.optimizer_combo.currentIndexChanged.connect(
            lambda _: self.sigOptimizer.emit(self.optimizer_combo.currentData()))
        self.max_steps_spin = QSpinBox(objectName="maxStepsSpin")
        self.max_steps_spin.setRange(1, 100_000)
        self.max_steps_spin.setValue(1000)
        self.max_steps_spin.setKeyboardTracking(False)
        self.max_steps_spin.setToolTip("A run stops after this many steps")
        self.max_steps_spin.valueChanged.connect(self.sigMaxSteps.emit)
        method_layout.addWidget(ReflowGrid(
            [cell(QLabel("Method"), self.optimizer_combo, stretch=1),
             cell(QLabel("Step limit"), self.max_steps_spin)], 2, name="methodRow"))
        self.hyper_panel = QWidget(objectName="hyperPanel")
        self.hyper_grid = QGridLayout(self.hyper_panel)
        self.hyper_grid.setContentsMargins(0, 0, 0, 0)
        self.hyper_grid.setVerticalSpacing(2)
        self.hyper_spins: dict[str, QDoubleSpinBox] = {}
        method_layout.addWidget(self.hyper_panel)
        method_layout.addWidget(self._build_arrow_checks())
        method_layout.addWidget(self._build_schedule_row())
        method_layout.addStretch(1)
        return method_tab


    def _build_arrow_checks(self) -> ReflowGrid:
        """Which arrows the map draws."""
        arrows: list[QWidget] = [QLabel("Show:")]
        for name, text, signal, tip in (
            ("showGradientCheck", "∇f", self.sigShowGradient, "the gradient's direction"),
            ("showStepCheck", "next step", self.sigShowStep, "the step about to be taken"),
            ("showMomentumCheck", "velocity", self.sigShowMomentum,
             "what the momentum buffer carries (dashed)"),
            ("showAdaptiveCheck", "adaptive η", self.sigShowAdaptive,
             "per-axis effective learning rate of Adagrad, RMSprop, Adam (ellipse)"),
        ):
            check = QCheckBox(text, objectName=name, checked=True)
            check.setToolTip(f"Draw {tip}")
            check.toggled.connect(signal.emit)
            arrows.append(check)
        return ReflowGrid(arrows, len(arrows), name="arrowsRow")

    def _build_schedule_row(self) -> ReflowGrid:
        """The learning-rate schedule and the gradient noise."""
        self.schedule_combo = QComboBox(objectName="scheduleCombo")
        self.schedule_combo.setEditable(True)
        narrow_combo(self.schedule_combo)
        self.schedule_combo.addItems(SCHEDULE_EXAMPLES)
        self.schedule_combo.setToolTip("Learning-rate schedule: constant, step:SIZE:GAMMA, "
                                       "exponential:GAMMA, cosine:T_MAX[:ETA_MIN], "
                                       "optionally followed by ,warmup=N")
        self.schedule_combo.lineEdit().editingFinished.connect(
            lambda: self.sigSchedule.emit(self.schedule_combo.currentText()))
        self.schedule_combo.activated.connect(
            lambda _: self.sigSchedule.emit(self.schedule_combo.currentText()))
        self.noise_spin = QDoubleSpinBox(objectName="noiseSpin")
        self.noise_spin.setRange(0.0, 100.0)
        self.noise_spin.setDecimals(3)
        self.noise_spin.setSingleStep(0.1)
        self.noise_spin.setKeyboardTracking(False)
        self.noise_spin.setToolTip("σ of Gaussian noise added to every gradient "
                                   "(stochastic-gradient emulation; seeded, reproducible)")
        self.noise_spin.valueChanged.connect(self.sigNoise.emit)
        return ReflowGrid([cell(QLabel("Schedule"), self.schedule_combo, stretch=1),
                           cell(QLabel("Noise σ"), self.noise_spin)], 2, name="scheduleRow")

    def _build_race_tab(self) -> QWidget:
        """A check box and an η per method, three to a row (fewer when narrow)."""
        race_tab = QWidget(objectName="raceTab")
        race_layout = QVBoxLayout(race_tab)
        race_layout.setContentsMargins(2, 4, 2, 2)
        race_layout.setSpacing(2)
        pairs = []
        self.race_checks: dict[str, QCheckBox] = {}
        self.race_lr_spins: dict[str, LogSpinBox] = {}
        for opt in OPTIMIZERS.values():
            check = QCheckBox(SHORT_TITLES.get(opt.name, opt.title))
            check.setObjectName(f"race_{opt.name}")
            check.setToolTip(opt.title)
            check.toggled.connect(lambda _: self.sigRace.emit(self.race_selection()))
            spin = LogSpinBox(1e-5, 10.0, 0.05)
            spin.setObjectName(f"raceLr_{opt.name}")
            spin.setToolTip(f"η of {opt.title} in a race (each method has its own)")
            spin.setEnabled(False)
            spin.valueChanged.connect(lambda v, n=opt.name: self.sigRaceLr.emit(n, v))
            check.toggled.connect(spin.setEnabled)
            pairs.append(cell(check, spin, stretch=0))
            self.race_checks[opt.name] = check
            self.race_lr_spins[opt.name] = spin
        race_layout.addWidget(ReflowGrid(pairs, 3, name="raceGrid"))
        hint = QLabel("Tick several, then click the map: all start from that point, each "
                      "with its own η.")
        hint.setWordWrap(True)
        race_layout.addWidget(hint)
        race_layout.addStretch(1)
        return race_tab

    def _button(self, name: str, text: str, shortcut: str, tip: str) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setToolTip(f"{tip} ({shortcut})")  # the window owns the shortcuts
        button.setMinimumHeight(34)
        return button

    def _on_speed(self, position: int) -> None:
        speed = SPEEDS[position]
        self.speed_label.setText(f"{speed} steps/s")
        self.sigSpeed.emit(speed)

    def race_selection(self) -> list[str]:
        """Names of the optimizers ticked for a race."""
        return [name for name, check in self.race_checks.items() if check.isChecked()]

    def set_race_selection(self, names: list[str]) -> None:
        for name, check in self.race_checks.items():
            check.blockSignals(True)
            check.setChecked(name in names)
            check.blockSignals(False)
        self.sync_race_spins()
        self.sigRace.emit(self.race_selection())

    def sync_race_spins(self) -> None:
        """A method's η box is editable while it is ticked for the race."""
        for name, check in self.race_checks.items():
            self.race_lr_spins[name].setEnabled(check.isChecked())

    def show_hyperparams(self, name: str, values: dict[str, float] | None = None) -> None:
        """Show only the selected optimizer's hyperparameters, two to a row."""
        while self.hyper_grid.count():
            widget = self.hyper_grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.hyper_spins = {}
        for i, param in enumerate(OPTIMIZERS[name].hyperparams):
            spin = self._hyper_spin(param, (values or {}).get(param.name, param.default))
            label = QLabel(param.name.replace("_", " "))
            label.setToolTip(param.description)
            self.hyper_grid.addWidget(label, i // 2, 2 * (i % 2))
            self.hyper_grid.addWidget(spin, i // 2, 2 * (i % 2) + 1)
            self.hyper_spins[param.name] = spin
        self.hyper_panel.setVisible(bool(self.hyper_spins))

    def _hyper_spin(self, param: HyperParam, value: float) -> QDoubleSpinBox:
        if param.minimum > 0 and param.maximum / param.minimum > 1000:
            spin: QDoubleSpinBox = LogSpinBox(param.minimum, param.maximum, value)
        else:
            spin = QDoubleSpinBox()
            spin.setDecimals(4)
            spin.setRange(param.minimum, param.maximum)
            spin.setSingleStep((param.maximum - param.minimum) / 100)
            spin.setValue(value)
            spin.setKeyboardTracking(False)
        spin.setObjectName(f"hyper_{param.name}")
        spin.setToolTip(param.description)
        spin.valueChanged.connect(lambda v, n=param.name: self.sigHyper.emit(n, v))
        return spin

    def show_race_lrs(self, lrs: dict[str, float]) -> None:
        """Show each raced method's η (without sending it back)."""
        for name, lr in lrs.items():
            spin = self.race_lr_spins[name]
            spin.blockSignals(True)
            spin.setValue(lr)
            spin.blockSignals(False)

    def set_playing(self, playing: bool) -> None:
        self.play_button.setText("❚❚ Pause" if playing else "▶ Play")
