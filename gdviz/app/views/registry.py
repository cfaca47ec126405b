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
)


def spec_named(name: str) -> ViewSpec:
    """The row called ``name``; raises KeyError listing the known names."""
    for spec in VIEWS:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown view {name!r}; known: {', '.join(s.name for s in VIEWS)}")
