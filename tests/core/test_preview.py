"""The drag preview's one-point fast path takes exactly the path a RunGroup takes."""

import functools
import math

import numpy as np
import pytest

from gdviz.core.compiler import compile_function
from gdviz.core.objective import CallableObjective
from gdviz.core.optimizers import OPTIMIZERS
from gdviz.core.point_step import PointStepper
from gdviz.core.presets import preset_named
from gdviz.core.runs import DIVERGED, RunGroup, RunSettings, StopRules, preview_path
from gdviz.core.schedules import Schedule

PRESETS = ["Ripples (course page)", "Bowl", "Rosenbrock", "Beale", "Six-hump camel", "Saddle"]


@functools.cache
def compiled(text):
    return compile_function(text)


def group_path(objective, start, settings, steps=100):
    group = RunGroup(objective, [start], settings)
    for _ in range(steps):
        group.step()
    return group


def assert_same_path(objective, start, settings, steps=100):
    group = group_path(objective, start, settings, steps)
    preview = preview_path(objective, start, settings, steps, budget_s=math.inf)
    expected = group.path(0)
    assert preview.shape == expected.shape
    np.testing.assert_allclose(preview, expected, rtol=1e-12, atol=0)
    return group, preview


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_preview_is_the_run_on_presets(name, optimizer):
    preset = preset_named(name)
    settings = RunSettings(optimizer=optimizer, lr=preset.lr)
    for start in preset.starts[:2]:
        assert_same_path(compiled(preset.function), start, settings)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("schedule", [Schedule("exponential", gamma=1.05, warmup=3),
                                      Schedule("cosine", t_max=40, eta_min=1e-4)])
def test_preview_is_the_run_with_a_schedule(optimizer, schedule):
    settings = RunSettings(optimizer=optimizer, lr=0.02, schedule=schedule)
    assert_same_path(compiled("(x^2 + y - 11)^2 + (x + y^2 - 7)^2"), (0.0, 0.0), settings)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_preview_stops_where_the_gradient_stops_being_finite(optimizer):
    # log(x) and 1/x leave their domain once a step takes x below 0
    settings = RunSettings(optimizer=optimizer, lr=2.0)
    group, preview = assert_same_path(compiled("log(x) + y^2"), (1.0, 1.0), settings)
    if group.status[0] == DIVERGED:
        assert len(preview) < 101


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_preview_falls_back_where_floats_fail(optimizer):
    # sqrt of a negative (nan on floats), x^(1/3) of a negative, 1/x: the fast path
    # hands these to the array path, which decides what they are
    for text, start in [("sqrt(x) + y^2", (0.5, 1.0)), ("x^2 + (y - x)^(1/3)", (1.0, 3.0)),
                        ("1/x + x^2 + y^2", (2.0, 0.5))]:
        assert_same_path(compiled(text), start, RunSettings(optimizer=optimizer, lr=0.7))


def test_a_float_rule_that_raises_takes_the_array_step():
    # ε = 0 and ∂f/∂y = 0: 0/0 raises on floats, NumPy gives nan and the run diverges
    settings = RunSettings(optimizer="adagrad", lr=0.1, hyper={"eps": 0.0})
    group, preview = assert_same_path(compiled("x^2 + y^2"), (1.0, 0.0), settings)
    assert group.status[0] == DIVERGED and len(preview) == 1


@pytest.mark.parametrize("stop", [StopRules(f_tol=1e-4), StopRules(x_tol=1e-3),
                                  StopRules(grad_tol=1e-2), StopRules(max_steps=7),
                                  StopRules(max_steps=0), StopRules(bound=3.0)])
def test_preview_keeps_the_stop_rules(stop):
    settings = RunSettings(optimizer="momentum", lr=0.1, stop=stop)
    assert_same_path(compiled("x^2 + 3y^2 + 0.3x y^3"), (2.0, 1.5), settings)


def test_preview_of_an_undefined_start_is_the_start():
    preview = preview_path(compiled("log(x) + y"), (-1.0, 0.0), RunSettings())
    np.testing.assert_array_equal(preview, [[-1.0, 0.0]])


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_preview_of_any_objective_is_the_run(optimizer):
    bowl = CallableObjective(f=lambda x, y: x**2 + 3 * y**2, grad=lambda x, y: (2 * x, 6 * y),
                             hess=lambda x, y: ((2, 0), (0, 6)))
    assert_same_path(bowl, (2.0, 1.5), RunSettings(optimizer=optimizer, lr=0.05))


def test_the_budget_cuts_the_path_short_but_keeps_it_exact():
    settings = RunSettings(lr=0.001)
    full = preview_path(compiled("x^2 + y^2"), (2.0, 1.5), settings, budget_s=math.inf)
    cut = preview_path(compiled("x^2 + y^2"), (2.0, 1.5), settings, budget_s=0.0)
    assert len(full) == 101 and 2 <= len(cut) <= 101
    np.testing.assert_array_equal(cut, full[: len(cut)])


@pytest.mark.parametrize("text", ["(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + x^4/3",
                                  "sqrt(x) + 2^x + x^y + (x - y)^(2/3)", "1/x + log(y) + exp(x)",
                                  "sin(3x) sin(3y) + abs(x) + x^-2"])
def test_one_point_calls_give_the_array_bits(text):
    fn = compiled(text)
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.uniform(-3, 3, (200, 2)), [[0.0, 0.0], [1000.0, 1.0]]])
    with np.errstate(all="ignore"):
        for x, y in points.tolist():
            ax, ay = np.array([x]), np.array([y])
            np.testing.assert_array_equal(fn.f_at(x, y), fn.f(ax, ay)[0])
            np.testing.assert_array_equal(fn.grad_at(x, y), [g[0] for g in fn.grad(ax, ay)])
            (fxx, fxy), (fyx, fyy) = fn.hess(ax, ay)
            np.testing.assert_array_equal(fn.hess_at(x, y), [fxx[0], fxy[0], fyx[0], fyy[0]])


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_point_stepper_state_round_trips(optimizer):
    fn = compiled("x^2 + 3y^2")
    stepper = PointStepper(OPTIMIZERS[optimizer], OPTIMIZERS[optimizer].defaults(), fn)
    with np.errstate(all="ignore"):
        stepper.step(2.0, 1.5, 4.0, 9.0, 0.05)
    state = stepper.state
    assert stepper._split(stepper._join()) == state
