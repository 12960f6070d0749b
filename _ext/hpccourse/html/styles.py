"""The reader's stylesheets: ``reader.css`` on every page, ``copybutton-visible.css`` and
``copyhint.js`` where there is code.

``reader.css`` keeps inline code from breaking at hyphens and lets tables in the
content wrap (no cut-off last column); ``copybutton-visible.css`` shows sphinx-copybutton's
button on touch screens and on keyboard focus (it shows only on mouse hover), keeps the
code clear of it and wraps long lines; ``copyhint.js`` says, when a copied command still
holds a placeholder, what to replace. A site without ``html_favicon`` gets the course's
small ``favicon.svg`` (no ``favicon.ico`` 404 on every page).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from .assets import STATIC_DIR, serve_static

READER_CSS = "reader.css"
# Not "copybutton.css": that is sphinx-copybutton's own file.
COPY_CSS = "copybutton-visible.css"
COPY_HINT = "copyhint.js"
FAVICON = "favicon.svg"
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
        app.add_js_file(COPY_HINT, priority=PRIORITY, loading_method="defer")


def _favicon(app: Sphinx, config: Config) -> None:
    if not config.html_favicon:
        config.html_favicon = str(STATIC_DIR / FAVICON)


def setup(app: Sphinx) -> None:
    """Serve the stylesheets and add them to the pages."""
    app.connect("config-inited", _favicon)
    app.connect("config-inited", serve_static(READER_CSS, COPY_CSS, COPY_HINT))
    app.connect("html-page-context", _add_css)
