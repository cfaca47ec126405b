"""A cancellable background job for the views: heavy NumPy work off the GUI thread.

``Job.start(work)`` runs ``work(cancelled, progress)`` on a worker thread of the job's own
pool (one thread: a new job queues behind a cancelled one, which stops within a few
milliseconds). ``work`` calls ``cancelled()`` now and then and raises
:class:`~gdviz.core.sweep.Cancelled` when it returns True, and reports ``progress(f)``
with the fraction done. Everything comes back on the GUI thread through queued signals:

* ``sigProgress(fraction)`` at most ``1 / PROGRESS_S`` (20) times a second;
* ``sigFinished(result)`` or ``sigFailed(exception)`` once;
* ``sigCancelled()`` at once when :meth:`Job.cancel` stops a running job.

Each start bumps a generation counter, and so does ``cancel()``: a stale job's progress
and result are dropped, never shown. :meth:`Job.follow` cancels stale work when the
controller's function (or, optionally, its view) changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from gdviz.app.tasks import lower_thread_priority
from gdviz.core.sweep import Cancelled

PROGRESS_S = 0.05  # at most 20 progress updates a second reach the GUI thread

Work = Callable[[Callable[[], bool], Callable[[float], None]], Any]


class _RunnerSignals(QObject):
    progress = Signal(int, float)  # generation, fraction
    done = Signal(int, object, object)  # generation, result, error (None when it worked)


class _Runner(QRunnable):
    """Runs one job's work on a pool thread; its signals are queued to the GUI thread."""

    def __init__(self, generation: int, work: Work, stop: threading.Event,
                 closed: threading.Event) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = _RunnerSignals()
        self.generation = generation
        self.work = work
        self.stop = stop
        self.closed = closed
        self._last = 0.0

    def cancelled(self) -> bool:
        return self.stop.is_set() or self.closed.is_set()

    def progress(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self._last >= PROGRESS_S and not self.cancelled():
            self._last = now
            self.signals.progress.emit(self.generation, float(fraction))

    def run(self) -> None:
        lower_thread_priority()
        try:
            result, error = self.work(self.cancelled, self.progress), None
        except Exception as exc:  # noqa: BLE001 - Cancelled or a failure: reported, never lost
            result, error = None, exc
        self.signals.done.emit(self.generation, result, error)


class Job(QObject):
    """One cancellable background computation at a time (a newer start replaces it)."""

    sigProgress = Signal(float)
    sigFinished = Signal(object)
    sigFailed = Signal(object)
    sigCancelled = Signal()
    sigRunningChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._generation = 0
        self._stop = threading.Event()
        self._closed = threading.Event()  # set when the window goes: every job stops
        self._runners: dict[int, _Runner] = {}  # by generation, alive until they are done
        self._key: tuple[str, Any] = ("", None)  # function text and view of the job
        self.running = False  # a job whose result is still wanted

    @property
    def busy(self) -> bool:
        """True while a worker thread still runs (a cancelled job until it noticed)."""
        return bool(self._runners)

    @property
    def generation(self) -> int:
        return self._generation

    def start(self, work: Work, text: str = "", view: Any = None) -> int:
        """Run ``work(cancelled, progress)`` in the background (cancelling any older job).

        ``text`` and ``view`` are the function and view the work is for (see :meth:`follow`).
        """
        self._stop.set()
        self._generation += 1
        self._stop = threading.Event()
        self._key = (text, view)
        runner = _Runner(self._generation, work, self._stop, self._closed)
        runner.signals.progress.connect(self._on_progress)
        runner.signals.done.connect(self._on_done)
        self._runners[self._generation] = runner
        self._set_running(True)
        self._pool.start(runner)
        return self._generation

    def cancel(self) -> None:
        """Stop the running job; its result will never land. Emits sigCancelled if one ran."""
        self._stop.set()
        self._generation += 1
        if self.running:
            self._set_running(False)
            self.sigCancelled.emit()

    def close(self) -> None:
        """Stop every job for good (the window is closing)."""
        self._closed.set()
        self.cancel()

    def wait(self, timeout_ms: int = 3000) -> bool:
        """Block until the worker thread is idle (tests and shutdown)."""
        return self._pool.waitForDone(timeout_ms)

    def follow(self, controller: Any, view: bool = False) -> None:
        """Cancel a running job when the controller's function changes from the one given
        to :meth:`start` (and, with ``view``, when the map's view changes from its view)."""
        controller.sigFunctionAccepted.connect(self._on_function)
        if view:
            controller.sigGridChanged.connect(self._on_grid)

    def _on_function(self, text: str) -> None:
        if self.running and text != self._key[0]:
            self.cancel()

    def _on_grid(self, grid: Any) -> None:
        if self.running and grid.view != self._key[1]:
            self.cancel()

    def _set_running(self, on: bool) -> None:
        if self.running != on:
            self.running = on
            self.sigRunningChanged.emit(on)

    def _on_progress(self, generation: int, fraction: float) -> None:
        if generation == self._generation and self.running:
            self.sigProgress.emit(fraction)

    def _on_done(self, generation: int, result: Any, error: Any) -> None:
        self._runners.pop(generation, None)
        if generation != self._generation:
            return  # cancelled or replaced: a stale result never lands
        self._set_running(False)
        if isinstance(error, Cancelled):
            self.sigCancelled.emit()
        elif error is not None:
            self.sigFailed.emit(error)
        else:
            self.sigFinished.emit(result)
