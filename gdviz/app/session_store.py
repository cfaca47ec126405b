"""The user's work survives a crash: periodic autosave, and a lock that tells a bad exit.

While gdviz runs, ``session.lock`` holds its process id; a clean exit removes it. If the
next start finds the lock of a process that is gone, the last run ended abnormally, and
the autosaved lesson is offered back instead of being restored silently.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from gdviz.core.lesson import Lesson, LessonError, load_lesson, save_lesson
from gdviz.core.safe_files import read_regular_file, write_text


def default_folder() -> Path:
    """gdviz's folder in the user's data directory."""
    from PySide6.QtCore import QStandardPaths

    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location or Path.home() / ".gdviz")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # our own old lock (the id was reused): the old run is gone
    if os.name != "posix":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SessionStore:
    """Autosave file and run lock in one folder."""

    def __init__(self, folder: str | os.PathLike | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()
        self.autosave_path = self.folder / "autosave.gdviz"
        self.lock_path = self.folder / "session.lock"
        self._last_saved = ""

    def open(self) -> bool:
        """Take the lock; True if the previous run did not exit cleanly."""
        self.folder.mkdir(parents=True, exist_ok=True)
        crashed = False
        try:
            pid = int(read_regular_file(self.lock_path, 64).strip() or 0)
            crashed = not _process_alive(pid)
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            crashed = True  # an unreadable lock is a lock left behind
        with contextlib.suppress(OSError):  # a folder or FIFO there: run without the lock
            write_text(self.lock_path, str(os.getpid()))
        return crashed

    def load(self) -> Lesson | None:
        """The autosaved lesson, or None if there is none or it is refused."""
        if not self.autosave_path.exists():
            return None
        try:
            return load_lesson(self.autosave_path)
        except LessonError:
            return None

    def save(self, lesson: Lesson) -> bool:
        """Autosave ``lesson`` atomically if it changed; False if it could not be written."""
        text = lesson.to_json()
        if text == self._last_saved:
            return True
        try:
            save_lesson(self.autosave_path, lesson)
        except (LessonError, OSError):
            return False
        self._last_saved = text
        return True

    def close(self, lesson: Lesson | None) -> None:
        """Save one last time and release the lock: the exit was clean."""
        if lesson is not None:
            self.save(lesson)
        self.lock_path.unlink(missing_ok=True)
