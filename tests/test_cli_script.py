"""``--script`` on the command line: scenes rendered to PNGs, refusals with status 2."""

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image

from gdviz.core.lesson import Lesson

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "scripts" / "first-lecture.gdscript"


def gdviz(*args, cwd=None):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=120)


def test_each_scene_of_the_sample_becomes_a_png(tmp_path):
    out = tmp_path / "slides" / "lecture-1"  # missing folders are created
    result = gdviz("--script", str(SAMPLE), "--export-png-dir", str(out), "--size", "400x300")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [f"scene-0{i}.png" for i in range(1, 5)]
    pictures = []
    for path in sorted(out.iterdir()):
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (400, 300)
            assert len(image.getcolors(100_000) or []) > 50  # a map, not a blank page
            pictures.append(image.convert("RGB").tobytes())
    assert len(set(pictures)) == 4
    assert "scene 4/4" in result.stderr


def test_relative_lesson_files_and_the_default_size(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "bowl.gdviz").write_text(Lesson().to_json())
    script = tmp_path / "talk.gdscript"
    script.write_text(json.dumps({"format_version": 1, "scenes": [
        {"lesson": "lessons/bowl.gdviz", "caption": "The bowl, before any step"},
        {"lesson": "lessons/bowl.gdviz", "caption": "", "play": 3}]}))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = gdviz("--script", str(script), "--export-png-dir", "out", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    files = sorted((elsewhere / "out").iterdir())
    assert [p.name for p in files] == ["scene-01.png", "scene-02.png"]
    with Image.open(files[0]) as first, Image.open(files[1]) as second:
        assert first.size == second.size == (1280, 800)
        assert first.convert("RGB").tobytes() != second.convert("RGB").tobytes()


def test_a_refused_script_exits_2_naming_the_field(tmp_path):
    bad = tmp_path / "bad.gdscript"
    bad.write_text(json.dumps({"format_version": 1, "scenes": [
        {"lesson": Lesson().to_dict(), "caption": "fine"},
        {"lesson": Lesson().to_dict(), "caption": 42}]}))
    out = tmp_path / "out"
    result = gdviz("--script", str(bad), "--export-png-dir", str(out))
    assert result.returncode == 2
    assert "scenes[1].caption" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()  # nothing made before the script is checked


def test_a_broken_inline_lesson_is_named_with_its_scene(tmp_path):
    data = Lesson().to_dict()
    data["settings"]["optimizer"] = "sgd"
    bad = tmp_path / "bad.gdscript"
    bad.write_text(json.dumps({"format_version": 1, "scenes": [
        {"lesson": data, "caption": "x"}]}))
    result = gdviz("--script", str(bad), "--export-png-dir", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "scenes[0].lesson.settings.optimizer" in result.stderr


def test_bad_outputs_and_combinations_exit_2(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    result = gdviz("--script", str(SAMPLE), "--export-png-dir", str(a_file))
    assert result.returncode == 2 and "export-png-dir" in result.stderr

    out = tmp_path / "out"
    (out / "scene-02.png").mkdir(parents=True)  # a folder where a picture would go
    result = gdviz("--script", str(SAMPLE), "--export-png-dir", str(out))
    assert result.returncode == 2 and "folder" in result.stderr
    assert not (out / "scene-01.png").exists()  # refused before any drawing

    result = gdviz("--export-png-dir", str(tmp_path / "x"))
    assert result.returncode == 2 and "--script" in result.stderr
    result = gdviz("--script", str(SAMPLE), "--lesson", "x.gdviz")
    assert result.returncode == 2 and "cannot be combined" in result.stderr


def test_without_a_display_the_window_is_not_opened(tmp_path):
    result = gdviz("--script", str(SAMPLE))
    assert result.returncode == 2
    assert "no display" in result.stderr and "--export-png-dir" in result.stderr
