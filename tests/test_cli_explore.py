"""The command line's explorations: regression, sweep and basins CSVs; bad input exits 2."""

import csv

import numpy as np
import pytest

from gdviz.cli import main
from gdviz.core import regression as rg


def rows(path):
    return list(csv.reader(path.read_text().splitlines()))


def test_regression_trajectory_and_least_squares(tmp_path, capsys):
    out = tmp_path / "fit.csv"
    code = main(["--regression", "--optimizer", "gd", "--lr", "0.1", "--steps", "3000",
                 "--tol", "1e-11", "--export-csv", str(out)])
    assert code == 0
    table = rows(out)
    assert table[0] == ["step", "x", "y", "f", "grad_x", "grad_y"]
    assert [float(v) for v in table[1][1:3]] == [0.0, 0.0]  # starts at θ = (0, 0)
    theta = rg.least_squares(rg.generate())
    assert np.allclose([float(v) for v in table[-1][1:3]], theta, atol=1e-6)
    data = rg.generate()
    first = np.array([[float(table[2][1]), float(table[2][2])]])
    assert float(table[2][3]) == pytest.approx(rg.cost(data, first)[0], rel=1e-12)
    printed = capsys.readouterr().out
    assert f"theta0 = {theta[0]!r}, theta1 = {theta[1]!r}" in printed


def test_regression_options_and_mse_with_a_data_file(tmp_path, capsys):
    out = tmp_path / "a.csv"
    assert main(["--regression", "--points", "20", "--noise", "0", "--theta0=-1",
                 "--theta1", "0.5", "--seed", "7", "--lr", "0.1", "--export-csv",
                 str(out)]) == 0
    printed = capsys.readouterr().out.split("theta0 = ")[1]
    theta0, theta1 = (float(part.split(",")[0]) for part in printed.split(", theta1 = "))
    assert np.allclose((theta0, theta1), (-1, 0.5), atol=1e-12)
    assert np.allclose([float(v) for v in rows(out)[-1][1:3]], (-1, 0.5), atol=1e-6)
    data = tmp_path / "d.csv"
    data.write_text("x,y\n0,1\n1,3\n2,5\n3,7.5\n")
    fit = rg.least_squares(rg.load_csv(data))
    assert main(["--regression", "--data", str(data), "--mse", "--lr", "0.05",
                 "--steps", "20000", "--export-csv", str(out)]) == 0
    assert np.allclose([float(v) for v in rows(out)[-1][1:3]], fit, atol=1e-6)
    captured = capsys.readouterr()
    assert "the point moved by less than 1e-09" in captured.err


def test_sweep_csv_on_a_quadratic(tmp_path, capsys):
    out = tmp_path / "sweep.csv"
    assert main(["--function", "x^2 + 3y^2", "--start", "2,1.5", "--steps", "1000",
                 "--sweep-csv", str(out), "--sweep-min", "1e-3", "--sweep-max", "1",
                 "--sweep-count", "50"]) == 0
    table = rows(out)
    assert table[0] == ["lr", "final_f", "diverged"] and len(table) == 51
    lrs = np.array([float(r[0]) for r in table[1:]])
    diverged = np.array([r[2] == "1" for r in table[1:]])
    assert np.allclose(lrs, np.geomspace(1e-3, 1, 50), rtol=1e-15)
    assert (diverged == (lrs > 1 / 3)).all()
    x, y = 2.0, 1.5  # lr = 1e-3, 1000 steps of GD in closed form
    expected = (x * (1 - 2e-3) ** 1000) ** 2 + 3 * (y * (1 - 6e-3) ** 1000) ** 2
    assert float(table[1][1]) == pytest.approx(expected, rel=1e-9)
    printed = capsys.readouterr().out
    assert "2/λmax = 0.333333" in printed and "divergence between" in printed


def test_basins_csv_on_himmelblau(tmp_path, capsys):
    out = tmp_path / "basins.csv"
    assert main(["--function", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "--view=-5,5,-5,5",
                 "--lr", "0.01", "--basins-csv", str(out), "--basins-grid", "30"]) == 0
    table = rows(out)
    assert table[0] == ["x0", "y0", "basin", "x_end", "y_end"] and len(table) == 901
    values = np.array([[float(v) for v in r] for r in table[1:]])
    assert values[0, :2].tolist() == [-5, -5] and values[1, :2].tolist() == [-5 + 10 / 29, -5]
    assert sorted(set(values[:, 2].astype(int))) == [0, 1, 2, 3]
    for k in range(4):
        ends = values[values[:, 2] == k, 3:]
        assert np.ptp(ends, axis=0).max() < 1e-3
    printed = capsys.readouterr().out
    assert "basins: 4 on a 30×30 grid" in printed and "minimum (3, 2)" in printed


@pytest.mark.parametrize("args", [
    ["--points", "5"],
    ["--regression", "--function", "x^2"],
    ["--regression", "--points", "1"],
    ["--regression", "--noise=-1"],
    ["--regression", "--data", "missing.csv"],
    ["--regression", "--data", "BAD", "--points", "5"],
    ["--sweep-csv", "s.csv"],
    ["--function", "x^2", "--sweep-csv", "s.csv"],
    ["--function", "x^2", "--start", "1,1", "--sweep-csv", "s.csv", "--sweep-count", "1"],
    ["--function", "x^2", "--start", "1,1", "--sweep-csv", "s.csv", "--sweep-min", "0"],
    ["--function", "x^2", "--start", "1,1", "--sweep-csv", "s.csv", "--schedule", "step:5:0.5"],
    ["--function", "x^+", "--basins-csv", "b.csv"],
    ["--function", "x^2", "--basins-csv", "b.csv", "--basins-grid", "1"],
    ["--function", "x^2", "--basins-csv", "b.csv", "--view", "1,0,0,1"],
])
def test_bad_input_exits_2(args, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "BAD").write_text("1,2\n3,x\n")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("gdviz: error:") and "Traceback" not in err
    assert not (tmp_path / "s.csv").exists() and not (tmp_path / "b.csv").exists()


def test_bad_data_file_names_the_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n3,oops\n")
    assert main(["--regression", "--data", str(bad)]) == 2
    assert "line 3: not a number" in capsys.readouterr().err


def test_help_documents_the_regression_meaning_of_noise_and_seed(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--noise S and --seed K describe the data" in text
    for flag in ("--regression", "--sweep-csv", "--basins-csv", "--basins-grid", "--mse"):
        assert flag in text
