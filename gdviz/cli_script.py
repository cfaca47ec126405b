"""``--script FILE``: a lecture script in the window, or each scene rendered to a PNG.

``gdviz --script talk.gdscript`` opens the window at the script's first scene (without a
display it says so and exits with status 2); ``--export-png-dir DIR`` renders every
scene headless to DIR/scene-01.png, scene-02.png, ...: the map over the scene's view
with its runs after the scene's ``play`` steps and its caption drawn on top. A refused
script exits with status 2 and names the field at fault.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gdviz.cli import UsageError, has_display
from gdviz.core.safe_files import replace_atomically, write_target

OTHER_OPTIONS = ("lesson", "function", "export_csv", "export_png", "export_gif",
                 "export_mp4", "save_lesson")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("lecture scripts")
    group.add_argument("--script", metavar="FILE",
                       help="a .gdscript lecture script: opens the window at its first scene "
                       "(PageDown/PageUp: next/previous scene, Home/End, Esc leaves); a "
                       "refused script exits with status 2")
    group.add_argument("--export-png-dir", metavar="DIR",
                       help="with --script: render each scene headless to DIR/scene-01.png, "
                       "scene-02.png, ... (DIR is created if missing; --size sets the size)")


def wanted(args: argparse.Namespace) -> bool:
    return args.script is not None or args.export_png_dir is not None


def run_script(args: argparse.Namespace) -> int:
    """Check the script, then render its scenes or open it in the window."""
    if args.script is None:
        raise UsageError("--export-png-dir needs --script FILE")
    others = [f"--{name.replace('_', '-')}" for name in OTHER_OPTIONS
              if getattr(args, name) is not None]
    if others:
        raise UsageError(f"--script cannot be combined with {', '.join(others)}")
    script = read_script(args.script)
    if args.export_png_dir is not None:
        from gdviz.cli import _size

        size = _size(args.size)
        paths = output_paths(args.export_png_dir, len(script.scenes))
        render_scenes(script, paths, size)
        return 0
    if not has_display():
        print("gdviz: error: no display found, so the script cannot be shown in a window; "
              "render its scenes to pictures with --export-png-dir DIR", file=sys.stderr)
        return 2
    from gdviz.cli import _run_window

    return _run_window(script=script, script_path=args.script)


def read_script(path: str):
    from gdviz.app.views.registry import VIEWS
    from gdviz.core.lesson_checks import LessonError
    from gdviz.core.script import load_script

    try:
        return load_script(path, tuple(spec.name for spec in VIEWS))
    except LessonError as exc:
        raise UsageError(f"--script {path}: {exc}") from None


def output_paths(folder: str, count: int) -> list[Path]:
    """DIR/scene-01.png ... (created if missing); refused at once if any is not writable."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--export-png-dir: cannot create the folder {folder!r}: "
                         f"{exc.strerror or exc}") from None
    if not os.path.isdir(folder):
        raise UsageError(f"--export-png-dir: {folder!r} is not a folder")
    digits = max(2, len(str(count)))
    paths = [Path(folder) / f"scene-{i:0{digits}d}.png" for i in range(1, count + 1)]
    for path in paths:
        try:
            write_target(path)
        except OSError as exc:
            raise UsageError(f"--export-png-dir: {exc}") from None
    return paths


def scene_session(scene, objective):
    """The scene's runs after its ``play`` steps (fewer if they all stop earlier)."""
    from dataclasses import replace

    import numpy as np

    from gdviz.core.race import race_lrs
    from gdviz.core.runs import Session

    lesson = scene.lesson
    session = Session(objective)
    starts = np.array(lesson.starts, dtype=float)
    settings = lesson.settings
    lrs = {}
    if len(lesson.race) > 1:  # a fair race, each method with its η (as the window does)
        chosen = dict(lesson.race_lrs)
        if settings.optimizer in lesson.race:
            chosen.setdefault(settings.optimizer, settings.lr)
        lrs = race_lrs(lesson.race, chosen, lesson.view, settings.lr)
    for name in lesson.race or (settings.optimizer,):
        hyper = settings.hyper if name == settings.optimizer else {}
        session.add(starts, replace(settings, optimizer=name, hyper=hyper,
                                    lr=lrs.get(name, settings.lr)))
    for _ in range(scene.play):
        if not session.step():
            break
    return session


def render_scenes(script, paths: list[Path], size: tuple[int, int]) -> None:
    from gdviz.core.compiler import compile_function
    from gdviz.render import describe

    if not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from gdviz.app import ensure_app

    ensure_app(sys.argv[:1])
    from gdviz.app.exporting import FrameRenderer

    compiled: dict[str, object] = {}
    total = len(script.scenes)
    for number, (scene, out) in enumerate(zip(script.scenes, paths, strict=True), 1):
        lesson = scene.lesson
        if lesson.function not in compiled:
            compiled[lesson.function] = compile_function(lesson.function)
        session = scene_session(scene, compiled[lesson.function])
        view = lesson.view
        renderer = FrameRenderer(session.objective.f, session.groups, size,
                                 ((view.xmin, view.xmax), (view.ymin, view.ymax)))
        image = renderer.render(renderer.ticks)
        area = renderer.plot_area()
        renderer.close()
        draw_caption(image, area, scene.caption, f"scene {number} / {total}")

        def write(temp: str, image=image, out=out) -> None:
            if not image.save(temp, "PNG"):
                raise OSError(f"could not write {out}")

        replace_atomically(out, write)
        print(f"gdviz: scene {number}/{total} → {out}", file=sys.stderr)
        print(describe(session), file=sys.stderr)


def draw_caption(image, area, caption: str, indicator: str) -> None:
    """The caption in large white type on a translucent band across the foot of ``area``
    (the map's data area, a QRect), and the scene number in its top-right corner; the
    type shrinks until the caption fits."""
    from PySide6.QtCore import QPoint, QRect, Qt
    from PySide6.QtGui import QColor, QFont, QPainter

    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    width, height = area.width(), area.height()
    margin, pad = max(8, width // 100), max(8, width // 80)
    flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter)
    if caption:
        pixels = max(12, height // 18)
        inner = QRect(0, 0, width - 2 * (margin + pad), 100_000)
        while True:
            font = QFont()
            font.setPixelSize(pixels)
            font.setBold(True)
            painter.setFont(font)
            box = painter.boundingRect(inner, flags, caption)
            if (box.width() <= inner.width() and box.height() + 2 * pad <= 0.45 * height) \
                    or pixels <= 8:
                break
            pixels -= 1
        band = QRect(area.left() + margin, 0, width - 2 * margin, box.height() + 2 * pad)
        band.moveBottom(area.bottom() - margin)  # like subtitles: the legend stays in sight
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(20, 20, 20, 165))
        painter.drawRoundedRect(band, pad / 2, pad / 2)
        painter.setPen(QColor("white"))
        painter.drawText(band.adjusted(pad, pad, -pad, -pad), flags, caption)
    font = QFont()
    font.setPixelSize(max(12, height // 32))
    painter.setFont(font)
    box = painter.boundingRect(QRect(0, 0, width, height), 0, indicator)
    tag = QRect(0, 0, box.width() + 2 * pad, box.height() + pad // 2)
    tag.moveTopRight(QPoint(area.right() - margin, area.top() + margin))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(20, 20, 20, 140))
    painter.drawRoundedRect(tag, 4, 4)
    painter.setPen(QColor("white"))
    painter.drawText(tag, int(Qt.AlignmentFlag.AlignCenter), indicator)
    painter.end()
