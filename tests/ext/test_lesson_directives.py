"""The lesson admonitions: objectives, instructor-note and keypoints."""

from __future__ import annotations

import re

import pytest
from sphinx.testing.util import SphinxTestApp


def _warnings(app: SphinxTestApp) -> str:
    return app.warning.getvalue()


def _admonitions(html: str) -> list[tuple[set[str], str, str]]:
    """(classes, id, title) of every admonition ``div``, in page order."""
    found = []
    pattern = (
        r'<div class="([^"]*)"(?: id="([^"]*)")?>\s*'
        r'<p class="admonition-title">(.*?)</p>'
    )
    for match in re.finditer(pattern, html):
        classes = set(match.group(1).split())
        if "admonition" in classes:
            found.append((classes, match.group(2) or "", match.group(3)))
    return found


@pytest.mark.sphinx("html", testroot="lesson-directives")
def test_html_gives_each_kind_its_own_admonition_class(app: SphinxTestApp) -> None:
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert _warnings(app) == ""
    objectives, note, keypoints = _admonitions(html)
    assert objectives == ({"admonition", "objectives"}, "", "Learning objectives")
    assert note[0] == {"admonition", "instructor-note"}
    assert keypoints == ({"admonition", "keypoints", "wide"}, "the-key-points", "Key points")


@pytest.mark.sphinx("html", testroot="lesson-directives")
def test_html_title_argument_is_parsed_inline_and_body_as_rst(app: SphinxTestApp) -> None:
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert (
        '<p class="admonition-title">Timing and <code class="docutils literal notranslate">'
        '<span class="pre">plan</span></code></p>'
    ) in html
    assert "<em>virtual</em>" in html
    assert '<a class="reference internal" href="#the-key-points">' in html


@pytest.mark.sphinx("html", testroot="lesson-directives")
def test_html_stylesheet_only_on_pages_with_a_lesson_admonition(app: SphinxTestApp) -> None:
    app.build()
    index = (app.outdir / "index.html").read_text(encoding="utf-8")
    plain = (app.outdir / "plain.html").read_text(encoding="utf-8")
    assert re.search(r'<link rel="stylesheet" type="text/css" href="_static/lesson\.css', index)
    assert "lesson.css" not in plain
    css = (app.outdir / "_static" / "lesson.css").read_text(encoding="utf-8")
    for kind in ("objectives", "instructor-note", "keypoints"):
        assert f".admonition.{kind}" in css


@pytest.mark.sphinx("text", testroot="lesson-directives")
def test_text_shows_title_and_body(app: SphinxTestApp) -> None:
    app.build()
    text = (app.outdir / "index.txt").read_text(encoding="utf-8")
    assert _warnings(app) == ""
    assert "Learning objectives: * create a *virtual* environment" in " ".join(text.split())
    assert "Timing and plan: Takes 3 minutes." in " ".join(text.split())
    assert "Key points: You have: * created an environment" in " ".join(text.split())


@pytest.mark.sphinx("latex", testroot="lesson-directives")
def test_latex_renders_them_as_sphinx_admonitions(app: SphinxTestApp) -> None:
    app.build()
    tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
    assert _warnings(app) == ""
    assert tex.count(r"\begin{sphinxadmonition}") == 3
    assert r"\begin{sphinxadmonition}{note}{Learning objectives}" in tex
    assert r"\begin{sphinxadmonition}{note}{Key points}" in tex


@pytest.mark.sphinx("html", testroot="lesson-broken")
def test_empty_directive_is_a_located_error_and_the_build_goes_on(app: SphinxTestApp) -> None:
    app.build()
    warnings = _warnings(app)
    assert re.search(r"index\.rst:4: ERROR: .*keypoints", warnings)
    assert "Traceback" not in warnings
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    assert "After the empty directive." in html
    assert [classes for classes, _, _ in _admonitions(html)] == [{"admonition", "objectives"}]
