"""What the course's code leaves running is ended with the check, and nothing else
(issue 20: the check runs the course's code and must not leave it behind)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from hpccourse.builders import strays

pytestmark = pytest.mark.skipif(
    strays._subreaper() is None, reason="no prctl here: nothing is ended"
)


def test_orphans_started_in_the_block_end_and_what_ran_before_goes_on(tmp_path: Path) -> None:
    before = subprocess.Popen(["sleep", "60"])  # a test's browser, say: not the course's
    pidfile = tmp_path / "pid"
    ended: list[str] = []
    try:
        with strays.ended_after(ended):
            # an orphan (its shell ends at once) and a child still running
            subprocess.run(["sh", "-c", f"sleep 60 & echo $! > {pidfile}"], check=True)
            subprocess.Popen(["sleep", "61"])  # Popen returns once its child has exec'd
            orphan = int(pidfile.read_text(encoding="utf-8"))
            _named(orphan, "sleep")  # sh's child may not have exec'd yet on a busy machine
        assert sorted(ended) == ["sleep", "sleep"]
        with pytest.raises(ProcessLookupError):
            os.kill(orphan, 0)  # ended and reaped here
        assert before.poll() is None  # still running
        assert strays._subreaper() is False  # as it was
        assert strays.note(ended) == [
            "the course's code left 2 processes running (sleep); ended when the check ended"
        ]
    finally:
        before.kill()
        before.wait()
        with contextlib.suppress(ProcessLookupError, ValueError, FileNotFoundError):
            os.kill(int(pidfile.read_text(encoding="utf-8")), signal.SIGKILL)


def _named(pid: int, name: str, seconds: float = 10.0) -> None:
    """Wait until process ``pid`` runs the program ``name`` (it has exec'd)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip() == name:
                return
        time.sleep(0.01)
    raise AssertionError(f"process {pid} never ran {name}")


def test_a_block_that_leaves_nothing_says_nothing() -> None:
    ended: list[str] = []
    with strays.ended_after(ended):
        subprocess.run(["true"], check=True)
    assert ended == [] and strays.note(ended) == []
