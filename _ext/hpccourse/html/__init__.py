"""What the HTML pages get beside the doctree: static files and reader-side behaviour.

- :mod:`.assets`: the extension's ``static/`` files (CSS, JavaScript and the vendored
  Mermaid, ``static/mermaid/``), each served by the part using it;
- :mod:`.choice`: the reader's cluster choice across pages (the chooser after the
  title), and printouts;
- :mod:`.styles`: the reader's stylesheets (inline code, tables, copy buttons);
- :mod:`.loading`: scripts deferred and the system's fonts, so a page paints early on a
  slow phone (sphinx_rtd_theme pages);
- :mod:`.pageinfo`: each page's build date, source version, licence and edit link;
- :mod:`.consolelexer`: the ``console`` lexer: prompts, commands and output, a line typed
  into another program marked so that the copy button leaves it out;
- :mod:`.sequence`: "Next" and "Previous" never cross from lessons to teacher pages;
- :mod:`.freshness`: no page left stale by an interrupted build or a new toctree entry;
- :mod:`.pagewrite`: each page written whole (a temporary file, then renamed);
- :mod:`.livebanner`: in the live preview, the build's problems in a banner on the page, above
  its last good output;
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
    """Register what every page gets (diagrams and a11y are extensions of their own)."""
    from . import choice, csp, freshness, livebanner, loading, pageinfo, sequence, styles
    from .consolelexer import CourseConsoleLexer

    app.add_lexer("console", CourseConsoleLexer)
    choice.setup(app)
    styles.setup(app)
    pageinfo.setup(app)
    sequence.setup(app)
    freshness.setup(app)
    livebanner.setup(app)
    csp.setup(app)
    loading.setup(app)
