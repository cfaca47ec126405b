"""The controls as a view: the control panel's widgets wired to the controller."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QSizePolicy, QVBoxLayout

from gdviz.app.views.base import PanelView, ViewContext
from gdviz.app.views.controls import ControlsPanel
from gdviz.core.runs import RunSettings
from gdviz.core.schedules import parse_schedule

ARROW_SIGNALS = {"show_gradient": "sigShowGradient", "show_step": "sigShowStep",
                 "show_momentum": "sigShowMomentum", "show_adaptive": "sigShowAdaptive"}


class ControlsView(PanelView):
    """Play, step, back, reset, η, speed, the method and its settings, the race."""

    scrolls = fits = True

    def __init__(self, context: ViewContext, parent=None) -> None:
        super().__init__(context, parent)
        self.panel = ControlsPanel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.panel)
        # Spare height goes to the plots below, not to empty space under the controls.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        c, panel = self.controller, self.panel
        c.sigPlayingChanged.connect(panel.set_playing)
        panel.play_button.clicked.connect(lambda: self._act(c.toggle_play))
        panel.step_button.clicked.connect(lambda: self._act(c.step))
        panel.step_back_button.clicked.connect(c.step_back)
        panel.reset_button.clicked.connect(lambda: self._act(c.restart))
        panel.sigLearningRate.connect(lambda lr: c.update_settings(lr=lr))
        panel.sigSpeed.connect(c.set_speed)
        panel.sigOptimizer.connect(self._on_optimizer)
        panel.sigHyper.connect(self._on_hyper)
        panel.sigRace.connect(c.set_race)
        panel.sigRaceLr.connect(c.set_race_lr)
        c.sigRunsReset.connect(lambda: panel.show_race_lrs(c.race_lrs()))
        panel.sigMaxSteps.connect(self._on_max_steps)
        panel.sigSchedule.connect(self._on_schedule)
        panel.sigNoise.connect(lambda sigma: c.update_settings(noise=sigma))
        for attribute, signal in ARROW_SIGNALS.items():
            getattr(panel, signal).connect(
                lambda on, a=attribute: self._show_arrows(a, on))

    def _act(self, action) -> None:
        """An edit still being typed is applied first, so the action is about it."""
        self.context.sigFlushEdit.emit()
        action()

    def _on_optimizer(self, name: str) -> None:
        self.panel.show_hyperparams(name)
        self.controller.update_settings(optimizer=name)

    def _on_hyper(self, name: str, value: float) -> None:
        hyper = {**self.controller.settings.hyper, name: value}
        self.controller.update_settings(hyper=hyper)

    def _on_max_steps(self, steps: int) -> None:
        stop = replace(self.controller.settings.stop, max_steps=steps)
        self.controller.update_settings(stop=stop)

    def _on_schedule(self, text: str) -> None:
        combo = self.panel.schedule_combo
        try:
            schedule = parse_schedule(text)
        except ValueError as exc:
            combo.setStyleSheet("QComboBox { border: 2px solid #c00000; }")
            combo.setToolTip(str(exc))
            self.context.sigMessage.emit(f"Schedule not changed: {exc}")
            return
        combo.setStyleSheet("")
        combo.setToolTip(schedule.to_text())
        self.controller.update_settings(schedule=schedule)

    def _show_arrows(self, kind: str, on: bool) -> None:
        setattr(self.context.contour, kind, on)
        self.context.sigRedrawRuns.emit()

    def show_settings(self, settings: RunSettings, race: tuple[str, ...]) -> None:
        """Show a lesson's settings without sending them back to the controller."""
        panel = self.panel
        widgets = (panel.learning_rate_spin, panel.optimizer_combo, panel.max_steps_spin,
                   panel.noise_spin, panel.schedule_combo, *panel.race_checks.values())
        for widget in widgets:
            widget.blockSignals(True)
        panel.learning_rate_spin.setValue(settings.lr)
        panel.optimizer_combo.setCurrentIndex(panel.optimizer_combo.findData(settings.optimizer))
        panel.show_hyperparams(settings.optimizer, settings.hyper)
        panel.max_steps_spin.setValue(settings.stop.max_steps)
        panel.noise_spin.setValue(settings.noise)
        panel.schedule_combo.setEditText(settings.schedule.to_text())
        for name, check in panel.race_checks.items():
            check.setChecked(name in race)
        for widget in widgets:
            widget.blockSignals(False)
        panel.sync_race_spins()

    def show_learning_rate(self, lr: float) -> None:
        """Show η (e.g. of a preset) without sending it back."""
        spin = self.panel.learning_rate_spin
        spin.blockSignals(True)
        spin.setValue(lr)
        spin.blockSignals(False)
