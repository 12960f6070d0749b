"""Issue 15, point 8: a step shown as a file, and a step's per-cluster note.

Testroot ``test-editloop-files``: the two-cluster table plus ``batch-script`` (a file step,
``job.sh``, with placeholders and a note per cluster) and ``submit`` (commands, one note).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from docutils import nodes
from hpccourse.console.check import check_document
from hpccourse.console.model import Block, RuleContext
from hpccourse.lessonrun.model import Mark
from hpccourse.lessonrun.plan import block_steps
from hpccourse.table import TableError, load_table
from sphinx_tabs.tabs import SphinxTabsPanel, SphinxTabsTab

ROOT = Path(__file__).resolve().parents[1] / "roots" / "test-editloop-files"
TABLE = ROOT / "clusters.toml"


def panels(app, step: str) -> dict[str, nodes.Element]:
    """Tab label -> panel of the tab set whose blocks come from ``step``."""
    for container in app.env.get_doctree("index").findall(nodes.container):
        if "sphinx-tabs" not in container["classes"]:
            continue
        labels = [tab.astext() for tab in container.findall(SphinxTabsTab)]
        found = [p for p in container.children if isinstance(p, SphinxTabsPanel)]
        blocks = [b for p in found for b in p.findall(nodes.literal_block)]
        if blocks and blocks[0].get("hpc_step") == step:
            return dict(zip(labels, found, strict=True))
    raise AssertionError(step)


@pytest.mark.sphinx("html", testroot="editloop-files", srcdir="editloop-files")
def test_a_file_step_is_a_captioned_bash_block_filled_in_per_cluster(app):
    app.build()
    assert app.warning.getvalue() == ""
    table = load_table(TABLE)
    for label, panel in panels(app, "batch-script").items():
        cluster = next(c for c in table.clusters if c.label == label)
        (wrapper,) = [c for c in panel.findall(nodes.container) if c.get("literal_block")]
        caption, block = wrapper.children
        assert caption.astext() == "job.sh"
        assert block["language"] == "bash"
        assert block["hpc_file"] == "job.sh"
        assert f"#SBATCH -A {cluster.allocation}" in block.astext()
        assert f"hello from {cluster.cluster}" in block.astext()
        assert "{" not in block.astext()
    html = (app.outdir / "index.html").read_text()
    assert '<div class="code-block-caption"><span class="caption-text"><code' in html


@pytest.mark.sphinx("html", testroot="editloop-files", srcdir="editloop-files-notes")
def test_a_note_shows_under_the_block_in_its_cluster_tab_only(app):
    app.build()
    batch = panels(app, "batch-script")
    assert "On Rackham, jobs of this course run on the naiss2024-22-1202 project." in (
        batch["UPPMAX"].astext()
    )
    assert "Kebnekaise's GPUs need their own partition." in batch["HPC2N"].astext()
    submit = panels(app, "submit")
    assert "Run it from /proj/nobackup/r-py-jl-m." in submit["HPC2N"].astext()
    assert "Run it from" not in submit["UPPMAX"].astext()
    note = next(p for p in submit["HPC2N"].findall(nodes.paragraph) if "Run it" in p.astext())
    assert "hpccourse-note" in note["classes"]


def file_block(text: str) -> Block:
    return Block(
        "index", "index.rst", 9, "bash", text, cluster="uppmax", step="batch-script", file="job.sh"
    )


def test_a_file_is_checked_as_a_script():
    (good,) = check_document([file_block("#!/bin/bash\n#SBATCH -A x\necho 'hi'")], RuleContext())
    assert good.status == "ok", good.problems
    (bad,) = check_document([file_block("#!/bin/bash\necho 'hi")], RuleContext())
    assert bad.status == "failed"
    assert [p.code for p in bad.problems] == ["CC101"]


def test_lessonrun_writes_the_file_the_learner_saves(tmp_path):
    content = '#!/bin/bash\necho "it\'s $HOME"\ncat <<EOF\nx\nEOF'
    (step,) = block_steps(file_block(content), Mark(), lambda text: text, lambda _text: None)
    assert step.action == "run"
    assert step.shown == "(save the file job.sh)"
    subprocess.run(["bash", "-c", step.text], cwd=tmp_path, check=True)
    assert (tmp_path / "job.sh").read_text() == content + "\n"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('[steps.f]\nfile = "a/b.sh"\ncontent = "x"\n', "must be a plain file name"),
        ('[steps.f]\nfile = "a.sh"\ncontent = "x"\ncommands = ["y"]\n', "either commands or"),
        ('[steps.f]\ncontent = "x"\ncommands = ["y"]\n', "content without a file name"),
        ('[steps.f]\nfile = "a.sh"\n', "has no content for cluster"),
        ('[steps.f]\ncommands = ["y"]\nnote.uppmx = "n"\n', "did you mean `uppmax`?"),
    ],
)
def test_file_step_mistakes_are_located(tmp_path, extra, message):
    path = tmp_path / "clusters.toml"
    path.write_text(TABLE.read_text() + "\n" + extra)
    with pytest.raises(TableError) as error:
        load_table(path)
    assert message in error.value.message
    assert error.value.line and error.value.line > len(TABLE.read_text().splitlines())
