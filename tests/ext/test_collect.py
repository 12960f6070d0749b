"""The collector: which doctree nodes become console blocks, with which facts.

Each test runs on the RST testroot ``test-consolecheck-collect`` and on its MyST twin
``test-myst-collect`` (the same blocks as Markdown fences, ``{code-block}``, ``{code}`` and
``:::{prompt}`` directives, tabs, skips, plus blocks nested in admonitions, lesson boxes
and tabs), each with the exact line of every block in its own file.
"""

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
SYNTAXES = ["rst", "myst"]
ROOTS = {"rst": "consolecheck-collect", "myst": "myst-collect"}
PAGE = {"rst": "index.rst", "myst": "index.md"}

#: Block text -> the line of its first command in its file, per syntax.
LINES = {
    "rst": {
        "$ echo one\none": 6,
        "$ echo caption": 12,  # inside the caption's container
        "$ echo literal": 16,  # a `::` block
        "$ echo code directive": 40,
        "(vpyenv) $ pip list": 46,
        "$ echo uppmax": 54,
    },
    "myst": {
        "$ echo one\none": 5,  # a {code-block} with a blank line before its text
        "$ echo caption": 12,  # after an option and a blank line
        "$ echo literal\n": 17,  # an indented block
        "$ echo code directive": 42,
        "(vpyenv) $ pip list": 49,  # a :::{prompt} with options
        "$ echo uppmax": 55,  # a {code-block} in a {tab}
        "$ echo no cluster\n": 60,  # a fence in a {tab}
        "echo last\n": 102,  # a fence
        "$ echo in a note\n": 109,  # a fence in a :::{note}
        "$ echo in a list in objectives": 117,  # {code-block} in a list in {objectives}
        "$ echo prompt in objectives": 121,  # :::{prompt} in {objectives}
        "$ echo fence in a group tab\n": 132,  # admonition > tabs > group-tab > fence
    },
}
#: The lines of the cluster-commands directives (of their blocks), per syntax.
DIRECTIVE_LINES = {"rst": [62], "myst": [65, 128]}  # 128: admonition > tabs > group-tab


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("builder", BUILDERS)
def test_collects_console_blocks_at_their_first_content_line(
    make_app, rootdir: Path, tmp_path: Path, builder: str, syntax: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path, syntax))
    found = by_text(blocks_of(app))
    assert {text: found[text].line for text in LINES[syntax]} == LINES[syntax]
    assert found["$ echo one\none"].source == PAGE[syntax]
    assert found["$ echo one\none"].docname == "index"


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("builder", BUILDERS)
def test_takes_blocks_by_language_or_by_shell_prompt_only(
    make_app, rootdir: Path, tmp_path: Path, builder: str, syntax: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path, syntax))
    found = {text.rstrip("\n"): block for text, block in by_text(blocks_of(app)).items()}
    assert "echo not a console block" not in found  # `::` or indented, without a prompt
    assert 'print("not a console block")' not in found  # python
    assert found["(vpyenv) [sven@rackham1 ~]$ echo prompted text"].language == "text"
    # A `::` block has the default language; MyST gives an indented block "none".
    assert found["$ echo literal"].language == {"rst": "default", "myst": "none"}[syntax]
    # `highlight` makes a prompt-less block without a language a console block.
    assert found["echo console by highlight"].language == "console"
    assert found["echo last"].language == "sh"


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("builder", BUILDERS)
def test_prompt_block_keeps_language_prompts_and_line(
    make_app, rootdir: Path, tmp_path: Path, builder: str, syntax: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path, syntax))
    block = by_text(blocks_of(app))["(vpyenv) $ pip list"]
    assert block.language == "bash"
    assert block.prompts == ("(vpyenv) $",)
    assert block.line == LINES[syntax]["(vpyenv) $ pip list"]


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("builder", BUILDERS)
def test_tab_label_naming_a_cluster_gives_the_block_its_cluster(
    make_app, rootdir: Path, tmp_path: Path, builder: str, syntax: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path, syntax))
    found = {text.rstrip("\n"): block for text, block in by_text(blocks_of(app)).items()}
    assert found["$ echo uppmax"].cluster == "uppmax"
    assert found["$ echo uppmax"].line == LINES[syntax]["$ echo uppmax"]
    assert found["$ echo no cluster"].cluster is None
    assert found["$ echo one\none"].cluster is None
    if syntax == "myst":  # a group tab nested in an admonition
        assert found["$ echo fence in a group tab"].cluster == "hpc2n"


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("builder", BUILDERS)
def test_generated_blocks_carry_cluster_step_and_table_line(
    make_app, rootdir: Path, tmp_path: Path, builder: str, syntax: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path, syntax))
    blocks = [b for b in blocks_of(app) if b.step == "load-python"]
    table = load_table(Path(app.srcdir) / "clusters.toml")
    # Each directive's blocks, in table order, at the directive's line.
    assert [(b.cluster, b.line) for b in blocks] == [
        (cluster, line) for line in DIRECTIVE_LINES[syntax] for cluster in ("uppmax", "hpc2n")
    ]
    for block in blocks:
        rendered = table.render("load-python", block.cluster)
        assert block.source == PAGE[syntax]
        assert block.data_source == "clusters.toml"
        assert block.data_line == rendered.data_line
        assert block.text == "$ " + rendered.commands[0]
        assert not block.skip


@pytest.mark.parametrize("syntax", SYNTAXES)
@pytest.mark.parametrize("builder", BUILDERS)
def test_skip_comment_or_option_marks_blocks_skipped(
    make_app, rootdir: Path, tmp_path: Path, builder: str, syntax: str
) -> None:
    app = make_app(builder, srcdir=_copy(rootdir, tmp_path, syntax))
    blocks = blocks_of(app)
    skipped = {b.text.rstrip("\n") for b in blocks if b.skip}
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


def _copy(rootdir: Path, tmp_path: Path, syntax: str = "rst") -> Path:
    """A private copy of the syntax's testroot (each builder reads its own)."""
    target = tmp_path / "src"
    shutil.copytree(rootdir / f"test-{ROOTS[syntax]}", target)
    return target


def test_a_language_named_in_capitals_is_the_same_language(tmp_path: Path) -> None:
    """Blind batch BA, tsfresh: `.. code:: Bash` (Pygments takes any case) was not read."""
    (tmp_path / "conf.py").write_text('project = "caps"\n', encoding="utf-8")
    page = "Caps\n====\n\n.. code:: Bash\n\n   pip install tool\n"
    (tmp_path / "index.rst").write_text(page, encoding="utf-8")
    app = SphinxTestApp("dummy", srcdir=tmp_path)
    try:
        app.build()
        [block] = collect_blocks(app.env.get_doctree("index"), "index", tmp_path)
    finally:
        app.cleanup()
    assert block.language == "bash" and block.text == "pip install tool"
