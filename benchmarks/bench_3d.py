"""Frames per second of the 3D surface with 8 runs × 1,000 points while they step.

Needs a display with OpenGL; on a server run it under Xvfb (Mesa llvmpipe):
``QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1920x1080x24 +extension GLX +render"
.venv/bin/python benchmarks/bench_3d.py``. Each frame: one step of every run, the
view's path update and a real render (QOpenGLWidget.frameSwapped). Target: ≥ 30 fps.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS, POINTS, SECONDS = 8, 1000, 4.0
SIZES = ((1280, 720), (640, 480))


def frames_per_second(view, controller, size: tuple[int, int]) -> float:
    """Step, update and render as fast as frames are shown, for SECONDS; frames per second."""
    from PySide6.QtCore import QEventLoop, QTimer

    view.resize(*size)
    frames, loop = [], QEventLoop()

    def next_frame() -> None:
        frames.append(time.perf_counter())
        if frames[-1] - frames[0] > SECONDS:
            loop.quit()
            return
        controller.step()
        view.context.sigRefresh.emit()
        view.gl.update()

    view.gl.frameSwapped.connect(next_frame)
    QTimer.singleShot(500, view.gl.update)  # let the resize and expose settle
    loop.exec()
    view.gl.frameSwapped.disconnect(next_frame)
    return (len(frames) - 1) / (frames[-1] - frames[0])


def main() -> int:
    from gdviz.app import ensure_app
    from gdviz.app.controller import Controller
    from gdviz.app.views.base import ViewContext
    from gdviz.app.views.contour import ContourView
    from gdviz.app.views.surface3d import SurfaceView, gl_unavailable_reason
    from gdviz.core.compile_worker import CompileWorker
    from gdviz.core.presets import DEFAULT_PRESET
    from gdviz.core.runs import StopRules

    app = ensure_app()
    reason = gl_unavailable_reason()
    if reason:
        print(f"bench_3d: {reason}", file=sys.stderr)
        return 2
    c = Controller(CompileWorker(), owns_compiler=True)
    c.load_preset(DEFAULT_PRESET)
    c.settings = replace(c.settings, lr=1e-4, stop=StopRules(max_steps=100_000, grad_tol=0))
    starts = [(-1 + 0.5 * i, 4.5 - 0.4 * i) for i in range(RUNS)]
    deadline = time.monotonic() + 30
    while c.objective is None and time.monotonic() < deadline:
        app.processEvents()
    c.starts = starts
    c.restart()
    c.step(POINTS - 1)
    view = SurfaceView(ViewContext(c, ContourView()))
    view.show()
    view.set_active(True)
    for size in SIZES:
        fps = frames_per_second(view, c, size)
        points = sum(len(g.path(r)) for g in c.groups for r in range(g.size))
        print(f"3D surface: {fps:.1f} fps at {view.gl.width()}x{view.gl.height()}, "
              f"{sum(g.size for g in c.groups)} runs, {points} path points "
              f"({'meets' if fps >= 30 else 'below'} the 30 fps target)")
    c.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
