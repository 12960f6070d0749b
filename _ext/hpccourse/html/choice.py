"""The reader's cluster choice, kept across pages and visits, and complete printouts.

sphinx-tabs switches the group tabs of one page together and keeps the last
choice in ``sessionStorage`` only, so it is lost with the browser tab. On the
pages that show tabs this adds:

- ``tabchoice.js``: keeps the chosen cluster in ``localStorage``, restores it
  on every page, honours ``?cluster=KEY`` links, switches tabs with the arrow
  keys and labels each panel for printing;
- the table's cluster keys and labels (``window.hpccourseClusters``), so a
  ``?cluster=`` key finds its tab label;
- ``tabchoice.css`` (a visible keyboard focus) and ``print.css`` (a printout
  shows every cluster's panel, each under its label).
"""

from __future__ import annotations

import json
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..table import TableError, project_table
from .assets import serve_static

SCRIPT = "tabchoice.js"
SCREEN_CSS = "tabchoice.css"
PRINT_CSS = "print.css"
# After sphinx-tabs' tabs.js (priority 500): our listeners run after its own.
PRIORITY = 600


def _has_tabs(doctree: nodes.document) -> bool:
    """Whether the page shows a sphinx-tabs tab set."""
    return any("sphinx-tabs" in node["classes"] for node in doctree.findall(nodes.container))


def cluster_labels(app: Sphinx) -> dict[str, str]:
    """Cluster key -> tab label, from the data table (empty if it does not load;
    the directives report why)."""
    table = project_table(app.srcdir, app.config)
    if isinstance(table, TableError):
        return {}
    return {cluster.key: cluster.label for cluster in table.clusters}


def _add_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Add the script and stylesheets to the pages that show tabs."""
    if doctree is None or not _has_tabs(doctree):
        return
    labels = json.dumps(cluster_labels(app)).replace("<", "\\u003c")
    app.add_js_file(None, body=f"window.hpccourseClusters = {labels};", priority=PRIORITY)
    app.add_js_file(SCRIPT, priority=PRIORITY)
    app.add_css_file(SCREEN_CSS, priority=PRIORITY)
    app.add_css_file(PRINT_CSS, priority=PRIORITY, media="print")


def setup(app: Sphinx) -> None:
    """Serve the static files and add them to pages with tabs."""
    app.connect("config-inited", serve_static(SCRIPT, SCREEN_CSS, PRINT_CSS))
    app.connect("html-page-context", _add_assets)
