"""The window keeps the size it was given when its content's minimum grows for a moment.

Qt grows a window whose layout's minimum exceeds its size, and never shrinks it back. At
a lecture text size the minimum rises for an instant (a panel asks for its room before
another steps behind a tab) and the window would stay taller than a 1280×720 projector.
SizeKeeper remembers each dimension the user or the program chose, not the ones Qt forced,
and shrinks the window back to them as soon as the minimum allows.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import QWidget


class SizeKeeper(QObject):
    """Installed on a top-level window; see the module docstring."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.asked = QSize(window.width(), window.height())
        self._pending: QSize | None = None  # its own resize (may arrive later): no choice
        self._check = QTimer(self, singleShot=True, interval=0)
        self._check.timeout.connect(self.shrink_back)
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt override
        if watched is self.window:
            kind = event.type()
            if kind == QEvent.Type.Resize:
                self._remember(event.oldSize(), event.size())
            elif kind == QEvent.Type.LayoutRequest:
                self._check.start()  # once the new minimum is known
        return False

    def _minimum(self) -> QSize:
        return self.window.minimumSize().expandedTo(self.window.minimumSizeHint())

    def _remember(self, old: QSize, new: QSize) -> None:
        """Each dimension that was chosen; one that grew to no more than the minimum (which
        may have risen further since) was forced."""
        if new == self._pending:
            self._pending = None
            return
        least = self._minimum()
        if not (new.width() > old.width() >= 0 and new.width() <= least.width()):
            self.asked.setWidth(new.width())
        if not (new.height() > old.height() >= 0 and new.height() <= least.height()):
            self.asked.setHeight(new.height())

    def shrink_back(self) -> None:
        """Back to the chosen size, as far as the minimum allows (never larger)."""
        window = self.window
        if not window.isVisible() or window.windowState() & (
                Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            return
        wanted = self.asked.expandedTo(self._minimum()).boundedTo(window.size())
        if wanted != window.size():
            self._pending = wanted
            window.resize(wanted)
