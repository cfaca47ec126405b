"""Soak: 30 s of live stepping with restarts keeps memory flat and the rate steady;
a run's history is bounded by MAX_STEPS_CAP whatever the step limit."""

from dataclasses import replace

import numpy as np
import pytest

from benchmarks.soak import soak
from gdviz.core import runs
from gdviz.core.objective import CallableObjective
from gdviz.core.runs import RUNNING, STEP_LIMIT, RunGroup, RunSettings, StopRules

SOAK_SECONDS = 30
MAX_GROWTH_MB = 10


@pytest.mark.slow
def test_live_stepping_with_restarts_holds_memory_and_rate(window):
    report = soak(window, SOAK_SECONDS, warmup=5)
    print(report.summary())
    assert report.restarts >= 10 and report.steps >= 10 * 300 // 2, report.summary()
    assert report.rss_end - report.rss_start < MAX_GROWTH_MB, report.summary()
    assert report.last_rate >= 0.5 * report.first_rate, report.summary()  # a slowdown that
    # grows (a leak), not the noise of a shared machine


def slope():
    """f = x + y: the gradient never vanishes, so only the step limit stops a run."""
    return CallableObjective(lambda x, y: x + y, lambda x, y: (1.0, 1.0))


def test_a_huge_step_limit_is_capped(monkeypatch):
    monkeypatch.setattr(runs, "MAX_STEPS_CAP", 500)
    stop = StopRules(max_steps=10**12, grad_tol=0.0)
    group = RunGroup(slope(), np.zeros((2, 2)), RunSettings(lr=1e-3, stop=stop))
    taken = 0
    while group.step():
        taken += 1
        assert taken <= 500
    assert group.ticks == 500 and (group.status == STEP_LIMIT).all()
    assert len(group.path(0)) == 501 and len(group.column("points")) == 501
    group.update_settings(stop=StopRules(max_steps=10**15, grad_tol=0.0))
    assert (group.status == STEP_LIMIT).all() and not group.step()  # still capped


def test_raising_the_limit_through_the_controller_stops_at_the_cap(window, monkeypatch):
    monkeypatch.setattr(runs, "MAX_STEPS_CAP", 200)
    c = window.controller
    c.update_settings(stop=replace(c.settings.stop, max_steps=10**9, grad_tol=0.0))
    assert all(g.settings.stop.max_steps == 10**9 for g in c.groups)
    c.step(1000)
    group = c.groups[0]
    assert group.ticks == 200 and (group.status != RUNNING).all()
    assert int(group.steps.max()) <= 200
    assert len(window.contour.layer.path(0)) <= 201
