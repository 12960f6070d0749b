"""What the HTML pages get beside the doctree: static files and reader-side behaviour.

- :mod:`.assets`: the extension's ``static/`` files (CSS, JavaScript and the vendored
  Mermaid, ``static/mermaid/``), each served by the part using it;
- :mod:`.choice`: the reader's cluster choice across pages, and printouts;
- :mod:`.csp`: a Content-Security-Policy in every page, hashing its inline scripts;
- :mod:`.diagrams`: diagrams as inline SVG, rendered ahead of the build by
  :mod:`.diagramrender` (extension ``hpccourse.html.diagrams``; no Sphinx in
  :mod:`.diagramsvg` and :mod:`.diagramrender`);
- :mod:`.a11y`: fixes for sphinx-rtd-theme's contrast and landmarks (optional
  extension ``hpccourse.html.a11y``; with another theme it warns and does nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup_html(app: Sphinx) -> None:
    """Register the reader's cluster choice and the pages' Content-Security-Policy (the
    other parts are extensions of their own)."""
    from . import choice, csp

    choice.setup(app)
    csp.setup(app)
