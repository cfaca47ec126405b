"""Fair races: each method gets a learning rate that suits it.

Racing GD, Adam and Newton at one η makes some look broken (Newton at η = 0.001 barely
moves; Adam's steps are about η long whatever the gradient). So in a race every method
has its own η, by default one that suits how its step scales:

* GD, momentum, Nesterov, QHM: the η of the η box (the preset's), since their step is
  η × gradient like plain GD's;
* Newton and the Armijo line search: 1.0, the full Newton / initial trial step;
* Adam, AdamW, QHAdam, Adagrad: their first steps are about η long in each coordinate,
  so η is a fraction of the view's scale (a fifth of its larger side): 0.1 × scale;
* RMSprop: its first step is ≈ η/√(1 − α) = 10 η long, so a tenth of Adam's.
"""

from __future__ import annotations

from gdviz.core.grid import ViewRange

FULL_STEP = {"newton": 1.0, "linesearch": 1.0}
SCALE_FREE = {"adam": 0.1, "adamw": 0.1, "qhadam": 0.1, "adagrad": 0.1, "rmsprop": 0.01}
MIN_LR, MAX_LR = 1e-5, 10.0  # the η box's range


def view_scale(view: ViewRange) -> float:
    """A length typical of the view: a fifth of its larger side."""
    return max(view.xmax - view.xmin, view.ymax - view.ymin) / 5


def default_race_lr(name: str, view: ViewRange, base_lr: float) -> float:
    """The η a race gives method ``name`` unless the lecturer chose another."""
    if name in FULL_STEP:
        lr = FULL_STEP[name]
    elif name in SCALE_FREE:
        lr = SCALE_FREE[name] * view_scale(view)
    else:
        lr = base_lr
    return float(min(MAX_LR, max(MIN_LR, float(f"{lr:.2g}"))))


def race_lrs(names: list[str], chosen: dict[str, float], view: ViewRange,
             base_lr: float) -> dict[str, float]:
    """η of each raced method: the lecturer's choice, else the default."""
    return {name: chosen.get(name, default_race_lr(name, view, base_lr)) for name in names}
