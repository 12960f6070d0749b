"""`make lint` runs every gate, `make test` the static ones, and ruff catches planted code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GATE_COMMANDS = {
    "spelling": "tools/spellcheck.py",
    "rstlint": "tools/rstlint.py",
    "ruff": "ruff format --check",
    "htmlcheck": "tools/htmlcheck.py _build/html",
    "axe": "tests/site/browser/test_accessibility.py",
}


def dry_run(target: str) -> str:
    """The commands `make TARGET` would run, as if nothing were up to date."""
    if shutil.which("make") is None:
        pytest.skip("no make")
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
