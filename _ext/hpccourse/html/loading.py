"""A lesson page that paints early on a slow phone: scripts deferred, no web fonts.

For sphinx_rtd_theme pages (elsewhere it does nothing):

- every script file the page lists (``script_files``) is deferred, so none blocks the first
  paint; jQuery and the theme's ``theme.js``, which the theme's own inline script at the end
  of the page calls, load just before it, at the end of the body
  (``templates/versions.html``, the theme's include at that place), where they block
  nothing painted above them;
- ``fonts.css`` sets the system's fonts where the theme asks for Lato and Roboto Slab
  (513 KB of web fonts a page then never downloads).
"""

from __future__ import annotations

import os
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html._assets import _JavaScript
from sphinx.config import Config

from .assets import serve_static

THEME = "sphinx_rtd_theme"
FONTS_CSS = "fonts.css"
#: Loaded at the end of the body, in this order, by ``templates/versions.html``.
AT_THE_END = ("jquery.js",)
# After every other listener that adds scripts.
PRIORITY = 900


def deferred(script: _JavaScript) -> _JavaScript:
    """``script`` loaded with ``defer`` (inline, async and deferred scripts unchanged)."""
    attributes = dict(script.attributes)
    if not script.filename or {"async", "defer"} & attributes.keys():
        return script
    attributes["defer"] = "defer"
    return _JavaScript(script.filename, priority=script.priority, **attributes)


def split_scripts(scripts: list[Any]) -> tuple[list[Any], list[Any]]:
    """(the head's scripts, deferred; the scripts moved to the end of the body)."""
    head, end = [], []
    for script in scripts:
        name = os.path.basename(os.fspath(getattr(script, "filename", script) or ""))
        if name in AT_THE_END:
            end.append(script)
        elif isinstance(script, _JavaScript):
            head.append(deferred(script))
        else:
            head.append(script)
    return head, end


def _on_page(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    scripts = context.get("script_files")
    # The search page's template adds searchtools.js after these, undeferred, and it
    # calls doctools.js at once: that page keeps its scripts as they are.
    if templatename == "search.html":
        context["hpccourse_end_scripts"] = []
        return
    if isinstance(scripts, list):
        context["script_files"], context["hpccourse_end_scripts"] = split_scripts(scripts)


def _apply(app: Sphinx, config: Config) -> None:
    if config.html_theme != THEME:
        return
    from .a11y import TEMPLATES

    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.append(str(TEMPLATES))
    serve_static(FONTS_CSS)(app, config)
    app.add_css_file(FONTS_CSS, priority=PRIORITY)
    app.connect("html-page-context", _on_page, priority=PRIORITY)


def setup(app: Sphinx) -> None:
    """Defer the scripts and use the system's fonts, on the theme's pages."""
    app.connect("config-inited", _apply)
