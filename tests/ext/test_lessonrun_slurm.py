"""lessonrun's private Slurm (tests/roots/test-lessonrun-slurm): sbatch, squeue, sacct,
srun and scancel work in a lesson; each submitted job is waited for and judged by its end
state and its output file; a job past the time limit is canceled and the step fails.
Each cluster's Slurm has the shape its table asks for: the partitions its job scripts
and option facts name, and its GPU types as count-only resources (a GPU job runs on the
CPU)."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hpccourse.lessonrun.boundary import probe
from hpccourse.lessonrun.lifecycle import Lifecycle
from hpccourse.lessonrun.slurm import slurm_missing, start_slurm
from sphinx.cmd.build import build_main
from systools import in_ci

# The system tools by the one policy (tools/systools.py); no namespaces or no root
# skips these tests on a teacher's machine, never under CI=true.
pytestmark = [
    pytest.mark.needs_tools("lessonrun", "bubblewrap", "lmod", "slurm", "munge"),
    pytest.mark.skipif(
        not in_ci()
        and not slurm_missing()
        and (isinstance(probe(), str) or probe().mode != "root"),
        reason=f"no private Slurm here (it needs root and namespaces): {probe()}",
    ),
]


#: A Unix socket's path holds at most 107 bytes. The run's TMPDIR makes munge's socket
#: path (TMPDIR/lessonrun-alpha-XXXXXXXX/.slurm/munge/munge.socket.2) 106 bytes long:
#: a batch script's step socket in slurmd's spool (NODE_JOB.4294967291, 4 bytes longer)
#: would not fit there, so every batch job below launches only because the spool lies at a
#: short path in Slurm's sandbox.
MUNGE_SOCKET_LENGTH = 106
_MUNGE_TAIL = len("/lessonrun-alpha-12345678/.slurm/munge/munge.socket.2")


def deep_folder(base: Path, munge_socket_length: int) -> Path:
    """A new folder under ``base`` that makes munge's socket path that long."""
    deep = base / ("x" * (munge_socket_length - _MUNGE_TAIL - len(str(base)) - 1))
    deep.mkdir()
    assert len(str(deep)) + _MUNGE_TAIL == munge_socket_length
    return deep


@pytest.fixture(scope="module")
def run(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("slurm")
    srcdir = tmp / "src"
    shutil.copytree(rootdir / "test-lessonrun-slurm", srcdir)
    base = Path(tempfile.mkdtemp(prefix="lr-"))  # tmp_path may be too deep already
    temp = deep_folder(base, MUNGE_SOCKET_LENGTH)
    saved = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(temp)
    tempfile.tempdir = None
    try:
        status = build_main(["-b", "lessonrun", "-E", "-q", str(srcdir), str(tmp / "out")])
    finally:
        if saved is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved
        tempfile.tempdir = None
    report = json.loads((tmp / "out" / "report.json").read_text(encoding="utf-8"))
    output = (tmp / "out" / "output.txt").read_text(encoding="utf-8")
    yield {"status": status, "report": report, "output": output, "temp": temp, "srcdir": srcdir}
    shutil.rmtree(base)


def exercise(run: dict[str, Any], number: int, key: str = "alpha") -> dict[str, Any]:
    (cluster,) = [c for c in run["report"]["clusters"] if c["cluster"] == key]
    (found,) = [e for e in cluster["exercises"] if e["title"].startswith(f"Exercise {number}:")]
    return found


def table(run: dict[str, Any]) -> dict[str, Any]:
    return tomllib.loads((run["srcdir"] / "clusters.toml").read_text(encoding="utf-8"))


def test_a_job_runs_and_the_slurm_commands_work(run):
    found = exercise(run, 1)
    assert found["status"] == "passed", found
    submit, cat, squeue, sacct, srun, scancel = found["steps"]
    (job,) = submit["jobs"]
    assert job["state"] == "COMPLETED" and job["exit_code"] == "0:0"
    assert job["output_found"] and job["output_file"] == f"/home/ada/slurm-{job['id']}.out"
    assert cat["output"] == "hello from the job\n"
    assert squeue["output"] == ""  # waited for: no longer queued
    assert "COMPLETED" in sacct["output"]
    assert srun["output"] == "alpha\n"
    assert scancel["exit_status"] == 0
    assert f"job {job['id']}: COMPLETED, exit code 0:0" in run["output"]


def test_a_failing_job_fails_its_step(run):
    (step,) = exercise(run, 2)["steps"]
    assert step["exit_status"] == 0  # sbatch itself worked
    assert step["status"] == "failed"
    (job,) = step["jobs"]
    assert step["reasons"] == [f"batch job {job['id']} ended FAILED with exit code 3:0"]


def test_a_job_past_the_time_limit_is_canceled_and_fails(run):
    (step,) = exercise(run, 3)["steps"]
    (job,) = step["jobs"]
    assert step["status"] == "failed"
    # it ran (sleep 300) until the deadline, and the reason says in which state
    assert step["reasons"] == [
        f"batch job {job['id']} did not end within the run's time limit (still RUNNING): canceled"
    ]


def test_each_clusters_job_script_runs_as_copied(run):
    """The job script holds the cluster's `#SBATCH {batch_resources}`: a partition of
    its own (beta), a GPU type (gamma); each runs, on the partition it names."""
    for key, cluster in table(run)["clusters"].items():
        found = exercise(run, 4, key)
        assert found["status"] == "passed", found
        _write, submit, cat, _partitions, _gres = found["steps"]
        (job,) = submit["jobs"]
        assert job["state"] == "COMPLETED" and job["exit_code"] == "0:0", job
        named = re.search(r"(?:^|\s)-p\s*(\S+)", cluster["batch_resources"])
        assert cat["output"] == f"partition {named[1] if named else 'batch'}\n"


def test_each_cluster_has_the_partitions_its_facts_name(run):
    """The default partition, and every one a job script or an option fact names."""
    for key, cluster in table(run)["clusters"].items():
        sinfo = exercise(run, 4, key)["steps"][-2]
        named = {
            m[1]
            for value in cluster.values()
            if isinstance(value, str) and value.startswith("-")
            for m in re.finditer(r"(?:^|\s)-p\s*(\S+)", value)
        }
        assert sorted(sinfo["output"].split()) == sorted({"batch", *named}), key


def test_each_gpu_type_named_is_a_count_only_resource(run):
    """The node holds one GPU of each type an option names (gamma: its job script's T4,
    its GPU fact's l40s), without device files; a cluster that names none has none."""
    for key, cluster in table(run)["clusters"].items():
        gres = exercise(run, 4, key)["steps"][-1]["output"].strip()
        types = {
            m[1]
            for value in cluster.values()
            if isinstance(value, str) and value.startswith("-")
            for m in re.finditer(r"--gpus(?:-per-node)?=(\w+):", value)
        }
        expected = {f"gpu:{t}:1" for t in types}
        assert (set(gres.split(",")) if types else gres) == (expected or "(null)"), key
    assert exercise(run, 1, "gamma")["note"]  # Alpha's tab: not gamma's


def test_slurm_stops_with_the_run_and_leaves_nothing(run):
    assert sorted(run["temp"].iterdir()) == []


def test_every_batch_job_ran_under_a_temporary_folder_at_the_socket_limit(run):
    (job,) = exercise(run, 1)["steps"][0]["jobs"]
    assert job["state"] == "COMPLETED", job
    assert len(str(run["temp"])) + _MUNGE_TAIL == MUNGE_SOCKET_LENGTH


def test_a_temporary_folder_too_deep_for_munge_s_socket_is_said(tmp_path: Path):
    """Checked before anything starts: the reason names the path and the limit."""
    boundary = probe()
    if isinstance(boundary, str) or boundary.mode != "root":
        pytest.skip(f"no private Slurm here: {boundary}")
    base = Path(tempfile.mkdtemp(prefix="lr-"))
    try:
        folder = deep_folder(base, 108) / "lessonrun-alpha-12345678" / ".slurm"
        folder.parent.mkdir()
        why = start_slurm(folder, "alpha", "batch", boundary, Lifecycle(), readable=[], writable=[])
    finally:
        shutil.rmtree(base)
    assert isinstance(why, str)
    assert "too deep for munge's socket" in why and "108 bytes, at most 107" in why, why
