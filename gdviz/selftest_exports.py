"""The self-test's export checks: PNG, SVG, GIF and MP4 written from the window and read
back (frames, size, colours), each raising :class:`CheckFailed` with what went wrong."""

from __future__ import annotations

from pathlib import Path

MIN_COLOURS = 50  # a real contour map has hundreds; a blank or broken one a handful


class CheckFailed(Exception):
    """A check's expected outcome did not happen (the message says what and why)."""


def _png(app, window, folder: Path) -> str:
    from PySide6.QtGui import QImage

    app.processEvents()
    path = folder / "contour.png"
    if not window.contour.grab().save(str(path)):
        raise CheckFailed(f"could not write {path.name} (no PNG image plugin?)")
    image = QImage(str(path))
    if image.isNull():
        raise CheckFailed("the saved PNG does not load")
    colours = distinct_colours(image)
    if colours <= MIN_COLOURS:
        raise CheckFailed(f"the contour map is blank: {colours} colours "
                          f"({image.width()}x{image.height()})")
    return (f"contour map saved as PNG: {image.width()}x{image.height()}, "
            f"{colours} colours, {path.stat().st_size // 1024} KiB")


def distinct_colours(image, limit: int = 4096) -> int:
    """How many different colours ``image`` has (sampled on a grid, counted up to limit)."""
    width, height = image.width(), image.height()
    stride = max(1, int((width * height / 40_000) ** 0.5))
    seen: set[int] = set()
    for y in range(0, height, stride):
        for x in range(0, width, stride):
            seen.add(image.pixel(x, y))
        if len(seen) >= limit:
            break
    return len(seen)


def _svg(app, window, folder: Path) -> str:
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    path = folder / "contour.svg"
    widget = window.contour
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
    painter = QPainter(generator)
    widget.render(painter)
    painter.end()
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    if "<svg" not in text or len(text) < 2000:
        raise CheckFailed(f"the SVG is empty or broken ({len(text)} characters)")
    return f"contour map saved as SVG: {len(text) // 1024} KiB"


def _gif(window, folder: Path) -> str:
    """Pillow (animated GIF export) works: two frames of the map, written and read back."""
    from PIL import Image
    from PySide6.QtGui import QImage

    image = window.contour.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = bytes(image.constBits())[: stride * height]
    frame = Image.frombuffer("RGB", (width, height), data, "raw", "RGB", stride, 1)
    frames = [frame, frame.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    path = folder / "contour.gif"
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:], duration=100,
                   loop=0)
    with Image.open(path) as gif:
        count = getattr(gif, "n_frames", 1)
    if count != 2:
        raise CheckFailed(f"the GIF has {count} frames instead of 2")
    return f"animated GIF written with Pillow: {count} frames, {path.stat().st_size // 1024} KiB"


def _mp4(window, folder: Path) -> str:
    """MP4 export works in this bundle (imageio-ffmpeg and its ffmpeg program): three frames
    of the map written and read back by ffmpeg; or, in a bundle built without it, why not."""
    from PIL import Image
    from PySide6.QtGui import QImage

    from gdviz.app.exporting import encode_mp4

    try:
        import imageio_ffmpeg
    except ImportError:
        return ("MP4 export not in this bundle (imageio-ffmpeg left out: its ffmpeg would "
                "double the download); animated GIF export works")
    image = window.contour.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = bytes(image.constBits())[: stride * height]
    frame = Image.frombuffer("RGB", (width, height), data, "raw", "RGB", stride, 1)
    frames = [frame, frame.transpose(Image.Transpose.FLIP_LEFT_RIGHT), frame]
    path = folder / "contour.mp4"
    encode_mp4(frames, path, 10)
    count, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    if count != 3 or abs(seconds - 0.3) > 0.02:
        raise CheckFailed(f"the MP4 has {count} frames and {seconds:g} s instead of 3 and 0.3 s")
    reader = imageio_ffmpeg.read_frames(str(path))
    try:
        size = next(reader)["size"]
    finally:
        reader.close()
    if size != (width - width % 2, height - height % 2):
        raise CheckFailed(f"the MP4's frames are {size[0]}x{size[1]}, not {width}x{height}")
    return (f"MP4 written with imageio-ffmpeg {imageio_ffmpeg.__version__}: {count} frames, "
            f"{size[0]}x{size[1]}, {seconds:g} s, {path.stat().st_size // 1024} KiB")
