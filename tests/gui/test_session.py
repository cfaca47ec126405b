"""Autosave and restore: clean exits restore silently, a stale lock means a crash."""

import subprocess
import sys

from gdviz.app.session_store import SessionStore
from tests.gui.test_core_loop import type_function, wait_ready


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_clean_exit_then_start(tmp_path):
    store = SessionStore(tmp_path)
    assert store.open() is False and store.lock_path.exists()
    store.close(None)
    assert not store.lock_path.exists()
    assert SessionStore(tmp_path).open() is False


def test_stale_lock_means_the_last_run_crashed(tmp_path):
    (tmp_path / "session.lock").write_text(str(dead_pid()))
    assert SessionStore(tmp_path).open() is True
    (tmp_path / "session.lock").write_text("garbage")
    assert SessionStore(tmp_path).open() is True


def test_autosave_round_trip_after_a_crash(qtbot, window, tmp_path):
    store = SessionStore(tmp_path)
    store.open()
    window.enable_autosave(store, interval_ms=50)
    type_function(qtbot, window, "x^2 + 3y^2")
    wait_ready(qtbot, window, "x^2 + 3y^2")
    window.controls.set_race_selection(["adam", "nesterov"])
    qtbot.waitUntil(lambda: store.load() is not None
                    and store.load().race == ("nesterov", "adam"), timeout=5000)
    expected = window.lesson()
    # the app dies here: the lock stays behind with a process id that no longer runs
    store.lock_path.write_text(str(dead_pid()))
    window.session_store = None

    again = SessionStore(tmp_path)
    assert again.open() is True
    restored = again.load()
    assert restored.function == "x^2 + 3y^2" and restored.race == expected.race
    window.apply_lesson(restored)
    wait_ready(qtbot, window, "x^2 + 3y^2")
    assert [g.settings.optimizer for g in window.controller.groups] == ["nesterov", "adam"]


def test_corrupt_autosave_is_ignored(tmp_path):
    store = SessionStore(tmp_path)
    store.open()
    store.autosave_path.write_text("{ half a file")
    assert store.load() is None
