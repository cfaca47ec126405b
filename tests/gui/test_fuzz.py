"""2,000 random interactions with the real window: no exception, no stall, still usable."""

import os

import pytest

from tests.gui.fuzz_actions import Fuzzer, check_still_works

SEED = int(os.environ.get("GDVIZ_FUZZ_SEED", "1"))
ACTIONS = int(os.environ.get("GDVIZ_FUZZ_ACTIONS", "2000"))
# The product target is 250 ms (issue 6). Measured worst gaps over 2,000 actions are
# 230-300 ms on 2 cores (restarts with 10+ runs, the first resize to 1920x1080), so this
# guard sits at 400 ms until the target is met; benchmarks/stress.py reports the figure.
MAX_GAP = 0.4  # seconds the event loop may stall


@pytest.mark.slow
def test_random_interaction_never_breaks_the_window(window):
    fuzzer = Fuzzer(window, seed=SEED)
    report = fuzzer.run(ACTIONS)
    print(report.summary(), dict(report.counts))
    assert not report.errors, fuzzer.describe_failure()
    stalls = "\n  ".join(f"{gap * 1000:.0f} ms after {action}" for gap, action in report.slowest)
    assert report.longest_gap < MAX_GAP, (
        f"the event loop stalled for {report.longest_gap * 1000:.0f} ms ({report.summary()}); "
        f"longest stalls:\n  {stalls}")
    problem = check_still_works(window)
    assert problem is None, f"{problem} after {report.summary()}"
