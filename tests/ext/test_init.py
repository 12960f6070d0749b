"""``hpccourse init DIR``: a new course that builds, checks and runs its exercises as written.

Each format (RST, and MyST with ``--myst``) is written once per session and run through its
own Makefile (``make check``, then ``make lessonrun``), with a virtual environment's worth
of pages planted in ``.venv`` to prove the course never reads it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
import yaml
from builtpages import generated_tab_sets
from hpccourse import cli, scaffold
from hpccourse.scaffold import InitError, Options, destinations, init

ROOT = Path(__file__).resolve().parents[2]
FORMATS = {"rst": [], "myst": ["--myst"]}
#: What a venv in the course folder holds that Sphinx would read as pages: a page with an
#: unknown directive (as site-packages' autosummary templates have).
VENV_PAGE = ".venv/lib/python3.11/site-packages/pkg/templates/class.rst"


def make(course: Path, target: str) -> subprocess.CompletedProcess[str]:
    """``make TARGET`` in the course, with this interpreter as the course's Python."""
    return subprocess.run(
        ["make", "--no-print-directory", target, f"PYTHON={sys.executable}"],
        cwd=course,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module", params=sorted(FORMATS))
def course(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course written by ``hpccourse init`` into a folder that already holds a venv."""
    folder = tmp_path_factory.mktemp(f"init-{request.param}") / "mycourse"
    planted = folder / VENV_PAGE
    planted.parent.mkdir(parents=True)
    planted.write_text("Class\n=====\n\n.. autoclass:: nothing\n", encoding="utf-8")
    assert cli.main(["init", str(folder), *FORMATS[request.param]]) == 0
    return folder


def test_init_writes_every_file_of_a_course(course: Path) -> None:
    myst = (course / "lesson.md").exists()
    written = {p.relative_to(course).as_posix() for p in course.rglob("*") if p.is_file()}
    expected = set(destinations(Options("x", myst=myst)).values())
    assert written - {VENV_PAGE} == expected
    for name in ("conf.py", "clusters.toml", "Makefile", ".gitignore", "requirements.txt"):
        assert name in expected
    assert ".github/workflows/site.yml" in expected and ".readthedocs.yaml" in expected
    leftover = [line for p in course.rglob("*") if p.is_file() for line in
                p.read_text(encoding="utf-8").splitlines() if "@@" in line]  # fmt: skip
    assert not leftover, leftover


def test_the_new_course_passes_make_check(course: Path) -> None:
    """html -W and consolecheck, warning-free, with every cluster in every tab set."""
    done = make(course, "check")
    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [line for line in done.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, warnings
    table = tomllib.loads((course / "clusters.toml").read_text(encoding="utf-8"))
    lesson = (course / "_build" / "html" / "lesson.html").read_text(encoding="utf-8")
    labels = {cluster["label"] for cluster in table["clusters"].values()}
    tab_sets = generated_tab_sets(lesson)
    assert tab_sets, "no generated tab set on the lesson page"
    for tabs in tab_sets:
        assert labels <= tabs, f"tab set without {sorted(labels - tabs)}"
    report = json.loads((course / "_build/consolecheck/report.json").read_text("utf-8"))
    assert {b["status"] for b in report["blocks"]} == {"ok"}
    assert {b["cluster"] for b in report["blocks"] if b.get("cluster")} == set(table["clusters"])
    # The venv in the course folder is no part of the course.
    assert not list((course / "_build" / "html").rglob("class.html"))


@pytest.mark.needs_tools("lessonrun", "bubblewrap", "lmod")
def test_the_new_course_runs_its_exercise_on_every_cluster(course: Path) -> None:
    assert make(course, "check").returncode == 0
    done = make(course, "lessonrun")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((course / "_build/lessonrun/report.json").read_text("utf-8"))
    table = tomllib.loads((course / "clusters.toml").read_text(encoding="utf-8"))
    clusters = report["clusters"]
    assert [c["cluster"] for c in clusters] == list(table["clusters"])
    for cluster in clusters:
        summary = cluster["summary"]
        assert summary["exercises"] >= 1 and summary["passed"] == summary["steps"] > 0, cluster


def test_the_makefile_has_the_teachers_targets_in_its_help(course: Path) -> None:
    makefile = (course / "Makefile").read_text(encoding="utf-8")
    shown = make(course, "help").stdout
    for target in ("html", "check", "test", "livehtml", "lessonrun", "consolecheck", "venv"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
        assert f"make {target} " in shown, target


def test_gitignore_and_conf_leave_out_the_venv_and_the_builds(course: Path) -> None:
    ignored = (course / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/.venv/", "/_build/"} <= set(ignored)
    conf: dict = {}
    exec((course / "conf.py").read_text(encoding="utf-8"), conf)
    assert {"_build", ".venv"} <= set(conf["exclude_patterns"])


def test_the_workflow_pins_actions_as_this_repository_does(course: Path) -> None:
    """The same commit for each action as .github/workflows/site.yml, which
    tests/site/test_workflows.py keeps pinned."""
    ours = (ROOT / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    pins = dict(re.findall(r"uses: ([\w/-]+)@([0-9a-f]{40})", ours))
    workflow = (course / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    used = re.findall(r"uses: ([\w/-]+)@(\S+)", workflow)
    assert used
    for action, ref in used:
        assert pins.get(action) == ref, f"{action}@{ref}: not this repository's pin"
    steps = [step.get("run", "") for step in yaml.safe_load(workflow)["jobs"]["test"]["steps"]]
    assert "make venv" in steps and "make test" in steps


def test_readthedocs_installs_the_requirements_and_fails_on_warnings(course: Path) -> None:
    config = yaml.safe_load((course / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["python"]["install"] == [{"requirements": "requirements.txt"}]
    assert config["sphinx"]["fail_on_warning"] is True
    requirements = (course / "requirements.txt").read_text(encoding="utf-8")
    live = [line for line in requirements.splitlines() if line and not line.startswith("#")]
    assert len(live) == 1 and live[0].startswith("sphinx-hpccourse[live")


def test_init_never_overwrites_and_then_writes_nothing(tmp_path: Path, capsys) -> None:
    (tmp_path / "conf.py").write_text("# mine\n", encoding="utf-8")
    assert cli.main(["init", str(tmp_path)]) == 2
    assert "conf.py" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["conf.py"]
    assert (tmp_path / "conf.py").read_text(encoding="utf-8") == "# mine\n"


def test_a_title_is_one_line_written_safely(tmp_path: Path) -> None:
    with pytest.raises(InitError):
        init(tmp_path / "a", Options("two\nlines"))
    init(tmp_path / "b", Options('Python "on" the clusters'))
    conf: dict = {}
    exec((tmp_path / "b" / "conf.py").read_text(encoding="utf-8"), conf)
    assert conf["project"] == 'Python "on" the clusters'
    index = (tmp_path / "b" / "index.rst").read_text(encoding="utf-8").splitlines()
    assert index[1] == "=" * len(index[0])


def test_the_requirement_follows_a_git_install(monkeypatch: pytest.MonkeyPatch) -> None:
    class Installed:
        def read_text(self, name: str) -> str:
            assert name == "direct_url.json"
            return json.dumps(
                {"url": "https://example.org/c.git", "vcs_info": {"vcs": "git", "commit_id": "ab"}}
            )

    monkeypatch.setattr(scaffold.metadata, "distribution", lambda name: Installed())
    assert (
        scaffold.requirement(["live"])
        == "sphinx-hpccourse[live] @ git+https://example.org/c.git@ab"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.read().decode("utf-8")
    except (OSError, http.client.HTTPException):
        return None


def wait_for(condition, what: str, limit: float = 120.0) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.2)


def test_make_livehtml_serves_the_course_and_rebuilds_a_saved_lesson(course: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/lesson.html"
    server = subprocess.Popen(
        ["make", "livehtml", f"PYTHON={sys.executable}", f"LIVEHTML_PORT={port}"],
        cwd=course,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    lesson = next(course.glob("lesson.*"))
    original = lesson.read_text(encoding="utf-8")
    try:
        wait_for(lambda: "Exercise 1" in (fetch(url) or ""), "the served lesson")
        lesson.write_text(original.replace("Load Python and", "Load Python, then"), "utf-8")
        wait_for(lambda: "Load Python, then" in (fetch(url) or ""), "the rebuilt lesson")
    finally:
        lesson.write_text(original, encoding="utf-8")
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
