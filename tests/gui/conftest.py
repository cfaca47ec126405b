"""GUI fixtures: one compile worker for the session, a fresh main window per test."""

import pytest

from gdviz.core.compile_worker import CompileWorker


@pytest.fixture(scope="session")
def compiler():
    worker = CompileWorker()
    yield worker
    worker.close()


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
