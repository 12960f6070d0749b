"""Reading built HTML pages in tests: what the extension generated, by its markup."""

from __future__ import annotations

import html
import re


def generated_tab_sets(page: str) -> list[set[str]]:
    """The cluster labels of each generated tab set of ``page``: its panels' ``data-tab``
    (the buttons are made by tabchoice.js; print.css and tabchoice.css show the attribute)."""
    sets = page.split('<div class="sphinx-tabs docutils container">')[1:]
    found = [
        re.findall(r'<div class="sphinx-tabs-panel[^"]*"[^>]* data-tab="([^"]*)"', s) for s in sets
    ]
    return [{html.unescape(label) for label in labels} for labels in found if labels]
