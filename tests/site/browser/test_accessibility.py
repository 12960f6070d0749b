"""Accessibility gate: axe-core in chromium on every page of the built site.

axe-core (npm `axe-core`, vendored in vendor/ with version and sha256 in
vendor/manifest.json; `make axe-core` refreshes it) is injected by Playwright
into each served page. No violation of impact "serious" or "critical" may be
left; minor and moderate ones are printed. Uses helper fixtures from
conftest.py: the site built once and served on 127.0.0.1, one chromium.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from browserkit import Browsing
from playwright.sync_api import Page
from sitekit import BuiltSite

VENDOR = Path(__file__).parent / "vendor"
MANIFEST = json.loads((VENDOR / "manifest.json").read_text(encoding="utf-8"))
AXE_JS = VENDOR / MANIFEST["file"]
BLOCKING = {"serious", "critical"}
PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
# Rules turned off, each with its reason. None so far: add one only with why.
DISABLED_RULES: dict[str, str] = {}
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "rules": {rule: {"enabled": False} for rule in DISABLED_RULES},
}


def run_axe(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now. axe is evaluated through the
    browser's devtools, not added as an inline ``<script>``: the page's own
    Content-Security-Policy rightly refuses scripts it does not list."""
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def describe(where: str, violations: list[dict[str, Any]]) -> list[str]:
    """One line per violation and element: page, impact, rule, element, help."""
    return [
        f"{where}: {v['impact']} {v['id']}: {node['target']} ({v['help']}; {v['helpUrl']})"
        for v in violations
        for node in v["nodes"]
    ]


def blocking(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in BLOCKING]


def test_vendored_axe_matches_its_manifest() -> None:
    assert MANIFEST["package"] == "axe-core"
    assert hashlib.sha256(AXE_JS.read_bytes()).hexdigest() == MANIFEST["sha256"]
    assert f"axe v{MANIFEST['version']}" in AXE_JS.read_text(encoding="utf-8")[:200]


def test_every_page_has_no_serious_or_critical_violation(
    page: Page, site: BuiltSite, site_html: Path, site_url: str
) -> None:
    pages = sorted(
        path.relative_to(site_html).as_posix()
        for path in site_html.rglob("*.html")
        if not path.relative_to(site_html).parts[0].startswith("_")
    )
    assert {f"{docname}.html" for docname in site.pages} <= set(pages)
    found, minor = [], []
    for name in pages:
        page.goto(f"{site_url}/{name}")
        violations = run_axe(page)
        found += describe(name, blocking(violations))
        minor += describe(name, [v for v in violations if v not in blocking(violations)])
    print("\n".join(["minor/moderate (not blocking):", *minor]) if minor else "no violation")
    assert not found, "\n".join(found)


def test_tab_sets_pass_in_every_state(
    browsing: Browsing, site_url: str, tab_pages: list[str]
) -> None:
    """Roles, names and keyboard reach of the tab sets, before and after a switch, on every
    page with cluster tabs (RST and MyST pages alike)."""
    for name in tab_pages:
        page = browsing.new_context().new_page()
        page.goto(f"{site_url}/{name}")
        # Tab sets inside closed answers (details.solution) are not rendered: open them,
        # so that every tab set is checked as a reader who opened it meets it.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        _assert_tab_sets_pass(page, name)


# Each tab set's tabs, as the page gives them: name, Tab order, and the panel each controls.
TAB_SETS_JS = """
() => Array.from(document.querySelectorAll('[role="tablist"]')).map(list =>
  Array.from(list.querySelectorAll('[role="tab"]')).map(tab => {
    const panel = document.getElementById(tab.getAttribute("aria-controls"));
    return {name: tab.innerText.trim(), tabindex: tab.getAttribute("tabindex"),
            id: tab.getAttribute("id"), panel_role: panel && panel.getAttribute("role"),
            panel_labelledby: panel && panel.getAttribute("aria-labelledby")};
  }))
"""


def _assert_tab_sets_pass(page: Page, name: str) -> None:
    # Read in one call: a locator call per tab made this test the browser suite's longest.
    tab_sets = page.evaluate(TAB_SETS_JS)
    assert tab_sets
    for i, tabs in enumerate(tab_sets):
        assert len(tabs) >= 2
        focusable = [tab["tabindex"] for tab in tabs]
        assert focusable.count("0") == 1, f"tab set {i}: one tab in the page's Tab order"
        for j, tab in enumerate(tabs):
            assert tab["name"], f"tab set {i}, tab {j} has no name"
            assert tab["panel_role"] == "tabpanel", (i, j, tab)
            assert tab["panel_labelledby"] == tab["id"], (i, j, tab)
    tablists = page.locator('[role="tablist"]')
    assert not blocking(run_axe(page))
    tablists.first.locator('[role="tab"]').nth(1).click()
    violations = blocking(run_axe(page))
    assert not violations, "\n".join(describe(f"{name} after a switch", violations))


def test_planted_image_without_alt_is_reported(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/index.html")
    page.evaluate(
        """src => {
            const img = document.createElement("img");
            img.src = src;
            img.id = "planted";
            document.querySelector("[role=main]").prepend(img);
        }""",
        PIXEL,
    )
    violations = {v["id"]: v for v in run_axe(page)}
    assert "image-alt" in violations
    assert violations["image-alt"]["impact"] in BLOCKING
    assert [node["target"] for node in violations["image-alt"]["nodes"]] == [["#planted"]]


def test_every_disabled_rule_says_why() -> None:
    assert all(reason.strip() for reason in DISABLED_RULES.values())
