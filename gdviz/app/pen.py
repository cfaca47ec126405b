"""View → Pen (D) and Clear drawing (C): the lecturer draws on the map while talking.

The strokes (gdviz/app/views/annotation.py) are marks on the picture, not part of the
lesson: runs, starts, the controller and the undo history never see them, and playing
goes on while drawing. They stay while runs restart, starts move or the map is panned or
zoomed (they are in data coordinates), and go with C or when another function, preset or
lesson is loaded: they marked the features of the old one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject


class PenActions(QObject):
    """The pen's two actions in a menu of ``menus`` (a WindowMenus), and when to clear."""

    def __init__(self, menus, menu) -> None:
        super().__init__(menus)
        window = menus.window
        self.window = window
        self.view = window.contour
        self.pen_action = menus._add(menu, "Pe&n (draw on the map)", self.set_pen, "D",
                                     "penAction", checkable=True)
        self.pen_action.setToolTip("Drag on the map to draw (Shift-drag draws any time)")
        self.clear_action = menus._add(menu, "Clear drawing", self.clear, "C",
                                       "clearPenAction")
        controller = window.controller
        self._function = controller.text
        controller.sigFunctionAccepted.connect(self._on_function)
        controller.sigSceneChanged.connect(self._on_scene)

    def set_pen(self, on: bool) -> None:
        self.view.set_pen(on)
        self.window.context.sigMessage.emit(
            "Pen on: drag on the map to draw, C clears, D puts the pen away" if on
            else "Pen off (Shift-drag still draws)")

    def clear(self) -> None:
        self.view.annotation.clear()

    def _on_function(self, text: str) -> None:
        if text != self._function:
            self._function = text
            self.clear()

    def _on_scene(self, label: str) -> None:
        if label.startswith(("preset ", "lesson")):  # loaded anew, even the same function
            self.clear()
