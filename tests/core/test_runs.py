"""Runs: exact iterates, stop reasons, divergence, step back, noise, live settings."""

import numpy as np
import pytest

from gdviz.core.objective import CallableObjective
from gdviz.core.runs import (
    CONVERGED,
    DIVERGED,
    MAX_STEPS_CAP,
    RUNNING,
    SMALL_DF,
    SMALL_DX,
    STEP_LIMIT,
    STOP_MESSAGES,
    UNDEFINED_START,
    RunGroup,
    RunSettings,
    Session,
    StopRules,
    legend_rows,
)
from gdviz.core.schedules import Schedule

BOWL = CallableObjective(
    f=lambda x, y: x**2 + 3 * y**2,
    grad=lambda x, y: (2 * x, 6 * y),
    hess=lambda x, y: ((2, 0), (0, 6)),
)
LOG = CallableObjective(f=lambda x, y: np.log(x) + y, grad=lambda x, y: (1 / x, 1))


def test_gd_iterates_on_the_bowl_are_exact():
    group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(lr=0.05))
    for _ in range(3):
        assert group.step()
    x1, y1 = 2 - 0.05 * (2 * 2), 1.5 - 0.05 * (6 * 1.5)  # 1.8, 1.05
    x2, y2 = x1 - 0.05 * (2 * x1), y1 - 0.05 * (6 * y1)  # 1.62, 0.735
    x3, y3 = x2 - 0.05 * (2 * x2), y2 - 0.05 * (6 * y2)  # 1.458, 0.5145
    expected = np.array([[2, 1.5], [x1, y1], [x2, y2], [x3, y3]])
    np.testing.assert_allclose(group.path(0), expected, rtol=0, atol=1e-15)
    np.testing.assert_allclose(group.losses(0), expected[:, 0] ** 2 + 3 * expected[:, 1] ** 2)
    assert group.steps[0] == 3 and group.status[0] == RUNNING


def test_converges_with_message():
    group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(lr=0.1))
    while group.step():
        pass
    assert group.status[0] == CONVERGED
    assert np.hypot(*group.grads[0]) < 1e-8
    assert group.message(0).startswith("Converged at step")


def test_step_limit():
    group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(lr=0.001, stop=StopRules(max_steps=5)))
    while group.step():
        pass
    assert group.status[0] == STEP_LIMIT and group.steps[0] == 5
    assert group.message(0) == STOP_MESSAGES["step_limit"].format(step=5)


def test_step_limit_is_capped():
    group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(stop=StopRules(max_steps=10**9)))
    assert min(group.settings.stop.max_steps, MAX_STEPS_CAP) == MAX_STEPS_CAP


@pytest.mark.parametrize(("rule", "code"), [("f_tol", SMALL_DF), ("x_tol", SMALL_DX)])
def test_small_change_rules(rule, code):
    stop = StopRules(grad_tol=0, **{rule: 1e-3})
    group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(lr=0.05, stop=stop))
    while group.step():
        pass
    assert group.status[0] == code


def test_divergence_names_step_and_keeps_last_point():
    group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(lr=1.0, stop=StopRules(bound=1e3)))
    while group.step():
        pass
    assert group.status[0] == DIVERGED
    message = group.message(0)
    assert message.startswith(f"Diverged at step {group.steps[0] + 1}")
    assert "smaller learning rate" in message
    assert np.isfinite(group.path(0)).all()


def test_leaving_the_domain_is_divergence_not_a_crash():
    group = RunGroup(LOG, [(0.5, 0.0)], RunSettings(lr=1.0))
    while group.step():
        pass
    assert group.status[0] == DIVERGED
    assert "not a finite number" in group.message(0)


def test_undefined_start():
    group = RunGroup(LOG, [(-1.0, 0.0)], RunSettings())
    assert group.status[0] == UNDEFINED_START and not group.step()
    assert "not defined at the start point" in group.message(0)


def test_rows_stop_independently():
    group = RunGroup(BOWL, [(2.0, 1.5), (1e-12, 0.0)], RunSettings(lr=0.05))
    assert group.step()
    assert group.status.tolist() == [RUNNING, CONVERGED]
    assert group.step()
    assert group.steps.tolist() == [2, 1]
    assert len(group.path(1)) == 2


def test_step_back_restores_everything():
    settings = RunSettings(optimizer="adam", lr=0.1)
    group = RunGroup(BOWL, [(2.0, 1.5)], settings)
    for _ in range(5):
        group.step()
    points, state = group.points.copy(), group.state
    group.step()
    group.step_back()
    np.testing.assert_array_equal(group.points, points)
    for a, b in zip(group.state, state, strict=True):
        np.testing.assert_array_equal(a, b)
    group.step()
    again = RunGroup(BOWL, [(2.0, 1.5)], settings)
    for _ in range(6):
        again.step()
    np.testing.assert_array_equal(group.points, again.points)
    while group.step_back():
        pass
    assert group.ticks == 0 and group.steps[0] == 0


def test_step_back_clears_a_stop():
    group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(lr=0.05, stop=StopRules(max_steps=2)))
    group.step(), group.step()
    assert group.status[0] == STEP_LIMIT
    group.step_back()
    assert group.status[0] == RUNNING


def test_noise_is_reproducible_and_seeded():
    def run(seed):
        group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(lr=0.05, noise=0.5, seed=seed))
        for _ in range(10):
            group.step()
        return group.path(0)

    np.testing.assert_array_equal(run(1), run(1))
    assert not np.array_equal(run(1), run(2))
    assert not np.array_equal(run(1), RunGroup(BOWL, [(2, 1.5)], RunSettings()).path(0))


def test_schedule_is_used():
    settings = RunSettings(lr=0.1, schedule=Schedule(kind="exponential", gamma=0.5))
    group = RunGroup(BOWL, [(2.0, 0.0)], settings)
    group.step(), group.step()
    x1 = 2 - 0.1 * (2 * 2)
    x2 = x1 - 0.1 * 0.5 * (2 * x1)
    assert group.path(0)[:, 0].tolist() == pytest.approx([2, x1, x2], rel=1e-15)


def test_live_learning_rate_change_keeps_the_run():
    group = RunGroup(BOWL, [(2.0, 0.0)], RunSettings(lr=0.05))
    group.step()
    group.update_settings(lr=0.25)
    group.step()
    assert group.path(0)[:, 0].tolist() == pytest.approx([2, 1.8, 1.8 - 0.25 * 3.6])


def test_raising_the_step_limit_resumes():
    group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(lr=0.01, stop=StopRules(max_steps=2)))
    while group.step():
        pass
    group.update_settings(stop=StopRules(max_steps=4))
    assert group.running and group.step() and group.step() and not group.step()


def test_proposed_step_is_the_next_step():
    group = RunGroup(BOWL, [(2.0, 1.5)], RunSettings(optimizer="momentum", lr=0.05))
    group.step()
    proposed, _ = group.proposed_step()
    group.step()
    np.testing.assert_array_equal(proposed, group.points)


def test_session_steps_all_groups():
    session = Session(BOWL)
    session.add([(2.0, 1.5)], RunSettings(optimizer="gd"))
    session.add([(2.0, 1.5), (-1, 1)], RunSettings(optimizer="adam"))
    assert session.step() and session.running
    assert [g.ticks for g in session.groups] == [1, 1]
    assert session.step_back() and not session.step_back()


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adagrad", "adam", "newton",
                                       "linesearch", "qhadam"])
def test_numerical_faults_end_only_the_affected_run(optimizer):
    """Overflow and NaN become a run's message, never a warning or crash; others go on."""
    import warnings

    from gdviz.core.compiler import compile_function

    objective = compile_function("exp(x^2) + y^2 - log(y)")
    starts = [(0.5, 1.0), (3.0, 1.0), (0.1, 0.2)]  # healthy, overflows for plain GD, fine
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        group = RunGroup(objective, starts, RunSettings(optimizer=optimizer, lr=0.05,
                                                        stop=StopRules(max_steps=300)))
        while group.step():
            pass
    assert all(np.isfinite(group.path(row)).all() for row in range(3))
    assert group.status[0] in (CONVERGED, STEP_LIMIT)  # unaffected by its neighbour
    assert group.status[2] in (CONVERGED, STEP_LIMIT)
    if optimizer in ("gd", "momentum"):
        assert group.status[1] == DIVERGED
        assert group.message(1).startswith(
            "Diverged at step 1: f or ∇f is not a finite number at (")


def test_legend_rows_per_run_or_per_method():
    one_method = [RunGroup(BOWL, [(2.0, 1.5), (1.0, -1.0)], RunSettings(optimizer="adam"))]
    assert legend_rows(one_method) == [("Adam (2, 1.5)", [0]), ("Adam (1, -1)", [1])]
    race_one_start = [RunGroup(BOWL, [(2.0, 1.5)], RunSettings(optimizer=name))
                      for name in ("gd", "adam")]
    assert legend_rows(race_one_start) == [("Gradient descent η = 0.05", [0]),
                                           ("Adam η = 0.05", [1])]
    race = [RunGroup(BOWL, [(2.0, 1.5), (1.0, -1.0), (0.5, 0.5)], RunSettings(optimizer=name))
            for name in ("gd", "adam")]
    assert legend_rows(race) == [("Gradient descent η = 0.05, 3 starts", [0, 1, 2]),
                                 ("Adam η = 0.05, 3 starts", [3, 4, 5])]
    # a start added later is a group of its own: it joins its method's row
    late = [*race, RunGroup(BOWL, [(1.0, 1.0)], RunSettings(optimizer="gd"))]
    assert legend_rows(late)[0] == ("Gradient descent η = 0.05, 4 starts", [0, 1, 2, 6])
