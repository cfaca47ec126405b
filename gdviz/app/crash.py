"""No uncaught exception kills the app: it is logged, a small notice says so, work goes on.

:func:`install_exception_hook` replaces ``sys.excepthook`` (which PySide calls for an
exception raised in a slot or event handler) and ``threading.excepthook``: the traceback
is appended to ``gdviz.log`` in :func:`log_directory` and a non-modal, dismissable
notice appears at the bottom of the window. A lecture is never blocked by a dialog.

A failure in one view disables that view only: view methods wrapped by :func:`guarded`
(or :func:`guard_view`) cover their view with a message after an exception and skip
every later call, while the other views keep updating.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from PySide6.QtCore import QEvent, QObject, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QToolButton,
    QWidget,
)

from gdviz.core.safe_files import write_target

LOG_NAME = "gdviz.log"
LOG_DIR_ENV = "GDVIZ_LOG_DIR"  # overrides the log folder (tests, lab machines)
MAX_LOG_BYTES = 1_000_000  # past this the log moves to gdviz.log.1 and starts afresh
MAX_ENTRY_CHARS = 20_000  # one entry never floods the log
MAX_REPEATS = 5  # the same failure is logged this often, then only counted
NOTICE_MS = 30_000  # the notice hides itself after this long
DISABLED_PROPERTY = "gdvizDisabled"
VIEW_TITLES = {
    "contour": "the contour map",
    "loss": "the loss plot",
    "maths": "the maths panel",
    "controls": "the controls",
}

F = TypeVar("F", bound=Callable[..., Any])
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


# -- the log -------------------------------------------------------------------------
def log_directory() -> Path:
    """The folder for ``gdviz.log`` (created): $GDVIZ_LOG_DIR, app data, else a temp dir."""
    candidates = []
    if os.environ.get(LOG_DIR_ENV):
        candidates.append(Path(os.environ[LOG_DIR_ENV]))
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    if location:
        candidates.append(Path(location))
    candidates.append(Path(tempfile.gettempdir()) / "gdviz")
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return Path(tempfile.gettempdir())


class _State:
    """What the installed hook needs; one per process."""

    def __init__(self) -> None:
        self.previous: tuple[Any, Any] | None = None  # (sys, threading) hooks replaced
        self.window: QWidget | None = None
        self.log_dir: Path | None = None
        self.reporter: _Reporter | None = None
        self.lock = threading.Lock()  # one writer of the log at a time
        self.local = threading.local()  # .reporting: a report in progress on this thread
        self.repeats: dict[str, int] = {}


_state = _State()


def log_file() -> Path:
    """Where failures are written."""
    return (_state.log_dir or log_directory()) / LOG_NAME


def write_log(entry: str) -> Path:
    """Append ``entry`` to the log, moving a full log to ``gdviz.log.1`` first."""
    paths = [log_file(), Path(tempfile.gettempdir()) / LOG_NAME]
    with _state.lock:
        for path in paths:
            try:
                path = write_target(path)  # a FIFO there would block the append forever
                if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
                    os.replace(path, path.with_name(LOG_NAME + ".1"))
                with path.open("a", encoding="utf-8", errors="replace") as stream:
                    stream.write(entry)
                return path
            except OSError:
                continue  # an unwritable folder or a full disk: try the temp folder
    raise OSError("the log could not be written anywhere")


def view_of(tb: TracebackType | None) -> str:
    """The view the innermost frame in ``gdviz/app/views/<name>.py`` belongs to."""
    other = None
    for frame in reversed(traceback.extract_tb(tb)):
        parts = Path(frame.filename).parts
        if parts[-4:-1] != ("gdviz", "app", "views"):
            continue
        name = Path(frame.filename).stem
        if name in VIEW_TITLES:
            return VIEW_TITLES[name]
        other = other or f"the {name} view"  # a helper module: an outer view names it
    return other or "the app"


def format_entry(exc_info: ExcInfo, where: str) -> str:
    """A timestamped log entry with the traceback."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    text = "".join(traceback.format_exception(*exc_info))
    if len(text) > MAX_ENTRY_CHARS:
        half = MAX_ENTRY_CHARS // 2
        text = f"{text[:half]}\n[… {len(text) - MAX_ENTRY_CHARS} characters left out …]\n" \
               f"{text[-half:]}"
    return f"==== {stamp} error in {where} (thread {threading.current_thread().name})\n{text}\n"


# -- reporting -------------------------------------------------------------------------
def report(exc_info: ExcInfo, where: str | None = None,
           window: QWidget | None = None) -> Path | None:
    """Log an exception and show the notice; never raises, never recurses."""
    local = _state.local
    if getattr(local, "reporting", False):
        _fallback(exc_info)  # the report itself failed: stderr is all that is left
        return None
    local.reporting = True
    try:
        where = where or view_of(exc_info[2])
        entry = format_entry(exc_info, where)
        key = entry.split("\n", 1)[1]  # the traceback without its time stamp
        count = _state.repeats[key] = _state.repeats.get(key, 0) + 1
        path = log_file()
        if count <= MAX_REPEATS:
            if count == MAX_REPEATS:
                entry += f"(seen {count} times; further repeats are not logged)\n\n"
            path = write_log(entry)
            _echo(exc_info)
        _notify(where, path, window)
        return path
    except BaseException:  # noqa: BLE001 - reporting must never take the app down
        _fallback(exc_info)
        _fallback(sys.exc_info())
        return None
    finally:
        local.reporting = False


def _notify(where: str, path: Path, window: QWidget | None) -> None:
    on_gui_thread = (QApplication.instance() is not None
                     and threading.current_thread() is threading.main_thread())
    if window is not None and on_gui_thread:
        show_notice(window, where, path)
    elif _state.reporter is not None:
        _state.reporter.sigReport.emit(where, str(path))  # queued from other threads


def _echo(exc_info: ExcInfo) -> None:
    if sys.stderr is not None:  # None in a windowed (no console) build
        traceback.print_exception(*exc_info, file=sys.stderr)


def _fallback(exc_info: Any) -> None:
    stream = sys.__stderr__ or sys.stderr
    if stream is not None and exc_info[0] is not None:
        with contextlib.suppress(Exception):  # nothing else can be done
            traceback.print_exception(*exc_info, file=stream)


class _Reporter(QObject):
    """Lives on the GUI thread: a report from any thread reaches the window through it."""

    sigReport = Signal(str, str)  # where, log path

    def __init__(self) -> None:
        super().__init__()
        self.sigReport.connect(self._show)

    def _show(self, where: str, path: str) -> None:
        window = _target_window()
        if window is not None:
            show_notice(window, where, Path(path))


def _target_window() -> QWidget | None:
    import shiboken6

    window = _state.window
    if window is not None and shiboken6.isValid(window):
        return window
    app = QApplication.instance()
    if app is None:
        return None
    windows = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
    return windows[0] if windows else None


def _excepthook(exc_type: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt | SystemExit):
        previous = _state.previous[0] if _state.previous else sys.__excepthook__
        previous(exc_type, exc, tb)
        return
    report((exc_type, exc, tb))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    report((args.exc_type, args.exc_value, args.exc_traceback))


def install_exception_hook(window: QWidget | None = None,
                           log_dir: str | Path | None = None) -> None:
    """Log uncaught exceptions and show a notice in ``window`` (default: the main window).

    Call it from the GUI thread once the QApplication exists; calling it again only
    changes the window and log folder.
    """
    if _state.previous is None:
        _state.previous = (sys.excepthook, threading.excepthook)
    _state.window = window
    _state.log_dir = Path(log_dir) if log_dir is not None else log_directory()
    _state.log_dir.mkdir(parents=True, exist_ok=True)
    if _state.reporter is None and QApplication.instance() is not None:
        _state.reporter = _Reporter()
    _state.repeats.clear()
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook


def uninstall_exception_hook() -> None:
    """Restore the hooks that were there before :func:`install_exception_hook`."""
    if _state.previous is not None:
        sys.excepthook, threading.excepthook = _state.previous
    _state.previous = None
    _state.window = None
    _state.log_dir = None


# -- the notice ------------------------------------------------------------------------
class CrashNotice(QFrame):
    """A small note floating at the bottom of the window; closes with ✕ or by itself."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("crashNotice")
        self.setAutoFillBackground(True)
        self.setStyleSheet("QFrame#crashNotice { background: #fff6dc; border: 2px solid #c77800;"
                           " border-radius: 4px; }")
        self.label = QLabel(objectName="crashNoticeText")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setOpenExternalLinks(True)
        close = QToolButton(text="✕", objectName="crashNoticeClose")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._timer.timeout.connect(self.hide)
        parent.installEventFilter(self)
        self.hide()

    def show_message(self, where: str, path: Path) -> None:
        link = QUrl.fromLocalFile(str(path)).toString()
        self.label.setText(f"⚠ Something went wrong in {html.escape(where)}; details saved to "
                           f"<a href='{html.escape(link)}'>{html.escape(str(path))}</a>")
        self._place()
        self.show()
        self.raise_()
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def _place(self) -> None:
        parent = self.parentWidget()
        self.setFixedWidth(max(120, min(parent.width() - 16, 720)))
        self.adjustSize()
        bottom = parent.height() - 8
        if isinstance(parent, QMainWindow) and parent.statusBar().isVisible():
            bottom -= parent.statusBar().height()
        self.move(8, max(0, bottom - self.height()))


def show_notice(window: QWidget, where: str, path: Path) -> CrashNotice:
    """Show (or update) the window's crash notice."""
    notice = window.findChild(QFrame, "crashNotice",
                              Qt.FindChildOption.FindDirectChildrenOnly)
    if not isinstance(notice, CrashNotice):
        notice = CrashNotice(window)
    notice.show_message(where, path)
    return notice


# -- failing views -----------------------------------------------------------------------
class _DisabledOverlay(QLabel):
    """Covers a failed view, follows its size and swallows its mouse input."""

    def __init__(self, view: QWidget) -> None:
        super().__init__(view)
        self.setObjectName("viewDisabledNotice")
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAutoFillBackground(True)
        self.setStyleSheet("QLabel#viewDisabledNotice { background: #f4f4f4; color: #7a4a00;"
                           " border: 2px dashed #c77800; padding: 12px; }")
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
                            QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel):
            event.accept()
            return True
        return super().event(event)


def is_disabled(view: QWidget) -> bool:
    """True once :func:`disable_view` was called on ``view``."""
    return bool(view.property(DISABLED_PROPERTY))


def disable_view(view: QWidget, reason: str) -> QLabel:
    """Cover ``view`` with ``reason``; its guarded methods are skipped from now on."""
    view.setProperty(DISABLED_PROPERTY, True)
    overlay = view.findChild(QLabel, "viewDisabledNotice",
                             Qt.FindChildOption.FindDirectChildrenOnly)
    if overlay is None:
        overlay = _DisabledOverlay(view)
    overlay.setText(reason)
    overlay.setGeometry(view.rect())
    overlay.show()
    overlay.raise_()
    return overlay


def call_guarded(view: QWidget, title: str, func: Callable[..., Any], *args: Any,
                 **kwargs: Any) -> Any:
    """``func(*args, **kwargs)``, unless ``view`` failed before; a failure disables it."""
    if is_disabled(view):
        return None
    try:
        return func(*args, **kwargs)
    except Exception:
        path = report(sys.exc_info(), where=title, window=view.window())
        disable_view(view, f"This panel stopped after an error; details in "
                           f"{path or 'the terminal output'}")
        return None


def guarded(title: str) -> Callable[[F], F]:
    """Decorate a view method: after it raises, the view is disabled, not the app."""

    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: QWidget, *args: Any, **kwargs: Any) -> Any:
            return call_guarded(self, title, method, self, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def guard_view(view: QWidget, title: str, *methods: str) -> None:
    """Guard the named methods of one view instance (as :func:`guarded` does per class)."""
    for name in methods:
        method = getattr(view, name)
        wrapper = functools.partial(call_guarded, view, title, method)
        setattr(view, name, functools.update_wrapper(wrapper, method))
