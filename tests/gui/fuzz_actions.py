"""A seeded random-interaction fuzzer for the real main window.

Shared by ``tests/gui/test_fuzz.py`` and ``benchmarks/stress.py``: it sends real mouse,
wheel and key events and drives every control with random (often hostile) values, with
no waits beyond processing events, while a 10 ms timer measures event-loop gaps.
"""

from __future__ import annotations

import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QEventLoop, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QPushButton

from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.presets import PRESETS

INVALID = ("x^", "z", "", "9^9^9", "sin x", "(x+", "x**2", "x^^2", "2..5x", "y(", "x y z")
DOMAIN = ("log(x)+y", "sqrt(x*y)", "1/(x^2+y^2)", "log(x*y)", "asin(x) + y^2",
          "sqrt(1 - x^2 - y^2)", "1/x + 1/y")
ORDINARY = ("x^2 + 3y^2", "(1-x)^2 + 100(y-x^2)^2", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
            "x^2 - y^2", "sin(x) cos(y)", "abs(x) + abs(y)", "x^4 + y^4 - 2x^2", "0", "x",
            "1e300 x^2 + y^2", "exp(x) + exp(-y)", "(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)")
FUNCTIONS = INVALID + DOMAIN + ORDINARY
SCHEDULES = ("constant", "step:100:0.5", "exponential:0.99", "cosine:500",
             "cosine:500,warmup=50", "step:", "cosine:-1", "bogus", "", "exponential:2",
             "step:0:0.5", "warmup=5", "cosine:1e9:1e9", "step:1:1e300")
RATE_TEXTS = ("1e3", "1e-6", "0.5", "abc", "-1", "", "nan", "inf", "1e-", "0", "10", "2e")
BUTTONS = ("playButton", "stepButton", "stepBackButton", "resetButton", "hessianButton")
KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_R,
        Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight, Qt.Key.Key_P, Qt.Key.Key_Escape)
MAX_EXTRA_VIEWS = 3  # views shown besides the default panels, as in a lecture
SIZES = ((1280, 720), (200, 150), (40, 30), (1920, 1080), (800, 600), (1024, 400))


# The longest the event loop may stall in a test: a freeze a user would notice, ten times
# the 100 ms target. How close to the target the window stays is measured by
# benchmarks/stress.py and benchmarks/hostile_typing.py, not asserted here.
FREEZE_S = 1.0


class GapMeter:
    """The longest gap between ticks of a 10 ms timer: how long the event loop stalled."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.longest = 0.0
        self.recent = 0.0  # the longest gap since the caller last reset it
        self.ticks = 0
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.recent = max(self.recent, now - self.last)
        self.last = now
        self.ticks += 1

    def stop(self) -> None:
        self.timer.stop()


@dataclass
class FuzzReport:
    """What a fuzzing run did and saw."""

    seed: int
    actions: int = 0
    seconds: float = 0.0
    longest_gap: float = 0.0
    counts: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)  # formatted, with the action index
    history: list[str] = field(default_factory=list)  # the last actions, for reproducing
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (gap seconds, action)
    time_by_kind: Counter = field(default_factory=Counter)  # seconds per kind of action

    @property
    def rate(self) -> float:
        return self.actions / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (f"seed {self.seed}: {self.actions} actions in {self.seconds:.1f} s "
                f"({self.rate:.0f}/s), longest loop gap {self.longest_gap * 1000:.0f} ms, "
                f"{len(self.errors)} exceptions")


class Fuzzer:
    """Random actions on ``window`` from a seeded generator (same seed, same actions)."""

    def __init__(self, window, seed: int = 0) -> None:
        self.window = window
        self.seed = seed
        self.rng = random.Random(seed)
        self.report = FuzzReport(seed)
        self.index = 0
        self.actions: list[tuple[int, Callable[[], str]]] = [
            (20, self.click_map), (5, self.hover), (18, self.click_button),
            (6, self.set_rate), (3, self.type_rate), (5, self.type_function),
            (3, self.switch_preset), (5, self.switch_optimizer), (4, self.race),
            (3, self.schedule), (2, self.noise), (2, self.max_steps), (3, self.speed),
            (5, self.wheel), (3, self.view_range), (8, self.key), (2, self.resize),
            (2, self.log_scale), (2, self.arrows), (3, self.pause),
            (4, self.toggle_view), (3, self.drag_start), (2, self.undo_redo),
        ]
        self.weights = [w for w, _ in self.actions]

    # -- running ---------------------------------------------------------------------
    def run(self, count: int, raise_errors: bool = True) -> FuzzReport:
        """Send ``count`` actions; exceptions are recorded (and re-raised if asked)."""
        report, meter = self.report, GapMeter()
        previous_hook, previous_unraisable = sys.excepthook, sys.unraisablehook

        def hook(exc_type, exc, tb) -> None:
            self._record(exc_type, exc, tb)
            previous_hook(exc_type, exc, tb)  # pytest-qt sees it too and fails the test

        def unraisable(args) -> None:
            self._record(args.exc_type, args.exc_value, args.exc_traceback)
            previous_unraisable(args)

        sys.excepthook, sys.unraisablehook = hook, unraisable
        start = time.perf_counter()
        try:
            for self.index in range(report.actions, report.actions + count):
                action = self.rng.choices(self.actions, self.weights)[0][1]
                began, meter.recent = time.perf_counter(), 0.0
                try:
                    text = action()
                except Exception as exc:
                    self._record(type(exc), exc, exc.__traceback__)
                    if raise_errors:
                        raise AssertionError(self.describe_failure()) from exc
                    text = f"{action.__name__}: raised {exc!r}"
                report.counts[action.__name__] += 1
                runs = sum(group.size for group in self.window.controller.groups)
                report.history = [*report.history[-49:], f"#{self.index} {text} [{runs} runs]"]
                QApplication.processEvents()
                report.actions += 1
                if raise_errors and report.errors:  # raised in a slot or event handler
                    raise AssertionError(self.describe_failure())
                report.time_by_kind[action.__name__] += time.perf_counter() - began
                stall = max(meter.recent, time.perf_counter() - meter.last)
                if len(report.slowest) < 10 or stall > report.slowest[-1][0]:
                    entry = (stall, report.history[-1])
                    report.slowest = sorted([*report.slowest, entry], reverse=True)[:10]
        finally:
            report.seconds += time.perf_counter() - start
            sys.excepthook, sys.unraisablehook = previous_hook, previous_unraisable
            meter.stop()
            report.longest_gap = max(report.longest_gap, meter.longest)
        return report

    def _record(self, exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        self.report.errors.append(f"during action #{self.index} (seed {self.seed}):\n{text}")

    def describe_failure(self) -> str:
        return (f"fuzzing seed {self.seed} failed at action #{self.index}; last actions:\n  "
                + "\n  ".join(self.report.history[-20:]) + "\n" + "\n".join(self.report.errors))

    # -- helpers ---------------------------------------------------------------------
    def _find(self, cls, name: str):
        return self.window.findChild(cls, name)

    def _pick(self, options):
        return options[self.rng.randrange(len(options))]

    def _viewport_point(self) -> QPoint:
        """Mostly inside the plot, sometimes on the axes or outside the widget."""
        viewport = self.window.contour.viewport()
        w, h = max(1, viewport.width()), max(1, viewport.height())
        if self.rng.random() < 0.15:
            return QPoint(self.rng.randint(-50, w + 50), self.rng.randint(-50, h + 50))
        return QPoint(self.rng.randrange(w), self.rng.randrange(h))

    # -- actions (each returns a description for the history) ------------------------------
    def click_map(self) -> str:
        point = self._viewport_point()
        shift = self.rng.random() < 0.3
        modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
        QTest.mouseClick(self.window.contour.viewport(), Qt.MouseButton.LeftButton, modifier,
                         point)
        return f"click map at ({point.x()}, {point.y()}){' with shift' if shift else ''}"

    def hover(self) -> str:
        point = self._viewport_point()
        QTest.mouseMove(self.window.contour.viewport(), point)
        return f"hover at ({point.x()}, {point.y()})"

    def click_button(self) -> str:
        name = self._pick(BUTTONS)
        button = self._find(QPushButton, name)
        if button.isVisible():
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        else:
            button.click()
        return f"click {name}"

    def set_rate(self) -> str:
        rate = 10 ** self.rng.uniform(-6, 3)
        self.window.controls.learning_rate_spin.setValue(rate)
        return f"learning rate {rate:.3g}"

    def type_rate(self) -> str:
        spin = self.window.controls.learning_rate_spin
        text = self._pick(RATE_TEXTS)
        spin.selectAll()
        QTest.keyClicks(spin, text)
        QTest.keyClick(spin, Qt.Key.Key_Return)
        return f"type learning rate {text!r}"

    def type_function(self) -> str:
        edit = self._find(QLineEdit, "functionEdit")
        text = self._pick(FUNCTIONS)
        edit.selectAll()
        if text:
            QTest.keyClicks(edit, text)
        else:
            QTest.keyClick(edit, Qt.Key.Key_Delete)
        enter = self.rng.random() < 0.8
        if enter:
            QTest.keyClick(edit, Qt.Key.Key_Return)
        return f"type function {text!r}{' + Enter' if enter else ''}"

    def switch_preset(self) -> str:
        index = self.rng.randrange(len(PRESETS))
        self.window.preset_combo.setCurrentIndex(index)
        self.window.preset_combo.activated.emit(index)
        return f"preset {PRESETS[index].name!r}"

    def switch_optimizer(self) -> str:
        combo = self.window.controls.optimizer_combo
        index = self.rng.randrange(combo.count())
        combo.setCurrentIndex(index)
        return f"optimizer {combo.itemData(index)}"

    def race(self) -> str:
        controls = self.window.controls
        if self.rng.random() < 0.3:
            name = self._pick(list(OPTIMIZERS))
            controls.race_checks[name].click()
            return f"toggle race {name}"
        names = self.rng.sample(list(OPTIMIZERS), self.rng.choice((0, 0, 1, 2, 3, 4)))
        controls.set_race_selection(names)
        return f"race {names}"

    def schedule(self) -> str:
        line = self.window.controls.schedule_combo.lineEdit()
        text = self._pick(SCHEDULES)
        line.setText(text)
        QTest.keyClick(line, Qt.Key.Key_Return)
        return f"schedule {text!r}"

    def noise(self) -> str:
        sigma = self.rng.choice((0.0, 0.0, 0.01, 0.5, 5.0, 100.0))
        self.window.controls.noise_spin.setValue(sigma)
        return f"noise {sigma}"

    def max_steps(self) -> str:
        steps = self.rng.choice((1, 2, 10, 100, 1000, 100_000))
        self.window.controls.max_steps_spin.setValue(steps)
        return f"step limit {steps}"

    def speed(self) -> str:
        slider = self.window.controls.speed_slider
        position = self.rng.randint(slider.minimum(), slider.maximum())
        slider.setValue(position)
        return f"speed slider {position}"

    def wheel(self) -> str:
        viewport = self.window.contour.viewport()
        point = self._viewport_point()
        delta = self.rng.choice((-720, -120, -15, 15, 120, 720))
        event = QWheelEvent(QPointF(point), QPointF(viewport.mapToGlobal(point)), QPoint(),
                            QPoint(0, delta), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(viewport, event)
        return f"wheel {delta} at ({point.x()}, {point.y()})"

    def view_range(self) -> str:
        box = self.window.contour.getPlotItem().getViewBox()
        kind = self.rng.choice(("pan", "pan", "tiny", "huge", "random"))
        if kind == "pan":
            (x0, x1), (y0, y1) = box.viewRange()
            dx, dy = self.rng.uniform(-1, 1) * (x1 - x0), self.rng.uniform(-1, 1) * (y1 - y0)
            box.translateBy(x=dx, y=dy)
            return f"pan by ({dx:.3g}, {dy:.3g})"
        centre = self.rng.uniform(-10, 10)
        half = {"tiny": 1e-9, "huge": 1e7}.get(kind, 10 ** self.rng.uniform(-3, 4))
        box.setRange(xRange=(centre - half, centre + half), yRange=(-half, half), padding=0)
        return f"view range {kind}: x {centre:.3g} ± {half:.3g}"

    def key(self) -> str:
        key = self._pick(KEYS)
        if self.rng.random() < 0.7:
            self.window.contour.setFocus()  # else the key goes where the focus is
        QTest.keyClick(self.window.windowHandle(), key)
        focus = QApplication.focusWidget()
        return f"key {key.name} (focus {focus.objectName() if focus else None!r})"

    def resize(self) -> str:
        if self.rng.random() < 0.5:
            width, height = self._pick(SIZES)
        else:
            width, height = self.rng.randint(1, 2000), self.rng.randint(1, 1400)
        self.window.resize(width, height)
        return f"resize to {width}×{height}"

    def log_scale(self) -> str:
        self.window.log_check.click()
        return f"log scale {self.window.log_check.isChecked()}"

    def arrows(self) -> str:
        name = self._pick(("showGradientCheck", "showStepCheck", "showMomentumCheck",
                           "showAdaptiveCheck"))
        self._find(QCheckBox, name).click()
        return f"toggle {name}"

    def toggle_view(self) -> str:
        """Show or hide a view; like a lecturer, at most MAX_EXTRA_VIEWS extra ones at once."""
        views = self.window.views
        name = self._pick(list(views.specs))
        views.set_shown(name, not views.is_shown(name))
        extra = [n for n in views.shown() if not views.specs[n].shown and n != name]
        for old in extra[:max(0, len(extra) + 1 - MAX_EXTRA_VIEWS)]:
            views.set_shown(old, False)
        return f"view {name} {'on' if views.is_shown(name) else 'off'}"

    def drag_start(self) -> str:
        """Grab a start marker (or miss it), drag it about and drop it."""
        view = self.window.contour
        starts = view.layer.starts
        if len(starts) and self.rng.random() < 0.8:
            grab = view.data_to_viewport(*starts[self.rng.randrange(len(starts))])
        else:
            grab = self._viewport_point()
        QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, grab)
        point = grab
        for _ in range(self.rng.randint(1, 6)):
            point = self._viewport_point()
            QTest.mouseMove(view.viewport(), point)
            wait_ms(1)
        QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier, point)
        return f"drag from ({grab.x()}, {grab.y()}) to ({point.x()}, {point.y()})"

    def undo_redo(self) -> str:
        undo = self.rng.random() < 0.6
        modifiers = Qt.KeyboardModifier.ControlModifier
        if not undo:
            modifiers |= Qt.KeyboardModifier.ShiftModifier
        self.window.contour.setFocus()
        QTest.keyClick(self.window.windowHandle(), Qt.Key.Key_Z, modifiers)
        return "undo" if undo else "redo"

    def pause(self) -> str:
        ms = self.rng.choice((1, 5, 20))
        wait_ms(ms)
        return f"wait {ms} ms"


def wait_ms(ms: int) -> None:
    """Run the event loop for ``ms`` (QTest.qWait would hold the GIL and starve threads)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Run the event loop until ``condition()`` holds or ``timeout`` seconds pass."""
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            return False
        wait_ms(10)
    return True


def open_ready_window(timeout: float = 60.0):
    """A shown main window with the default lesson's gradient ready (benchmarks), or None."""
    from gdviz.app import create_window

    window = create_window()
    window.show()
    if not wait_for(lambda: window.controller.session is not None, timeout):
        print("the default lesson did not become ready", file=sys.stderr)
        return None
    return window


def check_still_works(window, timeout: float = 30.0) -> str | None:
    """After fuzzing: a function edit is applied, a click starts runs, a step is taken.

    Returns None if all is well, else what did not work.
    """
    c = window.controller
    window.resize(1280, 720)
    window.controls.set_race_selection([])
    window.controls.learning_rate_spin.setValue(0.05)
    edit = window.function_edit
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, "x^2 + 3y^2 + 1")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    if not wait_for(lambda: c.objective is not None and c.objective.text == "x^2 + 3y^2 + 1"
                    and c.session is not None, timeout):
        return f"the function edit was not applied (text {c.text!r}, objective {c.objective})"
    box = window.contour.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = box.viewRange()
    QTest.mouseClick(window.contour.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier,
                     window.contour.data_to_viewport((x0 + x1) / 2, (y0 + y1) / 2))
    if c.session is None or not c.groups:
        return "a click on the map started no run"
    before = [g.ticks for g in c.groups]
    c.step()
    after = [g.ticks for g in c.groups]
    if not all(b + 1 == a for a, b in zip(after, before, strict=True)):
        return f"the controller did not step ({before} → {after})"
    return None
