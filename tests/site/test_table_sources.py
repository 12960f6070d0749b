"""Every cluster of the table says where its facts come from, and a fact the sources do
not give is marked so in the table and shown so on the page, never put in a command.

The course's convention (clusters.toml's header): such a fact's value is the text of the
``[placeholders]`` entry ``not_given``. Data-driven: whatever clusters the table holds."""

from __future__ import annotations

from docutils import nodes
from sitekit import BuiltSite

MARKER_ENTRY = "not_given"


def marker(site: BuiltSite) -> str:
    text = site.table.placeholders.get(MARKER_ENTRY, "")
    assert text, f"clusters.toml has no [placeholders] {MARKER_ENTRY}"
    return text


def test_every_cluster_names_the_pages_and_the_date_of_its_facts(site: BuiltSite) -> None:
    for cluster in site.table.clusters:
        assert cluster.facts.get("facts_from", "").strip(), cluster.key
        assert cluster.facts.get("facts_as_of", "").strip(), cluster.key


def test_no_command_holds_a_fact_the_sources_do_not_give(site: BuiltSite) -> None:
    unknown = marker(site)
    for block in site.generated():
        assert unknown not in block.astext(), (block["hpc_step"], block["hpc_cluster"])


def test_a_fact_the_sources_do_not_give_is_shown_as_such(site: BuiltSite) -> None:
    table, unknown = site.table, marker(site)
    shown = 0
    for docname in site.pages:
        items = {item.astext() for item in site.doctree(docname).findall(nodes.list_item)}
        for kind in set(site.uses(docname, "cluster-facts")):
            if table.course.kinds[kind].form not in ("list", "storage"):
                continue
            for cluster, name, value in table.fact_items(kind):
                if value == unknown:
                    assert f"{name}: {unknown}" in items, (docname, kind, cluster.key)
                    shown += 1
    facts_unknown = [
        (c.key, name) for c in table.clusters for name in c.facts if table.fact(c, name) == unknown
    ]
    # The table marks some facts so (else this test proves nothing about them), and those
    # the pages show come out marked.
    assert not facts_unknown or shown, facts_unknown
