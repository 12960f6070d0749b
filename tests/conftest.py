"""Shared fixtures: Sphinx's own testing fixtures, over the testroots of tests/roots.

tests/ext tests the extension on those small testroots; tests/site tests this course's
own content (tests/site/conftest.py). A testroot's data table is composed from
tests/roots/base.toml and the testroot's ``clusters.overlay.toml`` (tests/testroots.py):
``rootdir`` is a copy of tests/roots, made once per session, with every table composed.

``hpccourse`` is imported as installed (``make venv`` installs it editable), never
from a path added here: the tests see the package the way a course does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from testroots import materialise

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # systools: the policy for missing system tools

import systools  # noqa: E402

# systools as a plugin: under `make test` pytest's skips join the run's skip summary.
pytest_plugins = ("sphinx.testing.fixtures", "systools")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--site-dir",
        type=Path,
        default=None,
        help="the course project tests/site checks (default: this repository)",
    )


@pytest.fixture(autouse=True)
def _needs_tools(request: pytest.FixtureRequest) -> None:
    """``@pytest.mark.needs_tools(CHECK, TOOL, ...)``: the one policy for system tools
    (tools/systools.py): without one, the test is skipped with its install line (failed
    under CI=true)."""
    marker = request.node.get_closest_marker("needs_tools")
    if marker is not None:
        systools.require_in_test(*marker.args)


@pytest.fixture(scope="session")
def rootdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where sphinx.testing finds `test-*` testroots: tests/roots with composed tables."""
    return materialise(tmp_path_factory.mktemp("testroots") / "roots")


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The course site's own source folder."""
    return ROOT
