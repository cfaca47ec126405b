"""The File menu: open and save lessons, recent files, and every export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QWidget,
)

from gdviz.app import exporting
from gdviz.core.export import write_trajectories
from gdviz.core.lesson import LessonError, load_lesson, save_lesson
from gdviz.core.safe_files import write_target

MAX_RECENT = 8
LESSON_FILTER = "gdviz lessons (*.gdviz);;All files (*)"


class AnimationOptions(QDialog):
    """Size, frame rate and frame count of an animation export."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export animation")
        form = QFormLayout(self)
        self.width_spin = self._spin(200, 3840, 960)
        self.height_spin = self._spin(200, 2160, 720)
        self.fps_spin = self._spin(1, 60, 15)
        self.frames_spin = self._spin(2, 2000, 120)
        form.addRow("Width (px)", self.width_spin)
        form.addRow("Height (px)", self.height_spin)
        form.addRow("Frames per second", self.fps_spin)
        form.addRow("At most this many frames", self.frames_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _spin(low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        return spin


class FileActions(QObject):
    """Owns the File menu of a MainWindow; every action reports problems in words."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.settings = QSettings()
        self.job: exporting.AnimationExport | None = None
        menu = window.menuBar().addMenu("&File")
        self._add(menu, "&Open lesson…", self.open_dialog, QKeySequence.StandardKey.Open)
        self._add(menu, "&Save lesson…", self.save_dialog, QKeySequence.StandardKey.Save)
        self.recent_menu = menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        menu.addSeparator()
        from gdviz.app.script_player import ScriptPlayer

        window.script_player = ScriptPlayer(window, menu)  # Open script…, its scenes
        menu.addSeparator()
        self._add(menu, "Export map as &PNG…", lambda: self.export_dialog("map", "png"))
        self._add(menu, "Export map as S&VG…", lambda: self.export_dialog("map", "svg"))
        self._add(menu, "Export loss plot as PN&G…", lambda: self.export_dialog("loss", "png"))
        self._add(menu, "Export loss plot as SV&G…", lambda: self.export_dialog("loss", "svg"))
        self._add(menu, "&Copy map image", lambda: exporting.copy_image(window.contour),
                  QKeySequence("Ctrl+Shift+C"))
        self._add(menu, "Export &animation (GIF, MP4)…", self.animation_dialog)
        self._add(menu, "Export &trajectories (CSV, JSON)…", self.trajectories_dialog)
        menu.addSeparator()
        self._add(menu, "&Quit", window.close, QKeySequence.StandardKey.Quit)

    def _add(self, menu, title: str, slot, shortcut=None) -> QAction:
        action = QAction(title, self.window)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        return action

    def problem(self, title: str, text: str) -> QMessageBox:
        """Say what went wrong without blocking the window (a lecture goes on)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self.window)
        box.setObjectName("problemBox")
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        self.window.statusBar().showMessage(f"{title}: {text}", 15_000)
        return box

    # -- lessons -----------------------------------------------------------------------
    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open lesson", self._folder(),
                                              LESSON_FILTER)
        if path:
            self.open(path)

    def open(self, path: str) -> bool:
        """Open a lesson; a refused file changes nothing and says which field is wrong."""
        try:
            lesson = load_lesson(path)
        except LessonError as exc:
            self.problem("Lesson not opened", f"{Path(path).name}: {exc}")
            return False
        self.window.apply_lesson(lesson)
        self._remember(path)
        self.window.statusBar().showMessage(f"Opened {path}", 8000)
        return True

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save lesson", self._folder(),
                                              LESSON_FILTER)
        if path:
            if not path.lower().endswith(".gdviz"):
                path += ".gdviz"
            self.save(path)

    def save(self, path: str) -> bool:
        try:
            save_lesson(path, self.window.lesson())
        except (LessonError, OSError) as exc:
            self.problem("Lesson not saved", str(exc))
            return False
        self._remember(path)
        self.window.statusBar().showMessage(f"Saved {path}", 8000)
        return True

    def recent(self) -> list[str]:
        value = self.settings.value("recentLessons", [])
        return [str(v) for v in (value if isinstance(value, list) else [value]) if v]

    def _remember(self, path: str) -> None:
        path = str(Path(path).resolve())
        paths = [path, *(p for p in self.recent() if p != path)][:MAX_RECENT]
        self.settings.setValue("recentLessons", paths)
        self.settings.setValue("lastFolder", str(Path(path).parent))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        paths = self.recent()
        for path in paths:
            self._add(self.recent_menu, path, lambda p=path: self.open(p))
        if not paths:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def _folder(self) -> str:
        return str(self.settings.value("lastFolder", str(Path.home())))

    # -- exports -----------------------------------------------------------------------
    def export_dialog(self, which: str, kind: str) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, f"Export {which}", str(Path(self._folder()) / f"gdviz-{which}.{kind}"),
            f"{kind.upper()} (*.{kind})")
        if path:
            self.export_plot(which, path)

    def export_plot(self, which: str, path: str) -> bool:
        """Save the map or the loss plot as PNG or SVG, chosen by the extension."""
        widget = self.window.contour if which == "map" else self.window.loss
        try:
            if path.lower().endswith(".svg"):
                exporting.save_svg(widget, path)
            else:
                exporting.save_png(widget, path)
        except OSError as exc:
            self.problem("Export failed", str(exc))
            return False
        self.window.statusBar().showMessage(f"Saved {path}", 8000)
        return True

    def trajectories_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export trajectories", str(Path(self._folder()) / "gdviz-runs.csv"),
            "CSV (*.csv);;JSON (*.json)")
        if path:
            self.export_trajectories(path)

    def export_trajectories(self, path: str) -> bool:
        session = self.window.controller.session
        if session is None:
            self.problem("Nothing to export", "there are no runs yet: click the map first")
            return False
        try:
            write_trajectories(session, self.window.controller.text, path)
        except (OSError, ValueError) as exc:
            self.problem("Export failed", str(exc))
            return False
        self.window.statusBar().showMessage(f"Saved {path}", 8000)
        return True

    def animation_dialog(self) -> None:
        options = AnimationOptions(self.window)
        if options.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export animation", str(Path(self._folder()) / "gdviz-descent.gif"),
            "Animated GIF (*.gif);;MP4 video (*.mp4)")
        if path:
            self.export_animation(path, (options.width_spin.value(), options.height_spin.value()),
                                  options.fps_spin.value(), options.frames_spin.value())

    def export_animation(self, path: str, size: tuple[int, int], fps: float,
                         max_frames: int) -> exporting.AnimationExport | None:
        """Render the current runs frame by frame (window stays live) and encode them."""
        window = self.window
        controller = window.controller
        if controller.session is None or controller.formula is None:
            self.problem("Nothing to export", "there are no runs yet: click the map first")
            return None
        try:
            write_target(path)  # a folder, FIFO or device is refused before any drawing
        except OSError as exc:
            self.problem("Animation not saved", str(exc))
            return None
        if path.lower().endswith(".mp4"):
            try:
                import imageio_ffmpeg  # noqa: F401
            except ImportError:
                self.problem("MP4 export unavailable", exporting.MP4_MISSING)
                return None
        if self.job is not None:
            self.job.cancel()
        view = window.contour.getPlotItem().getViewBox().viewRange()
        renderer = exporting.FrameRenderer(controller.formula.evaluate, controller.groups,
                                           size, view)
        job = exporting.AnimationExport(renderer, path, fps, max_frames, parent=self)
        progress = QProgressDialog("Rendering frames…", "Cancel", 0, len(job.ticks), window)
        progress.setObjectName("exportProgress")
        progress.setWindowModality(Qt.WindowModality.NonModal)
        progress.setMinimumDuration(300)
        progress.canceled.connect(job.cancel)
        job.sigProgress.connect(lambda done, total: progress.setValue(done))
        job.sigFinished.connect(lambda p: (progress.close(), window.statusBar().showMessage(
            f"Saved {p} ({len(job.ticks)} frames)", 10_000)))
        job.sigFailed.connect(lambda why: (progress.close(), why != "cancelled" and self.problem(
            "Animation not saved", why)))
        self.job = job
        job.start()
        return job
