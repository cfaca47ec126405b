"""An exception in a slot is logged and shown, never fatal; a failed view disables itself."""

import sys
import threading

import pytest
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QToolButton

from gdviz.app import crash


@pytest.fixture
def log(window, tmp_path):
    """The exception hook installed on the real window, logging to tmp_path."""
    previous = sys.excepthook
    crash.install_exception_hook(window, log_dir=tmp_path)
    yield tmp_path / crash.LOG_NAME
    crash.uninstall_exception_hook()
    assert sys.excepthook is previous


def broken_loss(window, calls):
    """A loss view whose update_runs fails inside loss.py (a run too few for zip).

    The class's own method is called unguarded (``__wrapped__``), so the failure reaches
    the exception hook whether or not the app guards the view.
    """
    method = type(window.loss).update_runs
    original = getattr(method, "__wrapped__", method)

    def update_runs(losses):
        calls.append(len(losses))
        original(window.loss, losses[:-1])

    return update_runs


def notice(window):
    return window.findChild(QFrame, "crashNotice")


def path_length(window, run=0):
    return len(window.contour.layer.path(run))


def test_exception_in_a_slot_is_logged_and_the_app_goes_on(qtbot, window, log, monkeypatch):
    c, calls = window.controller, []
    monkeypatch.setattr(window.loss, "update_runs", broken_loss(window, calls))
    c.step()  # sigStepped → MainWindow._on_stepped → loss.update_runs raises
    QApplication.processEvents()
    assert calls == [3]
    shown = notice(window)
    assert shown is not None and shown.isVisible()
    text = shown.findChild(QLabel, "crashNoticeText").text()
    assert "Something went wrong in the loss plot" in text and str(log) in text
    assert QApplication.activeModalWidget() is None  # a notice, never a dialog
    entry = log.read_text()
    assert "Traceback (most recent call last)" in entry and "ValueError" in entry
    assert "views/loss.py" in entry.replace("\\", "/") and "in update_runs" in entry
    # alive: the window is up, steps still work, the map still follows
    assert window.isVisible()
    before = path_length(window)
    c.step()
    c.step()
    QApplication.processEvents()
    assert c.session.groups[0].ticks == 3 and path_length(window) == before + 2
    assert len(calls) == 3  # unguarded: the view is called (and fails) every time


def test_notice_can_be_dismissed_and_follows_resizes(qtbot, window, log):
    window.controller.sigStepped.connect(lambda: 1 / 0)
    window.controller.step()
    shown = notice(window)
    assert shown.isVisible()
    assert "the app" in shown.findChild(QLabel, "crashNoticeText").text()
    window.resize(500, 400)
    QApplication.processEvents()
    assert shown.geometry().bottom() < window.height()
    assert shown.width() <= window.width()
    shown.findChild(QToolButton, "crashNoticeClose").click()
    assert not shown.isVisible()


def test_guarded_view_is_disabled_and_the_others_keep_updating(qtbot, window, tmp_path,
                                                               monkeypatch):
    # No hook here: a guarded failure never reaches sys.excepthook (pytest-qt checks that).
    monkeypatch.setenv(crash.LOG_DIR_ENV, str(tmp_path))
    c, calls = window.controller, []
    monkeypatch.setattr(window.loss, "update_runs", broken_loss(window, calls))
    crash.guard_view(window.loss, "the loss plot", "update_runs")
    c.step()
    QApplication.processEvents()
    overlay = window.loss.findChild(QLabel, "viewDisabledNotice")
    assert overlay is not None and overlay.isVisible()
    assert "This panel stopped after an error" in overlay.text()
    assert str(tmp_path / crash.LOG_NAME) in overlay.text()
    assert overlay.geometry() == window.loss.rect()
    assert crash.is_disabled(window.loss) and not crash.is_disabled(window.contour)
    assert "ValueError" in (tmp_path / crash.LOG_NAME).read_text()
    assert "the loss plot" in notice(window).findChild(QLabel, "crashNoticeText").text()
    before = path_length(window)
    for _ in range(3):
        c.step()
    QApplication.processEvents()
    assert calls == [3]  # the disabled view is skipped from now on
    assert path_length(window) == before + 3  # the contour map keeps updating
    assert "t = 4" in window.status_label.text()  # so does the status text


def test_exception_in_a_thread_is_reported_on_the_gui_thread(qtbot, window, log):
    def work():
        raise RuntimeError("worker failed")

    thread = threading.Thread(target=work, name="failing-worker")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: notice(window) is not None and notice(window).isVisible(),
                    timeout=10_000)
    assert "worker failed" in log.read_text() and "failing-worker" in log.read_text()


def test_a_failing_report_does_not_loop(qtbot, window, log, monkeypatch):
    reports = []

    def failing_notice(*args):
        reports.append(args)
        raise RuntimeError("the notice itself broke")

    monkeypatch.setattr(crash, "show_notice", failing_notice)
    window.controller.sigStepped.connect(lambda: 1 / 0)
    window.controller.step()
    QApplication.processEvents()
    assert len(reports) == 1
    assert "ZeroDivisionError" in log.read_text()
    window.controller.step()  # still alive, still logging
    assert log.read_text().count("ZeroDivisionError") == 2


def test_hook_without_a_window_only_logs(qapp, tmp_path):
    crash.install_exception_hook(log_dir=tmp_path)
    try:
        try:
            raise KeyError("no window")
        except KeyError:
            sys.excepthook(*sys.exc_info())
        QApplication.processEvents()
    finally:
        crash.uninstall_exception_hook()
    assert "KeyError: 'no window'" in (tmp_path / crash.LOG_NAME).read_text()


def test_a_fifo_in_place_of_the_log_is_left_alone(qapp, tmp_path):
    import os
    import stat

    os.mkfifo(tmp_path / crash.LOG_NAME)  # an append to it would wait for a reader forever
    crash.install_exception_hook(log_dir=tmp_path)
    try:
        written = crash.write_log("KeyError: 'fifo'\n")
    finally:
        crash.uninstall_exception_hook()
    assert stat.S_ISFIFO(os.lstat(tmp_path / crash.LOG_NAME).st_mode)
    assert written != tmp_path / crash.LOG_NAME and "'fifo'" in written.read_text()


def fail_repeatedly(messages):
    for message in messages:
        try:
            raise ValueError(message)
        except ValueError:
            sys.excepthook(*sys.exc_info())


def test_repeats_are_counted_and_the_log_rotates(qapp, tmp_path, monkeypatch):
    log = tmp_path / crash.LOG_NAME
    crash.install_exception_hook(log_dir=tmp_path)
    try:
        fail_repeatedly(["the same"] * 12)
        text = log.read_text()
        assert text.count("ValueError: the same") == crash.MAX_REPEATS
        assert "further repeats are not logged" in text
        monkeypatch.setattr(crash, "MAX_LOG_BYTES", 2000)
        fail_repeatedly([f"{i} " + "x" * 500 for i in range(20)])
    finally:
        crash.uninstall_exception_hook()
    assert (tmp_path / (crash.LOG_NAME + ".1")).exists()
    assert log.stat().st_size < 2000 + 2000
    assert "ValueError: 19 xxx" in log.read_text()


def traceback_through(*files):
    """A traceback whose frames come from ``files``, outermost first."""
    call = None
    for filename in reversed(files):
        namespace = {"inner": call}
        body = "def call():\n    inner()\n" if call else "def call():\n    raise ValueError\n"
        exec(compile(body, filename, "exec"), namespace)  # noqa: S102 - fake file names
        call = namespace["call"]
    try:
        call()
    except ValueError:
        return sys.exc_info()[2]


def test_view_of_names_the_innermost_view():
    views = "/src/gdviz/app/views/"
    assert crash.view_of(traceback_through("/src/gdviz/app/main_window.py")) == "the app"
    assert crash.view_of(traceback_through(
        "/src/gdviz/app/main_window.py", views + "contour.py", views + "loss.py",
        views + "pixels.py", "/np/numpy.py")) == "the loss plot"
    assert crash.view_of(traceback_through(views + "pixels.py")) == "the pixels view"
    assert crash.view_of(None) == "the app"


def test_log_directory_honours_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(crash.LOG_DIR_ENV, str(tmp_path / "logs"))
    assert crash.log_directory() == tmp_path / "logs" and (tmp_path / "logs").is_dir()
    monkeypatch.setenv(crash.LOG_DIR_ENV, "/proc/no/such/place")
    assert crash.log_directory().is_dir()
