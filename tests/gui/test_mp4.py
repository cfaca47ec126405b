"""MP4 export for real: the files are read back with ffmpeg (imageio-ffmpeg, a dev extra).

Frame count, frame size and duration are checked for the encoder itself, for the window's
export (File → Export animation) and for the headless ``--export-mp4``; without
imageio-ffmpeg each path says how to get it instead of failing late.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")

from gdviz.app import exporting  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def probe(path: Path) -> dict:
    """What ffmpeg reads from the file: frames decoded, seconds, and the header's metadata."""
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    reader = imageio_ffmpeg.read_frames(str(path))
    try:
        meta = next(reader)
        first = next(reader)
    finally:
        reader.close()  # stops ffmpeg and closes its pipes
    return {"frames": frames, "seconds": seconds, "first": first, **meta}


def numbered_frames(count: int, size: tuple[int, int]) -> list:
    """Frames that differ (a bar that moves), so no encoder can merge them."""
    images = []
    for k in range(count):
        image = Image.new("RGB", size, (250, 250, 250))
        ImageDraw.Draw(image).rectangle((k * 20, 10, k * 20 + 15, size[1] - 10),
                                        fill=(200, 30, 30))
        images.append(image)
    return images


def no_imageio_ffmpeg(monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # `import` raises ImportError


def test_encoder_writes_every_frame_at_its_size_and_rate(tmp_path):
    out = tmp_path / "clip.mp4"
    exporting.encode_mp4(numbered_frames(7, (321, 241)), out, 10)
    info = probe(out)
    assert info["codec"] == "h264" and info["pix_fmt"].startswith("yuv420p")
    assert info["frames"] == 7
    assert info["size"] == (320, 240)  # H.264 wants even sizes: one column and row cropped
    assert info["fps"] == 10
    assert info["seconds"] == pytest.approx(0.7, abs=0.01)
    assert info["duration"] == pytest.approx(0.7, abs=0.01)
    assert len(info["first"]) == 320 * 240 * 3
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]  # no temporary file left


def test_encoder_writes_mp4_whatever_the_file_is_called(tmp_path):
    out = tmp_path / "clip.video"
    exporting.encode_mp4(numbered_frames(3, (200, 120)), out, 5)
    assert out.read_bytes()[4:8] == b"ftyp"  # an MP4 (ISO media) file
    info = probe(out)
    assert (info["frames"], info["size"]) == (3, (200, 120))
    assert info["seconds"] == pytest.approx(0.6, abs=0.01)


def test_encoder_refuses_nothing_and_leaves_no_file(tmp_path):
    with pytest.raises(ValueError, match="no frames"):
        exporting.encode_mp4([], tmp_path / "empty.mp4", 10)
    assert list(tmp_path.iterdir()) == []


def test_window_export_writes_an_mp4_of_the_descent(qtbot, window, tmp_path):
    window.controller.step(30)
    qtbot.waitUntil(lambda: window.controller.groups[0].ticks >= 30, timeout=5000)
    out = tmp_path / "descent.mp4"
    job = window.files.export_animation(str(out), (321, 240), 12, 9)
    assert job is not None
    with qtbot.waitSignal(job.sigFinished, timeout=30_000) as finished:
        pass
    assert finished.args == [str(out)]
    assert len(job.ticks) == 9
    info = probe(out)
    assert info["frames"] == 9
    assert info["size"] == (320, 240)
    assert info["fps"] == 12
    assert info["seconds"] == pytest.approx(9 / 12, abs=0.01)
    assert "9 frames" in window.statusBar().currentMessage()


def gdviz(*args, **kwargs):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, **kwargs)


def test_headless_export_mp4(tmp_path):
    out = tmp_path / "descent.mp4"
    result = gdviz("--function", "x^2 + 3y^2", "--start", "2,1.5", "--lr", "0.05",
                   "--steps", "40", "--export-mp4", str(out), "--fps", "8", "--frames", "12",
                   "--size", "400x300")
    assert result.returncode == 0, result.stderr
    assert f"wrote 12 frames to {out}" in result.stderr
    info = probe(out)
    assert (info["frames"], info["size"], info["fps"]) == (12, (400, 300), 8)
    assert info["seconds"] == pytest.approx(1.5, abs=0.01)


def test_headless_export_mp4_without_imageio_ffmpeg_says_how_to_get_it(
        tmp_path, monkeypatch, capsys):
    from gdviz import cli

    no_imageio_ffmpeg(monkeypatch)
    out = tmp_path / "descent.mp4"
    assert cli.main(["--function", "x^2", "--start", "1,1", "--export-mp4", str(out)]) == 2
    err = capsys.readouterr().err
    assert "imageio-ffmpeg" in err and "gdviz[video]" in err
    assert "rendering frame" not in err  # refused before any work
    assert not out.exists()


def test_missing_message_names_the_package_and_why_the_bundle_lacks_it():
    source = exporting.mp4_missing_message(frozen=False)
    assert "imageio-ffmpeg" in source and "pip install 'gdviz[video]'" in source
    bundle = exporting.mp4_missing_message(frozen=True)
    assert "imageio-ffmpeg" in bundle and "standalone app" in bundle and "MB" in bundle
    assert "GIF" in bundle


def test_self_test_mp4_check(window, tmp_path, monkeypatch):
    """The bundle's --self-test line: a real MP4 when it carries imageio-ffmpeg, else why not."""
    from gdviz import selftest

    message = selftest._mp4(window, tmp_path)
    assert "MP4 written" in message and "3 frames" in message
    no_imageio_ffmpeg(monkeypatch)
    message = selftest._mp4(window, tmp_path)
    assert "not in this bundle" in message and "GIF" in message
