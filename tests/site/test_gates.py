"""`make lint` runs every gate, `make test` the static ones, and ruff catches planted code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import systools

ROOT = Path(__file__).resolve().parents[2]
GATE_COMMANDS = {
    "spelling": "tools/spellcheck.py",
    "rstlint": "tools/rstlint.py",
    "ruff": "ruff format --check",
    "htmlcheck": "tools/htmlcheck.py _build/html",
    "axe": "tests/site/browser/test_accessibility.py",
}


def needs_make() -> None:
    """Without make: skipped with one line, failed under CI=true (tools/systools.py)."""
    if shutil.which("make") is None:
        systools.not_run_test("make's targets", "make is not installed (apt-get install make)")


def dry_run(target: str) -> str:
    """The commands `make TARGET` would run, as if nothing were up to date."""
    needs_make()
    done = subprocess.run(
        ["make", "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.mark.parametrize(("gate", "command"), sorted(GATE_COMMANDS.items()))
def test_lint_runs_every_gate(gate: str, command: str) -> None:
    assert command in dry_run(gate)
    assert command in dry_run("lint")


def test_test_runs_the_static_gates_before_pytest() -> None:
    commands = dry_run("test")
    for gate in ("spelling", "rstlint", "ruff", "htmlcheck"):
        assert GATE_COMMANDS[gate] in commands
    assert commands.index(GATE_COMMANDS["htmlcheck"]) < commands.index("-m pytest")


def test_ruff_with_project_config_flags_planted_code() -> None:
    planted = "import os\n\n\ndef f(x):\n    return x == None\n"
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [ruff, "check", "--output-format", "concise", "--stdin-filename", "tests/planted.py", "-"],
        cwd=ROOT,
        input=planted,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "tests/planted.py:1:8: F401" in done.stdout
    assert "tests/planted.py:5:17: E711" in done.stdout


def test_make_test_runs_the_site_checks_once_and_pytest_on_every_core() -> None:
    """consolecheck and lessonrun over the site run inside pytest (tests/site), over the
    html build the gates checked; never a second time as make targets."""
    commands = dry_run("test")
    pytest_lines = [line for line in commands.splitlines() if "-m pytest" in line]
    assert len(pytest_lines) == 1
    assert "-n auto" in pytest_lines[0] and "--site-build _build" in pytest_lines[0]
    assert "-b consolecheck" not in commands and "-b lessonrun" not in commands
    html = commands.index("-b html -d _build/doctrees -W --keep-going -n . _build/html")
    assert commands.index("rm -rf _build/html _build/doctrees") < html
    assert html < commands.index("-m pytest")


def test_make_check_builds_checks_and_runs_the_fast_tests() -> None:
    """One html build that also checks every console block (consolecheck inside the
    build: tests/ext/test_consolecheck_inbuild.py), then the fast tests."""
    commands = dry_run("check").splitlines()
    html = next(i for i, c in enumerate(commands) if "-b html" in c)
    assert "-D hpccourse_consolecheck=1" in commands[html]
    assert "-W" in " ".join(commands[html : html + 2])
    tests = next(i for i, c in enumerate(commands) if "-m pytest" in c)
    assert html < tests
    named = [word for word in commands[tests].split() if word.startswith("tests/")]
    assert "tests/ext" in named
    for path in named:
        assert (ROOT / path.split("::")[0]).exists(), path
    assert "lessonrun" not in commands[tests].replace("not lessonrun", "")


def test_make_help_lists_check_and_test() -> None:
    needs_make()
    shown = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True)
    for target in ("check", "test"):
        assert f"\nmake {target} " in "\n" + shown.stdout, target


def gate(tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """tools/gate.py, as the gate "demo" logging into ``tmp_path``, running ``command``."""
    script = str(ROOT / "tools" / "gate.py")
    return subprocess.run(
        [sys.executable, script, "demo", "--log", str(tmp_path), "--", *command],
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_gate_that_passes_prints_one_line_and_logs_the_rest(tmp_path: Path) -> None:
    code = "print('\\x1b[01mRunning\\x1b[39;49;00m'); print('a config dump'); print('0 problems')"
    done = gate(tmp_path, sys.executable, "-c", code)
    assert done.returncode == 0
    (line,) = done.stdout.splitlines()
    assert re.fullmatch(r"demo: ok in \d+\.\d s: 0 problems", line), line
    assert (tmp_path / "demo.log").read_text(encoding="utf-8") == (
        "Running\na config dump\n0 problems\n"
    )


def test_a_gate_that_fails_shows_all_its_output_and_its_exit_status(tmp_path: Path) -> None:
    code = (
        "import sys; print('page.rst:3: WARNING: first'); print('page.rst:9: second'); sys.exit(3)"
    )
    done = gate(tmp_path, sys.executable, "-c", code)
    assert done.returncode == 3
    lines = done.stdout.splitlines()
    assert lines[:2] == ["page.rst:3: WARNING: first", "page.rst:9: second"]
    assert lines[2].startswith("demo: FAILED (exit 3) in ") and str(tmp_path) in lines[2]
    missing = gate(tmp_path, str(tmp_path / "no-such-program"))
    assert missing.returncode == 127 and "demo: FAILED: cannot run" in missing.stdout


def test_make_test_check_and_lint_print_one_line_per_gate() -> None:
    """Each Sphinx build and static gate of these targets runs under tools/gate.py; a
    gate's own target runs it plainly (all its output)."""
    for target in ("test", "check", "lint"):
        commands = [line for line in dry_run(target).splitlines() if not line.startswith("#")]
        gated = [c for c in commands if "tools/gate.py" in c]
        names = {c.split("tools/gate.py", 1)[1].split()[0] for c in gated}
        assert names >= ({"html+consolecheck"} if target == "check" else {"spelling", "rstlint"})
        for command in commands:
            if "sphinx-build" in command or "tools/spellcheck.py" in command:
                assert "tools/gate.py" in command, (target, command)
    assert "tools/gate.py" not in dry_run("spelling")
