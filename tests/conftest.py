"""Shared fixtures: Sphinx's own testing fixtures, over testroots in tests/roots.

``hpccourse`` is imported as installed (``make venv`` installs it editable), never
from a path added here: the tests see the package the way a course does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ("sphinx.testing.fixtures",)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds `test-*` testroots."""
    return Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The course site's own source folder."""
    return ROOT
