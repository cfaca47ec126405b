"""The one controller: owns the function, the runs and the timer; views only listen.

Data flows one way: an edit → the function is parsed and sampled off the GUI thread →
views redraw; the exact gradient follows from a worker process; a click → runs start →
each timer tick the core steps → views append.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from gdviz.app.tasks import Task
from gdviz.core.expression import ExpressionError, Formula, parse
from gdviz.core.grid import Grid, ViewRange, sample_grid
from gdviz.core.lesson import Lesson
from gdviz.core.presets import DEFAULT_PRESET, Preset
from gdviz.core.race import race_lrs
from gdviz.core.runs import RunGroup, RunSettings, Session, preview_path

MAX_RUNS = 16  # more would clutter the map and slow every frame
FRAME_MS = 16  # the timer never ticks faster than ~60 frames per second


class Controller(QObject):
    """Holds the current function, its runs and the animation timer."""

    sigGridChanged = Signal(object)  # Grid of the current function and view
    sigFunctionChanged = Signal(object)  # CompiledFunction: exact gradient is ready
    sigFunctionError = Signal(object)  # ExpressionError for the text being edited
    sigFunctionAccepted = Signal(str)  # text that parsed (error cleared)
    sigRunsReset = Signal()  # the set of runs changed: views rebuild their items
    sigStepped = Signal()  # runs advanced or stepped back
    sigPlayingChanged = Signal(bool)  # playing, or queued to play once the gradient is ready
    sigPendingChanged = Signal()  # the gradient started or finished preparing, or input queued
    sigSceneChanged = Signal(str)  # function or starts set by the user: what was done

    def __init__(self, compiler: Any = None, owns_compiler: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._compiler = compiler  # CompileWorker-like: compile(text) -> CompiledFunction
        self._owns_compiler = owns_compiler
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._tasks: set[Task] = set()
        self._parse_generation = 0
        self._compile_generation = 0
        self._grid_generation = 0
        self.text = ""
        self.wanted_text = ""  # the function last asked for (text is set once it is parsed)
        self.formula: Formula | None = None
        self.objective: Any = None  # CompiledFunction once the gradient is known
        self.view = DEFAULT_PRESET.view
        self.grid: Grid | None = None
        self.settings = RunSettings(lr=DEFAULT_PRESET.lr)
        self.race: list[str] = []  # optimizers started together by a click
        self.race_lr_choices: dict[str, float] = {}  # η typed into the Race tab, by method
        self.scene_label = ""  # how the next accepted function came (for undo's menu)
        self.starts: list[tuple[float, float]] = list(DEFAULT_PRESET.starts[:1])
        self.session: Session | None = None
        self.steps_per_second = 20.0
        self.queued_play = False  # Play pressed while the gradient was being prepared
        self.queued_steps = 0  # Step pressed meanwhile: taken when it is ready
        self._parsing = False
        self._compiling = False
        self._shown_playing = False
        self._frozen = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)

    # -- the function ------------------------------------------------------------------
    def load_preset(self, preset: Preset) -> None:
        """Show a preset: its function, view, start points and learning rate."""
        self.pause()
        self.view = preset.view
        self.starts = list(preset.starts)
        self.settings = replace(self.settings, lr=preset.lr)
        self.race_lr_choices = {}  # a new function: each method's default η anew
        self.scene_label = f"preset {preset.name}"
        self.set_function(preset.function, force=True)

    def apply_lesson(self, lesson: Lesson) -> None:
        """Show a lesson (already validated): function, view, starts, settings, race."""
        self.pause()
        self.view = lesson.view
        self.starts = list(lesson.starts)
        self.settings = lesson.settings
        self.race = list(lesson.race)
        self.race_lr_choices = dict(lesson.race_lrs)
        self.scene_label = "lesson"
        self.set_function(lesson.function, force=True)

    def apply_scene(self, function: str, view: ViewRange,
                    starts: tuple[tuple[float, float], ...]) -> None:
        """Bring back a function, view and starts (undo and redo)."""
        self.pause()
        self.view = view
        self.starts = list(starts)
        self.scene_label = "undo"
        self.set_function(function, force=True)

    def set_function(self, text: str, force: bool = False) -> None:
        """Parse and draw ``text`` off the GUI thread; the old function stays until then."""
        self.wanted_text = text
        if text == self.text and not force:
            # Retyping the function on screen: drop an edit still being parsed and clear
            # the message a wrong edit in between left.
            self._parse_generation += 1
            self._set_parsing(False)
            self.sigFunctionAccepted.emit(text)
            if not self.preparing:
                self._take_queued()
            return
        self._parse_generation += 1
        generation, view = self._parse_generation, self.view
        self._set_parsing(True)

        def work() -> tuple[Formula, Grid]:
            formula = parse(text)
            return formula, sample_grid(formula.evaluate, view)

        self._submit(generation, work, self._on_parsed)

    def _on_parsed(self, generation: int, result: Any, error: ExpressionError | None) -> None:
        if generation != self._parse_generation:
            return  # the user typed on: a newer edit is on its way
        self._set_parsing(False)
        if error is not None:
            self.sigFunctionError.emit(error)
            if not self.preparing:
                self._take_queued()  # the function on screen stays: Play plays it
            return
        formula, grid = result
        self._grid_generation += 1  # a resample of the old function must not land now
        self._stop_timer()
        self.text, self.formula, self.grid, self.objective = formula.text, formula, grid, None
        self.session = None
        self._compiling = True  # from now until the exact gradient arrives
        self.sigFunctionAccepted.emit(formula.text)
        label, self.scene_label = self.scene_label or f"f = {formula.text}", ""
        self.sigSceneChanged.emit(label)
        self.sigGridChanged.emit(grid)
        self.sigRunsReset.emit()
        self._compile(formula.text)

    def _compile(self, text: str) -> None:
        self._compile_generation += 1
        self._compiling = True
        self.sigPendingChanged.emit()
        generation = self._compile_generation
        if self._compiler is None:
            from gdviz.core.compiler import compile_function

            compile_text = compile_function
        else:
            if hasattr(self._compiler, "cancel"):
                self._compiler.cancel()  # a stale compile is dropped at once
            compile_text = self._compiler.compile
        self._submit(generation, lambda: compile_text(text), self._on_compiled)

    def _on_compiled(self, generation: int, result: Any, error: ExpressionError | None) -> None:
        if generation != self._compile_generation:
            return
        self._compiling = False
        if error is not None:
            self.queued_play, self.queued_steps = False, 0
            self._emit_playing()
            self.sigPendingChanged.emit()
            self.sigFunctionError.emit(error)
            return
        if self.objective is None and not self._frozen:
            # Everything imported so far (Qt, pyqtgraph, NumPy) lives as long as the app:
            # keep it out of the garbage collector's full passes, which would stall frames.
            gc.freeze()
            self._frozen = True
        self.objective = result
        self.sigFunctionChanged.emit(result)
        self.restart()
        self._take_queued()

    @property
    def preparing(self) -> bool:
        """True while an edit is parsed or its exact gradient is being derived."""
        return self._parsing or self._compiling

    def _set_parsing(self, on: bool) -> None:
        if self._parsing != on:
            self._parsing = on
            self.sigPendingChanged.emit()

    def _take_queued(self) -> None:
        """Carry out the Play and Steps pressed while the gradient was being prepared."""
        play, steps = self.queued_play, self.queued_steps
        self.queued_play, self.queued_steps = False, 0
        self.sigPendingChanged.emit()
        if steps:
            self.step(steps)
        if play:
            self.play()
        self._emit_playing()

    def set_view(self, view: ViewRange) -> None:
        """Resample the current function over a new view (zoom or pan)."""
        if self.formula is None or view == self.view:
            return
        self.view = view
        self._grid_generation += 1
        generation, formula = self._grid_generation, self.formula
        self._submit(generation, lambda: sample_grid(formula.evaluate, view), self._on_resampled)

    def _on_resampled(self, generation: int, grid: Any, error: ExpressionError | None) -> None:
        if generation == self._grid_generation and grid is not None and error is None:
            self.grid = grid
            self.sigGridChanged.emit(grid)

    def _submit(self, generation: int, work: Callable[[], Any], done: Callable) -> None:
        task = Task(generation, work)
        task.setAutoDelete(False)
        self._tasks.add(task)

        def finished(gen: int, result: Any, error: Any, task: Task = task) -> None:
            self._tasks.discard(task)
            done(gen, result, error)

        task.signals.done.connect(finished)
        self._pool.start(task)

    # -- runs ------------------------------------------------------------------------
    def set_start(self, x: float, y: float, add: bool = False) -> None:
        """Start the runs at (x, y); with ``add``, keep the others and add this start.

        A start added while runs exist joins them where they are: the others go on.
        """
        self.starts = [*self.starts, (x, y)] if add else [(x, y)]
        methods = self.race or [self.settings.optimizer]
        fits = self.total_runs() + len(methods) <= MAX_RUNS
        if add and self.session is not None and fits:
            for name in methods:
                self.session.add(np.array([(x, y)], dtype=float), self._settings_for(name))
            self.sigRunsReset.emit()
        else:
            self.restart()
        self.sigSceneChanged.emit(f"{'added ' if add else ''}start ({x:.3g}, {y:.3g})")

    def move_start(self, index: int, x: float, y: float) -> None:
        """Move start ``index`` (a dragged start point) and restart the runs from there."""
        if not 0 <= index < len(self.starts):
            return
        playing = self.playing
        self.starts[index] = (x, y)
        self.restart()
        self.sigSceneChanged.emit(f"moved start to ({x:.3g}, {y:.3g})")
        if playing:
            self.play()

    def preview(self, run: int, x: float, y: float, steps: int = 100) -> np.ndarray:
        """The path run number ``run`` would take from (x, y) in its next ``steps`` steps."""
        group, _ = self.run_at(run)
        if group is None:
            return np.empty((0, 2))
        return preview_path(self.objective, (x, y), group.settings, steps)

    def run_at(self, run: int) -> tuple[RunGroup | None, int]:
        """The group and row of run number ``run`` (runs numbered across groups)."""
        for group in self.groups:
            if run < group.size:
                return group, run
            run -= group.size
        return None, 0

    def start_of_run(self, run: int) -> int:
        """The index in ``starts`` of run number ``run``'s start point."""
        group, row = self.run_at(run)
        if group is None:
            return -1
        point = tuple(float(v) for v in group.column("points")[0, row])
        matches = [i for i, start in enumerate(self.starts)
                   if np.allclose(start, point, rtol=0, atol=1e-12)]
        return matches[0] if matches else -1

    def total_runs(self) -> int:
        return sum(g.size for g in self.groups)

    def restart(self) -> None:
        """Reset every run to its start point with the current settings.

        At most MAX_RUNS runs (starts × raced methods) exist: the oldest starts go first.
        """
        self._stop_timer()
        methods = self.race or [self.settings.optimizer]
        self.starts = self.starts[-max(1, MAX_RUNS // len(methods)):]
        if self.objective is None:
            self.session = None
            self.sigRunsReset.emit()
            return
        session = Session(self.objective)
        starts = np.array(self.starts, dtype=float)
        for name in methods:
            session.add(starts, self._settings_for(name))
        self.session = session
        self.sigRunsReset.emit()

    def _settings_for(self, name: str) -> RunSettings:
        """The settings of method ``name``'s runs: in a race, its own η."""
        hyper = dict(self.settings.hyper) if name == self.settings.optimizer else {}
        lr = self.race_lrs().get(name, self.settings.lr)
        return replace(self.settings, optimizer=name, hyper=hyper, lr=lr)

    def race_lrs(self) -> dict[str, float]:
        """η of each raced method (empty when not racing)."""
        if len(self.race) < 2:
            return {}
        chosen = {**self.race_lr_choices}
        if self.settings.optimizer in self.race:
            chosen.setdefault(self.settings.optimizer, self.settings.lr)
        return race_lrs(self.race, chosen, self.view, self.settings.lr)

    def set_race_lr(self, name: str, lr: float) -> None:
        """The lecturer's η for method ``name`` in a race; its runs change live."""
        self.race_lr_choices[name] = float(lr)
        if name == self.settings.optimizer:
            self.settings = replace(self.settings, lr=float(lr))
        for group in self.groups:
            if group.settings.optimizer == name and len(self.race) > 1:
                group.update_settings(lr=float(lr))
        self.sigRunsReset.emit()  # the legend shows each method's η

    def update_settings(self, **changes: Any) -> None:
        """Change learning rate, hyperparameters, schedule or stop rules live."""
        if "optimizer" in changes and changes["optimizer"] != self.settings.optimizer:
            self.settings = replace(self.settings, hyper={}, **changes)
            self.restart()
            return
        self.settings = replace(self.settings, **changes)
        racing = len(self.race) > 1
        if racing and "lr" in changes:
            self.race_lr_choices[self.settings.optimizer] = float(changes["lr"])
        for group in self.groups:
            other = group.settings.optimizer != self.settings.optimizer
            skip = {"hyper"} if other else set()
            if racing and other:
                skip.add("lr")  # in a race the η box is the method tab's method's η
            group.update_settings(**{k: v for k, v in changes.items() if k not in skip})
        if racing and "lr" in changes:
            self.sigRunsReset.emit()  # the legend shows each method's η
        self.sigStepped.emit()

    def set_race(self, names: list[str]) -> None:
        """Optimizers that start together from every click (empty: just the current one)."""
        self.race = list(names)
        self.restart()

    @property
    def groups(self) -> list[RunGroup]:
        return self.session.groups if self.session is not None else []

    # -- time ------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def set_speed(self, steps_per_second: float) -> None:
        self.steps_per_second = max(0.5, float(steps_per_second))
        if self.playing:
            self._timer.start(self._interval_ms())

    def _interval_ms(self) -> int:
        return max(FRAME_MS, int(1000 / self.steps_per_second))

    def play(self) -> None:
        """Start the timer, or, while the gradient is prepared, as soon as it is ready."""
        if self.preparing:
            self.queued_play = True
            self.sigPendingChanged.emit()
            self._emit_playing()
            return
        if self.session is None:
            return
        if not self.session.running:
            self.restart()
        if self.session is not None and self.session.running and not self.playing:
            self._timer.start(self._interval_ms())
            self._emit_playing()

    def pause(self) -> None:
        """Stop the timer and forget a Play or Steps queued while preparing."""
        if self.queued_play or self.queued_steps:
            self.queued_play, self.queued_steps = False, 0
            self.sigPendingChanged.emit()
        self._stop_timer()

    def _stop_timer(self) -> None:
        self._timer.stop()
        self._emit_playing()

    def _emit_playing(self) -> None:
        shown = self.playing or self.queued_play
        if shown != self._shown_playing:
            self._shown_playing = shown
            self.sigPlayingChanged.emit(shown)

    def toggle_play(self) -> None:
        self.pause() if self.playing or self.queued_play else self.play()

    def step(self, count: int = 1) -> None:
        """Take ``count`` steps by hand (queued while the gradient is prepared)."""
        if self.preparing:
            self.queued_steps += count
            self.sigPendingChanged.emit()
            return
        if self.session is None:
            return
        for _ in range(count):
            if not self.session.step():
                break
        self.sigStepped.emit()

    def step_back(self) -> None:
        if self.session is not None and self.session.step_back():
            self.sigStepped.emit()

    def _tick(self) -> None:
        session = self.session
        if session is None:
            self._stop_timer()
            return
        steps = max(1, math.ceil(self.steps_per_second * self._interval_ms() / 1000))
        for _ in range(steps):
            if not session.step():
                break
        if not session.running:
            self._stop_timer()
        self.sigStepped.emit()

    def shutdown(self) -> None:
        """Stop the timer and background work (called when the window closes)."""
        self.pause()
        self._parse_generation += 1
        self._compile_generation += 1
        if self._compiler is not None and hasattr(self._compiler, "cancel"):
            self._compiler.cancel()
        self._pool.waitForDone(3000)
        if self._owns_compiler:
            self._compiler.close()
