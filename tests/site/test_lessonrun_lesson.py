"""The real lesson, run for real on both clusters of the real table (offline pip)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.cmd.build import build_main

ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCES = {".venv", "_build", ".git", "tests", "node_modules", "benchmarks", ".pytest_cache"}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("lesson")
    srcdir = tmp / "site"
    shutil.copytree(
        ROOT,
        srcdir,
        ignore=lambda folder, names: [
            n for n in names if Path(folder) == ROOT and (n in NOT_SOURCES or n.startswith("."))
        ],
    )
    warnings = tmp / "warnings.txt"
    status = build_main(
        ["-b", "lessonrun", "-E", "-q", "-W", "--keep-going", "-n", "-w", str(warnings),
         str(srcdir), str(tmp / "out")]
    )  # fmt: skip
    report = json.loads((tmp / "out" / "report.json").read_text(encoding="utf-8"))
    return {"status": status, "warnings": warnings.read_text(encoding="utf-8"), "report": report}


def exercises(run: dict[str, Any], cluster: str) -> dict[str, dict[str, Any]]:
    (entry,) = [c for c in run["report"]["clusters"] if c["cluster"] == cluster]
    return {e["title"].split(":")[0]: e for e in entry["exercises"]}


def test_the_real_lesson_passes_on_both_clusters(run):
    assert run["warnings"] == ""
    assert run["status"] == 0
    assert [c["cluster"] for c in run["report"]["clusters"]] == ["uppmax", "hpc2n"]
    for cluster in ("uppmax", "hpc2n"):
        found = exercises(run, cluster)
        assert list(found) == ["Exercise 0", "Exercise 1", "Exercise 2", "Exercise 3"]
        for title in ("Exercise 1", "Exercise 3"):
            assert found[title]["status"] == "passed", (cluster, title)


def test_exercise_2_runs_on_uppmax_only(run):
    uppmax = exercises(run, "uppmax")["Exercise 2"]
    assert uppmax["status"] == "passed"
    assert uppmax["steps"][0]["command"] == "module load python/3.9.5"
    assert "pip install --upgrade numpy scipy numba torch" in [
        s["command"] for s in uppmax["steps"]
    ]
    hpc2n = exercises(run, "hpc2n")["Exercise 2"]
    assert hpc2n["status"] == "skipped"
    assert hpc2n["steps"] == []


def test_exercise_0s_rm_is_skipped_as_the_lesson_shows_no_answer(run):
    (step,) = exercises(run, "uppmax")["Exercise 0"]["steps"]
    assert step["status"] == "skipped"
    assert "asks before it deletes" in step["reasons"][0]


def test_the_environment_prompt_matches_what_bash_has_active(run):
    for cluster in ("uppmax", "hpc2n"):
        steps = exercises(run, cluster)["Exercise 1"]["steps"]
        shown = [s["prompt"].strip() for s in steps]
        active = [s["env_after"] for s in steps]
        # the prompt shown before each command is the one bash had after the one before
        for before, prompt in zip(active, shown[1:], strict=False):
            assert prompt == (f"({before}) $" if before else "$")


def test_exporting_then_cat_shows_the_pinned_requirements(run):
    steps = exercises(run, "hpc2n")["Exercise 3"]["steps"]
    cat = next(s for s in steps if s["command"] == "cat requirements.txt")
    lines = cat["output"].splitlines()
    assert {"numpy==1.26.4", "matplotlib==3.8.4", "pandas==2.2.2"} <= set(lines)
    assert all("==" in line for line in lines)
