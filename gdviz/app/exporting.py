"""Pictures for slides: PNG and SVG of a plot, the clipboard, animated GIF and MP4."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QObject, QRectF, QSize, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QGraphicsView, QWidget

from gdviz.app import style
from gdviz.app.views.contour import ContourView, RunFrame
from gdviz.core.grid import ViewRange, sample_grid
from gdviz.core.runs import RUNNING, RunGroup, legend_rows
from gdviz.core.safe_files import replace_atomically


def mp4_missing_message(frozen: bool | None = None) -> str:
    """Why MP4 export is unavailable: from source, how to add it; in the standalone app
    (PyInstaller, ``frozen``), that it was left out and why (packaging/gdviz.spec)."""
    if frozen is None:
        frozen = bool(getattr(sys, "frozen", False))
    if frozen:
        return ("MP4 export needs imageio-ffmpeg, which the standalone app leaves out: the "
                "ffmpeg program it carries would double the download (65 MB more). "
                "Export an animated GIF instead, or run gdviz from source with "
                "pip install 'gdviz[video]'.")
    return ("MP4 export needs the optional package imageio-ffmpeg: "
            "pip install 'gdviz[video]' (GIF export works without it).")


MP4_MISSING = mp4_missing_message()


def mp4_unavailable() -> str | None:
    """None if MP4 can be written here, else why not (in words for the user)."""
    try:
        import imageio_ffmpeg
    except ImportError:
        return MP4_MISSING
    try:
        imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:  # the package without its ffmpeg program, and none installed
        return f"MP4 export needs an ffmpeg program: {exc}"
    return None


def widget_image(widget: QWidget, scale: float = 2.0) -> QImage:
    """The widget drawn at ``scale`` times its size (sharp on slides)."""
    size = widget.size()
    image = QImage(QSize(round(size.width() * scale), round(size.height() * scale)),
                   QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if isinstance(widget, QGraphicsView):  # its render() fills the device's pixel size:
        widget.render(painter, QRectF(0, 0, size.width(), size.height()),  # say the
                      widget.viewport().rect())  # logical size, or it draws a quarter
    else:
        widget.render(painter)
    painter.end()
    return image


def save_png(widget: QWidget, path: str | os.PathLike, scale: float = 2.0) -> None:
    """Save the widget as a PNG (atomically); OSError if it cannot be written."""
    image = widget_image(widget, scale)

    def write(temp: str) -> None:
        if not image.save(temp, "PNG"):
            raise OSError(f"could not write {path}")

    replace_atomically(path, write)


def save_svg(widget: QWidget, path: str | os.PathLike, title: str = "gdviz") -> None:
    """Save the widget as SVG through QSvgGenerator (lines stay vectors)."""
    from PySide6.QtSvg import QSvgGenerator

    def write(temp: str) -> None:
        generator = QSvgGenerator()
        generator.setFileName(temp)
        generator.setSize(widget.size())
        generator.setViewBox(QRectF(0, 0, widget.width(), widget.height()))
        generator.setTitle(title)
        painter = QPainter(generator)
        widget.render(painter)
        if not painter.end():
            raise OSError(f"could not write {path}")

    replace_atomically(path, write)


def copy_image(widget: QWidget) -> None:
    """Put the widget's picture on the clipboard."""
    QGuiApplication.clipboard().setImage(widget_image(widget, 1.0))


# -- animations ----------------------------------------------------------------------
def frame_ticks(ticks: int, max_frames: int) -> list[int]:
    """Ticks to draw: the start, the end and evenly spaced ones between."""
    count = max(2, min(max_frames, ticks + 1))
    return sorted({round(t) for t in np.linspace(0, ticks, count)})


def frames_at(group: RunGroup, tick: int) -> list[RunFrame]:
    """What each run of ``group`` looked like after ``tick`` of its steps."""
    tick = min(tick, group.ticks)
    points, grads = group.column("points"), group.column("grads")
    steps, status = group.column("steps")[tick], group.column("status")[tick]
    frames = []
    for row in range(group.size):
        path = points[: tick + 1, row][: int(steps[row]) + 1]
        after = points[min(tick + 1, group.ticks), row]
        frames.append(RunFrame(path, grads[tick, row], after,
                               bool(status[row] == RUNNING and tick < group.ticks)))
    return frames


class FrameRenderer:
    """Draws the contour map with the runs at any tick, offscreen, at a fixed size."""

    def __init__(self, f, groups: Sequence[RunGroup], size: tuple[int, int],
                 view: tuple) -> None:
        """``f(x, y)`` is sampled over what the picture shows of ``view`` ((x0, x1), (y0, y1))."""
        self.groups = list(groups)
        self.view = ContourView()
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self.view.resize(*size)
        self.view.show()
        box = self.view.getPlotItem().getViewBox()
        (x0, x1), (y0, y1) = view
        box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        QGuiApplication.processEvents()  # lay out, so the equal-aspect range is final
        (x0, x1), (y0, y1) = box.viewRange()
        self.view.show_grid(sample_grid(f, ViewRange(x0, x1, y0, y1)), reset_range=False)
        starts = [tuple(p) for g in self.groups for p in g.column("points")[0]]
        self.view.set_runs(starts, style.run_colours(self.groups), legend_rows(self.groups))
        self.size = size

    @property
    def ticks(self) -> int:
        return max((g.ticks for g in self.groups), default=0)

    def render(self, tick: int) -> QImage:
        self.view.update_runs([f for g in self.groups for f in frames_at(g, tick)])
        image = QImage(QSize(*self.size), QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        self.view.render(painter)
        painter.end()
        return image

    def plot_area(self):
        """The map's data area in the rendered picture's pixels (a QRect)."""
        return self.view.plot_area()

    def close(self) -> None:
        self.view.close()
        self.view.deleteLater()


def qimage_to_pil(image: QImage):
    """A Pillow RGB image with the QImage's pixels."""
    from PIL import Image

    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height = image.width(), image.height()
    data = bytes(image.constBits())[: image.bytesPerLine() * height]
    return Image.frombuffer("RGB", (width, height), data, "raw", "RGB", image.bytesPerLine(), 1)


def encode_gif(images: list, path: str | os.PathLike, fps: float) -> None:
    """Write Pillow images as a looping animated GIF (atomically)."""
    if not images:
        raise ValueError("no frames to write")
    duration = max(20, round(1000 / fps))

    def write(temp: str) -> None:
        first, *rest = images
        first.save(temp, format="GIF", save_all=True, append_images=rest, duration=duration,
                   loop=0, optimize=False, disposal=1)

    replace_atomically(path, write)


def encode_mp4(images: list, path: str | os.PathLike, fps: float) -> None:
    """Write Pillow images as an H.264 MP4; RuntimeError(MP4_MISSING) without imageio-ffmpeg."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise RuntimeError(MP4_MISSING) from None
    if not images:
        raise ValueError("no frames to write")
    width, height = images[0].size
    width, height = width - width % 2, height - height % 2  # H.264 wants even sizes

    def write(temp: str) -> None:
        # "-f mp4": the container by name, not by the file name's extension
        writer = imageio_ffmpeg.write_frames(temp, (width, height), fps=fps, quality=8,
                                             macro_block_size=1, output_params=["-f", "mp4"])
        writer.send(None)
        for image in images:
            writer.send(image.crop((0, 0, width, height)).tobytes())
        writer.close()

    replace_atomically(path, write)


class AnimationExport(QObject):
    """Renders frames a few at a time on the GUI thread (it stays responsive), then
    encodes them on a worker thread; cancellable at any point."""

    sigProgress = Signal(int, int)  # frames done, frames in all
    sigFinished = Signal(str)  # the path written
    sigFailed = Signal(str)  # why it failed or was cancelled

    def __init__(self, renderer: FrameRenderer, path: str, fps: float, max_frames: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.renderer, self.path, self.fps = renderer, path, fps
        self.ticks = frame_ticks(renderer.ticks, max_frames)
        self.images: list = []
        self.cancelled = False
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._render_next)

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self.cancelled = True
        self._timer.stop()

    def _render_next(self) -> None:
        if self.cancelled:
            return
        try:
            tick = self.ticks[len(self.images)]
            self.images.append(qimage_to_pil(self.renderer.render(tick)))
        except Exception as exc:  # noqa: BLE001 - reported, never lost
            self._fail(f"could not draw frame {len(self.images) + 1}: {exc}")
            return
        self.sigProgress.emit(len(self.images), len(self.ticks))
        if len(self.images) == len(self.ticks):
            self._timer.stop()
            self.renderer.close()
            QThreadPool.globalInstance().start(self._encode)

    def _encode(self) -> None:  # on a worker thread
        try:
            if self.cancelled:
                raise InterruptedError("cancelled")
            encode = encode_mp4 if self.path.lower().endswith(".mp4") else encode_gif
            encode(self.images, self.path, self.fps)
        except InterruptedError:
            self.sigFailed.emit("cancelled")
        except Exception as exc:  # noqa: BLE001
            self.sigFailed.emit(str(exc))
        else:
            self.sigFinished.emit(self.path)

    def _fail(self, reason: str) -> None:
        self._timer.stop()
        self.renderer.close()
        self.sigFailed.emit(reason)
