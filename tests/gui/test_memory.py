"""Freed memory goes back to the system, so long sessions keep a flat footprint."""

import sys

import numpy as np
import pytest

from benchmarks.soak import rss_mb
from gdviz.app.memory import TRIM_INTERVAL_MS, trim_heap


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trimming_returns_freed_heap_to_the_system():
    blocks = [np.ones(500) for _ in range(60_000)]  # ~240 MB in small heap blocks
    pin = np.ones(500)  # above them, so the freed pages are not at the heap's top
    blocks.clear()
    kept = rss_mb()  # glibc keeps the freed pages for reuse
    assert trim_heap()
    assert rss_mb() < kept - 100
    del pin


def test_the_window_trims_every_minute(window):
    timer = window.controller._trim_timer
    assert timer.isActive() and timer.interval() == TRIM_INTERVAL_MS == 60_000
