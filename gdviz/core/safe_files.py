"""Reading and writing the user's files safely.

Every file gdviz writes goes through :func:`replace_atomically`: the bytes go to a
temporary file beside the target, which then replaces it, so a crash leaves the old
file or the new one, never half of one. A symbolic link is followed (its target is
written and the link kept); anything at the target that is not a regular file (a
directory, a FIFO, a device, a socket) is refused and left as it is.

Every file gdviz reads goes through :func:`read_regular_file`, which refuses what is
not a regular file at once instead of waiting forever on a FIFO or reading a device.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
         (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
         (stat.S_ISSOCK, "a socket"))


class NotARegularFile(OSError):
    """The path names a folder, FIFO, device or socket: gdviz neither reads nor replaces it."""

    def __init__(self, path: str | os.PathLike, mode: int) -> None:
        kind = next((name for test, name in KINDS if test(mode)), "not a regular file")
        super().__init__(errno.EINVAL, f"it is {kind}, not a regular file", os.fspath(path))

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror} (left as it is)"


def write_target(path: str | os.PathLike) -> Path:
    """The regular file a write to ``path`` replaces: the target of a symbolic link.

    NotARegularFile if something else is there; a missing file is fine (it is created).
    """
    real = Path(os.path.realpath(path))
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        return real
    if not stat.S_ISREG(mode):
        raise NotARegularFile(path, mode)
    return real


def replace_atomically(path: str | os.PathLike, write: Callable[[str], None],
                       mode: int | None = None) -> None:
    """Create the file through ``write(temporary_path)``, then move it over ``path``.

    The file keeps the permissions of the one it replaces (a new one gets ``mode``, by
    default 0o644: exports are for sharing); on any error the temporary file is removed
    and ``path`` is left as it was.
    """
    target = write_target(path)
    if target.exists():
        mode = target.stat().st_mode & 0o777
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                suffix=target.suffix or ".tmp")
    os.close(fd)
    try:
        write(temp)
        os.chmod(temp, 0o644 if mode is None else mode)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_bytes(path: str | os.PathLike, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically, flushed to disk (see :func:`replace_atomically`)."""

    def write(temp: str) -> None:
        with open(temp, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())

    replace_atomically(path, write, mode)


def write_text(path: str | os.PathLike, text: str, mode: int | None = None) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"), mode)


def write_csv_rows(path: str | os.PathLike, header: list[str], rows: Iterable) -> None:
    """Write a CSV file atomically: ``header``, then ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    write_text(path, out.getvalue())


def read_regular_file(path: str | os.PathLike, limit: int) -> bytes:
    """The first ``limit`` + 1 bytes of a regular file (so the caller can tell it is too big).

    The file is opened without blocking, so a FIFO is refused at once (NotARegularFile),
    like a folder or a device; other problems raise OSError as open() does.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:  # Windows and some systems refuse to open a folder
        raise NotARegularFile(path, stat.S_IFDIR) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotARegularFile(path, mode)
    with os.fdopen(fd, "rb") as file:
        return file.read(limit + 1)
