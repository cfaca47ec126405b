"""The narrated step's story in numbers: one step of a run, before it is taken, in words.

Qt-free: :mod:`gdviz.app.views.narrated` shows these captions stage by stage and draws
the same numbers on the map.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np

from gdviz.core.optimizers import get_optimizer
from gdviz.core.runs import RUNNING

WHY_NOT_GD = {  # why a method's step is not simply −η∇f
    "momentum": "it adds the velocity carried over from earlier steps",
    "nesterov": "it adds the velocity carried over from earlier steps, looking ahead",
    "qhm": "it mixes the gradient with a velocity carried over from earlier steps",
    "adagrad": "it divides each axis by the size of all the gradients seen so far",
    "rmsprop": "it divides each axis by a running size of the recent gradients",
    "adam": "it uses running averages of the gradient and of its square, per axis",
    "adamw": "it uses running averages of the gradient and of its square, and weight decay",
    "qhadam": "it mixes the gradient with running averages of it and of its square",
    "newton": "it divides by the curvature (the Hessian) instead",
    "linesearch": "it shrinks η until f falls enough (the Armijo test)",
}


def num(value: float) -> str:
    """A number for a caption: 4 significant digits and a real minus sign."""
    return f"{value:.4g}".replace("-", "−") if np.isfinite(value) else "not a number"


def vec(v: np.ndarray) -> str:
    return f"({num(float(v[0]))}, {num(float(v[1]))})"


@dataclass
class StepSnapshot:
    """What one step of run ``row`` of a group is, before it is taken."""

    key: tuple
    step: int
    point: np.ndarray
    grad: np.ndarray
    value: float
    lr: float
    next_point: np.ndarray
    next_value: float
    optimizer: str
    note: str
    noise: float
    running: bool
    message: str
    runs: int

    @property
    def delta(self) -> np.ndarray:
        return self.next_point - self.point


def snapshot(session: Any, group: Any, row: int = 0) -> StepSnapshot:
    """The step run ``row`` of ``group`` would take next (the group's own proposal)."""
    settings = group.settings
    next_points, info = group.proposed_step()
    next_point = np.array(next_points[row], dtype=float)
    with np.errstate(all="ignore"):
        next_value = float(group.objective.value(next_point[None])[0])
    lr = float(np.asarray(settings.schedule.lr_at(settings.lr, group.steps))[row])
    note = "" if info.note is None else str(info.note[row])
    return StepSnapshot(
        key=(id(session), id(group), group.ticks, settings),
        step=int(group.steps[row]), point=np.array(group.points[row], dtype=float),
        grad=np.array(group.grads[row], dtype=float), value=float(group.values[row]),
        lr=lr, next_point=next_point, next_value=next_value,
        optimizer=settings.optimizer, note=note, noise=float(settings.noise),
        running=bool(group.status[row] == RUNNING), message=group.message(row),
        runs=sum(g.size for g in session.groups))


def drawn_scale(scale: float) -> str:
    """Why an arrow on the map is not drawn at its true length, or "" if it is."""
    if scale < 1:
        return f" <i>(On the map its arrow is drawn {scale:.2g}× as long, to fit.)</i>"
    if scale > 1:
        return f" <i>(On the map its arrow is drawn {scale:.2g}× as long, to be seen.)</i>"
    return ""


def stage_captions(s: StepSnapshot, gradient_scale: float = 1.0,
                   step_scale: float = 1.0) -> list[str]:
    """The three stages in words, as rich text; the scales of the map's arrows stated."""
    first = (f"<b>1.</b> At x<sub>t</sub> = {vec(s.point)} the gradient is "
             f"∇f = {vec(s.grad)}: it points uphill, the way f grows fastest.")
    first += drawn_scale(gradient_scale)
    gd_step = -s.lr * s.grad
    if s.optimizer == "gd":
        second = (f"<b>2.</b> Scale it by −η = {num(-s.lr)}: the step is "
                  f"Δx = −η∇f = {vec(s.delta)}, downhill.")
        if s.noise > 0:
            second += f" <i>(With gradient noise σ = {num(s.noise)}, it uses a noisy ∇f.)</i>"
    else:
        title = html.escape(get_optimizer(s.optimizer).title)
        why = WHY_NOT_GD.get(s.optimizer, "it has its own update rule")
        if np.allclose(s.delta, gd_step, rtol=1e-9, atol=1e-12):
            second = (f"<b>2.</b> {title}'s step is not simply −η∇f in general ({why}), "
                      f"but this time it is: Δx = −η∇f = {vec(s.delta)}.")
        else:
            second = (f"<b>2.</b> {title}'s step is not simply −η∇f = {vec(gd_step)}: {why}. "
                      f"Its step is Δx = {vec(s.delta)}.")
    if s.note:
        second += f" <i>({html.escape(s.note)})</i>"
    second += drawn_scale(step_scale)
    change = s.next_value - s.value
    how = (f"down by {num(-change)}" if change < 0 else
           f"up by {num(change)}: the step was too large" if change > 0 else "unchanged")
    third = (f"<b>3.</b> New point x<sub>t+1</sub> = x<sub>t</sub> + Δx = "
             f"{vec(s.next_point)}; f went from {num(s.value)} to {num(s.next_value)} "
             f"({how}).")
    return [first, second, third]


def unit(v: np.ndarray) -> np.ndarray:
    """``v`` scaled to length 1 (a zero or non-finite vector gives (1, 0))."""
    norm = float(np.hypot(*v))
    return v / norm if np.isfinite(norm) and norm > 0 else np.array([1.0, 0.0])
