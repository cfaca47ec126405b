"""Lesson files: exact round trips, atomic saves, and strict, fast refusals."""

import copy
import json
import os
import time

import pytest

from gdviz.core.grid import ViewRange
from gdviz.core.lesson import (
    Lesson,
    LessonError,
    Panels,
    lesson_from_json,
    load_lesson,
    save_lesson,
)
from gdviz.core.regression import DataSettings, RegressionSetup
from gdviz.core.runs import MAX_STEPS_CAP, RunSettings, StopRules
from gdviz.core.schedules import Schedule

RICH = Lesson(
    function="x^2 + 3y^2",
    view=ViewRange(-3.5, 3.25, -2.0, 2.0),
    preset="Bowl",
    starts=((2.0, 1.5), (-1.0 / 3.0, 0.1), (0, -2)),
    race=("gd", "momentum", "adam"),
    settings=RunSettings(
        optimizer="adam",
        lr=0.012345678901234567,
        hyper={"beta1": 0.8, "eps": 1e-10},
        schedule=Schedule("cosine", t_max=50, eta_min=0.001, warmup=5),
        noise=0.25,
        seed=4_000_000_000,
        stop=StopRules(max_steps=5000, grad_tol=1e-6, f_tol=1e-12, x_tol=0.0, bound=1e6),
    ),
    panels=Panels(maths=False, status=True, loss=False),
    theme="dark",
    locked=("functionEdit", "raceTab", "settingsTabs"),
    lesson_mode=True,
    regression=RegressionSetup(DataSettings(30, 0.5, -1.0, 3.0, 7), mse=True),
)
FILE_DATA = RegressionSetup(mse=False, x=(0.0, 1.0, 2.5), y=(1.0, 3.0, 6.0),
                            source="good.csv, 3 points")


@pytest.mark.parametrize("lesson", [Lesson(), RICH, Lesson(regression=FILE_DATA)],
                         ids=["default", "rich", "regression file"])
def test_json_round_trip_is_exact(lesson):
    text = lesson.to_json()
    assert lesson_from_json(text) == lesson
    assert Lesson.from_dict(json.loads(text)) == lesson
    assert lesson_from_json(text).to_json() == text


def test_default_lesson_is_the_default_preset():
    from gdviz.core.presets import DEFAULT_PRESET

    lesson = Lesson()
    assert (lesson.function, lesson.view, lesson.starts) == (
        DEFAULT_PRESET.function, DEFAULT_PRESET.view, DEFAULT_PRESET.starts)
    assert lesson.settings.lr == DEFAULT_PRESET.lr and lesson.preset == DEFAULT_PRESET.name


def test_json_has_sorted_keys_and_version():
    data = json.loads(RICH.to_json())
    assert list(data) == sorted(data)
    assert data["format_version"] == 1
    assert data["settings"]["schedule"] == "cosine:50:0.001,warmup=5"


def test_save_and_load_on_disk(tmp_path):
    path = tmp_path / "rich.gdviz"
    save_lesson(path, RICH)
    assert load_lesson(path) == RICH
    assert path.read_text(encoding="utf-8") == RICH.to_json()
    save_lesson(path, Lesson())  # overwrite
    assert load_lesson(path) == Lesson()
    assert [p.name for p in tmp_path.iterdir()] == ["rich.gdviz"]


def test_optional_keys_take_defaults():
    text = json.dumps({"format_version": 1, "function": "x^2 + y^2", "starts": [[1, 2]],
                       "view": {"xmin": -1, "xmax": 1, "ymin": -2, "ymax": 2}})
    lesson = lesson_from_json(text)
    assert lesson == Lesson(function="x^2 + y^2", view=ViewRange(-1, 1, -2, 2),
                            starts=((1.0, 2.0),), preset=None)
    partial = json.loads(RICH.to_json())
    partial["settings"] = {"optimizer": "momentum", "stop": {"max_steps": 10}}
    del partial["panels"], partial["theme"]
    settings = lesson_from_json(json.dumps(partial)).settings
    assert settings == RunSettings(optimizer="momentum", stop=StopRules(max_steps=10))


def test_from_dict_mutates_nothing():
    data = json.loads(RICH.to_json())
    before = copy.deepcopy(data)
    Lesson.from_dict(data)
    data["settings"]["lr"] = -1
    with pytest.raises(LessonError):
        Lesson.from_dict(data)
    before["settings"]["lr"] = -1
    assert data == before


def test_newer_format_is_explained():
    data = json.loads(RICH.to_json())
    data["format_version"] = 2
    data["something_new"] = {"from": "the future"}
    with pytest.raises(LessonError) as caught:
        lesson_from_json(json.dumps(data))
    assert caught.value.field == "format_version"
    assert caught.value.message == (
        "this lesson was saved by a newer gdviz (format 2); this version reads format 1")
    assert str(caught.value) == f"format_version: {caught.value.message}"


def test_refused_function_carries_the_parser_message():
    data = json.loads(RICH.to_json())
    data["function"] = "__import__('os')"
    with pytest.raises(LessonError, match="'_' is not allowed"):
        Lesson.from_dict(data)


@pytest.mark.parametrize("fail", ["replace", "fsync"])
def test_interrupted_save_keeps_the_old_file(tmp_path, monkeypatch, fail):
    path = tmp_path / "lesson.gdviz"
    save_lesson(path, RICH)
    old = path.read_bytes()

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, fail, boom)
    with pytest.raises(OSError, match="disk full"):
        save_lesson(path, Lesson())
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["lesson.gdviz"]


def test_invalid_lesson_is_not_saved(tmp_path):
    path = tmp_path / "lesson.gdviz"
    with pytest.raises(LessonError) as caught:
        save_lesson(path, Lesson(settings=RunSettings(lr=-1)))
    assert caught.value.field == "settings.lr"
    assert not path.exists() and not list(tmp_path.iterdir())


def test_missing_file_and_directory(tmp_path):
    for path in (tmp_path / "nothing.gdviz", tmp_path):
        with pytest.raises(LessonError) as caught:
            load_lesson(path)
        assert caught.value.field == "file"


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "notepad.gdviz"
    path.write_bytes(b"\xef\xbb\xbf" + RICH.to_json().encode())
    assert load_lesson(path) == RICH


# ------------------------------------------------------------------ malformed files

BASE = RICH.to_dict()


def edit(change):
    """The JSON of RICH after ``change(data)`` (NaN and Infinity written as such)."""
    data = copy.deepcopy(BASE)
    change(data)
    return json.dumps(data)


def settings(**values):
    return edit(lambda d: d["settings"].update(values))


def stop(**values):
    return edit(lambda d: d["settings"]["stop"].update(values))


def top(**values):
    return edit(lambda d: d.update(values))


def view(**values):
    return edit(lambda d: d["view"].update(values))


def regression(**values):
    return edit(lambda d: d["regression"].update(values))


def regression_data(**values):
    return regression(data={"x": [0, 1, 2], "y": [1, 3, 5], "source": "f.csv", **values})


def without(key):
    return edit(lambda d: d.pop(key))


VALID = json.dumps(BASE)

MALFORMED = [
    ("not JSON", "{function: x^2}", "file"),
    ("truncated JSON", VALID[:-10], "file"),
    ("empty file", b"", "file"),
    ("only spaces", b"  \n ", "file"),
    ("list at top level", "[1, 2]", "file"),
    ("number at top level", "42", "file"),
    ("invalid UTF-8", b'{"function": "x\xff\xfe"}', "file"),
    ("binary", bytes(range(256)) * 4, "file"),
    ("2 MB file", b" " * 2_000_000 + VALID.encode(), "file"),
    ("10,000-deep nesting", "[" * 10_000 + "]" * 10_000, "file"),
    ("100,000-deep nesting", "[" * 100_000, "file"),
    ("20,000-deep objects", '{"a":' * 20_000, "file"),
    ("unclosed string of escapes", '{"function": "' + '\\"[' * 100_000, "file"),
    ("5000-digit integer", VALID.replace('"seed": ', '"seed": ' + "9" * 5000), "file"),
    ("4000-digit integer", settings(seed=10**4000), "settings.seed"),
    ("NaN", settings(lr=float("nan")), "settings.lr"),
    ("Infinity", edit(lambda d: d["starts"].append([float("inf"), 0])), "starts[3]"),
    ("-Infinity", view(xmin=float("-inf")), "view.xmin"),
    ("1e999 overflows", VALID.replace('"noise": 0.25', '"noise": 1e999'), "settings.noise"),
    ("duplicate key", VALID.replace('"lr": ', '"lr": 1, "lr": '), "settings.lr"),
    ("duplicate top key", VALID.replace('"theme": ', '"theme": "light", "theme": '), "theme"),
    ("unknown top-level key", top(colour="red"), "colour"),
    ("unknown nested key", stop(patience=3), "settings.stop.patience"),
    ("unknown settings key", settings(momentum=0.9), "settings.momentum"),
    ("missing function", without("function"), "function"),
    ("missing starts", without("starts"), "starts"),
    ("missing view key", edit(lambda d: d["view"].pop("ymin")), "view.ymin"),
    ("missing format_version", without("format_version"), "format_version"),
    ("function __import__", top(function="__import__('os')"), "function"),
    ("function x +", top(function="x +"), "function"),
    ("function not text", top(function=["x"]), "function"),
    ("format_version 2", top(format_version=2), "format_version"),
    ('format_version "1"', top(format_version="1"), "format_version"),
    ("format_version true", top(format_version=True), "format_version"),
    ("lr 0", settings(lr=0), "settings.lr"),
    ("lr -1", settings(lr=-1), "settings.lr"),
    ("lr true", settings(lr=True), "settings.lr"),
    ("lr text", settings(lr="0.1"), "settings.lr"),
    ("lr 1e4", settings(lr=1e4), "settings.lr"),
    ("view xmin > xmax", view(xmin=3, xmax=-3), "view.xmax"),
    ("view empty span", view(ymin=1, ymax=1), "view.ymax"),
    ("view 1e300", view(ymax=1e300), "view.ymax"),
    ("view is a list", top(view=[0, 1, 0, 1]), "view"),
    ("starts empty", top(starts=[]), "starts"),
    ("start [1]", top(starts=[[0, 0], [1]]), "starts[1]"),
    ('start ["a", 1]', top(starts=[["a", 1]]), "starts[0]"),
    ("start far away", top(starts=[[0, 0], [0, 0], [2e6, 0]]), "starts[2]"),
    ("too many starts", top(starts=[[0, 0]] * 33), "starts"),
    ("unknown optimizer", settings(optimizer="lbfgs"), "settings.optimizer"),
    ("hyper of another optimizer", settings(hyper={"momentum": 0.9}), "settings.hyper.momentum"),
    ("hyper for gd", settings(optimizer="gd", hyper={"beta1": 0.9}), "settings.hyper.beta1"),
    ("beta1 = 1.5", settings(hyper={"beta1": 1.5}), "settings.hyper.beta1"),
    ("eps true", settings(hyper={"eps": True}), "settings.hyper.eps"),
    ("max_steps 0", stop(max_steps=0), "settings.stop.max_steps"),
    ("max_steps 10**9", stop(max_steps=10**9), "settings.stop.max_steps"),
    ("max_steps 100.0", stop(max_steps=100.0), "settings.stop.max_steps"),
    ("negative tolerance", stop(grad_tol=-1e-8), "settings.stop.grad_tol"),
    ("bound 0", stop(bound=0), "settings.stop.bound"),
    ("bad schedule text", settings(schedule="cosine:zero"), "settings.schedule"),
    ("schedule padded", settings(schedule="constant" + " " * 300 + "x"), "settings.schedule"),
    ("noise too large", settings(noise=1e4), "settings.noise"),
    ("seed negative", settings(seed=-1), "settings.seed"),
    ("seed 2**32", settings(seed=2**32), "settings.seed"),
    ("theme neon", top(theme="neon"), "theme"),
    ("locked not allowed", top(locked=["functionEdit", "quitButton"]), "locked[1]"),
    ("locked not a list", top(locked="functionEdit"), "locked"),
    ("race duplicates", top(race=["gd", "adam", "gd"]), "race[2]"),
    ("race unknown", top(race=["gd", "sgd"]), "race[1]"),
    ("panels string value", edit(lambda d: d["panels"].update(maths="yes")), "panels.maths"),
    ("unknown panel", edit(lambda d: d["panels"].update(legend=True)), "panels.legend"),
    ("lesson_mode 1", top(lesson_mode=1), "lesson_mode"),
    ("unknown preset", top(preset="Banana"), "preset"),
    ("regression not an object", top(regression=[1]), "regression"),
    ("regression points 1", regression(points=1), "regression.points"),
    ("regression noise negative", regression(noise=-0.1), "regression.noise"),
    ("regression unknown key", regression(colour=1), "regression.colour"),
    ("regression mse 1", regression(mse=1), "regression.mse"),
    ("regression x and y differ", regression_data(y=[1, 2]), "regression.data"),
    ("regression x NaN", regression_data(x=[0, float("nan"), 2]), "regression.data.x[1]"),
    ("regression x all equal", regression_data(x=[1, 1, 1]), "regression.data"),
    ("regression y missing", regression(data={"x": [0, 1]}), "regression.data.y"),
    ("regression one point", regression_data(x=[0], y=[1]), "regression.data.x"),
    ("regression y huge", regression_data(y=[1, 2, 1e7]), "regression.data.y[2]"),
]


@pytest.mark.parametrize(("content", "field"), [case[1:] for case in MALFORMED],
                         ids=[case[0] for case in MALFORMED])
def test_malformed_lesson_is_refused_quickly(tmp_path, content, field):
    path = tmp_path / "bad.gdviz"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    began = time.perf_counter()
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    elapsed = time.perf_counter() - began
    assert caught.value.field == field, str(caught.value)
    assert str(caught.value) == f"{field}: {caught.value.message}"
    assert elapsed < 1.0  # a hang guard, ten times what it needs on a slow machine


def test_table_is_large_and_each_case_differs_from_the_valid_file():
    assert len(MALFORMED) >= 25
    assert lesson_from_json(VALID) == RICH
    assert len({case[1] for case in MALFORMED}) == len(MALFORMED)


def test_max_steps_cap_is_accepted():
    assert lesson_from_json(stop(max_steps=MAX_STEPS_CAP)).settings.stop.max_steps == (
        MAX_STEPS_CAP)
