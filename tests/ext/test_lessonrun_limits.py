"""Limits per session, not per machine-wide uid (issue 19 item 2; issue 22 item 7).

As root, every session used to run as ``nobody``, and ``RLIMIT_NPROC`` counts a uid's
processes on the whole machine: when ``nobody`` already held the limit's worth (another
cluster's fork bomb, another build's sessions), ``setpriv`` could not start the
session's bash (``execve``: EAGAIN) and every exercise failed at once with "the session
ended during this command". Each sandbox's sessions now run as a uid of their own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from hpccourse.lessonrun.boundary import NOBODY, Limits, probe
from sphinx.cmd.build import build_main
from systools import in_ci

pytestmark = [
    pytest.mark.needs_tools("lessonrun", "bubblewrap", "lmod"),
    pytest.mark.skipif(
        not in_ci() and isinstance(probe(), str),
        reason=f"no kernel sandbox on this machine: {probe()}",
    ),
]


def processes_of(uid: int) -> int:
    """How many processes of the machine run as ``uid`` (real uid)."""
    count = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text(encoding="utf-8")
        except OSError:
            continue
        uids = next(line for line in status.splitlines() if line.startswith("Uid:"))
        count += int(uids.split()[1]) == uid
    return count


@pytest.fixture
def nobody_at_its_limit():
    """``nobody`` holding as many processes as a session may have, for the test's time."""
    if os.geteuid() != 0:
        pytest.skip("only a root run gives its sessions uids of their own")
    wanted = Limits().processes
    holder = subprocess.Popen(
        [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "/bin/sh",
            "-c",
            f"i=0; while [ $i -lt {wanted} ]; do sleep 900 & i=$((i+1)); done; wait",
        ],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while processes_of(NOBODY) < wanted and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_of(NOBODY) >= wanted
        yield
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()


def test_a_uid_busy_elsewhere_does_not_stop_a_session_and_clusters_differ(
    rootdir, tmp_path, nobody_at_its_limit
):
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-lessonrun-limits", srcdir)
    outdir = tmp_path / "out"
    status = build_main(["-b", "lessonrun", "-E", "-q", str(srcdir), str(outdir)])
    report = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
    uids = {}
    for cluster in report["clusters"]:
        ((exercise,),) = [cluster["exercises"]]
        (step,) = exercise["steps"]
        assert step["status"] == "passed", (cluster["cluster"], step)
        uid, child = step["output"].splitlines()
        assert child == "a-child-ran"
        uids[cluster["cluster"]] = int(uid)
    assert status == 0
    assert len(uids) >= 2 and len(set(uids.values())) == len(uids), uids  # one per cluster
    assert NOBODY not in uids.values() and 0 not in uids.values()
    passwd = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()
    machine = {int(line.split(":")[2]) for line in passwd if line.count(":") >= 6}
    assert not machine & set(uids.values())
