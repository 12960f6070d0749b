"""The course's exercises, run for real on every cluster of its table (offline pip).

One ``lessonrun`` build over the shared html build's doctrees, as ``make lessonrun``
runs it. Checked per cluster of the table (or of ``lessonrun_clusters``, when conf.py
narrows the run) and per page of the toctree: every exercise passes, or is skipped
because none of its blocks is for that cluster. Then the lesson "Isolated environments"
(isolated.rst), whose exercises are content facts of this course.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sitekit import BuiltSite, CheckRun

# Runs exercises in lessonrun's sandbox: the system tools it needs.
pytestmark = pytest.mark.needs_tools("lessonrun", "bubblewrap", "lmod", "slurm", "munge")

LESSON = "isolated"
GPU_STEP = "load-python-gpu"  # the step Exercise 2 of the lesson starts with
GPU_INSTALL = "install-gpu-packages"  # and the packages it installs in Example-gpu
EXPORT = "export-requirements"  # Exercise 3.6: pip freeze --local to a file, then cat it
SUBMIT = "submit-batch-job"  # Exercise 4.3 (not on a cluster without batch settings)


@pytest.fixture(scope="module")
def run(site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> CheckRun:
    return CheckRun.run(site, "lessonrun", tmp_path_factory.mktemp("lessonrun"))


def run_clusters(site: BuiltSite) -> list[str]:
    """The clusters lessonrun runs on: ``lessonrun_clusters``, else every one of the table."""
    chosen = list(site.env.config.lessonrun_clusters)
    return [key for key in site.table.cluster_keys if not chosen or key in chosen]


def exercises(run: CheckRun, cluster: str, docname: str) -> dict[str, dict[str, Any]]:
    """The page's exercises on ``cluster``, by title up to its colon, in page order."""
    (entry,) = [c for c in run.report["clusters"] if c["cluster"] == cluster]
    return {e["title"].split(":")[0]: e for e in entry["exercises"] if e["docname"] == docname}


def test_every_exercise_of_every_page_passes_on_every_cluster(site: BuiltSite, run: CheckRun):
    assert run.warnings == "", f"lessonrun warned:\n{run.warnings}"
    assert run.status == 0, run.output
    clusters = run_clusters(site)
    assert [c["cluster"] for c in run.report["clusters"]] == clusters
    pages_per_cluster = []
    for entry in run.report["clusters"]:
        docnames = [e["docname"] for e in entry["exercises"]]
        assert set(docnames) <= set(site.pages)
        # page by page: each page's exercises together, none mixed into another's
        runs = [name for i, name in enumerate(docnames) if i == 0 or docnames[i - 1] != name]
        assert len(runs) == len(set(runs)), (entry["cluster"], docnames)
        pages_per_cluster.append([(e["docname"], e["title"]) for e in entry["exercises"]])
        for exercise in entry["exercises"]:
            where = (entry["cluster"], exercise["docname"], exercise["title"])
            statuses = {step["status"] for step in exercise["steps"]}
            if exercise["status"] == "skipped":
                assert statuses <= {"skipped"}, where
            else:
                assert exercise["status"] == "passed", where
                assert statuses <= {"passed", "skipped"} and "passed" in statuses, where
    # Every cluster meets the same exercises, page by page (skipped where none is for it).
    assert all(found == pages_per_cluster[0] for found in pages_per_cluster)
    assert pages_per_cluster[0], "no exercise on any page"


def test_the_environment_prompt_matches_what_bash_has_active(run: CheckRun) -> None:
    for entry in run.report["clusters"]:
        for exercise in entry["exercises"]:
            steps = exercise["steps"]
            shown = [s["prompt"].strip() for s in steps]
            active = [s["env_after"] for s in steps]
            # the prompt shown before each command is the one bash had after the one before
            for before, prompt in zip(active, shown[1:], strict=False):
                assert prompt == (f"({before}) $" if before else "$"), exercise["title"]


# ------------------------------------------------- the lesson "Isolated environments"


def test_the_lesson_has_its_five_exercises_on_every_cluster(site: BuiltSite, run: CheckRun):
    for cluster in run_clusters(site):
        found = exercises(run, cluster, LESSON)
        assert list(found) == [
            "Exercise 0", "Exercise 1", "Exercise 2", "Exercise 3", "Exercise 4"
        ]  # fmt: skip
        for title in ("Exercise 1", "Exercise 3", "Exercise 4"):
            assert found[title]["status"] == "passed", (cluster, title)


def test_exercise_2_runs_where_its_gpu_step_applies(site: BuiltSite, run: CheckRun) -> None:
    table = site.table
    for cluster in run_clusters(site):
        exercise = exercises(run, cluster, LESSON)["Exercise 2"]
        if table.steps[GPU_STEP].applies_to(cluster):
            assert exercise["status"] == "passed", cluster
            (load,) = table.render(GPU_STEP, cluster).commands
            assert exercise["steps"][0]["command"] == load
            install = table.render(GPU_INSTALL, cluster, {"venv": "Example-gpu"})
            # Where the GPU modules bring numba, the step says so and installs nothing.
            for command in install.commands:
                assert command in [s["command"] for s in exercise["steps"]], cluster
        else:
            assert exercise["status"] == "skipped", cluster
            assert exercise["steps"] == []


def test_exercise_0s_rm_is_skipped_as_the_lesson_shows_no_answer(site: BuiltSite, run: CheckRun):
    for cluster in run_clusters(site):
        (step,) = exercises(run, cluster, LESSON)["Exercise 0"]["steps"]
        assert step["status"] == "skipped"
        assert "asks before it deletes" in step["reasons"][0]


def test_exporting_then_cat_shows_the_pinned_requirements(site: BuiltSite, run: CheckRun):
    for cluster in run_clusters(site):
        steps = exercises(run, cluster, LESSON)["Exercise 3"]["steps"]
        *_, shown = site.table.render(EXPORT, cluster, {"venv": "any"}).commands
        cat = next(s for s in steps if s["command"] == shown)
        lines = cat["output"].splitlines()
        (written,) = site.table.render("write-requirements", cluster, {"venv": "any"}).commands
        pinned = set(re.findall(r"(?m)^[\w-]+==\S+$", written))  # the table's requirements
        assert pinned and pinned <= set(lines), (cluster, pinned, lines)
        assert all("==" in line for line in lines)


def test_the_batch_job_runs_the_environment_of_exercise_3_on_each_cluster(
    site: BuiltSite, run: CheckRun
) -> None:
    submitting = [c for c in run_clusters(site) if site.table.steps[SUBMIT].applies_to(c)]
    assert submitting
    for cluster in submitting:
        steps = exercises(run, cluster, LESSON)["Exercise 4"]["steps"]
        submit = next(s for s in steps if s["command"].startswith("sbatch "))
        (job,) = submit["jobs"]
        assert (job["state"], job["exit_code"], job["output_found"]) == ("COMPLETED", "0:0", True)
        assert job["output_file"].startswith("/home/")
        shown = next(s for s in steps if s["command"] == "cat analysis-*.out")["output"]
        # the versions Exercise 3 pinned (the table's requirements file), from its environment
        (written,) = site.table.render("write-requirements", cluster, {"venv": "any"}).commands
        pins = dict(re.findall(r"(?m)^([\w-]+)==(\S+)$", written))
        versions = " ".join(f"{name} {pins[name]}" for name in ("numpy", "pandas", "matplotlib"))
        assert versions in shown, (cluster, versions, shown)
        assert re.search(r"(?m) from \S*/analysis$", shown), (cluster, shown)  # the venv's Python


def test_loading_python_loads_the_tables_modules_in_order(site: BuiltSite, run: CheckRun):
    """Lmod really loads what the table's python module set names (a hierarchy's order
    included), with no stand-in Python where the machine has that version."""
    for cluster in run_clusters(site):
        (entry,) = [c for c in run.report["clusters"] if c["cluster"] == cluster]
        load = exercises(run, cluster, LESSON)["Exercise 1"]["steps"][0]
        wanted = list(site.table.cluster(cluster).modules["python"])
        loaded = [m for m in load["modules_after"] if m in wanted]
        assert loaded == wanted, (cluster, load["modules_after"])
        assert isinstance(entry["stand_ins"], list)


def test_the_markdown_lesson_writes_its_job_script_on_every_cluster(
    site: BuiltSite, run: CheckRun
) -> None:
    """batch.md (MyST): its generated here-document runs, at the fence's line, with the
    cluster's own first line; where the step does not apply the exercise is skipped."""
    table = site.table
    text = site.source("batch").read_text(encoding="utf-8").splitlines()
    directive_line = text.index("```{cluster-commands} write-job-script") + 1
    for cluster in run_clusters(site):
        found = exercises(run, cluster, "batch")
        assert list(found) == ["Exercise 1"], cluster  # the submission is shown, not run
        if not table.steps["write-job-script"].applies_to(cluster):
            assert found["Exercise 1"]["status"] == "skipped", cluster
            continue
        (write,) = found["Exercise 1"]["steps"]
        assert write["status"] == "passed"
        assert write["location"] == f"batch.md:{directive_line}"
        shell = table.fact(cluster, "batch_shell")
        assert write["command"].startswith(f"cat > job.sh <<'EOF'\n{shell}\n#SBATCH -A ")
