"""Rows of controls that wrap, so a form never needs a horizontal scroll bar.

At a lecture text size a row such as "Method [Gradient descent] Step limit [1000]" is
wider than the panel beside the map. A :class:`ReflowGrid` puts its cells in as many
equal columns as fit its width, up to the number it was made with: one row when there
is room, two or more when not.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QWidget


def narrow_combo(combo: QComboBox, characters: int = 8) -> None:
    """Let ``combo`` shrink to ``characters`` wide (its list still shows whole names)."""
    combo.setMinimumContentsLength(characters)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)


def cell(*widgets: QWidget, stretch: int | None = None) -> QWidget:
    """Widgets side by side in one cell (a label and its field); ``stretch``: which grows."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        row.addWidget(widget, 1 if index == stretch else 0)
    return box


class ReflowGrid(QWidget):
    """Cells left to right in as many equal columns as fit (at most ``columns``)."""

    def __init__(self, cells: list[QWidget], columns: int, parent: QWidget | None = None,
                 name: str = "") -> None:
        super().__init__(parent, objectName=name)
        self.cells, self.max_columns = cells, columns
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setVerticalSpacing(2)
        self.columns = 0
        self._place(columns)

    def _place(self, columns: int) -> None:
        if columns == self.columns:
            return
        for widget in self.cells:
            self.grid.removeWidget(widget)
        for column in range(self.max_columns):
            self.grid.setColumnStretch(column, 1 if column < columns else 0)
        for index, widget in enumerate(self.cells):
            self.grid.addWidget(widget, index // columns, index % columns)
        self.columns = columns
        self.updateGeometry()

    def cell_width(self) -> int:
        """The widest cell's preferred width: every column is given at least this."""
        return max((widget.sizeHint().width() for widget in self.cells), default=0)

    def fitting_columns(self, width: int) -> int:
        spacing = max(self.grid.horizontalSpacing(), 0)
        per_cell = self.cell_width() + spacing
        return max(1, min(self.max_columns, (width + spacing) // max(per_cell, 1)))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as one column; as high as the rows it has now."""
        narrowest = max((widget.minimumSizeHint().width() for widget in self.cells),
                        default=0)
        return QSize(narrowest, self.grid.minimumSize().height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        spacing = max(self.grid.horizontalSpacing(), 0)
        width = self.max_columns * (self.cell_width() + spacing) - spacing
        return QSize(width, self.grid.sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place(self.fitting_columns(event.size().width()))
