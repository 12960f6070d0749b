"""The reader's stylesheets: ``reader.css`` on every page, ``copybutton-visible.css`` where
there is code.

``reader.css`` keeps inline code from breaking at hyphens and lets tables in the
content wrap (no cut-off last column); ``copybutton-visible.css`` shows sphinx-copybutton's
button on touch screens and on keyboard focus (it shows only on mouse hover).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from .assets import serve_static

READER_CSS = "reader.css"
# Not "copybutton.css": that is sphinx-copybutton's own file.
COPY_CSS = "copybutton-visible.css"
# After sphinx-copybutton's copybutton.css (priority 500).
PRIORITY = 600


def _add_css(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    app.add_css_file(READER_CSS, priority=PRIORITY)
    if doctree is not None and doctree.next_node(nodes.literal_block) is not None:
        app.add_css_file(COPY_CSS, priority=PRIORITY)


def setup(app: Sphinx) -> None:
    """Serve the stylesheets and add them to the pages."""
    app.connect("config-inited", serve_static(READER_CSS, COPY_CSS))
    app.connect("html-page-context", _add_css)
