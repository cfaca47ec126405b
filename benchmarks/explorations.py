"""Speed of the explorations (no window): basins of attraction and the learning-rate sweep.

Prints the median wall time of a few repeats and the run-steps per second of

* basins: 200×200 starts × 200 steps of plain GD (η = 0.05) on the rippled bowl
  (target ≤ 1 s on 2 cores; run-steps counted as if no run stopped early), and
* sweep: 100 log-spaced η × 1,000 steps of GD and of Adam from (−2, −1) on the same
  bowl (target ≤ 0.5 s).

Run with ``.venv/bin/python benchmarks/explorations.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from gdviz.core.basins import basins  # noqa: E402
from gdviz.core.compiler import compile_function  # noqa: E402
from gdviz.core.grid import ViewRange  # noqa: E402
from gdviz.core.sweep import log_lrs, sweep  # noqa: E402

RIPPLES = "(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)"


def _median_time(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    f = compile_function(RIPPLES)

    n, steps = 200, 200
    seconds = _median_time(lambda: basins(f, ViewRange(), n, "gd", 0.05, steps=steps), repeats)
    result = basins(f, ViewRange(), n, "gd", 0.05, steps=steps)
    print(f"basins {n}×{n} × {steps} steps, gd, rippled bowl: {seconds:.3f} s median of "
          f"{repeats} ({n * n * steps / seconds / 1e6:.1f} M run-steps/s nominal; "
          f"{len(result.minima)} basin(s), {int(result.settled.sum())} starts settled)")
    plain = _median_time(lambda: _no_early_stop(f, n, steps), repeats)
    print(f"basins without early stops (grad_tol 0): {plain:.3f} s "
          f"({n * n * steps / plain / 1e6:.1f} M run-steps/s)")
    points = np.random.default_rng(0).uniform(-3, 3, (n * n, 2))
    gradient = _median_time(lambda: [f.gradient(points) for _ in range(steps)], repeats)
    print(f"  of which the compiled gradient alone, {steps} × {n * n} rows: {gradient:.3f} s")

    lrs = log_lrs(1e-4, 1.0, 100)
    for name in ("gd", "adam"):
        seconds = _median_time(
            lambda name=name: sweep(f, (-2.0, -1.0), name, steps=1000, lrs=lrs, grad_tol=0),
            repeats)
        print(f"sweep 100 η × 1000 steps, {name}: {seconds:.3f} s median of {repeats} "
              f"({100 * 1000 / seconds / 1e6:.2f} M run-steps/s)")


def _no_early_stop(f, n: int, steps: int) -> None:
    from gdviz.core.basins import grid_starts
    from gdviz.core.sweep import descend

    descend(f, grid_starts(ViewRange(), n)[2], 0.05, "gd", steps=steps, grad_tol=0)


if __name__ == "__main__":
    main()
