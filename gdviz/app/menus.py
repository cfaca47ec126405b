"""The window's menus: every lecture action, each with its shortcut.

Run (play, step, back, reset, η), Presets (1–9), View (the table's views, lesson mode,
themes, colour maps, text size, full screen, plots only) and Help (shortcuts, about).
Every action is also added to the window itself, so its key works with the menu bar
hidden (plots-only mode).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from gdviz.core.lesson import LOCKABLE
from gdviz.core.presets import PRESETS

LOCK_TITLES = {"functionEdit": "Function box", "presetCombo": "Presets",
               "optimizerCombo": "Method", "learningRateSpin": "Learning rate",
               "speedSlider": "Speed", "settingsTabs": "Method and race tabs",
               "raceTab": "Race tab"}
COLOUR_MAPS = {"viridis": "&Viridis", "cividis": "&Cividis (colour-blind safe)"}
CONTROL_VIEWS = ("mathsView", "controlsView", "statusView")  # hidden in plots-only mode
DARK_STYLE = ("QWidget { background: #2b2b2b; color: #e8e8e8; }"
              "QLineEdit, QComboBox, QAbstractSpinBox { background: #1e1e1e; }")
CHROME_POINTS = 16  # the frame's own text (menus, toolbar, panel titles and tabs, status
# bar) grows up to this; the content (function, formulas, runs, axes) grows on, so that
# 24 pt content still fits a 1280×720 projector


def style_sheet(theme: str, points: int) -> str:
    """The window's style sheet: the dark theme's colours, and the text size in it (under
    a style sheet Qt takes fonts from the sheet, not from QApplication.setFont)."""
    sheet = DARK_STYLE if theme == "dark" else ""
    if sheet or points > CHROME_POINTS:
        sheet += f"QWidget {{ font-size: {points}pt; }}"
    if points > CHROME_POINTS:
        sheet += (f"QMenuBar, QMenu, QToolBar, QToolButton, QTabBar, QStatusBar, QDockWidget"
                  f" {{ font-size: {CHROME_POINTS}pt; }}"
                  f"QDockWidget QWidget {{ font-size: {points}pt; }}")  # a panel's content
    return sheet


class WindowMenus(QObject):
    """Builds and owns the menu bar's actions of a MainWindow."""

    def __init__(self, window) -> None:
        super().__init__(window)
        from gdviz.app.file_actions import FileActions
        from gdviz.app.steering import UndoActions

        self.window = window
        self.theme = "light"
        self._plots_only_hidden: list[str] = []
        window.files = FileActions(window)
        self.undo = UndoActions(window, window.menuBar().addMenu("&Edit"))
        self._build_run_menu(window.menuBar().addMenu("&Run"))
        self._build_presets_menu(window.menuBar().addMenu("&Presets"))
        self._build_view_menu(window.menuBar().addMenu("&View"))
        help_menu = window.menuBar().addMenu("&Help")
        self._add(help_menu, "&Keyboard shortcuts…", self.show_shortcuts, ("F1", "?"),
                  "shortcutsAction")
        self._add(help_menu, "&About gdviz", window.show_about)

    # -- building ------------------------------------------------------------------------
    def _add(self, menu: QMenu, title: str, slot, keys=(), name: str = "",
             checkable: bool = False, auto_repeat: bool = False) -> QAction:
        action = QAction(title, self.window, checkable=checkable, objectName=name)
        if isinstance(keys, (str, QKeySequence.StandardKey)):
            keys = (keys,)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setAutoRepeat(auto_repeat)  # only → and ← repeat while held
        signal = action.toggled if checkable else action.triggered
        signal.connect(slot if checkable else (lambda _=False: slot()))
        menu.addAction(action)
        self.window.addAction(action)  # the key works with the menu bar hidden too
        return action

    def _build_run_menu(self, menu: QMenu) -> None:
        c = self.window.controller
        flushed = self._flushed
        self._add(menu, "&Play / pause", flushed(c.toggle_play), "Space", "playAction")
        self._add(menu, "&Step", flushed(c.step), "Right", "stepAction", auto_repeat=True)
        self._add(menu, "Step &back", c.step_back, "Left", "stepBackAction", auto_repeat=True)
        self._add(menu, "&Reset to the start", flushed(c.restart), "R", "resetAction")
        menu.addSeparator()
        self._add(menu, "&Halve η", lambda: self.scale_learning_rate(False), "[",
                  "halveLearningRateAction")
        self._add(menu, "&Double η", lambda: self.scale_learning_rate(True), "]",
                  "doubleLearningRateAction")

    def _flushed(self, slot):
        def act() -> None:
            self.window.flush_edit()
            slot()
        return act

    def _build_presets_menu(self, menu: QMenu) -> None:
        for index, preset in enumerate(PRESETS):
            keys = (str(index + 1),) if index < 9 else ()
            self._add(menu, preset.name, lambda p=preset: self.window.load_preset(p), keys,
                      f"preset{index + 1}Action")

    def _build_view_menu(self, menu: QMenu) -> None:
        w = self.window
        w.views.fill_menu(menu)
        menu.addSeparator()
        self.full_screen_action = self._add(menu, "&Full screen", self.set_full_screen,
                                            "F11", "fullScreenAction", checkable=True)
        self.plots_only_action = self._add(menu, "&Plots only (Esc returns)",
                                           self.set_plots_only, "P", "plotsOnlyAction",
                                           checkable=True)
        self._add(menu, "Leave plots only / full screen", self.leave_presentation, "Esc",
                  "leavePresentationAction")
        self.lesson_mode_action = self._add(menu, "&Lesson mode (hide locked controls)",
                                            lambda _: self._apply_locks(), (),
                                            "lessonModeAction", checkable=True)
        lock_menu = menu.addMenu("Controls &locked in lesson mode")
        self.lock_actions: dict[str, QAction] = {}
        for name in LOCKABLE:
            self.lock_actions[name] = self._add(lock_menu, LOCK_TITLES.get(name, name),
                                                lambda _: self._apply_locks(), (),
                                                f"lock_{name}", checkable=True)
        menu.addSeparator()
        self.dark_action = self._add(menu, "&Dark theme",
                                     lambda on: self.set_theme("dark" if on else "light"),
                                     (), "darkThemeAction", checkable=True)
        colour_menu = menu.addMenu("&Colour map")
        group = QActionGroup(self)
        self.colour_map_actions: dict[str, QAction] = {}
        for name, title in COLOUR_MAPS.items():
            action = self._add(colour_menu, title,
                               lambda on, n=name: on and self.set_colour_map(n), (),
                               f"colourMap_{name}", checkable=True)
            group.addAction(action)
            self.colour_map_actions[name] = action
        self.colour_map_actions["viridis"].setChecked(True)
        self._add(menu, "&Larger text", lambda: self.change_text_size(1),
                  QKeySequence.StandardKey.ZoomIn, "largerTextAction")
        self._add(menu, "S&maller text", lambda: self.change_text_size(-1),
                  QKeySequence.StandardKey.ZoomOut, "smallerTextAction")
        menu.addSeparator()
        from gdviz.app.pen import PenActions

        self.pen = PenActions(self, menu)  # the lecturer's pen: D draws, C clears

    # -- lecture actions -------------------------------------------------------------------
    def scale_learning_rate(self, up: bool) -> None:
        """Double (or halve) η, within the η box's range."""
        spin = self.window.controls.learning_rate_spin
        value = spin.value() * 2 if up else spin.value() / 2
        spin.setValue(min(spin.maximum(), max(spin.minimum(), value)))
        self.window.context.sigMessage.emit(f"Learning rate η = {spin.value():g}")

    def set_full_screen(self, on: bool) -> None:
        w = self.window
        w.showFullScreen() if on else w.showNormal()

    def set_plots_only(self, on: bool) -> None:
        """Hide the controls, the function row, menus and toolbar: just the plots."""
        w = self.window
        if on:
            self._plots_only_hidden = [n for n in CONTROL_VIEWS if w.views.is_shown(n)]
            for name in self._plots_only_hidden:
                w.views.set_shown(name, False)
        else:
            for name in self._plots_only_hidden:
                w.views.set_shown(name, True)
            self._plots_only_hidden = []
        for widget in (w.function_row, w.menuBar(), w.views.toolbar, w.caption_label):
            widget.setVisible(not on)

    def leave_presentation(self) -> None:
        """Esc: leave a lecture script if one is open, else plots only and full screen."""
        player = getattr(self.window, "script_player", None)
        if player is not None and player.active:
            player.close_script()
            return
        self.plots_only_action.setChecked(False)
        self.full_screen_action.setChecked(False)

    def show_shortcuts(self) -> None:
        from gdviz.app.shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self.window).show()

    # -- lesson mode -------------------------------------------------------------------
    def locked(self) -> tuple[str, ...]:
        return tuple(name for name, a in self.lock_actions.items() if a.isChecked())

    def apply_locks(self, locked: tuple[str, ...], lesson_mode: bool) -> None:
        for name, action in self.lock_actions.items():
            action.setChecked(name in locked)
        self.lesson_mode_action.setChecked(lesson_mode)
        self._apply_locks()

    def _apply_locks(self) -> None:
        hide = self.lesson_mode_action.isChecked()
        for name, action in self.lock_actions.items():
            hidden = hide and action.isChecked()
            if name == "raceTab":
                self.window.controls.tabs.setTabVisible(1, not hidden)
                continue
            widget = self.window.findChild(QWidget, name)
            if widget is not None:
                widget.setVisible(not hidden)

    # -- looks -----------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        """Light (default) or dark plots and window."""
        if self.dark_action.isChecked() != (name == "dark"):
            self.dark_action.setChecked(name == "dark")  # comes back here through toggled
            return
        self.theme = name
        dark = name == "dark"
        w = self.window
        foreground = "#e8e8e8" if dark else "k"
        w.contour.setBackground("#1e1e1e" if dark else "w")
        for axis in w.contour.getPlotItem().axes.values():
            axis["item"].setPen(foreground)
            axis["item"].setTextPen(foreground)
        self._apply_style_sheet()
        w.context.theme = name
        w.context.sigTheme.emit(name)

    def _apply_style_sheet(self) -> None:
        self.window.setStyleSheet(style_sheet(self.theme,
                                              QApplication.instance().font().pointSize()))

    def set_colour_map(self, name: str) -> None:
        if not self.colour_map_actions[name].isChecked():
            self.colour_map_actions[name].setChecked(True)
            return
        self.window.contour.set_colour_map(name)
        self.window.context.colour_map = name
        self.window.context.sigColourMap.emit(name)

    def change_text_size(self, delta: int) -> None:
        """Larger or smaller text everywhere, for the back of a lecture hall."""
        app = QApplication.instance()
        self.set_text_size(app.font().pointSize() + delta)

    def set_text_size(self, points: int) -> None:
        app = QApplication.instance()
        font = app.font()
        font.setPointSize(min(28, max(8, points)))
        app.setFont(font)
        self._apply_style_sheet()
        tick_font = QFont(font)
        for axis in self.window.contour.getPlotItem().axes.values():
            axis["item"].setStyle(tickFont=tick_font)
        self.window.contour.legend.set_point_size(font.pointSize())
        self.window.context.sigTextSize.emit(font.pointSize())

    @property
    def text_size(self) -> int:
        return QApplication.instance().font().pointSize()
