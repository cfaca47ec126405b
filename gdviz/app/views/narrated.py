"""The narrated step: one step of the first run told in three stages, on the map and in words.

1. the gradient at the point (its arrow drawn at the point),
2. the step the method takes (−η∇f for gradient descent; the method's own step otherwise),
3. the new point and how f changed; the next "Next ›" takes the step and starts again.

While the panel is shown it also draws on the contour map (arrows, points and labels on
``context.contour``'s plot); hidden, it takes them off the map again.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.app.views.contour import ARROW_HEAD, arrow_lines, visible_scale
from gdviz.core.narration import StepSnapshot, num, snapshot, stage_captions, unit
from gdviz.core.optimizers import get_optimizer

STAGES = 3
MAX_GRADIENT_LENGTH = 0.35  # the ∇f arrow is drawn at most this fraction of the view long
MIN_GRADIENT_LENGTH = 0.08  # ... and, shortened to stay in the view, at least this
STAGE_SCALE = 1.3  # stage captions are this much larger than the application's text
NEXT_KEY = "."
GRADIENT_COLOUR = "#FFFFFF"
OUTLINE = (0, 0, 0, 200)
HIGHLIGHT = "#E69F00"  # the current stage's bar (Okabe–Ito orange)
MUTED = {"light": "#555555", "dark": "#b4b4b4"}
class _Arrow:
    """An arrow on the map: a dark outline under a coloured shaft, readable on any colours."""

    def __init__(self, colour: str, width: float = 3.5) -> None:
        self.outline = pg.PlotCurveItem(pen=pg.mkPen(OUTLINE, width=width + 3), connect="finite")
        self.fill = pg.PlotCurveItem(pen=pg.mkPen(colour, width=width), connect="finite")
        self.outline.setZValue(25)
        self.fill.setZValue(26)
        self.items = (self.outline, self.fill)

    def set(self, tail: np.ndarray, tip: np.ndarray, head: float) -> None:
        lines = arrow_lines(tail[None], tip[None], head)
        for item in self.items:
            item.setData(lines[:, 0], lines[:, 1]) if len(lines) else item.setData([], [])

    def tip(self) -> np.ndarray:
        """Where the arrow ends (for tests): the second vertex of its shaft."""
        x, y = self.fill.getData()
        return np.array([x[1], y[1]]) if x is not None and len(x) > 1 else np.full(2, np.nan)


class NarratedStepView(PanelView):
    """One step told in three stages; Next › (or ".") moves on and finally takes the step."""

    def __init__(self, context: ViewContext, parent=None) -> None:
        super().__init__(context, parent)
        self.stage = 1
        self.snap: StepSnapshot | None = None
        self.gradient_scale = 1.0  # the ∇f arrow is drawn this many times its true length
        self.step_scale = 1.0  # and the step's arrow this many times
        self.theme = context.theme
        self._label_points = self.font().pointSize()
        self._drawn: tuple | None = None  # what the panel and the map items show
        self.header = QLabel(objectName="narratedHeader")
        self.header.setWordWrap(True)
        self.stage_labels = [QLabel(objectName=f"narratedStage{i + 1}") for i in range(STAGES)]
        self.next_button = QPushButton("Next ›", objectName="narratedNextButton")
        self.next_button.setToolTip(f"Next stage of the step ({NEXT_KEY})")
        self.next_button.clicked.connect(self.next_stage)
        self._build_layout()
        self._build_map_items()
        self.shortcut = QShortcut(QKeySequence(NEXT_KEY), context.contour.window())
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.setEnabled(False)
        self.shortcut.activated.connect(self.next_stage)
        c = self.controller
        c.sigRunsReset.connect(self._on_runs_reset)
        for signal in (context.sigRefresh, c.sigFunctionChanged, c.sigPendingChanged):
            signal.connect(self._on_refresh)
        context.contour.sigViewChanged.connect(self._on_refresh)  # arrow sizes follow zoom
        context.sigTheme.connect(self._on_theme)
        context.sigTextSize.connect(self._on_text_size)
        self._on_text_size(self.font().pointSize())

    def _build_layout(self) -> None:
        body = QWidget(objectName="narratedBody")
        column = QVBoxLayout(body)
        column.setContentsMargins(2, 2, 2, 2)
        column.addWidget(self.header)
        for label in self.stage_labels:
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            column.addWidget(label)
        column.addStretch(1)
        self.scroll = scroll = QScrollArea(objectName="narratedScroll")
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        row = QHBoxLayout()
        self.hint = QLabel(f"or press <b>{NEXT_KEY}</b>", objectName="narratedHint")
        row.addWidget(self.hint, 1)
        row.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 4)
        layout.addWidget(scroll, 1)
        layout.addLayout(row)

    def _build_map_items(self) -> None:
        self.gradient_arrow = _Arrow(GRADIENT_COLOUR)
        self.step_arrow = _Arrow(style.run_colour(0), width=4)
        self.points = pg.ScatterPlotItem(size=16, pen=pg.mkPen("w", width=2.5))
        self.points.setZValue(27)
        self.labels = {name: pg.TextItem(anchor=anchor, color="w", fill=(0, 0, 0, 150))
                       for name, anchor in (("point", (1.1, 1.1)), ("gradient", (0, 1)),
                                            ("step", (0, 0)), ("new", (-0.1, -0.1)))}
        for label in self.labels.values():
            label.setZValue(28)
        self.map_items = [*self.gradient_arrow.items, *self.step_arrow.items, self.points,
                          *self.labels.values()]

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Room for the header and three stages when the dock column has it (not a minimum)."""
        line = QFontMetrics(self.stage_labels[0].font()).lineSpacing()
        return QSize(360, 9 * line + 4 * self.fontMetrics().lineSpacing())

    # -- activity ---------------------------------------------------------------------------
    def set_active(self, on: bool) -> None:
        """Put the map items on the map (or take them off) and enable the "." key."""
        plot = self.context.contour.getPlotItem()
        for item in self.map_items:
            if on and item.scene() is None:
                plot.addItem(item, ignoreBounds=True)
            elif not on and item.scene() is not None:
                plot.removeItem(item)
        # The map's own arrows and labels would sit on this view's: it draws them itself.
        self.context.contour.lend_arrows(on)
        self.context.sigRedrawRuns.emit()
        self.shortcut.setEnabled(on)
        super().set_active(on)

    def _on_runs_reset(self) -> None:
        self.snap = None
        self._on_refresh()

    def _on_refresh(self, *_) -> None:
        if self.active:
            self.refresh()

    def _on_theme(self, name: str) -> None:
        self.theme = name
        if self.active:
            self._draw()

    def _on_text_size(self, points: int) -> None:
        big = QFont(self.font())
        big.setPointSize(round(points * STAGE_SCALE))
        for label in self.stage_labels:
            label.setFont(big)
        head = QFont(self.font())
        head.setPointSize(points)
        self.header.setFont(head)
        self.next_button.setFont(big)
        self._label_points = points
        if self.active:
            self._draw()

    # -- the stages -------------------------------------------------------------------------
    def _first_run(self) -> tuple[Any, Any] | tuple[None, None]:
        c = self.controller
        if c.preparing or c.session is None or not c.groups:
            return None, None
        return c.session, c.groups[0]

    @guarded("the narrated step")
    def refresh(self) -> None:
        """Follow the run: a step taken elsewhere (or new settings) starts again at stage 1."""
        session, group = self._first_run()
        if group is None:
            self.snap = None
        elif self.snap is None or self.snap.key != (id(session), id(group), group.ticks,
                                                     group.settings):
            self.snap = snapshot(session, group)
            self.stage = 1
        if self._signature() != self._drawn:
            self._draw()  # only when something shown changed: frames while playing stay cheap

    def _signature(self) -> tuple:
        view = self.context.contour.getPlotItem().getViewBox().viewRange()
        return (None if self.snap is None else self.snap.key, self.stage, self.theme,
                self._label_points, self.controller.preparing, tuple(map(tuple, view)))

    @guarded("the narrated step")
    def next_stage(self) -> None:
        """Show the next stage; after the third, take the step and start again."""
        if not self.active:
            return
        if self.controller.playing:
            self.controller.pause()
        self.refresh()
        if self.snap is None:
            return
        if self.stage < STAGES:
            self.stage += 1
            self._draw()
            return
        if not self.snap.running:
            return  # the run has stopped: the header says why
        self.controller.step()  # the window then refreshes every panel, this one too
        self.refresh()
        self.stage = 1
        self._draw()

    # -- drawing ----------------------------------------------------------------------------
    def _draw(self) -> None:
        self._drawn = self._signature()
        s = self.snap
        if s is None:
            self.header.setText(self._waiting_text())
            for label in self.stage_labels:
                label.hide()
            self._draw_map()
            self.next_button.setEnabled(False)
            return
        title = html.escape(get_optimizer(s.optimizer).title)
        runs = f" · run 1 of {s.runs}" if s.runs > 1 else ""
        head = f"<b>Step t = {s.step} → {s.step + 1}</b> · {title}, η = {num(s.lr)}{runs}"
        if not s.running:
            head += f"<br><i>{html.escape(s.message)}</i>"
        self.header.setText(head)
        self.gradient_scale = self._gradient_scale(s.point, s.grad)
        self.step_scale = visible_scale(s.delta, MIN_GRADIENT_LENGTH * min(self._view_size()))
        muted = MUTED[self.theme]
        captions = stage_captions(s, self.gradient_scale, self.step_scale)
        for index, (label, text) in enumerate(zip(self.stage_labels, captions, strict=True)):
            label.setVisible(index < self.stage)
            current = index == self.stage - 1
            label.setText(text)
            bar, colour = (HIGHLIGHT, "") if current else ("transparent", f"color: {muted};")
            label.setStyleSheet(f"QLabel {{ border: none; border-left: 5px solid {bar}; "
                                f"padding-left: 6px; {colour} }}")
        last = self.stage == STAGES
        self.next_button.setText("Take the step ›" if last else "Next ›")
        self.next_button.setEnabled(s.running or not last)
        QTimer.singleShot(0, self._scroll_to_stage)  # once the new caption is laid out
        self._draw_map()

    def _scroll_to_stage(self) -> None:
        if self.snap is not None:
            self.scroll.ensureWidgetVisible(self.stage_labels[self.stage - 1], 0, 4)

    def _waiting_text(self) -> str:
        c = self.controller
        if c.preparing:
            return "Preparing the gradient…"
        return "Click the map to choose a start point; its first step is told here."

    def _view_size(self) -> tuple[float, float]:
        (x0, x1), (y0, y1) = self.context.contour.getPlotItem().getViewBox().viewRange()
        return float(x1 - x0), float(y1 - y0)

    def _gradient_scale(self, point: np.ndarray, grad: np.ndarray) -> float:
        """1, or less when the true ∇f arrow would be long or leave the map's view, or
        more when it would be too short to see (its caption states the scale)."""
        norm = float(np.hypot(*grad))
        if not np.isfinite(norm) or norm == 0:
            return 1.0
        (x0, x1), (y0, y1) = self.context.contour.getPlotItem().getViewBox().viewRange()
        short = min(x1 - x0, y1 - y0)
        longest = MAX_GRADIENT_LENGTH * short
        u = grad / norm
        inset = 0.06 * short  # the tip stays this far inside the view (its label too)
        for lo, hi, p, d in ((x0, x1, point[0], u[0]), (y0, y1, point[1], u[1])):
            if d > 0:
                longest = min(longest, (hi - inset - p) / d)
            elif d < 0:
                longest = min(longest, (lo + inset - p) / d)
        longest = max(longest, MIN_GRADIENT_LENGTH * short)  # a point at the edge
        return min(max(1.0, MIN_GRADIENT_LENGTH * short / norm), longest / norm)  # seen

    def _draw_map(self) -> None:
        s = self.snap
        on = s is not None
        stage = self.stage if on else 0
        head = ARROW_HEAD * self._view_size()[0]
        if on:
            self.gradient_arrow.set(s.point, s.point + self.gradient_scale * s.grad, head)
            self.step_arrow.set(s.point, s.point + self.step_scale * s.delta, head)
            shown = [s.point, s.next_point] if stage >= 3 else [s.point]
            colours = ["#000000", style.run_colour(0)][: len(shown)]
            self.points.setData(pos=np.array(shown), brush=[pg.mkBrush(c) for c in colours])
        for item in self.gradient_arrow.items:
            item.setVisible(stage >= 1)
        for item in self.step_arrow.items:
            item.setVisible(stage >= 2)
        self.points.setVisible(on)
        self._draw_labels(s, stage)

    def _draw_labels(self, s: StepSnapshot | None, stage: int) -> None:
        """Labels beside the points and arrows, on the side away from the arrows."""
        needs = {"point": 1, "gradient": 1, "step": 2, "new": 3}
        for name, label in self.labels.items():
            label.setVisible(s is not None and stage >= needs[name])
        if s is None:
            return
        css = f"font-size: {self._label_points + 1}pt; font-weight: bold;"
        step_name = "Δx = −η∇f" if s.optimizer == "gd" else "Δx"
        gradient_tip = s.point + self.gradient_scale * s.grad
        along = unit(s.grad)
        side = np.array([-along[1], along[0]])  # perpendicular to ∇f
        places = {"point": ("x<sub>t</sub>", s.point, side),
                  "gradient": ("∇f", gradient_tip, along),
                  "step": (step_name, s.point + self.step_scale * s.delta / 2, -side),
                  "new": ("x<sub>t+1</sub>", s.next_point, unit(s.delta))}
        for name, (text, where, direction) in places.items():
            label = self.labels[name]
            if stage < needs[name] or not np.isfinite(where).all():
                label.setVisible(False)
                continue
            label.setHtml(f'<span style="{css}">{text}</span>')
            label.setAnchor(self._anchor(label, where, direction))
            label.setPos(float(where[0]), float(where[1]))

    def _anchor(self, label: pg.TextItem, where: np.ndarray,
                direction: np.ndarray) -> tuple[float, float]:
        """A TextItem anchor that puts the text beside ``where`` towards ``direction``,
        flipped to the other side where it would run off the view."""
        ax, ay = 0.5 - 0.8 * direction[0], 0.5 + 0.8 * direction[1]
        box = self.context.contour.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = box.viewRange()
        px, py = box.viewPixelSize()
        size = label.textItem.boundingRect()
        width, height = size.width() * px, size.height() * py  # in data units
        if where[0] + (1 - ax) * width > x1:
            ax = max(ax, 1.05)
        elif where[0] - ax * width < x0:
            ax = min(ax, -0.05)
        if where[1] + ay * height > y1:  # anchor y = 1 puts the text above the point
            ay = min(ay, -0.05)
        elif where[1] - (1 - ay) * height < y0:
            ay = max(ay, 1.05)
        return ax, ay

