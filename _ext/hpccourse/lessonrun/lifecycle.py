"""Everything a run started, so that it can all end at once.

Each session (and each Slurm) is started in a process group of its own and registered
here, as is every temporary folder. ``on_signals`` makes SIGINT and SIGTERM to the builder
kill every registered process group, remove every registered folder, and then stop the
run (``KeyboardInterrupt`` / ``SystemExit``), instead of waiting for the exercises left.
The sandbox's ``--die-with-parent`` covers the builder's own death by SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType


class Stopped(RuntimeError):
    """The run was told to stop (a signal): start nothing more."""


class Lifecycle:
    """The live process groups and temporary folders of one run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processes: set[subprocess.Popen[bytes]] = set()
        self._folders: set[Path] = set()
        self.stopping = False

    def start(self, argv: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        """Start ``argv`` in a process group of its own and track it."""
        with self._lock:
            if self.stopping:
                raise Stopped("the run is stopping")
            process = subprocess.Popen(argv, start_new_session=True, **kwargs)  # type: ignore[call-overload]
            self._processes.add(process)
        return process

    def forget(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._processes.discard(process)

    def folder(self, path: Path) -> Path:
        """Track a temporary folder (removed on a signal, and by its owner at the end);
        made after the run was told to stop, it is removed at once."""
        with self._lock:
            if not self.stopping:
                self._folders.add(path)
                return path
        remove_tree(path)
        raise Stopped("the run is stopping")

    def remove(self, path: Path) -> None:
        remove_tree(path)
        with self._lock:
            self._folders.discard(path)

    def kill_all(self) -> None:
        """Kill every tracked process group at once (the sandbox takes its children)."""
        with self._lock:
            processes = list(self._processes)
        for process in processes:
            kill_group(process)

    def stop(self) -> None:
        """End everything: no new session, every process killed, every folder removed."""
        self.stopping = True
        self.kill_all()
        with self._lock:
            folders = list(self._folders)
        for path in folders:
            self.remove(path)

    @contextlib.contextmanager
    def on_signals(self) -> Iterator[None]:
        """While inside, SIGINT and SIGTERM stop the run (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(signum: int, _frame: FrameType | None) -> None:
            self.stop()
            if signum == signal.SIGINT:
                raise KeyboardInterrupt
            raise SystemExit(128 + signum)

        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, old in previous.items():
                signal.signal(sig, old)


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group ``process`` leads (its sandbox dies with it)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def remove_tree(path: Path) -> None:
    """Remove ``path``, even read-only folders a session left (chmod, then remove).

    ``rmtree`` never follows a symlink; the chmod of a retry does, so it touches only a
    folder seen as one with ``lstat``, and only when not root (root needs no mode to
    remove a file, and must never chmod what a session could have swapped). Folders
    nested too deep for ``rmtree``'s recursion go with ``rm -rf`` (no symlink followed).
    """

    def retry(function, name, _exc):  # type: ignore[no-untyped-def]
        with contextlib.suppress(OSError):
            if os.geteuid() != 0:
                for folder in (os.path.dirname(name), name):
                    if stat.S_ISDIR(os.lstat(folder).st_mode):
                        os.chmod(folder, 0o700)
            function(name)

    try:
        shutil.rmtree(path, onerror=retry)
    except RecursionError:  # folders nested deeper than Python recurses: coreutils' rm
        subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)], check=False)
