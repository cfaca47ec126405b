"""File → Open script…: a lecture script played scene by scene in the window.

A script (:mod:`gdviz.core.script`) is a list of scenes; each shows a lesson, switches
views on or off, puts its caption in large type over the map and plays its steps at the
window's current speed. PageDown and PageUp (what presentation clickers send) go to the
next and previous scene, Home and End to the first and last; Esc or File → Close script
leaves the script and keeps the screen as it is. The keys are actions of the window, so
they work with the menu bar hidden (plots only).
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMenu

from gdviz.app.controller import FRAME_MS
from gdviz.core.lesson_checks import LessonError
from gdviz.core.script import SUFFIX, Script, load_script

SCRIPT_FILTER = f"gdviz lecture scripts (*{SUFFIX});;All files (*)"
MARGIN = 12  # pixels between the map's edge and the caption
PADDING = (16, 8)  # inside the caption's box: horizontal, vertical
MAX_CAPTION_SHARE = 0.45  # of the map's height; a longer caption gets smaller type
CAPTION_STYLE = ("QLabel#sceneCaption {{ background: rgba(20, 20, 20, 165); color: white;"
                 " border-radius: 8px; font-size: {points}pt; font-weight: bold; }}")
INDICATOR_STYLE = ("QLabel#sceneIndicator {{ background: rgba(20, 20, 20, 140); color: white;"
                   " border-radius: 4px; font-size: {points}pt; }}")


class ScriptPlayer(QObject):
    """Plays a :class:`Script` in a MainWindow; owns the script's actions and labels."""

    sigSceneShown = Signal(int)  # index of the scene now shown
    sigClosed = Signal()

    def __init__(self, window, menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.script: Script | None = None
        self.path: str | None = None
        self.index = 0
        self._target = 0  # steps the scene plays; reached when every run has taken them
        self._timer = QTimer(self, interval=FRAME_MS)
        self._timer.timeout.connect(self._tick)

        map_widget = window.contour
        self.caption = QLabel(map_widget, objectName="sceneCaption")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setContentsMargins(*PADDING, *PADDING)
        self.indicator = QLabel(map_widget, objectName="sceneIndicator")
        self.indicator.setContentsMargins(8, 3, 8, 3)
        for label in (self.caption, self.indicator):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # clicks go on
            label.hide()
        map_widget.installEventFilter(self)
        window.installEventFilter(self)
        window.context.sigTextSize.connect(lambda _: self.place_labels())
        box = map_widget.getPlotItem().getViewBox()  # the colour bar or axes may move it
        box.sigResized.connect(lambda *_: self.place_labels())

        self.open_action = self._action(menu, "Open &script…", self.open_dialog, (),
                                        "openScriptAction")
        scenes = QMenu("Script &scenes", window)
        self.next_action = self._action(scenes, "&Next scene", self.next_scene,
                                        ("PgDown",), "nextSceneAction")
        self.previous_action = self._action(scenes, "&Previous scene", self.previous_scene,
                                            ("PgUp",), "previousSceneAction")
        self.first_action = self._action(scenes, "&First scene", self.first_scene, ("Home",),
                                         "firstSceneAction")
        self.last_action = self._action(scenes, "&Last scene", self.last_scene, ("End",),
                                        "lastSceneAction")
        self.close_action = self._action(menu, "Close scrip&t (Esc)", self.close_script, (),
                                         "closeScriptAction")
        menu.addMenu(scenes)
        self._set_enabled(False)

    def _action(self, menu: QMenu, title: str, slot, keys, name: str) -> QAction:
        action = QAction(title, self.window, objectName=name)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setAutoRepeat(False)  # a clicker's held button must not skip scenes
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        self.window.addAction(action)  # the key works with the menu bar hidden too
        return action

    def _set_enabled(self, on: bool) -> None:
        for action in (self.next_action, self.previous_action, self.first_action,
                       self.last_action, self.close_action):
            action.setEnabled(on)

    # -- opening and closing ---------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.script is not None

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open lecture script",
                                              self.window.files._folder(), SCRIPT_FILTER)
        if path:
            self.open(path)

    def open(self, path: str) -> bool:
        """Open a script at its first scene; a refused file changes nothing and says why."""
        try:
            script = load_script(path, tuple(self.window.views.specs))
        except LessonError as exc:
            self.window.files.problem("Script not opened", f"{Path(path).name}: {exc}")
            return False
        self.start(script, path)
        return True

    def start(self, script: Script, path: str | None = None) -> None:
        """Play an already checked script from its first scene."""
        self.script, self.path = script, path
        self._set_enabled(True)
        self.show_scene(0)

    def close_script(self) -> None:
        """Leave the script: captions go, the screen stays as it is."""
        if self.script is None:
            return
        self._timer.stop()
        self.script, self.path = None, None
        self.caption.hide()
        self.indicator.hide()
        self._set_enabled(False)
        self.window.statusBar().showMessage("Left the lecture script", 5000)
        self.sigClosed.emit()

    # -- scenes --------------------------------------------------------------------
    def show_scene(self, index: int) -> None:
        """Show scene ``index`` (clamped): its lesson, views, caption, then its steps."""
        if self.script is None:
            return
        scenes = self.script.scenes
        self.index = index = max(0, min(len(scenes) - 1, index))
        scene = scenes[index]
        self._timer.stop()
        window = self.window
        window.apply_lesson(scene.lesson)
        for names, on in ((scene.show, True), (scene.hide, False)):
            for name in names:
                if name in window.views.specs:
                    window.views.set_shown(name, on)
        self.caption.setText(scene.caption)
        self.caption.setVisible(bool(scene.caption))
        self.indicator.setText(f"scene {index + 1} / {len(scenes)}")
        self.indicator.setToolTip(self.script.title or (Path(self.path).name if self.path
                                                        else ""))
        self.indicator.show()
        self.place_labels()
        self._target = scene.play
        if scene.play:
            self._timer.start()
        window.statusBar().showMessage(f"Scene {index + 1} of {len(scenes)}"
                                       + (f": {scene.caption}" if scene.caption else ""), 8000)
        self.sigSceneShown.emit(index)

    def next_scene(self) -> None:
        if self.script is not None and self.index + 1 < len(self.script.scenes):
            self.show_scene(self.index + 1)

    def previous_scene(self) -> None:
        if self.script is not None and self.index > 0:
            self.show_scene(self.index - 1)

    def first_scene(self) -> None:
        self.show_scene(0)

    def last_scene(self) -> None:
        if self.script is not None:
            self.show_scene(len(self.script.scenes) - 1)

    @property
    def playing(self) -> bool:
        """True while the scene's steps are still being played."""
        return self._timer.isActive()

    def _tick(self) -> None:
        """Take the next few of the scene's steps at the window's speed (as Play does)."""
        controller = self.window.controller
        if controller.preparing:
            return  # the scene's function is parsed or its gradient derived: wait
        if controller.session is None:  # its gradient was refused: nothing to play
            self._timer.stop()
            return
        left = self._target - max((g.ticks for g in controller.groups), default=0)
        if left <= 0 or not controller.session.running:
            self._timer.stop()
            return
        interval = max(FRAME_MS, int(1000 / controller.steps_per_second))
        if self._timer.interval() != interval:
            self._timer.setInterval(interval)
        controller.step(min(left, max(1, math.ceil(controller.steps_per_second
                                                   * interval / 1000))))

    # -- the labels over the map ---------------------------------------------------
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if watched is self.window.contour and kind == QEvent.Type.Resize:
            self.place_labels()
        elif watched is self.window and kind == QEvent.Type.Close:
            self._timer.stop()
        return False

    def place_labels(self) -> None:
        """The caption across the foot of the map (like subtitles; the legend stays in
        sight) in the largest type that fits in full, at most a share of the map's height;
        the indicator in the top-right corner."""
        if self.script is None:
            return
        area = self.window.contour.plot_area()  # not over the axes or the colour bar
        base = QApplication.instance().font().pointSize()
        if self.caption.text():
            width = max(120, area.width() - 2 * MARGIN)
            inner = width - 2 * PADDING[0]
            points = max(18, round(base * 1.6))
            while True:
                font = QFont(self.caption.font())
                font.setPointSize(points)
                font.setBold(True)
                box = QFontMetrics(font).boundingRect(
                    QRect(0, 0, inner, 100_000),
                    int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter),
                    self.caption.text())
                fits = (box.width() <= inner and box.height() + 2 * PADDING[1]
                        <= MAX_CAPTION_SHARE * area.height())
                if fits or points <= 8:
                    break
                points -= 1
            self.caption.setStyleSheet(CAPTION_STYLE.format(points=points))
            self.caption.setFont(font)
            height = min(box.height() + 2 * PADDING[1] + 4, area.height() - 2 * MARGIN)
            self.caption.setFixedSize(width, height)
            self.caption.move(area.left() + MARGIN, area.bottom() - height - MARGIN)
            self.caption.raise_()
        points = max(9, base - 1)
        self.indicator.setStyleSheet(INDICATOR_STYLE.format(points=points))
        self.indicator.ensurePolished()
        self.indicator.adjustSize()
        self.indicator.move(area.right() - self.indicator.width() - MARGIN,
                            area.top() + MARGIN)
        self.indicator.raise_()
