"""The runs on the map: paths, starts, legend and arrows follow every step."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject

from gdviz.app import style
from gdviz.app.views.base import ViewContext
from gdviz.app.views.contour import RunFrame
from gdviz.core.runs import RUNNING, RunGroup, legend_rows


def run_frames(group: RunGroup) -> list[RunFrame]:
    """What the map draws of each run of ``group``: path, ∇f and the next step explained."""
    proposed, info = group.proposed_step()
    lr = group.settings.schedule.lr_at(group.settings.lr, group.steps)
    frames = []
    for row in range(group.size):
        with np.errstate(all="ignore"):  # a diverging run's buffers may overflow: drawn as is
            momentum = None if info.velocity is None else -lr[row] * info.velocity[row]
            adaptive = None if info.effective_lr is None else info.effective_lr[row] / lr[row]
        frames.append(RunFrame(group.path(row), group.grads[row], proposed[row],
                               bool(group.status[row] == RUNNING), momentum, adaptive))
    return frames


class MapRuns(QObject):
    """Redraws the runs on the contour map at every step; asks panels to follow."""

    def __init__(self, context: ViewContext, refresh_soon, refresh_now) -> None:
        super().__init__(context)
        self.context = context
        self._refresh_soon = refresh_soon
        self._refresh_now = refresh_now
        c = context.controller
        c.sigRunsReset.connect(self.on_runs_reset)
        c.sigStepped.connect(self.on_stepped)
        context.sigRedrawRuns.connect(self.on_stepped)

    def on_runs_reset(self) -> None:
        groups = self.context.controller.groups
        starts = [tuple(p) for g in groups for p in g.column("points")[0]]
        self.context.contour.set_runs(starts, style.run_colours(groups), legend_rows(groups))
        self.on_stepped()

    def on_stepped(self) -> None:
        """Redraw paths and arrows now; the panels follow at most 20 times a second."""
        c = self.context.controller
        groups = c.groups
        if groups and self.context.contour.run_count == sum(g.size for g in groups):
            self.context.contour.update_runs([f for g in groups for f in run_frames(g)])
        if c.playing:
            self._refresh_soon()
        else:
            self._refresh_now()
