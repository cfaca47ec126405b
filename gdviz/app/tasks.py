"""Work off the GUI thread: a task runs on a pool thread and reports back queued."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from gdviz.core.expression import ExpressionError


class _Signals(QObject):
    done = Signal(int, object, object)  # generation, result, error


def lower_thread_priority(niceness: int = 5) -> None:
    """Let the GUI thread go first when cores are scarce (Linux threads have their own nice)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), niceness)


class Task(QRunnable):
    """Run ``work()`` on a pool thread and deliver (generation, result, error) queued."""

    def __init__(self, generation: int, work: Callable[[], Any]) -> None:
        super().__init__()
        self.signals = _Signals()
        self.generation = generation
        self.work = work

    def run(self) -> None:
        lower_thread_priority()
        try:
            result, error = self.work(), None
        except ExpressionError as exc:
            result, error = None, exc
        except Exception as exc:  # noqa: BLE001 - reported to the user, never lost
            result, error = None, ExpressionError(f"could not process this function: {exc}", 0, 0)
        self.signals.done.emit(self.generation, result, error)
