"""How long the window took to become useful, for benchmarks/startup.py.

With ``GDVIZ_STARTUP_PROBE=1`` in the environment, the window prints the wall-clock
times (seconds since the epoch) of its first painted map and of the moment the
gradient is ready, then quits: ``startup painted=T1 ready=T2``.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

PROBE_ENV = "GDVIZ_STARTUP_PROBE"


class StartupReport(QObject):
    """Watches the map's first paint and the first compiled gradient, then reports."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.painted: float | None = None
        self.ready: float | None = None
        window.contour.viewport().installEventFilter(self)
        self._timer = QTimer(self, interval=2)
        self._timer.timeout.connect(self._check)
        self._timer.start()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if (self.painted is None and event.type() == QEvent.Type.Paint
                and self.window.controller.grid is not None):
            self.painted = time.time()
        return False

    def _check(self) -> None:
        c = self.window.controller
        if self.ready is None and c.objective is not None and c.session is not None:
            self.ready = time.time()
        if self.painted is not None and self.ready is not None:
            self._timer.stop()
            print(f"startup painted={self.painted!r} ready={self.ready!r}", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
