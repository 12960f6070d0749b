"""What the HTML pages get beside the doctree: static files and reader-side behaviour.

- :mod:`.assets`: the extension's ``static/`` files, each served by the part using it;
- :mod:`.choice`: the reader's cluster choice across pages, and printouts;
- :mod:`.diagrams`: Mermaid served from the site itself (extension
  ``hpccourse.html.diagrams``);
- :mod:`.a11y`: fixes for sphinx-rtd-theme's contrast and landmarks (optional
  extension ``hpccourse.html.a11y``; with another theme it warns and does nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_html(app: Sphinx) -> None:
    """Register the reader's cluster choice (the other parts are extensions of their own)."""
    from . import choice

    choice.setup(app)
