"""The command line, run as a user would: CSV values, exit statuses, headless pictures."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def gdviz(*args, cwd=None):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_csv_of_a_known_descent(tmp_path):
    out = tmp_path / "gd.csv"
    result = gdviz("--function", "x^2 + 3y^2", "--start", "2,1.5", "--lr", "0.05",
                   "--steps", "3", "--export-csv", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows[0] == ["step", "x", "y", "f", "grad_x", "grad_y"]
    assert len(rows) == 5
    x, y = 2.0, 1.5
    for step, row in enumerate(rows[1:]):
        assert [float(v) for v in row] == [step, x, y, x**2 + 3 * y**2, 2 * x, 6 * y]
        x, y = x - 0.05 * (2 * x), y - 0.05 * (6 * y)


def test_negative_values_and_optimizer_options(tmp_path):
    out = tmp_path / "qhm.csv"
    result = gdviz("--function=-x^2+y^2", "--start=-1.5,2", "--optimizer", "qhm",
                   "--momentum", "0.5", "--nu", "0.7", "--steps", "4", "--export-csv", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(out.read_text().splitlines()))[1:]
    assert len(rows) == 5 and float(rows[0][1]) == -1.5
    # qhm: b = β b + (1-β) g with β = 0.5 from --momentum; x ← x − η((1-ν) g + ν b)
    g = -2 * -1.5
    b = 0.5 * 0 + 0.5 * g
    assert float(rows[1][1]) == pytest.approx(-1.5 - 0.05 * (0.3 * g + 0.7 * b), rel=1e-15)


@pytest.mark.parametrize("args", [
    ["--function", "x^2 + z", "--start", "1,1"],
    ["--function", "__import__('os')", "--start", "1,1"],
    ["--function", "x^2", "--start", "1"],
    ["--function", "x^2", "--start", "1,1", "--beta1", "0.5"],
    ["--function", "x^2", "--start", "1,1", "--lr", "-1"],
    ["--function", "x^2", "--start", "1,1", "--schedule", "cosine:-3"],
    ["--function", "x^2", "--start", "1,1", "--optimizer", "sgd"],
])
def test_bad_input_exits_with_status_2(args):
    result = gdviz(*args)
    assert result.returncode == 2
    assert "error" in result.stderr and "Traceback" not in result.stderr


def test_lesson_round_trip_and_pictures(tmp_path):
    lesson, png, gif = tmp_path / "l.gdviz", tmp_path / "map.png", tmp_path / "d.gif"
    result = gdviz("--function", "(1-x)^2 + 100(y-x^2)^2", "--start=-1.5,2", "--optimizer",
                   "adam", "--lr", "0.05", "--steps", "60", "--save-lesson", str(lesson))
    assert result.returncode == 0, result.stderr
    result = gdviz("--lesson", str(lesson), "--export-png", str(png), "--export-gif", str(gif),
                   "--frames", "6", "--size", "400x300")
    assert result.returncode == 0, result.stderr
    assert "rendering frame 6/6" in result.stderr
    with Image.open(png) as image:
        assert image.size == (400, 300) and len(image.getcolors(100_000) or []) > 50
    with Image.open(gif) as image:
        assert image.n_frames == 6 and image.size == (400, 300)


def test_refused_lesson_exits_2(tmp_path):
    bad = tmp_path / "bad.gdviz"
    bad.write_text('{"format_version": 1, "function": "x^", "view": {}, "starts": []}')
    result = gdviz("--lesson", str(bad), "--export-png", str(tmp_path / "x.png"))
    assert result.returncode == 2 and "--lesson" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_without_a_display_renders_the_default_lesson(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, str(ROOT / "main.py")], capture_output=True,
                            text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "no display" in result.stderr
    assert (tmp_path / "gdviz-default.png").stat().st_size > 10_000
    assert "Converged at step" in result.stdout


def test_help_and_versions():
    assert "--export-gif" in gdviz("--help").stdout
    versions = gdviz("--versions").stdout
    assert "PySide6" in versions and "sympy" in versions and "Qt" in versions


def test_outputs_follow_links_and_refuse_fifos_folders_and_devices(tmp_path):
    from tests.core.test_safe_files import kind, special_files

    real, link = tmp_path / "real.png", tmp_path / "link.png"
    link.symlink_to(real)
    descent = ("--function", "x^2 + y^2", "--start", "1,1", "--steps", "5", "--size",
               "300x200")
    result = gdviz(*descent, "--export-png", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    with Image.open(real) as image:
        assert image.size == (300, 200)
    for special in special_files(tmp_path):
        before = kind(special)
        for option in ("--export-png", "--export-csv", "--save-lesson", "--export-gif"):
            result = gdviz(*descent, option, str(special))
            assert result.returncode == 2, (option, special, result.stderr)
            assert f"{option}: {special}: it is a" in result.stderr, result.stderr
            assert "Traceback" not in result.stderr and "Gradient descent" not in result.stderr
        result = gdviz("--function", "x^2", "--sweep-csv", str(special))
        assert result.returncode == 2 and "--sweep-csv" in result.stderr
        assert kind(special) == before


def test_reading_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)
    result = gdviz("--regression", "--data", str(fifo))  # timeout=120 if it would hang
    assert result.returncode == 2 and "FIFO" in result.stderr and "not a regular file" \
        in result.stderr, result.stderr
    result = gdviz("--lesson", str(fifo))
    assert result.returncode == 2 and "FIFO" in result.stderr
