"""The regression case study's part of a lesson file: its data, strictly read.

Synthetic data are kept as their settings (points, noise, true θ, seed); a loaded file's
points are kept as numbers (up to MAX_SAVED_POINTS), so a lesson opens without the file.
"""

from __future__ import annotations

from typing import Any

from gdviz.core.lesson_checks import (
    LessonError,
    flag,
    in_range,
    keys_of,
    kind,
    text_of,
    whole,
)
from gdviz.core.regression import (
    MAX_MAGNITUDE,
    MAX_POINTS,
    MAX_SAVED_POINTS,
    MAX_SEED,
    MAX_SETTING,
    DataSettings,
    RegressionSetup,
)


def regression_to_dict(setup: RegressionSetup | None) -> dict[str, Any] | None:
    """The setup as lesson JSON (None stays None)."""
    if setup is None:
        return None
    d = setup.settings
    points = None if setup.x is None else {
        "x": [float(v) for v in setup.x], "y": [float(v) for v in setup.y or ()],
        "source": setup.source}
    return {"points": int(d.points), "noise": float(d.noise), "theta0": float(d.theta0),
            "theta1": float(d.theta1), "seed": int(d.seed), "mse": bool(setup.mse),
            "data": points}


def read_regression(value: Any) -> RegressionSetup | None:
    """The regression case study: its data's settings, or a loaded file's points."""
    if value is None:
        return None
    data = keys_of(value, "regression", (), ("points", "noise", "theta0", "theta1", "seed",
                                             "mse", "data"))
    d = DataSettings()
    settings = DataSettings(
        points=whole(data.get("points", d.points), "regression.points", 2, MAX_POINTS),
        noise=in_range(data.get("noise", d.noise), "regression.noise", 0, MAX_SETTING),
        theta0=in_range(data.get("theta0", d.theta0), "regression.theta0",
                        -MAX_SETTING, MAX_SETTING),
        theta1=in_range(data.get("theta1", d.theta1), "regression.theta1",
                        -MAX_SETTING, MAX_SETTING),
        seed=whole(data.get("seed", d.seed), "regression.seed", 0, MAX_SEED))
    mse = flag(data.get("mse", False), "regression.mse")
    points = data.get("data")
    if points is None:
        return RegressionSetup(settings, mse)
    points = keys_of(points, "regression.data", ("x", "y"), ("source",))
    xs = _read_values(points["x"], "regression.data.x")
    ys = _read_values(points["y"], "regression.data.y")
    if len(xs) != len(ys):
        raise LessonError("regression.data", f"has {len(xs)} x but {len(ys)} y values")
    setup = RegressionSetup(settings, mse, xs, ys,
                            text_of(points.get("source", ""), "regression.data.source")[:200])
    try:
        setup.dataset()
    except ValueError as error:  # RegressionDataError included
        raise LessonError("regression.data", str(error)) from None
    return setup


def _read_values(value: Any, path: str) -> tuple[float, ...]:
    if not isinstance(value, list):
        raise LessonError(path, f"must be a list of numbers, got {kind(value)}")
    if not 2 <= len(value) <= MAX_SAVED_POINTS:
        raise LessonError(path, f"must hold 2 to {MAX_SAVED_POINTS:,} numbers, "
                                f"got {len(value):,}")
    return tuple(in_range(v, f"{path}[{i}]", -MAX_MAGNITUDE, MAX_MAGNITUDE)
                 for i, v in enumerate(value))
