"""Limits per session, not per machine-wide uid (issue 19 item 2; issue 22 item 7).

Memory: a session of many processes is capped as a whole by a cgroup of its own, where
the machine lets root make one (:mod:`hpccourse.lessonrun.cgroups`).

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
from dataclasses import replace
from pathlib import Path

import hpccourse.lessonrun.boundary
import pytest
from hpccourse.lessonrun import cgroups
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
    found = cgroups.probe()
    summary = (outdir / "output.txt").read_text(encoding="utf-8")
    if isinstance(found, str):
        assert f"Memory per session: not capped here: {found}\n" in summary
    else:
        assert "Memory per session: capped at 4 GiB by a cgroup\n" in summary
    assert len(uids) >= 2 and len(set(uids.values())) == len(uids), uids  # one per cluster
    assert NOBODY not in uids.values() and 0 not in uids.values()
    passwd = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()
    machine = {int(line.split(":")[2]) for line in passwd if line.count(":") >= 6}
    assert not machine & set(uids.values())


def leftover_cgroups() -> list[Path]:
    """The sessions' cgroups this process made (the builder runs in it) still under its
    own; another process's builds at the same time are not this test's."""
    found = cgroups.probe()
    assert not isinstance(found, str)
    return [p for h in found.values() for p in h.folder.glob(f"lessonrun-*-{os.getpid()}-*")]


def test_a_session_past_its_memory_cap_fails_located_and_the_other_passes(
    rootdir, tmp_path, monkeypatch
):
    if isinstance(cgroups.probe(), str):
        pytest.skip(f"no cgroup per session here: {cgroups.probe()}")
    capped = 2 * 1024**3

    def probe_with_a_small_cap(unsandboxed: bool = False):
        boundary = probe(unsandboxed)
        assert not isinstance(boundary, str)
        limits = replace(boundary.limits, session_memory=capped, session_processes=64)
        return replace(boundary, limits=limits)

    monkeypatch.setattr(hpccourse.lessonrun.boundary, "probe", probe_with_a_small_cap)
    before = set(leftover_cgroups())
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-lessonrun-limits", srcdir)
    shutil.copy(srcdir / "memory-page.txt", srcdir / "index.rst")
    outdir = tmp_path / "out"
    status = build_main(["-b", "lessonrun", "-E", "-q", str(srcdir), str(outdir)])
    report = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
    steps = {c["cluster"]: c["exercises"][0]["steps"] for c in report["clusters"]}
    assert set(steps) >= {"alpha", "beta"}
    for step in steps["beta"]:
        assert step["status"] == "passed", step
    load, allocate, fork = steps["alpha"]
    assert load["status"] == "passed", load
    for forks in (fork, steps["beta"][2]):  # the cgroup's cap, far below RLIMIT_NPROC
        assert forks["status"] == "passed", forks
        assert 0 < int(forks["output"].removeprefix("forked ")) < 64, forks
    assert allocate["status"] == "failed", allocate
    assert "all-ended" in allocate["output"]  # the lesson's `wait` hid the kill
    (reason,) = [r for r in allocate["reasons"] if "memory cap" in r]
    assert reason.startswith("the session reached its memory cap (2 GiB")
    assert status != 0
    output = (outdir / "output.txt").read_text(encoding="utf-8")
    assert "index.rst:" in output and "memory cap" in output  # located
    assert set(leftover_cgroups()) == before
