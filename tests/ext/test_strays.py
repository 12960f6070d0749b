"""What the course's code leaves running is ended with the check, and nothing else
(issue 20: the check runs the course's code and must not leave it behind)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
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
            subprocess.Popen(["sleep", "61"])
        orphan = int(pidfile.read_text(encoding="utf-8"))
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


def test_a_block_that_leaves_nothing_says_nothing() -> None:
    ended: list[str] = []
    with strays.ended_after(ended):
        subprocess.run(["true"], check=True)
    assert ended == [] and strays.note(ended) == []
