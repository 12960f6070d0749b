"""``cluster-facts``: the course's facts of every cluster, from the data table.

``.. cluster-facts:: KIND``, KIND one of the kinds the course declares in ``[course.facts]``
(without that table: ``allocation``, ``storage``, ``managers`` and ``docs``). Each kind has
a form (:data:`~hpccourse.table.FACT_FORMS`):

- ``list``: one item per cluster, its name then the fact (``Rackham (UPPMAX): naiss...``);
- ``storage``: the same for the storage root, saying so when it is no workshop storage;
- ``links``: one link per cluster, to the fact (an address);
- ``managers``: the environment-manager table (one column per manager; its Scope, then one
  row per cluster);

in an admonition when the kind has a ``title``. ``:class:`` adds classes to the node.

Nodes are built directly: table values show as written, never as markup.
"""

from __future__ import annotations

import os
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..table import Table, TableError
from ..table.suggest import closest
from . import deps
from .base import SuggestingOptions, TableDirective, verbatim
from .lines import directive_line


def _item(*children: nodes.Node) -> nodes.list_item:
    return nodes.list_item("", verbatim(nodes.paragraph("", "", *children)))


def _bullets(items: list[nodes.list_item]) -> nodes.bullet_list:
    return nodes.bullet_list("", *items, bullet="-")


def _titled(title: str, content: nodes.Element) -> nodes.Element:
    """``content`` in an admonition titled ``title``; as it is when there is no title."""
    if not title:
        return content
    node = nodes.admonition("", classes=["admonition-" + nodes.make_id(title)])
    node += nodes.title(title, title)
    node += content
    return node


def fact_list(table: Table, kind: str) -> list[nodes.Node]:
    """One item per cluster: ``NAME: `value```; ``storage`` says when there is no workshop
    storage (``workshop_storage = false``)."""
    found = table.course.kinds[kind]
    items = []
    for cluster, name, value in table.fact_items(kind):
        literal = nodes.literal(value, value)
        if found.form == "storage" and not cluster.workshop_storage:
            text = nodes.Text("no workshop storage; use ")
            items.append(_item(nodes.Text(f"{name}: "), text, literal))
        else:
            items.append(_item(nodes.Text(f"{name}: "), literal))
    return [_titled(found.title, _bullets(items))]


def _entry(*children: nodes.Node) -> nodes.entry:
    return nodes.entry("", verbatim(nodes.paragraph("", "", *children)))


def managers(table: Table) -> nodes.table:
    """Columns: each manager of [managers]; rows: its Scope, then each cluster. One row
    per cluster, so the table grows downward as clusters are added and keeps inside the
    page's width (a column per cluster no longer fit with seven)."""
    heads = ["Cluster", *table.managers]
    group = nodes.tgroup(cols=len(heads))
    for _ in heads:
        group += nodes.colspec(colwidth=10)
    head = [_entry(nodes.Text(heads[0]))]
    head += [_entry(nodes.literal(name, name)) for name in table.managers]
    group += nodes.thead("", nodes.row("", *head))
    body = nodes.tbody()
    scope = [_entry(nodes.Text("Scope"))]
    scope += [_entry(nodes.Text(text)) for text in table.managers.values()]
    body += nodes.row("", *scope)
    for cluster in table.clusters:
        cells = [_entry(nodes.Text(cluster.label))]
        cells += [_entry(nodes.Text(cluster.managers[name])) for name in table.managers]
        body += nodes.row("", *cells)
    group += body
    return nodes.table("", group, classes=["hpccourse-managers"])


def links(table: Table, kind: str) -> list[nodes.Node]:
    """One link per cluster, its name as the text."""
    items = [
        _item(nodes.reference(name, name, refuri=url))
        for _cluster, name, url in table.fact_items(kind)
    ]
    return [_titled(table.course.kinds[kind].title, _bullets(items))]


def render_kind(table: Table, kind: str) -> list[nodes.Node]:
    """The nodes of ``cluster-facts`` kind ``kind`` (declared by ``table``'s course)."""
    found = table.course.kinds[kind]
    if found.form == "managers":
        return [_titled(found.title, managers(table))]
    if found.form == "links":
        return links(table, kind)
    return fact_list(table, kind)


def view_digest(result: list[nodes.Node]) -> str:
    """The digest of the nodes a kind generated (for :mod:`.deps`)."""
    return deps.digest("".join(node.pformat() for node in result))


def facts_digest(table: Table, use: deps.Use) -> str:
    """``use``'s digest from ``table`` as it is now; TableError when it cannot render."""
    kind = use[1]
    if kind not in table.course.kinds:  # the warning lists the kinds there are
        return deps.digest(("unknown kind", kind, tuple(table.course.kinds)))
    return view_digest(render_kind(table, kind))


class ClusterFacts(TableDirective):
    """``.. cluster-facts:: KIND``."""

    required_arguments = 1
    optional_arguments = 0
    # An option of its own also makes docutils report unknown options as such.
    option_spec: ClassVar[dict[str, object]] = SuggestingOptions({"class": directives.class_option})

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0]
        use = ("facts", kind)
        table = self.load_table(use)
        if table is None:
            return []
        if kind not in table.course.kinds:
            deps.note(self.env, use, facts_digest(table, use))
            match = closest(kind, table.course.kinds)
            if match is not None:
                advice = f": did you mean `{match}`?"
            else:
                known = ", ".join(table.course.kinds) or "none"
                advice = f" (kinds in {os.path.relpath(table.source, self.env.srcdir)}: {known})"
            self.warn(f"unknown cluster-facts kind {kind!r}{advice}", "facts")
            return []
        try:
            result = render_kind(table, kind)
        except TableError as error:
            deps.note(self.env, use, deps.error_digest(error))
            self.warn_table(error)
            return []
        deps.note(self.env, use, view_digest(result))
        source, line = directive_line(self)  # on MyST pages too
        for node in result:
            node.source, node.line = source, line
            node["classes"] += self.options.get("class", [])
        return result


def setup(app: Sphinx) -> None:
    """Register ``cluster-facts``."""
    app.add_directive("cluster-facts", ClusterFacts)
    deps.register("facts", facts_digest)
