"""Shared fixtures: Sphinx's own testing fixtures, over testroots in tests/roots."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(ROOT / "tools"))  # systools: the policy for missing system tools

# systools as a plugin: under `make test` pytest's skips join the run's skip summary.
pytest_plugins = ("sphinx.testing.fixtures", "systools")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds `test-*` testroots."""
    return Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The course site's own source folder."""
    return ROOT
