"""What a session hands back, taken without trusting it.

The builder may run as root; a session (and its batch jobs) may write anything into its
writable folders, replace a file there with a symlink to a host file, a FIFO or a folder,
or print without end. So:

- ``read_file``: a result file is opened under its folder's descriptor with
  ``O_NOFOLLOW | O_NONBLOCK``, checked to be a regular file with ``fstat``, and read with
  a cap (its head and its tail); anything else is a :class:`Unreadable` with the reason;
- ``write_private``: what the builder hands the session (its script, each command) is
  written into a folder only the builder can write, ``O_CREAT | O_EXCL | O_NOFOLLOW``;
- ``Drain``: the session's pipes are read on threads, each kept to a cap, the rest
  read and dropped (a session printing without end costs no memory);
- ``records``: the session reports each step on a pipe (its fd 3), never in a file,
  as NUL-separated fields: ``S STEP RC VIRTUAL_ENV PS1 LOADEDMODULES T0 T1`` and, per
  batch job, ``J STEP LINE``. A record that is malformed, or a step reported twice
  (something else wrote to the pipe), fails that step;
- ``shown``: control characters (ESC, OSC, carriage returns, C1 and bidi controls)
  escaped, so that what reaches the teacher's terminal, ``output.txt`` and
  ``report.json`` is text.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """``text`` with every control character but newline and tab written as an escape."""

    def escape(match: re.Match[str]) -> str:
        code = ord(match[0])
        if match[0] == "\r":
            return "\\r"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROL.sub(escape, text)


class Unreadable(Exception):
    """A result file the builder will not read, and why (in the lesson's words)."""


def write_private(path: Path, text: str) -> None:
    """Write a new file the session may read but never replace (its folder is the
    builder's own): refused if anything is already there, a symlink included."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        os.fchmod(fd, 0o644)  # whatever the umask
        handle.write(text)


def read_file(folder: Path, name: str, cap: int, tail: int = 0) -> tuple[bytes, int]:
    """At most ``cap`` bytes of ``folder/name`` (plus its last ``tail`` bytes, after a
    marker, when it is longer) and its size; :class:`Unreadable` when it is not a
    regular file (a symlink, a FIFO, a folder) or cannot be opened."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise Unreadable(f"its folder cannot be opened ({exc.strerror})") from None
    try:
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        try:
            fd = os.open(name, flags, dir_fd=dir_fd)
        except FileNotFoundError:
            raise
        except OSError as exc:
            raise Unreadable(f"{name} is not a regular file ({exc.strerror})") from None
    finally:
        os.close(dir_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"{name} is not a regular file (something replaced it)")
        head = os.pread(fd, cap, 0)
        if info.st_size <= cap + tail or not tail:
            return head, info.st_size
        end = os.pread(fd, tail, info.st_size - tail)
        cut = info.st_size - cap - tail
        return head + f"\n[... {cut} bytes of output cut ...]\n".encode() + end, info.st_size
    finally:
        os.close(fd)


def read_text(folder: Path, name: str, cap: int, tail: int = 0) -> str | None:
    """``read_file`` decoded (None when there is no such file)."""
    try:
        data, _ = read_file(folder, name, cap, tail)
    except FileNotFoundError:
        return None
    return data.decode("utf-8", "replace")


class Drain:
    """Read a pipe to its end on a thread, keeping its first ``cap`` bytes."""

    def __init__(self, stream: IO[bytes], cap: int) -> None:
        self.stream = stream
        self.cap = cap
        self.kept = bytearray()
        self.dropped = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        fd = self.stream.fileno()
        with contextlib.suppress(OSError, ValueError):
            while chunk := os.read(fd, 65536):
                room = self.cap - len(self.kept)
                self.kept += chunk[:room]
                self.dropped += max(0, len(chunk) - room)

    def result(self, timeout: float = 10.0) -> bytes:
        self.thread.join(timeout)
        return bytes(self.kept)


@dataclass
class Status:
    """One step as the session reported it."""

    rc: int
    virtual_env: str
    prompt: str
    modules: str
    seconds: float


@dataclass
class Records:
    """Every step the session reported, its batch jobs, and what was wrong."""

    status: dict[int, Status] = field(default_factory=dict)
    jobs: dict[int, list[str]] = field(default_factory=dict)
    twice: set[int] = field(default_factory=set)  # steps reported more than once
    malformed: str = ""  # why the rest of the report cannot be read


def records(data: bytes, dropped: int = 0) -> Records:
    """The steps and jobs in the session's report pipe (see the module docstring)."""
    found = Records()
    fields = data.decode("utf-8", "replace").split("\0")
    tail = fields.pop()  # after the last NUL: empty, unless the session was cut off
    i = 0
    while i < len(fields):
        tag = fields[i]
        size = {"S": 8, "J": 3}.get(tag, 0)
        if not size or i + size > len(fields) or not fields[i + 1].isdigit():
            found.malformed = "its report holds something lessonrun did not write"
            return found
        step = int(fields[i + 1])
        if tag == "J":
            found.jobs.setdefault(step, []).append(fields[i + 2])
        elif step in found.status:
            found.twice.add(step)
        else:
            rc, env, prompt, modules, start, stop = fields[i + 2 : i + 8]
            try:
                seconds = round(float(stop) - float(start), 3)
                found.status[step] = Status(int(rc), env, prompt, modules, seconds)
            except ValueError:
                found.malformed = "its report holds something lessonrun did not write"
                return found
        i += size
    if tail or dropped:
        found.malformed = "its report was cut off or overlong"
    return found
