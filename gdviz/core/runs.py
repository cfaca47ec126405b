"""Runs: optimizers applied to an objective from start points, with history and stop rules.

A :class:`RunGroup` is N runs of one optimizer (one start point each) advanced together
in one vectorised update. Its whole history is kept in column buffers, so it can step
back as well as forward and the views can draw any run's path without copying.
Every stop reason comes from one table, :data:`STOP_MESSAGES`, shared by UI and tests.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gdviz.core.objective import Objective
from gdviz.core.optimizers import StepInfo, get_optimizer
from gdviz.core.point_step import PointStepper
from gdviz.core.schedules import Schedule

# Status codes of one run, stored per row as small integers.
RUNNING, CONVERGED, STEP_LIMIT, SMALL_DF, SMALL_DX, DIVERGED, UNDEFINED_START = range(7)

STATUS_NAMES = {
    RUNNING: "running",
    CONVERGED: "converged",
    STEP_LIMIT: "step_limit",
    SMALL_DF: "small_df",
    SMALL_DX: "small_dx",
    DIVERGED: "diverged",
    UNDEFINED_START: "undefined_start",
}

STOP_MESSAGES = {
    "running": "Running.",
    "converged": "Converged at step {step}: ‖∇f‖ fell below {tol:g}.",
    "step_limit": "Stopped at the step limit ({step} steps).",
    "small_df": "Stopped at step {step}: f changed by less than {tol:g}.",
    "small_dx": "Stopped at step {step}: the point moved by less than {tol:g}.",
    "diverged": "Diverged at step {step}: {cause}. Try a smaller learning rate.",
    "undefined_start": "f is not defined at the start point ({x:.4g}, {y:.4g}); pick another.",
}

# Hard cap on a run's length: 100,000 steps is ~28 minutes at 60 steps/s; past it a run
# stops with the step-limit status, so an all-night session cannot exhaust memory.
MAX_STEPS_CAP = 100_000


@dataclass(frozen=True)
class StopRules:
    """When a run stops by itself; a tolerance of 0 switches that rule off."""

    max_steps: int = 1000
    grad_tol: float = 1e-8
    f_tol: float = 0.0
    x_tol: float = 0.0
    bound: float = 1e8  # |x| or |y| beyond this counts as divergence


@dataclass(frozen=True)
class RunSettings:
    """Everything that defines how a group of runs steps."""

    optimizer: str = "gd"
    lr: float = 0.05
    hyper: dict[str, float] = field(default_factory=dict)
    schedule: Schedule = field(default_factory=Schedule)
    noise: float = 0.0  # σ of Gaussian noise added to the gradient (SGD emulation)
    seed: int = 0
    stop: StopRules = field(default_factory=StopRules)

    def hyperparams(self) -> dict[str, float]:
        """The optimizer's defaults overridden by this run's settings."""
        return {**get_optimizer(self.optimizer).defaults(), **self.hyper}


def stop_message(status: int, step: int, stop: StopRules, cause: str = "", x: float = 0.0,
                 y: float = 0.0) -> str:
    """The sentence shown for a run with this status."""
    name = STATUS_NAMES[status]
    tol = {"converged": stop.grad_tol, "small_df": stop.f_tol, "small_dx": stop.x_tol}.get(name, 0)
    return STOP_MESSAGES[name].format(step=step, tol=tol, cause=cause, x=x, y=y)


class _Columns:
    """Growable per-tick buffers: ``column[name][tick]`` is an (N, ...) array."""

    def __init__(self, first: dict[str, np.ndarray]) -> None:
        self.size = 1
        self.data = {}
        for name, value in first.items():
            buf = np.empty((16, *value.shape), dtype=value.dtype)
            buf[0] = value
            self.data[name] = buf

    def append(self, row: dict[str, np.ndarray]) -> None:
        if self.size == len(next(iter(self.data.values()))):
            for name, buf in self.data.items():
                grown = np.empty((2 * len(buf), *buf.shape[1:]), dtype=buf.dtype)
                grown[: self.size] = buf[: self.size]
                self.data[name] = grown
        for name, value in row.items():
            self.data[name][self.size] = value
        self.size += 1

    def last(self, name: str) -> np.ndarray:
        return self.data[name][self.size - 1]


class RunGroup:
    """N runs of one optimizer from N start points, advanced together.

    ``ticks`` counts the steps taken by the group; a run that stopped keeps its last
    point while the others go on, and its own ``steps`` stops counting.
    """

    def __init__(self, objective: Objective, starts: np.ndarray, settings: RunSettings) -> None:
        self.objective = objective
        self.settings = settings
        self.optimizer = get_optimizer(settings.optimizer)
        starts = np.asarray(starts, dtype=float).reshape(-1, 2)
        self._state_type: Any = None
        with np.errstate(all="ignore"):
            values = objective.value(starts)
            grads = objective.gradient(starts)
        state = self.optimizer.init(starts)
        self._state_type = type(state)
        ok = np.isfinite(values) & np.isfinite(grads).all(1)
        status = np.where(ok, RUNNING, UNDEFINED_START).astype(np.int8)
        self._history = _Columns(
            {
                "points": starts,
                "values": values,
                "grads": grads,
                "status": status,
                "steps": np.zeros(len(starts), dtype=np.int64),
                **{f"state.{k}": np.asarray(v) for k, v in state._asdict().items()},
            }
        )
        self.causes: list[str] = [""] * len(starts)
        self._proposal: tuple | None = None  # the update from the current tick, once known

    # -- reading ---------------------------------------------------------------------
    @property
    def size(self) -> int:
        """How many runs the group holds."""
        return len(self._history.data["points"][0])

    @property
    def ticks(self) -> int:
        """How many steps the group has taken (its history has ticks + 1 rows)."""
        return self._history.size - 1

    def column(self, name: str) -> np.ndarray:
        """A history column (points, values, grads, status, steps), one row per tick."""
        return self._history.data[name][: self._history.size]

    @property
    def points(self) -> np.ndarray:
        """Current points, (N, 2)."""
        return self._history.last("points")

    @property
    def values(self) -> np.ndarray:
        return self._history.last("values")

    @property
    def grads(self) -> np.ndarray:
        return self._history.last("grads")

    @property
    def status(self) -> np.ndarray:
        return self._history.last("status")

    @property
    def steps(self) -> np.ndarray:
        """Steps taken by each run."""
        return self._history.last("steps")

    @property
    def state(self) -> Any:
        """The optimizer state of the current tick."""
        fields = self._state_type._fields
        return self._state_type(*(self._history.last(f"state.{k}").copy() for k in fields))

    def path(self, row: int) -> np.ndarray:
        """The points visited by run ``row``, (steps + 1, 2)."""
        n = int(self.steps[row]) + 1
        return self._history.data["points"][: self._history.size, row][:n]

    def losses(self, row: int) -> np.ndarray:
        """f along run ``row``'s path."""
        n = int(self.steps[row]) + 1
        return self._history.data["values"][: self._history.size, row][:n]

    @property
    def running(self) -> bool:
        """True while any run of the group can still step."""
        return bool((self.status == RUNNING).any())

    def message(self, row: int) -> str:
        """Why run ``row`` stopped (or "Running.")."""
        x, y = self.column("points")[0, row]
        status, step = int(self.status[row]), int(self.steps[row])
        if status == DIVERGED:
            step += 1  # the step that failed was not taken
        return stop_message(status, step, self.settings.stop, self.causes[row], x, y)

    # -- stepping --------------------------------------------------------------------
    def _noisy(self, grads: np.ndarray, steps: np.ndarray) -> np.ndarray:
        sigma = self.settings.noise
        if sigma <= 0:
            return grads
        noise = np.array(
            [np.random.default_rng([self.settings.seed, row, int(t)]).normal(size=2)
             for row, t in enumerate(steps)]
        )
        return grads + sigma * noise

    def _update(self) -> tuple[np.ndarray, Any, StepInfo]:
        """The optimizer's update from the current tick.

        It is a pure function of (history size, settings), so the result is kept: the
        views' preview of the next step and the step itself cost one update, not two.
        """
        key = (self._history.size, id(self.settings), self.settings)
        if self._proposal is not None and self._proposal[0] == key:
            return self._proposal[1]
        steps = self.steps
        lr = self.settings.schedule.lr_at(self.settings.lr, steps)
        with np.errstate(all="ignore"):
            result = self.optimizer.update(
                self.points, self._noisy(self.grads, steps), self.state, lr,
                self.settings.hyperparams(), self.objective)
        self._proposal = (key, result)
        return result

    def proposed_step(self) -> tuple[np.ndarray, StepInfo]:
        """The points the optimizer would move to next, without taking the step."""
        new_points, _, info = self._update()
        return new_points, info

    def step(self) -> bool:
        """Advance every running run by one step; return False if none could step."""
        status = self.status.copy()
        active = status == RUNNING
        if not active.any():
            return False
        points, values, steps = self.points, self.values, self.steps
        new_points, new_state, info = self._update()
        with np.errstate(all="ignore"):
            new_values = self.objective.value(new_points)
            new_grads = self.objective.gradient(new_points)
        new_steps = steps + active
        stop = self.settings.stop
        finite = np.isfinite(new_points).all(1)
        defined = finite & np.isfinite(new_values) & np.isfinite(new_grads).all(1)
        inside = finite & (np.abs(np.where(finite[:, None], new_points, 0)) <= stop.bound).all(1)
        diverged = active & ~(defined & inside)
        for row in np.flatnonzero(diverged):
            self.causes[row] = self._cause(new_points[row], new_values[row], new_grads[row])
        ok = active & ~diverged
        gnorm = np.hypot(new_grads[:, 0], new_grads[:, 1])
        with np.errstate(all="ignore"):
            dx = np.hypot(*(new_points - points).T)
            df = np.abs(new_values - values)
        new_status = status.copy()
        new_status[diverged] = DIVERGED
        limit = min(stop.max_steps, MAX_STEPS_CAP)
        checks = (
            (new_steps >= limit, STEP_LIMIT),
            ((df < stop.f_tol) if stop.f_tol > 0 else None, SMALL_DF),
            ((dx < stop.x_tol) if stop.x_tol > 0 else None, SMALL_DX),
            ((gnorm < stop.grad_tol) if stop.grad_tol > 0 else None, CONVERGED),
        )
        for hit, code in checks:  # later checks win: convergence beats the step limit
            if hit is not None:
                new_status[ok & hit] = code
        keep = ~ok  # rows that do not move: stopped before, or diverged now
        row = {
            "points": np.where(keep[:, None], points, new_points),
            "values": np.where(keep, values, new_values),
            "grads": np.where(keep[:, None], self.grads, new_grads),
            "status": new_status,
            "steps": np.where(ok, new_steps, steps),
        }
        old_state = self.state
        for name in old_state._fields:
            old, new = np.asarray(getattr(old_state, name)), np.asarray(getattr(new_state, name))
            mask = keep.reshape((-1,) + (1,) * (old.ndim - 1))
            row[f"state.{name}"] = np.where(mask, old, new)
        self._history.append(row)
        return True

    @staticmethod
    def _cause(point: np.ndarray, value: float, grad: np.ndarray) -> str:
        if not np.isfinite(point).all():
            return "the point is no longer a finite number"
        if not (np.isfinite(value) and np.isfinite(grad).all()):  # overflow or domain
            return f"f or ∇f is not a finite number at ({point[0]:.4g}, {point[1]:.4g})"
        return f"the point left the plane (|x| or |y| > {np.abs(point).max():.3g})"

    def step_back(self) -> bool:
        """Undo the group's last step; return False at the start."""
        if self.ticks == 0:
            return False
        self._history.size -= 1
        for row in range(self.size):
            if self.status[row] != DIVERGED:
                self.causes[row] = ""
        return True

    def update_settings(self, **changes: Any) -> None:
        """Change settings live (learning rate, hyperparameters...) without resetting."""
        if "optimizer" in changes and changes["optimizer"] != self.settings.optimizer:
            raise ValueError("a group keeps its optimizer; start a new group instead")
        self.settings = replace(self.settings, **changes)
        # A raised step limit or loosened tolerance lets stopped runs go on.
        status = self._history.last("status")
        limit = min(self.settings.stop.max_steps, MAX_STEPS_CAP)
        for row in range(self.size):
            if status[row] == STEP_LIMIT and self.steps[row] < limit:
                status[row] = RUNNING


def methods_of(groups: list[RunGroup]) -> list[str]:
    """The optimizers of ``groups``, each once, in order of first appearance."""
    names: list[str] = []
    for group in groups:
        if group.settings.optimizer not in names:
            names.append(group.settings.optimizer)
    return names


def _title(group: RunGroup, race: bool) -> str:
    title = get_optimizer(group.settings.optimizer).title
    return f"{title} η = {group.settings.lr:g}" if race else title


def run_labels(groups: list[RunGroup]) -> list[str]:
    """One legend label per run: the method (with its η in a race), and its start when
    the method has several."""
    race = len(methods_of(groups)) > 1
    runs_per_method: dict[str, int] = {}
    for group in groups:
        name = group.settings.optimizer
        runs_per_method[name] = runs_per_method.get(name, 0) + group.size
    labels = []
    for group in groups:
        title = _title(group, race)
        starts = group.column("points")[0]
        several = runs_per_method[group.settings.optimizer] > 1
        labels += [f"{title} ({x:.3g}, {y:.3g})" if several else title for x, y in starts]
    return labels


def legend_rows(groups: list[RunGroup]) -> list[tuple[str, list[int]]]:
    """Legend rows as (label, indices of the runs the row stands for).

    A race from several starts gets one row per method ("Adam η = 0.1, 4 starts"), which
    hides or shows all of that method's runs; otherwise each run has its own row.
    """
    methods = methods_of(groups)
    indices: dict[str, list[int]] = {name: [] for name in methods}
    first = 0
    for group in groups:
        indices[group.settings.optimizer] += list(range(first, first + group.size))
        first += group.size
    if len(methods) > 1 and any(len(runs) > 1 for runs in indices.values()):
        rows = []
        for name in methods:
            group = next(g for g in groups if g.settings.optimizer == name)
            count = len(indices[name])
            label = f"{_title(group, True)}, {count} start{'s' if count > 1 else ''}"
            rows.append((label, indices[name]))
        return rows
    return [(label, [index]) for index, label in enumerate(run_labels(groups))]


@dataclass
class Session:
    """All the run groups on one objective: what the controller and the CLI drive."""

    objective: Objective
    groups: list[RunGroup] = field(default_factory=list)

    def add(self, starts: np.ndarray, settings: RunSettings) -> RunGroup:
        group = RunGroup(self.objective, starts, settings)
        self.groups.append(group)
        return group

    def step(self) -> bool:
        """Step every group once; False when nothing could step."""
        stepped = [group.step() for group in self.groups]
        return any(stepped)

    def step_back(self) -> bool:
        stepped = [group.step_back() for group in self.groups]
        return any(stepped)

    @property
    def running(self) -> bool:
        return any(group.running for group in self.groups)

    def clear(self) -> None:
        self.groups.clear()


def preview_path(objective: Objective, start: tuple[float, float], settings: RunSettings,
                 steps: int = 100, budget_s: float = 0.012) -> np.ndarray:
    """The path one run with ``settings`` would take from ``start`` in ``steps`` steps.

    Used while a start point is dragged, so it is lean: one point stepped on Python
    floats (:mod:`gdviz.core.point_step`) with the real update rule and the stop rules
    of :meth:`RunGroup.step` (gradient noise left out), so the path is the one a
    RunGroup would take; and it stops early once ``budget_s`` seconds are spent, so
    a frame is never missed even on a pathological function.
    """
    deadline = time.perf_counter() + budget_s
    stop = settings.stop
    stepper = PointStepper(get_optimizer(settings.optimizer), settings.hyperparams(), objective)
    at = stepper.at
    x, y = float(start[0]), float(start[1])
    path = [(x, y)]
    count = min(steps, max(1, min(stop.max_steps, MAX_STEPS_CAP)))  # a run takes ≥ 1 step
    lrs = settings.schedule.lr_at(settings.lr, np.arange(count)).tolist()
    with np.errstate(all="ignore"):
        f, (gx, gy) = at.f_at(x, y), at.grad_at(x, y)
        if not all(map(math.isfinite, (f, gx, gy))):
            return np.array(path)  # undefined start
        for lr in lrs:
            new_x, new_y = stepper.step(x, y, gx, gy, lr)
            if not (abs(new_x) <= stop.bound and abs(new_y) <= stop.bound):  # or nan
                break
            new_f, (new_gx, new_gy) = at.f_at(new_x, new_y), at.grad_at(new_x, new_y)
            if not all(map(math.isfinite, (new_f, new_gx, new_gy))):
                break  # diverged: the step is not taken
            path.append((new_x, new_y))
            if ((stop.f_tol > 0 and abs(new_f - f) < stop.f_tol)
                    or (stop.x_tol > 0 and math.hypot(new_x - x, new_y - y) < stop.x_tol)
                    or (stop.grad_tol > 0 and math.hypot(new_gx, new_gy) < stop.grad_tol)
                    or time.perf_counter() > deadline):
                break
            x, y, f, gx, gy = new_x, new_y, new_f, new_gx, new_gy
    return np.array(path)
