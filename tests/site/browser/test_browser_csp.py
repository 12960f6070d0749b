"""Every page carries a Content-Security-Policy that its own scripts never break.

Chromium reports a violation as a ``securitypolicyviolation`` event (recorded here) and
as an error on the console (which the ``page`` fixture's guard turns into a failure).
The page must still work under the policy: tabs, copy buttons, search.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page

# Recorded before any of the page's scripts run (an init script is not subject to the CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", event => window.__cspViolations.push(
    event.violatedDirective + " " + (event.blockedURI || "inline") + " line " + event.lineNumber));
"""
POLICY_JS = """() => {
    const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    return meta && meta.content;
}"""


def site_pages(site_html: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to its root."""
    pages = [
        path.relative_to(site_html).as_posix()
        for path in sorted(site_html.rglob("*.html"))
        if not path.relative_to(site_html).parts[0].startswith("_")
    ]
    assert "index.html" in pages and "search.html" in pages
    return pages


def open_page(page: Page, url: str) -> str:
    """Open ``url`` recording violations; the page's policy."""
    page.goto(url)
    page.wait_for_load_state("load")
    policy = page.evaluate(POLICY_JS)
    assert policy, f"{url}: no Content-Security-Policy meta"
    return policy


def violations(page: Page) -> list[str]:
    return page.evaluate("() => window.__cspViolations")


def test_every_page_has_a_strict_policy_and_no_violation(
    page: Page, site_url: str, site_html: Path
) -> None:
    page.context.add_init_script(RECORD_VIOLATIONS)
    for name in site_pages(site_html):
        policy = open_page(page, f"{site_url}/{name}")
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["object-src"] == "'none'"
        scripts = directives["script-src"].split()
        assert scripts[0] == "'self'" and all(s.startswith("'sha256-") for s in scripts[1:])
        assert "unsafe-inline" not in directives["script-src"]
        assert not re.search(r"https?:|\*", policy), f"{name}: another origin in {policy}"
        assert violations(page) == [], f"{name}: {violations(page)}"


def test_tabs_and_copy_buttons_work_under_the_policy(
    page: Page, site_url: str, tab_pages: list[str]
) -> None:
    page.context.add_init_script(RECORD_VIOLATIONS)
    open_page(page, f"{site_url}/{tab_pages[0]}")
    tab_id = page.locator(".sphinx-tabs-tab[aria-selected='false']").first.get_attribute("id")
    tab = page.locator(f'[id="{tab_id}"]')
    tab.click()
    assert tab.get_attribute("aria-selected") == "true"
    button = page.locator("button.copybtn").first
    button.scroll_into_view_if_needed()
    button.click(force=True)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.strip(), "the copy button copied nothing"
    assert violations(page) == []


def test_search_works_under_the_policy(page: Page, site_url: str) -> None:
    page.context.add_init_script(RECORD_VIOLATIONS)
    open_page(page, f"{site_url}/search.html?q=environment")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=10_000)
    assert results.count() > 0
    assert violations(page) == []
