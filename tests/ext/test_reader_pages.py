"""What a page gives its reader beside the lesson: the solution box, the provenance line
(build date, version, licence, edit link) and Next/Previous kept within the learners'
pages. The testroot is copied outside any git repository: no version is known there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils import nodes
from hpccourse.html.pageinfo import build_date
from hpccourse.table import load_table
from sphinx.testing.util import SphinxTestApp
from sphinx_tabs.tabs import SphinxTabsTab

EDIT = "https://example.org/course/edit/main/{path}"


def _html(app: SphinxTestApp, page: str) -> str:
    return (app.outdir / f"{page}.html").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="reader-pages")
def test_a_solution_is_a_closed_details_box_with_its_title(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    html = _html(app, "first")
    boxes = re.findall(r'<details class="solution">\s*<summary>(.*?)</summary>', html)
    assert boxes == ["Answer", "Hint &lt;b&gt;bold&lt;/b&gt;"]
    assert " open" not in re.search(r"<details[^>]*>", html).group(0)
    # The task stays outside, the answer inside.
    task = html.index("Make a folder called")
    assert task < html.index("<details") < html.index("highlight-console")
    assert "lesson.css" in html


@pytest.mark.sphinx("text", testroot="reader-pages")
def test_other_writers_show_the_answer(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    assert "$ mkdir work" in (app.outdir / "first.txt").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="reader-pages")
def test_every_page_says_its_date_and_licence_and_no_version_without_git(
    app: SphinxTestApp,
) -> None:
    app.build()
    for page in ("index", "first", "last", "teachers"):
        info = re.search(r'<div class="hpccourse-pageinfo">(.*?)</div>', _html(app, page))
        assert info, page
        assert f"Built on {build_date()}." in info.group(1)
        assert "from version" not in info.group(1)  # the copied testroot is no repository
        assert 'rel="license" href="https://creativecommons.org/licenses/by/4.0/"' in info.group(1)
        assert "Edit this page" not in info.group(1)  # no edit address configured


@pytest.mark.sphinx(
    "html",
    testroot="reader-pages",
    confoverrides={"hpccourse_edit_url": EDIT, "hpccourse_source_version": "v1.2-3-gabc"},
)
def test_an_edit_address_gives_each_page_a_link_to_its_source(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    html = _html(app, "first")
    assert (
        '<a class="hpccourse-edit" href="https://example.org/course/edit/main/first.rst">' in html
    )
    assert 'from version <span class="hpccourse-version">v1.2-3-gabc</span>' in html


@pytest.mark.sphinx(
    "html", testroot="reader-pages", confoverrides={"hpccourse_edit_url": "edit/{nothing}"}
)
def test_an_edit_address_without_path_is_a_located_warning(app: SphinxTestApp) -> None:
    app.build()
    warnings = app.warning.getvalue()
    assert "conf.py" in warnings and "hpccourse_edit_url must be an http(s) address" in warnings
    assert "Edit this page" not in _html(app, "first")


def test_the_build_date_follows_source_date_epoch() -> None:
    assert build_date({"SOURCE_DATE_EPOCH": "0"}) == "1970-01-01"


def _rel(html: str, rel: str) -> str | None:
    match = re.search(rf'<link rel="{rel}" title="[^"]*" href="([^"]*)"', html)
    return match.group(1) if match else None


@pytest.mark.sphinx("html", testroot="reader-pages")
def test_next_and_previous_never_cross_between_lessons_and_teacher_pages(
    app: SphinxTestApp,
) -> None:
    app.build()
    assert _rel(_html(app, "first"), "next") == "last.html"  # within the lessons: kept
    last = _html(app, "last")
    assert _rel(last, "prev") == "first.html"
    assert _rel(last, "next") is None
    # The theme's own "next" link (alabaster: the sidebar's "Next topic") is gone too.
    assert 'title="next chapter"' not in last
    assert 'title="next chapter"' in _html(app, "first")
    teachers = _html(app, "teachers")
    assert _rel(teachers, "prev") is None


@pytest.mark.sphinx("html", testroot="cluster-two", srcdir="reader-same-step")
def test_a_step_the_same_on_every_cluster_is_one_plain_block_that_says_so(app) -> None:
    """Shown once, said to be the same everywhere; each cluster's block still in the doctree
    for the checkers; a step that differs keeps its tabs."""
    app.build()
    doctree = app.env.get_doctree("index")
    same = [
        c for c in doctree.findall(nodes.container) if "hpccourse-same-everywhere" in c["classes"]
    ]
    assert same
    clusters = [c.key for c in load_table(Path(app.srcdir, "clusters.toml")).clusters]
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    for box in same:
        blocks = [b for b in box.findall(nodes.literal_block) if "hpc_cluster" in b]
        assert [b["hpc_cluster"] for b in blocks] == clusters
        assert len({b.astext() for b in blocks}) == 1
        assert not list(box.findall(SphinxTabsTab))
    # Written once, under its label, in no tab.
    parts = html.split('class="hpccourse-same-everywhere')[1:]
    assert len(parts) == len(same)
    for part in parts:
        shown = re.split(r'class="sphinx-tabs|</section>', part, maxsplit=1)[0]
        assert "The same on every cluster:" in shown
        assert shown.count("<pre>") == 1
    assert '<div class="sphinx-tabs' in html  # steps that differ keep their tabs


@pytest.mark.sphinx(
    "html",
    testroot="cluster-two",
    srcdir="reader-loading",
    confoverrides={
        "extensions": ["hpccourse", "sphinx_copybutton"],
        "html_theme": "sphinx_rtd_theme",
    },
)
def test_a_theme_page_paints_early_scripts_deferred_one_small_stylesheet(app) -> None:
    """sphinx_rtd_theme pages: no script in the head blocks (jQuery and theme.js at the
    end of the body, before the theme's call), the small stylesheets after the theme's
    served as one file holding them, system fonts where the theme asks for Lato."""
    app.build()
    page = (app.outdir / "index.html").read_text(encoding="utf-8")
    head = page[: page.index("</head>")]
    blocking = re.findall(r"<script(?![^>]*\b(?:defer|async)\b)[^>]*\bsrc=\"([^\"]+)\"", head)
    assert not blocking, blocking
    end = page[page.index("</body>") - 2000 :]
    assert re.search(
        r'<script src="_static/jquery\.js[^"]*"></script>\s*<script src="_static/js/theme\.js"',
        page,
    )
    assert page.index("_static/js/theme.js") < page.index("SphinxRtdTheme.Navigation.enable")
    assert "theme.js" in end
    sheets = re.findall(
        r'<link (?![^>]*media="print")[^>]*rel="stylesheet"[^>]*href="([^"?]+)', head
    )
    bundles = [s for s in sheets if re.fullmatch(r"_static/hpccourse-[0-9a-f]{12}\.css", s)]
    assert len(bundles) == 1 and len(sheets) <= 3, sheets  # pygments, theme, the bundle
    bundle = (app.outdir / bundles[0]).read_text(encoding="utf-8")
    for part in ("copybutton.css", "tabs.css", "tabchoice.css", "reader.css", "fonts.css"):
        assert f"/* _static/{part} */" in bundle, part
    fonts = bundle.split("/* _static/fonts.css */")[1].split("/* _static/")[0]
    assert "font-family: system-ui" in fonts and ".sphinx-tabs .sphinx-tabs-tab" in fonts
