"""Accessibility fixes for sphinx_rtd_theme 3.1.0 pages, found by the axe gate.

An optional extension (``hpccourse.html.a11y``) that acts only when ``html_theme`` is
``sphinx_rtd_theme``: with another theme it warns once, at ``conf.py``, and does nothing
(no file served, no page changed).

- Toctree captions are ``<p role="heading">`` without ``aria-level`` (Sphinx's
  writer and the theme's sidebar): one is added, in the page body and in the
  sidebar's ``toctree()``.
- Colours below WCAG AA contrast (links, inline code, footer, the search
  header, note titles): ``a11y.css`` darkens them.
- A code block or table that scrolls sideways must be reachable by keyboard:
  ``a11y.js`` makes each one that overflows focusable.
- No way past the sidebar's links: ``templates/layout.html`` adds a skip link to the
  page's content, first in the Tab order.
- On a phone the off-canvas sidebar's links took Tab stops while hidden, and the menu
  button was an ``<i>``: ``a11y.css`` hides the closed sidebar (out of the Tab order),
  ``templates/layout.html`` makes the menu a ``<button>``, ``a11y.js`` keeps its
  ``aria-expanded`` true to the menu.
- Every admonition has the same "!" icon: ``a11y.css`` gives each kind its own, so the
  kind is not told by colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ..config import conf_location
from .assets import serve_static

logger = logging.getLogger(__name__)

#: The theme whose pages these fixes are for.
THEME = "sphinx_rtd_theme"
CAPTION = '<p class="caption" role="heading">'
FIXED_CAPTION = '<p class="caption" role="heading" aria-level="2">'
CSS_FILE = "a11y.css"
JS_FILE = "a11y.js"
TEMPLATES = Path(__file__).parent / "templates"


def fix_captions(html: str) -> str:
    """Give every toctree caption heading a level."""
    return html.replace(CAPTION, FIXED_CAPTION)


def _wrap_toctree(toctree: Callable[..., str]) -> Callable[..., str]:
    def fixed(*args: Any, **kwargs: Any) -> str:
        return fix_captions(toctree(*args, **kwargs))

    return fixed


def _on_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if isinstance(context.get("body"), str):
        context["body"] = fix_captions(context["body"])
    if callable(context.get("toctree")):
        context["toctree"] = _wrap_toctree(context["toctree"])


def _apply(app: Sphinx, config: Config) -> None:
    """On ``config-inited``: the fixes for the theme's pages, or a warning for another theme."""
    if config.html_theme != THEME:
        logger.warning(
            "hpccourse.html.a11y fixes %s pages only, but html_theme is %r: it does nothing "
            "(remove it from extensions)",
            THEME,
            config.html_theme,
            location=conf_location(app.confdir, __name__),
            type="hpccourse",
            subtype="a11y",
        )
        return
    serve_static(CSS_FILE, JS_FILE)(app, config)
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path.append(str(TEMPLATES))
    # After the theme's CSS.
    app.add_css_file(CSS_FILE, priority=900)
    app.add_js_file(JS_FILE, priority=900)
    app.connect("html-page-context", _on_page)


def setup(app: Sphinx) -> dict[str, Any]:
    """Apply the fixes once the configuration (the theme) is known."""
    app.connect("config-inited", _apply)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
