"""The ``prompt`` override: sphinx-prompt's output unchanged, the checker's facts kept.

On the RST testroot ``test-consolecheck-prompt`` and its MyST twin ``test-myst-prompt``
(backtick and colon fences, options, a blank line before the text or not).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docutils import nodes
from hpccourse.directives.prompt import ConsolePromptDirective
from sphinx.testing.util import SphinxTestApp

#: Per syntax: the testroot, the stock build's extensions, the page, and per block
#: (language, prompts, modifiers, directive line, first content line).
CASES = {
    "rst": (
        "test-consolecheck-prompt",
        ["sphinx-prompt"],
        "index.rst",
        [
            ("bash", ["$"], [], 4, 6),
            ("bash", ["(vpyenv) $"], [], 8, 12),
            ("python", [">>>"], [], 16, 18),
            ("bash", ["$", "(env) $"], ["auto"], 20, 24),
            ("batch", [r"C:\\>"], [], 28, 30),
            ("text", [], [], 32, 34),
        ],
    ),
    "myst": (
        "test-myst-prompt",
        ["myst_parser", "sphinx-prompt"],
        "index.md",
        [
            ("bash", ["$"], [], 3, 5),
            ("bash", ["(vpyenv) $"], [], 8, 12),
            ("python", [">>>"], [], 17, 18),
            ("bash", ["$", "(env) $"], ["auto"], 21, 26),
            ("batch", [r"C:\\>"], [], 31, 32),
            ("text", [], [], 35, 37),
        ],
    ),
}
PROMPT_DIV = re.compile(r'<div class="highlight-default notranslate">.*?</pre></div></div>', re.S)


def build(make_app, rootdir: Path, tmp_path: Path, name: str, root: str, **kwargs) -> SphinxTestApp:
    srcdir = tmp_path / name
    shutil.copytree(rootdir / root, srcdir)
    app = make_app("html", srcdir=srcdir, **kwargs)
    app.build()
    return app


def raw_nodes(app: SphinxTestApp) -> list[nodes.raw]:
    return list(app.env.get_doctree("index").findall(nodes.raw))


@pytest.fixture(params=sorted(CASES))
def syntax(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def stock_and_ours(make_app, rootdir: Path, tmp_path: Path, syntax: str):
    root, stock_extensions, _page, _facts = CASES[syntax]
    overrides = {"extensions": stock_extensions}
    stock = build(make_app, rootdir, tmp_path, "stock", root, confoverrides=overrides)
    ours = build(make_app, rootdir, tmp_path, "ours", root)
    return stock, ours


def test_override_is_the_registered_prompt_directive(stock_and_ours) -> None:
    _stock, ours = stock_and_ours
    from docutils.parsers.rst import directives

    directive, _messages = directives.directive("prompt", None, None)
    assert directive is ConsolePromptDirective
    assert "hpc_prompt_language" in raw_nodes(ours)[0]


def test_html_is_identical_to_stock_sphinx_prompt(stock_and_ours) -> None:
    stock, ours = stock_and_ours
    stock_html = (Path(stock.outdir) / "index.html").read_text(encoding="utf-8")
    our_html = (Path(ours.outdir) / "index.html").read_text(encoding="utf-8")
    stock_blocks = PROMPT_DIV.findall(stock_html)
    assert len(stock_blocks) == 6
    assert PROMPT_DIV.findall(our_html) == stock_blocks


def test_raw_nodes_are_identical_to_stock_sphinx_prompt(stock_and_ours) -> None:
    stock, ours = stock_and_ours

    def shown(app: SphinxTestApp) -> list[tuple[str, str, str]]:
        return [(n["format"], n.rawsource, n.astext()) for n in raw_nodes(app)]

    assert shown(ours) == shown(stock)
    assert not any(k.startswith("hpc_") for n in raw_nodes(stock) for k in n.attributes)


def test_records_language_prompts_text_and_lines(stock_and_ours, syntax: str) -> None:
    _root, _extensions, page, expected = CASES[syntax]
    _stock, ours = stock_and_ours
    html = [n for n in raw_nodes(ours) if n["format"] == "html"]
    facts = [
        (
            n["hpc_prompt_language"],
            n["hpc_prompt_prompts"],
            n["hpc_prompt_modifiers"],
            n.line,
            n["hpc_content_line"],
        )
        for n in html
    ]
    assert facts == expected
    assert html[1]["hpc_prompt_text"] == "pip install \\\n    numpy\npip list"
    assert all(n.source.endswith(page) for n in html)
    # Both nodes of a block (html, latex) carry the same facts.
    latex = [n for n in raw_nodes(ours) if n["format"] == "latex"]
    assert [n["hpc_content_line"] for n in latex] == [f[4] for f in facts]
