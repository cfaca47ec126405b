"""Live drawing with long paths: frames/s, CPU% and GUI-thread ms per frame.

8 runs are filled to 100, 1,000 and 10,000 points, then play at 60 steps/s on their
timer for a few seconds each. For every length it reports the frames the map painted
per second, the CPU% of the process and the GUI thread's CPU ms per frame (from one
timer tick to the next: the tick, the map's paint and, every third frame or so, the
panels' refresh; median and mean), and the ratio of the 10,000-point cost to the
100-point one measured in the same run (1.0: the cost does not grow with the path).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/long_paths.py
    ... --views all        # every 2D view shown (default: the default panels)
    ... --profile 25       # cProfile the GUI thread while 10,000-point paths play
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench import FUNCTIONS, wait  # noqa: E402
from benchmarks.views_bench import show_views  # noqa: E402

LENGTHS = (100, 1_000, 10_000)


class FrameMeter:
    """Counts the map's paint events and the GUI thread's CPU time between timer ticks."""

    def __init__(self, window) -> None:
        from PySide6.QtCore import QEvent, QObject

        self.paints = 0
        self._marks: list[float] = []  # the GUI thread's CPU time at each timer tick
        meter = self

        class PaintCounter(QObject):
            def eventFilter(self, obj, event):  # noqa: N802 - Qt naming
                if event.type() == QEvent.Type.Paint:
                    meter.paints += 1
                return False

        self._filter = PaintCounter()
        window.contour.viewport().installEventFilter(self._filter)
        window.controller._timer.timeout.connect(self._ticked)  # after the tick's own slot

    def _ticked(self) -> None:
        self._marks.append(time.thread_time())  # this is the GUI thread

    def reset(self) -> None:
        self.paints = 0
        self._marks = []

    def frame_ms(self) -> list[float]:
        """GUI-thread CPU ms from one timer tick to the next (each a frame)."""
        marks = self._marks
        return [1000 * (b - a) for a, b in zip(marks, marks[1:], strict=False)]


def fill(window, app, points: int, runs: int = 8) -> None:
    """Restart ``runs`` crawling runs and step them (off the clock) to ``points`` points."""
    c = window.controller
    c.race = []
    c.starts = [(-0.5 + 0.3 * i, 4.0 - 0.2 * i) for i in range(runs)]
    c.update_settings(optimizer="gd", lr=1e-5)
    c.update_settings(stop=replace(c.settings.stop, max_steps=100_000, grad_tol=0.0))
    c.restart()
    for group in c.groups:
        for _ in range(points - 1):
            group.step()
    c.sigStepped.emit()  # the map draws the whole paths once
    _idle(app, 0.3)


def _idle(app, seconds: float) -> None:
    """Run the event loop for ``seconds`` (no polling timer: it would cost CPU itself)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def play(window, app, meter: FrameMeter, seconds: float, speed: float = 60.0,
         profile: cProfile.Profile | None = None) -> dict[str, float]:
    """Play for ``seconds``; frames/s painted, CPU% and median GUI-thread ms per frame."""
    c = window.controller
    c.set_speed(speed)
    c.play()
    _idle(app, 0.5)  # the first frames after Play (panels refitting) are not counted
    meter.reset()
    if profile is not None:
        profile.enable()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    _idle(app, seconds)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    if profile is not None:
        profile.disable()
    c.pause()
    frames = meter.frame_ms()
    return {"fps": meter.paints / wall, "cpu": 100 * cpu / wall,
            "ms": statistics.median(frames) if frames else float("nan"),
            "mean": statistics.fmean(frames) if frames else float("nan"),
            "ticks": len(frames) / wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", choices=("all", "default"), default="default")
    parser.add_argument("--seconds", type=float, default=4.0, help="play time per length")
    parser.add_argument("--repeats", type=int, default=3,
                        help="plays per length (the median of each figure is reported)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="cProfile a play at --profile-at points; print the top N functions")
    parser.add_argument("--profile-at", type=int, default=10_000, metavar="POINTS")
    parser.add_argument("--lengths", type=int, nargs="*", default=list(LENGTHS))
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
    meter = FrameMeter(window)
    results: dict[int, dict[str, float]] = {}
    for points in args.lengths:
        plays = []
        for _ in range(args.repeats):
            fill(window, app, points)
            plays.append(play(window, app, meter, args.seconds))
        results[points] = {k: statistics.median(p[k] for p in plays) for k in plays[0]}
        r = results[points]
        print(f"8 runs × {points:>6,}-point paths at 60 steps/s: {r['fps']:.1f} frames/s "
              f"painted ({r['ticks']:.1f} ticks/s), CPU {r['cpu']:.0f} %, "
              f"GUI thread {r['ms']:.2f} ms/frame median, {r['mean']:.2f} mean", flush=True)
    for figure in ("ms", "mean") if set(LENGTHS) <= set(results) else ():
        floor = results[LENGTHS[0]][figure]
        print(f"{'median' if figure == 'ms' else 'mean'} ms/frame ratio 10,000:100 = "
              f"{results[10_000][figure] / floor:.2f} "
              f"(1,000:100 = {results[1_000][figure] / floor:.2f})")
    if args.profile:
        profile = cProfile.Profile()
        fill(window, app, args.profile_at)
        play(window, app, meter, args.seconds, profile=profile)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.profile)
    window.close()


if __name__ == "__main__":
    main()
