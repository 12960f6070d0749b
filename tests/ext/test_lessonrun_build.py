"""The lessonrun builder on small lessons: one that passes on two clusters, and one
exercise per mistake a run must catch, each failing for its own reason.

Testroots ``test-lessonrun-pass`` and ``test-lessonrun-fail``, their tables composed from
tests/roots/base.toml (the ``rootdir`` fixture)."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from hpccourse.lessonrun.report import sandbox_line
from sphinx.cmd.build import build_main

# Runs exercises in lessonrun's sandbox: the system tools it needs.
pytestmark = pytest.mark.needs_tools("lessonrun", "bubblewrap", "lmod")

PROJECT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, int] | None:
    """Every path under ``folder`` with its modification time (None: it does not exist)."""
    if not folder.exists():
        return None
    out = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            out[str(path.relative_to(folder))] = path.lstat().st_mtime_ns
    out["."] = folder.stat().st_mtime_ns
    return out


def lessonrun(
    roots: Path, tmp: Path, root: str, *options: str
) -> tuple[int, dict[str, Any], str, str]:
    """Build testroot ``root`` (of ``roots``, the ``rootdir`` fixture) with the lessonrun
    builder: exit status, report.json, output.txt and the warnings."""
    srcdir = tmp / root
    shutil.copytree(roots / f"test-{root}", srcdir)
    outdir = tmp / "out"
    warnings = tmp / "warnings.txt"
    status = build_main(
        ["-b", "lessonrun", "-E", "-q", "-w", str(warnings), *options, str(srcdir), str(outdir)]
    )
    report = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
    output = (outdir / "output.txt").read_text(encoding="utf-8")
    return status, report, output, warnings.read_text(encoding="utf-8")


def exercises(report: dict[str, Any], cluster: str) -> dict[str, dict[str, Any]]:
    (entry,) = [c for c in report["clusters"] if c["cluster"] == cluster]
    return {exercise["title"]: exercise for exercise in entry["exercises"]}


# ------------------------------------------------------------------ passing lesson
@pytest.fixture(scope="module")
def passing(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    home_local = Path.home() / ".local"
    venv_site = PROJECT / ".venv" / "lib"
    before = (snapshot(home_local), snapshot(venv_site))
    status, report, output, warnings = lessonrun(
        rootdir, tmp_path_factory.mktemp("pass"), "lessonrun-pass"
    )
    after = (snapshot(home_local), snapshot(venv_site))
    return {
        "status": status,
        "report": report,
        "output": output,
        "warnings": warnings,
        "before": before,
        "after": after,
    }


def test_a_correct_two_cluster_lesson_passes_with_exit_status_0(passing):
    assert passing["warnings"] == ""
    assert passing["status"] == 0
    assert [c["cluster"] for c in passing["report"]["clusters"]] == ["alpha", "beta"]
    for cluster in passing["report"]["clusters"]:
        assert cluster["summary"]["failed"] == 0
        assert cluster["summary"]["refused"] == 0
        assert cluster["note"] == ""
    assert "Lesson run summary" in passing["output"]
    assert passing["report"]["sandbox"] in ("root", "user")  # sandboxed on this machine
    assert passing["output"].endswith(sandbox_line(passing["report"]["sandbox"]))
    assert "Sandbox: bubblewrap" in passing["output"]


def test_only_sections_titled_exercise_run(passing):
    titles = list(exercises(passing["report"], "alpha"))
    assert titles == [
        "Exercise 1: an environment",
        "Exercise 2: Alpha only",
        "Exercise 3: interactive",
    ]


def test_a_step_only_for_one_cluster_runs_there_only(passing):
    alpha = exercises(passing["report"], "alpha")["Exercise 2: Alpha only"]
    beta = exercises(passing["report"], "beta")["Exercise 2: Alpha only"]
    assert alpha["status"] == "passed"
    assert [s["command"] for s in alpha["steps"]][-1] == (
        "mkdir -p /proj/alpha-course/[username]/results && ls /proj/alpha-course/[username]"
    )
    # files stay from one exercise to the next (Exercise 1 made python/), as on a cluster
    assert alpha["steps"][-1]["output"] == "python\nresults\n"
    assert beta["status"] == "skipped"
    assert beta["steps"] == []
    assert "no console block" in beta["note"]


def test_each_command_runs_in_page_order_with_status_output_and_environment(passing):
    steps = exercises(passing["report"], "beta")["Exercise 1: an environment"]["steps"]
    commands = [s["command"] for s in steps]
    assert commands[:4] == [
        "module load GCC/12.3.0 Python/3.11.3",
        "python -m venv --system-site-packages /proj/nobackup/beta-course/[username]/python/tiny",
        "source /proj/nobackup/beta-course/[username]/python/tiny/bin/activate",
        "pip install --no-cache-dir --no-build-isolation tinyplot",
    ]
    assert steps[1]["as_run"].endswith("/proj/nobackup/beta-course/bo/python/tiny")
    assert all(s["status"] == "passed" and s["exit_status"] == 0 for s in steps)
    assert steps[0]["modules_after"] == ["GCC/12.3.0", "Python/3.11.3"]
    assert steps[1]["env_after"] is None
    assert steps[2]["env_after"] == "tiny"
    deactivate = next(s for s in steps if s["command"] == "deactivate")
    assert deactivate["env_after"] is None


def test_pip_installs_the_stand_ins_offline_and_freeze_shows_them(passing):
    steps = exercises(passing["report"], "alpha")["Exercise 1: an environment"]["steps"]
    by_command = {s["command"]: s for s in steps}
    assert (
        "Successfully installed tinycore-0.5.1 tinyplot-1.2.0"
        in by_command["pip install tinyplot"]["output"]
    )
    cat = by_command["cat requirements.txt"]
    assert cat["exact"] is True
    assert cat["output"] == "tinycore==0.5.1\ntinyplot==1.2.0\n"


def test_the_machines_site_packages_do_not_leak_into_system_site_venvs(passing):
    steps = exercises(passing["report"], "alpha")["Exercise 1: an environment"]["steps"]
    listing = next(s for s in steps if s["command"] == "pip list")
    names = [line.split()[0] for line in listing["output"].splitlines()[2:]]
    assert names == ["pip", "setuptools", "tinycore", "tinyplot"]


def test_the_python_repl_gets_the_lines_the_lesson_shows(passing):
    steps = exercises(passing["report"], "alpha")["Exercise 1: an environment"]["steps"]
    python = next(s for s in steps if s["command"] == "python")
    assert python["stdin"] == "import tinyplot\nprint(tinyplot.__version__)\n"
    assert python["expected"] == ["1.2.0"]
    assert python["output"] == "1.2.0\n"


def test_exact_blocks_match_with_ellipsis_and_home_is_the_sandbox(passing):
    steps = exercises(passing["report"], "alpha")["Exercise 1: an environment"]["steps"]
    echo = next(s for s in steps if s["command"].startswith("echo"))
    assert echo["exact"] and echo["status"] == "passed"
    assert echo["output"] == "ada works in /home/ada\n"
    local = next(s for s in steps if s["command"].startswith("ls -d ~/.local"))
    assert local["output"] == "no ~/.local\n"


def test_rm_i_is_fed_the_answer_the_lesson_shows(passing):
    steps = exercises(passing["report"], "alpha")["Exercise 3: interactive"]["steps"]
    assert [s["command"] for s in steps] == [
        "touch notes.txt",
        "rm -i notes.txt",
        "ls notes.txt 2>/dev/null || echo gone",
    ]
    assert steps[1]["stdin"] == "y\n"
    assert steps[2]["output"] == "gone\n"


def test_the_real_home_local_and_the_project_venv_are_untouched(passing):
    assert passing["before"] == passing["after"]


# ------------------------------------------------------------------ failing lesson
#: The failing lesson in RST and its MyST twin: testroot, page, and the line each failed
#: command is reported at, exercise by exercise (the directive's line for a generated one).
FAILING = {
    "rst": ("lessonrun-fail", "index.rst", [11, 27, 32, 39, 44, 59, 67]),
    # MyST: fences, a directive in a :::{note}, a {code-block} in an :::{instructor-note},
    # a {code-block} with a caption, `% lessonrun: exact`.
    "myst": ("myst-lessonrun-fail", "index.md", [10, 28, 34, 42, 48, 62, 71]),
}


@pytest.fixture(scope="module", params=sorted(FAILING))
def failing(
    rootdir: Path, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, Any]:
    root, page, lines = FAILING[request.param]
    marker = Path("/tmp/lessonrun-escape-test.txt")
    marker.unlink(missing_ok=True)
    status, report, output, warnings = lessonrun(
        rootdir, tmp_path_factory.mktemp("fail"), root, "-D", "lessonrun_timeout=5"
    )
    return {
        "page": page,
        "lines": lines,
        "status": status,
        "report": report,
        "output": output,
        "warnings": warnings,
        "escaped": marker.exists(),
    }


def failed_steps(failing: dict[str, Any], title: str, cluster: str = "alpha") -> list[dict]:
    exercise = exercises(failing["report"], cluster)[title]
    assert exercise["status"] == "failed"
    return [s for s in exercise["steps"] if s["status"] in ("failed", "refused")]


def test_a_failing_lesson_exits_1_with_a_warning_per_failed_command(failing):
    assert failing["status"] == 1
    warnings = failing["warnings"].splitlines()
    assert all("[hpccourse.lessonrun]" in line for line in warnings)
    # 7 mistakes, on each of the two clusters, each at its line of the page
    assert len(warnings) == 14
    found = [
        re.match(r".*/([^/:]+):(\d+): WARNING: lessonrun \[(\w+)\] Exercise (\d)", w)
        for w in warnings
    ]
    assert [m.groups() for m in found] == [
        (failing["page"], str(line), cluster, str(number))
        for cluster in ("alpha", "beta")
        for number, line in enumerate(failing["lines"], 1)
    ]


def test_activate_before_create_fails_as_bash_says(failing):
    for cluster in ("alpha", "beta"):
        (step,) = failed_steps(failing, "Exercise 1: activate before create", cluster)
        assert step["command"].startswith("source ")
        assert step["exit_status"] == 1
        assert "No such file or directory" in step["reasons"][0]
        assert "session.sh" not in step["output"]
        assert step["output"].startswith("bash: /proj/")


def test_a_prompt_showing_the_wrong_environment_fails(failing):
    (step,) = failed_steps(failing, "Exercise 2: the prompt shows the wrong environment")
    assert step["exit_status"] == 0
    assert step["reasons"] == [
        "the lesson shows the prompt `(wrong) $` before this command, but the shell's "
        "prompt there is `(right) $ ` (`right` is active)"
    ]


def test_a_module_the_table_does_not_list_fails_naming_the_table(failing):
    (step,) = failed_steps(failing, "Exercise 3: a module the table does not list", "beta")
    assert step["exit_status"] == 1
    # Lmod's own error, then the modules the table gives the cluster
    assert step["reasons"] == [
        'exited with status 1: Lmod: The following module(s) are unknown: "python/2.7.18" '
        "(the data table clusters.toml gives beta the modules: GCC/12.3.0, Python/3.11.3)"
    ]


def test_deactivate_with_no_environment_active_fails(failing):
    (step,) = failed_steps(failing, "Exercise 4: deactivate with no environment active")
    assert step["exit_status"] == 127
    assert "deactivate: command not found" in step["reasons"][0]


def test_a_command_writing_outside_the_sandbox_is_refused_not_run(failing):
    steps = exercises(failing["report"], "alpha")["Exercise 5: writing outside the sandbox"][
        "steps"
    ]
    assert [s["status"] for s in steps] == ["refused", "passed", "passed"]
    assert steps[0]["exit_status"] is None
    assert "/tmp/lessonrun-escape-test.txt`, outside the sandbox" in steps[0]["reasons"][0]
    assert not failing["escaped"]


def test_exact_output_that_differs_fails_and_shows_both(failing):
    (step,) = failed_steps(failing, "Exercise 6: output that differs from what is shown")
    assert "expected: one three" in step["reasons"][0]
    assert "got:      one two" in step["reasons"][0]


def test_the_time_limit_stops_a_session_and_later_commands_do_not_run(failing):
    steps = exercises(failing["report"], "alpha")["Exercise 7: a command that never ends"]["steps"]
    assert steps[0]["status"] == "failed"
    assert steps[0]["reasons"] == ["did not finish within the run's time limit (5 s)"]
    assert steps[1]["status"] == "not run"


# ------------------------------------------------------------- no sandbox here
def test_without_a_sandbox_nothing_runs_and_the_warning_says_how_to_run_anyway(
    rootdir, tmp_path, monkeypatch
):
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no bwrap, prlimit nor setpriv to be found
    status, report, output, warnings = lessonrun(rootdir, tmp_path, "lessonrun-pass")
    assert status == 1
    assert "no sandbox on this machine (bwrap" in warnings
    assert "lessonrun_unsandboxed = True" in warnings
    assert report["sandbox"].startswith("bwrap")
    assert "-> not run: bwrap" in output
    assert output.endswith("nothing ran\n")
    for cluster in report["clusters"]:
        statuses = {s["status"] for e in cluster["exercises"] for s in e["steps"]}
        assert statuses <= {"not run", "skipped"} and "not run" in statuses
        assert cluster["summary"]["passed"] == 0


def test_each_test_file_is_one_xdist_group_and_lesson_runs_start_first(request):
    """``make test`` runs xdist with one group per file (module fixtures once), the files
    that run lessons first (the longest: none left to start last). xdist must see the
    group (pytest 9.2 with xdist 3.8.0 dropped every group: the node id lacked it)."""
    path = request.node.nodeid.split("::", 1)[0]
    groups = [m.args[0] for m in request.node.iter_markers("xdist_group")]
    assert groups == [path]
    if getattr(request.config.option, "loadgroup", False):  # xdist sets it in a worker
        assert request.node.nodeid.endswith(f"@{path}"), request.node.nodeid

    # This file runs lessons; every file that does comes before any that does not.
    def lessons(item: pytest.Item) -> bool:
        marker = item.get_closest_marker("needs_tools")
        ran = marker is not None and marker.args[:1] == ("lessonrun",)
        return ran or getattr(item.module, "RUNS_LESSONRUN", False)

    runs: dict[str, bool] = {}
    for item in request.session.items:
        name = item.nodeid.split("::", 1)[0]
        runs[name] = runs.get(name, False) or lessons(item)
    order = list(runs.values())
    assert runs[path] and order == sorted(order, reverse=True), runs
