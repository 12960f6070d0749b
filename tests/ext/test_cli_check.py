"""``hpccourse check DOCS_DIR``: consolecheck over a Sphinx project that does not load the
extension, left unedited; its output formats, rule selection, exit status and report."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hpccourse import cli

EXT = Path(__file__).resolve().parents[2] / "_ext"

CONF = """project = "A course nobody here wrote"
extensions = ["sphinx_lesson", "sphinx_copybutton"]
copybutton_exclude = ".linenos, .gp, .go"
"""

INDEX = """A course
========

.. exercise:: Make an environment

   .. code-block:: console

      $ python -m venv myenv
      $ source activate myenv

.. code-block:: console

   module load R/4.1.2

.. mystery::

   .. code-block:: console

      $ ls

.. code-block:: console

   $ ls /proj/nobackup/course/[user]/
"""


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A small sphinx-lesson course: a CC207 in an exercise, a CC001, an unknown directive."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(CONF, encoding="utf-8")
    (docs / "index.rst").write_text(INDEX, encoding="utf-8")
    return docs


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m hpccourse ARGS`` in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "hpccourse", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": str(EXT), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_check_reports_problems_at_their_lines_and_exits_1(course: Path, tmp_path: Path) -> None:
    before = snapshot(course)
    done = run("check", "docs", "--out", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("docs/index.rst:9: CC207 ") for line in lines), lines
    assert any(line.startswith("docs/index.rst:13: CC001 ") for line in lines), lines
    cc001 = next(line for line in lines if " CC001 " in line)
    assert "copies nothing" in cc001  # the course's copybutton_exclude drops output
    assert "docs/index.rst:17: not checked: a `console` block inside `mystery`" in done.stdout
    assert "note: extension sphinx_lesson left out" in done.stdout
    assert "4 blocks checked" not in done.stdout and "3 blocks checked" in done.stdout
    assert "1 not reached" in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [u["line"] for u in report["unreached"]] == [17]
    assert snapshot(course) == before  # nothing in the project was touched


def test_json_and_github_formats(course: Path, tmp_path: Path) -> None:
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)
    assert data["summary"]["failed"] == 2 and data["summary"]["not_reached"] == 1
    done = run("check", "docs", "-o", "out", "--format", "github", cwd=tmp_path)
    assert "::error file=docs/index.rst,line=9,title=CC207::" in done.stdout
    assert "::warning file=docs/index.rst,line=17,title=not checked::" in done.stdout


def test_select_and_ignore_pick_the_rules(course: Path, tmp_path: Path) -> None:
    done = run("check", "docs", "-o", "out", "--select", "CC2", cwd=tmp_path)
    assert " CC207 " in done.stdout and " CC001 " not in done.stdout
    assert done.returncode == 1
    done = run("check", "docs", "-o", "out", "--ignore", "CC001,CC207", cwd=tmp_path)
    assert " CC0" not in done.stdout and " CC2" not in done.stdout
    assert done.returncode == 0, done.stdout


def test_a_bad_code_or_a_folder_without_conf_py_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = run("check", "empty", cwd=tmp_path)
    assert done.returncode == 2 and "no conf.py" in done.stderr and "Traceback" not in done.stderr
    done = run("check", "empty", "--select", "XX9", cwd=tmp_path)
    assert done.returncode == 2 and "no rule code starts with 'XX9'" in done.stderr


def test_the_projects_own_table_is_used(tmp_path: Path, rootdir: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(rootdir / "test-consolecheck-basic", docs)
    (docs / "conf.py").write_text('project = "x"\nextensions = []\n', encoding="utf-8")
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)
    steps = [b for b in data["blocks"] if b["step"] == "load-unknown"]
    assert [b["cluster"] for b in steps] == ["uppmax", "hpc2n"]  # from its clusters.toml
    assert all(p["code"] == "CC206" for b in steps for p in b["problems"])


def test_subcommands_come_from_one_registry() -> None:
    assert "check" in cli.SUBCOMMANDS
    with pytest.raises(ValueError, match="twice"):
        cli.register(cli.SUBCOMMANDS["check"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
