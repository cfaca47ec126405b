"""The linear-regression case study: data, the cost as a formula, lstsq, strict CSV files."""

import numpy as np
import pytest

from gdviz.core import regression as rg
from gdviz.core.compiler import compile_function
from gdviz.core.expression import parse
from gdviz.core.runs import RunSettings, Session, StopRules


def test_default_data_is_the_papers_and_reproducible_from_its_seed():
    a, b = rg.generate(), rg.generate(rg.DataSettings())
    assert a.size == 100 and a.x[0] == -5 and a.x[-1] == 5
    assert np.array_equal(a.y, b.y)
    assert not np.array_equal(a.y, rg.generate(rg.DataSettings(seed=1)).y)
    residual = a.y - (1 + 2 * a.x)
    assert 0.05 < residual.std() < 0.15  # ε ~ N(0, 0.1)
    assert np.array_equal(rg.generate(rg.DataSettings(noise=0)).y, 1 + 2 * a.x)


@pytest.mark.parametrize("bad", [dict(points=1), dict(noise=-1), dict(seed=-3)])
def test_bad_settings_are_refused(bad):
    with pytest.raises(ValueError):
        rg.generate(rg.DataSettings(**bad))


@pytest.mark.parametrize("mse", [False, True])
def test_cost_text_parses_and_compiles_to_the_data_cost_and_gradient(mse):
    data = rg.generate(rg.DataSettings(points=37, noise=0.3, theta0=-0.5, theta1=1.5, seed=4))
    text = rg.cost_text(data, mse=mse)
    assert parse(text).text == text and len(text) < 300
    f = compile_function(text)
    theta = np.random.default_rng(2).normal(size=(20, 2)) * 3
    assert np.allclose(f.value(theta), rg.cost(data, theta, mse), rtol=1e-12, atol=1e-12)
    assert np.allclose(f.gradient(theta), rg.cost_gradient(data, theta, mse),
                       rtol=1e-12, atol=1e-12)
    h = 1e-6  # central finite differences of the data cost
    for axis in range(2):
        step = np.zeros(2)
        step[axis] = h
        fd = (rg.cost(data, theta + step, mse) - rg.cost(data, theta - step, mse)) / (2 * h)
        assert np.allclose(f.gradient(theta)[:, axis], fd, rtol=1e-6, atol=1e-6)


def test_mse_gradient_is_twice_the_papers():
    data = rg.generate()
    theta = np.array([[0.3, -1.2]])
    assert np.allclose(rg.cost_gradient(data, theta, True), 2 * rg.cost_gradient(data, theta))


def test_least_squares_matches_numpy_polyfit():
    data = rg.generate()
    slope, intercept = np.polyfit(data.x, data.y, 1)
    assert np.allclose(rg.least_squares(data), (intercept, slope), atol=1e-12)


@pytest.mark.parametrize("mse", [False, True])
def test_a_converged_run_matches_lstsq(mse):
    data = rg.generate()
    f = compile_function(rg.cost_text(data, mse=mse))
    stop = rg.mse_stop_rules(5000) if mse else StopRules(max_steps=5000, grad_tol=1e-10)
    session = Session(f)
    group = session.add(np.array([[0.0, 0.0]]), RunSettings(lr=0.1, stop=stop))
    while session.step():
        pass
    assert group.message(0).startswith("Stopped at step" if mse else "Converged")
    assert np.allclose(group.points[0], rg.least_squares(data), atol=1e-6)


def test_csv_with_and_without_header(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x,y\n0,1\n1, 3.5\n\n# note\n2;5e0\n")
    data = rg.load_csv(path)
    assert data.x.tolist() == [0, 1, 2] and data.y.tolist() == [1, 3.5, 5]
    path.write_text("-1\t0.5\n1\t2.5\n")
    assert rg.least_squares(rg.load_csv(path)) == pytest.approx((1.5, 1.0))


@pytest.mark.parametrize("text, line, words", [
    ("x,y\n1,2\n3,abc\n", 3, "not a number"),
    ("1,2\n3,4,5\n", 2, "2 columns"),
    ("1,2\n3\n", 2, "2 columns"),
    ("1,2\n2,nan\n", 2, "finite"),
    ("1,2\n2,inf\n3,4\n", 2, "finite"),
    ("1,2\n2,1e999\n", 2, "finite"),
    ("1,2\n2,1e7\n", 2, "too large"),
    ("1,2\n__import__('os'),3\n", 2, "not a number"),
    ("1,2\n", 0, "at least 2"),
    ("x,y\n", 0, "at least 2"),
    ("2,1\n2,3\n", 0, "all x are equal"),
    ("1,2\nx,y\n", 2, "not a number"),
])
def test_hostile_csvs_are_refused_with_the_line_at_fault(tmp_path, text, line, words):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(rg.RegressionDataError) as info:
        rg.load_csv(path)
    assert info.value.line == line and words in str(info.value)
    if line:
        assert str(info.value).startswith(f"line {line}:")


def test_not_utf8_too_large_too_many_and_missing(tmp_path, monkeypatch):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"1,2\n3,4\n\xff\xfe,5\n")
    with pytest.raises(rg.RegressionDataError, match="UTF-8") as info:
        rg.load_csv(path)
    assert info.value.line == 3
    monkeypatch.setattr(rg, "MAX_FILE_BYTES", 10)
    with pytest.raises(rg.RegressionDataError, match="too large"):
        rg.load_csv(path)
    monkeypatch.setattr(rg, "MAX_POINTS", 3)
    with pytest.raises(rg.RegressionDataError, match="too many") as info:
        rg.parse_csv_text("1,1\n2,2\n3,3\n4,4\n5,5\n")
    assert info.value.line == 4
    with pytest.raises(rg.RegressionDataError, match="cannot read"):
        rg.load_csv(tmp_path / "missing.csv")


def test_view_is_centred_on_the_solution():
    data = rg.generate(rg.DataSettings(theta0=10, theta1=-2))
    view = rg.regression_view(data)
    t0, t1 = rg.least_squares(data)
    assert view.xmin < t0 < view.xmax and view.ymin < t1 < view.ymax
    assert (view.xmin + view.xmax) / 2 == pytest.approx(t0)
