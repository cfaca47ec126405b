"""Colours and fonts shared by the views: readable on a projector, safe for colour blindness."""

from __future__ import annotations

# Okabe & Ito's colour-blind-safe palette (black left out: it vanishes on dark contours).
RUN_COLOURS = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow (late: it vanishes on the top of the colour map)
    "#0072B2",  # blue
    "#FFFFFF",  # white
)
GRADIENT_COLOUR = "#FFFFFF"
ISOLINE_COLOUR = (255, 255, 255, 110)
COLOUR_MAP = "viridis"  # perceptually uniform
BASE_POINT_SIZE = 11


def run_colour(index: int) -> str:
    """The colour of the run (or race entry) number ``index``."""
    return RUN_COLOURS[index % len(RUN_COLOURS)]


def run_colours(groups) -> list[str]:
    """Colours of the runs of ``groups`` (RunGroups), in order.

    A race colours by method (a method's starts share its colour: "Adam is green"); a
    single method colours by start. So 16 runs never reuse a colour for two meanings.
    """
    methods: list[str] = []
    for group in groups:
        if group.settings.optimizer not in methods:
            methods.append(group.settings.optimizer)
    if len(methods) > 1:
        return [run_colour(methods.index(g.settings.optimizer)) for g in groups
                for _ in range(g.size)]
    return [run_colour(index) for index in range(sum(g.size for g in groups))]
