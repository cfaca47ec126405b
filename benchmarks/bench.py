"""Speed figures of gdviz, measured through the real window (offscreen).

Prints, for a few presets: edit→redraw time at 400×400 (median), live ticks per second
at 1,000- and 10,000-point paths (1 run and 8 runs), cold start to the first painted
contour, and peak RSS. Run with ``make bench`` or
``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench.py``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


FUNCTIONS = {
    "ripples": "(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)",
    "rosenbrock": "(1-x)^2 + 100(y-x^2)^2",
    "himmelblau": "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "log-domain": "log(x) + y^2",
}


def wait(app, condition, timeout=30.0) -> None:
    """Run the event loop (idle, as in real use) until ``condition()`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    poll = QTimer(interval=1)
    poll.timeout.connect(lambda: condition() and loop.quit())
    poll.start()
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    if not condition():
        loop.exec()
    poll.stop()
    if not condition():
        raise TimeoutError("benchmark step did not finish")


def edit_to_redraw(window, app, text: str, repeats: int = 15) -> float:
    """Median ms from applying an edit to the new contour map being painted."""
    c = window.controller
    times, done = [], []

    def painted(_grid) -> None:  # runs after the window's own slot has drawn the grid
        window.contour.viewport().repaint()
        done.append(time.perf_counter())

    c.sigGridChanged.connect(painted)
    for i in range(repeats):
        variant = f"{text} + {i % 2}"  # alternate so every edit is a real change
        done.clear()
        t0 = time.perf_counter()
        window.function_edit.setText(variant)
        window.apply_function()
        wait(app, lambda: bool(done))
        times.append(done[0] - t0)
        wait(app, lambda v=variant: c.objective is not None and c.objective.text == v)
    c.sigGridChanged.disconnect(painted)
    return 1000 * statistics.median(times)


def ticks_per_second(window, app, path_points: int, runs: int, ticks: int = 120,
                     spread: bool = False) -> float:
    """Live ticks per second (step + redraw + paint) once paths hold ``path_points``.

    By default the runs crawl (η = 1e-5: each path stays within a few pixels); with
    ``spread`` they are momentum runs that spiral across the whole map, every step a
    visible segment (the harder case for drawing).
    """
    c = window.controller
    c.race = []
    starts = [(-0.5 + 0.3 * i, 4.0 - 0.2 * i) for i in range(runs)]
    c.starts = starts
    c.update_settings(optimizer="momentum" if spread else "gd", lr=0.002 if spread else 1e-5)
    from dataclasses import replace

    c.update_settings(stop=replace(c.settings.stop, max_steps=100_000, grad_tol=0.0))
    c.restart()
    for group in c.groups:
        for _ in range(path_points):
            group.step()
    c.sigStepped.emit()
    c.steps_per_second = 60
    c.play()  # panels then refresh at their playing rate (20 Hz), as in real use
    c._timer.setInterval(3_600_000)  # but the ticks below are driven by hand, at full speed
    t0 = time.perf_counter()
    for _ in range(ticks):
        c._tick()
        app.processEvents()  # paints what the tick changed, as the event loop would
    rate = ticks / (time.perf_counter() - t0)
    c.pause()
    return rate


def cold_start_ms() -> float:
    """Process start to the first painted contour, in a fresh interpreter."""
    probe = ROOT / "benchmarks" / "startup_probe.py"
    t0 = time.time()
    out = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True,
                         check=True, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    painted = float(out.stdout.strip().splitlines()[-1])
    return 1000 * (painted - t0)


def main() -> None:
    from gdviz.app import create_window, ensure_app

    starts = [cold_start_ms() for _ in range(5)]
    print(f"cold start to first painted contour: median {statistics.median(starts):.0f} ms "
          f"(min {min(starts):.0f}, max {max(starts):.0f}) over 5 starts")
    app = ensure_app()
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)  # the user's remembered views stay out of it
    QSettings().clear()
    window = create_window()
    window.show()
    wait(app, lambda: window.controller.session is not None)
    for name, text in FUNCTIONS.items():
        print(f"edit→redraw 400×400, {name}: median {edit_to_redraw(window, app, text):.1f} ms")
    window.function_edit.setText(FUNCTIONS["ripples"])
    window.apply_function()
    wait(app, lambda: window.controller.objective is not None
         and window.controller.objective.text == FUNCTIONS["ripples"])
    for spread in (False, True):
        kind = "spreading across the map" if spread else "crawling"
        for runs in (1, 8):
            for points in (1_000, 10_000):
                rate = ticks_per_second(window, app, points, runs, spread=spread)
                print(f"live stepping, {runs} run(s) × {points:,}-point paths, {kind}: "
                      f"{rate:.0f} ticks/s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this benchmark process: {rss:.0f} MB")
    window.close()
    print("with every 2D view shown (benchmarks/views_bench.py):", flush=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "views_bench.py")], check=True)


if __name__ == "__main__":
    main()
