"""The linear-regression case study: the cost of fitting y ≈ θ0 + θ1 x to data.

On the map x is θ0 and y is θ1. The cost is a quadratic in (θ0, θ1), so it is written
out as a formula *text* with full-precision coefficients (:func:`cost_text`); the usual
parser, compiler, map, runs, lessons and exports then work on it unchanged.

* The paper's convention: J(θ) = 1/(2m) Σ (θ0 + θ1 xᵢ − yᵢ)², gradient with 1/m.
* The blog post's: MSE(θ) = 1/m Σ (…)², gradient with 2/m, stopped when the step Δθ
  is below a threshold (:func:`mse_stop_rules`, i.e. ``StopRules.x_tol``).

CSV files of (x, y) are read by a strict parser of its own (no ``eval``): see
:func:`load_csv`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gdviz.core.grid import ViewRange
from gdviz.core.runs import StopRules
from gdviz.core.safe_files import read_regular_file

MAX_POINTS = 100_000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_MAGNITUDE = 1e6  # |x|, |y| above this would make coefficients the parser refuses
MSE_STEP_THRESHOLD = 1e-9  # the blog post's stop: ‖Δθ‖ below this
MAX_SAVED_POINTS = 10_000  # a lesson file keeps a loaded data set up to this size
MAX_SETTING = 1000.0  # the largest noise σ and |true θ| of synthetic data
MAX_SEED = 2**31 - 1  # a Qt spin box holds an int


class RegressionDataError(ValueError):
    """Data that cannot be fitted; ``line`` is the 1-based line at fault (0: the file)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class DataSettings:
    """Synthetic data y = θ0 + θ1 x + ε, x evenly spaced in [−5, 5], ε ~ N(0, noise²)."""

    points: int = 100
    noise: float = 0.1
    theta0: float = 1.0
    theta1: float = 2.0
    seed: int = 0


@dataclass(frozen=True, eq=False)
class Dataset:
    """The (x, y) points a line is fitted to; ``source`` says where they came from."""

    x: np.ndarray
    y: np.ndarray
    source: str = ""

    @property
    def size(self) -> int:
        return len(self.x)


@dataclass(frozen=True)
class RegressionSetup:
    """The case study as a lesson keeps it: synthetic data's settings, or a file's points
    (``x``, ``y`` and where they came from), and the cost's convention."""

    settings: DataSettings = field(default_factory=DataSettings)
    mse: bool = False
    x: tuple[float, ...] | None = None  # None: the data are generated from ``settings``
    y: tuple[float, ...] | None = None
    source: str = ""

    def dataset(self) -> Dataset:
        """The data this setup describes (RegressionDataError or ValueError if bad)."""
        if self.x is None or self.y is None:
            return generate(self.settings)
        data = Dataset(np.array(self.x, dtype=float), np.array(self.y, dtype=float),
                       self.source)
        least_squares(data)  # refuses data no line can be fitted to
        return data


def generate(settings: DataSettings | None = None) -> Dataset:
    """The data ``settings`` describe, reproducible from its seed; ValueError if bad."""
    s = settings or DataSettings()
    if not 2 <= s.points <= MAX_POINTS:
        raise ValueError(f"the number of points must be between 2 and {MAX_POINTS}")
    if not (0 <= s.noise <= MAX_SETTING and abs(s.theta0) <= MAX_SETTING
            and abs(s.theta1) <= MAX_SETTING):
        raise ValueError(f"need 0 ≤ noise ≤ {MAX_SETTING:g} and |θ0|, |θ1| ≤ {MAX_SETTING:g}")
    if s.seed < 0:
        raise ValueError("the seed must be ≥ 0")
    x = np.linspace(-5.0, 5.0, s.points)
    noise = np.random.default_rng(s.seed).normal(0.0, s.noise, s.points)
    y = s.theta0 + s.theta1 * x + noise
    return Dataset(x, y, f"y = {s.theta0:g} + {s.theta1:g}x + N(0, {s.noise:g}²), "
                         f"{s.points} points, seed {s.seed}")


def _check(x: np.ndarray, y: np.ndarray) -> None:
    if len(x) < 2:
        raise RegressionDataError(f"need at least 2 points, got {len(x)}")
    if len(x) > MAX_POINTS:
        raise RegressionDataError(f"too many points: {len(x)} (the limit is {MAX_POINTS})")
    if np.ptp(x) == 0:
        raise RegressionDataError("all x are equal: no line can be fitted")


def quadratic_coefficients(data: Dataset, mse: bool = False) -> tuple[float, ...]:
    """(a, b, c, d, e, g) of the cost a θ0² + b θ0θ1 + c θ1² + d θ0 + e θ1 + g."""
    x, y = np.asarray(data.x, float), np.asarray(data.y, float)
    _check(x, y)
    scale = (2.0 if mse else 1.0) / (2 * len(x))  # 1/(2m), or 1/m for the MSE
    return (scale * len(x), scale * 2 * x.sum(), scale * (x @ x), scale * -2 * y.sum(),
            scale * -2 * (x @ y), scale * (y @ y))


def cost_text(data: Dataset, mse: bool = False) -> str:
    """The cost as a formula in x (θ0) and y (θ1), coefficients as exact float reprs."""
    terms = ("x^2", "x*y", "y^2", "x", "y", "")
    text = ""
    for coeff, term in zip(quadratic_coefficients(data, mse), terms, strict=True):
        if coeff == 0 and term != "x^2":
            continue
        number = repr(abs(float(coeff)))
        body = f"{number}*{term}" if term else number
        text = f"{'-' if coeff < 0 else ''}{body}" if not text else (
            f"{text} {'-' if coeff < 0 else '+'} {body}")
    return text


def cost(data: Dataset, theta: np.ndarray, mse: bool = False) -> np.ndarray:
    """The cost from the residuals at each row (θ0, θ1) of ``theta`` (N, 2)."""
    theta = np.asarray(theta, float).reshape(-1, 2)
    residuals = theta[:, :1] + theta[:, 1:] * data.x - data.y
    return (residuals**2).mean(axis=1) * (1.0 if mse else 0.5)


def cost_gradient(data: Dataset, theta: np.ndarray, mse: bool = False) -> np.ndarray:
    """The gradient from the residuals: 1/m Σ r (1, xᵢ), times 2 for the MSE; (N, 2)."""
    theta = np.asarray(theta, float).reshape(-1, 2)
    residuals = theta[:, :1] + theta[:, 1:] * data.x - data.y
    grad = np.column_stack([residuals.mean(axis=1), (residuals * data.x).mean(axis=1)])
    return grad * (2.0 if mse else 1.0)


def least_squares(data: Dataset) -> tuple[float, float]:
    """(θ0, θ1) minimising the cost (either convention), via numpy.linalg.lstsq."""
    _check(np.asarray(data.x), np.asarray(data.y))
    design = np.column_stack([np.ones(data.size), data.x])
    theta = np.linalg.lstsq(design, data.y, rcond=None)[0]
    return float(theta[0]), float(theta[1])


def mse_stop_rules(max_steps: int = 1000, threshold: float = MSE_STEP_THRESHOLD) -> StopRules:
    """The blog post's stop: when the step Δθ is shorter than ``threshold`` (x_tol)."""
    return StopRules(max_steps=max_steps, grad_tol=0.0, x_tol=threshold)


def regression_view(data: Dataset) -> ViewRange:
    """A view of (θ0, θ1) centred on the least-squares θ, at least ±3 wide."""
    t0, t1 = least_squares(data)
    r0, r1 = max(3.0, abs(t0)), max(3.0, abs(t1))
    return ViewRange(t0 - r0, t0 + r0, t1 - r1, t1 + r1)


# ------------------------------------------------------------------------- CSV files


def load_csv(path: str | Path) -> Dataset:
    """Read (x, y) rows from a CSV file; :class:`RegressionDataError` names the bad line.

    Two comma-separated numbers a line (``;`` or tab also separate); an optional header
    on the first line, blank lines and lines starting with ``#`` are skipped. Refused:
    files over 5 MB or not UTF-8, non-numeric or non-finite values, |value| > 10⁶, a
    wrong number of columns, fewer than 2 or more than 100,000 points, all x equal.
    """
    path = Path(path)
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES)
    except OSError as exc:
        raise RegressionDataError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise RegressionDataError("the file is too large: over 5 MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegressionDataError("not UTF-8 text", line) from None
    return parse_csv_text(text, str(path))


def _field(text: str, line: int) -> float:
    token = text.strip()
    if token.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise RegressionDataError(f"{token!r} is not a finite number", line)
    if not token or len(token) > 40 or any(c not in "0123456789+-.eE" for c in token):
        raise ValueError(token)
    value = float(token)
    if not math.isfinite(value):
        raise RegressionDataError(f"{token!r} is not a finite number", line)
    if abs(value) > MAX_MAGNITUDE:
        raise RegressionDataError(f"{token} is too large (|value| ≤ 1e6)", line)
    return value


def parse_csv_text(text: str, source: str = "") -> Dataset:
    """The (x, y) points of CSV text; see :func:`load_csv` for the rules."""
    xs: list[float] = []
    ys: list[float] = []
    first = True
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        separator = next((s for s in ",;\t" if s in stripped), ",")
        fields = stripped.split(separator)
        if len(fields) != 2:
            raise RegressionDataError(f"expected 2 columns (x, y), found {len(fields)}", number)
        try:
            x, y = (_field(f, number) for f in fields)
        except ValueError as exc:
            if isinstance(exc, RegressionDataError):
                raise
            if first and all(any(c.isalpha() for c in f) for f in fields):
                first = False
                continue  # a header such as "x,y"
            raise RegressionDataError(f"not a number: {stripped[:60]!r}", number) from None
        first = False
        xs.append(x)
        ys.append(y)
        if len(xs) > MAX_POINTS:
            raise RegressionDataError(f"too many points (the limit is {MAX_POINTS})", number)
    x_arr, y_arr = np.array(xs), np.array(ys)
    _check(x_arr, y_arr)
    return Dataset(x_arr, y_arr, source)
