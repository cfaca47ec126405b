"""The status text: where each run is, its f and ‖∇f‖, and why it stopped."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.core.optimizers import get_optimizer

MAX_LINES = 8  # runs listed one per line; the rest are counted
DETAILED_RUNS = 3  # up to this many runs, each gets a second line with x_t and ∇f


def status_lines(groups, colours: list[str]) -> list[str]:
    """One rich-text line (or two) per run: method, t, f, ‖∇f‖ and its stop message."""
    runs = [(group, row) for group in groups for row in range(group.size)]
    detailed = len(runs) <= DETAILED_RUNS
    lines = []
    for index, (group, row) in enumerate(runs[:MAX_LINES]):
        title = html.escape(get_optimizer(group.settings.optimizer).title)
        x, y = group.points[row]
        gx, gy = group.grads[row]
        colour = colours[index] if index < len(colours) else "#888888"
        swatch = f"<span style='color:{colour}'>■</span>"
        message = html.escape(group.message(row))
        head = (f"{swatch} <b>{title}</b> t = {int(group.steps[row])}, "
                f"f = {group.values[row]:.6g}, ‖∇f‖ = {np.hypot(gx, gy):.3g}")
        if detailed:
            lines.append(f"{head}<br>&nbsp;&nbsp;&nbsp;x<sub>t</sub> = ({x:.5g}, {y:.5g}), "
                         f"∇f = ({gx:.4g}, {gy:.4g}) — <i>{message}</i>")
        else:
            lines.append(f"{head} — <i>{message}</i>")
    if len(runs) > MAX_LINES:
        lines.append(f"… and {len(runs) - MAX_LINES} more runs")
    return lines


class StatusView(PanelView):
    """Rich text under the controls; long explanations wrap and scroll, never clip."""

    def __init__(self, context: ViewContext, parent=None) -> None:
        super().__init__(context, parent)
        self.label = QLabel(objectName="statusLabel")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scroll = scroll = QScrollArea(objectName="statusScroll")
        scroll.setWidget(self.label)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(66)  # three lines; more scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(scroll)
        c = self.controller
        context.sigRefresh.connect(self._on_refresh)
        for signal in (c.sigRunsReset, c.sigPendingChanged, c.sigFunctionChanged):
            signal.connect(self._on_refresh)

    def _on_refresh(self, *_) -> None:
        if self.active:
            self.refresh()

    @guarded("the status text")
    def refresh(self) -> None:
        c = self.controller
        if c.preparing or not c.groups:
            self._show(self._waiting_text())
        else:
            self._show("<br>".join(status_lines(c.groups, style.run_colours(c.groups))))

    def _show(self, text: str) -> None:
        if text != self.label.text():
            self.label.setText(text)
            self._fit()

    def _fit(self) -> None:
        """A scroll area does not ask a wrapped label its height: tell it, so it scrolls."""
        width = self.scroll.viewport().width()
        self.label.setMinimumHeight(self.label.heightForWidth(width))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit()

    def _waiting_text(self) -> str:
        c = self.controller
        if not c.preparing and c.objective is not None:
            return "Click the map to choose a start point."
        text = "Preparing the gradient…"
        if c.queued_play:
            text += " <b>▶ Play</b> starts as soon as it is ready."
        elif c.queued_steps:
            count = c.queued_steps
            text += f" {count} step{'s' if count > 1 else ''} will be taken as soon as it is ready."
        return text
