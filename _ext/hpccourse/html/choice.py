"""The reader's cluster choice, kept across pages and visits, and complete printouts.

sphinx-tabs switches the group tabs of one page together and keeps the last
choice in ``sessionStorage`` only, so it is lost with the browser tab. On the
pages that show tabs this adds:

- a "Your cluster" chooser right after the page's title (:func:`chooser_html`), which
  ``tabchoice.js`` drives; without scripts a stylesheet of the page (:func:`no_script_css`)
  shows the chosen cluster's panels and hides the others', CSS alone (``:has``);
- ``tabchoice.js``: keeps the chosen cluster in ``localStorage``, restores it
  on every page, honours ``?cluster=`` links (a cluster's key, label or machine name,
  any case), switches tabs with the arrow keys and labels each panel for printing;
  it only ever selects a cluster's tab (never a "Task" or "For teachers" tab);
- the table's clusters (``window.hpccourseClusters``: key, label, the names a link
  may use), so a ``?cluster=`` name finds its tab label;
- ``tabchoice.css`` (a visible keyboard focus, the chooser) and ``print.css`` (a
  printout shows every cluster's panel, each under its label).
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..table import Cluster, TableError, project_table
from .assets import serve_static

SCRIPT = "tabchoice.js"
SCREEN_CSS = "tabchoice.css"
PRINT_CSS = "print.css"
# After sphinx-tabs' tabs.js (priority 500): our listeners run after its own.
PRIORITY = 600
CHOOSER_ID = "hpccourse-cluster"


def _has_tabs(doctree: nodes.document) -> bool:
    """Whether the page shows a sphinx-tabs tab set."""
    return any("sphinx-tabs" in node["classes"] for node in doctree.findall(nodes.container))


def reader_names(cluster: Cluster) -> list[str]:
    """The names a reader may choose ``cluster`` by: key, label, machine name (the table
    checks that each names one cluster, case ignored)."""
    names = [cluster.key, cluster.label, cluster.cluster]
    return list(dict.fromkeys(name.strip() for name in names if name.strip()))


def clusters_of(app: Sphinx) -> list[Cluster]:
    """The table's clusters in tab order (none if it does not load; the directives
    report why)."""
    table = project_table(app.srcdir, app.config)
    return [] if isinstance(table, TableError) else list(table.clusters)


def clusters_json(clusters: list[Cluster]) -> str:
    """``window.hpccourseClusters``: key, label and names of each cluster, script-safe."""
    data = [{"key": c.key, "label": c.label, "names": reader_names(c)} for c in clusters]
    return json.dumps(data).replace("<", "\\u003c")


def chooser_html(clusters: list[Cluster]) -> str:
    """The "Your cluster" chooser: a select, applied as soon as a choice is made (by
    ``tabchoice.js``, or without scripts by :func:`no_script_css`)."""
    options = "".join(
        f'<option value="{escape(c.key)}">{escape(_option_text(c))}</option>' for c in clusters
    )
    return (
        '<div class="hpccourse-chooser">'
        f'<label for="{CHOOSER_ID}">Your cluster</label> '
        f'<select id="{CHOOSER_ID}" name="cluster">{options}</select>'
        "</div>"
    )


def _css_string(text: str) -> str:
    """``text`` as a CSS string: quotes and backslashes escaped, no tag end."""
    body = "".join(c if c.isalnum() or c in " .-_" else f"\\{ord(c):x} " for c in text)
    return f'"{body}"'


def no_script_css(clusters: list[Cluster]) -> str:
    """Without scripts (``scripting: none``): the chosen cluster's panels shown, every other
    cluster's hidden, in every generated tab set (their panels name their tab,
    ``data-tab``), by the chooser's selected option."""
    rules = []
    for cluster in clusters:
        chosen = f"body:has(#{CHOOSER_ID} option[value={_css_string(cluster.key)}]:checked)"
        panel = f".sphinx-tabs-panel[data-tab={_css_string(cluster.label)}]"
        rules.append(f"{chosen} {panel}{{display:block}}")
        rules.append(f"body:not({chosen[4:]}) {panel}{{display:none}}")
    return "@media (scripting:none){" + "".join(rules) + "}"


def _option_text(cluster: Cluster) -> str:
    machine = cluster.cluster.strip()
    if machine and machine.casefold() != cluster.label.casefold():
        return f"{cluster.label} ({machine})"
    return cluster.label


def insert_after_title(body: str, html: str) -> str:
    """``body`` with ``html`` right after its first ``</h1>`` (unchanged without one)."""
    end = body.find("</h1>")
    if end == -1:
        return body
    end += len("</h1>")
    return body[:end] + html + body[end:]


def _add_assets(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """Add the chooser, the script and the stylesheets to the pages that show tabs."""
    if doctree is None or not _has_tabs(doctree):
        return
    clusters = clusters_of(app)
    app.add_js_file(
        None, body=f"window.hpccourseClusters = {clusters_json(clusters)};", priority=PRIORITY
    )
    # Deferred: it builds the generated sets' tab buttons before sphinx-tabs starts.
    app.add_js_file(SCRIPT, priority=PRIORITY, loading_method="defer")
    app.add_css_file(SCREEN_CSS, priority=PRIORITY)
    app.add_css_file(PRINT_CSS, priority=PRIORITY, media="print")
    if clusters and isinstance(context.get("body"), str):
        context["body"] = insert_after_title(context["body"], chooser_html(clusters))
        style = f"<style>{no_script_css(clusters)}</style>"
        context["metatags"] = context.get("metatags", "") + style


def setup(app: Sphinx) -> None:
    """Serve the static files and add them to pages with tabs."""
    app.connect("config-inited", serve_static(SCRIPT, SCREEN_CSS, PRINT_CSS))
    app.connect("html-page-context", _add_assets)
