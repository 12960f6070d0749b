"""Every HTML page gets a Content-Security-Policy allowing only the scripts that Sphinx,
the theme and the extensions emit: never a script that reaches the page through content.

Testroot ``test-csp-content``: a ``.. raw:: html`` script (``raw``), a sphinx-prompt
argument that closes its ``<style>`` (``prompt``), a MyST ``:task:`` with inline HTML
(``task``), a title holding a script, shown in every page's navigation (``title``), and
a page named in ``hpccourse_csp_script_pages`` (``widgets``). Chromium runs the same
pages in tests/ext/test_csp_browser.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from hpccourse.directives.prompt import css_string_text, escape_prompt_styles, prompt_rule
from hpccourse.html.csp import policy_for, script_hashes, skeleton, with_policy
from sphinx.testing.util import SphinxTestApp

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)" />')
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
#: What each content script of the testroot sets when it runs.
CONTENT_MARK = "dataset.ran"


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def allowed(page: str) -> set[str]:
    (policy,) = META.findall(page)
    return set(re.findall(r"'sha256-[^']+'", policy))


def pages(outdir: Path) -> dict[str, str]:
    return {
        p.relative_to(outdir).as_posix(): p.read_text(encoding="utf-8")
        for p in outdir.rglob("*.html")
        if "_static" not in p.parts
    }


def test_each_inline_script_is_hashed_once_and_files_are_not() -> None:
    page = '<script src="a.js"></script><script>x()</script><script>x()</script><script>\n</script>'
    assert script_hashes(page) == [sha256("x()"), sha256("\n")]
    policy = policy_for(script_hashes(page))
    assert f"script-src 'self' {sha256('x()')} {sha256(chr(10))};" in policy
    assert "object-src 'none'" in policy and "http" not in policy


def test_the_policy_comes_first_in_head() -> None:
    out = with_policy("<html><head><script>a()</script></head><body></body></html>", [])
    assert out.startswith('<html><head>\n  <meta http-equiv="Content-Security-Policy"')
    assert "script-src 'self';" in out
    assert with_policy("no document", []) == "no document"


def test_the_skeleton_blanks_every_value_content_reaches() -> None:
    context = {"body": "<script>b()</script>", "title": "t", "toctree": lambda **kw: "<a>"}
    context |= {"pagename": "p", "script_files": ["x.js"], "prev": {"title": "<script>"}}
    blank = skeleton(context)
    assert blank["body"] == blank["title"] == blank["toctree"](maxdepth=2) == ""
    assert blank["prev"] is None
    assert blank["pagename"] == "p" and blank["script_files"] == ["x.js"]
    assert context["body"] == "<script>b()</script>"  # the page itself is untouched


@pytest.mark.sphinx("html", testroot="csp-content")
def test_no_script_from_content_is_allowed_and_the_sites_own_are(
    app: SphinxTestApp, warning: object
) -> None:
    app.build()
    built = pages(app.outdir)
    assert {"raw.html", "prompt.html", "task.html", "title.html", "widgets.html"} <= set(built)
    scripts = {name: INLINE.findall(text) for name, text in built.items()}
    content_hashes = {sha256(s) for found in scripts.values() for s in found if CONTENT_MARK in s}
    # The content scripts reached the pages (the test would prove nothing otherwise):
    # raw, task and title; the prompt's is escaped.
    assert len(content_hashes) == 3
    for name, text in built.items():
        own = {sha256(s) for s in scripts[name] if CONTENT_MARK not in s and "widget" not in s}
        assert own <= allowed(text), name  # the theme's and the extensions' scripts
        assert not allowed(text) & content_hashes, name
        assert text.index("Content-Security-Policy") < text.index("<script")
    index = built["index.html"]
    assert any(s.startswith("window.hpccourseClusters") for s in INLINE.findall(index))
    # The page named in hpccourse_csp_script_pages runs its own script, and only that.
    widgets = built["widgets.html"]
    mine = next(s for s in INLINE.findall(widgets) if "widget" in s)
    assert sha256(mine) in allowed(widgets)
    assert not allowed(widgets) & content_hashes
    # Each raw HTML holding a script says, at its line, that it will not run and how to
    # allow it; on every build (the second reads no page) until the page changes.
    app.build()
    text = warning.getvalue()  # type: ignore[attr-defined]
    for at in ("raw.rst:4", "task.md:4", "title.rst:4"):
        said = f"{at}: WARNING: a <script> in this page's HTML will not run"
        assert text.count(said) == 2, text
    assert "hpccourse_csp_script_pages = ['raw']" in text
    assert "widgets.rst" not in text and "prompt.rst" not in text


def test_a_prompt_argument_cannot_leave_its_style() -> None:
    hostile = '</style><script>alert("x")</script>'
    escaped = css_string_text(hostile)
    assert "<" not in escaped and '"' not in escaped
    assert escaped.startswith("\\3c /style>\\3c script>alert(\\22 x\\22 )")
    assert css_string_text("(venv) $") == "(venv) $"
    assert css_string_text("a\nb") == "a\\a b"
    html = f'<pre><style type="text/css">\n{prompt_rule(1, hostile)}</style><span>'
    safe = escape_prompt_styles(html, {hostile: 1})
    assert "<script" not in safe and safe.count("</style>") == 1
    assert escape_prompt_styles(html, {}) == html


@pytest.mark.sphinx("html", testroot="csp-content")
def test_the_prompt_page_holds_no_injected_markup(app: SphinxTestApp) -> None:
    app.build()
    page = (app.outdir / "prompt.html").read_text(encoding="utf-8")
    style = page.split('<style type="text/css">', 1)[1].split("</style>", 1)[0]
    assert "\\3c /style>\\3c script>" in style and "<" not in style
    assert "dataset.ran" not in "".join(INLINE.findall(page))


@pytest.mark.sphinx("html", testroot="csp-content", confoverrides={"hpccourse_csp": False})
def test_a_course_can_switch_the_policy_off(app: SphinxTestApp) -> None:
    app.build()
    assert "Content-Security-Policy" not in (app.outdir / "index.html").read_text("utf-8")


@pytest.mark.sphinx(
    "html", testroot="csp-content", confoverrides={"hpccourse_live_reload_hash": "'sha256-AA=='"}
)
def test_a_preview_build_allows_its_reload_script(app: SphinxTestApp) -> None:
    app.build()
    for name, text in pages(app.outdir).items():
        assert "'sha256-AA=='" in allowed(text), name


@pytest.mark.sphinx(
    "html",
    testroot="csp-content",
    srcdir="csp-misspelled",
    confoverrides={"hpccourse_csp_script_pages": ["widgest"]},
)
def test_a_misspelled_page_name_in_the_opt_in_is_a_warning(
    app: SphinxTestApp, warning: object
) -> None:
    app.build()
    text = warning.getvalue()  # type: ignore[attr-defined]
    assert "hpccourse_csp_script_pages names 'widgest', which is no page of the course" in text
    assert "widgets.rst:6: WARNING: a <script> in this page's HTML will not run" in text


@pytest.mark.sphinx("html", testroot="csp-theme")
def test_content_a_theme_shows_through_its_own_values_is_not_allowed(app: SphinxTestApp) -> None:
    """The skeleton cannot blank a theme's own values; the scripts found in pages' raw
    HTML are never allowed, wherever the page shows them."""
    app.build()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    script = 'document.documentElement.dataset.ran = "theme";'
    assert page.count(script) == 2  # in the body, and in the theme's own "summary"
    assert sha256(script) not in allowed(page)
