"""sphinx-tabs' group-tab set, built as nodes: what ``.. tabs::`` of ``.. group-tab::`` s
builds, without writing that markup and parsing it.

The node tree, ids and attributes are those of sphinx-tabs 3.5.0's ``TabsDirective`` and
``GroupTabDirective`` (``sphinx_tabs/tabs.py``): for html-like builders a container
holding the tab list (``SphinxTabsTab`` buttons) and one ``SphinxTabsPanel`` per tab; for
the other builders plain containers (a label container, then the content). Both use the
page's tab-set counter in ``env.temp_data`` as sphinx-tabs does, so generated and
hand-written tab sets on one page get distinct ids, and a group tab's ``name`` (what
switches every tab set of the page together) is the base64 of the label as a hand-written
RST ``group-tab`` giving that label would have it. The bodies are nodes already: nothing in
a label or a body passes through a markup parser here.

In HTML a generated set is written light (seven clusters' tabs in up to 27 sets are a third
of a lesson's weight): the tab buttons are left out and each panel is a bare ``<div>`` with
its tab's label (``data-tab``) and group (``name``); the page's ``tabchoice.js`` builds the
buttons and the ARIA attributes sphinx-tabs writes, before sphinx-tabs' script starts.
The doctree keeps every node and attribute sphinx-tabs makes (:class:`ClusterTab` and
:class:`ClusterPanel` are its classes), so the checkers read the tabs as before.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from html import escape

from docutils import nodes
from sphinx.environment import BuildEnvironment
from sphinx_tabs.tabs import (
    SphinxTabsPanel,
    SphinxTabsTab,
    SphinxTabsTablist,
    get_compatible_builders,
)


class not_shown(nodes.General, nodes.Element):
    """Nodes kept in the doctree for the checkers (each cluster's block of a step shown
    once) but written by no writer."""


def _skip(self: object, node: nodes.Node) -> None:
    raise nodes.SkipNode


#: The writers (by output format) that skip :class:`not_shown`: all of Sphinx's.
NOT_SHOWN_VISITORS = {
    name: (_skip, None) for name in ("html", "latex", "text", "man", "texinfo", "xml")
}


class ClusterTab(SphinxTabsTab):
    """A generated set's tab button: in the doctree only (``tabchoice.js`` makes it)."""


class ClusterPanel(SphinxTabsPanel):
    """A generated set's panel, written as a bare ``<div>`` naming its tab."""


def _visit_panel(self: nodes.NodeVisitor, node: ClusterPanel) -> None:
    hidden = " hidden" if node.get("hidden") else ""
    self.body.append(  # type: ignore[attr-defined]
        f'<div class="sphinx-tabs-panel group-tab" name="{escape(node["name"])}" '
        f'data-tab="{escape(node["hpc_label"])}"{hidden}>'
    )


def _depart_panel(self: nodes.NodeVisitor, node: ClusterPanel) -> None:
    self.body.append("</div>")  # type: ignore[attr-defined]


#: The html writer's visitors of the light tab set's nodes (for ``app.add_node``).
LIGHT_TAB_VISITORS = {
    ClusterTab: {"html": (_skip, None)},
    ClusterPanel: {"html": (_visit_panel, _depart_panel)},
}

#: One tab: its label (plain text) and its body.
Tab = tuple[str, Sequence[nodes.Node]]


def rst_escape(text: str) -> str:
    """``text`` as RST inline text that reads back as exactly ``text``.

    A group tab's ``name`` is derived from its label as written in RST; this is that
    writing, so that a hand-written ``.. group-tab::`` showing the same label joins the
    generated tabs' group.
    """
    escaped = re.sub(r"([\\`*_|\[\]<>:])", r"\\\1", text)
    if escaped and not escaped[0].isalnum() and escaped[0] != "\\":
        escaped = "\\" + escaped  # never a list bullet, enumerator or comment
    return escaped


def group_name(label: str) -> str:
    """The ``name`` sphinx-tabs gives a group tab labelled ``label`` (before de-duplication)."""
    return base64.b64encode(rst_escape(label).encode("utf-8")).decode("utf-8")


def _next_tabs_id(env: BuildEnvironment) -> int:
    """Take the page's next tab-set number, as ``TabsDirective`` does."""
    data = env.temp_data
    tabs_id = data.setdefault("next_tabs_id", 0)
    data["next_tabs_id"] = tabs_id + 1
    return tabs_id


def _html_like(env: BuildEnvironment) -> bool:
    app = getattr(env, "_app", None) or env.app
    return app.builder.name in get_compatible_builders(app)


def group_tab_set(env: BuildEnvironment, tabs: Sequence[Tab]) -> nodes.container:
    """The container a ``tabs`` directive of one ``group-tab`` per item of ``tabs`` builds.

    The first tab is shown; bodies are taken as they are (not copied).
    """
    tabs_id = _next_tabs_id(env)
    container = nodes.container(type="tab-element")
    container["classes"].append("sphinx-tabs")
    if not _html_like(env):
        for label, body in tabs:
            name = nodes.container("", nodes.paragraph(label, label))
            container += nodes.container("", nodes.container("", name), nodes.container("", *body))
        return container

    tablist = SphinxTabsTablist()
    tablist["role"] = "tablist"
    tablist["aria-label"] = "Tabbed content"
    if not env.config["sphinx_tabs_disable_tab_closing"]:
        tablist["classes"].append("closeable")
    container += tablist
    taken: list[str] = []
    for index, (label, body) in enumerate(tabs):
        tab_id = group_name(label)
        suffix = 1
        while tab_id in taken:  # sphinx-tabs' de-duplication of equal labels
            tab_id = f"{tab_id}-{suffix}"
            suffix += 1
        taken.append(tab_id)
        tab = ClusterTab("", label)
        tab["classes"] += ["sphinx-tabs-tab", "group-tab"]
        tab["role"] = "tab"
        tab["ids"] = [f"tab-{tabs_id}-{tab_id}"]
        tab["name"] = tab_id
        tab["tabindex"] = "0" if index == 0 else "-1"
        tab["aria-selected"] = "true" if index == 0 else "false"
        tab["aria-controls"] = f"panel-{tabs_id}-{tab_id}"
        tablist += tab
        panel = ClusterPanel("", *body)
        panel["hpc_label"] = label
        panel["role"] = "tabpanel"
        panel["ids"] = [f"panel-{tabs_id}-{tab_id}"]
        panel["name"] = tab_id
        panel["tabindex"] = 0
        panel["aria-labelledby"] = f"tab-{tabs_id}-{tab_id}"
        panel["classes"] += ["sphinx-tabs-panel", "group-tab"]
        if index:
            panel["hidden"] = "true"
        container += panel
    return container
