"""The status text: where each run is, its f and ‖∇f‖, and why it stopped."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout

from gdviz.app import style
from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext
from gdviz.core.optimizers import get_optimizer

MAX_LINES = 8  # runs listed one per line; the rest are counted
SHOWN_LINES = 4  # the panel keeps room for this many runs (more scroll)
ROOMY_POINTS = 20  # up to this text size it insists on them (1280×720 has room)


@dataclass(frozen=True)
class RunLine:
    """What the status says of one run, in plain text (escaped when shown)."""

    colour: str
    title: str  # the method
    short_title: str  # its abbreviation, for a narrow panel
    numbers: str  # t, f, ‖∇f‖
    message: str  # why it stopped, or "Running."
    where: str  # x_t and ∇f (in the tooltip)


SHORT_TITLES = {"gd": "GD", "qhm": "QHM", "newton": "Newton", "linesearch": "Line search"}


def run_lines(groups, colours: list[str]) -> list[RunLine]:
    """One :class:`RunLine` per run, in the order of the map's runs (at most MAX_LINES)."""
    runs = [(group, row) for group in groups for row in range(group.size)]
    lines = []
    for index, (group, row) in enumerate(runs[:MAX_LINES]):
        x, y = group.points[row]
        gx, gy = group.grads[row]
        lines.append(RunLine(
            colours[index] if index < len(colours) else "#888888",
            get_optimizer(group.settings.optimizer).title,
            SHORT_TITLES.get(group.settings.optimizer,
                             get_optimizer(group.settings.optimizer).title),
            f"t = {int(group.steps[row])}, f = {group.values[row]:.5g}, "
            f"‖∇f‖ = {np.hypot(gx, gy):.2g}",
            group.message(row), f"x = ({x:.5g}, {y:.5g}), ∇f = ({gx:.4g}, {gy:.4g})"))
    return lines


def fitted_line(line: RunLine, width: float, font: QFont) -> str:
    """The run's line as rich text on one line of ``width`` pixels. What gives way
    first: the message's explanation (its headline stays: "Converged at step 88"),
    then ‖∇f‖, then the message, then the method's full name (GD for Gradient descent),
    then the end of its short name."""
    plain, bold = QFontMetricsF(font), QFontMetricsF(_bold(font))
    headline = re.split(r"[:.;(]", line.message)[0].strip()
    short = line.numbers.rsplit(", ‖∇f‖", 1)[0]
    for title in dict.fromkeys((line.title, line.short_title)):  # the full name first
        title_width = plain.horizontalAdvance("■ ") + bold.horizontalAdvance(title + " ")
        for numbers, message in ((line.numbers, line.message), (line.numbers, headline),
                                 (short, headline), (short, "")):
            tail = f" — {message}" if message else ""
            if title_width + plain.horizontalAdvance(numbers + tail) <= width:
                return _rich(line.colour, title, numbers, message)
    spare = width - plain.horizontalAdvance("■ " + short) - bold.horizontalAdvance(" ")
    title = bold.elidedText(line.short_title, Qt.TextElideMode.ElideRight, max(spare, 0))
    return _rich(line.colour, title, short, "")


def _rich(colour: str, title: str, numbers: str, message: str) -> str:
    text = (f"<span style='color:{colour}'>■</span> <b>{html.escape(title)}</b> "
            f"{html.escape(numbers)}")
    return text + (f" — <i>{html.escape(message)}</i>" if message else "")


def status_lines(groups, colours: list[str]) -> list[str]:
    """Every run's whole line (no width limit), and x_t, ∇f: the status's tooltip."""
    lines = [_rich(line.colour, line.title, line.numbers, line.message)
             + f"<br>&nbsp;&nbsp;&nbsp;{html.escape(line.where)}"
             for line in run_lines(groups, colours)]
    return lines + _more(groups)


def _more(groups) -> list[str]:
    count = sum(group.size for group in groups)
    return [f"… and {count - MAX_LINES} more runs"] if count > MAX_LINES else []


def _bold(font: QFont) -> QFont:
    font = QFont(font)
    font.setBold(True)
    return font


class StatusView(PanelView):
    """One line per run under the controls, fitted to the width (the whole text and
    where each run is are in the tooltip); more runs than fit scroll, never clip."""

    fits = True  # its dock takes room for SHOWN_LINES runs (see ViewManager.fit_forms)

    def __init__(self, context: ViewContext, parent=None) -> None:
        super().__init__(context, parent)
        self.label = QLabel(objectName="statusLabel")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scroll = scroll = QScrollArea(objectName="statusScroll")
        scroll.setWidget(self.label)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
            self._show(self._waiting_text(), wrap=True)
            return
        colours = style.run_colours(c.groups)
        # hidden, it has no width yet: whole lines, fitted once shown (resizeEvent)
        width = self.scroll.viewport().width() - 2 if self.isVisible() else float("inf")
        font = self.label.font()
        lines = [fitted_line(line, width, font) for line in run_lines(c.groups, colours)]
        self._keep_room()
        self._show("<br>".join(lines + _more(c.groups)), wrap=False,
                   tooltip="<br>".join(status_lines(c.groups, colours)))

    def _show(self, text: str, wrap: bool, tooltip: str = "") -> None:
        """One line per run (never wrapped: each is fitted to the width); a waiting
        sentence wraps."""
        if text != self.label.text() or wrap != self.label.wordWrap():
            self.label.setWordWrap(wrap)
            self.label.setText(text)
            self._fit()
        self.label.setToolTip(tooltip)

    def _fit(self) -> None:
        """A scroll area does not ask a wrapped label its height: tell it, so it scrolls."""
        width = self.scroll.viewport().width()
        self.label.setMinimumHeight(self.label.heightForWidth(width) if self.label.wordWrap()
                                    else self.label.sizeHint().height())

    def lines_height(self, count: int) -> int:
        """Pixels of ``count`` run lines (rich lines with ■ and bold are taller)."""
        sample = QLabel("<br>".join([_rich("#000", "Adam", "t = 1", "")] * count))
        sample.setFont(self.label.font())
        return sample.sizeHint().height()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        """Room for SHOWN_LINES runs, one line each."""
        margins = self.layout().contentsMargins()
        return QSize(super().sizeHint().width(), self.lines_height(SHOWN_LINES)
                     + margins.top() + margins.bottom() + 6)

    def _keep_room(self) -> None:
        """Never fewer than SHOWN_LINES runs in sight (or all of them, if fewer)."""
        runs = sum(group.size for group in self.controller.groups)
        lines = min(runs, SHOWN_LINES) if self.label.fontInfo().pointSize() <= ROOMY_POINTS \
            else 2  # 24 pt at 1280×720: the formulas need the height (more scroll)
        self.scroll.setMinimumHeight(self.lines_height(max(2, lines)) + 2)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._on_refresh()  # the lines are fitted to the width
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
