"""Under CI=true nothing is skipped: tests/conftest.py turns any skip into a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLANTED = "HPCCOURSE_PLANTED_SKIP"


def test_planted_skip() -> None:
    """Skips only when the test below asks it to (a plain pytest.skip, no tool policy)."""
    if os.environ.get(PLANTED):
        pytest.skip("planted: a skip that is not the system tools' policy")


def run_planted(ci: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "SKIP_LOG")}
    env |= {PLANTED: "1", "CI": ci}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfs",
         f"{Path(__file__).relative_to(ROOT)}::test_planted_skip"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_a_skip_fails_under_ci() -> None:
    done = run_planted("true")
    assert done.returncode == 1, done.stdout
    assert "1 failed" in done.stdout
    assert "skipped under CI=true, where every test must run: planted" in done.stdout


def test_a_skip_stays_a_skip_outside_ci() -> None:
    done = run_planted("")
    assert done.returncode == 0, done.stdout
    assert "1 skipped" in done.stdout
