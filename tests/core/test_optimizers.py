"""Every optimizer against hand-written arithmetic, on a bowl and on Rosenbrock.

The references below are written out step by step from torch.optim's pseudo-code
(SGD, Adagrad, RMSprop, Adam, AdamW) and from qhoptim's QHM/QHAdam, one iterate at a
time on 2-vectors, without calling the code under test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pytest

from gdviz.core.objective import CallableObjective
from gdviz.core.optimizers import MAX_HALVINGS, OPTIMIZERS, get_optimizer


class Problem(NamedTuple):
    name: str
    f: Callable
    grad: Callable
    hess: Callable
    start: tuple[float, float]

    @property
    def objective(self) -> CallableObjective:
        return CallableObjective(self.f, self.grad, self.hess)

    def g(self, p: np.ndarray) -> np.ndarray:
        return np.array(self.grad(p[0], p[1]), dtype=float)

    def h(self, p: np.ndarray) -> np.ndarray:
        return np.array(self.hess(p[0], p[1]), dtype=float)

    def value(self, p: np.ndarray) -> float:
        return float(self.f(p[0], p[1]))


BOWL = Problem(
    "bowl",
    lambda x, y: x**2 + 3 * y**2,
    lambda x, y: (2 * x, 6 * y),
    lambda x, y: ((2, 0), (0, 6)),
    (2.0, 1.5),
)
ROSENBROCK = Problem(
    "rosenbrock",
    lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
    lambda x, y: ((2 - 400 * (y - x**2) + 800 * x**2, -400 * x), (-400 * x, 200)),
    (-1.5, 2.0),
)
SADDLE = Problem(
    "saddle",
    lambda x, y: x**2 - y**2,
    lambda x, y: (2 * x, -2 * y),
    lambda x, y: ((2, 0), (0, -2)),
    (1.0, 0.5),
)
TROUGH = Problem(  # f = x²: the Hessian diag(2, 0) is singular everywhere
    "trough",
    lambda x, y: x**2 + 0 * y,
    lambda x, y: (2 * x, 0 * y),
    lambda x, y: ((2, 0), (0, 0)),
    (1.0, 1.0),
)

# The learning rate each row of the table uses, per problem.
LR = {"bowl": 0.05, "rosenbrock": 1e-3}
LR_OVERRIDE = {
    ("newton", "bowl"): 0.5,
    ("newton", "rosenbrock"): 0.5,
    ("linesearch", "bowl"): 1.0,  # large enough to backtrack on every step
    ("linesearch", "rosenbrock"): 0.01,
}


def lr_for(name: str, problem: Problem) -> float:
    return LR_OVERRIDE.get((name, problem.name), LR[problem.name])


# ---------------------------------------------------------------------------------------
# The three iterates of each method, by hand. p0 is the start; every line is one formula.


def by_hand_gd(pb: Problem, lr: float) -> list[np.ndarray]:
    p0 = np.array(pb.start)
    p1 = p0 - lr * pb.g(p0)
    p2 = p1 - lr * pb.g(p1)
    p3 = p2 - lr * pb.g(p2)
    return [p1, p2, p3]


def by_hand_momentum(pb: Problem, lr: float) -> list[np.ndarray]:
    p0 = np.array(pb.start)
    b1 = pb.g(p0)  # the first buffer is the gradient itself
    p1 = p0 - lr * b1
    b2 = 0.9 * b1 + pb.g(p1)
    p2 = p1 - lr * b2
    b3 = 0.9 * b2 + pb.g(p2)
    p3 = p2 - lr * b3
    return [p1, p2, p3]


def by_hand_nesterov(pb: Problem, lr: float) -> list[np.ndarray]:
    p0 = np.array(pb.start)
    g1 = pb.g(p0)
    b1 = g1
    p1 = p0 - lr * (g1 + 0.9 * b1)
    g2 = pb.g(p1)
    b2 = 0.9 * b1 + g2
    p2 = p1 - lr * (g2 + 0.9 * b2)
    g3 = pb.g(p2)
    b3 = 0.9 * b2 + g3
    p3 = p2 - lr * (g3 + 0.9 * b3)
    return [p1, p2, p3]


def by_hand_adagrad(pb: Problem, lr: float) -> list[np.ndarray]:
    p0 = np.array(pb.start)
    g1 = pb.g(p0)
    s1 = g1**2
    p1 = p0 - lr * g1 / (np.sqrt(s1) + 1e-10)
    g2 = pb.g(p1)
    s2 = s1 + g2**2
    p2 = p1 - lr * g2 / (np.sqrt(s2) + 1e-10)
    g3 = pb.g(p2)
    s3 = s2 + g3**2
    p3 = p2 - lr * g3 / (np.sqrt(s3) + 1e-10)
    return [p1, p2, p3]


def by_hand_rmsprop(pb: Problem, lr: float) -> list[np.ndarray]:
    p0 = np.array(pb.start)
    g1 = pb.g(p0)
    v1 = 0.99 * 0 + 0.01 * g1**2
    p1 = p0 - lr * g1 / (np.sqrt(v1) + 1e-8)
    g2 = pb.g(p1)
    v2 = 0.99 * v1 + 0.01 * g2**2
    p2 = p1 - lr * g2 / (np.sqrt(v2) + 1e-8)
    g3 = pb.g(p2)
    v3 = 0.99 * v2 + 0.01 * g3**2
    p3 = p2 - lr * g3 / (np.sqrt(v3) + 1e-8)
    return [p1, p2, p3]


def by_hand_adam(pb: Problem, lr: float, weight_decay: float = 0.0) -> list[np.ndarray]:
    """torch Adam; with weight_decay, torch AdamW (x ← x(1 − ηλ) before the step)."""
    p0 = np.array(pb.start)
    g1 = pb.g(p0)
    m1 = 0.9 * 0 + (1 - 0.9) * g1
    v1 = 0.999 * 0 + (1 - 0.999) * g1**2
    p1 = p0 * (1 - lr * weight_decay) - lr * (m1 / (1 - 0.9**1)) / (
        np.sqrt(v1 / (1 - 0.999**1)) + 1e-8
    )
    g2 = pb.g(p1)
    m2 = 0.9 * m1 + (1 - 0.9) * g2
    v2 = 0.999 * v1 + (1 - 0.999) * g2**2
    p2 = p1 * (1 - lr * weight_decay) - lr * (m2 / (1 - 0.9**2)) / (
        np.sqrt(v2 / (1 - 0.999**2)) + 1e-8
    )
    g3 = pb.g(p2)
    m3 = 0.9 * m2 + (1 - 0.9) * g3
    v3 = 0.999 * v2 + (1 - 0.999) * g3**2
    p3 = p2 * (1 - lr * weight_decay) - lr * (m3 / (1 - 0.9**3)) / (
        np.sqrt(v3 / (1 - 0.999**3)) + 1e-8
    )
    return [p1, p2, p3]


def by_hand_adamw(pb: Problem, lr: float) -> list[np.ndarray]:
    return by_hand_adam(pb, lr, weight_decay=0.01)


def by_hand_qhm(pb: Problem, lr: float) -> list[np.ndarray]:
    p0 = np.array(pb.start)  # ν = 0.7, β = 0.999, buffer starts at 0
    g1 = pb.g(p0)
    b1 = 0.999 * 0 + 0.001 * g1
    p1 = p0 - lr * (0.3 * g1 + 0.7 * b1)
    g2 = pb.g(p1)
    b2 = 0.999 * b1 + 0.001 * g2
    p2 = p1 - lr * (0.3 * g2 + 0.7 * b2)
    g3 = pb.g(p2)
    b3 = 0.999 * b2 + 0.001 * g3
    p3 = p2 - lr * (0.3 * g3 + 0.7 * b3)
    return [p1, p2, p3]


def by_hand_qhadam(pb: Problem, lr: float) -> list[np.ndarray]:
    p0 = np.array(pb.start)  # ν = (0.7, 1.0), β = (0.9, 0.999), as qhoptim's QHAdam
    g1 = pb.g(p0)
    w1, u1 = 1 + 0.9 * 0, 1 + 0.999 * 0  # beta weights: 1, 1 + β, 1 + β + β², …
    m1 = (1 - 1 / w1) * 0 + (1 / w1) * g1
    v1 = (1 - 1 / u1) * 0 + (1 / u1) * g1**2
    p1 = p0 - lr * (0.3 * g1 + 0.7 * m1) / (np.sqrt(0.0 * g1**2 + 1.0 * v1) + 1e-8)
    g2 = pb.g(p1)
    w2, u2 = 1 + 0.9 * w1, 1 + 0.999 * u1
    m2 = (1 - 1 / w2) * m1 + (1 / w2) * g2
    v2 = (1 - 1 / u2) * v1 + (1 / u2) * g2**2
    p2 = p1 - lr * (0.3 * g2 + 0.7 * m2) / (np.sqrt(0.0 * g2**2 + 1.0 * v2) + 1e-8)
    g3 = pb.g(p2)
    w3, u3 = 1 + 0.9 * w2, 1 + 0.999 * u2
    m3 = (1 - 1 / w3) * m2 + (1 / w3) * g3
    v3 = (1 - 1 / u3) * v2 + (1 / u3) * g3**2
    p3 = p2 - lr * (0.3 * g3 + 0.7 * m3) / (np.sqrt(0.0 * g3**2 + 1.0 * v3) + 1e-8)
    return [p1, p2, p3]


def newton_direction(pb: Problem, p: np.ndarray) -> np.ndarray:
    """H⁻¹ g by the 2×2 inverse [[d, −b], [−b, a]] / (ad − b²) (H is positive definite)."""
    (a, b), (_, d) = pb.h(p)
    gx, gy = pb.g(p)
    assert a > 0 and a * d - b * b > 0, "the table's Newton rows must stay convex"
    return np.array([d * gx - b * gy, a * gy - b * gx]) / (a * d - b * b)


def by_hand_newton(pb: Problem, lr: float) -> list[np.ndarray]:
    p0 = np.array(pb.start)
    p1 = p0 - lr * newton_direction(pb, p0)
    p2 = p1 - lr * newton_direction(pb, p1)
    p3 = p2 - lr * newton_direction(pb, p2)
    return [p1, p2, p3]


def armijo_step(pb: Problem, p: np.ndarray, lr: float) -> np.ndarray:
    g = pb.g(p)
    s = lr
    while pb.value(p - s * g) > pb.value(p) - 1e-4 * s * (g @ g):
        s = 0.5 * s
    return p - s * g


def by_hand_linesearch(pb: Problem, lr: float) -> list[np.ndarray]:
    p0 = np.array(pb.start)
    p1 = armijo_step(pb, p0, lr)
    p2 = armijo_step(pb, p1, lr)
    p3 = armijo_step(pb, p2, lr)
    return [p1, p2, p3]


BY_HAND = {
    "gd": by_hand_gd,
    "momentum": by_hand_momentum,
    "nesterov": by_hand_nesterov,
    "adagrad": by_hand_adagrad,
    "rmsprop": by_hand_rmsprop,
    "adam": by_hand_adam,
    "adamw": by_hand_adamw,
    "qhm": by_hand_qhm,
    "qhadam": by_hand_qhadam,
    "newton": by_hand_newton,
    "linesearch": by_hand_linesearch,
}


def run(name, problem, lr, steps, starts=None, hp=None):
    """Step ``name`` from ``starts`` (default: the problem's start); all iterates."""
    opt = get_optimizer(name)
    hp = {**opt.defaults(), **(hp or {})}
    objective = problem.objective
    points = np.array(starts if starts is not None else [problem.start], dtype=float)
    lr = np.broadcast_to(np.asarray(lr, dtype=float), (len(points),))
    state = opt.init(points)
    path = []
    for _ in range(steps):
        points, state, _info = opt.update(
            points, objective.gradient(points), state, lr, hp, objective
        )
        path.append(points)
    return path, state


# ---------------------------------------------------------------------------------------
# The table.


def test_every_optimizer_has_a_row_in_order():
    assert list(OPTIMIZERS) == list(BY_HAND)


@pytest.mark.parametrize("problem", [BOWL, ROSENBROCK], ids=lambda p: p.name)
@pytest.mark.parametrize("name", list(BY_HAND))
def test_first_three_iterates_by_hand(name, problem):
    lr = lr_for(name, problem)
    expected = BY_HAND[name](problem, lr)
    path, state = run(name, problem, lr, steps=3)
    for k, (got, want) in enumerate(zip(path, expected, strict=True), start=1):
        assert got[0] == pytest.approx(want, rel=1e-12), f"iterate {k}"
    assert state.t.tolist() == [3]


def test_the_bowl_by_hand_literally():
    """The table's reference arithmetic, spelt out in numbers for GD and momentum."""
    path, _ = run("gd", BOWL, 0.05, 2)
    x1, y1 = 2 - 0.05 * (2 * 2), 1.5 - 0.05 * (6 * 1.5)
    x2, y2 = x1 - 0.05 * (2 * x1), y1 - 0.05 * (6 * y1)
    assert path[0][0] == pytest.approx((x1, y1), rel=1e-12)
    assert path[1][0] == pytest.approx((x2, y2), rel=1e-12)
    path, _ = run("momentum", BOWL, 0.05, 2)
    # b1 = g(2, 1.5) = (4, 9), so x1 = (1.8, 1.05) as for GD; b2 = 0.9 b1 + g(x1)
    b2 = (0.9 * 4 + 2 * 1.8, 0.9 * 9 + 6 * 1.05)
    assert path[1][0] == pytest.approx((1.8 - 0.05 * b2[0], 1.05 - 0.05 * b2[1]), rel=1e-12)


# ---------------------------------------------------------------------------------------
# Convergence: (optimizer, problem, lr, steps, tolerance on the distance to the minimum).

CONVERGENCE = [
    ("gd", BOWL, 0.05, 300, 1e-6),
    ("momentum", BOWL, 0.05, 400, 1e-6),
    ("nesterov", BOWL, 0.05, 300, 1e-6),
    ("adagrad", BOWL, 0.5, 300, 1e-6),
    ("rmsprop", BOWL, 0.01, 600, 1e-6),
    ("adam", BOWL, 0.05, 1000, 1e-6),
    ("adamw", BOWL, 0.05, 1000, 1e-6),
    ("qhm", BOWL, 1.0, 3000, 1e-5),  # β = 0.999 remembers long: slow but sure
    ("qhadam", BOWL, 0.05, 1000, 1e-6),
    ("newton", BOWL, 1.0, 1, 1e-12),  # exact on a quadratic
    ("linesearch", BOWL, 1.0, 60, 1e-6),
    ("newton", ROSENBROCK, 1.0, 20, 1e-9),
    ("adam", ROSENBROCK, 0.02, 3000, 1e-3),
    ("linesearch", ROSENBROCK, 0.02, 3000, 5e-2),  # steepest descent crawls down the valley
]


@pytest.mark.parametrize(
    ("name", "problem", "lr", "steps", "tol"),
    CONVERGENCE,
    ids=[f"{c[0]}-{c[1].name}" for c in CONVERGENCE],
)
def test_converges(name, problem, lr, steps, tol):
    path, _ = run(name, problem, lr, steps)
    minimum = (0.0, 0.0) if problem is BOWL else (1.0, 1.0)
    assert np.hypot(*(path[-1][0] - minimum)) < tol


# ---------------------------------------------------------------------------------------
# Vectorisation, purity, info.

STARTS = [(-1.5, 2.0), (0.5, 0.8), (1.2, 1.0)]


def _lrs(name: str) -> list[float]:
    return [1.0, 0.5, 0.1] if name in ("newton", "linesearch") else [1e-3, 3e-3, 5e-4]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_rows_step_independently(name):
    """N = 3 stepped together equals three N = 1 runs, even with different step counts."""
    opt, objective = get_optimizer(name), ROSENBROCK.objective
    hp, lrs = opt.defaults(), _lrs(name)

    def step(points, state, lr):
        return opt.update(points, objective.gradient(points), state, lr, hp, objective)

    # Row 0 has already taken two steps when the three are stacked.
    singles = []
    for i, start in enumerate(STARTS):
        points = np.array([start])
        state = opt.init(points)
        for _ in range(2 if i == 0 else 0):
            points, state, _ = step(points, state, np.array([lrs[i]]))
        singles.append((points, state))
    points = np.concatenate([p for p, _ in singles])
    state = type(singles[0][1])(
        *(np.concatenate(f) for f in zip(*(s for _, s in singles), strict=True))
    )
    for _ in range(4):
        points, state, info = step(points, state, np.array(lrs))
        singles = [step(p, s, np.array([lrs[i]])) for i, (p, s, *_) in enumerate(singles)]
        for i, (p, s, single_info) in enumerate(singles):
            np.testing.assert_allclose(points[i], p[0], rtol=1e-13)
            for stacked, alone in zip(state, s, strict=True):
                np.testing.assert_allclose(stacked[i], alone[0], rtol=1e-13)
            for stacked, alone in zip(info, single_info, strict=True):
                assert (stacked is None) == (alone is None)
                if stacked is not None and stacked.dtype != object:
                    np.testing.assert_allclose(stacked[i], alone[0], rtol=1e-13)
                elif stacked is not None:
                    assert stacked[i] == alone[0]
    assert state.t.tolist() == [6, 4, 4]


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_update_mutates_nothing_and_returns_new_arrays(name):
    opt, objective = get_optimizer(name), ROSENBROCK.objective
    points = np.array(STARTS)
    lr = np.array(_lrs(name))
    hp = opt.defaults()
    state = opt.init(points)
    points, state, _ = opt.update(points, objective.gradient(points), state, lr, hp, objective)
    grads = objective.gradient(points)
    before = [a.copy() for a in (points, grads, lr, *state)]
    hp_before = dict(hp)

    new_points, new_state, _ = opt.update(points, grads, state, lr, hp, objective)

    for was, now in zip(before, (points, grads, lr, *state), strict=True):
        np.testing.assert_array_equal(was, now)
    assert hp == hp_before
    for new in (new_points, *new_state):
        assert not any(np.shares_memory(new, old) for old in (points, grads, lr, *state))


def test_init_state_has_one_row_per_run():
    points = np.zeros((5, 2))
    for opt in OPTIMIZERS.values():
        state = opt.init(points)
        assert state.t.tolist() == [0] * 5
        assert all(len(field) == 5 for field in state)


INFO = {  # optimizer: which StepInfo fields it fills
    "gd": set(),
    "momentum": {"velocity"},
    "nesterov": {"velocity"},
    "adagrad": {"effective_lr"},
    "rmsprop": {"effective_lr"},
    "adam": {"velocity", "effective_lr"},
    "adamw": {"velocity", "effective_lr"},
    "qhm": {"velocity"},
    "qhadam": {"velocity", "effective_lr"},
    "newton": {"note"},
    "linesearch": {"effective_lr", "note"},
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_step_info(name):
    opt, objective = get_optimizer(name), BOWL.objective
    points = np.array([BOWL.start, (1.0, -1.0)])
    lr = np.array([0.05, 0.1])
    _, state, info = opt.update(
        points, objective.gradient(points), opt.init(points), lr, opt.defaults(), objective
    )
    assert {f for f in info._fields if getattr(info, f) is not None} == INFO[name]
    if info.velocity is not None:
        assert info.velocity.shape == (2, 2)
    if info.effective_lr is not None:
        assert info.effective_lr.shape == (2, 2)
    if name == "momentum":
        np.testing.assert_array_equal(info.velocity, objective.gradient(points))  # b₁ = g₁
    if name in ("adagrad", "rmsprop", "adam"):
        # First step: √s, √v and √v̂ are |g|·(1, 0.1, 1), so the step size is η / that.
        scale = {"adagrad": 1.0, "rmsprop": 0.1, "adam": 1.0}[name]
        g = np.abs(objective.gradient(points))
        np.testing.assert_allclose(info.effective_lr, lr[:, None] / (scale * g), rtol=1e-7)


# ---------------------------------------------------------------------------------------
# The paper's special cases.


def test_qhadam_with_nu_one_is_adam():
    """ν₁ = ν₂ = 1 recovers Adam (Ma & Yarats, §4): bias correction agrees."""
    adam, _ = run("adam", ROSENBROCK, 1e-2, 20)
    qhadam, _ = run("qhadam", ROSENBROCK, 1e-2, 20, hp={"nu1": 1.0, "nu2": 1.0})
    np.testing.assert_allclose(qhadam, adam, rtol=1e-10)


def test_qhm_with_nu_zero_is_gd():
    gd, _ = run("gd", ROSENBROCK, 1e-3, 5)
    qhm, _ = run("qhm", ROSENBROCK, 1e-3, 5, hp={"nu": 0.0})
    np.testing.assert_allclose(qhm, gd, rtol=1e-15)


def test_adamw_without_decay_is_adam():
    adam, _ = run("adam", BOWL, 0.05, 5)
    adamw, _ = run("adamw", BOWL, 0.05, 5, hp={"weight_decay": 0.0})
    np.testing.assert_array_equal(adamw, adam)


# ---------------------------------------------------------------------------------------
# Newton's fallback.


def newton_step(problem, starts, lr=1.0, min_curvature=1e-2):
    opt, objective = get_optimizer("newton"), problem.objective
    points = np.array(starts, dtype=float)
    hp = {"min_curvature": min_curvature}
    lr = np.full(len(points), lr)
    new, _, info = opt.update(
        points, objective.gradient(points), opt.init(points), lr, hp, objective
    )
    return new, info.note


def test_newton_on_a_saddle_shifts_the_hessian():
    # H = diag(2, −2): λmin = −2, shift τ = 0.01 − (−2) = 2.01, H + τI = diag(4.01, 0.01)
    new, note = newton_step(SADDLE, [SADDLE.start])
    assert new[0] == pytest.approx((1 - 2 / 4.01, 0.5 - (-1) / 0.01), rel=1e-12)
    assert "not positive definite" in note[0] and "2.01·I" in note[0]
    step = new[0] - np.array(SADDLE.start)
    assert step @ SADDLE.g(np.array(SADDLE.start)) < 0  # still downhill


def test_newton_on_a_singular_hessian_stays_finite():
    # f = x²: H = diag(2, 0), shift 0.01, H + τI = diag(2.01, 0.01); g = (2, 0)
    new, note = newton_step(TROUGH, [TROUGH.start, (-3.0, 0.0)])
    assert np.isfinite(new).all()
    assert new[0] == pytest.approx((1 - 2 / 2.01, 1.0), rel=1e-12)
    assert new[1] == pytest.approx((-3 + 6 / 2.01, 0.0), rel=1e-12)
    assert all("shifted by 0.01·I" in n for n in note)


def test_newton_on_a_zero_hessian_and_on_mixed_rows():
    flat = Problem(
        "plane", lambda x, y: x + 2 * y, lambda x, y: (1, 2), lambda x, y: ((0, 0), (0, 0)), (0, 0)
    )
    new, note = newton_step(flat, [(0.0, 0.0)], lr=0.1)
    assert new[0] == pytest.approx((-0.1 * 1 / 0.01, -0.1 * 2 / 0.01), rel=1e-12)
    assert note[0] != ""
    # Rosenbrock is convex below y = x² + 0.005 and not above it.
    new, note = newton_step(ROSENBROCK, [(-1.5, 2.0), (0.5, 0.8)])
    assert note[0] == "" and "not positive definite" in note[1]
    assert np.isfinite(new).all()


def test_newton_with_a_broken_hessian_takes_a_gradient_step():
    broken = Problem("nan", BOWL.f, BOWL.grad, lambda x, y: ((np.nan, 0), (0, 6)), (2.0, 1.5))
    new, note = newton_step(broken, [broken.start], lr=0.1)
    assert new[0] == pytest.approx((2 - 0.1 * 4, 1.5 - 0.1 * 9), rel=1e-12)
    assert "gradient step" in note[0]


# ---------------------------------------------------------------------------------------
# The line search.


def test_linesearch_satisfies_armijo_and_backtracks_no_further_than_needed():
    opt, objective = get_optimizer("linesearch"), ROSENBROCK.objective
    points = np.array([(-1.5, 2.0), (0.5, 0.8), (1.2, 1.0), (1.0, 1.0)])
    grads = objective.gradient(points)
    lr = np.array([1.0, 0.3, 0.01, 1.0])
    hp = opt.defaults()
    new, _, info = opt.update(points, grads, opt.init(points), lr, hp, objective)
    s = info.effective_lr[:, 0]
    f0, gg = objective.value(points), np.sum(grads**2, axis=1)
    assert (objective.value(new) <= f0 - hp["c"] * s * gg).all()
    halvings = np.round(np.log(s / lr) / np.log(hp["rho"]))
    np.testing.assert_allclose(s, lr * hp["rho"] ** halvings, rtol=1e-12)
    longer = points - (s / hp["rho"])[:, None] * grads
    backtracked = halvings > 0
    assert backtracked[:2].all() and halvings[3] == 0  # row 3 is the minimum: g = 0
    assert (objective.value(longer) > f0 - hp["c"] * (s / hp["rho"]) * gg)[backtracked].all()
    assert [bool(n) for n in info.note] == backtracked.tolist()


def test_linesearch_gives_up_after_max_halvings():
    opt, objective = get_optimizer("linesearch"), BOWL.objective
    points = np.array([BOWL.start])
    uphill = -objective.gradient(points)  # no step along it can ever decrease f
    new, _, info = opt.update(
        points, uphill, opt.init(points), np.array([1.0]), opt.defaults(), objective
    )
    assert info.effective_lr[0, 0] == 0.5**MAX_HALVINGS
    assert np.isfinite(new).all()
    assert str(MAX_HALVINGS) in info.note[0]


# ---------------------------------------------------------------------------------------
# Registry and defaults.

TORCH_DEFAULTS = {
    "gd": {},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "adamw": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
    "qhm": {"nu": 0.7, "beta": 0.999},
    "qhadam": {"nu1": 0.7, "nu2": 1.0, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "newton": {"min_curvature": 1e-2},
    "linesearch": {"c": 1e-4, "rho": 0.5},
}


def test_defaults_match_torch_and_the_papers():
    assert {name: opt.defaults() for name, opt in OPTIMIZERS.items()} == TORCH_DEFAULTS


def test_hyperparameter_ranges_hold_their_defaults():
    for opt in OPTIMIZERS.values():
        assert opt.title
        for p in opt.hyperparams:
            assert p.minimum <= p.default <= p.maximum, (opt.name, p.name)
            assert p.description


def test_unknown_optimizer_lists_the_known_ones():
    with pytest.raises(KeyError, match="linesearch"):
        get_optimizer("lbfgs")
