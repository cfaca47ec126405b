"""What every pluggable view is given and what it must offer.

A view is built lazily, the first time it is shown, from one row of the window's table
of views (:mod:`gdviz.app.views.registry`). It is given a :class:`ViewContext` and listens
to the controller's signals itself; the window only shows, hides and lays it out.

Two kinds exist:

* a **panel** (:class:`PanelView`) is a QWidget that the window puts in a dock;
* a **map layer** (:class:`MapLayer`) draws on the contour map (items added to
  ``context.contour``); it has no dock, only a toggle.

Both get ``set_active(on)``: while inactive a view must not draw or compute anything, so
that views nobody looks at cost nothing per frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from gdviz.app.controller import Controller
    from gdviz.app.views.contour import ContourView


class ViewContext(QObject):
    """The controller and the map, plus a throttled 'runs moved' signal for panels.

    ``sigRefresh`` fires at most ~20 times a second while runs play, and once after every
    step taken by hand, reset or step back: panels redraw on it instead of on every tick.
    ``sigTheme`` carries "light" or "dark"; ``sigTextSize`` the application's point size.
    ``theme`` and ``colour_map`` hold the current choices for views built later.
    """

    sigRefresh = Signal()
    sigTheme = Signal(str)
    sigTextSize = Signal(int)
    sigColourMap = Signal(str)  # "viridis" or "cividis"
    sigFlushEdit = Signal()  # apply the function box's text now, if it is being edited
    sigRedrawRuns = Signal()  # redraw the runs on the map now (e.g. an arrow was toggled)
    sigMessage = Signal(str)  # a short message for the window's status bar

    def __init__(self, controller: Controller, contour: ContourView,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.contour = contour
        self.theme = "light"
        self.colour_map = "viridis"


class PanelView(QWidget):
    """A view shown in a dock. Subclasses connect to ``context`` signals in ``__init__``.

    A form-like view sets ``fits = True``: its dock takes the view's size hint when it
    is shown, when the text size or the function changes and when a larger window has
    room for it. With ``scrolls = True`` its dock scrolls it instead of insisting on its
    full size, so the window fits a 1280×720 projector at any text size.
    """

    scrolls = False
    fits = False

    def __init__(self, context: ViewContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = context.controller
        self.active = False

    def set_active(self, on: bool) -> None:
        """Start or stop following the runs; redraw at once when switched on."""
        self.active = on
        if on:
            self.refresh()

    def refresh(self) -> None:
        """Redraw from the controller's current state (called only while active)."""


class MapLayer(QObject):
    """A view drawn on the contour map. Subclasses add their items to ``context.contour``."""

    def __init__(self, context: ViewContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = context.controller
        self.contour = context.contour
        self.active = False

    def set_active(self, on: bool) -> None:
        """Show or hide the layer's items; redraw at once when switched on."""
        self.active = on
        self.set_items_visible(on)
        if on:
            self.refresh()

    def set_items_visible(self, on: bool) -> None:
        """Show or hide every item this layer added to the map."""

    def refresh(self) -> None:
        """Redraw from the controller's current state (called only while active)."""
