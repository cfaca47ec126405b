"""Speed of the drag preview: 100 steps of every optimizer on every preset.

For each optimizer × preset (first start, the preset's η, default settings) prints the
median ms of one ``preview_path(..., steps=100)`` call with its real 12 ms budget, the
steps it did, the steps it does with no budget (fewer than 100 only when the run
stops by itself: converged or diverged; "CUT" marks a call the budget cut short), and
the ratio to a floor measured in the same run: 100 evaluations of the compiled
gradient code on Python floats at the start point (the raw code object, no wrapping),
so "ratio 3" means the preview costs three bare gradient evaluations per step.

Run with ``.venv/bin/python benchmarks/drag_preview.py [REPEATS]``.
"""

from __future__ import annotations

import argparse
import functools
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gdviz.core.compiler import compile_function  # noqa: E402
from gdviz.core.optimizers import OPTIMIZERS  # noqa: E402
from gdviz.core.presets import PRESETS  # noqa: E402
from gdviz.core.runs import RunSettings, preview_path  # noqa: E402

STEPS = 100


def median_s(call, repeats: int) -> float:
    """The median wall time of ``call()`` over ``repeats`` runs, after one warm-up."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor_s(function, start: tuple[float, float], repeats: int) -> float:
    """100 bare evaluations of the compiled gradient code at ``start``."""
    grad, (x, y) = function._grad, (float(start[0]), float(start[1]))

    def hundred() -> None:
        for _ in range(STEPS):
            grad(x, y)

    return median_s(hundred, repeats)


def main(repeats: int = 7) -> None:
    print(f"{'preset':<28} {'optimizer':<11} {'ms':>7} {'steps':>5} {'full':>5} {'ratio':>6}")
    worst: dict[str, float] = {}
    cut = 0
    for preset in PRESETS:
        function = compile_function(preset.function)
        start = preset.starts[0]
        floor = floor_s(function, start, repeats)
        for name in OPTIMIZERS:
            settings = RunSettings(optimizer=name, lr=preset.lr)
            seconds = median_s(
                functools.partial(preview_path, function, start, settings, STEPS), repeats)
            done = len(preview_path(function, start, settings, STEPS)) - 1
            full = len(preview_path(function, start, settings, STEPS, budget_s=math.inf)) - 1
            flag = " CUT" if done < full else ""
            cut += done < full
            worst[name] = max(worst.get(name, 0.0), seconds)
            print(f"{preset.name[:28]:<28} {name:<11} {seconds * 1e3:7.3f} {done:5d} {full:5d}"
                  f" {seconds / floor:6.1f}{flag}")
    print("\nworst ms per optimizer over the presets:")
    print("  ".join(f"{name} {ms * 1e3:.2f}" for name, ms in worst.items()))
    print(f"calls cut short by the budget: {cut}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repeats", nargs="?", type=int, default=7)
    main(parser.parse_args().repeats)
