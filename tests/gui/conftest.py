"""GUI fixtures: one compile worker for the session, a fresh main window per test."""

import pytest

from gdviz.core.compile_worker import CompileWorker


@pytest.fixture(scope="session")
def compiler():
    worker = CompileWorker()
    yield worker
    worker.close()


@pytest.fixture(autouse=True)
def isolated_settings():
    """Each test starts from default settings (theme, views, layout, recent files)."""
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture(autouse=True)
def default_text_size():
    """A test that enlarges the text (the application's font) leaves it as it found it."""
    yield
    from PySide6.QtWidgets import QApplication

    from gdviz.app import style

    app = QApplication.instance()
    if app is not None and app.font().pointSize() != style.BASE_POINT_SIZE:
        font = app.font()
        font.setPointSize(style.BASE_POINT_SIZE)
        app.setFont(font)


@pytest.fixture
def window(qtbot, compiler):
    """The real main window with the default lesson loaded and its gradient ready."""
    from gdviz.app import create_window

    win = create_window(compiler=compiler)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.controller.session is not None, timeout=15_000)
    yield win
    win.controller.shutdown()
