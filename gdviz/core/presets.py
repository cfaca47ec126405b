"""Ready-made lessons: the functions, views and starts of the course material.

Each preset is plain data (no Qt), reused by the GUI's preset menu, the tests and the
benchmarks alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from gdviz.core.grid import ViewRange


@dataclass(frozen=True)
class Preset:
    """A function with a view, start points and a learning rate that show something."""

    name: str
    function: str
    view: ViewRange
    starts: tuple[tuple[float, float], ...]
    lr: float
    note: str


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Ripples (course page)",
        "(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)",
        ViewRange(-1, 3, -1, 5),
        ((-0.5, 4.0), (3.0, -0.5), (2.5, 4.5)),
        0.05,
        "Tilted bowl with ripples: unique minimum near (1, 2), local traps on the way.",
    ),
    Preset(
        "Bowl",
        "x^2 + 3y^2",
        ViewRange(-3, 3, -3, 3),
        ((2.0, 1.5),),
        0.05,
        "A convex quadratic: GD converges for η < 1/3 and diverges above.",
    ),
    Preset(
        "Narrow valley",
        "x^2 + 25y^2",
        ViewRange(-3, 3, -2, 2),
        ((-2.5, 1.0),),
        0.035,
        "Ill-conditioned: plain GD zig-zags across the valley; momentum helps.",
    ),
    Preset(
        "Rosenbrock",
        "(1-x)^2 + 100(y-x^2)^2",
        ViewRange(-2, 2, -1, 3),
        ((-1.5, 2.0),),
        0.001,
        "The banana valley: easy to find, slow to follow to the minimum at (1, 1).",
    ),
    Preset(
        "Himmelblau",
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        ViewRange(-5, 5, -5, 5),
        ((0.0, 0.0), (-1.0, -1.0), (1.0, -4.0)),
        0.01,
        "Four minima: where you start decides where you end.",
    ),
    Preset(
        "Saddle",
        "x^2 - y^2",
        ViewRange(-3, 3, -3, 3),
        ((2.0, 0.01),),
        0.05,
        "A saddle point at the origin: descent slides away along y.",
    ),
    Preset(
        "sin x + cos y (course page)",
        "sin(x) + cos(y)",
        ViewRange(-1, 3, -1.5, 2.5),
        ((1.0, 0.5),),
        0.1,
        "The gradient example of the course page, around (1, 0.5).",
    ),
    Preset(
        "Linear regression (paper)",
        "0.5x^2 + 4.2508y^2 - 1.006x - 16.978y + 17.464",
        ViewRange(-4, 5, -3, 5),
        ((-3.0, -2.0),),
        0.01,
        "Mean squared error J(θ₀, θ₁) of the paper's case study, y = 1 + 2x + ε on "
        "[-5, 5]: x is θ₀, y is θ₁; the minimum is near (1, 2).",
    ),
)

DEFAULT_PRESET = PRESETS[0]


def preset_named(name: str) -> Preset:
    """The preset called ``name``; raises KeyError listing the known names."""
    for preset in PRESETS:
        if preset.name == name:
            return preset
    raise KeyError(f"unknown preset {name!r}; known: {', '.join(p.name for p in PRESETS)}")
