"""Learning-rate sweep: stacked runs agree with RunGroup; the edge matches 2/λmax."""


import numpy as np
import pytest

from gdviz.core.compiler import compile_function
from gdviz.core.runs import RunSettings, Session, StopRules
from gdviz.core.sweep import (
    Cancelled,
    constant_hessian,
    descend,
    divergence_threshold,
    log_lrs,
    measured_edge,
    sweep,
)

BOWL = "x^2 + 3y^2"


@pytest.fixture(scope="module")
def bowl():
    return compile_function(BOWL)


def test_log_lrs():
    lrs = log_lrs(1e-3, 1.0, 40)
    assert len(lrs) == 40 and lrs[0] == pytest.approx(1e-3) and lrs[-1] == pytest.approx(1)
    assert np.allclose(np.diff(np.log(lrs)), np.log(1000) / 39)
    for bad in [(0, 1, 10), (1, 0.5, 10), (1e-3, 1, 1), (1e-3, 1, 5000), (1e-3, np.inf, 10)]:
        with pytest.raises(ValueError):
            log_lrs(*bad)


def test_edge_matches_two_over_lambda_max(bowl):
    hessian = constant_hessian(bowl, np.array([[0.0, 0.0], [1.0, -2.0], [3.0, 4.0]]))
    assert np.allclose(hessian, [[2, 0], [0, 6]])
    threshold = divergence_threshold(hessian)
    assert threshold == pytest.approx(1 / 3)
    result = sweep(bowl, (2.0, 1.5), steps=1000, lrs=log_lrs(1e-3, 1.0, 100))
    lo, hi = measured_edge(result)
    assert lo < threshold < hi and hi / lo < 1.08
    assert not result.diverged[result.lrs < threshold * 0.99].any()
    assert result.diverged[result.lrs > threshold * 1.01].all()
    assert result.initial_f == pytest.approx(4 + 3 * 2.25)
    stable = ~result.diverged
    assert (result.best_f[stable] <= result.final_f[stable] + 1e-15).all()
    assert (result.best_f <= result.initial_f).all()


def test_each_eta_matches_a_rungroup(bowl):
    lrs = np.array([0.01, 0.1, 0.3, 0.4])
    result = sweep(bowl, (2.0, 1.5), optimizer="momentum", hyper={"momentum": 0.5},
                   steps=300, lrs=lrs)
    for k, lr in enumerate(lrs):
        session = Session(bowl)
        group = session.add(np.array([[2.0, 1.5]]),
                            RunSettings(optimizer="momentum", lr=float(lr),
                                        hyper={"momentum": 0.5}, stop=StopRules(300)))
        while session.step():
            pass
        assert np.array_equal(result.points[k], group.points[0])
        assert result.steps[k] == group.steps[0]
        rose = group.values[0] > result.initial_f
        assert result.diverged[k] == (group.status[0] == 5 or rose)
        assert result.final_f[k] == group.values[0]


def test_a_run_just_past_the_edge_counts_as_diverged_before_it_blows_up(bowl):
    """At η = 1.02 · 2/λmax, 200 steps grow f about 10⁶-fold: far below the 1e8 bound on
    |x|, yet plainly not a descent."""
    result = sweep(bowl, (2.0, 1.5), steps=200, lrs=np.array([0.33, 0.34]))
    assert (result.steps == 200).all() and np.isfinite(result.final_f).all()
    assert result.final_f[1] > result.initial_f
    assert result.diverged.tolist() == [False, True]
    lo, hi = measured_edge(sweep(bowl, (2.0, 1.5), steps=200, lrs=log_lrs(0.1, 1.0, 100)))
    assert lo < 1 / 3 < hi and hi / lo < 1.03


def test_threshold_of_a_concave_quadratic_is_infinite():
    assert divergence_threshold(np.array([[-1.0, 0], [0, -2]])) == np.inf
    saddle = compile_function("x^2 - y^2")
    assert constant_hessian(saddle, np.array([[0, 0], [1, 1.0]])) is not None
    assert constant_hessian(compile_function("x^4 + y^2"), np.array([[0, 0], [1, 1.0]])) is None


def test_undefined_start_and_nan_overflow_count_as_diverged():
    f = compile_function("sqrt(x) + y^2")
    result = sweep(f, (-1.0, 0.0), steps=10, lrs=log_lrs(0.01, 0.1, 5))
    assert result.diverged.all() and (result.steps == 0).all()
    wild = compile_function("exp(x^2) + y^2")
    result = sweep(wild, (2.0, 0.0), steps=50, lrs=log_lrs(1e-6, 1.0, 10))
    assert result.diverged[-1] and not result.diverged[0]
    assert np.isfinite(result.final_f).all()


def test_cancel_and_progress(bowl):
    seen = []
    with pytest.raises(Cancelled):
        sweep(bowl, (2.0, 1.5), steps=10_000, grad_tol=0, progress=seen.append,
              cancelled=lambda: len(seen) >= 3)
    assert len(seen) == 3 and seen == sorted(seen) and seen[-1] < 0.01
    seen.clear()
    sweep(bowl, (2.0, 1.5), steps=100, progress=seen.append)
    assert seen[-1] == 1.0


def test_every_optimizer_runs_stacked(bowl):
    from gdviz.core.optimizers import OPTIMIZERS

    for name in OPTIMIZERS:
        result = descend(bowl, np.tile([2.0, 1.5], (4, 1)), log_lrs(1e-3, 0.1, 4), name,
                         steps=50)
        assert np.isfinite(result.points).all(), name


def test_hundred_etas_thousand_steps():  # its speed: benchmarks/explorations.py
    f = compile_function("(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)")
    result = sweep(f, (-2.0, -1.0), steps=1000, lrs=log_lrs(1e-4, 1.0, 100), grad_tol=0)
    assert len(result.lrs) == 100 and result.diverged[-1] and not result.diverged[0]


def test_suggested_range_follows_the_curvature_at_the_start(bowl):
    from gdviz.core.sweep import suggested_range

    lo, hi = suggested_range(bowl, (2.0, 1.5))
    assert lo == pytest.approx(1e-4 / 3) and hi == 10.0  # 2/λmax = 2/6
    flat = compile_function("x + y")  # no curvature: scale 1
    assert suggested_range(flat, (0.0, 0.0), lr_max=1.0) == (pytest.approx(1e-4), 1.0)
    rosen = compile_function("(1-x)^2 + 100(y-x^2)^2")  # λmax ≈ 2,000 at (-1.5, 2)
    hess = np.array([[2 + 1200 * 2.25 - 400 * 2, 600], [600, 200]])
    assert suggested_range(rosen, (-1.5, 2.0))[0] == pytest.approx(
        1e-4 * 2 / np.linalg.eigvalsh(hess).max())
