"""The lesson's mermaid diagrams render in a real browser, served or opened from disk.

Content facts of the lesson "Isolated environments": its three diagrams (diagrams/*.mmd)
and their node labels.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

# Each diagram's node labels (diagrams/*.mmd), as the reader sees them.
EXPECTED_NODES = {
    "isolated.mmd": {
        "Python",
        "combination of package versions",
        "virtual environment manager",
        "create isolated environments",
        "venv (with virtualenv)",
        "conda",
        "UPPMAX",
        "HPC2N",
    },
    "isolated_workflow.mmd": {"create", "activate", "use", "deactivate"},
    "isolated_workflow_vpyenv.mmd": {
        "Step 1: Load modules",
        "Step 2: Create",
        "Step 3: Activate",
        "Step 4: Install Python packages",
        "Step 5: Check installed packages",
        "Step 6: Use",
        "Step 7: Deactivate",
    },
}
RENDER_TIMEOUT_MS = 10_000

# Node labels of every diagram of the page, showing a closed tab's diagram
# by opening its tab (mermaid draws it when it becomes visible).
NODE_LABELS_JS = """
diagram => Array.from(diagram.querySelectorAll("svg g.node"))
    .map(node => node.textContent.trim())
"""


def rendered_diagrams(page: Page) -> list[set[str]]:
    """Render every diagram on ``page`` (opening closed tabs) and return its node labels."""
    diagrams = page.locator("pre.mermaid")
    assert diagrams.count() > 0, "no mermaid diagram on the page"
    labels = []
    for i in range(diagrams.count()):
        diagram = diagrams.nth(i)
        panel_tab = diagram.evaluate(
            """d => { const p = d.closest(".sphinx-tabs-panel[hidden]");
                      return p && p.getAttribute("aria-labelledby"); }"""
        )
        if panel_tab:
            page.locator(f'[id="{panel_tab}"]').click()
        diagram.scroll_into_view_if_needed()
        diagram.locator("svg g.node").first.wait_for(timeout=RENDER_TIMEOUT_MS)
        labels.append(set(diagram.evaluate(NODE_LABELS_JS)))
    return labels


def assert_all_three_diagrams(labels: list[set[str]]) -> None:
    for name, expected in EXPECTED_NODES.items():
        assert expected in labels, f"{name}: no diagram with nodes {sorted(expected)}: {labels}"
    unexpected = [nodes for nodes in labels if nodes not in EXPECTED_NODES.values()]
    assert not unexpected, f"diagrams with unexpected nodes: {unexpected}"


def test_every_diagram_renders_to_svg_with_its_node_labels(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/isolated.html")
    assert_all_three_diagrams(rendered_diagrams(page))


def test_diagrams_render_when_the_page_is_opened_from_disk(page: Page, site_html: Path) -> None:
    page.goto((site_html / "isolated.html").as_uri())
    assert_all_three_diagrams(rendered_diagrams(page))
