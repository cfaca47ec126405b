"""Builds the views of the table (registry.VIEWS): docks, map layers, menu and toolbar.

A view's class is imported and built the first time the view is shown; hiding it makes
it inactive (it draws nothing). Which views are shown, and the docks' layout, can be
read and restored as plain data (for lessons and for the settings kept between sessions).
"""

from __future__ import annotations

import base64
import importlib
import sys
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QMenu,
    QScrollArea,
    QStyle,
    QToolBar,
    QWidget,
)

from gdviz.app.crash import report
from gdviz.app.views.base import ViewContext
from gdviz.app.views.registry import VIEWS, ViewSpec

DOCK_AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea,
              "right": Qt.DockWidgetArea.RightDockWidgetArea,
              "bottom": Qt.DockWidgetArea.BottomDockWidgetArea}
REFRESH_MS = 50  # panels follow a live run at most 20 times a second
STATE_VERSION = 1  # of QMainWindow.saveState: a layout saved by another version is ignored


class ScrolledView(QScrollArea):
    """A form-like view that asks for its full size but, when the window is too small
    for it (a large lecture text size at 1280×720), scrolls instead of clipping."""

    def __init__(self, view: QWidget) -> None:
        super().__init__(objectName=f"{view.objectName()}Scroll")
        self.setWidget(view)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(view.sizePolicy())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        return self.widget().sizeHint() + QSize(bar, 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Three lines high (less if the view needs less), six lines wide."""
        three_lines = self.fontMetrics().lineSpacing() * 3
        return QSize(2 * three_lines,
                     min(three_lines, self.widget().minimumSizeHint().height()))


def fitted(view: Any) -> bool:
    """Whether the view's dock is fitted to the view's size hint (forms, formulas)."""
    return getattr(view, "fits", False)  # map layers and unbuilt views (None): no


def load_factory(path: str) -> Any:
    """The class named by "module:Class"."""
    module_name, _, class_name = path.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


class ViewManager(QObject):
    """Owns every view of the table: builds, shows, hides and lays them out."""

    sigShownChanged = Signal(str, bool)  # view name, shown

    def __init__(self, window: QMainWindow, context: ViewContext,
                 specs: tuple[ViewSpec, ...] = VIEWS) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.specs = {spec.name: spec for spec in specs}
        self.views: dict[str, Any] = {}  # built views, by name
        self.docks: dict[str, QDockWidget] = {}
        self._moving = False  # a dock is being moved by the manager itself
        self._shared_at = (0, 0)  # room and height asked when maths and controls became tabs
        self.actions: dict[str, QAction] = {}
        self._placed: set[str] = set()  # docks placed by a restored layout or a first show
        self.toolbar = QToolBar("Views", window, objectName="viewsToolBar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh_now)
        # New text size or new formulas: new heights for the forms.
        context.sigTextSize.connect(lambda _: QTimer.singleShot(0, self.fit_forms))
        context.controller.sigFunctionChanged.connect(
            lambda _: QTimer.singleShot(0, self.fit_forms))
        window.installEventFilter(self)
        for spec in specs:
            self._add_action(spec)
            if spec.area != "map":
                self._add_dock(spec)

    # -- construction --------------------------------------------------------------------
    def _add_action(self, spec: ViewSpec) -> None:
        action = QAction(spec.title, self.window, checkable=True, objectName=f"{spec.name}Action")
        if spec.shortcut:
            action.setShortcut(QKeySequence(spec.shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(f"{spec.tip} ({spec.shortcut})" if spec.shortcut else spec.tip)
        action.toggled.connect(lambda on, name=spec.name: self._on_toggled(name, on))
        self.actions[spec.name] = action
        if spec.toolbar:
            self.toolbar.addAction(action)

    def _add_dock(self, spec: ViewSpec) -> None:
        dock = QDockWidget(spec.title, self.window, objectName=f"{spec.name}Dock")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.window.addDockWidget(DOCK_AREAS[spec.area], dock)
        dock.hide()
        # The dock's own close button (or a restored layout) must untick the toggle.
        dock.visibilityChanged.connect(self._on_dock_visibility)  # dies with the manager
        self.docks[spec.name] = dock

    def _place_first_time(self, name: str) -> None:
        """An extra view shares a tab with a view already shown in its area (the loss
        plot on the right), so no dock is squeezed to nothing at 1280×720."""
        spec = self.specs[name]
        if spec.shown or name in self._placed:
            return
        self._placed.add(name)
        shown = [other for other, dock in self.docks.items()
                 if other != name and self.specs[other].area == spec.area
                 and not dock.isHidden() and not dock.isFloating()]
        if shown:
            self.window.tabifyDockWidget(self.docks[shown[-1]], self.docks[name])

    def fill_menu(self, menu: QMenu) -> None:
        """Add one toggle per view to ``menu`` (the View menu)."""
        for action in self.actions.values():
            menu.addAction(action)

    # -- showing and hiding --------------------------------------------------------------
    def view(self, name: str) -> Any:
        """The view called ``name`` if it was built, else None."""
        return self.views.get(name)

    def build(self, name: str) -> Any:
        """The view called ``name``, built now if need be (its dock stays as it is)."""
        if name not in self.views:
            spec = self.specs[name]
            view = load_factory(spec.factory)(self.context)
            if spec.area != "map":
                view.setObjectName(spec.name)
                self.docks[name].setWidget(ScrolledView(view) if view.scrolls else view)
            self.views[name] = view
        return self.views[name]

    def is_shown(self, name: str) -> bool:
        return self.actions[name].isChecked()

    def shown(self) -> tuple[str, ...]:
        """Names of the views shown, in table order."""
        return tuple(name for name in self.specs if self.is_shown(name))

    def set_shown(self, name: str, on: bool) -> None:
        """Show or hide a view (as its menu toggle does)."""
        self.actions[name].setChecked(on)

    def show_only(self, names: tuple[str, ...] | list[str]) -> None:
        """Show exactly these views (unknown names are ignored)."""
        for name in self.specs:
            self.set_shown(name, name in names)

    def show_defaults(self) -> None:
        self.show_only([name for name, spec in self.specs.items() if spec.shown])

    def _on_toggled(self, name: str, on: bool) -> None:
        try:
            view = self.build(name) if on else self.views.get(name)
        except Exception:  # noqa: BLE001 - a broken view must not take the app down
            report(sys.exc_info(), where=f"the {self.specs[name].title} view",
                   window=self.window)
            self.actions[name].setChecked(False)
            return
        dock = self.docks.get(name)
        if dock is not None and dock.isHidden() == on:
            if on:
                self._place_first_time(name)
            dock.setVisible(on)
            if on:
                dock.raise_()  # its tab to the front (once the window lays it out, too)
                QTimer.singleShot(0, dock.raise_)
        if view is not None and view.active != on:
            view.set_active(on)
        if on and fitted(view):
            QTimer.singleShot(0, self.fit_forms)
        self.sigShownChanged.emit(name, on)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt
        """Once shown, and when a larger window has room for a cramped form, the forms
        get the size they ask for (docks of a window not yet shown cannot be sized)."""
        kind = event.type()
        if kind == QEvent.Type.Show or (kind == QEvent.Type.Resize and self._cramped()):
            QTimer.singleShot(0, self.fit_forms)
        return False

    def _cramped(self) -> bool:
        """Whether a shown, fitted dock is shorter than it asks to be."""
        return any(fitted(self.views.get(name)) and not dock.isHidden()
                   and not dock.isFloating() and dock.height() < dock.sizeHint().height()
                   for name, dock in self.docks.items())

    def fit_forms(self) -> None:
        """Give each shown form-like view (controls, maths) the height it asks for, and
        a scrolling one its width, as far as the window allows."""
        if not self.window.isVisible():
            return  # the Show event fits them
        names = [name for name, view in self.views.items() if fitted(view)
                 and self.is_shown(name) and not self.docks[name].isFloating()]
        if not names:
            return
        docks = [self.docks[name] for name in names]
        for name, dock in zip(names, docks, strict=True):  # size hints of new text, now
            self.views[name].updateGeometry()
            dock.widget().updateGeometry()  # a ScrolledView: its own hint, anew
            dock.layout().invalidate()
        self.window.resizeDocks(docks, [d.sizeHint().height() for d in docks],
                                Qt.Orientation.Vertical)
        QTimer.singleShot(0, self._share_place)  # once the docks have their new heights
        wide = [d for d in docks if isinstance(d.widget(), ScrolledView)]
        if wide:  # the map keeps at least half of the window
            widths = [max(d.width(), min(d.sizeHint().width(), self.window.width() // 2))
                      for d in wide]  # wider if need be, never narrower
            self.window.resizeDocks(wide, widths, Qt.Orientation.Horizontal)

    def _share_place(self) -> None:
        """When the maths panel beside the map cannot have the height its formulas need
        (a lecture text size at 1280×720), the controls step behind it (tabs, the maths
        in front; keys still work); when the window has room for both again, they part."""
        maths, controls = self.docks.get("mathsView"), self.docks.get("controlsView")
        if maths is None or controls is None or not all(
                self.is_shown(n) and not self.docks[n].isFloating()
                for n in ("mathsView", "controlsView")):
            return
        self.window.layout().activate()  # the docks' heights as last asked, applied
        together = controls in self.window.tabifiedDockWidgets(maths)
        room = self.window.centralWidget().height()
        formulas = self.views["mathsView"]
        cut = formulas.height() < formulas.layout().heightForWidth(formulas.width())
        if not together and cut:
            self.window.tabifyDockWidget(controls, maths)
            # they part only when the window grows or the panels shrink (no flicker)
            self._shared_at = (room, self._height_asked(maths))
            QTimer.singleShot(0, maths.raise_)  # once the tab bar exists
            QTimer.singleShot(0, self.fit_forms)
        elif together and (need := self._height_asked(maths)) <= room and (
                room > self._shared_at[0] or need < self._shared_at[1]):
            self._moving = True  # hidden for a moment: not the user closing it
            area = self.window.dockWidgetArea(maths)
            self.window.removeDockWidget(controls)  # out of the tabs (a split would tab it)
            self.window.addDockWidget(area, controls, Qt.Orientation.Vertical)
            self.window.splitDockWidget(maths, controls, Qt.Orientation.Vertical)
            controls.show()
            self._moving = False
            QTimer.singleShot(0, self.fit_forms)

    def _height_asked(self, beside: QDockWidget) -> int:
        """The least the docks in ``beside``'s area need for the maths and the status to
        be whole: their size hints, and the other panels' least heights (forms scroll)."""
        area = self.window.dockWidgetArea(beside)
        return sum(dock.sizeHint().height() if fitted(self.views.get(name))
                   and (dock is beside or not isinstance(dock.widget(), ScrolledView))
                   else dock.minimumSizeHint().height()
                   for name, dock in self.docks.items() if self.is_shown(name)
                   and not dock.isFloating() and self.window.dockWidgetArea(dock) == area)

    def _on_dock_visibility(self, _visible: bool) -> None:
        dock = self.sender()
        try:
            name = dock.objectName().removesuffix("Dock") if dock is not None else ""
            if name in self.docks:
                self._sync_action(name)
        except RuntimeError:
            pass  # the window is being deleted (at exit): nothing to keep in step

    def _sync_action(self, name: str) -> None:
        dock = self.docks[name]
        if self._moving:
            return
        if not self.window.isVisible() or self.window.isMinimized():
            return  # docks report hidden while the window is: not the user's choice
        if dock.isHidden() and self.actions[name].isChecked() and not dock.isFloating():
            self.actions[name].setChecked(False)

    # -- following the runs -----------------------------------------------------------------
    def refresh_soon(self) -> None:
        """Ask the panels to redraw within REFRESH_MS (coalescing many steps into one)."""
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh_now(self) -> None:
        self._refresh_timer.stop()
        self.context.sigRefresh.emit()

    # -- layout as data ------------------------------------------------------------------
    def layout_state(self) -> str:
        """The docks' layout as base64 text (QMainWindow.saveState)."""
        state = self.window.saveState(STATE_VERSION)
        return base64.b64encode(bytes(state.data())).decode("ascii")

    def restore_layout(self, text: str) -> bool:
        """Restore a layout from :meth:`layout_state`; False if it does not fit."""
        try:
            data = base64.b64decode(text.encode("ascii"), validate=True)
        except (ValueError, UnicodeEncodeError):
            return False
        shown = self.shown()
        ok = self.window.restoreState(QByteArray(data), STATE_VERSION)
        if ok:
            self._placed.update(self.docks)  # the layout says where each dock goes
        # restoreState shows and hides docks: the toggles stay the source of truth.
        self.show_only(shown)
        for name in shown:
            dock = self.docks.get(name)
            if dock is not None:
                dock.setVisible(True)
        return bool(ok)
