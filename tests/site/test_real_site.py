"""The real site, built from a copy of the project's sources.

Checks what only the whole site shows: it builds without a warning, every
step of the table is used, every path in a generated command lies under its
cluster's storage root, and a third cluster appended to the real table gains
a tab, with its own facts, in every generated tab set.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from docutils import nodes
from hpccourse.table import Table, load_table
from sphinx_tabs.tabs import SphinxTabsPanel, SphinxTabsTab

ROOT = Path(__file__).resolve().parents[2]
COSMOS = Path(__file__).parents[1] / "roots" / "test-cluster-three" / "cosmos.toml"
NOT_SOURCES = {".venv", "_build", ".git", "tests", "node_modules", "benchmarks", ".pytest_cache"}


def copy_site(dest: Path) -> Path:
    """The project's sources (not its venv, builds or tests) copied to ``dest``."""
    shutil.copytree(
        ROOT,
        dest,
        ignore=lambda folder, names: [
            n for n in names if Path(folder) == ROOT and n in NOT_SOURCES
        ],
    )
    return dest


def build(make_app, srcdir: Path):
    app = make_app("html", srcdir=srcdir, confoverrides={"nitpicky": True})
    app.build()
    return app


def warnings_of(app) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())


def generated(app) -> list[nodes.literal_block]:
    """Every literal block the table's directives made, site-wide."""
    return [
        block
        for docname in sorted(app.env.found_docs)
        for block in app.env.get_doctree(docname).findall(nodes.literal_block)
        if "hpc_step" in block
    ]


def command_paths(block: nodes.literal_block) -> list[str]:
    """The paths (``/...`` or ``~...``) in the block's prompted command lines."""
    paths = []
    for line in block.astext().splitlines():
        match = re.match(r"(\([\w.-]+\) )?\$ (.*)", line)
        if match:
            words = shlex.split(match.group(2), comments=True)
            paths += [w for w in words if w.startswith(("/", "~"))]
    return paths


def assert_paths_under_storage_roots(table: Table, blocks: list[nodes.literal_block]) -> None:
    checked = dict.fromkeys(table.cluster_keys, 0)
    for block in blocks:
        root = table.cluster(block["hpc_cluster"]).storage_root.rstrip("/")
        for path in command_paths(block):
            assert path == root or path.startswith(root + "/"), (block["hpc_step"], path, root)
            checked[block["hpc_cluster"]] += 1
    assert all(checked.values()), checked  # each cluster had paths to check


#: A ``cluster-commands`` directive's first line, in RST or in MyST (either fence).
USE = re.compile(r"^(?:\.\. cluster-commands::|(?:```+|:::+)\{cluster-commands\})", re.MULTILINE)


def uses_in(path: Path) -> int:
    """How many ``cluster-commands`` directives the page ``path`` holds."""
    return len(USE.findall(path.read_text(encoding="utf-8")))


def assert_every_tab_set_gains_cosmos(app, docname: str, uses: int, table: Table) -> None:
    """Each of the page's ``uses`` generated tab sets has a LUNARC tab, in table order,
    holding Cosmos's commands or the reason the step skips it."""
    doctree = app.env.get_doctree(docname)
    tab_sets = [
        c
        for c in doctree.findall(nodes.container)
        if "sphinx-tabs" in c["classes"]
        and any("hpc_step" in b for b in c.findall(nodes.literal_block))
    ]
    assert len(tab_sets) == uses, docname
    for tab_set in tab_sets:
        labels = [t.astext() for t in tab_set.findall(SphinxTabsTab)]
        panels = dict(
            zip(
                labels, [p for p in tab_set.children if isinstance(p, SphinxTabsPanel)], strict=True
            )
        )
        assert [label for label in labels if label != "Task"] == [c.label for c in table.clusters]
        lunarc = panels["LUNARC"]
        steps = {b["hpc_step"] for b in tab_set.findall(nodes.literal_block) if "hpc_step" in b}
        (step,) = steps
        if table.steps[step].applies_to("cosmos"):
            (block,) = lunarc.findall(nodes.literal_block)
            assert block["hpc_cluster"] == "cosmos"
            assert block.astext().splitlines()[0].startswith(("$ ", "("))
        else:
            assert not list(lunarc.findall(nodes.literal_block))
            assert lunarc.astext() == table.render(step, "cosmos").reason


def test_the_lesson_uses_the_table_directives():
    text = (ROOT / "isolated.rst").read_text()
    assert ".. cluster-commands::" in text, "isolated.rst has no generated commands yet"
    assert ".. cluster-facts::" in text


def test_real_site_builds_warning_free_with_commands_under_storage_roots(make_app, tmp_path):
    srcdir = copy_site(tmp_path / "site")
    app = build(make_app, srcdir)
    assert warnings_of(app) == ""
    table = load_table(srcdir / "clusters.toml")
    blocks = generated(app)
    assert {b["hpc_step"] for b in blocks} == set(table.steps), "a step of the table is unused"
    assert_paths_under_storage_roots(table, blocks)
    for block in blocks:
        assert block["hpc_data_source"] == str((srcdir / "clusters.toml").resolve())
        assert app.env.path2doc(block.source) is not None  # a page, .rst or .md


def test_real_lesson_gains_a_cosmos_tab_everywhere_with_a_third_cluster(make_app, tmp_path):
    srcdir = copy_site(tmp_path / "site3")
    with (srcdir / "clusters.toml").open("a") as table_file:
        table_file.write("\n" + COSMOS.read_text())
    app = build(make_app, srcdir)
    assert warnings_of(app) == ""
    table = load_table(srcdir / "clusters.toml")
    assert table.cluster_keys[-1] == "cosmos"
    cosmos = table.cluster("cosmos")

    pages = [Path(app.env.doc2path(doc)) for doc in sorted(app.env.found_docs)]
    assert sum(uses_in(path) for path in pages) >= 2
    assert any(path.suffix == ".md" and uses_in(path) for path in pages)  # MyST pages too
    for path in pages:
        assert_every_tab_set_gains_cosmos(app, app.env.path2doc(str(path)), uses_in(path), table)

    blocks = [b for b in generated(app) if b["hpc_cluster"] == "cosmos"]
    loads = [b.astext() for b in blocks if b["hpc_step"].startswith("load-python")]
    assert loads and all(
        text == "$ module load GCC/12.2.0 OpenMPI/4.1.4 Seaborn/0.12.2" for text in loads
    )
    assert_paths_under_storage_roots(table, generated(app))
    assert any("~/my_venvs/vpyenv" in b.astext() for b in blocks)

    text = app.env.get_doctree("isolated").astext()
    assert "Cosmos (LUNARC): lu2024-7-80" in text
    assert f"Cosmos (LUNARC): no workshop storage; use {cosmos.storage_root}" in text
    doctree = app.env.get_doctree("isolated")
    links = {r.astext(): r["refuri"] for r in doctree.findall(nodes.reference)}
    assert links["LUNARC"] == cosmos.docs_url
    headers = [
        [e.astext() for e in row.findall(nodes.entry)]
        for t in doctree.findall(nodes.table)
        for row in t.findall(nodes.row)
        if "hpccourse-managers" in t["classes"]
    ]
    assert headers[0] == ["Manager", "UPPMAX", "HPC2N", "LUNARC", "Scope"]


@pytest.fixture(autouse=True)
def _needs_the_lesson():
    if ".. cluster-commands::" not in (ROOT / "isolated.rst").read_text():
        pytest.fail("isolated.rst has no cluster-commands directives yet")
