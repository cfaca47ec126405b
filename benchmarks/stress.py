"""Stress: thousands of random interactions with a real (offscreen) window.

Runs the seeded fuzzer of ``tests/gui/fuzz_actions.py`` and prints actions per second,
the longest event-loop gap, the exceptions seen (each distinct one in full), the slowest
actions and the RSS at start and end. Exit status 1 if anything failed. Run with
``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/stress.py --actions 20000 --seed 3``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def distinct(errors: list[str]) -> Counter:
    """Errors keyed by their traceback without the 'during action #n' header."""
    return Counter(error.split("\n", 1)[1] for error in errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chunk", type=int, default=1000, help="progress every N actions")
    args = parser.parse_args(argv)

    from benchmarks.soak import rss_mb
    from tests.gui.fuzz_actions import Fuzzer, check_still_works, open_ready_window

    window = open_ready_window()
    if window is None:
        return 1
    rss_start = rss_mb()
    fuzzer = Fuzzer(window, seed=args.seed)
    print(f"seed {args.seed}: {args.actions} actions, RSS at start {rss_start:.1f} MB",
          flush=True)
    while fuzzer.report.actions < args.actions:
        report = fuzzer.run(min(args.chunk, args.actions - fuzzer.report.actions),
                            raise_errors=False)
        print(f"  {report.actions:>6} actions  {report.rate:6.0f}/s  "
              f"longest gap {report.longest_gap * 1000:5.0f} ms  "
              f"exceptions {len(report.errors)}  RSS {rss_mb():.1f} MB", flush=True)
    problem = check_still_works(window)
    rss_end = rss_mb()
    window.controller.shutdown()

    report = fuzzer.report
    print(f"\nactions/s          {report.rate:.0f} ({report.actions} in {report.seconds:.1f} s)")
    print(f"longest loop gap   {report.longest_gap * 1000:.0f} ms")
    print(f"exceptions seen    {len(report.errors)}")
    print(f"RSS start → end    {rss_start:.1f} → {rss_end:.1f} MB")
    print(f"still works        {'yes' if problem is None else 'NO: ' + problem}")
    print("\nlongest event-loop gaps (ms) and the action that caused them:")
    for seconds, text in report.slowest:
        print(f"  {seconds * 1000:7.0f}  {text}")
    print("\ntime by kind of action (s):")
    for kind, seconds in report.time_by_kind.most_common():
        print(f"  {seconds:7.2f}  {kind} × {report.counts[kind]}")
    for text, count in distinct(report.errors).most_common():
        print(f"\n{count} × exception:\n{text}")
    return 0 if not report.errors and problem is None else 1


if __name__ == "__main__":
    sys.exit(main())
