"""Learning-rate schedules: the learning rate as a pure function of the step index.

A :class:`Schedule` maps a base rate η and a 0-based step index t (the rate used for
the (t+1)-th step) to a rate, vectorised over t. The decays are the closed forms of
``torch.optim.lr_scheduler``:

* ``constant``:    η
* ``step``:        η γ^⌊t / step_size⌋                          (StepLR)
* ``exponential``: η γ^t                                         (ExponentialLR)
* ``cosine``:      η_min + (η − η_min)(1 + cos(π t / T_max)) / 2 for t ≤ T_max, then
  held at η_min                                                   (CosineAnnealingLR)

Warm-up multiplies any of them by a linear ramp over the first ``warmup`` steps,

    factor(t) = min(1, (t + 1) / warmup),

so the first step uses η/warmup and step ``warmup − 1`` the full rate: torch's
``LinearLR(start_factor=1/warmup, total_iters=warmup−1)`` chained with the decay
(``ChainedScheduler``: the factors multiply, and the decay's clock starts at t = 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SCHEDULES: tuple[str, ...] = ("constant", "step", "exponential", "cosine")

SYNTAX = (
    "constant | step:STEP_SIZE[:GAMMA] | exponential:GAMMA | cosine:T_MAX[:ETA_MIN], "
    "optionally followed by ,warmup=STEPS"
)


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule; only the fields of its ``kind`` are used.

    ``step_size`` and ``gamma`` for "step" (γ also for "exponential"), ``t_max`` and
    ``eta_min`` for "cosine"; ``warmup`` (0 = none) for every kind.
    """

    kind: str = "constant"
    step_size: int = 10
    gamma: float = 0.1
    t_max: int = 100
    eta_min: float = 0.0
    warmup: int = 0

    def __post_init__(self) -> None:
        if self.kind not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.kind!r}; known: {', '.join(SCHEDULES)}")
        if self.step_size < 1:
            raise ValueError(f"step size must be at least 1, got {self.step_size}")
        if not (self.gamma > 0 and math.isfinite(self.gamma)):
            raise ValueError(f"gamma must be a positive number, got {self.gamma}")
        if self.t_max < 1:
            raise ValueError(f"T_max must be at least 1, got {self.t_max}")
        if not (self.eta_min >= 0 and math.isfinite(self.eta_min)):
            raise ValueError(f"eta_min must be ≥ 0, got {self.eta_min}")
        if self.warmup < 0:
            raise ValueError(f"warmup must be ≥ 0 steps, got {self.warmup}")

    def lr_at(self, base_lr: float | np.ndarray, t: np.ndarray) -> np.ndarray:
        """The learning rate for step index ``t`` (0-based), as a float array.

        ``base_lr`` and ``t`` broadcast, so one call serves N runs at different steps.
        """
        t = np.asarray(t)
        base = np.asarray(base_lr, dtype=float)
        if self.kind == "constant":
            lr = base * np.ones(t.shape)
        elif self.kind in ("step", "exponential"):  # γ > 1 may overflow: the run then stops
            decays = t // self.step_size if self.kind == "step" else t.astype(float)
            with np.errstate(over="ignore"):
                lr = base * self.gamma ** decays
        else:
            phase = np.minimum(t, self.t_max) / self.t_max
            lr = self.eta_min + (base - self.eta_min) * (1 + np.cos(np.pi * phase)) / 2
        return lr * np.minimum(1.0, (t + 1) / max(self.warmup, 1))

    def to_text(self) -> str:
        """The text :func:`parse_schedule` reads back into this schedule."""
        if self.kind == "step":
            text = f"step:{self.step_size}:{self.gamma!r}"
        elif self.kind == "exponential":
            text = f"exponential:{self.gamma!r}"
        elif self.kind == "cosine":
            text = f"cosine:{self.t_max}:{self.eta_min!r}"
        else:
            text = "constant"
        return f"{text},warmup={self.warmup}" if self.warmup else text


def parse_schedule(text: str) -> Schedule:
    """Read a schedule from the command line, e.g. ``"step:10:0.5"``, ``"cosine:100,warmup=5"``.

    Accepted: ``constant``, ``step:STEP_SIZE[:GAMMA]`` (γ defaults to 0.1 as in StepLR),
    ``exponential:GAMMA``, ``cosine:T_MAX[:ETA_MIN]`` (η_min defaults to 0), each
    optionally followed by ``,warmup=STEPS``. Raises ValueError saying what is wrong.
    """
    head, *options = (part.strip() for part in text.strip().split(","))
    kind, *args = (part.strip() for part in head.split(":"))
    kind = kind.lower()
    fields: dict[str, int | float] = {}

    def fail(why: str) -> ValueError:
        return ValueError(f"bad schedule {text!r}: {why} (expected {SYNTAX})")

    def number(value: str, name: str, whole: bool = False) -> int | float:
        try:
            return int(value) if whole else float(value)
        except ValueError:
            kind_of = "a whole number" if whole else "a number"
            raise fail(f"{name} must be {kind_of}, got {value!r}") from None

    arity = {"constant": (0, 0), "step": (1, 2), "exponential": (1, 1), "cosine": (1, 2)}
    if kind not in arity:
        raise fail(f"unknown kind {kind!r}; known: {', '.join(SCHEDULES)}")
    low, high = arity[kind]
    if not low <= len(args) <= high:
        count = str(low) if low == high else f"{low} or {high}"
        raise fail(f"{kind} takes {count} parameter(s), got {len(args)}")
    if kind == "step":
        fields["step_size"] = number(args[0], "step size", whole=True)
        if len(args) > 1:
            fields["gamma"] = number(args[1], "gamma")
    elif kind == "exponential":
        fields["gamma"] = number(args[0], "gamma")
    elif kind == "cosine":
        fields["t_max"] = number(args[0], "T_max", whole=True)
        if len(args) > 1:
            fields["eta_min"] = number(args[1], "eta_min")

    for option in options:
        name, sep, value = (part.strip() for part in option.partition("="))
        if name != "warmup" or not sep:
            raise fail(f"unknown option {option!r}; only warmup=STEPS is accepted")
        fields["warmup"] = number(value, "warmup", whole=True)

    try:
        return Schedule(kind, **fields)
    except ValueError as error:
        raise fail(str(error)) from None
