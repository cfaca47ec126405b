"""Presets: the data file, its strict reader, and that every preset shows its lesson."""

import copy
import json
from functools import cache

import numpy as np
import pytest

from gdviz.core.compiler import compile_function
from gdviz.core.expression import parse
from gdviz.core.grid import ViewRange, sample_grid
from gdviz.core.presets import (
    DEFAULT_PRESET,
    PRESETS,
    PRESETS_FILE,
    Preset,
    PresetError,
    load_presets,
    preset_named,
    presets_from_json,
)
from gdviz.core.runs import RunSettings, Session

NAMES = [p.name for p in PRESETS]
SLIDE_AWAY = {"Saddle", "Monkey saddle", "x² + xy (paper)"}  # no minimum: f falls without end


@cache
def compiled(name: str):
    return compile_function(preset_named(name).function)


def test_the_file_has_enough_presets_with_unique_names():
    assert PRESETS_FILE.name == "presets.json" and PRESETS_FILE.parent.name == "resources"
    assert len(PRESETS) >= 16
    assert len(set(NAMES)) == len(NAMES)
    assert all(isinstance(p, Preset) for p in PRESETS)
    assert load_presets() == PRESETS


def test_the_default_lesson_is_the_course_pages_rippled_bowl():
    assert DEFAULT_PRESET is PRESETS[0]
    assert DEFAULT_PRESET.name == "Ripples (course page)"
    assert DEFAULT_PRESET.function == "(x-1)^2 + 2(y-2)^2 + 0.5 sin(3x) sin(3y)"
    assert DEFAULT_PRESET.view == ViewRange(-1, 3, -1, 5)
    assert DEFAULT_PRESET.starts == ((-0.5, 4.0), (3.0, -0.5), (2.5, 4.5))
    assert DEFAULT_PRESET.lr == 0.05


def test_names_that_saved_lessons_use_are_kept():
    for name in ("Ripples (course page)", "Bowl", "Narrow valley", "Rosenbrock", "Himmelblau",
                 "Saddle", "sin x + cos y (course page)", "Linear regression (paper)"):
        assert preset_named(name).name == name
    assert NAMES[:8] == ["Ripples (course page)", "Bowl", "Narrow valley", "Rosenbrock",
                         "Himmelblau", "Saddle", "sin x + cos y (course page)",
                         "Linear regression (paper)"]
    with pytest.raises(KeyError, match="unknown preset 'Nope'; known: Ripples"):
        preset_named("Nope")


def test_the_course_material_and_classics_are_there():
    functions = {p.function.replace(" ", "") for p in PRESETS}
    for text in ("sin(x)+cos(y)", "x^2+xy", "x^2+y^2", "x^2-y^2", "x^3-3xy^2",
                 "(1-x)^2+100(y-x^2)^2", "(x^2+y-11)^2+(x+y^2-7)^2", "(x+2y-7)^2+(2x+y-5)^2"):
        assert text in functions, text
    for name in ("Beale", "Booth", "Rastrigin", "Six-hump camel", "Monkey saddle", "Round bowl",
                 "Ill-conditioned bowl", "Plateau with a narrow well"):
        assert name in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_preset_parses_compiles_and_gives_a_finite_grid(name):
    preset = preset_named(name)
    formula = parse(preset.function)
    assert formula.text == preset.function
    fn = compiled(name)
    grid = sample_grid(fn.f, preset.view, resolution=100)
    assert np.isfinite(grid.z).all()
    assert np.isfinite([grid.lo, grid.hi]).all() and grid.lo < grid.hi
    assert len(grid.levels) > 0 and len(grid.isolines[0]) > 0
    v = preset.view
    assert preset.starts and all(v.xmin <= x <= v.xmax and v.ymin <= y <= v.ymax
                                 for x, y in preset.starts)
    assert 1e-5 <= preset.lr <= 10
    assert preset.note and "\n" not in preset.note and len(preset.note) <= 300


@pytest.mark.parametrize("name", NAMES)
def test_each_default_run_reduces_f_at_every_start(name):
    preset = preset_named(name)
    fn = compiled(name)
    session = Session(fn)
    group = session.add(np.array(preset.starts), RunSettings(lr=preset.lr))
    first = group.values.copy()
    for _ in range(200):
        if not session.step():
            break
    last = group.values
    assert np.isfinite(first).all() and np.isfinite(last).all()
    assert (last < first).all(), (first, last)
    if name in SLIDE_AWAY:  # descent leaves the saddle: f drops below its value there
        assert (last < -1).all()
    else:  # a real lesson, not a rounding error: f falls by a visible amount ...
        drop = first - last
        assert (drop > 0).all()
        if name != "Plateau with a narrow well":  # ... except on the plateau's far start
            assert (drop > 1e-3 * np.maximum(1, np.abs(first))).all()


def test_plateau_stalls_far_out_and_the_near_start_finds_the_well():
    preset = preset_named("Plateau with a narrow well")
    session = Session(compiled(preset.name))
    group = session.add(np.array(preset.starts), RunSettings(lr=preset.lr))
    for _ in range(100):
        session.step()
    assert (group.values > 0.99).all()  # 100 steps in, both still on the plateau
    for _ in range(100):
        session.step()
    assert group.values[0] < 1e-6 and group.values[1] > 0.999  # one in the well, one stuck


def test_saddles_slide_away_from_the_critical_point():
    for name in ("Saddle", "Monkey saddle", "x² + xy (paper)"):
        preset = preset_named(name)
        session = Session(compiled(name))
        group = session.add(np.array(preset.starts), RunSettings(lr=preset.lr))
        for _ in range(200):
            session.step()
        for row in range(group.size):
            distance = np.hypot(*group.path(row).T)  # from the critical point (0, 0)
            assert distance[-1] > 1.1 * distance.min() > 0, name  # leaving, not converging


def test_loader_reads_a_written_file(tmp_path):
    path = tmp_path / "presets.json"
    path.write_text(PRESETS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_presets(path) == PRESETS


# ---------------------------------------------------------------- malformed files

GOOD = json.loads(PRESETS_FILE.read_text(encoding="utf-8"))


def _write(tmp_path, data) -> str:
    path = tmp_path / "bad.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _edit(change):
    data = copy.deepcopy(GOOD)
    change(data)
    return data


BAD = [
    ("missing name", lambda d: d["presets"][1].pop("name"), "preset 2: name", "is missing"),
    ("lr as text", lambda d: d["presets"][1].update(lr="fast"), "preset 2 ('Bowl'): lr",
     "must be a number, got the text 'fast'"),
    ("lr zero", lambda d: d["presets"][1].update(lr=0), "preset 2 ('Bowl'): lr",
     "between 1e-05 and 10"),
    ("lr bool", lambda d: d["presets"][1].update(lr=True), "preset 2 ('Bowl'): lr",
     "must be a number, got true"),
    ("bad function", lambda d: d["presets"][2].update(function="x^2 + import(os)"),
     "preset 3 ('Narrow valley'): function", "unknown function 'import'"),
    ("unknown name in function", lambda d: d["presets"][2].update(function="x^2 + z"),
     "preset 3 ('Narrow valley'): function", "z"),
    ("function not text", lambda d: d["presets"][2].update(function=3),
     "preset 3 ('Narrow valley'): function", "formula in quotes"),
    ("view key missing", lambda d: d["presets"][3]["view"].pop("ymax"),
     "preset 4 ('Rosenbrock'): view.ymax", "is missing"),
    ("view reversed", lambda d: d["presets"][3]["view"].update(xmax=-5),
     "preset 4 ('Rosenbrock'): view.xmax", "must be larger than xmin"),
    ("view value null", lambda d: d["presets"][3]["view"].update(ymin=None),
     "preset 4 ('Rosenbrock'): view.ymin", "must be a number, got null"),
    ("start outside view", lambda d: d["presets"][4].update(starts=[[0, 0], [9, 0]]),
     "preset 5 ('Himmelblau'): starts[1]", "outside the view"),
    ("start not a pair", lambda d: d["presets"][4].update(starts=[[0, 0, 0]]),
     "preset 5 ('Himmelblau'): starts[0]", "must be a pair [x, y], got a list of 3"),
    ("no starts", lambda d: d["presets"][4].update(starts=[]),
     "preset 5 ('Himmelblau'): starts", "got an empty list"),
    ("two-line note", lambda d: d["presets"][5].update(note="one\ntwo"),
     "preset 6 ('Saddle'): note", "one line"),
    ("empty note", lambda d: d["presets"][5].update(note=""),
     "preset 6 ('Saddle'): note", "non-empty text"),
    ("unknown field", lambda d: d["presets"][6].update(colour="red"),
     "preset 7 ('sin x + cos y (course page)'): colour", "is not a known field"),
    ("duplicate name", lambda d: d["presets"][7].update(name="Bowl"),
     "preset 8 ('Bowl'): name", "is used twice (also by preset 2)"),
    ("preset not an object", lambda d: d["presets"].__setitem__(0, ["Bowl"]), "preset 1",
     "must be an object"),
    ("empty list", lambda d: d.update(presets=[]), "presets", "got an empty list"),
    ("wrong version", lambda d: d.update(format_version=2), "format_version", "must be 1"),
    ("unknown top key", lambda d: d.update(extra=1), "extra", "is not a known field"),
]


@pytest.mark.parametrize(("change", "where", "why"), [b[1:] for b in BAD],
                         ids=[b[0] for b in BAD])
def test_a_malformed_file_is_refused_naming_preset_and_field(tmp_path, change, where, why):
    path = _write(tmp_path, _edit(change))
    with pytest.raises(PresetError) as info:
        load_presets(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {where}"), message
    assert why in info.value.message, message


@pytest.mark.parametrize(("text", "why"), [
    ("{", "not valid JSON"),
    ('{"format_version": 1, "presets": [], "presets": []}', "'presets' is given twice"),
    ('{"format_version": 1, "presets": [{"name": "a", "lr": NaN}]}', "NaN is not a number"),
    ("[1, 2]", "must be a JSON object"),
    ("", "not valid JSON"),
])
def test_broken_json_is_refused(tmp_path, text, why):
    path = _write(tmp_path, text)
    with pytest.raises(PresetError, match="bad.json") as info:
        load_presets(path)
    assert why in str(info.value)


def test_missing_or_non_utf8_file_is_refused(tmp_path):
    with pytest.raises(PresetError, match="cannot read the presets file"):
        load_presets(tmp_path / "nowhere.json")
    path = tmp_path / "latin1.json"
    path.write_bytes('{"note": "é"}'.encode("latin-1"))
    with pytest.raises(PresetError, match="not UTF-8"):
        load_presets(path)


def test_functions_in_the_file_are_never_run(tmp_path, monkeypatch):
    import builtins

    def refuse(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    data = _edit(lambda d: d["presets"][0].update(function="__import__('os').system('x')"))
    with pytest.raises(PresetError, match="preset 1 .*: function"):
        presets_from_json(json.dumps(data))
    assert presets_from_json(json.dumps(GOOD)) == PRESETS
