"""Compile formulas in a separate process, with a timeout and cancellation.

A pathological formula can hold the interpreter (and its GIL) for seconds inside sympy,
so a thread is not enough: the sympy work runs in a child process that can be killed.
The child is a plain ``python -m gdviz.core.compile_worker`` (or the frozen app with
``--compile-worker``), so it never re-imports the parent's main script, and it exits
when the parent closes its stdin or dies. Messages are length-prefixed pickles.

This module imports no sympy: the app's first paint must not wait for it, and the
window's process never loads it (the child's CompiledForm replies need only NumPy).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from typing import Any, BinaryIO

from gdviz.core.compiled import CompiledFunction
from gdviz.core.expression import ExpressionError, parse

_HEADER = struct.Struct("!I")
WORKER_FLAG = "--compile-worker"
CHILD_NICENESS = 10  # the child's lower scheduling priority (Unix nice)


def worker_command() -> list[str]:
    """The command line that starts a compile worker."""
    if getattr(sys, "frozen", False):  # a packaged app: its executable knows the flag
        return [sys.executable, WORKER_FLAG]
    return [sys.executable, "-m", "gdviz.core.compile_worker"]


def _send(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream: BinaryIO) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)  # noqa: S301 - only ever our own child's replies


def serve(stdin: BinaryIO, stdout: BinaryIO) -> None:
    """The child's loop: read (text, delay), reply with a CompiledForm or an error."""
    import time

    from gdviz.core.compiler import compile_form

    _send(stdout, "ready")
    while True:
        try:
            text, delay = _receive(stdin)
        except (EOFError, OSError):
            return  # the parent closed the pipe or died
        time.sleep(delay)  # only tests ask for a delay
        try:
            reply = ("ok", compile_form(parse(text)))
        except ExpressionError as err:
            reply = ("error", err.message, err.start, err.end)
        except Exception as exc:  # noqa: BLE001 - any failure is a refusal, never a crash
            reply = ("error", f"could not compile this formula ({type(exc).__name__})", 0,
                     len(text))
        try:
            _send(stdout, reply)
        except (OSError, ValueError):
            return


class CompileWorker:
    """Compiles formulas in a persistent child process, with a timeout.

    The child starts on first use; after a timeout or :meth:`cancel` it is killed and a
    fresh one starts on the next call. ``compile`` blocks, so call it off the GUI thread;
    calls are serialised. ``_child_delay`` makes the child sleep first (tests only).
    """

    def __init__(self, timeout: float = 5.0, *, _child_delay: float = 0.0) -> None:
        self.timeout = timeout
        self._child_delay = _child_delay
        self._lock = threading.Lock()  # one compile at a time
        self._state = threading.Lock()  # guards the process and its reply queue
        self._process: subprocess.Popen | None = None
        self._replies: queue.Queue = queue.Queue()
        self._prefetched: tuple[str, Any] | None = None  # (text, CompiledForm)

    def __enter__(self) -> CompileWorker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the child now (it imports sympy, ~0.5 s) instead of on first compile."""
        with self._lock:
            self._ensure_started()

    def prefetch(self, text: str) -> None:
        """Start the child and compile ``text`` on a background thread, now.

        The app calls this first thing with the default function, so the child imports
        sympy and compiles while the window's process imports Qt; the window's own
        ``compile(text)`` then takes the result without a round trip.
        """
        def run() -> None:
            with self._lock:
                try:
                    reply = self._request(text, self.timeout)
                except RuntimeError:  # the child did not start: compile() will say so
                    return
                if reply[0] == "ok":
                    self._prefetched = (text, reply[1])

        threading.Thread(target=run, name="gdviz-compile-prefetch", daemon=True).start()

    def compile(self, text: str, timeout: float | None = None):
        """Compile ``text`` in the child: a CompiledFunction, or ExpressionError."""
        formula = parse(text)  # cheap refusals need no round trip
        with self._lock:
            if self._prefetched is not None and self._prefetched[0] == text:
                reply = ("ok", self._prefetched[1])
            else:
                reply = self._request(text, self.timeout if timeout is None else timeout)
        if reply[0] == "error":
            raise ExpressionError(*reply[1:])
        try:
            return CompiledFunction(reply[1], formula)
        except (ValueError, TypeError, EOFError) as exc:  # a reply we cannot use
            raise ExpressionError(f"could not compile this formula ({exc})", 0, len(text)) from exc

    def cancel(self) -> None:
        """Abandon a compile in progress (its caller gets an error); safe any time."""
        if self._lock.locked():
            self._stop(reason="cancelled")

    def close(self) -> None:
        """Stop the child process (safe to call more than once)."""
        self._stop(reason="closed")

    # -- internals -------------------------------------------------------------------
    def _request(self, text: str, timeout: float) -> tuple:
        try:
            process, replies = self._ensure_started()
            _send(process.stdin, (text, self._child_delay))
            reply = replies.get(timeout=timeout)
        except queue.Empty:
            self._stop(reason="timeout")
            return ("error", "too complex to compile in time", 0, len(text))
        except (OSError, ValueError, RuntimeError):
            reply = ("stopped",)
        if reply[0] in ("ok", "error"):
            return reply
        self._stop(reason="failed")
        return ("error", "the compile was interrupted; try again", 0, len(text))

    def _ensure_started(self) -> tuple[subprocess.Popen, queue.Queue]:
        with self._state:
            if self._process is not None and self._process.poll() is None:
                return self._process, self._replies
            replies: queue.Queue = queue.Queue()
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                p for p in (_package_root(), os.environ.get("PYTHONPATH")) if p)}
            kwargs: dict[str, Any] = {}
            if os.name == "posix":
                kwargs["start_new_session"] = True  # Ctrl-C in a terminal is the parent's
            else:
                kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
            process = subprocess.Popen(worker_command(), stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                       env=env, **kwargs)
            threading.Thread(target=_read_replies, args=(process.stdout, replies),
                             name="gdviz-compile-replies", daemon=True).start()
            self._process, self._replies = process, replies
        try:
            first = replies.get(timeout=60)
        except queue.Empty:
            first = None
        if first != "ready":
            self._stop(reason="failed")
            raise RuntimeError("the compiler process did not start")
        return process, replies

    def _stop(self, reason: str) -> None:
        with self._state:
            process, replies = self._process, self._replies
            self._process = None
        if process is None:
            return
        replies.put(("stopped", reason))  # wakes a waiting compile at once
        process.kill()  # first: a pipe cannot be closed while the reader thread reads it
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(2.0)
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


def _read_replies(stream: BinaryIO, replies: queue.Queue) -> None:
    while True:
        try:
            replies.put(_receive(stream))
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            replies.put(("stopped", "eof"))
            return


def _package_root() -> str:
    """The folder that holds the gdviz package, so the child imports the same code."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main() -> None:
    """Entry point of the child process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(AttributeError, OSError):  # not on Windows
        os.nice(CHILD_NICENESS)  # on a busy machine the window's process goes first
    # A windowed app on Windows has no sys.stdout/stdin objects: use the raw descriptors.
    out_fd = sys.stdout.fileno() if sys.stdout else 1
    in_fd = sys.stdin.fileno() if sys.stdin else 0
    replies = os.fdopen(os.dup(out_fd), "wb")
    if sys.stderr:
        os.dup2(sys.stderr.fileno(), out_fd)  # stray prints must not corrupt replies
    serve(os.fdopen(in_fd, "rb", closefd=False), replies)


if __name__ == "__main__":
    main()
