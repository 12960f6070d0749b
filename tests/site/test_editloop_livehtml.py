"""Issue 15, point 3: ``make livehtml`` shows the build's problems in the page itself.

Runs the real Makefile target on a copy of the project (the fixtures of
``test_livehtml.py``), breaks the data table, and reads the page as served: a banner
names the table's file and line, and below it the page keeps its last good commands
rather than losing its tab sets; fixing the table removes the banner. No timing is
asserted here: ``benchmarks/livehtml_edit.py`` measures the edit-to-page time.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_livehtml import (  # noqa: F401 - fixtures
    REBUILD_SECONDS,
    START_SECONDS,
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


def test_a_broken_table_shows_a_banner_above_the_last_good_page_until_fixed(
    livehtml: tuple[str, Path],  # noqa: F811
    project_copy: Path,  # noqa: F811
) -> None:
    url, log = livehtml
    page = f"{url}/isolated.html"
    good = wait_for(page, "pip list", START_SECONDS, log)
    assert BANNER not in good

    table = project_copy / "clusters.toml"
    text = table.read_text(encoding="utf-8")
    line = text.splitlines().index('label = "UPPMAX"') + 1
    table.write_text(text.replace('label = "UPPMAX"', 'labl = "UPPMAX"', 1), encoding="utf-8")

    shown = wait_for(page, BANNER, REBUILD_SECONDS, log)
    section = next(n for n, row in enumerate(text.splitlines(), 1) if row == "[clusters.uppmax]")
    assert f"clusters.toml:{section} cluster 'uppmax' lacks the required fact 'label'" in shown
    assert line > section
    # The last good output stays below the banner: the tab sets and their commands.
    body = page_html(page)
    assert body.index("hpccourse-build-problems") < body.index("sphinx-tabs")
    assert "pip list" in shown and "UPPMAX" in shown

    # Fixed table, broken page: the banner names the page's line and links to the page.
    table.write_text(text, encoding="utf-8")
    lesson = project_copy / "isolated.rst"
    original = lesson.read_text(encoding="utf-8")
    lesson.write_text(original + "\n.. cluster-commands:: list-pakages\n", encoding="utf-8")
    shown = wait_for(page, "did you mean `list-packages`?", REBUILD_SECONDS, log)
    assert BANNER in shown
    directive = len(original.splitlines()) + 2
    body = page_html(page)
    banner = body.split("hpccourse-build-problems")[1].split("</div>")[0]
    assert f'<a href="isolated.html"><code>isolated.rst:{directive}</code>' in banner, banner

    lesson.write_text(original, encoding="utf-8")
    deadline = time.monotonic() + REBUILD_SECONDS
    while time.monotonic() < deadline:
        now = fetch(page)
        if now is not None and BANNER not in now and "pip list" in now:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(log.read_text()[-3000:])
