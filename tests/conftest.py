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
from collections.abc import Iterator
from pathlib import Path

import pytest
from testroots import materialise

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))  # systools: the policy for missing system tools

# systools as a plugin: under `make test` pytest's skips join the run's skip summary.
pytest_plugins = ("sphinx.testing.fixtures", "systools")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--site-dir",
        type=Path,
        default=None,
        help="the course project tests/site checks (default: this repository)",
    )
    parser.addoption(
        "--site-build",
        type=Path,
        default=None,
        help="a folder `make html` has just built --site-dir into (html/, doctrees/), "
        "brought up to date and reused instead of a fresh build (make test passes it)",
    )


def runs_lessons(item: pytest.Item) -> bool:
    """Whether the test runs lessons in the kernel sandbox (lessonrun, Lmod, a private
    Slurm), itself or through its file's fixtures (a wheel's course, a grown copy of the
    site: the file says so with ``RUNS_LESSONRUN = True``)."""
    marker = item.get_closest_marker("needs_tools")
    if marker is not None and marker.args[:1] == ("lessonrun",):
        return True
    return bool(getattr(getattr(item, "module", None), "RUNS_LESSONRUN", False))


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test``: ``--dist loadgroup --no-loadscope-reorder``),
    each test file is one group, run by one worker, so that its module fixtures run once.
    The files that run lessons come first: they take longest (a minute or more each,
    mostly waiting on sandboxes and Slurm), and one started last would leave the other
    cores idle at the end. Their order among themselves, and the others', is kept."""
    lessons = {item.nodeid.split("::", 1)[0] for item in items if runs_lessons(item)}
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in lessons)
    for item in items:
        item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless chromium for the whole session (per xdist worker), for every test
    that needs one: Playwright's sync API cannot start while another of its instances
    runs in the same process, and a session's instance lives until the session ends."""
    import systools
    from playwright.sync_api import sync_playwright

    executable = systools.require_in_test("browser tests", "chromium")["chromium"].path
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Under ``CI=true`` nothing is skipped: a skip, whatever raised it, fails the test
    with its reason (tools/systools.py's policy, for every skip, not only the tools')."""
    outcome = yield
    report = outcome.get_result()
    import systools

    if systools.in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        reason = str(reason).removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where every test must run: {reason}"


@pytest.fixture(autouse=True)
def _needs_tools(request: pytest.FixtureRequest) -> None:
    """``@pytest.mark.needs_tools(CHECK, TOOL, ...)``: the one policy for system tools
    (tools/systools.py): without one, the test is skipped with its install line (failed
    under CI=true)."""
    marker = request.node.get_closest_marker("needs_tools")
    if marker is not None:
        import systools  # the plugin pytest loaded (pytest_plugins, below)

        systools.require_in_test(*marker.args)


@pytest.fixture(scope="session")
def rootdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where sphinx.testing finds `test-*` testroots: tests/roots with composed tables."""
    return materialise(tmp_path_factory.mktemp("testroots") / "roots")


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The course site's own source folder."""
    return ROOT
