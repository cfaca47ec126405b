"""Lecture scripts through the window: open, PageDown/PageUp/Home/End, captions, Esc."""

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QFontMetrics
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from gdviz.core.lesson import Lesson
from gdviz.core.presets import PRESETS
from tests.gui.test_core_loop import wait_ready

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "resources" / "scripts" / "first-lecture.gdscript"
VIEW = {"xmin": -3, "xmax": 3, "ymin": -3, "ymax": 3}


def inline(function, starts, **more):
    return {"format_version": 1, "function": function, "view": VIEW, "starts": starts, **more}


@pytest.fixture
def script_path(tmp_path):
    valley = next(p for p in PRESETS if p.name == "Narrow valley")
    (tmp_path / "valley.gdviz").write_text(
        Lesson(function=valley.function, view=valley.view, preset=valley.name,
               starts=valley.starts).to_json())
    path = tmp_path / "talk.gdscript"
    path.write_text(json.dumps({"format_version": 1, "title": "Test talk", "scenes": [
        {"lesson": inline("x^2 + 3y^2", [[2, 1.5]], settings={"lr": 0.05}),
         "caption": "One bowl", "play": 5, "show": ["fieldView"]},
        {"lesson": "valley.gdviz", "caption": "Two: the valley in fog",
         "show": ["fogView"], "hide": ["fieldView"]},
        {"lesson": inline("sin(x) + cos(y)", [[1, 0.5], [-1, 1]],
                          settings={"optimizer": "momentum", "lr": 0.1}),
         "caption": "Three", "play": 7, "hide": ["fogView", "lossView"]},
    ]}))
    return path


def caption(window):
    return window.findChild(QLabel, "sceneCaption")


def indicator(window):
    return window.findChild(QLabel, "sceneIndicator")


def at_scene(qtbot, window, number, function):
    qtbot.waitUntil(lambda: indicator(window).text() == f"scene {number} / 3", timeout=5000)
    wait_ready(qtbot, window, function)


def steps_done(window, steps):
    """The scene has played: every run is at ``steps`` steps and nothing plays on."""
    groups = window.controller.groups
    return (bool(groups) and not window.script_player.playing
            and all(g.ticks == steps for g in groups))


def test_open_script_from_the_file_menu(qtbot, window, script_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *args, **kwargs: (str(script_path), ""))
    window.findChild(QAction, "openScriptAction").trigger()
    at_scene(qtbot, window, 1, "x^2 + 3y^2")
    assert caption(window).text() == "One bowl" and caption(window).isVisible()
    assert indicator(window).isVisible()


def test_keys_walk_through_the_scenes(qtbot, window, script_path):
    assert window.script_player.open(str(script_path))
    at_scene(qtbot, window, 1, "x^2 + 3y^2")
    assert window.views.is_shown("fieldView") and window.views.is_shown("lossView")
    qtbot.waitUntil(lambda: steps_done(window, 5), timeout=10_000)
    assert [tuple(g.column("points")[0, 0]) for g in window.controller.groups] == [(2, 1.5)]

    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    at_scene(qtbot, window, 2, "x^2 + 25y^2")
    assert caption(window).text() == "Two: the valley in fog"
    assert window.views.is_shown("fogView") and not window.views.is_shown("fieldView")
    assert window.controller.starts == [(-2.5, 1.0)]
    assert "momentum helps" in window.caption_label.text()  # the valley's own note
    assert all(g.ticks == 0 for g in window.controller.groups)  # "play" left out: 0 steps

    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    at_scene(qtbot, window, 3, "sin(x) + cos(y)")
    assert caption(window).text() == "Three"
    assert not window.views.is_shown("fogView") and not window.views.is_shown("lossView")
    qtbot.waitUntil(lambda: steps_done(window, 7), timeout=10_000)
    assert window.controller.settings.optimizer == "momentum"
    assert sum(g.size for g in window.controller.groups) == 2

    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # past the last scene: stays there
    assert indicator(window).text() == "scene 3 / 3"

    qtbot.keyClick(window, Qt.Key.Key_PageUp)
    at_scene(qtbot, window, 2, "x^2 + 25y^2")
    qtbot.keyClick(window, Qt.Key.Key_Home)
    at_scene(qtbot, window, 1, "x^2 + 3y^2")
    assert caption(window).text() == "One bowl"
    qtbot.waitUntil(lambda: steps_done(window, 5), timeout=10_000)
    qtbot.keyClick(window, Qt.Key.Key_PageUp)  # before the first scene: stays there
    assert indicator(window).text() == "scene 1 / 3"
    qtbot.keyClick(window, Qt.Key.Key_End)
    at_scene(qtbot, window, 3, "sin(x) + cos(y)")
    qtbot.waitUntil(lambda: steps_done(window, 7), timeout=10_000)


def test_keys_work_in_plots_only_mode_and_esc_leaves_the_script(qtbot, window, script_path):
    assert window.script_player.open(str(script_path))
    at_scene(qtbot, window, 1, "x^2 + 3y^2")
    qtbot.keyClick(window, Qt.Key.Key_P)  # plots only: no menu bar
    qtbot.waitUntil(lambda: not window.menuBar().isVisible(), timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    at_scene(qtbot, window, 2, "x^2 + 25y^2")

    qtbot.keyClick(window, Qt.Key.Key_Escape)  # the script goes first ...
    qtbot.waitUntil(lambda: not window.script_player.active, timeout=5000)
    assert not caption(window).isVisible() and not indicator(window).isVisible()
    assert window.menus.plots_only_action.isChecked()
    assert window.controller.text == "x^2 + 25y^2"  # the screen stays as it was
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # no script: the key does nothing
    assert window.controller.text == "x^2 + 25y^2"
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # ... then plots only
    qtbot.waitUntil(lambda: window.menuBar().isVisible(), timeout=5000)


def test_close_script_from_the_menu(qtbot, window, script_path):
    assert window.script_player.open(str(script_path))
    at_scene(qtbot, window, 1, "x^2 + 3y^2")
    window.findChild(QAction, "closeScriptAction").trigger()
    assert not window.script_player.active and not caption(window).isVisible()
    assert not window.findChild(QAction, "nextSceneAction").isEnabled()


@pytest.mark.parametrize("content", [
    "not json",
    '{"format_version": 1, "scenes": [{"lesson": "missing.gdviz", "caption": "x"}]}',
    '{"format_version": 1, "scenes": [{"lesson": {"format_version": 1, "function": "x^2", '
    '"view": {"xmin": -1, "xmax": 1, "ymin": -1, "ymax": 1}, "starts": [[0, 0]]}, '
    '"caption": "ok", "show": ["cloudView"]}]}',
])
def test_a_bad_script_changes_nothing(qtbot, window, tmp_path, script_path, content):
    before = window.lesson()
    bad = tmp_path / "bad.gdscript"
    bad.write_text(content)
    assert not window.script_player.open(str(bad))
    assert window.lesson() == before
    assert not window.script_player.active and not caption(window).isVisible()
    assert "Script not opened" in window.statusBar().currentMessage()
    assert "bad.gdscript" in window.statusBar().currentMessage()

    for box in window.findChildren(QMessageBox, "problemBox"):
        box.close()  # the lecturer reads the message and closes it
    window.activateWindow()
    assert window.script_player.open(str(script_path))  # with a script open, too
    at_scene(qtbot, window, 1, "x^2 + 3y^2")
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    at_scene(qtbot, window, 2, "x^2 + 25y^2")
    assert not window.script_player.open(str(bad))
    assert indicator(window).text() == "scene 2 / 3" and window.script_player.active
    assert caption(window).text() == "Two: the valley in fog"


def test_the_field_of_a_refusal_is_named(qtbot, window, tmp_path):
    bad = tmp_path / "bad.gdscript"
    bad.write_text(json.dumps({"format_version": 1, "scenes": [
        {"lesson": inline("x^2", [[1, 1]]), "caption": "ok"},
        {"lesson": inline("x^2", [[1, 1]], settings={"lr": -2}), "caption": "ok"}]}))
    assert not window.script_player.open(str(bad))
    assert "scenes[1].lesson.settings.lr" in window.statusBar().currentMessage()


def test_the_sample_script_plays_in_the_window(qtbot, window):
    assert window.script_player.open(str(SAMPLE))
    qtbot.waitUntil(lambda: indicator(window).text() == "scene 1 / 4", timeout=5000)
    wait_ready(qtbot, window, PRESETS[0].function)
    assert window.views.is_shown("fieldView")
    qtbot.keyClick(window, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: indicator(window).text() == "scene 4 / 4", timeout=5000)
    qtbot.waitUntil(lambda: sorted(g.settings.optimizer for g in window.controller.groups)
                    == ["adam", "gd", "momentum"], timeout=15_000)


def test_a_long_caption_is_never_cut(qtbot, window, tmp_path):
    text = ("The learning rate decides everything here: too small and the descent crawls, "
            "too large and it overshoots the valley floor and climbs the far wall, and at "
            "twice the inverse curvature it diverges outright. ") * 2
    path = tmp_path / "long.gdscript"
    path.write_text(json.dumps({"format_version": 1, "scenes": [
        {"lesson": inline("x^2 + 3y^2", [[2, 1.5]]), "caption": text[:300]}]}))
    window.menus.set_text_size(24)  # the back of the lecture hall
    assert window.script_player.open(str(path))
    label = caption(window)
    qtbot.waitUntil(label.isVisible, timeout=5000)
    window.resize(900, 600)
    qtbot.waitUntil(lambda: label.width() <= window.contour.width(), timeout=5000)
    area = window.contour.plot_area()  # inside the axes and the colour bar
    assert area.contains(label.geometry()) and area.contains(indicator(window).geometry())
    inner = label.contentsRect()
    needed = QFontMetrics(label.font()).boundingRect(
        QRect(0, 0, inner.width(), 100_000),
        int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter), label.text())
    assert needed.height() <= inner.height() and needed.width() <= inner.width()
    assert label.font().pointSize() >= 8


def test_exported_captions_stay_inside_the_data_area(qtbot):
    from PySide6.QtGui import QColor, QImage

    from gdviz.cli_script import draw_caption

    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    area = QRect(50, 20, 280, 240)  # as if axes at the left and a colour bar at the right
    draw_caption(image, area, "A caption long enough to wrap onto a second line", "scene 1 / 2")
    changed = [(x, y) for x in range(400) for y in range(300)
               if image.pixelColor(x, y) != QColor("white")]
    assert changed and all(area.contains(x, y) for x, y in changed)
    assert any(y > area.center().y() for _, y in changed)  # the caption at the foot
    assert any(y < area.top() + 40 and x > area.center().x() for x, y in changed)  # the tag
