"""The 3D view on the offscreen platform: it explains why there is no 3D, builds no GL."""

from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtWidgets import QApplication

from gdviz.app.views.base import ViewContext
from gdviz.app.views.surface3d import SurfaceView, gl_unavailable_reason


def test_guard_refuses_offscreen(qapp):
    assert QApplication.platformName() == "offscreen"
    assert "offscreen" in gl_unavailable_reason()


def test_activating_offscreen_shows_why_and_the_app_goes_on(qtbot, window):
    view = SurfaceView(ViewContext(window.controller, window.contour))
    qtbot.addWidget(view)
    view.show()
    view.set_active(True)
    assert view.gl is None
    assert view.label.isVisible()
    assert "3D needs OpenGL" in view.label.text() and "offscreen" in view.label.text()
    assert not view.findChildren(QOpenGLWidget) and not window.findChildren(QOpenGLWidget)
    c = window.controller
    before = len(c.groups[0].path(0))
    c.step(3)
    view.context.sigRefresh.emit()  # the inactive-GL view ignores frames quietly
    c.sigRunsReset.emit()
    view.set_active(False)
    view.set_active(True)
    assert len(c.groups[0].path(0)) == before + 3


def test_window_toggle_offscreen(qtbot, window):
    views = getattr(window, "views", None)
    if views is None or "surface3dView" not in getattr(views, "specs", {}):
        return  # no view manager yet: the test above covers the view itself
    views.set_shown("surface3dView", True)
    view = views.view("surface3dView")
    assert view.gl is None and "offscreen" in view.reason
    assert not window.findChildren(QOpenGLWidget)
    window.controller.step(2)
    views.set_shown("surface3dView", False)
    assert window.isVisible()
