"""Issue 15, point 3, and issue 22, point 1: ``make livehtml`` shows the build's problems
in the page itself, and an open tab follows without a reload.

Runs the real Makefile target on a copy of the project (the fixtures of
``test_livehtml.py``), breaks the data table, and reads the page as served: a banner
names the table's file and line, and below it the page keeps its last good commands
rather than losing its tab sets; fixing the table removes the banner. An open Chromium
tab shows the banner without anyone reloading it (the preview's reload script runs
under the page's CSP). The page, the cluster and the step are taken from the site's
table and toctree (``an_edit``), never named here. No timing is asserted here:
``benchmarks/livehtml_edit.py`` measures the edit-to-page time, tests/ext/test_preview.py
the open tab's 1.5 s.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from sitekit import BuiltSite
from test_livehtml import (  # noqa: F401 - fixtures
    EDIT,
    REBUILD_SECONDS,
    START_SECONDS,
    an_edit,
    fetch,
    livehtml,
    project_copy,
    wait_for,
)

BANNER = "This build has 1 problem"


def page_html(url: str) -> str:
    """The page's HTML; read again when the builder was rewriting it (IncompleteRead)."""
    import http.client
    import urllib.request

    for _ in range(20):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except http.client.IncompleteRead:
            time.sleep(0.2)
    pytest.fail(f"{url} was never read whole")


def misspelled(name: str, known: set[str]) -> str:
    """``name`` with one letter doubled: not a name of the table, close to ``name``."""
    for at in range(len(name) - 1, 0, -1):
        if name[at].isalpha():
            wrong = name[: at + 1] + name[at:]
            if wrong not in known:
                return wrong
    pytest.fail(f"no misspelling of {name!r}")


def directive(page: Path, step: str) -> str:
    """A ``cluster-commands`` block in the page's own markup (RST or MyST)."""
    if page.suffix == ".md":
        return f"\n```{{cluster-commands}} {step}\n```\n"
    return f"\n.. cluster-commands:: {step}\n"


class OpenTab:
    """The page open in the session's Chromium (``browser``, tests/conftest.py: skipped
    without one, under the policy of tools/systools.py), never reloaded by the test."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.context = browser.new_context()
        self.tab = self.context.new_page()
        self.tab.goto(url)

    def shows(self, text: str, seconds: float) -> bool:
        """Poll the tab's text until it holds ``text`` (from here: the page's CSP rightly
        refuses Playwright's evaluated predicates)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if text in self.tab.inner_text("body"):
                    return True
            except Exception:  # the page is being replaced by its reload
                pass
            time.sleep(0.2)
        return False

    def close(self) -> None:
        self.context.close()


def test_a_broken_table_shows_a_banner_above_the_last_good_page_until_fixed(
    livehtml: tuple[str, Path],  # noqa: F811
    project_copy: Path,  # noqa: F811
    site: BuiltSite,
    browser: Browser,
) -> None:
    edit = an_edit(site)
    cluster = site.table.clusters[0]
    url, log = livehtml
    page = f"{url}/{edit.page}.html"
    good = wait_for(page, edit.shown.removesuffix(EDIT), START_SECONDS, log)
    assert BANNER not in good
    tab = OpenTab(browser, page)
    try:
        table = project_copy / site.table_path.relative_to(site.srcdir)
        text = table.read_text(encoding="utf-8")
        rows = text.splitlines()
        line = cluster.line_of("label")
        assert rows[line - 1].startswith("label ="), rows[line - 1]
        rows[line - 1] = rows[line - 1].replace("label", "labl", 1)
        table.write_text("\n".join(rows) + "\n", encoding="utf-8")

        shown = wait_for(page, BANNER, REBUILD_SECONDS, log)
        message = f"cluster '{cluster.key}' lacks the required fact 'label'"
        assert f"{table.name}:{cluster.line} {message}" in shown
        assert line > cluster.line
        # The last good output stays below the banner: the tab sets and their commands.
        body = page_html(page)
        assert body.index("hpccourse-build-problems") < body.index("sphinx-tabs")
        assert edit.shown.removesuffix(EDIT) in shown and cluster.label in shown
        # The open tab shows it too, without a reload.
        assert tab.shows(message, REBUILD_SECONDS), log.read_text()[-3000:]

        # Fixed table, broken page: the banner names the page's line and links to it.
        table.write_text(text, encoding="utf-8")
        lesson = project_copy / site.source(edit.page).relative_to(site.srcdir)
        original = lesson.read_text(encoding="utf-8")
        step = next(use[1] for use in sorted(site.recorded_uses(edit.page)) if use[0] == "commands")
        wrong = misspelled(step, set(site.table.steps))
        lesson.write_text(original + directive(lesson, wrong), encoding="utf-8")
        shown = wait_for(page, f"did you mean `{step}`?", REBUILD_SECONDS, log)
        assert BANNER in shown
        at = len(original.splitlines()) + 2
        body = page_html(page)
        banner = body.split("hpccourse-build-problems")[1].split("</div>")[0]
        where = site.source(edit.page).relative_to(site.srcdir).as_posix()
        href = f'<a href="{Path(edit.page).name}.html"><code>{where}:{at}</code>'
        assert href in banner, banner
        assert tab.shows(f"did you mean `{step}`?", REBUILD_SECONDS), log.read_text()[-3000:]

        lesson.write_text(original, encoding="utf-8")
        deadline = time.monotonic() + REBUILD_SECONDS
        while time.monotonic() < deadline:
            now = fetch(page)
            if now is not None and BANNER not in now and edit.shown.split()[0] in now:
                break
            time.sleep(0.5)
        else:
            raise AssertionError(log.read_text()[-3000:])
    finally:
        tab.close()
