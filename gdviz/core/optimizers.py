"""Optimizers as pairs of pure functions over an explicit, stacked state.

Each optimizer is an :class:`Optimizer`: ``init(points) -> state`` and
``update(points, grads, state, lr, hp, objective) -> (new_points, new_state, info)``.

* ``points`` and ``grads`` are ``(N, 2)`` arrays: N runs advance in one call.
* ``state`` is a NamedTuple of NumPy arrays whose first axis is N (so rows can be
  stacked, copied for step-back, and saved). ``state.t`` counts steps taken per row.
* ``lr`` is an ``(N,)`` array (schedules may differ per run).
* ``hp`` maps hyperparameter names to floats (the optimizer's defaults filled in).
* ``info`` is a :class:`StepInfo` with what the views may draw.

No update mutates its inputs: every array it returns is new.

Names, update rules and defaults follow ``torch.optim`` (SGD, Adagrad, RMSprop, Adam,
AdamW); QHM and QHAdam follow the reference code of Ma & Yarats,
"Quasi-hyperbolic momentum and Adam for deep learning", ICLR 2019
(https://arxiv.org/abs/1810.06801, facebookresearch/qhoptim). Newton and the Armijo
line search follow Nocedal & Wright, *Numerical Optimization* (2nd ed.), ch. 3.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from gdviz.core.objective import Objective


class HyperParam(NamedTuple):
    """One tunable setting of an optimizer, with the range the UI offers."""

    name: str
    default: float
    minimum: float
    maximum: float
    description: str


class StepInfo(NamedTuple):
    """What one update did, for arrows and status; every field is optional."""

    # (N, 2) momentum buffer b (momentum, nesterov, qhm) or bias-corrected first
    # moment m̂ (adam, adamw, qhadam): gradient units, so lr * velocity is a displacement.
    velocity: np.ndarray | None = None
    effective_lr: np.ndarray | None = None  # (N, 2) per-axis step size / gradient
    note: np.ndarray | None = None  # (N,) object array of strings ("" if nothing)


class Optimizer(NamedTuple):
    """A named (init, update) pair with its hyperparameters."""

    name: str
    title: str
    hyperparams: tuple[HyperParam, ...]
    init: Callable[[np.ndarray], Any]
    update: Callable[..., tuple[np.ndarray, Any, StepInfo]]

    def defaults(self) -> dict[str, float]:
        """The default hyperparameters, by name."""
        return {p.name: p.default for p in self.hyperparams}


# ---------------------------------------------------------------------------------------
# States. Every field is an array whose first axis is N.


class GDState(NamedTuple):
    t: np.ndarray  # (N,) steps taken


class MomentumState(NamedTuple):
    t: np.ndarray  # (N,) steps taken
    buf: np.ndarray  # (N, 2) momentum buffer b


class AccumulatorState(NamedTuple):
    t: np.ndarray  # (N,) steps taken
    sq: np.ndarray  # (N, 2) sum (Adagrad) or running average (RMSprop) of g²


class AdamState(NamedTuple):
    t: np.ndarray  # (N,) steps taken
    m: np.ndarray  # (N, 2) first moment, not bias-corrected
    v: np.ndarray  # (N, 2) second moment, not bias-corrected


class QHAdamState(NamedTuple):
    t: np.ndarray  # (N,) steps taken
    w1: np.ndarray  # (N,) beta1 weight 1 + β₁ + … + β₁^(t−1)
    w2: np.ndarray  # (N,) beta2 weight
    m: np.ndarray  # (N, 2) bias-corrected running average of g
    v: np.ndarray  # (N, 2) bias-corrected running average of g²


def _steps(points: np.ndarray) -> np.ndarray:
    return np.zeros(len(points), dtype=np.int64)


def _gd_init(points: np.ndarray) -> GDState:
    return GDState(t=_steps(points))


def _momentum_init(points: np.ndarray) -> MomentumState:
    return MomentumState(t=_steps(points), buf=np.zeros((len(points), 2)))


def _accumulator_init(points: np.ndarray) -> AccumulatorState:
    return AccumulatorState(t=_steps(points), sq=np.zeros((len(points), 2)))


def _adam_init(points: np.ndarray) -> AdamState:
    n = len(points)
    return AdamState(t=_steps(points), m=np.zeros((n, 2)), v=np.zeros((n, 2)))


def _qhadam_init(points: np.ndarray) -> QHAdamState:
    n = len(points)
    zeros = np.zeros((n, 2))
    return QHAdamState(_steps(points), np.zeros(n), np.zeros(n), zeros, zeros.copy())


# ---------------------------------------------------------------------------------------
# First-order methods.


def _gd_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: GDState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, GDState, StepInfo]:
    """x ← x − η ∇f(x)."""
    return points - lr[:, None] * grads, GDState(t=state.t + 1), StepInfo()


def _heavy_ball(grads: np.ndarray, state: MomentumState, mu: float) -> np.ndarray:
    """torch SGD's buffer with dampening 0: b₁ = g₁, then b_t = μ b_{t−1} + g_t."""
    first = (state.t == 0)[:, None]
    return np.where(first, grads, mu * state.buf + grads)


def _momentum_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: MomentumState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, MomentumState, StepInfo]:
    """Heavy-ball momentum as ``torch.optim.SGD(momentum=μ)``, dampening 0.

    .. math:: b_1 = g_1,\\quad b_t = μ b_{t-1} + g_t,\\quad x_t = x_{t-1} - η b_t
    """
    buf = _heavy_ball(grads, state, hp["momentum"])
    new_points = points - lr[:, None] * buf
    return new_points, MomentumState(state.t + 1, buf), StepInfo(velocity=buf)


def _nesterov_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: MomentumState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, MomentumState, StepInfo]:
    """Nesterov momentum as ``torch.optim.SGD(momentum=μ, nesterov=True)``.

    .. math:: b_t \\text{ as for momentum},\\quad x_t = x_{t-1} - η (g_t + μ b_t)

    (Sutskever et al., "On the importance of initialization and momentum", ICML 2013,
    in torch's reformulation.)
    """
    mu = hp["momentum"]
    buf = _heavy_ball(grads, state, mu)
    new_points = points - lr[:, None] * (grads + mu * buf)
    return new_points, MomentumState(state.t + 1, buf), StepInfo(velocity=buf)


def _adagrad_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: AccumulatorState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, AccumulatorState, StepInfo]:
    """Adagrad as ``torch.optim.Adagrad`` (lr_decay 0, initial accumulator 0).

    .. math:: s_t = s_{t-1} + g_t^2,\\quad x_t = x_{t-1} - η\\, g_t / (\\sqrt{s_t} + ε)

    (Duchi, Hazan & Singer, JMLR 12, 2011.)
    """
    sq = state.sq + grads**2
    step_size = lr[:, None] / (np.sqrt(sq) + hp["eps"])
    new_points = points - step_size * grads
    return new_points, AccumulatorState(state.t + 1, sq), StepInfo(effective_lr=step_size)


def _rmsprop_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: AccumulatorState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, AccumulatorState, StepInfo]:
    """RMSprop as ``torch.optim.RMSprop`` (no momentum, not centered).

    .. math:: v_t = α v_{t-1} + (1-α) g_t^2,\\quad x_t = x_{t-1} - η\\, g_t / (\\sqrt{v_t} + ε)

    (Hinton, Coursera lecture 6e, 2012.)
    """
    alpha = hp["alpha"]
    sq = alpha * state.sq + (1 - alpha) * grads**2
    step_size = lr[:, None] / (np.sqrt(sq) + hp["eps"])
    new_points = points - step_size * grads
    return new_points, AccumulatorState(state.t + 1, sq), StepInfo(effective_lr=step_size)


def _adam_step(
    points: np.ndarray,
    grads: np.ndarray,
    state: AdamState,
    lr: np.ndarray,
    hp: Mapping[str, float],
) -> tuple[np.ndarray, AdamState, StepInfo]:
    b1, b2 = hp["beta1"], hp["beta2"]
    t = state.t + 1
    m = b1 * state.m + (1 - b1) * grads
    v = b2 * state.v + (1 - b2) * grads**2
    m_hat = m / (1 - b1 ** t[:, None])
    v_hat = v / (1 - b2 ** t[:, None])
    step_size = lr[:, None] / (np.sqrt(v_hat) + hp["eps"])
    new_points = points - step_size * m_hat
    return new_points, AdamState(t, m, v), StepInfo(velocity=m_hat, effective_lr=step_size)


def _adam_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: AdamState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, AdamState, StepInfo]:
    """Adam as ``torch.optim.Adam`` (bias-corrected, amsgrad off, weight decay 0).

    .. math::
        m_t = β_1 m_{t-1} + (1-β_1) g_t,\\quad v_t = β_2 v_{t-1} + (1-β_2) g_t^2 \\\\
        \\hat m_t = m_t / (1-β_1^t),\\quad \\hat v_t = v_t / (1-β_2^t),\\quad
        x_t = x_{t-1} - η\\, \\hat m_t / (\\sqrt{\\hat v_t} + ε)

    (Kingma & Ba, ICLR 2015.)
    """
    return _adam_step(points, grads, state, lr, hp)


def _adamw_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: AdamState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, AdamState, StepInfo]:
    """AdamW as ``torch.optim.AdamW``: decoupled weight decay λ, then the Adam step.

    .. math:: x \\leftarrow x (1 - ηλ), \\text{ then Adam with } g_t = ∇f(x_{t-1})

    (Loshchilov & Hutter, "Decoupled weight decay regularization", ICLR 2019.)
    """
    decayed = points * (1 - lr[:, None] * hp["weight_decay"])
    return _adam_step(decayed, grads, state, lr, hp)


def _qhm_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: MomentumState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, MomentumState, StepInfo]:
    """Quasi-hyperbolic momentum, as qhoptim's ``QHM`` (dampened buffer from zero).

    .. math:: b_t = β b_{t-1} + (1-β) g_t,\\quad x_t = x_{t-1} - η[(1-ν) g_t + ν b_t]

    ν = 0 is plain GD; ν = 1 is dampened momentum (Ma & Yarats, ICLR 2019). The
    defaults ν = 0.7, β = 0.999 are the paper's recommendation (qhoptim has none).
    """
    beta, nu = hp["beta"], hp["nu"]
    buf = beta * state.buf + (1 - beta) * grads
    new_points = points - lr[:, None] * ((1 - nu) * grads + nu * buf)
    return new_points, MomentumState(state.t + 1, buf), StepInfo(velocity=buf)


def _qhadam_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: QHAdamState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, QHAdamState, StepInfo]:
    """QHAdam as qhoptim's ``QHAdam``: bias correction through the beta weights.

    .. math::
        w_t = 1 + β w_{t-1},\\ w_0 = 0,\\quad \\tilde β_t = 1 - 1/w_t \\\\
        m_t = \\tilde β_{1,t} m_{t-1} + (1-\\tilde β_{1,t}) g_t,\\quad
        v_t = \\tilde β_{2,t} v_{t-1} + (1-\\tilde β_{2,t}) g_t^2 \\\\
        x_t = x_{t-1} - η \\frac{(1-ν_1) g_t + ν_1 m_t}
                               {\\sqrt{(1-ν_2) g_t^2 + ν_2 v_t} + ε}

    m_t, v_t equal Adam's bias-corrected moments; ν₁ = ν₂ = 1 is Adam
    (Ma & Yarats, ICLR 2019). The default ν = (0.7, 1.0) is the paper's recommendation;
    qhoptim's class defaults to ν = (1, 1), i.e. Adam.
    """
    b1, b2, nu1, nu2 = hp["beta1"], hp["beta2"], hp["nu1"], hp["nu2"]
    w1 = 1 + b1 * state.w1
    w2 = 1 + b2 * state.w2
    keep1 = (1 - 1 / w1)[:, None]
    keep2 = (1 - 1 / w2)[:, None]
    m = keep1 * state.m + (1 - keep1) * grads
    v = keep2 * state.v + (1 - keep2) * grads**2
    step_size = lr[:, None] / (np.sqrt((1 - nu2) * grads**2 + nu2 * v) + hp["eps"])
    new_points = points - step_size * ((1 - nu1) * grads + nu1 * m)
    new_state = QHAdamState(state.t + 1, w1, w2, m, v)
    return new_points, new_state, StepInfo(velocity=m, effective_lr=step_size)


# ---------------------------------------------------------------------------------------
# Methods that ask the objective for more than the gradient.


def _notes(n: int) -> np.ndarray:
    notes = np.empty(n, dtype=object)
    notes[:] = ""
    return notes


def _newton_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: GDState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, GDState, StepInfo]:
    """Damped Newton with a Levenberg shift, x ← x − η (H + τI)⁻¹ ∇f.

    H is symmetrised; with λ_min its smaller eigenvalue (closed form for 2×2) and δ
    the ``min_curvature``, τ = max(0, δ − λ_min), so the shifted Hessian's eigenvalues
    are ≥ δ > 0 and the step is a descent direction (Nocedal & Wright, §3.4, eq. 3.43).
    τ = 0 (pure Newton) wherever H is already positive definite with λ_min ≥ δ. Rows
    that were shifted get a note; a row where this still fails (a Hessian that is not
    finite, a shifted determinant that rounds to ≤ 0, an overflowing solve) takes a
    plain gradient step instead, also noted. Never divides by zero, never returns NaN
    unless the gradient itself is NaN.
    """
    delta = hp["min_curvature"]
    hess = objective.hessian(points)
    with np.errstate(all="ignore"):  # bad rows are caught below, not warned about
        a, d = hess[:, 0, 0], hess[:, 1, 1]
        b = 0.5 * (hess[:, 0, 1] + hess[:, 1, 0])
        lam_min = 0.5 * (a + d) - np.hypot(0.5 * (a - d), b)
        shift = np.maximum(0.0, delta - lam_min)
        a, d = a + shift, d + shift
        det = a * d - b * b
        gx, gy = grads[:, 0], grads[:, 1]
        direction = np.stack([(d * gx - b * gy) / det, (a * gy - b * gx) / det], axis=1)
    usable = (det > 0) & np.isfinite(direction).all(axis=1)
    direction = np.where(usable[:, None], direction, grads)
    new_points = points - lr[:, None] * direction

    notes = _notes(len(points))
    for i in np.flatnonzero(~usable):
        notes[i] = "no finite Newton step here: took a gradient step"
    for i in np.flatnonzero(usable & (shift > 0)):
        why = "not positive definite" if lam_min[i] <= 0 else "nearly singular"
        notes[i] = f"Hessian {why} (λmin = {lam_min[i]:.3g}): shifted by {shift[i]:.3g}·I"
    return new_points, GDState(t=state.t + 1), StepInfo(note=notes)


MAX_HALVINGS = 50
"""The most times the line search shrinks its trial step before taking it anyway."""


def _linesearch_update(
    points: np.ndarray,
    grads: np.ndarray,
    state: GDState,
    lr: np.ndarray,
    hp: Mapping[str, float],
    objective: Objective,
) -> tuple[np.ndarray, GDState, StepInfo]:
    """Gradient descent with Armijo backtracking (Nocedal & Wright, Algorithm 3.1).

    Start each step from s = η and shrink s ← ρ s until the sufficient-decrease test

    .. math:: f(x - s g) \\le f(x) - c\\, s \\lVert g \\rVert^2

    holds, then x ← x − s g. Rows stop shrinking independently; after
    ``MAX_HALVINGS`` shrinks a row takes its last s anyway, with a note.
    """
    c, rho = hp["c"], hp["rho"]
    s = np.array(lr, dtype=float)
    f0 = objective.value(points)
    gg = np.sum(grads**2, axis=1)
    shrinks = np.zeros(len(points), dtype=np.int64)
    searching = np.ones(len(points), dtype=bool)
    for k in range(MAX_HALVINGS + 1):
        rows = np.flatnonzero(searching)
        trial = points[rows] - s[rows, None] * grads[rows]
        ok = objective.value(trial) <= f0[rows] - c * s[rows] * gg[rows]
        searching[rows[ok]] = False
        if not searching.any() or k == MAX_HALVINGS:
            break
        s[searching] *= rho
        shrinks[searching] += 1
    new_points = points - s[:, None] * grads

    notes = _notes(len(points))
    for i in np.flatnonzero(shrinks):
        notes[i] = f"backtracked {shrinks[i]}×: step {s[i]:.3g}"
    for i in np.flatnonzero(searching):
        notes[i] = f"Armijo test still failing after {MAX_HALVINGS} halvings: step {s[i]:.3g}"
    info = StepInfo(effective_lr=np.repeat(s[:, None], 2, axis=1), note=notes)
    return new_points, GDState(t=state.t + 1), info


# ---------------------------------------------------------------------------------------
# The registry.

_EPS_RANGE = (1e-12, 1e-1)


def _eps(default: float) -> HyperParam:
    return HyperParam("eps", default, *_EPS_RANGE, "added to the denominator √… + ε")


_MOMENTUM = HyperParam("momentum", 0.9, 0.0, 0.999, "momentum μ: share of the last step kept")
_BETA1 = HyperParam("beta1", 0.9, 0.0, 0.999, "β₁: decay of the running mean of g")
_BETA2 = HyperParam("beta2", 0.999, 0.0, 0.9999, "β₂: decay of the running mean of g²")

GD = Optimizer("gd", "Gradient descent", (), _gd_init, _gd_update)
MOMENTUM = Optimizer("momentum", "Momentum", (_MOMENTUM,), _momentum_init, _momentum_update)
NESTEROV = Optimizer("nesterov", "Nesterov", (_MOMENTUM,), _momentum_init, _nesterov_update)
ADAGRAD = Optimizer("adagrad", "Adagrad", (_eps(1e-10),), _accumulator_init, _adagrad_update)
RMSPROP = Optimizer(
    "rmsprop",
    "RMSprop",
    (HyperParam("alpha", 0.99, 0.0, 0.9999, "α: decay of the running mean of g²"), _eps(1e-8)),
    _accumulator_init,
    _rmsprop_update,
)
ADAM = Optimizer("adam", "Adam", (_BETA1, _BETA2, _eps(1e-8)), _adam_init, _adam_update)
ADAMW = Optimizer(
    "adamw",
    "AdamW",
    (
        _BETA1,
        _BETA2,
        _eps(1e-8),
        HyperParam("weight_decay", 0.01, 0.0, 1.0, "λ: pull towards the origin, x ← x(1 − ηλ)"),
    ),
    _adam_init,
    _adamw_update,
)
QHM = Optimizer(
    "qhm",
    "Quasi-hyperbolic momentum",
    (
        HyperParam("nu", 0.7, 0.0, 1.0, "ν: weight of the momentum buffer (0 = GD)"),
        HyperParam("beta", 0.999, 0.0, 0.9999, "β: decay of the dampened momentum buffer"),
    ),
    _momentum_init,
    _qhm_update,
)
QHADAM = Optimizer(
    "qhadam",
    "QHAdam",
    (
        HyperParam("nu1", 0.7, 0.0, 1.0, "ν₁: weight of the running mean of g (1 = Adam)"),
        HyperParam("nu2", 1.0, 0.0, 1.0, "ν₂: weight of the running mean of g² (1 = Adam)"),
        _BETA1,
        _BETA2,
        _eps(1e-8),
    ),
    _qhadam_init,
    _qhadam_update,
)
NEWTON = Optimizer(
    "newton",
    "Damped Newton",
    (
        HyperParam(
            "min_curvature", 1e-2, 1e-6, 10.0, "δ: H is shifted by τI until its eigenvalues are ≥ δ"
        ),
    ),
    _gd_init,
    _newton_update,
)
LINESEARCH = Optimizer(
    "linesearch",
    "Backtracking line search",
    (
        HyperParam("c", 1e-4, 1e-6, 0.5, "c: Armijo sufficient-decrease fraction"),
        HyperParam("rho", 0.5, 0.1, 0.9, "ρ: factor the trial step shrinks by"),
    ),
    _gd_init,
    _linesearch_update,
)

_ALL = (GD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM, ADAMW, QHM, QHADAM, NEWTON, LINESEARCH)
OPTIMIZERS: dict[str, Optimizer] = {opt.name: opt for opt in _ALL}


def get_optimizer(name: str) -> Optimizer:
    """The optimizer called ``name``; raises KeyError listing the known names."""
    try:
        return OPTIMIZERS[name]
    except KeyError:
        raise KeyError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZERS)}") from None
