"""Speed with views on: ticks per second and CPU% with 8 live runs, and the drag preview.

``--views all`` shows every 2D view of the table (3D is measured by bench_3d.py under
Xvfb); ``--views default`` only the default panels. Runs on older checkouts too (there
the window has no table of views: the default panels are all there is).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/views_bench.py --views all
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench import FUNCTIONS, ticks_per_second, wait  # noqa: E402


def show_views(window, which: str) -> list[str]:
    """Show the 2D views asked for; the names shown."""
    views = getattr(window, "views", None)
    if views is None:
        return ["(no table of views)"]
    if which == "all":
        for name in views.specs:
            if name != "surface3dView":
                views.set_shown(name, True)
    return list(views.shown())


def cpu_percent_playing(window, app, runs: int = 8, seconds: float = 4.0,
                        speed: float = 60.0) -> float:
    """CPU% of the process while ``runs`` runs play at ``speed`` steps/s on their timer."""
    c = window.controller
    c.starts = [(-0.5 + 0.3 * i, 4.0 - 0.2 * i) for i in range(runs)]
    c.update_settings(optimizer="gd", lr=1e-5)
    c.update_settings(stop=replace(c.settings.stop, max_steps=100_000, grad_tol=0.0))
    c.restart()
    for group in c.groups:
        for _ in range(1000):
            group.step()
    c.set_speed(speed)
    c.play()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    wait(app, lambda: time.perf_counter() - wall0 > seconds, timeout=seconds + 5)
    cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    c.pause()
    return 100 * cpu / wall


def preview_ms(window, repeats: int = 30) -> dict[str, tuple[float, float]]:
    """Median and worst ms of one drag preview (100 steps), per method."""
    c = window.controller
    if not hasattr(c, "preview"):
        return {}
    figures = {}
    for name in ("gd", "momentum", "adam", "newton", "linesearch"):
        c.race = []
        c.update_settings(optimizer=name, lr=0.05)
        c.starts = [(-0.5, 4.0)]
        c.restart()
        times = []
        for i in range(repeats):
            t0 = time.perf_counter()
            c.preview(0, -0.5 + 0.05 * i, 4.0 - 0.05 * i, 100)
            times.append(1000 * (time.perf_counter() - t0))
        figures[name] = (statistics.median(times), max(times))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", choices=("all", "default"), default="all")
    args = parser.parse_args()
    from PySide6.QtCore import QSettings, QStandardPaths

    from gdviz.app import create_window, ensure_app

    app = ensure_app()
    QStandardPaths.setTestModeEnabled(True)  # the user's remembered views stay out of it
    QSettings().clear()
    window = create_window()
    window.resize(1280, 720)
    window.show()
    wait(app, lambda: window.controller.session is not None)
    window.function_edit.setText(FUNCTIONS["ripples"])
    window.apply_function()
    wait(app, lambda: window.controller.objective is not None
         and window.controller.objective.text == FUNCTIONS["ripples"])
    shown = show_views(window, args.views)
    print(f"views shown ({args.views}): {', '.join(shown)}")
    for spread in (False, True):
        kind = "spreading" if spread else "crawling"
        rate = ticks_per_second(window, app, 1_000, 8, spread=spread)
        print(f"8 runs × 1,000-point paths, {kind}: {rate:.0f} ticks/s")
    print(f"CPU while 8 runs play at 60 steps/s: {cpu_percent_playing(window, app):.0f} %")
    for name, (median, worst) in preview_ms(window).items():
        print(f"drag preview (100 steps), {name}: median {median:.1f} ms, worst {worst:.1f} ms")
    window.close()


if __name__ == "__main__":
    main()
