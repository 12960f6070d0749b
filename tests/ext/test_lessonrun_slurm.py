"""lessonrun's private Slurm (tests/roots/test-lessonrun-slurm): sbatch, squeue, sacct,
srun and scancel work in a lesson; each submitted job is waited for and judged by its end
state and its output file; a job past the time limit is canceled and the step fails."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hpccourse.lessonrun.boundary import probe
from hpccourse.lessonrun.slurm import slurm_missing
from sphinx.cmd.build import build_main
from systools import in_ci

ROOTS = Path(__file__).parents[1] / "roots"

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


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("slurm")
    srcdir = tmp / "src"
    shutil.copytree(ROOTS / "test-lessonrun-slurm", srcdir)
    temp = tmp / "temp"
    temp.mkdir()
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
    return {"status": status, "report": report, "output": output, "temp": temp}


def exercise(run: dict[str, Any], number: int) -> dict[str, Any]:
    (cluster,) = run["report"]["clusters"]
    (found,) = [e for e in cluster["exercises"] if e["title"].startswith(f"Exercise {number}:")]
    return found


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
    assert step["reasons"] == [
        f"batch job {job['id']} did not end within the run's time limit: canceled"
    ]


def test_slurm_stops_with_the_run_and_leaves_nothing(run):
    assert sorted(run["temp"].iterdir()) == []
