"""Issue 15, point 8: ``hpccourse migrate`` moves a centres'-style page onto the table.

Testroot ``test-editloop-migrate``: five clusters, and ``batch.rst`` written the way the
centres' courses are: tab sets with one tab per centre holding prose and console blocks,
a batch script shown as a file, a tab that is no cluster in the same set, ``<user>``
placeholders, and a set whose tabs are labelled by cluster name. The test builds the page
as it is, migrates it with the installed command, builds again, and compares what each
cluster's reader is shown.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from clikit import run as hpccourse
from hpccourse.console.lines import classify, commands
from hpccourse.doctree.collect import collect_blocks
from hpccourse.migrate import Migrator
from hpccourse.table import load_table
from sphinx.testing.util import SphinxTestApp

ROOT = Path(__file__).resolve().parents[3]


def shown_per_cluster(srcdir: Path) -> tuple[dict[str, list[tuple[str, ...]]], str]:
    """Build ``srcdir``; each cluster's blocks on batch.rst as (kind, lines...); warnings."""
    app = SphinxTestApp("html", srcdir=srcdir)
    try:
        app.build()
        table = load_table(srcdir / "clusters.toml")

        def label(text: str) -> str | None:
            found = table.cluster_for_label(text)
            return found.key if found else None

        blocks = collect_blocks(
            app.env.get_doctree("batch"), "batch", srcdir, cluster_for_label=label
        )
        shown: dict[str, list[tuple[str, ...]]] = {}
        for block in blocks:
            assert block.cluster, block
            if block.language == "bash":  # a script: its lines
                entry = ("file", *block.text.rstrip("\n").split("\n"))
            else:  # a session: the commands typed, then the output shown
                lines = classify(block.text)
                typed = [c.text for c in commands(lines)]
                output = [line.raw for line in lines if line.kind.value == "output"]
                entry = ("commands", *typed, "|", *output)
            # `<user>` is the table's `[username]` (the course's placeholder convention)
            entry = tuple(re.sub(r"<user>", "[username]", part) for part in entry)
            shown.setdefault(block.cluster, []).append(entry)
        return shown, app.warning.getvalue()
    finally:
        app.cleanup()


@pytest.fixture
def testroot(rootdir: Path) -> Path:
    """The testroot, its table composed from tests/roots/base.toml."""
    return rootdir / "test-editloop-migrate"


@pytest.fixture
def site(testroot: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "site"
    shutil.copytree(testroot, copy)
    return copy


def test_the_migrated_page_shows_every_cluster_the_same_commands_and_files(site: Path):
    before, warnings = shown_per_cluster(site)
    assert warnings == ""
    assert len(before) == len(load_table(site / "clusters.toml").clusters) == 5
    original = (site / "batch.rst").read_text()

    done = hpccourse("migrate", "batch.rst", "--write", cwd=site)
    assert done.returncode == 0, done.stderr
    rewritten = (site / "batch.rst").read_text()
    assert (site / "batch.rst.orig").read_text() == original
    assert ".. tab:: UPPMAX" not in rewritten and ".. cluster-commands::" in rewritten

    after, warnings = shown_per_cluster(site)
    assert warnings == ""
    assert after == before


def test_nothing_is_written_without_the_flag_and_nothing_overwritten_with_it(site: Path):
    page, table = site / "batch.rst", site / "clusters.toml"
    page_text, table_text = page.read_text(), table.read_text()
    files = sorted(site.iterdir())
    done = hpccourse("migrate", "batch.rst", cwd=site)
    assert done.returncode == 0, done.stderr
    assert (page.read_text(), table.read_text()) == (page_text, table_text)
    assert sorted(site.iterdir()) == files  # not even a temporary file in the course
    assert "[steps.batch-job]" in done.stdout and ".. cluster-commands:: batch-job" in done.stdout
    assert not (site / "batch.rst.orig").exists()

    assert hpccourse("migrate", "batch.rst", "--write", cwd=site).returncode == 0
    migrated_table = table.read_text()
    edited = page_text.replace("That is all for now.", "That is all, edited.")
    page.write_text(edited)  # the teacher edits the original again; .orig is still there
    again = hpccourse("migrate", "batch.rst", "--write", cwd=site)
    assert again.returncode != 0
    assert "batch.rst.orig exists" in again.stderr
    assert page.read_text() == edited
    assert (site / "batch.rst.orig").read_text() == page_text
    assert table.read_text() == migrated_table


def test_no_text_is_lost_and_what_stays_is_said(site: Path):
    done = hpccourse("migrate", "batch.rst", "--write", cwd=site)
    assert "tab 'Your own computer' is no cluster: kept in a tab set of its own" in done.stderr
    page = (site / "batch.rst").read_text()
    table = (site / "clusters.toml").read_text()
    assert ".. tab:: Your own computer" in page
    assert "install one with ``uv``" in page
    for prose in ("On Tetralith, load Python with its module:", "Dardel ships Python"):
        assert prose in page and prose not in table  # a cluster's own prose: its own tab
    assert "   .. group-tab:: NSC\n\n      On Tetralith" in page  # synchronised with the steps
    assert "Save this as ``job.sh``:" in page  # the same in every tab: above the step
    steps = load_table(site / "clusters.toml").steps
    script = next(step for step in steps.values() if step.file)
    assert script.file == "job.sh"
    assert "#SBATCH -A {allocation}" in script.content  # a fact the table has
    assert "module load {modules.python}" in script.content
    assert any("cd {storage_root}/{user}" in c for s in steps.values() for c in s.commands)


def test_sphinx_design_tab_sets_and_unconvertible_sets(testroot: Path, tmp_path: Path):
    table = load_table(testroot / "clusters.toml")
    page = tmp_path / "design.rst"
    tab = "   .. tab-item:: {}\n\n      .. code-block:: console\n\n         $ {}\n"
    design = ".. tab-set::\n\n" + "\n".join(
        tab.format(c.label, f"echo {c.cluster}") for c in table.clusters
    )
    shapes = ".. tabs::\n\n" + "\n".join(
        tab.format(c.label, "ls").replace("tab-item", "tab") * (1 + (i == 0))
        for i, c in enumerate(table.clusters)
    )
    text = f"T\n=\n\n{design}\nBetween.\n\n{shapes}\nEnd.\n"
    proposal = Migrator(table, page).run(text)
    assert proposal.converted == 1
    assert "echo Rackham" in proposal.steps_toml and "override.hpc2n" in proposal.steps_toml
    assert any("two tabs name the same cluster (uppmax)" in line for line in proposal.report)
    assert shapes in proposal.page  # kept as written
    assert "Between." in proposal.page and "End." in proposal.page


def test_the_command_reports_a_page_with_nothing_to_convert(testroot: Path, tmp_path: Path):
    shutil.copy(testroot / "clusters.toml", tmp_path)
    (tmp_path / "plain.rst").write_text("Plain\n=====\n\nNo tabs.\n")
    done = hpccourse("migrate", "plain.rst", cwd=tmp_path)
    assert done.returncode == 1
    assert "no tab set of clusters to convert" in done.stderr
