"""Steering a live demo: drag a start point with a preview, undo and redo (Edit menu)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gdviz.app import style
from gdviz.core.history import Scene, UndoHistory

PREVIEW_STEPS = 100
HISTORY_SHOWN = 10  # entries listed in Edit → History


class StartDragging(QObject):
    """While a start marker is dragged, preview its next steps; on drop, restart there."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self._pending: tuple[int, float, float] | None = None
        self._timer = QTimer(self, singleShot=True, interval=0)  # one preview per frame
        self._timer.timeout.connect(self._draw_preview)
        window.contour.sigStartDragged.connect(self._on_dragged)
        window.contour.sigStartDropped.connect(self._on_dropped)

    def _on_dragged(self, run: int, x: float, y: float) -> None:
        self._pending = (run, x, y)
        if not self._timer.isActive():
            self._timer.start()

    def _draw_preview(self) -> None:
        c = self.window.controller
        if self._pending is None or c.objective is None:
            return
        run, x, y = self._pending
        path = c.preview(run, x, y, PREVIEW_STEPS)
        colours = style.run_colours(c.groups)
        self.window.contour.show_preview(path, colours[run] if run < len(colours) else "w")

    def _on_dropped(self, run: int, x: float, y: float) -> None:
        self._timer.stop()
        self._pending = None
        c = self.window.controller
        c.move_start(c.start_of_run(run), x, y)


class UndoActions(QObject):
    """Edit → Undo / Redo / History over the function, the view and the start points."""

    def __init__(self, window, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.history = UndoHistory()
        self._skip = 0  # scene changes caused by undo itself are not recorded
        self.undo_action = self._add(menu, "&Undo", self.undo, QKeySequence.StandardKey.Undo,
                                     "undoAction")
        self.redo_action = self._add(menu, "&Redo", self.redo, "Ctrl+Shift+Z", "redoAction")
        self.history_menu = menu.addMenu("&History")
        self.history_menu.setObjectName("historyMenu")
        self.history_menu.aboutToShow.connect(self._fill_history)
        c = window.controller
        c.sigSceneChanged.connect(self._on_scene_changed)
        window.contour.sigViewChanged.connect(self.history.update_view)
        self._update_actions()

    def _add(self, menu: QMenu, title: str, slot, keys, name: str) -> QAction:
        action = QAction(title, self.window, objectName=name)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        self.window.addAction(action)
        return action

    def _on_scene_changed(self, label: str) -> None:
        if self._skip:
            self._skip -= 1
            return
        c = self.window.controller
        self.history.record(Scene(c.text, c.view, tuple(c.starts), label))
        self._update_actions()

    def _update_actions(self) -> None:
        h = self.history
        self.undo_action.setEnabled(h.can_undo)
        self.redo_action.setEnabled(h.can_redo)
        self.undo_action.setText(f"&Undo {h.scenes[h.index].label}" if h.can_undo else "&Undo")
        self.redo_action.setText(f"&Redo {h.scenes[h.index + 1].label}" if h.can_redo
                                 else "&Redo")

    def undo(self) -> None:
        self._apply(self.history.undo())

    def redo(self) -> None:
        self._apply(self.history.redo())

    def jump(self, index: int) -> None:
        self._apply(self.history.jump(index))

    def _apply(self, scene: Scene | None) -> None:
        if scene is None:
            self.window.context.sigMessage.emit("Nothing to undo or redo")
            return
        w = self.window
        self._skip = 1  # the function comes back through the parser: one scene change
        w.function_edit.setText(scene.function)
        w.frame_next_grid()
        w.controller.apply_scene(scene.function, scene.view, scene.starts)
        self._update_actions()

    def _fill_history(self) -> None:
        menu, h = self.history_menu, self.history
        menu.clear()
        first = max(0, len(h.scenes) - HISTORY_SHOWN)
        for index in range(len(h.scenes) - 1, first - 1, -1):
            action = menu.addAction(h.scenes[index].label)
            action.setCheckable(True)
            action.setChecked(index == h.index)
            action.triggered.connect(lambda _=False, i=index: self.jump(i))
