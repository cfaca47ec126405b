"""Headless pictures of a lesson: its descent run to the end, drawn offscreen."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import numpy as np

from gdviz.core.grid import ViewRange
from gdviz.core.lesson import Lesson
from gdviz.core.runs import Session, run_labels
from gdviz.core.safe_files import replace_atomically


def run_lesson(lesson: Lesson, objective=None) -> Session:
    """Compile the lesson's function and run its descents until every run has stopped."""
    from dataclasses import replace

    from gdviz.core.compiler import compile_function

    objective = objective or compile_function(lesson.function)
    session = Session(objective)
    starts = np.array(lesson.starts, dtype=float)
    for name in lesson.race or (lesson.settings.optimizer,):
        hyper = lesson.settings.hyper if name == lesson.settings.optimizer else {}
        session.add(starts, replace(lesson.settings, optimizer=name, hyper=hyper))
    while session.step():
        pass
    return session


def fitted_view(session: Session) -> ViewRange:
    """A view that frames every path with a margin (for functions without a preset)."""
    points = np.concatenate([g.path(i) for g in session.groups for i in range(g.size)])
    points = points[np.isfinite(points).all(1)]
    lo, hi = points.min(0), points.max(0)
    pad = np.maximum((hi - lo) * 0.25, 1.0)
    return ViewRange(lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])


def _renderer(lesson: Lesson, session: Session, size: tuple[int, int]):
    _offscreen_app()
    from gdviz.app.exporting import FrameRenderer

    view = lesson.view
    return FrameRenderer(session.objective.f, session.groups, size,
                         ((view.xmin, view.xmax), (view.ymin, view.ymax)))


def render_png(lesson: Lesson, session: Session, out: str, size: tuple[int, int]) -> None:
    """The final state of every run over the lesson's view, as a PNG."""
    renderer = _renderer(lesson, session, size)
    image = renderer.render(renderer.ticks)
    renderer.close()

    def write(temp: str) -> None:
        if not image.save(temp, "PNG"):
            raise OSError(f"could not write {out}")

    replace_atomically(out, write)


def render_animation(lesson: Lesson, session: Session, out: str, size: tuple[int, int],
                     fps: float, max_frames: int,
                     progress: Callable[[int, int], None] | None = None,
                     mp4: bool | None = None) -> int:
    """The descent as an animated GIF, or an MP4 if ``mp4`` (by default: if ``out`` ends in
    .mp4); returns the frame count. RuntimeError before any drawing if MP4 cannot be written."""
    from gdviz.app import exporting

    mp4 = out.lower().endswith(".mp4") if mp4 is None else mp4
    if mp4 and (why := exporting.mp4_unavailable()):
        raise RuntimeError(why)

    renderer = _renderer(lesson, session, size)
    ticks = exporting.frame_ticks(renderer.ticks, max_frames)
    images = []
    for done, tick in enumerate(ticks, 1):
        images.append(exporting.qimage_to_pil(renderer.render(tick)))
        if progress is not None:
            progress(done, len(ticks))
    renderer.close()
    encode = exporting.encode_mp4 if mp4 else exporting.encode_gif
    encode(images, out, fps)
    return len(images)


def describe(session: Session) -> str:
    """Where each run went, one line per run."""
    lines = []
    for label, (group, row) in zip(run_labels(session.groups),
                                   ((g, r) for g in session.groups for r in range(g.size)),
                                   strict=True):
        path = group.path(row)
        shown = " → ".join(f"({x:.4g}, {y:.4g})" for x, y in path[:4])
        lines.append(f"  {label}: {shown}{' → …' if len(path) > 5 else ''} → "
                     f"({path[-1, 0]:.4g}, {path[-1, 1]:.4g}), f = {group.values[row]:.6g}. "
                     f"{group.message(row)}")
    return "\n".join(lines)


def _offscreen_app():
    from gdviz.cli import has_display

    if not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from gdviz.app import ensure_app

    return ensure_app(sys.argv[:1])
