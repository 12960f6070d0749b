"""The lesson's diagrams in a real browser: inline SVG drawn ahead of the build, no script.

Readable served or opened from disk, without JavaScript and on a phone (text at least
9 px); a diagram shown again on a page is a ``<use>`` of its first drawing. The pages and
diagram sources are those of the site given (``--site-dir``); the page's weight is
tests/site/browser/test_page_budget.py's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browserkit import Browsing
from playwright.sync_api import Page
from sitekit import BuiltSite

MIN_TEXT_PX = 9.0
PHONE = {"width": 390, "height": 844}

# Node labels of one diagram as the reader sees them (wrapped lines joined by a space); a
# diagram shown again draws its first showing's nodes (<use>).
NODE_LABELS_JS = """
svg => Array.from((svg.querySelector(":scope > use")
                   ? document.getElementById(svg.querySelector(":scope > use")
                                                .getAttribute("href").slice(1))
                   : svg).querySelectorAll("g.node")).map(node =>
    Array.from(node.querySelectorAll("tspan.text-outer-tspan"))
        .map(line => line.textContent.trim()).join(" ").replace(/\\s+/g, " "))
"""
# The smallest on-screen font size of the diagrams' text, in CSS pixels.
SMALLEST_TEXT_JS = """
() => Math.min(...Array.from(document.querySelectorAll("figure.diagram svg text"))
    .filter(text => text.getClientRects().length > 0)
    .map(text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a))
"""


@pytest.fixture(scope="module")
def lesson(site: BuiltSite) -> str:
    """The page with the most diagrams."""
    counts = {p: site.page_html(p).count('<figure class="diagram') for p in site.pages}
    best = max(counts, key=lambda p: counts[p])
    assert counts[best], "no page shows a diagram"
    return f"{best}.html"


@pytest.fixture(scope="module")
def diagram_sources(site: BuiltSite, lesson: str) -> list[Path]:
    """The diagram sources the lesson page shows (``.. mermaid:: PATH``)."""
    docname = lesson.removesuffix(".html")
    here = site.source(docname).parent
    paths = {
        site.srcdir / arg[1:] if arg.startswith("/") else here / arg
        for arg in site.uses(docname, "mermaid")
    }
    return sorted(paths)


def source_labels(sources: list[Path]) -> dict[str, set[str]]:
    """Each diagram's node labels, read from its source (``id[label]``, ``id["label"]``)."""
    labels = {}
    assert sources, "no diagram source"
    for source in sources:
        text = source.read_text(encoding="utf-8")
        found = re.findall(r"^\s*\w+\[\"?([^\]\"]+)\"?\]\s*$", text, re.MULTILINE)
        labels[source.name] = {" ".join(label.split()) for label in found}
    assert all(labels.values()), labels
    return labels


def open_closed_tabs(page: Page) -> None:
    """Show every diagram that sits in a closed tab, by opening its tab."""
    for tab in page.evaluate(
        """() => Array.from(document.querySelectorAll("figure.diagram"))
            .map(d => d.closest(".sphinx-tabs-panel[hidden]"))
            .filter(Boolean).map(p => p.getAttribute("aria-labelledby"))"""
    ):
        page.locator(f'[id="{tab}"]').click()


def shown_diagrams(page: Page) -> list[set[str]]:
    svgs = page.locator("figure.diagram svg")
    assert svgs.count() > 0, "no diagram on the page"
    out = []
    for i in range(svgs.count()):
        svg = svgs.nth(i)
        box = svg.bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 50, box
        out.append(set(svg.evaluate(NODE_LABELS_JS)))
    return out


def assert_every_diagram(labels: list[set[str]], sources: list[Path]) -> None:
    expected = source_labels(sources)
    for name, nodes in expected.items():
        assert nodes in labels, f"{name}: no diagram with nodes {sorted(nodes)}: {labels}"
    unexpected = [nodes for nodes in labels if nodes not in expected.values()]
    assert not unexpected, f"diagrams with unexpected nodes: {unexpected}"


def test_every_diagram_shows_with_its_node_labels(
    page: Page, site_url: str, lesson: str, diagram_sources: list[Path]
) -> None:
    page.goto(f"{site_url}/{lesson}")
    open_closed_tabs(page)
    assert_every_diagram(shown_diagrams(page), diagram_sources)


def test_diagrams_show_when_the_page_is_opened_from_disk(
    page: Page, site_html: Path, lesson: str, diagram_sources: list[Path]
) -> None:
    page.goto((site_html / lesson).as_uri())
    open_closed_tabs(page)
    assert_every_diagram(shown_diagrams(page), diagram_sources)


def test_diagrams_are_readable_without_javascript(
    browsing: Browsing, site_url: str, lesson: str, diagram_sources: list[Path]
) -> None:
    page = browsing.new_context(java_script_enabled=False).new_page()
    page.goto(f"{site_url}/{lesson}")
    assert_every_diagram(shown_diagrams(page), diagram_sources)
    assert "flowchart TD" not in page.locator("body").inner_text()


def test_diagrams_are_accessible_images_named_by_their_alt_text(
    page: Page, site_url: str, lesson: str
) -> None:
    page.goto(f"{site_url}/{lesson}")
    svgs = page.locator("figure.diagram svg")
    for i in range(svgs.count()):
        svg = svgs.nth(i)
        assert svg.get_attribute("role") == "img"
        name = page.locator(f'[id="{svg.get_attribute("aria-labelledby")}"]').text_content()
        desc = page.locator(f'[id="{svg.get_attribute("aria-describedby")}"]').text_content()
        assert name and desc and desc.startswith(name.rstrip("."))
        assert len(desc.split()) >= 5, desc


def test_no_diagram_script_and_each_drawing_is_on_the_page_once(
    page: Page, site_url: str, lesson: str, diagram_sources: list[Path]
) -> None:
    page.goto(f"{site_url}/{lesson}")
    scripts = page.evaluate("() => Array.from(document.scripts).map(s => s.src)")
    assert not [src for src in scripts if "mermaid" in src.lower()], scripts
    drawings = page.evaluate(
        """() => Array.from(document.querySelectorAll("figure.diagram svg"))
            .map(svg => svg.querySelector(":scope > use") ? "use" : "drawn")"""
    )
    assert drawings.count("drawn") == len(diagram_sources), drawings


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_diagram_text_is_at_least_9_px_on_a_phone(
    browsing: Browsing, site_url: str, lesson: str, javascript: bool
) -> None:
    context = browsing.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{site_url}/{lesson}")
    if javascript:
        open_closed_tabs(page)
    smallest = page.evaluate(SMALLEST_TEXT_JS)
    assert smallest >= MIN_TEXT_PX, f"diagram text drawn at {smallest:.1f} px on a phone"
    rights = page.evaluate(
        """() => Array.from(document.querySelectorAll("figure.diagram svg"))
            .filter(svg => svg.getClientRects().length > 0)
            .map(svg => svg.getBoundingClientRect().right)"""
    )
    assert rights and max(rights) <= PHONE["width"], f"a diagram is cut on a phone: {rights}"


def test_diagrams_print_whole(page: Page, site_url: str, lesson: str) -> None:
    page.emulate_media(media="print")
    page.goto(f"{site_url}/{lesson}")
    widths = page.evaluate(
        """() => Array.from(document.querySelectorAll("figure.diagram svg"))
            .map(svg => [svg.getBoundingClientRect().width,
                         svg.closest("figure").getBoundingClientRect().width])"""
    )
    assert widths and all(0 < svg <= figure + 0.5 for svg, figure in widths), widths


def test_a_search_word_highlighted_on_the_diagrams_page_raises_no_error(
    page: Page, site_url: str, lesson: str
) -> None:
    """sphinx_highlight marks a search's words on the page it opens, SVG text included; a
    diagram's <title>, <desc> and <style> have no getBBox(): they are left alone (the
    ``page`` fixture fails the test on any error on the console)."""
    page.goto(f"{site_url}/{lesson}")
    word = page.evaluate(
        """() => document.querySelector("figure.diagram svg title").textContent
                   .split(/[^A-Za-z]+/).find(w => w.length > 4)"""
    )
    assert word, "no word in the diagram's title"
    page.goto(f"{site_url}/{lesson}?highlight={word.lower()}")
    marked = page.locator("span.highlighted, figure.diagram rect.highlighted")
    marked.first.wait_for(state="attached")
    assert marked.count() > 0
