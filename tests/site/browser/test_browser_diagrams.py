"""The lesson's diagrams in a real browser: inline SVG drawn ahead of the build, no script.

Readable served or opened from disk, without JavaScript and on a phone (text at least
9 px), and the lesson page with everything it loads stays under 1 MB.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browserkit import Browsing
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[3]
LESSON = "isolated.html"
PAGE_BUDGET = 1_000_000  # bytes: the page and everything it loads
MIN_TEXT_PX = 9.0
PHONE = {"width": 390, "height": 844}

# Node labels of one diagram as the reader sees them (wrapped lines joined by a space).
NODE_LABELS_JS = """
svg => Array.from(svg.querySelectorAll("g.node")).map(node =>
    Array.from(node.querySelectorAll("tspan.text-outer-tspan"))
        .map(line => line.textContent.trim()).join(" ").replace(/\\s+/g, " "))
"""
# The smallest on-screen font size of the diagrams' text, in CSS pixels.
SMALLEST_TEXT_JS = """
() => Math.min(...Array.from(document.querySelectorAll("figure.diagram svg text"))
    .filter(text => text.getClientRects().length > 0)
    .map(text => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a))
"""


def source_labels() -> dict[str, set[str]]:
    """Each diagram's node labels, read from its source (``id[label]``, ``id["label"]``)."""
    labels = {}
    for source in sorted((ROOT / "diagrams").glob("*.mmd")):
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


def assert_every_diagram(labels: list[set[str]]) -> None:
    expected = source_labels()
    for name, nodes in expected.items():
        assert nodes in labels, f"{name}: no diagram with nodes {sorted(nodes)}: {labels}"
    unexpected = [nodes for nodes in labels if nodes not in expected.values()]
    assert not unexpected, f"diagrams with unexpected nodes: {unexpected}"


def test_every_diagram_shows_with_its_node_labels(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/{LESSON}")
    open_closed_tabs(page)
    assert_every_diagram(shown_diagrams(page))


def test_diagrams_show_when_the_page_is_opened_from_disk(page: Page, site_html: Path) -> None:
    page.goto((site_html / LESSON).as_uri())
    open_closed_tabs(page)
    assert_every_diagram(shown_diagrams(page))


def test_diagrams_are_readable_without_javascript(browsing: Browsing, site_url: str) -> None:
    page = browsing.new_context(java_script_enabled=False).new_page()
    page.goto(f"{site_url}/{LESSON}")
    assert_every_diagram(shown_diagrams(page))
    assert "flowchart TD" not in page.locator("body").inner_text()


def test_diagrams_are_accessible_images_named_by_their_alt_text(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/{LESSON}")
    svgs = page.locator("figure.diagram svg")
    for i in range(svgs.count()):
        svg = svgs.nth(i)
        assert svg.get_attribute("role") == "img"
        name = page.locator(f'[id="{svg.get_attribute("aria-labelledby")}"]').text_content()
        desc = page.locator(f'[id="{svg.get_attribute("aria-describedby")}"]').text_content()
        assert name and desc and desc.startswith(name.rstrip("."))
        assert len(desc.split()) >= 5, desc


def test_no_diagram_script_and_the_page_weighs_under_1_mb(page: Page, site_url: str) -> None:
    sizes: dict[str, int] = {}
    page.on("requestfinished", lambda request: sizes.__setitem__(request.url, 0))
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto(f"{site_url}/{LESSON}", wait_until="networkidle")
    scripts = page.evaluate("() => Array.from(document.scripts).map(s => s.src)")
    assert not [src for src in scripts if "mermaid" in src.lower()], scripts
    total = sum(sizes.values())
    print(f"{LESSON}: {len(sizes)} files, {total} bytes")
    assert total <= PAGE_BUDGET, f"{total} bytes: {sorted(sizes.items(), key=lambda x: -x[1])}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_diagram_text_is_at_least_9_px_on_a_phone(
    browsing: Browsing, site_url: str, javascript: bool
) -> None:
    context = browsing.new_context(viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{site_url}/{LESSON}")
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


def test_diagrams_print_whole(page: Page, site_url: str) -> None:
    page.emulate_media(media="print")
    page.goto(f"{site_url}/{LESSON}")
    widths = page.evaluate(
        """() => Array.from(document.querySelectorAll("figure.diagram svg"))
            .map(svg => [svg.getBoundingClientRect().width,
                         svg.closest("figure").getBoundingClientRect().width])"""
    )
    assert widths and all(0 < svg <= figure + 0.5 for svg, figure in widths), widths
