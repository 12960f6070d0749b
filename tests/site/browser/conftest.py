"""Real-browser fixtures: the site built once (``site``), served on 127.0.0.1, in the
session's one chromium (``browser``, tests/conftest.py).

Playwright (PyPI) drives Debian's chromium; it never downloads a browser.
chromium is a system tool under the policy of tools/systools.py: where none is
found the browser tests are skipped with one line saying how to install it,
except under ``CI=true``, where a missing browser fails them.

Every page opened through the ``page`` fixture is guarded: a request to any
host but 127.0.0.1 is blocked and fails the test, as does an error on the
browser console. A failed test leaves a screenshot in ``test-results/browser/``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from browserkit import Browsing
from localserver import serve
from playwright.sync_api import Browser, Page
from sitekit import BuiltSite

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "test-results" / "browser"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "console_errors_expected: the test plants a fault, so errors on the browser "
        "console do not fail it (requests beyond 127.0.0.1 still do)",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so fixtures know if the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def site_html(site: BuiltSite) -> Path:
    """The course site's html, built once per session (tests/site/conftest.py: ``site``)."""
    if not (site.html / "index.html").is_file():
        pytest.fail(f"the site did not build:\n{site.warnings}", pytrace=False)
    return site.html


@pytest.fixture(scope="session")
def tab_pages(site: BuiltSite) -> list[str]:
    """The built pages (RST or MyST alike) that show generated cluster tabs, the one with
    the most tab sets first."""
    pages = [f"{page}.html" for page in site.tabbed_pages()]
    assert pages, "no page shows cluster tabs"
    return pages


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on the test's output."""


@pytest.fixture(scope="session")
def site_url(site_html: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1, on a free port, by a thread."""
    server, url = serve(functools.partial(_QuietHandler, directory=str(site_html)))
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def browsing(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Browsing]:
    """Guarded browser contexts for one test; a screenshot of each page if it fails."""
    browsing = Browsing(browser)
    browsing.guard.errors_allowed = (
        request.node.get_closest_marker("console_errors_expected") is not None
    )
    yield browsing
    report = getattr(request.node, "report_call", None)
    problems = browsing.guard.problems()
    if report is not None and report.failed:
        _screenshot(browsing, request.node.nodeid)
        for problem in problems:
            print(problem)
    for context in browsing.contexts:
        context.close()
    if problems and report is not None and report.passed:
        pytest.fail("\n".join(problems), pytrace=False)


def _screenshot(browsing: Browsing, nodeid: str) -> None:
    """Save every open page of the failed test beside the test output."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", nodeid)
    pages = [p for c in browsing.contexts for p in c.pages]
    for i, page in enumerate(pages):
        path = SCREENSHOTS / f"{name}-{i}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # a crashed page must not hide the test's failure
            print(f"no screenshot of page {i}: {error}")
        else:
            print(f"screenshot: {path}")


@pytest.fixture
def page(browsing: Browsing) -> Page:
    """A guarded page in a fresh browser context."""
    return browsing.new_context().new_page()
