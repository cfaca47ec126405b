"""Learning-rate schedules: first values by hand, warm-up, and the CLI syntax."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from gdviz.core.schedules import SCHEDULES, Schedule, parse_schedule

T = np.arange(6)


def test_constant():
    assert Schedule().lr_at(0.1, T) == pytest.approx([0.1] * 6, rel=1e-15)


def test_step_decays_every_step_size_steps():
    lr = Schedule("step", step_size=2, gamma=0.5).lr_at(0.1, T)
    assert lr == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025], rel=1e-15)


def test_exponential():
    lr = Schedule("exponential", gamma=0.9).lr_at(0.1, T[:4])
    assert lr == pytest.approx([0.1, 0.1 * 0.9, 0.1 * 0.9 * 0.9, 0.1 * 0.9**3], rel=1e-15)


def test_cosine_anneals_to_eta_min_and_stays_there():
    lr = Schedule("cosine", t_max=4, eta_min=0.01).lr_at(0.1, T)
    half = (0.1 - 0.01) / 2
    expected = [
        0.1,
        0.01 + half * (1 + math.cos(math.pi / 4)),
        0.01 + half,  # cos(π/2) = 0
        0.01 + half * (1 + math.cos(3 * math.pi / 4)),
        0.01,
        0.01,  # held at η_min after T_max
    ]
    assert lr == pytest.approx(expected, rel=1e-12)


def test_warmup_ramps_linearly_then_hands_over():
    lr = Schedule("constant", warmup=4).lr_at(0.2, T)
    assert lr == pytest.approx([0.05, 0.1, 0.15, 0.2, 0.2, 0.2], rel=1e-15)
    lr = Schedule("step", step_size=2, gamma=0.5, warmup=2).lr_at(0.2, T)
    # the factors multiply: ramp (1/2, 1, 1, …) × decay (1, 1, 1/2, 1/2, 1/4, 1/4)
    assert lr == pytest.approx([0.1, 0.2, 0.1, 0.1, 0.05, 0.05], rel=1e-15)
    assert Schedule(warmup=1).lr_at(0.2, T) == pytest.approx([0.2] * 6)


def test_lr_at_is_vectorised_over_runs():
    schedule = Schedule("exponential", gamma=0.5, warmup=2)
    t = np.array([0, 3, 1])
    lr = schedule.lr_at(np.array([0.4, 0.4, 1.0]), t)
    assert lr == pytest.approx([0.4 / 2, 0.4 * 0.5**3, 1.0 * 0.5], rel=1e-15)
    assert lr.shape == (3,) and lr.dtype == float
    assert Schedule().lr_at(0.1, np.array(7)).shape == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("constant", Schedule()),
        ("step:10", Schedule("step", step_size=10, gamma=0.1)),
        ("step:10:0.5", Schedule("step", step_size=10, gamma=0.5)),
        ("exponential:0.99", Schedule("exponential", gamma=0.99)),
        ("cosine:100", Schedule("cosine", t_max=100)),
        ("cosine:100:0.001", Schedule("cosine", t_max=100, eta_min=0.001)),
        ("cosine:100,warmup=5", Schedule("cosine", t_max=100, warmup=5)),
        (" Step : 3 : 0.5 , warmup = 2 ", Schedule("step", step_size=3, gamma=0.5, warmup=2)),
        ("constant,warmup=0", Schedule()),
    ],
)
def test_parse_schedule(text, expected):
    assert parse_schedule(text) == expected
    assert parse_schedule(expected.to_text()) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "unknown kind"),
        ("linear:5", "unknown kind 'linear'"),
        ("constant:1", "takes 0 parameter"),
        ("step", "takes 1 or 2 parameter"),
        ("step:1:2:3", "takes 1 or 2 parameter"),
        ("exponential", "takes 1 parameter"),
        ("step:2.5", "step size must be a whole number"),
        ("step:0", "step size must be at least 1"),
        ("step:10:fast", "gamma must be a number"),
        ("exponential:0", "gamma must be a positive number"),
        ("exponential:nan", "gamma must be a positive number"),
        ("cosine:0", "T_max must be at least 1"),
        ("cosine:100:-1", "eta_min must be ≥ 0"),
        ("cosine:100,warmup=-1", "warmup must be ≥ 0"),
        ("cosine:100,warmup=1.5", "warmup must be a whole number"),
        ("cosine:100,warmup", "unknown option"),
        ("cosine:100,cooldown=3", "unknown option 'cooldown=3'"),
    ],
)
def test_parse_schedule_rejects_bad_text(text, why):
    with pytest.raises(ValueError, match="bad schedule") as error:
        parse_schedule(text)
    assert why in str(error.value)
    assert "expected constant | step:" in str(error.value)


def test_every_kind_is_parseable_and_unknown_kinds_are_refused():
    assert SCHEDULES == ("constant", "step", "exponential", "cosine")
    for kind in SCHEDULES:
        assert parse_schedule(Schedule(kind).to_text()).kind == kind
    with pytest.raises(ValueError, match="unknown schedule 'cyclic'"):
        Schedule("cyclic")


@pytest.mark.parametrize("text", ["step:1:1e300", "exponential:1e10"])
def test_growing_rates_overflow_to_inf_quietly(text):
    schedule = parse_schedule(text)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lr = schedule.lr_at(0.1, np.array([0, 50]))
    assert lr[0] == pytest.approx(0.1) and lr[1] == np.inf
