"""Soak: live stepping at full speed with restarts, for minutes; memory and rate must hold.

The controller plays at the speed slider's top speed; every few hundred steps (or when
the runs stop) a new start point is clicked or Reset is pressed. RSS is read from
/proc/self/statm after a warm-up and at the end, and the step rate of the first and last
thirds is compared. Run with
``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/soak.py --minutes 10``.
``soak()`` is shared with ``tests/gui/test_soak.py``.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss_mb() -> float:
    """Resident memory of this process in MB, from /proc/self/statm (0 if unavailable)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE / 1e6
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass
class SoakReport:
    """What a soak measured (after the warm-up)."""

    seconds: float = 0.0
    steps: int = 0
    restarts: int = 0
    rss_start: float = 0.0  # MB, after the warm-up
    rss_end: float = 0.0
    longest_gap: float = 0.0  # seconds between ticks of a 10 ms timer
    samples: list[tuple[float, int]] = field(default_factory=list)  # (time, total steps)

    def rate(self, start: float, end: float) -> float:
        """Steps per second between two fractions of the run (0…1)."""
        t0, t1 = self.seconds * start, self.seconds * end
        inside = [(t, s) for t, s in self.samples if t0 <= t <= t1]
        if len(inside) < 2 or inside[-1][0] == inside[0][0]:
            return 0.0
        return (inside[-1][1] - inside[0][1]) / (inside[-1][0] - inside[0][0])

    @property
    def first_rate(self) -> float:
        return self.rate(0, 1 / 3)

    @property
    def last_rate(self) -> float:
        return self.rate(2 / 3, 1)

    def summary(self) -> str:
        return (f"{self.steps} steps and {self.restarts} restarts in {self.seconds:.0f} s; "
                f"RSS {self.rss_start:.1f} → {self.rss_end:.1f} MB "
                f"({self.rss_end - self.rss_start:+.1f}); steps/s first third "
                f"{self.first_rate:.0f}, last third {self.last_rate:.0f}; longest loop gap "
                f"{self.longest_gap * 1000:.0f} ms")


class _Driver:
    """Keeps the runs playing and restarts them every ``restart_every`` steps."""

    def __init__(self, window, restart_every: int, seed: int) -> None:
        self.window = window
        self.restart_every = restart_every
        self.rng = random.Random(seed)
        self.steps = 0  # steps of the first run, summed over restarts
        self.restarts = 0
        self._seen = 0  # ticks of the current session already counted
        self._session = None

    def poll(self) -> None:
        """Count steps; restart (click or Reset) and play again when due."""
        c = self.window.controller
        if c.session is not self._session:
            self._session, self._seen = c.session, 0
        ticks = c.groups[0].ticks if c.groups else 0
        self.steps += max(0, ticks - self._seen)
        self._seen = ticks
        if ticks >= self.restart_every or (not c.playing and c.session is not None):
            self.restart()
            c.play()

    def restart(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QPushButton

        window = self.window
        if self.rng.random() < 0.3:
            window.findChild(QPushButton, "resetButton").click()
        else:
            (x0, x1), (y0, y1) = window.contour.getPlotItem().getViewBox().viewRange()
            x, y = self.rng.uniform(x0, x1), self.rng.uniform(y0, y1)
            QTest.mouseClick(window.contour.viewport(), Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, window.contour.data_to_viewport(x, y))
        self.restarts += 1


def run_loop(seconds: float, poll) -> float:
    """Run the event loop for ``seconds``, calling ``poll()`` every 10 ms; the longest gap."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop, timer = QEventLoop(), QTimer(interval=10)
    longest, last = 0.0, time.perf_counter()

    def tick() -> None:
        nonlocal longest, last
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
        poll()

    timer.timeout.connect(tick)
    timer.start()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()
    return longest


def soak(window, seconds: float, warmup: float = 5.0, restart_every: int = 300,
         seed: int = 0, progress=None) -> SoakReport:
    """Play at top speed for ``warmup`` + ``seconds``, restarting; measure after warm-up.

    ``progress(report)`` is called about every 10 % of the run (the benchmark prints).
    """
    slider = window.controls.speed_slider
    slider.setValue(slider.maximum())
    driver = _Driver(window, restart_every, seed)
    window.controller.play()
    run_loop(warmup, driver.poll)
    gc.collect()
    report = SoakReport(rss_start=rss_mb())
    start, steps0, restarts0 = time.perf_counter(), driver.steps, driver.restarts

    def poll() -> None:
        driver.poll()
        report.samples.append((time.perf_counter() - start, driver.steps - steps0))

    chunks = 10 if progress else 1
    for _ in range(chunks):
        report.longest_gap = max(report.longest_gap, run_loop(seconds / chunks, poll))
        report.seconds = time.perf_counter() - start
        report.steps, report.restarts = driver.steps - steps0, driver.restarts - restarts0
        if progress:
            report.rss_end = rss_mb()
            progress(report)
    window.controller.pause()
    gc.collect()
    report.rss_end = rss_mb()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds before measuring")
    parser.add_argument("--restart-every", type=int, default=300, help="steps per restart")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from tests.gui.fuzz_actions import open_ready_window

    window = open_ready_window()
    if window is None:
        return 1
    print(f"soak for {args.minutes:g} min after a {args.warmup:g} s warm-up", flush=True)

    def progress(report: SoakReport) -> None:
        rate = report.steps / report.seconds if report.seconds else 0.0
        print(f"  {report.seconds:7.0f} s  {report.steps:>9} steps  {rate:6.0f}/s  "
              f"{report.restarts:>6} restarts  RSS {report.rss_end:.1f} MB", flush=True)

    report = soak(window, args.minutes * 60, args.warmup, args.restart_every, args.seed,
                  progress)
    window.controller.shutdown()
    print(f"\n{report.summary()}")
    growth, steady = report.rss_end - report.rss_start, report.last_rate >= 0.8 * report.first_rate
    print(f"RSS growth {growth:+.1f} MB ({'ok' if growth < 10 else 'TOO MUCH'}); "
          f"rate {'steady' if steady else 'FELL'}")
    return 0 if growth < 10 and steady else 1


if __name__ == "__main__":
    sys.exit(main())
