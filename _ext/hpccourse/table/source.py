"""Reading the table file itself: a regular file under a size cap, never a hang.

A FIFO blocks ``open()`` until a writer comes, and a symlink to ``/dev/zero`` reads
until memory runs out; so the file is checked with ``stat`` before it is opened, opened
non-blocking, checked again on the open descriptor (it may have been swapped between),
and read with a bound. A symlink to a regular file is fine (a course may link its table).
"""

from __future__ import annotations

import os
import stat

#: The largest table read, in bytes: a real one is tens of kB (seven clusters: ~30 kB).
MAX_TABLE_BYTES = 1_000_000

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class SourceError(Exception):
    """Why the file cannot be the table (no line: it is about the file)."""


def _kind(mode: int) -> str:
    return next((what for test, what in _KINDS if test(mode)), "not a regular file")


def check(st: os.stat_result) -> None:
    """Raise :class:`SourceError` unless ``st`` is a regular file under the cap."""
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(f"the data table must be a regular file, not {_kind(st.st_mode)}")
    if st.st_size > MAX_TABLE_BYTES:
        raise SourceError(
            f"the data table is {st.st_size:,} bytes, more than {MAX_TABLE_BYTES:,}: "
            "a table of cluster facts and steps is far smaller"
        )


def stat_table(path: str) -> os.stat_result:
    """``os.stat`` of ``path`` (following a symlink), checked; :class:`SourceError`."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise SourceError(f"cannot read the data table: {exc.strerror}") from None
    check(st)
    return st


def read_table(path: str) -> tuple[bytes, os.stat_result]:
    """The table's bytes and the ``stat`` of what was read; :class:`SourceError`."""
    stat_table(path)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise SourceError(f"cannot read the data table: {exc.strerror}") from None
    try:
        st = os.fstat(fd)
        check(st)  # the file opened, not the one stat looked at a moment before
        chunks, size = [], 0
        while size <= MAX_TABLE_BYTES:
            chunk = os.read(fd, MAX_TABLE_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise SourceError(f"cannot read the data table: {exc.strerror}") from None
    finally:
        os.close(fd)
    if size > MAX_TABLE_BYTES:  # it grew while read
        raise SourceError(f"the data table grew past {MAX_TABLE_BYTES:,} bytes while read")
    return b"".join(chunks), st
