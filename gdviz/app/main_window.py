"""The main window: the function box and the map, with every other view docked around.

Views come from one table (:mod:`gdviz.app.views.registry`); the window only builds the
docks, menus and toolbar from it (:class:`~gdviz.app.view_manager.ViewManager`).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from gdviz.app import window_settings
from gdviz.app.function_row import FunctionRow
from gdviz.app.map_runs import MapRuns
from gdviz.app.menus import WindowMenus
from gdviz.app.size_keeper import SizeKeeper
from gdviz.app.steering import StartDragging
from gdviz.app.view_manager import ViewManager
from gdviz.app.views.base import ViewContext
from gdviz.app.views.contour import ContourView
from gdviz.core.expression import ExpressionError
from gdviz.core.grid import Grid, ViewRange
from gdviz.core.lesson import Lesson, Panels
from gdviz.core.presets import DEFAULT_PRESET, PRESETS, Preset

AUTOSAVE_MS = 30_000  # the lesson on screen is saved this often while gdviz runs
EDIT_PAUSE_MS = 700  # a pause in typing this long applies the edit
PANEL_VIEWS = {"maths": "mathsView", "status": "statusView", "loss": "lossView"}


def error_html(text: str, error: ExpressionError) -> str:
    """The message, and the text with the faulty span underlined in red."""
    start, end = max(0, error.start), min(len(text), max(error.end, error.start + 1))
    shown = text if len(text) <= 200 else text[:200] + "…"
    before, bad, after = (html.escape(part, quote=False) for part in
                          (shown[:start], shown[start:end] or " ", shown[end:]))
    underline = ("color:#c00000; text-decoration:underline; background:#ffe0e0;"
                 "font-weight:bold")
    return (f"<b style='color:#c00000'>⚠ {html.escape(str(error), quote=False)}</b><br>"
            f"<span style='font-family:monospace'>{before}"
            f"<span style='{underline}'>{bad}</span>{after}</span>")


class MainWindow(QMainWindow):
    """One window: function box and contour map in the middle, views in docks."""

    def __init__(self, controller, remember: bool = True) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("gdviz — gradient descent, visualised")
        self.setDockNestingEnabled(True)
        # The right column reaches the bottom: bottom views sit under the map only, so
        # they never add to the right column's height.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.controller = controller
        self.remember = remember  # keep theme, text size, views and layout in QSettings
        self._grid_framed = False
        self.session_store = None

        self.function_edit = QLineEdit(objectName="functionEdit")
        self.function_edit.setPlaceholderText("Type f(x, y), e.g. x^2 + 3y^2, then Enter")
        self.function_edit.setClearButtonEnabled(True)
        self.function_edit.setAccessibleName("Function f(x, y)")
        # The error floats under the box instead of pushing the map down: no relayout.
        self.function_error = QLabel(objectName="functionError")
        self.function_error.setTextFormat(Qt.TextFormat.RichText)
        self.function_error.setWordWrap(True)
        self.function_error.setAutoFillBackground(True)
        self.function_error.setStyleSheet(
            "QLabel#functionError { background: #fff4f4; border: 2px solid #c00000;"
            " border-radius: 4px; padding: 4px 8px; color: #202020; }")
        self.preset_combo = QComboBox(objectName="presetCombo")
        for index, preset in enumerate(PRESETS):
            self.preset_combo.addItem(preset.name)
            self.preset_combo.setItemData(index, preset.note, Qt.ItemDataRole.ToolTipRole)
        self.caption_label = QLabel(objectName="presetCaption")
        self.caption_label.setWordWrap(True)
        self.hover_label = QLabel(objectName="hoverLabel")
        self.contour = ContourView()
        self.contour.setMinimumSize(360, 300)

        self.context = ViewContext(controller, self.contour, self)
        self.views = ViewManager(self, self.context)
        SizeKeeper(self)  # a passing rise of the minimum does not keep the window larger
        self.map_runs = MapRuns(self.context, self.views.refresh_soon, self.views.refresh_now)
        self._build_layout()
        self.menus = WindowMenus(self)
        self.dragging = StartDragging(self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.views.toolbar)
        self._edit_timer = QTimer(self, singleShot=True, interval=EDIT_PAUSE_MS)
        self._edit_timer.timeout.connect(self.apply_function)
        self._connect()
        self.resize(1280, 720)
        self.views.show_defaults()
        if remember:
            window_settings.restore(self)

    # -- construction ------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.function_row = FunctionRow(self.function_edit, self.preset_combo)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.function_row)
        layout.addWidget(self.caption_label)
        layout.addWidget(self.contour, 1)
        self.setCentralWidget(central)
        self.function_error.setParent(central)
        self.function_error.hide()
        self.statusBar().addWidget(self.hover_label, 1)

    def _connect(self) -> None:
        c = self.controller
        self.function_edit.textEdited.connect(lambda _: self._edit_timer.start())
        self.function_edit.returnPressed.connect(self.apply_function)
        self.preset_combo.activated.connect(lambda i: self.load_preset(PRESETS[i]))
        c.sigGridChanged.connect(self._on_grid)
        c.sigFunctionAccepted.connect(self._on_function_accepted)
        c.sigFunctionError.connect(self._on_function_error)
        self.contour.sigClicked.connect(self._on_map_clicked)
        self.contour.sigHovered.connect(self._on_hover)
        self.contour.sigViewChanged.connect(c.set_view)
        self.context.sigFlushEdit.connect(self.flush_edit)
        self.context.sigMessage.connect(lambda text: self.statusBar().showMessage(text, 10_000))

    # -- the views the rest of the app knows by name -------------------------------------
    @property
    def controls(self):
        """The control panel (play, η, method, race)."""
        return self.views.build("controlsView").panel

    @property
    def loss(self):
        """The loss plot."""
        return self.views.build("lossView").plot

    @property
    def log_check(self):
        return self.views.build("lossView").log_check

    @property
    def maths(self):
        return self.views.build("mathsView")

    @property
    def status_label(self) -> QLabel:
        return self.views.build("statusView").label

    # -- user actions ------------------------------------------------------------------
    def apply_function(self) -> None:
        """Apply the function box's text now."""
        self._edit_timer.stop()
        self.controller.set_function(self.function_edit.text())

    def flush_edit(self) -> None:
        """Apply an edit still waiting for the typing pause (before Play, Step, Reset)."""
        if self._edit_timer.isActive():
            self.apply_function()

    def load_preset(self, preset: Preset) -> None:
        """Show a preset: its function, view, starts, learning rate and caption."""
        self._grid_framed = False
        self.preset_combo.setCurrentIndex(PRESETS.index(preset))
        self.function_edit.setText(preset.function)
        self.caption_label.setText(f"<i>What to notice:</i> {html.escape(preset.note)}")
        self.caption_label.show()
        self.views.build("controlsView").show_learning_rate(preset.lr)
        self.controller.load_preset(preset)

    def frame_next_grid(self) -> None:
        """Show the next grid's whole view (a preset, lesson or undo sets the view)."""
        self._grid_framed = False

    def _on_map_clicked(self, x: float, y: float, shift: bool) -> None:
        self.flush_edit()
        self.controller.set_start(x, y, add=shift)

    # -- controller events -------------------------------------------------------------
    def _on_grid(self, grid: Grid) -> None:
        self.contour.show_grid(grid, reset_range=not self._grid_framed)
        self._grid_framed = True

    def _on_function_accepted(self, text: str) -> None:
        self.function_error.hide()
        self.function_error.clear()
        if self.function_edit.text() != text and not self.function_edit.hasFocus():
            self.function_edit.setText(text)
        preset = PRESETS[self.preset_combo.currentIndex()]
        self.caption_label.setVisible(preset.function == text)

    def _on_function_error(self, error: ExpressionError) -> None:
        label = self.function_error
        label.setText(error_html(self.function_edit.text(), error))
        edit = self.function_edit.geometry()
        origin = self.function_row.mapTo(self.centralWidget(), edit.bottomLeft())
        label.setFixedWidth(edit.width())
        label.adjustSize()
        label.move(origin.x(), origin.y() + 4)
        label.show()
        label.raise_()

    def _on_hover(self, x: float, y: float) -> None:
        objective = self.controller.objective
        if objective is None:
            self.hover_label.setText(f"x = {x:.4g}, y = {y:.4g}")
            return
        value, (gx, gy) = objective.value_and_gradient_at(x, y)
        self.hover_label.setText(
            f"at ({x:.4g}, {y:.4g}):  f = {value:.6g}   ∇f = ({gx:.4g}, {gy:.4g})")

    def show_about(self) -> None:
        from gdviz.versions import version_report

        QMessageBox.about(self, "About gdviz", version_report(html=True))

    # -- lessons -----------------------------------------------------------------------
    def lesson(self) -> Lesson:
        """Everything on screen that a lesson file keeps."""
        c = self.controller
        (x0, x1), (y0, y1) = self.contour.getPlotItem().getViewBox().viewRange()
        preset = PRESETS[self.preset_combo.currentIndex()]
        shown = self.views.shown()
        regression = self.views.view("regressionView")
        return Lesson(
            function=c.text or self.function_edit.text(),
            view=ViewRange(float(x0), float(x1), float(y0), float(y1)),
            preset=preset.name if preset.function == c.text else None,
            starts=tuple((float(x), float(y)) for x, y in c.starts),
            race=tuple(c.race),
            race_lrs=c.race_lrs(),
            settings=c.settings,
            panels=Panels(**{key: name in shown for key, name in PANEL_VIEWS.items()}),
            theme=self.menus.theme,
            locked=self.menus.locked(),
            lesson_mode=self.menus.lesson_mode_action.isChecked(),
            views=shown,
            layout=self.views.layout_state(),
            regression=regression.lesson_setup() if regression is not None else None,
        )

    def apply_lesson(self, lesson: Lesson) -> None:
        """Restore a (validated) lesson: the same function, view, runs, views and layout."""
        self.views.build("controlsView").show_settings(lesson.settings, lesson.race)
        names = [p.name for p in PRESETS]
        if lesson.preset in names:
            self.preset_combo.setCurrentIndex(names.index(lesson.preset))
            note = PRESETS[names.index(lesson.preset)].note  # its own "what to notice"
            self.caption_label.setText(f"<i>What to notice:</i> {html.escape(note)}")
        if lesson.views is None:  # an older lesson: the default layout, its panels
            defaults = [s.name for s in self.views.specs.values() if s.shown]
            hidden = {name for key, name in PANEL_VIEWS.items()
                      if not getattr(lesson.panels, key)}
            self.views.show_only([name for name in defaults if name not in hidden])
        else:
            self.views.show_only(lesson.views)
            if lesson.layout:
                self.views.restore_layout(lesson.layout)
        self.menus.apply_locks(lesson.locked, lesson.lesson_mode)
        self.menus.set_theme(lesson.theme)
        if lesson.regression is not None:
            self.views.build("regressionView").restore(lesson.regression, lesson.function)
        self.function_edit.setText(lesson.function)
        self._grid_framed = False
        self.controller.apply_lesson(lesson)

    # -- lifetime --------------------------------------------------------------------
    def start(self) -> None:
        """Show the default lesson (called once the window exists)."""
        self.load_preset(DEFAULT_PRESET)

    def enable_autosave(self, store, interval_ms: int = AUTOSAVE_MS) -> None:
        """Save the lesson to ``store`` every ``interval_ms`` and on close."""
        self.session_store = store
        self._autosave_timer = QTimer(self, interval=interval_ms)
        self._autosave_timer.timeout.connect(self.autosave)
        self._autosave_timer.start()

    def autosave(self) -> None:
        if self.session_store is not None and self.controller.text:
            self.session_store.save(self.lesson())

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.session_store is not None:
            self.session_store.close(self.lesson() if self.controller.text else None)
            self.session_store = None
        if self.remember:
            window_settings.save(self)
        self.controller.shutdown()
        super().closeEvent(event)
