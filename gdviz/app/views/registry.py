"""The table of views: adding a view is one row here plus the view's own file.

The window builds a dock (or a map layer), a View-menu toggle and a toolbar button from
each row; a view's class is imported only when it is first shown.
"""

from __future__ import annotations

from dataclasses import dataclass

AREAS = ("left", "right", "bottom", "map")


@dataclass(frozen=True)
class ViewSpec:
    """One row of the table of views."""

    name: str  # objectName of the view (and of its dock); key in lessons and settings
    title: str  # text of its View-menu entry and toolbar button
    factory: str  # "module:Class", imported when the view is first shown
    area: str  # "left", "right" or "bottom" dock, or "map" (a layer on the contour map)
    shortcut: str = ""  # key that toggles it, e.g. "V"
    shown: bool = False  # shown in the default layout
    tip: str = ""  # one line for the tooltip and the shortcuts dialog
    toolbar: bool = True  # has a toolbar button (besides its View-menu entry)


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("mathsView", "Maths", "gdviz.app.views.maths:MathsPanel", "right", "", True,
             "f and its exact partial derivatives", toolbar=False),
    ViewSpec("controlsView", "Controls", "gdviz.app.views.controls_view:ControlsView",
             "right", "", True, "play, step, learning rate, method and race", toolbar=False),
    ViewSpec("statusView", "Status", "gdviz.app.views.status:StatusView", "right", "", True,
             "where each run is and why it stopped", toolbar=False),
    ViewSpec("lossView", "Loss plot", "gdviz.app.views.loss:LossPanel", "right", "", True,
             "f along each run against the step", toolbar=False),
    # -- lecture views: one row each --
    ViewSpec("surface3dView", "3D surface", "gdviz.app.views.surface3d:SurfaceView", "right",
             "G", False, "f as a mountain with the runs on it; drag to rotate"),
    ViewSpec("sectionsView", "Tangents", "gdviz.app.views.sections:CrossSectionsView",
             "bottom", "T", False, "f along x and along y through the current point, with "
             "tangent lines of slope ∂f/∂x and ∂f/∂y"),
    ViewSpec("taylorView", "Taylor check", "gdviz.app.views.taylor:TaylorView", "bottom", "Y",
             False, "per step: the first-order prediction ∇f·Δx beside the actual change Δf"),
    ViewSpec("gradNormView", "‖∇f‖ plot", "gdviz.app.views.gradnorm:GradNormView", "bottom",
             "K", False, "the gradient's length along each run (log scale by default)"),
    ViewSpec("fieldView", "−∇f field", "gdviz.app.views.field:GradientFieldLayer", "map", "V",
             False, "arrows of −∇f on a coarse grid: where a step would go"),
    ViewSpec("fogView", "Fog", "gdviz.app.views.fog:FogLayer", "map", "F", False,
             "hide the map except a disc around each current point, like a hiker in fog"),
    ViewSpec("wheelView", "Direction wheel", "gdviz.app.views.wheel:DirectionWheelLayer",
             "map", "W", False,
             "D_u f for every direction u around the current point; steepest descent marked"),
    ViewSpec("narratedView", "Narrated step", "gdviz.app.views.narrated:NarratedStepView",
             "right", "N", False, "one step in stages: gradient at the point → scaled step → "
             "new point"),
    ViewSpec("oneDView", "1-D view", "gdviz.app.views.one_d:OneVariableView", "bottom", "O",
             False, "for f of x alone: the curve, its tangent and secants shrinking to it, "
             "and the descent"),
    ViewSpec("regressionView", "Regression", "gdviz.app.views.regression:RegressionView",
             "right", "", False,
             "the paper's case study: fit a line to data; the map is the cost J(θ₀, θ₁)"),
    ViewSpec("sweepView", "η sweep", "gdviz.app.views.sweep_view:SweepView", "bottom", "",
             False, "final loss against the learning rate, 40–100 η at once; click one to "
             "replay it"),
    ViewSpec("basinsView", "Basins", "gdviz.app.views.basins_view:BasinsView", "right", "",
             False, "colour every start by the minimum its descent reaches"),
)


def spec_named(name: str) -> ViewSpec:
    """The row called ``name``; raises KeyError listing the known names."""
    for spec in VIEWS:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown view {name!r}; known: {', '.join(s.name for s in VIEWS)}")
