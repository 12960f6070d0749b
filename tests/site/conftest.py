"""Fixtures of the site tests: the course project under test, built once per session.

tests/site tests this course's content, driven by its data table and its pages: every
cluster of ``clusters.toml``, every page of the toctree, nothing counted or named by
hand. ``site_dir`` is the project (this repository, or ``pytest --site-dir DIR``);
``site`` its html build, made once, as ``make html`` makes it; ``consolecheck`` the
console-block check over the same doctrees, as ``make consolecheck`` runs it. Both are
made once per test run even when pytest-xdist runs the tests in several workers
(``make test``: ``-n auto``): the first worker that needs one makes it, the others wait
for it and read it (sitekit.once_per_run).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import BuiltSite, CheckRun

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def site_dir(request: pytest.FixtureRequest) -> Path:
    """The course project the site tests check: ``--site-dir``, else this repository."""
    chosen = request.config.getoption("--site-dir")
    return (chosen or REPOSITORY).resolve()


@pytest.fixture(scope="session")
def site(site_dir: Path, request: pytest.FixtureRequest) -> BuiltSite:
    """The project built with ``-b html -W --keep-going -n``, once per test run (shared by
    pytest-xdist's workers); into a temporary folder, or into ``--site-build``."""
    out = request.config.getoption("--site-build")
    # Absolute, as `make test`'s relative `--site-build _build` is: pages are opened as file URIs.
    return BuiltSite.shared(request, site_dir, out and out.resolve())


@pytest.fixture(scope="session")
def consolecheck(site: BuiltSite, request: pytest.FixtureRequest) -> CheckRun:
    """``-b consolecheck`` over the project, reusing the html build's doctrees, once per
    test run."""
    return CheckRun.shared(request, site, "consolecheck")
