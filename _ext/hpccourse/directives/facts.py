"""``cluster-facts``: the workshop facts of every cluster, from the data table.

``.. cluster-facts:: KIND`` with KIND one of:

- ``allocation``: admonition "Compute allocations in this workshop";
- ``storage``: admonition "Storage space for this workshop";
- ``managers``: the environment-manager table (one column per cluster, then Scope);
- ``docs``: a bullet list linking each center's documentation.

``:class:`` adds classes to the generated node.

Nodes are built directly: table values show as written, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from ..table import Table, TableError
from . import deps
from .base import TableDirective, verbatim
from .lines import directive_line


def _item(*children: nodes.Node) -> nodes.list_item:
    return nodes.list_item("", verbatim(nodes.paragraph("", "", *children)))


def _admonition(title: str, items: list[nodes.list_item]) -> nodes.admonition:
    node = nodes.admonition("", classes=["admonition-" + nodes.make_id(title)])
    node += nodes.title(title, title)
    node += nodes.bullet_list("", *items, bullet="-")
    return node


def _name(cluster_name: str, center: str) -> nodes.Text:
    return nodes.Text(f"{cluster_name} ({center}): ")


def allocation(table: Table) -> list[nodes.Node]:
    """One item per cluster: ``Rackham (UPPMAX): naiss2024-22-1202``."""
    items = []
    for c in table.clusters:
        value = table.fact(c, "allocation")
        items.append(_item(_name(c.cluster, c.center), nodes.literal(value, value)))
    return [_admonition("Compute allocations in this workshop", items)]


def storage(table: Table) -> list[nodes.Node]:
    """One item per cluster: its workshop storage, or where to work without one."""
    items = []
    for c in table.clusters:
        root = table.fact(c, "storage_root")
        if c.workshop_storage:
            items.append(_item(_name(c.cluster, c.center), nodes.literal(root, root)))
        else:
            text = nodes.Text("no workshop storage; use ")
            items.append(_item(_name(c.cluster, c.center), text, nodes.literal(root, root)))
    return [_admonition("Storage space for this workshop", items)]


def _entry(*children: nodes.Node) -> nodes.entry:
    return nodes.entry("", verbatim(nodes.paragraph("", "", *children)))


def managers(table: Table) -> list[nodes.Node]:
    """Rows: each manager of [managers]; columns: each cluster, then Scope."""
    heads = ["Manager", *(c.label for c in table.clusters), "Scope"]
    group = nodes.tgroup(cols=len(heads))
    for _ in heads:
        group += nodes.colspec(colwidth=10)
    group += nodes.thead("", nodes.row("", *(_entry(nodes.Text(h)) for h in heads)))
    body = nodes.tbody()
    for name, scope in table.managers.items():
        cells = [_entry(nodes.literal(name, name))]
        cells += [_entry(nodes.Text(c.managers[name])) for c in table.clusters]
        cells.append(_entry(nodes.Text(scope)))
        body += nodes.row("", *cells)
    group += body
    return [nodes.table("", group, classes=["hpccourse-managers"])]


def docs(table: Table) -> list[nodes.Node]:
    """One link per cluster to its center's documentation."""
    items = []
    for c in table.clusters:
        url = table.fact(c, "docs_url")
        items.append(_item(nodes.reference(c.center, c.center, refuri=url)))
    return [nodes.bullet_list("", *items, bullet="-")]


KINDS: dict[str, Callable[[Table], list[nodes.Node]]] = {
    "allocation": allocation,
    "storage": storage,
    "managers": managers,
    "docs": docs,
}


def view_digest(result: list[nodes.Node]) -> str:
    """The digest of the nodes a kind generated (for :mod:`.deps`)."""
    return deps.digest("".join(node.pformat() for node in result))


def facts_digest(table: Table, use: deps.Use) -> str:
    """``use``'s digest from ``table`` as it is now; TableError when it cannot render."""
    return view_digest(KINDS[use[1]](table))


class ClusterFacts(TableDirective):
    """``.. cluster-facts:: KIND``."""

    required_arguments = 1
    optional_arguments = 0
    # An option of its own also makes docutils report unknown options as such.
    option_spec: ClassVar[dict[str, object]] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0]
        if kind not in KINDS:
            self.warn(f"unknown cluster-facts kind {kind!r} (kinds: {', '.join(KINDS)})", "facts")
            return []
        use = ("facts", kind)
        table = self.load_table(use)
        if table is None:
            return []
        try:
            result = KINDS[kind](table)
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
