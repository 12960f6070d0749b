"""Fixtures of the site tests: the course project under test, built once per session.

tests/site tests this course's content, driven by its data table and its pages: every
cluster of ``clusters.toml``, every page of the toctree, nothing counted or named by
hand. ``site_dir`` is the project (this repository, or ``pytest --site-dir DIR``);
``site`` its html build, made once, as ``make html`` makes it; ``consolecheck`` the
console-block check over the same doctrees, as ``make consolecheck`` runs it.
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
def site(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The project built once with ``-b html -W --keep-going -n`` into a temporary folder."""
    return BuiltSite.build(site_dir, tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def consolecheck(site: BuiltSite, tmp_path_factory: pytest.TempPathFactory) -> CheckRun:
    """``-b consolecheck`` over the project, reusing the html build's doctrees."""
    return CheckRun.run(site, "consolecheck", tmp_path_factory.mktemp("consolecheck"))
