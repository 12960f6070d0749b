"""The teachers' table of check codes fits a 1366-pixel screen: its cells wrap."""

from __future__ import annotations

from playwright.sync_api import Page

PAGE = "teachers.html"

# For the table of codes: how far its widest row runs past the table's box, and whether
# the box scrolls sideways.
OVERFLOW_JS = """
() => {
  const table = document.querySelector("table.wrap-cells");
  if (!table) return null;
  const box = table.closest(".wy-table-responsive") || table.parentElement;
  const right = box.getBoundingClientRect().right;
  const cells = Array.from(table.querySelectorAll("td, th"));
  return {
    cells: cells.length,
    past: Math.max(...cells.map(c => c.getBoundingClientRect().right - right)),
    scrolls: box.scrollWidth > box.clientWidth + 1,
  };
}
"""


def test_the_table_of_codes_wraps_on_a_1366_pixel_screen(page: Page, site_url: str) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{site_url}/{PAGE}")
    found = page.evaluate(OVERFLOW_JS)
    assert found is not None, "no table with class wrap-cells on the teachers' page"
    assert found["cells"] > 3 * 15  # a row per code, three columns
    assert found["past"] <= 1, found
    assert not found["scrolls"], found
