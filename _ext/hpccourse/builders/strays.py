"""Processes a course's own code left running when ``hpccourse check`` ends, ended.

The check runs the course's ``conf.py`` and event handlers, and they may start programs
that outlive them: Tempest's handler, stopped after its time limit, left its plugin
listing running, handed to init and out of the check's reach. On Linux the check
therefore makes itself the *child subreaper* of what it starts
(``prctl(PR_SET_CHILD_SUBREAPER)``): an orphan comes back to it instead of init. When
the build is over, every descendant that was not there before is killed, reaped, and
named in one note. Elsewhere (no ``prctl``) nothing is ended and nothing said.

Processes are read from ``/proc`` (parent and name): psutil would do the same, but it is
not a dependency of the package and this is all the check needs of it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager, suppress

#: ``prctl`` options from ``<linux/prctl.h>``.
_SET_PDEATHSIG = 1
_SET_CHILD_SUBREAPER = 36
_GET_CHILD_SUBREAPER = 37
#: How long the ended processes are waited for, at most, in seconds (SIGKILL is not
#: refused; the wait is for their parents' ends, which hand them back here).
_WAIT = 5.0


def _prctl() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    """libc's ``prctl`` or None where there is none (not Linux)."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _subreaper() -> bool | None:
    """Whether this process is a child subreaper now; None where that cannot be asked."""
    prctl = _prctl()
    flag = ctypes.c_int(0)
    if prctl is None or prctl(_GET_CHILD_SUBREAPER, ctypes.byref(flag), 0, 0, 0) != 0:
        return None
    return bool(flag.value)


def _set_subreaper(on: bool) -> bool:
    prctl = _prctl()
    return prctl is not None and prctl(_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) == 0


def _table() -> dict[int, tuple[int, str, str]]:
    """Every process's id: its parent's id, its state letter and its name."""
    table: dict[int, tuple[int, str, str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as stat:
                text = stat.read()
        except OSError:  # ended meanwhile
            continue
        name, _, rest = text.partition(" (")[2].rpartition(") ")
        fields = rest.split()
        if len(fields) >= 2 and fields[1].lstrip("-").isdigit():
            table[int(entry.name)] = (int(fields[1]), fields[0], name)
    return table


def descendants(
    pid: int,
    table: dict[int, tuple[int, str, str]] | None = None,
    skip: AbstractSet[int] = frozenset(),
) -> set[int]:
    """The processes under ``pid``, at any depth, but for those in ``skip`` and theirs
    (what was running before the check, a test's browser say, and what it starts)."""
    table = _table() if table is None else table
    children: dict[int, list[int]] = {}
    for child, (parent, _state, _name) in table.items():
        children.setdefault(parent, []).append(child)
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found and child not in skip:
                found.add(child)
                todo.append(child)
    return found


def _end(before: set[int]) -> list[str]:
    """Kill and reap every descendant not in ``before``; their names, one each."""
    me = os.getpid()
    named: dict[int, str] = {}
    deadline = time.monotonic() + _WAIT
    while True:
        table = _table()
        new = descendants(me, table, skip=before)
        for pid in new:
            parent, state, name = table[pid]
            if state != "Z":
                named.setdefault(pid, name)
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            if parent == me:
                with suppress(ChildProcessError):  # reaped by its own Popen meanwhile
                    os.waitpid(pid, os.WNOHANG)
        if not new or time.monotonic() > deadline:
            return [named[pid] for pid in sorted(named)]
        time.sleep(0.02)


@contextmanager
def ended_after(ended: list[str]) -> Iterator[None]:
    """Run the block; then end the processes it left, their names added to ``ended``."""
    was = _subreaper()
    if was is None or not _set_subreaper(True):
        yield
        return
    before = descendants(os.getpid())
    try:
        yield
    finally:
        ended.extend(_end(before))
        _set_subreaper(was)


def forks_end_with_this_process() -> bool:
    """From now on, a process this one forks (a multiprocessing pool's worker, which its
    pool starts anew when one is ended) is killed by the kernel when the thread that
    forked it ends, at this process's exit the latest (``PR_SET_PDEATHSIG``): nothing
    the course's code forked outlives the check, holding its output pipes open. For the
    ``hpccourse`` process only (:func:`hpccourse.cli.entry`); programs started with
    ``subprocess`` run no fork handler and are ended by :func:`ended_after`."""
    prctl = _prctl()
    if prctl is None:
        return False
    parent = [os.getpid()]

    def before() -> None:
        parent[0] = os.getpid()

    def in_child() -> None:
        prctl(_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent[0]:  # the parent ended before the signal was asked for
            os._exit(1)

    os.register_at_fork(before=before, after_in_child=in_child)
    return True


def note(ended: list[str]) -> list[str]:
    """One line saying which processes were ended, or none."""
    if not ended:
        return []
    names = sorted(set(ended))
    shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
    return [
        f"the course's code left {len(ended)} process{'es' if len(ended) > 1 else ''} "
        f"running ({shown}); ended when the check ended"
    ]
