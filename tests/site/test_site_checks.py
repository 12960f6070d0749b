"""The whole site, checked per cluster of its data table and per page of its toctree.

What only the whole site shows: it builds without a warning and passes consolecheck;
every step of the table is used; on every page, every generated tab set has one tab per
cluster in table order, with that cluster's commands or its reason; every path in a
generated command lies under its cluster's storage root; every cluster appears in each
list of cluster facts. Nothing here names a cluster or a page, so a correct new cluster
or page keeps these green and a wrong one fails them (tests/site/test_follows_the_data.py
proves both).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from docutils import nodes
from sitekit import BuiltSite, CheckRun, step_uses, tab_sets
from sphinx_tabs.tabs import SphinxTabsPanel, SphinxTabsTab

TASK = "Task"  # the label of a `:task:` tab, before the clusters' tabs


def command_paths(block: nodes.literal_block) -> list[str]:
    """The paths (``/...``, ``~...`` or ``$HOME...``) in the block's prompted command lines."""
    paths = []
    for line in block.astext().splitlines():
        match = re.match(r"(\([\w.-]+\) )?\$ (.*)", line)
        if match:
            words = shlex.split(match.group(2), comments=True)
            paths += [w for w in words if w.startswith(("/", "~", "$HOME", "${HOME}"))]
    return paths


def test_site_builds_warning_free(site: BuiltSite) -> None:
    assert site.warnings == "", f"the site's html build warned:\n{site.warnings}"
    assert site.status == 0


def test_every_page_of_the_toctree_is_built_and_no_other(site: BuiltSite) -> None:
    assert site.pages[0] == site.env.config.root_doc
    assert set(site.pages) == set(site.env.found_docs)
    for docname in site.pages:
        assert (site.html / f"{docname}.html").is_file(), docname


def test_every_console_block_of_every_page_passes_consolecheck(
    site: BuiltSite, consolecheck: CheckRun
) -> None:
    assert consolecheck.warnings == "", f"consolecheck warned:\n{consolecheck.warnings}"
    assert consolecheck.status == 0, consolecheck.output
    blocks = consolecheck.report["blocks"]
    assert [b for b in blocks if b["status"] not in ("ok", "skipped")] == []
    checked = {b["docname"] for b in blocks}
    for docname in site.pages:
        if site.uses(docname, "cluster-commands"):
            assert docname in checked, f"{docname}: its console blocks were not checked"
    clusters = {b["cluster"] for b in blocks if b["step"]}
    assert clusters == set(site.table.cluster_keys), "a cluster's generated blocks unchecked"


def test_the_lessons_use_the_table_directives(site: BuiltSite) -> None:
    assert any(site.uses(page, "cluster-commands") for page in site.pages)
    assert any(site.uses(page, "cluster-facts") for page in site.pages)


def test_every_step_of_the_table_is_used(site: BuiltSite) -> None:
    used = {block["hpc_step"] for block in site.generated()}
    assert used == set(site.table.steps), f"unused steps: {set(site.table.steps) - used}"


def test_every_generated_block_names_its_table_line_and_its_page(site: BuiltSite) -> None:
    table_text = site.table_path.read_text(encoding="utf-8").splitlines()
    for docname in site.pages:
        for block in site.generated(docname):
            assert block["hpc_data_source"] == str(site.table_path.resolve())
            assert Path(block.source) == site.source(docname).resolve()
            assert block.line and block.line > 0
            assert 0 < block["hpc_data_line"] <= len(table_text)


def test_every_page_has_a_generated_tab_set_per_cluster_commands_use(site: BuiltSite) -> None:
    """A tab set, or one block for a step the same on every cluster, per use."""
    for docname in site.pages:
        steps = [
            {b["hpc_step"] for b in tab_set.findall(nodes.literal_block) if "hpc_step" in b}
            for tab_set in step_uses(site.doctree(docname))
        ]
        assert steps == [{step} for step in site.uses(docname, "cluster-commands")], docname
        recorded = {use[1] for use in site.recorded_uses(docname) if use[0] == "commands"}
        assert recorded == set().union(*steps), docname


def test_every_tab_set_shows_every_cluster_its_commands_or_its_reason(site: BuiltSite) -> None:
    table = site.table
    labels = [cluster.label for cluster in table.clusters]
    for docname in site.pages:
        for tab_set in tab_sets(site.doctree(docname)):
            tabs = [tab.astext() for tab in tab_set.findall(SphinxTabsTab)]
            panels = [p for p in tab_set.children if isinstance(p, SphinxTabsPanel)]
            assert [t for t in tabs if t != TASK] == labels, (docname, tabs)
            by_label = dict(zip(tabs, panels, strict=True))
            (step,) = {
                b["hpc_step"] for b in tab_set.findall(nodes.literal_block) if "hpc_step" in b
            }
            for cluster in table.clusters:
                panel = by_label[cluster.label]
                blocks = list(panel.findall(nodes.literal_block))
                where = (docname, step, cluster.key)
                if table.steps[step].applies_to(cluster.key):
                    (block,) = blocks
                    assert block["hpc_cluster"] == cluster.key, where
                    assert block.astext().startswith(("$ ", "(")), where
                else:
                    assert blocks == [], where
                    assert panel.astext() == table.render(step, cluster.key).reason, where


def test_every_path_in_a_generated_command_lies_under_its_clusters_storage_root(
    site: BuiltSite,
) -> None:
    table = site.table
    checked = dict.fromkeys(table.cluster_keys, 0)
    for block in site.generated():
        root = table.fact(block["hpc_cluster"], "storage_root").rstrip("/")
        for path in command_paths(block):
            assert path == root or path.startswith(root + "/"), (block["hpc_step"], path, root)
            checked[block["hpc_cluster"]] += 1
    assert all(checked.values()), f"clusters without a path to check: {checked}"


def test_every_cluster_appears_in_each_list_of_cluster_facts(site: BuiltSite) -> None:
    table = site.table
    labels = [cluster.label for cluster in table.clusters]
    for docname in site.pages:
        kinds = set(site.uses(docname, "cluster-facts"))
        doctree = site.doctree(docname)
        items = {item.astext() for item in doctree.findall(nodes.list_item)}
        names = {
            kind: {c.key: name for c, name, _ in table.fact_items(kind)}
            for kind in ("allocation", "storage")
            if kind in kinds
        }
        for cluster in table.clusters:
            where = (docname, cluster.key)
            if "allocation" in kinds:
                name = names["allocation"][cluster.key]
                assert f"{name}: {table.fact(cluster, 'allocation')}" in items, where
            if "storage" in kinds:
                name = names["storage"][cluster.key]
                root = table.fact(cluster, "storage_root")
                shown = root if cluster.workshop_storage else f"no workshop storage; use {root}"
                assert f"{name}: {shown}" in items, where
            if "docs" in kinds:
                links = {(r.astext(), r.get("refuri")) for r in doctree.findall(nodes.reference)}
                assert (cluster.label, cluster.docs_url) in links, where
        if "managers" in kinds:
            (managers,) = [
                t for t in doctree.findall(nodes.table) if "hpccourse-managers" in t["classes"]
            ]
            rows = [
                [e.astext() for e in row.findall(nodes.entry)]
                for row in managers.findall(nodes.row)
            ]
            assert rows[0][1:] == list(table.managers), docname
            assert rows[1] == ["Scope", *table.managers.values()], docname
            assert [row[0] for row in rows[2:]] == labels, docname
            for cluster, row in zip(table.clusters, rows[2:], strict=True):
                assert row[1:] == [cluster.managers[m] for m in table.managers], docname
