"""The narrated step's numbers and words, by hand, for f = x² + 3y² from (1, 1)."""

import numpy as np
import pytest

from gdviz.core.narration import num, snapshot, stage_captions, unit, vec
from gdviz.core.objective import CallableObjective
from gdviz.core.runs import RunSettings, Session

BOWL = CallableObjective(
    f=lambda x, y: x**2 + 3 * y**2,
    grad=lambda x, y: (2 * x, 6 * y),
    hess=lambda x, y: ((2.0, 0.0), (0.0, 6.0)),
)


def one_run(optimizer="gd", lr=0.1):
    session = Session(BOWL)
    group = session.add(np.array([[1.0, 1.0]]), RunSettings(optimizer=optimizer, lr=lr))
    return session, group


def test_gd_step_by_hand():
    session, group = one_run()
    s = snapshot(session, group)
    # ∇f = (2x, 6y) = (2, 6); Δx = −0.1 (2, 6); x₁ = (0.8, 0.4); f: 1 + 3 = 4 → 0.64 + 0.48
    np.testing.assert_allclose(s.grad, [2, 6])
    np.testing.assert_allclose(s.delta, [-0.2, -0.6])
    np.testing.assert_allclose(s.next_point, [0.8, 0.4])
    assert (s.value, s.next_value, s.lr, s.step) == (4.0, pytest.approx(1.12), 0.1, 0)
    first, second, third = stage_captions(s)
    assert "At x<sub>t</sub> = (1, 1) the gradient is ∇f = (2, 6)" in first
    assert "Scale it by −η = −0.1: the step is Δx = −η∇f = (−0.2, −0.6)" in second
    assert "x<sub>t+1</sub> = x<sub>t</sub> + Δx = (0.8, 0.4); f went from 4 to 1.12" in third
    assert "down by 2.88" in third
    group.step()
    assert snapshot(session, group).key != s.key  # a step taken: a new story


def test_a_step_that_raises_f_says_so():
    session, group = one_run(lr=0.5)  # y: 1 − 0.5 · 6 = −2, f = 0 + 12 > 4
    third = stage_captions(snapshot(session, group))[2]
    assert "f went from 4 to 12" in third and "the step was too large" in third


def test_other_methods_are_not_minus_eta_grad():
    session, group = one_run("momentum")
    # no velocity yet: the first momentum step is −η∇f, and the caption says so
    second = stage_captions(snapshot(session, group))[1]
    assert "not simply −η∇f in general" in second and "(−0.2, −0.6)" in second
    group.step()  # at (0.8, 0.4): −η∇f = −0.1 (1.6, 2.4); the velocity 0.9 (2, 6) adds on
    s = snapshot(session, group)
    second = stage_captions(s)[1]
    assert "Momentum's step is not simply −η∇f = (−0.16, −0.24)" in second
    np.testing.assert_allclose(s.delta, [-0.1 * (1.6 + 1.8), -0.1 * (2.4 + 5.4)])
    assert "Δx = (−0.34, −0.78)" in second
    np.testing.assert_allclose(s.next_point, group.proposed_step()[0][0])


def test_a_shortened_gradient_arrow_is_mentioned():
    session, group = one_run()
    assert "0.25× as long" in stage_captions(snapshot(session, group), 0.25)[0]
    assert "as long" not in stage_captions(snapshot(session, group))[0]


def test_numbers_read_well():
    assert num(-0.2) == "−0.2" and num(1.1200000000000003) == "1.12"
    assert num(float("nan")) == "not a number"
    assert vec(np.array([2.0, -6.0])) == "(2, −6)"
    np.testing.assert_allclose(unit(np.array([3.0, 4.0])), [0.6, 0.8])
    np.testing.assert_allclose(unit(np.zeros(2)), [1.0, 0.0])
