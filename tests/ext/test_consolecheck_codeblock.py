"""The code-block/sourcecode/code override: Sphinx's output unchanged, one option more."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes

ROOT = "test-consolecheck-codeblock"
BODY = re.compile(r'<section id="code-blocks">.*?</section>', re.S)


def build(make_app, rootdir: Path, srcdir: Path, text: str | None = None, **kwargs):
    shutil.copytree(rootdir / ROOT, srcdir)
    if text is not None:
        (srcdir / "index.rst").write_text(text, encoding="utf-8")
    app = make_app("html", srcdir=srcdir, **kwargs)
    app.build()
    return app


def body(app) -> str:
    return BODY.search((Path(app.outdir) / "index.html").read_text(encoding="utf-8")).group(0)


def test_html_is_identical_to_sphinx_own_directives(make_app, rootdir: Path, tmp_path) -> None:
    """Ours first: Sphinx keeps the console lexer an extension adds (``app.add_lexer``)
    for every later build in the process, so both builds highlight with it whatever ran
    before this test, and only the directives differ."""
    ours = build(make_app, rootdir, tmp_path / "ours")
    stock = build(make_app, rootdir, tmp_path / "stock", confoverrides={"extensions": []})
    assert body(ours) == body(stock)
    assert body(stock).count('<div class="highlight-') == 4


def test_skip_option_changes_nothing_in_the_html(make_app, rootdir: Path, tmp_path) -> None:
    plain = build(make_app, rootdir, tmp_path / "plain")
    text = (rootdir / ROOT / "index.rst").read_text(encoding="utf-8")
    marked = text.replace("   :caption:", "   :consolecheck: skip\n   :caption:")
    marked = marked.replace("   :dedent: 2", "   :dedent: 2\n   :consolecheck: skip")
    marked = marked.replace("   :number-lines:", "   :number-lines:\n   :consolecheck: skip")
    skipped = build(make_app, rootdir, tmp_path / "skipped", marked)
    assert body(skipped) == body(plain)
    literals = list(skipped.env.get_doctree("index").findall(nodes.literal_block))
    assert [n.get("hpc_consolecheck") for n in literals] == ["skip", "skip", "skip", None]
    assert "consolecheck" not in skipped.warning.getvalue()


def test_records_the_first_content_line(make_app, rootdir: Path, tmp_path) -> None:
    app = build(make_app, rootdir, tmp_path / "lines")
    literals = list(app.env.get_doctree("index").findall(nodes.literal_block))
    assert [n["hpc_content_line"] for n in literals] == [10, 17, 22, 26]
    assert [n.line for n in literals] == [4, 14, 19, 24]  # Sphinx's own: the directive


def test_records_the_first_content_line_in_markdown(make_app, rootdir: Path, tmp_path) -> None:
    """The MyST twin (test-myst-codeblock): options, a blank line or none, both fences."""
    shutil.copytree(rootdir / "test-myst-codeblock", tmp_path / "md")
    app = make_app("html", srcdir=tmp_path / "md")
    app.build()
    literals = list(app.env.get_doctree("index").findall(nodes.literal_block))
    assert [n["hpc_content_line"] for n in literals] == [9, 17, 23, 27]
    assert [n.line for n in literals] == [3, 14, 20, 26]  # myst-parser's own: the directive


def test_markdown_html_is_identical_to_sphinx_own_directives(
    make_app, rootdir: Path, tmp_path
) -> None:
    def built(name: str, **kwargs):
        shutil.copytree(rootdir / "test-myst-codeblock", tmp_path / name)
        app = make_app("html", srcdir=tmp_path / name, **kwargs)
        app.build()
        return body(app)

    stock = built("stock", confoverrides={"extensions": ["myst_parser"]})
    assert built("ours") == stock
    assert stock.count('<div class="highlight-') == 4


def test_rejects_an_unknown_consolecheck_value(make_app, rootdir: Path, tmp_path) -> None:
    text = "Bad\n===\n\n.. code-block:: console\n   :consolecheck: maybe\n\n   $ ls\n"
    app = build(make_app, rootdir, tmp_path / "bad", text)
    warnings = app.warning.getvalue()
    assert "index.rst:4:" in warnings
    assert 'invalid option value: (option: "consolecheck"' in warnings


CODE_TABS = """Tabs
====

.. tabs::

   .. code-tab:: console Linux

      nox -s tests

   .. code-tab:: console Windows
      :linenos:

      $ cd <user-dir>

.. literalinclude:: session.txt
   :language: console
"""


def test_another_extensions_directive_gets_its_first_content_line(
    make_app, rootdir: Path, tmp_path
) -> None:
    """sphinx-tabs' ``code-tab`` gives its literal block the directive's line; the first
    content row is found below it (options and blank lines skipped). A literalinclude,
    whose rows are not on the page, keeps the directive's line."""
    srcdir = tmp_path / "tabs"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text('extensions = ["sphinx_tabs.tabs", "hpccourse"]\n')
    (srcdir / "index.rst").write_text(CODE_TABS, encoding="utf-8")
    (srcdir / "session.txt").write_text("$ ls\n", encoding="utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    literals = list(app.env.get_doctree("index").findall(nodes.literal_block))
    rows = CODE_TABS.splitlines()
    assert [n.get("hpc_content_line") for n in literals] == [
        rows.index("      nox -s tests") + 1,
        rows.index("      $ cd <user-dir>") + 1,
        None,
    ]


TXT_PAGE = """Usage
=====

.. shellsession::
   :caption: Start it

   $ serve <port> [options]
   $ serve --help
"""

SHELLSESSION_EXT = '''
from sphinx.directives.code import CodeBlock


class ShellSession(CodeBlock):
    """A code block of language console, as a project's own extension makes one."""

    required_arguments = 0

    def run(self):
        self.arguments = ["console"]
        return super().run()


def setup(app):
    app.add_directive("shellsession", ShellSession)
'''


def test_an_rst_page_of_another_suffix_gets_its_first_content_line(
    make_app, rootdir: Path, tmp_path
) -> None:
    """A project whose RST pages are ``.txt`` (Django's) and whose own directive makes a
    code block at the directive's line: the first row is found below it all the same."""
    srcdir = tmp_path / "txtpages"
    srcdir.mkdir()
    (srcdir / "shellsession.py").write_text(SHELLSESSION_EXT, encoding="utf-8")
    (srcdir / "conf.py").write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
        'extensions = ["shellsession", "hpccourse"]\n'
        'source_suffix = {".txt": "restructuredtext"}\nroot_doc = "index"\n',
        encoding="utf-8",
    )
    (srcdir / "index.txt").write_text(TXT_PAGE, encoding="utf-8")
    app = make_app("html", srcdir=srcdir)
    app.build()
    [literal] = app.env.get_doctree("index").findall(nodes.literal_block)
    assert literal.line == TXT_PAGE.splitlines().index(".. shellsession::") + 1
    assert (
        literal["hpc_content_line"]
        == TXT_PAGE.splitlines().index("   $ serve <port> [options]") + 1
    )
