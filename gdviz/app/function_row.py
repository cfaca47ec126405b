"""The row above the map: "f(x, y) =" and the function box, then the presets.

The function box always shows at least MIN_CHARS characters (the docks beside the map
give way): when the window is too narrow for both at the text size in use, the presets
move to a row of their own.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

MIN_CHARS = 40  # characters of a typed function visible at once


class FunctionRow(QWidget):
    """The function box and the preset choice, on one row or two."""

    def __init__(self, edit: QLineEdit, presets: QComboBox) -> None:
        super().__init__(objectName="functionRow")
        self.edit, self.presets = edit, presets
        self.preset_label = QLabel("Preset")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setVerticalSpacing(4)
        self.grid.addWidget(QLabel("<b>f(x, y) =</b>"), 0, 0)
        self.grid.addWidget(edit, 0, 1)
        self.two_rows = None
        self._place(False)

    def edit_min_width(self) -> int:
        """Pixels the box needs to show MIN_CHARS characters and its clear button."""
        metrics = QFontMetrics(self.edit.font())
        return metrics.averageCharWidth() * MIN_CHARS + metrics.height() + 16

    def _place(self, two_rows: bool) -> None:
        if two_rows == self.two_rows:
            return
        self.two_rows = two_rows
        for widget in (self.preset_label, self.presets):
            self.grid.removeWidget(widget)
        row, column = (1, 0) if two_rows else (0, 2)
        self.grid.addWidget(self.preset_label, row, column)
        self.grid.addWidget(self.presets, row, column + 1, 1, 3 if two_rows else 1)
        self.grid.setColumnStretch(1, 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as the two-row arrangement allows, whichever is shown: the window
        never grows for the presets, they move under the box instead."""
        hint = super().minimumSizeHint()
        label = self.grid.itemAtPosition(0, 0).widget().minimumSizeHint().width()
        presets = (self.preset_label.minimumSizeHint().width()
                   + self.presets.minimumSizeHint().width())
        spacing = 2 * max(self.grid.horizontalSpacing(), 6)
        return QSize(max(label + self.edit_min_width(), presets) + spacing, hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit()  # a larger text size may need the second row

    def fit(self) -> None:
        """Two rows if one would leave the function box fewer than MIN_CHARS characters."""
        self.edit.setMinimumWidth(self.edit_min_width())  # the map gives way, never the box
        label = self.grid.itemAtPosition(0, 0).widget().sizeHint().width()
        beside = self.preset_label.sizeHint().width() + self.presets.sizeHint().width()
        spacing = 3 * max(self.grid.horizontalSpacing(), 6)
        self._place(label + self.edit_min_width() + beside + spacing > self.width())
