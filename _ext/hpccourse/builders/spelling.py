"""The `spelling` builder, also checking link text, emphasis and tab labels.

sphinxcontrib-spelling checks text only directly inside paragraphs, titles,
list items and a few more, so a typo in a link's text ("the Rackham UPPAX
cluster") or a tab's label passed unseen. Literal text (inline literals, code,
console and prompt blocks) stays unchecked: commands are not prose.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinxcontrib.spelling.builder import SpellingBuilder


class CourseSpellingBuilder(SpellingBuilder):
    """SpellingBuilder over more of the prose's node types."""

    TEXT_NODES = SpellingBuilder.TEXT_NODES | {
        "reference",  # link text
        "emphasis",
        "strong",
        "rubric",
        "field_name",
        "button",  # sphinx-tabs' tab label (SphinxTabsTab)
    }


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the builder in place of sphinxcontrib-spelling's own."""
    app.setup_extension("sphinxcontrib.spelling")
    app.add_builder(CourseSpellingBuilder, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
