"""``gdviz --self-test``: check this installation end to end, one line per check.

Opens the real main window (offscreen when there is no display), waits for the default
lesson's exact gradient from the compile worker process, takes 20 descent steps through
the controller, checks that fonts render, exports the contour map as PNG, SVG and GIF (and
in the standalone app MP4, or says that the bundle was built without it) and checks the
files, and times the start (process start to the window's first paint).
Prints ``ok  ...`` or ``FAIL ...`` per check and returns 0 only if every check passed.
Never raises: an exception is a FAIL line with its reason.

It works the same from source and in the PyInstaller bundle, where the compile worker is
the app's own executable started with ``--compile-worker``.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from gdviz.selftest_exports import CheckFailed, _gif, _mp4, _png, _svg

STEPS = 20
TOTAL_TIMEOUT_S = 28.0  # every wait ends by then: the self-test stays under 30 s
GRADIENT_TIMEOUT_S = 25.0
FONT_HINT = "install fonts, e.g. apt-get install fonts-dejavu-core fontconfig"
QT_HINT = "Qt needs libgl1 libegl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3"

_T0 = time.perf_counter()  # fallback origin when the process start time is unknown


def process_age() -> tuple[float, str]:
    """Seconds since this process started, and what the origin is.

    On Linux the kernel's start time of the process (so the interpreter's own start and
    the imports count); elsewhere the moment this module was imported.
    """
    try:
        with open("/proc/self/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5); fields[0] is field 3
        with open("/proc/uptime") as handle:
            uptime = float(handle.read().split()[0])
        age = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
        if 0 <= age < 3600:
            return age, "process start"
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    return time.perf_counter() - _T0, "self-test start"


class Report:
    """Collects and prints the check lines."""

    def __init__(self) -> None:
        self.failed = 0
        self.passed = 0

    def ok(self, message: str) -> None:
        self.passed += 1
        _say(f"ok   {message}")

    def fail(self, name: str, reason: str) -> None:
        self.failed += 1
        _say(f"FAIL {name}: {reason}")

    def check(self, name: str, func: Callable[[], str]) -> bool:
        """Run ``func`` (returns the ok message, raises on failure); never raises."""
        try:
            message = func()
        except CheckFailed as exc:
            self.fail(name, str(exc))
            return False
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a FAIL line
            self.fail(name, _describe(exc))
            return False
        self.ok(message)
        return True


def _describe(exc: BaseException) -> str:
    where = traceback.extract_tb(exc.__traceback__)
    place = f" (at {Path(where[-1].filename).name}:{where[-1].lineno})" if where else ""
    return f"{type(exc).__name__}: {exc}{place}"


_CONSOLE: list = []  # the parent's console, for the windowed app on Windows


def _output():
    if sys.stdout is not None:
        return sys.stdout
    if not _CONSOLE:
        stream = None
        if sys.platform == "win32":
            # The windowed gdviz.exe has no console of its own: borrow the console of the
            # cmd or PowerShell that started it (run it as: start /wait gdviz --self-test).
            with contextlib.suppress(Exception):
                import ctypes

                if ctypes.windll.kernel32.AttachConsole(-1):  # ATTACH_PARENT_PROCESS
                    stream = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
        _CONSOLE.append(stream)
    return _CONSOLE[0]


def _say(line: str) -> None:
    stream = _output()
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        print(line, file=stream, flush=True)


def _use_offscreen_without_display() -> None:
    from gdviz.cli import has_display

    if not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def self_test() -> int:
    """Run every check; 0 if all passed, 1 otherwise. Never raises."""
    report = Report()
    _DEADLINE[0] = time.monotonic() + TOTAL_TIMEOUT_S
    try:
        _run_checks(report)
    except BaseException as exc:  # noqa: BLE001 - the self-test itself must not crash
        report.fail("self-test", _describe(exc))
    if report.failed == 0 and report.passed == 0:
        report.fail("self-test", "no check ran")
    summary = f"{report.passed} passed, {report.failed} failed"
    _say(summary)
    return 0 if report.failed == 0 else 1


def _run_checks(report: Report) -> None:
    _use_offscreen_without_display()
    state: dict = {}

    def start_qt() -> str:
        from PySide6.QtCore import qVersion

        from gdviz.app import ensure_app

        app = ensure_app()
        state["app"] = app
        return f"Qt {qVersion()} started (platform {app.platformName()})"

    if not report.check("qt", _with_hint(start_qt, QT_HINT)):
        return
    report.check("fonts", check_fonts)
    with tempfile.TemporaryDirectory(prefix="gdviz-self-test-") as folder:
        _window_checks(report, state["app"], Path(folder))


def _with_hint(func: Callable[[], str], hint: str) -> Callable[[], str]:
    def wrapped() -> str:
        try:
            return func()
        except ImportError as exc:
            text = str(exc)
            if any(sign in text for sign in ("shared object", "DLL load", "Library not loaded")):
                raise CheckFailed(f"{text} — {hint}") from exc
            raise

    return wrapped


# -- fonts -----------------------------------------------------------------------------
def _ink(text: str):
    """Render ``text`` with a QLabel on white; the image and how many pixels are not white."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor, QImage
    from PySide6.QtWidgets import QLabel

    label = QLabel(text)
    label.setStyleSheet("QLabel { color: black; background: white; }")
    label.adjustSize()
    size = label.size()
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor(Qt.GlobalColor.white))
    label.render(image)
    label.deleteLater()
    white = QColor(Qt.GlobalColor.white).rgb()
    inked = sum(1 for y in range(image.height()) for x in range(image.width())
                if image.pixel(x, y) != white)
    return image, inked


def check_fonts() -> str:
    from PySide6.QtGui import QFontDatabase, QFontInfo
    from PySide6.QtWidgets import QApplication

    families = QFontDatabase.families()
    if not families:
        raise CheckFailed(f"no font families found — {FONT_HINT}")
    first, inked = _ink("gdvizAgf05")
    if inked < 20:
        raise CheckFailed(f"a label renders no glyphs ({inked} dark pixels) — {FONT_HINT}")
    # Without a usable font every character is the same empty box ("tofu"): two different
    # texts of the same length then render to identical pictures.
    second, _ = _ink("HqwkZyxT73")
    if first.size() == second.size() and first == second:
        raise CheckFailed(f"labels show empty boxes instead of letters — {FONT_HINT}")
    used = QFontInfo(QApplication.font()).family()
    return f"fonts: {len(families)} families, labels render glyphs in {used}"


# -- the window ------------------------------------------------------------------------
class _PaintClock:
    """Records when a widget is first painted, and first painted after ``arm()``."""

    def __init__(self, widget) -> None:
        from PySide6.QtCore import QEvent, QObject

        clock = self

        class Filter(QObject):
            def eventFilter(self, _obj, event):  # noqa: N802 - Qt override
                if event.type() == QEvent.Type.Paint:
                    clock._painted()
                return False

        self.first: float | None = None
        self.armed_at: float | None = None
        self.after_arm: float | None = None
        self._filter = Filter()
        widget.installEventFilter(self._filter)

    def _painted(self) -> None:
        now = process_age()[0]
        if self.first is None:
            self.first = now
        if self.armed_at is not None and self.after_arm is None:
            self.after_arm = now

    def arm(self) -> None:
        if self.armed_at is None:
            self.armed_at = process_age()[0]


_DEADLINE = [float("inf")]  # set by self_test()


def _wait(app, condition: Callable[[], bool], timeout: float) -> bool:
    """Run the event loop until ``condition()``; False after ``timeout`` seconds or when the
    self-test's overall time is up."""
    deadline = min(time.monotonic() + timeout, _DEADLINE[0])
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.005)
    return True


def _window_checks(report: Report, app, folder: Path) -> None:
    state: dict = {}
    errors: list[str] = []

    def open_window() -> str:
        from gdviz.app import create_window

        window = create_window()
        state["window"] = window
        controller = window.controller
        controller.sigFunctionError.connect(lambda error: errors.append(str(error)))
        viewport = window.contour.viewport()
        clock = state["clock"] = _PaintClock(viewport)
        controller.sigGridChanged.connect(lambda _grid: clock.arm())
        window.show()
        if not _wait(app, lambda: clock.first is not None, 10):
            raise CheckFailed("the window was never painted")
        if not _wait(app, lambda: clock.after_arm is not None, 10):
            raise CheckFailed("the contour map of the default lesson was never drawn")
        origin = process_age()[1]
        return (f"window painted {clock.first:.2f} s after {origin}, "
                f"contour map {clock.after_arm:.2f} s")

    if not report.check("window", open_window):
        _close(state)
        return
    window = state["window"]
    controller = window.controller

    def gradient() -> str:
        began = time.monotonic()
        if not _wait(app, lambda: controller.session is not None or errors, GRADIENT_TIMEOUT_S):
            raise CheckFailed(f"no gradient after waiting {time.monotonic() - began:.0f} s: "
                              "the compile worker process did not answer")
        if controller.session is None:
            raise CheckFailed(f"the default lesson did not compile: {errors[0]}")
        age, origin = process_age()
        maths = controller.objective.math_html()  # typeset by sympy in the worker process
        if not all(maths.get(key) for key in ("f", "dfdx", "dfdy")):
            raise CheckFailed(f"the maths panel has no formula for f and ∇f: {maths}")
        return (f"exact gradient from the compile worker process {age:.2f} s after {origin}: "
                f"{controller.text}")

    if report.check("gradient", gradient):
        report.check("descent", lambda: _descent(app, controller))
    report.check("png export", lambda: _png(app, window, folder))
    report.check("svg export", lambda: _svg(app, window, folder))
    report.check("gif export", lambda: _gif(window, folder))
    if getattr(sys, "frozen", False):  # from source MP4 is an extra (tests/gui/test_mp4.py)
        report.check("mp4 export", lambda: _mp4(window, folder))
    _close(state)


def _descent(app, controller) -> str:
    """20 steps through the controller (as the Step button does): the first run must go
    down, and no run may leave the finite numbers."""
    import numpy as np

    starts = [group.column("values")[0].copy() for group in controller.groups]
    controller.step(STEPS)
    app.processEvents()
    first = controller.groups[0]
    start, end, steps = float(starts[0][0]), float(first.values[0]), int(first.steps[0])
    if steps < 1:
        raise CheckFailed("no step was taken")
    if not end < start:
        raise CheckFailed(f"the loss did not fall: {start:.4g} → {end:.4g} in {steps} steps")
    fell = runs = 0
    for group, before in zip(controller.groups, starts, strict=True):
        if not np.isfinite(group.values).all():
            raise CheckFailed(f"a run's loss is not finite: {group.values.tolist()}")
        fell += int((group.values < before).sum())
        runs += group.size
    return (f"loss fell from {start:.4g} to {end:.4g} in {steps} steps "
            f"({controller.settings.optimizer}; {fell} of {runs} runs went down)")


def _close(state: dict) -> None:
    window = state.get("window")
    if window is None:
        return
    with contextlib.suppress(Exception):  # best effort after the checks
        window.close()  # shuts the controller down: timer, threads, compile worker
