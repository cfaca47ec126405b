"""Lessons and exports through the window: exact round trip, refusals change nothing."""

import json
import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QImage

from gdviz.core.lesson import load_lesson
from tests.gui.test_core_loop import click_map, type_function, wait_ready


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings, QStandardPaths

    QStandardPaths.setTestModeEnabled(True)
    QSettings().clear()
    yield
    QSettings().clear()


def prepare_race(qtbot, window):
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    window.controls.set_race_selection(["gd", "adam"])
    window.controls.learning_rate_spin.setValue(0.1)
    click_map(qtbot, window, 1.5, 1.0)
    window.controller.step(15)


def test_lesson_round_trip_restores_the_same_screen(qtbot, window, tmp_path):
    prepare_race(qtbot, window)
    window.controls.optimizer_combo.setCurrentIndex(
        window.controls.optimizer_combo.findData("momentum"))
    window.controls.hyper_spins["momentum"].setValue(0.5)
    window.controls.set_race_selection(["gd", "momentum"])
    window.views.set_shown("statusView", False)
    window.menus.lock_actions["presetCombo"].setChecked(True)
    path = str(tmp_path / "lesson.gdviz")
    saved = window.lesson()
    assert window.files.save(path)
    assert load_lesson(path) == saved

    type_function(qtbot, window, "sin(x) + y^2")  # change everything
    wait_ready(qtbot, window, "sin(x) + y^2")
    window.controls.set_race_selection([])
    window.views.set_shown("statusView", True)
    assert window.files.open(path)
    wait_ready(qtbot, window, "x^2 + 3y^2")
    restored = window.lesson()
    assert restored.function == saved.function and restored.settings == saved.settings
    assert restored.race == ("gd", "momentum") and restored.starts == saved.starts
    assert restored.panels == saved.panels and restored.locked == saved.locked
    np.testing.assert_allclose([restored.view.xmin, restored.view.xmax],
                               [saved.view.xmin, saved.view.xmax], rtol=0.02)
    assert window.controls.hyper_spins["momentum"].value() == 0.5
    assert [g.settings.optimizer for g in window.controller.groups] == ["gd", "momentum"]
    assert not window.status_label.isVisible()
    assert window.files.recent()[0].endswith("lesson.gdviz")


@pytest.mark.parametrize("content", [
    "not json", "{}", '{"format_version": 1, "function": "__import__(\'os\')", '
    '"view": {"xmin": -1, "xmax": 1, "ymin": -1, "ymax": 1}, "starts": [[0, 0]]}',
    '{"format_version": 1, "function": "x^2", "view": {"xmin": 1, "xmax": -1, "ymin": -1, '
    '"ymax": 1}, "starts": [[0, 0]]}',
])
def test_refused_lesson_changes_nothing(qtbot, window, tmp_path, content):
    path = tmp_path / "bad.gdviz"
    path.write_text(content)
    before = window.lesson()
    assert not window.files.open(str(path))
    assert window.lesson() == before
    assert "Lesson not opened" in window.statusBar().currentMessage()


def test_png_and_svg_exports(qtbot, window, tmp_path):
    prepare_race(qtbot, window)
    png, svg = tmp_path / "map.png", tmp_path / "loss.svg"
    assert window.files.export_plot("map", str(png))
    image = QImage(str(png))
    assert image.width() == 2 * window.contour.width()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 50  # not blank
    # the whole map at twice the size: halved, it matches what the screen shows
    halved = np.asarray(Image.open(png).convert("RGB").resize(
        (window.contour.width(), window.contour.height()), Image.Resampling.BOX), float)
    screen = window.contour.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    shown = np.frombuffer(screen.constBits(), np.uint8).reshape(
        screen.height(), screen.bytesPerLine())[:, : 3 * screen.width()]
    shown = shown.reshape(screen.height(), screen.width(), 3).astype(float)
    assert np.abs(halved - shown).mean() < 12  # a quarter of the map scaled up: ≈ 60
    assert window.files.export_plot("loss", str(svg))
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and len(list(root.iter())) > 20


def test_gif_export_has_requested_frames_and_size(qtbot, window, tmp_path):
    prepare_race(qtbot, window)
    path = tmp_path / "descent.gif"
    job = window.files.export_animation(str(path), (320, 240), fps=10, max_frames=8)
    with qtbot.waitSignal(job.sigFinished, timeout=20_000):
        pass
    with Image.open(path) as gif:
        assert gif.size == (320, 240) and gif.n_frames == 8


def test_gif_export_can_be_cancelled(qtbot, window, tmp_path):
    prepare_race(qtbot, window)
    path = tmp_path / "cancelled.gif"
    job = window.files.export_animation(str(path), (320, 240), fps=10, max_frames=16)
    with qtbot.waitSignal(job.sigFailed, timeout=10_000) as blocker:
        job.cancel()
        job._encode()  # what the worker thread would do next
    assert blocker.args == ["cancelled"] and not path.exists()


def test_trajectories_export(qtbot, window, tmp_path):
    prepare_race(qtbot, window)
    path = tmp_path / "runs.json"
    assert window.files.export_trajectories(str(path))
    data = json.loads(path.read_text())
    assert [r["optimizer"] for r in data["runs"]] == ["gd", "adam"]
    assert len(data["runs"][0]["steps"]) == 16


def test_copy_map_image_to_clipboard(qtbot, window):
    from PySide6.QtGui import QGuiApplication

    from gdviz.app.exporting import copy_image

    copy_image(window.contour)
    image = QGuiApplication.clipboard().image()
    assert not image.isNull() and image.width() == window.contour.width()


def test_lesson_mode_hides_locked_controls(qtbot, window):
    window.menus.lock_actions["functionEdit"].setChecked(True)
    window.menus.lock_actions["raceTab"].setChecked(True)
    assert window.function_edit.isVisible()  # locks apply in lesson mode only
    window.menus.lesson_mode_action.setChecked(True)
    assert not window.function_edit.isVisible()
    assert not window.controls.tabs.isTabVisible(1)
    assert window.controls.learning_rate_spin.isVisible()  # not locked
    window.menus.lesson_mode_action.setChecked(False)
    assert window.function_edit.isVisible() and window.controls.tabs.isTabVisible(1)


def test_mp4_without_imageio_ffmpeg_says_how_to_get_it(qtbot, window, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ffmpeg(name, *args, **kwargs):
        if name == "imageio_ffmpeg":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ffmpeg)
    assert window.files.export_animation(str(tmp_path / "a.mp4"), (320, 240), 10, 4) is None
    assert "imageio-ffmpeg" in window.statusBar().currentMessage()
    assert not (tmp_path / "a.mp4").exists()


def test_exports_follow_links_and_refuse_fifos_folders_and_devices(qtbot, window, tmp_path):
    from tests.core.test_safe_files import kind, special_files

    prepare_race(qtbot, window)
    real, link = tmp_path / "real.png", tmp_path / "map.png"
    link.symlink_to(real)
    assert window.files.export_plot("map", str(link))
    assert link.is_symlink() and QImage(str(real)).width() == 2 * window.contour.width()
    files = window.files
    saves = {"png": lambda p: files.export_plot("map", p),
             "svg": lambda p: files.export_plot("loss", p), "csv": files.export_trajectories,
             "gdviz": files.save, "gif": lambda p: files.export_animation(p, (320, 240), 10, 4)}
    for special in special_files(tmp_path):
        before = kind(special)
        for extension, save in saves.items():
            named = tmp_path / f"to-{special.name}.{extension}"  # a link with the right name
            named.symlink_to(special)
            assert not save(str(special))  # refused (the name may be the first reason)
            assert not save(str(named))
            message = window.statusBar().currentMessage()
            assert str(named) in message and "not a regular file" in message, message
            assert named.is_symlink()
        assert kind(special) == before
    assert window.controller.session is not None  # the window goes on


def test_opening_a_fifo_is_refused_at_once(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QLabel

    from tests.core.test_safe_files import unblock_fifo_later
    from tests.gui.test_view_explorations import click, use_regression

    fifo = tmp_path / "pipe.gdviz"
    os.mkfifo(fifo)
    timer = unblock_fifo_later(fifo)
    try:
        assert not window.files.open(str(fifo))
        assert "FIFO" in window.statusBar().currentMessage()
        use_regression(qtbot, window)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(fifo), ""))
        click(qtbot, window, "regressionLoadButton")
        error = window.findChild(QLabel, "regressionError")
        assert error.isVisible() and "FIFO" in error.text()
    finally:
        timer.cancel()


def test_autosave_through_a_link_and_beside_a_fifo(qtbot, window, tmp_path):
    from gdviz.app.session_store import SessionStore
    from tests.core.test_safe_files import unblock_fifo_later

    real = tmp_path / "kept.gdviz"
    store = SessionStore(tmp_path)
    store.autosave_path.symlink_to(real)
    assert store.save(window.lesson()) and store.autosave_path.is_symlink()
    assert load_lesson(real) == window.lesson()
    os.mkfifo(tmp_path / "session.lock")
    timer = unblock_fifo_later(tmp_path / "session.lock")
    try:
        assert store.open() is True  # a lock that cannot be read was left behind
    finally:
        timer.cancel()
    assert kind_is_fifo(tmp_path / "session.lock")


def kind_is_fifo(path):
    import stat

    return stat.S_ISFIFO(os.lstat(path).st_mode)
