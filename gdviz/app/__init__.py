"""The Qt application: one controller, thin views, one main window."""

from __future__ import annotations

import sys
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from gdviz.app import style

RESOURCES = Path(__file__).resolve().parents[2] / "resources"  # also in the app bundle


def configure_pyqtgraph() -> None:
    """Row-major images (z[row=y, col=x]), light theme, antialiased lines."""
    pg.setConfigOptions(imageAxisOrder="row-major", background="w", foreground="k",
                        antialias=True)


def ensure_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication, created on first use with the projector-friendly font."""
    # Worker threads run Python too (grids, lambdify); hand the interpreter back to the
    # GUI thread every millisecond instead of every 5 ms, so the event loop stays smooth.
    sys.setswitchinterval(0.001)
    app = QApplication.instance()
    if app is None:
        # One GL context group for every 3D widget: pyqtgraph caches its shaders once.
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QApplication(argv if argv is not None else sys.argv[:1])
        app.setApplicationName("gdviz")
        app.setOrganizationName("gdviz")
        app.setDesktopFileName("gdviz")  # Wayland matches the window to gdviz.desktop
        icon = RESOURCES / "gdviz.png"
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
        font = app.font()
        font.setPointSize(style.BASE_POINT_SIZE)
        app.setFont(font)
    configure_pyqtgraph()
    return app


def create_window(argv: list[str] | None = None, compiler=None, start: bool = True,
                  owns_compiler: bool | None = None):
    """Build the main window (not shown, no event loop); loads the default lesson.

    ``compiler`` compiles functions (default: a CompileWorker process with a timeout);
    the window closes it on exit if it made it, or if ``owns_compiler``.
    """
    ensure_app(argv)
    from gdviz.app.controller import Controller
    from gdviz.app.main_window import MainWindow

    if owns_compiler is None:
        owns_compiler = compiler is None
    if compiler is None:
        from gdviz.core.compile_worker import CompileWorker

        compiler = CompileWorker()
    window = MainWindow(Controller(compiler, owns_compiler=owns_compiler))
    if start:
        window.start()
    return window
