"""The collector: which doctree nodes become console blocks, with which facts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hpccourse.console.model import Block
from hpccourse.doctree.collect import collect_blocks, has_shell_prompt
from hpccourse.table import load_table
from sphinx.testing.util import SphinxTestApp


def blocks_of(app: SphinxTestApp) -> list[Block]:
    """Build, then collect the blocks of ``index`` with the testroot's table."""
    app.build()
    table = load_table(Path(app.srcdir) / "clusters.toml")

    def lookup(label: str) -> str | None:
        cluster = table.cluster_for_label(label)
        return cluster.key if cluster else None

    doctree = app.env.get_doctree("index")
    return collect_blocks(doctree, "index", app.srcdir, cluster_for_label=lookup)


def by_text(blocks: list[Block]) -> dict[str, Block]:
    return {block.text: block for block in blocks}


# Builders whose sphinx-tabs nodes differ: html-like (panels) and the rest (containers).
BUILDERS = ["html", "text", "consolecheck"]


@pytest.mark.parametrize("builder", BUILDERS)
def test_collects_console_blocks_at_their_first_content_line(
    make_app, rootdir: Path, tmp_path: Path, builder: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path))
    found = by_text(blocks_of(app))
    assert found["$ echo one\none"].line == 6
    assert found["$ echo caption"].line == 12  # inside the caption's container
    assert found["$ echo literal"].line == 16  # a `::` block
    assert found["$ echo code directive"].line == 40
    assert found["$ echo one\none"].source == "index.rst"
    assert found["$ echo one\none"].docname == "index"


@pytest.mark.parametrize("builder", BUILDERS)
def test_takes_blocks_by_language_or_by_shell_prompt_only(
    make_app, rootdir: Path, tmp_path: Path, builder: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path))
    found = by_text(blocks_of(app))
    assert "echo not a console block" not in found  # `::` without a prompt
    assert 'print("not a console block")' not in found  # python
    assert found["(vpyenv) [sven@rackham1 ~]$ echo prompted text"].language == "text"
    assert found["$ echo literal"].language == "default"
    # `.. highlight:: console` makes a prompt-less `::` block a console block.
    assert found["echo console by highlight"].language == "console"
    assert found["echo last"].language == "sh"


@pytest.mark.parametrize("builder", BUILDERS)
def test_prompt_block_keeps_language_prompts_and_line(
    make_app, rootdir: Path, tmp_path: Path, builder: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path))
    block = by_text(blocks_of(app))["(vpyenv) $ pip list"]
    assert block.language == "bash"
    assert block.prompts == ("(vpyenv) $",)
    assert block.line == 46


@pytest.mark.parametrize("builder", BUILDERS)
def test_tab_label_naming_a_cluster_gives_the_block_its_cluster(
    make_app, rootdir: Path, tmp_path: Path, builder: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path))
    found = by_text(blocks_of(app))
    assert found["$ echo uppmax"].cluster == "uppmax"
    assert found["$ echo uppmax"].line == 54
    assert found["$ echo no cluster"].cluster is None
    assert found["$ echo one\none"].cluster is None


@pytest.mark.parametrize("builder", BUILDERS)
def test_generated_blocks_carry_cluster_step_and_table_line(
    make_app, rootdir: Path, tmp_path: Path, builder: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path))
    blocks = [b for b in blocks_of(app) if b.step == "load-python"]
    table = load_table(Path(app.srcdir) / "clusters.toml")
    assert [b.cluster for b in blocks] == ["uppmax", "hpc2n"]
    for block in blocks:
        rendered = table.render("load-python", block.cluster)
        assert block.line == 62  # the directive's line
        assert block.source == "index.rst"
        assert block.data_source == "clusters.toml"
        assert block.data_line == rendered.data_line
        assert block.text == "$ " + rendered.commands[0]
        assert not block.skip


@pytest.mark.parametrize("builder", BUILDERS)
def test_skip_comment_or_option_marks_blocks_skipped(
    make_app, rootdir: Path, tmp_path: Path, builder: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path))
    blocks = blocks_of(app)
    skipped = {b.text for b in blocks if b.skip}
    assert skipped == {
        "$ echo skipped by comment",
        "$ echo skipped by option",
        "$ echo prompt skipped by option",  # sphinx-prompt's block, same option
        "$ echo skipped tab set",  # a comment before a tab set skips all of it
        # ... and one before cluster-commands skips every generated block.
        *(b.text for b in blocks if b.step == "load-python-base"),
    }
    assert len([b for b in blocks if b.step == "load-python-base"]) == 2


def test_shell_prompt_recognises_the_prompts_courses_use() -> None:
    for line in [
        "$ ls",
        "$",
        "(vpyenv) $ ls",
        "[sven@rackham1 ~]$ ls",
        "sven@host:~/x$ ls",
        "b-an01 [~]$ ls",
        "(env) b-an01 [/proj/x]$ python",
        "output\n$ ls",
    ]:
        assert has_shell_prompt(line), line
    for line in ["$HOME/bin", "echo $ x", "price: 5$", ">>> 1", "# comment", "   $ nested"]:
        assert not has_shell_prompt(line), line


def _copy(rootdir: Path, tmp_path: Path) -> Path:
    """A private copy of the testroot (each builder reads its own)."""
    target = tmp_path / "src"
    shutil.copytree(rootdir / "test-consolecheck-collect", target)
    return target
