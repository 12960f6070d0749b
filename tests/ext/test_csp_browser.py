"""In Chromium, no script that reached a page through its content runs; the site's own do.

Testroot ``test-csp-content`` (see tests/ext/test_csp.py): each content script, when it
runs, sets ``<html data-ran="...">`` (``raw`` also loads the page source of ``jssource``,
which is JavaScript, from the site itself); the page named in
``hpccourse_csp_script_pages`` sets ``data-widget``. The built site is served on
127.0.0.1 and opened in Debian's chromium through Playwright (never a downloaded
browser; tools/systools.py's policy when chromium is missing).
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest
from localserver import LocalServer
from localserver import serve as local_serve
from sphinx.testing.util import SphinxTestApp

# Recorded before any of the page's scripts run (an init script is not subject to the CSP).
RECORD = """
window.__blocked = [];
document.addEventListener(
    "securitypolicyviolation", e => window.__blocked.push(e.blockedURI));
"""
#: The pages whose body holds a script (the title's is also in every page's navigation).
CONTENT_PAGES = ("raw.html", "task.html", "title.html", "index.html")
PROMPT_JS = "getComputedStyle(document.querySelector('span[class^=prompt]'), '::before').content"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log."""


@pytest.fixture
def chromium(browser: object) -> object:
    """The session's one chromium (tests/conftest.py): Playwright's sync API cannot start a
    second instance in a worker that already runs one."""
    return browser


def serve(directory: Path) -> tuple[LocalServer, str]:
    return local_serve(functools.partial(_Quiet, directory=directory))


@pytest.mark.sphinx("html", testroot="csp-content")
def test_content_scripts_do_not_run_and_the_sites_own_do(
    app: SphinxTestApp, chromium: object
) -> None:
    app.build()
    server, url = serve(app.outdir)
    context = chromium.new_context()  # type: ignore[attr-defined]
    context.add_init_script(RECORD)
    try:
        page = context.new_page()
        for name in CONTENT_PAGES:
            page.goto(f"{url}/{name}")
            page.wait_for_load_state("load")
            assert page.evaluate("document.documentElement.dataset.ran") is None, name
            # Made inert at build time, they do not even reach the policy.
            assert page.evaluate("window.__blocked") == [], name
        # sphinx-prompt's argument stays the prompt a reader sees, as text.
        page.goto(f"{url}/prompt.html")
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.dataset.ran") is None
        shown = page.evaluate(PROMPT_JS)
        assert "</style><script>document.documentElement.dataset.ran" in shown, shown
        # The site's own scripts ran: the theme's (alabaster shows its search box from a
        # script), Sphinx's files, the extension's inline data and its chooser script.
        page.goto(f"{url}/index.html")
        page.wait_for_load_state("load")
        assert page.evaluate("document.getElementById('searchbox').style.display") == "block"
        assert page.evaluate("typeof window.hpccourseClusters") == "object"
        assert page.evaluate("typeof DOCUMENTATION_OPTIONS") == "object"
        # A control: the page whose content's scripts the course allows runs its own.
        page.goto(f"{url}/widgets.html")
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.dataset.widget") == "ran"
        assert page.evaluate("document.documentElement.dataset.ran") is None
    finally:
        context.close()
        server.shutdown()
        server.server_close()
