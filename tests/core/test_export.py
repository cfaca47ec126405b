"""Trajectory export: exact CSV values, JSON structure, divergence, file types."""

import json

import numpy as np
import pytest

from gdviz.core.export import (
    CSV_HEADER,
    trajectories_csv,
    trajectories_json,
    write_trajectories,
)
from gdviz.core.objective import CallableObjective
from gdviz.core.runs import RunSettings, Session, StopRules
from gdviz.core.schedules import Schedule

BOWL = CallableObjective(f=lambda x, y: x**2 + 3 * y**2, grad=lambda x, y: (2 * x, 6 * y))
LOG = CallableObjective(f=lambda x, y: np.log(x) + y, grad=lambda x, y: (1 / x, 1 + 0 * y))


def bowl_row(x, y):
    """f and ∇f of x² + 3y², computed as NumPy does (x**2 is x*x)."""
    return x * x + 3 * (y * y), 2 * x, 6 * y


def three_step_session() -> Session:
    """GD from (2, 1.5) for 3 steps, and momentum from (1, -1) for 2 steps."""
    session = Session(BOWL)
    session.add(np.array([[2.0, 1.5]]), RunSettings(lr=0.05, stop=StopRules(max_steps=3)))
    session.add(np.array([[1.0, -1.0]]),
                RunSettings(optimizer="momentum", lr=0.1, stop=StopRules(max_steps=2)))
    while session.step():
        pass
    return session


def expected_gd_rows() -> list[str]:
    rows, x, y = [], 2.0, 1.5
    for step in range(4):
        f, gx, gy = bowl_row(x, y)
        rows.append(f"1,gd,{step},{x!r},{y!r},{f!r},{gx!r},{gy!r}")
        x, y = x - 0.05 * gx, y - 0.05 * gy
    return rows


def test_csv_header_rows_and_exact_values():
    lines = trajectories_csv(three_step_session()).splitlines()
    assert lines[0] == ",".join(CSV_HEADER) == "run,optimizer,step,x,y,f,grad_x,grad_y"
    assert lines[1:5] == expected_gd_rows()
    assert lines[2] == "1,gd,1,1.8,1.05,6.5475,3.6,6.300000000000001"
    momentum = [line.split(",") for line in lines[5:]]
    assert [row[:3] for row in momentum] == [["2", "momentum", str(s)] for s in range(3)]
    x1, y1 = 1.0 - 0.1 * 2.0, -1.0 - 0.1 * -6.0  # first momentum step is a GD step
    assert (float(momentum[1][3]), float(momentum[1][4])) == (x1, y1)
    assert len(lines) == 1 + 4 + 3


def test_json_structure_and_values():
    session = three_step_session()
    session.groups[0].settings = RunSettings(
        lr=0.05, schedule=Schedule("step", step_size=5, gamma=0.5, warmup=2), noise=0.0, seed=3,
        stop=StopRules(max_steps=3))
    data = json.loads(trajectories_json(session, "x^2 + 3y^2"))
    assert data["format_version"] == 1 and data["function"] == "x^2 + 3y^2"
    gd, momentum = data["runs"]
    assert (gd["run"], gd["optimizer"], gd["start"]) == (1, "gd", [2.0, 1.5])
    assert gd["status"] == "step_limit" and gd["message"].startswith("Stopped at the step limit")
    assert gd["settings"] == {
        "lr": 0.05, "hyper": {}, "schedule": "step:5:0.5,warmup=2", "noise": 0.0, "seed": 3,
        "stop": {"max_steps": 3, "grad_tol": 1e-8, "f_tol": 0.0, "x_tol": 0.0, "bound": 1e8},
    }
    assert momentum["settings"]["hyper"] == {"momentum": 0.9}  # defaults filled in
    assert [s["step"] for s in gd["steps"]] == [0, 1, 2, 3]
    x, y = 1.8, 1.05
    f, gx, gy = bowl_row(x, y)
    assert gd["steps"][1] == {"step": 1, "x": x, "y": y, "f": f, "grad_x": gx, "grad_y": gy}
    assert len(momentum["steps"]) == 3


def strict_loads(text: str):
    """json.loads that refuses NaN and Infinity, which are not JSON."""
    def refuse(name):
        raise AssertionError(f"{name} in the JSON output")

    return json.loads(text, parse_constant=refuse)


def test_diverged_and_undefined_runs_give_valid_json():
    session = Session(BOWL)
    session.add(np.array([[2.0, 1.5]]), RunSettings(lr=1.0))  # |y| grows 5× a step
    while session.step():
        pass
    undefined = Session(LOG)
    undefined.add(np.array([[-1.0, 0.0], [1.0, 0.0]]), RunSettings(lr=0.1,
                                                                 stop=StopRules(max_steps=2)))
    while undefined.step():
        pass

    data = strict_loads(trajectories_json(session, "x^2 + 3y^2"))
    run = data["runs"][0]
    assert run["status"] == "diverged" and run["message"].startswith("Diverged at step")
    values = [v for step in run["steps"] for k, v in step.items() if k != "step"]
    assert all(isinstance(v, float) and np.isfinite(v) for v in values)

    data = strict_loads(trajectories_json(undefined, "ln(x) + y"))
    bad, good = data["runs"]
    assert bad["status"] == "undefined_start" and bad["steps"][0]["f"] is None
    assert good["steps"][0]["f"] == 0.0 and len(good["steps"]) == 3
    assert "nan" in trajectories_csv(undefined).splitlines()[1]


def test_write_picks_the_format_by_extension(tmp_path):
    session = three_step_session()
    write_trajectories(session, "x^2 + 3y^2", tmp_path / "runs.csv")
    write_trajectories(session, "x^2 + 3y^2", tmp_path / "runs.JSON")
    assert (tmp_path / "runs.csv").read_text() == trajectories_csv(session)
    assert json.loads((tmp_path / "runs.JSON").read_text())["runs"][0]["optimizer"] == "gd"
    for name in ("runs.txt", "runs"):
        with pytest.raises(ValueError, match=r"use \.csv or \.json"):
            write_trajectories(session, "x^2 + 3y^2", tmp_path / name)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["runs.JSON", "runs.csv"]


def test_empty_session():
    session = Session(BOWL)
    assert trajectories_csv(session) == ",".join(CSV_HEADER) + "\n"
    assert json.loads(trajectories_json(session, "x"))["runs"] == []
