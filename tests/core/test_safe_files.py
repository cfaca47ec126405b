"""Files written and read safely: links followed, folders, FIFOs and devices left alone."""

import contextlib
import os
import stat
import threading
from pathlib import Path

import pytest

from gdviz.core import safe_files
from gdviz.core.lesson import Lesson, LessonError, load_lesson, save_lesson
from gdviz.core.regression import RegressionDataError, load_csv
from gdviz.core.safe_files import NotARegularFile, read_regular_file, write_text


def special_files(tmp_path):
    """A folder, a FIFO and (where allowed) a character device like /dev/null, in tmp_path."""
    folder = tmp_path / "folder"
    folder.mkdir()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    found = [folder, fifo]
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        found.append(device)
    except (PermissionError, AttributeError):
        pass  # not root: the folder and the FIFO are checked
    return found


def kind(path):
    return stat.S_IFMT(os.lstat(path).st_mode)


def unblock_fifo_later(fifo):
    """Should a read block on ``fifo`` (the bug this guards against), end it after 10 s."""
    def unblock():
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    timer = threading.Timer(10, unblock)
    timer.start()
    return timer


def test_write_replaces_content_and_keeps_permissions(tmp_path):
    path = tmp_path / "notes.txt"
    write_text(path, "first")
    os.chmod(path, 0o600)
    write_text(path, "zweite ∇f")
    assert path.read_text(encoding="utf-8") == "zweite ∇f"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]  # no temporary left


def test_a_symlink_is_followed_and_kept(tmp_path):
    target = tmp_path / "real.gdviz"
    target.write_text("old")
    link = tmp_path / "link.gdviz"
    link.symlink_to(target)
    save_lesson(link, Lesson())
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert load_lesson(target) == Lesson()
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "made.txt")
    write_text(dangling, "new")
    assert dangling.is_symlink() and (tmp_path / "made.txt").read_text() == "new"


def test_folders_fifos_and_devices_are_refused_and_left_alone(tmp_path):
    specials = special_files(tmp_path)
    for path in specials:
        before = kind(path)
        link = tmp_path / f"link-to-{path.name}"
        link.symlink_to(path)
        for target in (path, link):
            with pytest.raises(NotARegularFile, match="not a regular file") as caught:
                write_text(target, "x")
            assert str(target) in str(caught.value) and "left as it is" in str(caught.value)
        assert kind(path) == before and link.is_symlink()
    assert len(list(tmp_path.iterdir())) == 2 * len(specials)  # no temporary file left


def test_reading_a_fifo_or_device_is_refused_at_once(tmp_path):
    for path in special_files(tmp_path):
        timer = unblock_fifo_later(path) if kind(path) == stat.S_IFIFO else None
        try:
            with pytest.raises(NotARegularFile) as caught:
                read_regular_file(path, 100)
            with pytest.raises(LessonError, match="not a regular file"):
                load_lesson(path)
            with pytest.raises(RegressionDataError, match="not a regular file"):
                load_csv(path)
        finally:
            if timer:
                timer.cancel()
        assert caught.value.filename == str(path) and kind(path) in (
            stat.S_IFDIR, stat.S_IFIFO, stat.S_IFCHR)


def test_read_gives_one_byte_past_the_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 50)
    assert len(read_regular_file(path, 10)) == 11
    assert read_regular_file(path, 100) == b"x" * 50


def test_a_failed_write_leaves_the_old_file(tmp_path):
    path = tmp_path / "kept.txt"
    path.write_text("old")

    def fail(temp):
        Path(temp).write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        safe_files.replace_atomically(path, fail)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["kept.txt"]
