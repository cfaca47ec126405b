"""The maths panel: f, its exact partial derivatives and (on request) the Hessian."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy

from gdviz.app.crash import guarded
from gdviz.app.views.base import PanelView, ViewContext


class MathsPanel(PanelView):
    """Typeset f, ∂f/∂x, ∂f/∂y; the Hessian is computed only when asked for."""

    fits = True  # its dock takes the height of the formulas (see ViewManager.fit_forms)

    sigHessianRequested = Signal()

    def __init__(self, context: ViewContext, parent=None) -> None:
        super().__init__(context, parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        self.label = QLabel(objectName="mathsLabel")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hessian_button = QPushButton("Hessian", objectName="hessianButton")
        self.hessian_button.setCheckable(True)
        self.hessian_button.toggled.connect(self._on_hessian_toggled)
        self.hessian_label = QLabel(objectName="hessianLabel")
        self.hessian_label.setTextFormat(Qt.TextFormat.RichText)
        self.hessian_label.setWordWrap(True)
        self.hessian_label.hide()
        layout.addWidget(self.label, 0, 0)
        layout.addWidget(self.hessian_label, 2, 0, 1, 2)
        layout.setColumnStretch(0, 1)
        self._button_beside: bool | None = None
        self._place_button(True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        c = self.controller
        c.sigFunctionAccepted.connect(lambda _: self.show_pending())
        c.sigFunctionChanged.connect(lambda objective: self.show_maths(objective.math_html()))
        self.sigHessianRequested.connect(self._on_hessian_requested)
        self.refresh()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Tall enough for the wrapped formulas at the panel's present width."""
        hint = super().sizeHint()
        if self.width() < 50:  # not laid out yet
            return hint
        # (plus a line: the docks settle their widths after the height is asked for)
        spare = self.fontMetrics().lineSpacing()
        return QSize(hint.width(), self.layout().heightForWidth(self.width()) + spare)

    def _place_button(self, beside: bool) -> None:
        """The Hessian button beside the formulas, or under them when the panel is too
        narrow for both (a lecture text size): the formulas keep the whole width."""
        if beside == self._button_beside:
            return
        self._button_beside = beside
        layout = self.layout()
        layout.removeWidget(self.hessian_button)
        if beside:
            layout.addWidget(self.hessian_button, 0, 1, Qt.AlignmentFlag.AlignTop)
        else:
            layout.addWidget(self.hessian_button, 1, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)

    def _fit_button(self) -> None:
        document = QTextDocument()
        document.setDefaultFont(self.label.font())
        document.setHtml(self.label.text())
        room = self.width() - self.hessian_button.sizeHint().width() - 16
        self._place_button(document.idealWidth() <= room)

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_button()  # another text size: the formulas' width changed

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_button()
            self.updateGeometry()  # the formulas wrap anew: a new height

    def refresh(self) -> None:
        objective = self.controller.objective
        if objective is None:
            self.show_pending()
        else:
            self.show_maths(objective.math_html())

    def _on_hessian_requested(self) -> None:
        objective = self.controller.objective
        if objective is not None:
            self.show_hessian(objective.hessian_html())

    def show_pending(self) -> None:
        self.label.setText("<i>finding the derivatives…</i>")
        self.hessian_label.clear()

    @guarded("the maths panel")
    def show_maths(self, parts: dict[str, str]) -> None:
        """Show HTML for the keys f, dfdx and dfdy."""
        rows = [("f(x, y)", parts["f"]), ("∂f/∂x", parts["dfdx"]), ("∂f/∂y", parts["dfdy"])]
        body = "".join(
            f"<tr><td style='padding-right:10px'><b>{name}</b></td><td>=&nbsp;{html}</td></tr>"
            for name, html in rows
        )
        self.label.setText(f"<table style='font-size:large'>{body}</table>")
        self._fit_button()
        self.hessian_label.clear()
        if self.hessian_button.isChecked():
            self.sigHessianRequested.emit()

    @guarded("the maths panel")
    def show_hessian(self, html: str) -> None:
        self.hessian_label.setText(f"<div><b>Hessian</b> {html}</div>")

    def _on_hessian_toggled(self, on: bool) -> None:
        self.hessian_label.setVisible(on)
        if on:
            self.sigHessianRequested.emit()
