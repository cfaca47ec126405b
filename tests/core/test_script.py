"""Lecture scripts: a good script loads; every malformed one is refused with its field."""

import json
import os
from pathlib import Path

import pytest

from gdviz.core.lesson import Lesson, LessonError
from gdviz.core.script import (
    MAX_FILE_BYTES,
    load_script,
    script_from_bytes,
    script_from_json,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "scripts" / "first-lecture.gdscript"
VIEWS = ("mathsView", "controlsView", "statusView", "lossView", "fieldView", "fogView",
         "gradNormView")


def lesson(**changes):
    data = {"format_version": 1, "function": "x^2 + 3y^2",
            "view": {"xmin": -3, "xmax": 3, "ymin": -3, "ymax": 3}, "starts": [[2, 1.5]]}
    data.update(changes)
    return data


def script(*scenes, **top):
    data = {"format_version": 1,
            "scenes": list(scenes) or [{"lesson": lesson(), "caption": "A bowl"}]}
    data.update(top)
    return json.dumps(data)


def refused(text, folder=None, known=VIEWS) -> LessonError:
    with pytest.raises(LessonError) as info:
        script_from_json(text, folder, known)
    return info.value


def test_the_sample_script_loads():
    loaded = load_script(SAMPLE, VIEWS)
    assert len(loaded.scenes) == 4
    assert loaded.title.startswith("First lecture")
    functions = [scene.lesson.function for scene in loaded.scenes]
    assert functions[0].startswith("(x-1)^2") and functions[2].startswith("(1-x)^2")
    assert loaded.scenes[1].lesson.settings.optimizer == "momentum"
    assert loaded.scenes[2].lesson.settings.optimizer == "adam"
    assert loaded.scenes[3].lesson.race == ("gd", "momentum", "adam")
    assert all(scene.caption and scene.play > 0 for scene in loaded.scenes)
    assert loaded.scenes[0].show == ("fieldView",)


def test_a_minimal_script_and_defaults():
    loaded = script_from_json(script())
    (scene,) = loaded.scenes
    assert scene.caption == "A bowl" and scene.play == 0 and scene.show == scene.hide == ()
    assert scene.lesson.function == "x^2 + 3y^2" and scene.source is None
    assert loaded.title == ""


def test_a_lesson_file_relative_to_the_script(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "bowl.gdviz").write_text(Lesson().to_json())
    path = tmp_path / "talk.gdscript"
    path.write_text(script({"lesson": "lessons/bowl.gdviz", "caption": "one", "play": 5},
                           {"lesson": "lessons/bowl.gdviz", "caption": "two\nlines"}))
    loaded = load_script(path)
    assert [s.lesson for s in loaded.scenes] == [Lesson(), Lesson()]
    assert loaded.scenes[0].source == "lessons/bowl.gdviz" and loaded.scenes[0].play == 5


def test_a_bom_is_skipped():
    assert script_from_bytes(b"\xef\xbb\xbf" + script().encode()).scenes


BAD = [
    # (script text, field named, words in the message)
    ("", "file", "empty"),
    ("[1, 2]", "file", "JSON object"),
    ("{not json", "file", "invalid JSON"),
    (json.dumps(lesson()), "file", "Open lesson"),
    ('{"scenes": []}', "format_version", "missing"),
    (script(format_version=2), "format_version", "newer"),
    (script(format_version="1"), "format_version", "whole number"),
    (script(speed=3), "speed", "unknown key"),
    (script(title=7), "title", "text"),
    ('{"format_version": 1, "scenes": {}}', "scenes", "list"),
    ('{"format_version": 1, "scenes": []}', "scenes", "1 to"),
    ('{"format_version": 1, "scenes": [], "scenes": []}', "scenes", "twice"),
    (script("first"), "scenes[0]", "object"),
    (script({"caption": "no lesson"}), "scenes[0].lesson", "missing"),
    (script({"lesson": lesson()}), "scenes[0].caption", "missing"),
    (script({"lesson": lesson(), "caption": "ok"}, {"lesson": lesson(), "caption": 3}),
     "scenes[1].caption", "text"),
    (script({"lesson": lesson(), "caption": "ok"}, {"lesson": lesson(), "caption": "ok"},
            {"lesson": lesson(), "caption": "x" * 301}), "scenes[2].caption", "at most 300"),
    (script({"lesson": lesson(), "caption": "tab\there"}), "scenes[0].caption", "control"),
    (script({"lesson": lesson(), "caption": "ok", "zoom": 2}), "scenes[0].zoom",
     "unknown key"),
    (script({"lesson": lesson(), "caption": "ok", "play": -1}), "scenes[0].play", "0 to"),
    (script({"lesson": lesson(), "caption": "ok", "play": 2.5}), "scenes[0].play",
     "whole number"),
    (script({"lesson": lesson(), "caption": "ok", "play": True}), "scenes[0].play",
     "whole number"),
    (script({"lesson": lesson(), "caption": "ok", "play": 10**6}), "scenes[0].play", "0 to"),
    (script({"lesson": lesson(), "caption": "ok", "show": "fogView"}), "scenes[0].show",
     "list"),
    (script({"lesson": lesson(), "caption": "ok", "show": ["cloudView"]}),
     "scenes[0].show[0]", "not a view name"),
    (script({"lesson": lesson(), "caption": "ok", "show": ["fogView", "fogView"]}),
     "scenes[0].show[1]", "twice"),
    (script({"lesson": lesson(), "caption": "ok", "show": ["fogView"],
             "hide": ["lossView", "fogView"]}), "scenes[0].hide[1]", "also in show"),
    (script({"lesson": 12, "caption": "ok"}), "scenes[0].lesson", "lesson object"),
    (script({"lesson": "", "caption": "ok"}), "scenes[0].lesson", "empty"),
    # errors inside an inline lesson carry the scene's path
    (script({"lesson": lesson(function="__import__('os')"), "caption": "ok"}),
     "scenes[0].lesson.function", "refused"),
    (script({"lesson": lesson(settings={"lr": -1}), "caption": "ok"}),
     "scenes[0].lesson.settings.lr", "above 0"),
    (script({"lesson": lesson(), "caption": "ok"},
            {"lesson": lesson(starts=[[0, "y"]]), "caption": "ok"}),
     "scenes[1].lesson.starts[0]", "number"),
    (script({"lesson": lesson(view={"xmin": 1, "xmax": -1, "ymin": -1, "ymax": 1}),
             "caption": "ok"}), "scenes[0].lesson.view.xmax", "greater"),
    (script({"lesson": {"function": "x^2"}, "caption": "ok"}),
     "scenes[0].lesson.format_version", "missing"),
    (script({"lesson": lesson(settings={"lr": float("nan")}), "caption": "ok"}),
     "scenes[0].lesson.settings.lr", "NaN"),
    ("[" * 50 + "]" * 50, "file", "nested"),
    (script({"lesson": lesson(), "caption": "ok", "play": 12345678901234567890123}),
     "scenes[0].play", "0 to"),
]


@pytest.mark.parametrize(("text", "field", "words"), BAD, ids=[b[1] for b in BAD])
def test_malformed_scripts_are_refused_with_their_field(text, field, words):
    error = refused(text)
    assert error.field == field, str(error)
    assert words in error.message, str(error)
    assert str(error).startswith(f"{field}: ")


def test_a_broken_lesson_file_is_named_with_the_scene(tmp_path):
    (tmp_path / "bad.gdviz").write_text(json.dumps(lesson(settings={"lr": 0})))
    path = tmp_path / "talk.gdscript"
    path.write_text(script({"lesson": lesson(), "caption": "ok"},
                           {"lesson": "bad.gdviz", "caption": "ok"}))
    with pytest.raises(LessonError) as info:
        load_script(path)
    assert info.value.field == "scenes[1].lesson"
    assert "bad.gdviz" in info.value.message and "settings.lr" in info.value.message


def test_a_missing_lesson_file_or_a_folder_is_refused(tmp_path):
    (tmp_path / "folder.gdviz").mkdir()
    for name, words in (("missing.gdviz", "cannot read"), ("folder.gdviz", "folder")):
        path = tmp_path / "talk.gdscript"
        path.write_text(script({"lesson": name, "caption": "ok"}))
        with pytest.raises(LessonError) as info:
            load_script(path)
        assert info.value.field == "scenes[0].lesson" and words in info.value.message


def test_a_lesson_path_needs_a_script_file():
    error = refused(script({"lesson": "bowl.gdviz", "caption": "ok"}))
    assert error.field == "scenes[0].lesson"


def test_size_limit_and_strict_utf8(tmp_path):
    with pytest.raises(LessonError) as info:
        script_from_bytes(b" " * (MAX_FILE_BYTES + 1))
    assert info.value.field == "file" and "too large" in info.value.message
    with pytest.raises(LessonError) as info:
        script_from_bytes(script().encode().replace(b"A bowl", b"A \xff bowl"))
    assert info.value.field == "file" and "UTF-8" in info.value.message


def test_a_lone_surrogate_in_a_caption_is_refused():
    error = refused(script({"lesson": lesson(), "caption": "\\ud800"}).replace("\\\\", "\\"))
    assert error.field == "scenes[0].caption"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_at_once(tmp_path):
    fifo = tmp_path / "talk.gdscript"
    os.mkfifo(fifo)
    with pytest.raises(LessonError) as info:
        load_script(fifo)
    assert info.value.field == "file" and "FIFO" in info.value.message


def test_view_names_are_checked_by_their_form_without_a_table():
    loaded = script_from_json(script({"lesson": lesson(), "caption": "ok",
                                      "show": ["someNewView"]}))
    assert loaded.scenes[0].show == ("someNewView",)
    error = refused(script({"lesson": lesson(), "caption": "ok", "show": ["no such"]}),
                    known=None)
    assert error.field == "scenes[0].show[0]"
