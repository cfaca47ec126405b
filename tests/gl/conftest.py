"""3D (OpenGL) tests: they run only on a real display, e.g. under Xvfb with Mesa's llvmpipe.

``make test`` runs them as ``QT_QPA_PLATFORM=xcb xvfb-run ... pytest tests/gl``. Under the
offscreen suite every test here is skipped: a GLViewWidget on the offscreen platform
would crash the whole process. Nothing here imports pyqtgraph.opengl at collection time.
"""

import os
from pathlib import Path

import pytest

from gdviz.core.compile_worker import CompileWorker

HERE = Path(__file__).resolve().parent
NO_GL_PLATFORMS = ("offscreen", "minimal")


def gl_skip_reason() -> str | None:
    """Why these tests cannot run in this environment (None: they can)."""
    if not os.environ.get("DISPLAY"):
        return "3D tests need a display (run them under xvfb-run, as `make test` does)"
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.split(":")[0] in NO_GL_PLATFORMS:
        return f"3D tests need OpenGL: QT_QPA_PLATFORM={platform}"
    return None


def pytest_collection_modifyitems(config, items):
    reason = gl_skip_reason()
    if reason is None:
        return
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def compiler():
    worker = CompileWorker()
    yield worker
    worker.close()


@pytest.fixture
def controller(qtbot, compiler):
    """A controller with the default lesson loaded and its gradient ready."""
    from gdviz.app import ensure_app
    from gdviz.app.controller import Controller
    from gdviz.core.presets import DEFAULT_PRESET

    ensure_app()
    c = Controller(compiler)
    c.load_preset(DEFAULT_PRESET)
    qtbot.waitUntil(lambda: c.session is not None, timeout=15_000)
    yield c
    c.shutdown()


@pytest.fixture
def surface(qtbot, controller):
    """An active SurfaceView in a real (Xvfb) window, with its context."""
    from gdviz.app.views.base import ViewContext
    from gdviz.app.views.contour import ContourView
    from gdviz.app.views.surface3d import SurfaceView

    contour = ContourView()
    qtbot.addWidget(contour)
    context = ViewContext(controller, contour)
    view = SurfaceView(context)
    qtbot.addWidget(view)
    view.resize(640, 480)
    view.show()
    qtbot.waitExposed(view)
    view.set_active(True)
    assert view.gl is not None, view.reason
    yield view
    view.set_active(False)


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
