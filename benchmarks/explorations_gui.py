"""The explorations in the real window: time to result and the event loop's worst stall.

With the window shown (offscreen is fine: ``QT_QPA_PLATFORM=offscreen``), for

* basins: 200×200 starts × 200 steps of plain GD (η = 0.05) on the rippled bowl (the
  default lesson), idle and while the lesson's three runs play at 1,000 steps/s;
* sweep: 100 η × 1,000 steps of GD from the first start, likewise;
* the regression view's refresh with 8 runs live (its per-frame cost);

prints the time from Compute/Run to the result on screen and the longest gap between
ticks of a 10 ms timer meanwhile (target: < 100 ms). Median of ``--repeats``.

Run with ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/explorations_gui.py``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _wait(app, condition, timeout: float = 30.0) -> None:
    end = time.perf_counter() + timeout
    while not condition():
        app.processEvents()
        time.sleep(0.001)
        if time.perf_counter() > end:
            raise TimeoutError("no result")


def _measure(app, window, start, done, play: bool) -> tuple[float, float]:
    from tests.gui.fuzz_actions import GapMeter

    c = window.controller
    c.restart()
    if play:
        c.set_speed(1000)
        c.play()
    meter = GapMeter()
    _wait(app, lambda: meter.ticks > 3)
    meter.longest = 0.0
    began = time.perf_counter()
    start()
    _wait(app, done)
    seconds = time.perf_counter() - began
    meter.stop()
    c.pause()
    return seconds, meter.longest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats

    from PySide6.QtCore import QSettings, QStandardPaths

    from gdviz.app import create_window, ensure_app

    app = ensure_app()
    QStandardPaths.setTestModeEnabled(True)
    QSettings().clear()
    window = create_window()
    window.show()
    c = window.controller
    _wait(app, lambda: c.session is not None)
    c.update_settings(lr=0.05)
    basins_view = window.views.build("basinsView")
    window.views.set_shown("basinsView", True)
    sweep_view = window.views.build("sweepView")
    window.views.set_shown("sweepView", True)
    sweep_view.count_spin.setValue(100)
    sweep_view.steps_spin.setValue(1000)
    _wait(app, lambda: c.grid is not None and c.grid.view == c.view, 5)
    time.sleep(0.3)
    app.processEvents()

    def basins_start() -> None:
        basins_view.result = None
        basins_view.run()

    def sweep_start() -> None:
        sweep_view.result = None
        sweep_view.run()

    cases = [("basins 200² × 200 steps", basins_start,
              lambda: basins_view.result is not None and not basins_view.job.running),
             ("sweep 100 η × 1,000 steps", sweep_start,
              lambda: sweep_view.result is not None and not sweep_view.job.running)]
    for label, start, done in cases:
        for play in (False, True):
            runs = [_measure(app, window, start, done, play) for _ in range(repeats)]
            seconds = statistics.median(r[0] for r in runs)
            gap = max(r[1] for r in runs)
            print(f"{label}{', runs playing' if play else ''}: {seconds * 1000:.0f} ms to "
                  f"the result, worst event-loop gap {gap * 1000:.0f} ms")

    window.views.set_shown("regressionView", True)
    view = window.views.view("regressionView")
    view.apply()
    _wait(app, lambda: c.objective is not None and c.text == view.applied_text
          and c.session is not None)
    for x in range(7):
        c.set_start(-1 + 0.3 * x, 1.0, add=True)
    c.step(20)
    assert sum(g.size for g in c.groups) == 8
    for label, moving in (("every line moved", True), ("runs stopped", False)):
        began = time.perf_counter()
        for _ in range(200):
            if moving:
                for line in view.lines:
                    line.drawn = None  # as if every run had stepped
            view.refresh()
        micros = (time.perf_counter() - began) / 200 * 1e6
        print(f"regression view refresh, 8 runs, {label}: {micros:.0f} µs")
    window.close()


if __name__ == "__main__":
    main()
