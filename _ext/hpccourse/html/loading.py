"""A lesson page that paints early on a slow phone: scripts deferred, no web fonts.

For sphinx_rtd_theme pages (elsewhere it does nothing):

- every script file the page lists (``script_files``) is deferred, so none blocks the first
  paint; jQuery and the theme's ``theme.js``, which the theme's own inline script at the end
  of the page calls, load just before it, at the end of the body
  (``templates/versions.html``, the theme's include at that place), where they block
  nothing painted above them;
- ``fonts.css`` sets the system's fonts where the theme asks for Lato and Roboto Slab
  (513 KB of web fonts a page then never downloads);
- the small stylesheets after the theme's (sphinx-tabs', sphinx-copybutton's and this
  extension's, up to ten) are served as one file, ``_static/hpccourse-NNNN.css``, made from
  them as copied to the build: a browser opens at most six connections to a host, so ten
  files cost a slow phone a second round trip (about 0.6 s on slow 4G) before the first
  paint. The optional a11y extension's stylesheet keeps its own file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript
from sphinx.config import Config

from .assets import serve_static

THEME = "sphinx_rtd_theme"
FONTS_CSS = "fonts.css"
#: Loaded at the end of the body, in this order, by ``templates/versions.html``.
AT_THE_END = ("jquery.js",)
# After every other listener that adds scripts.
PRIORITY = 900
THEME_CSS = "_static/css/theme.css"
#: Stylesheets kept as files of their own (an optional extension's, checked as such).
KEEP_LINKED = ("_static/a11y.css",)
BUNDLE_PREFIX = "hpccourse-"


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


def _bundled(sheet: object, outdir: Path) -> bool:
    """Whether ``sheet`` goes into the bundle: a screen stylesheet directly in ``_static``."""
    if not isinstance(sheet, _CascadingStyleSheet):
        return False
    name = os.fspath(sheet.filename)
    attributes = sheet.attributes
    return (
        name.startswith("_static/")
        and name.count("/") == 1
        and name not in KEEP_LINKED
        and attributes.get("rel") == "stylesheet"
        and attributes.get("media", "all") in ("all", "screen")
        and not attributes.get("title")
        and (outdir / name).is_file()
    )


def bundle_css(sheets: list[Any], outdir: Path) -> list[Any]:
    """``sheets`` with those after the theme's stylesheet that :func:`_bundled` takes
    replaced by one file holding them in order (written to ``outdir`` once per content)."""
    names = [os.fspath(getattr(s, "filename", "")) for s in sheets]
    if THEME_CSS not in names:
        return sheets
    after = names.index(THEME_CSS) + 1
    taken = [s for s in sheets[after:] if _bundled(s, outdir)]
    if len(taken) < 2:
        return sheets
    parts = [
        f"/* {os.fspath(s.filename)} */\n" + (outdir / s.filename).read_text(encoding="utf-8")
        for s in taken
    ]
    text = "\n".join(parts)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    name = f"_static/{BUNDLE_PREFIX}{digest}.css"
    target = outdir / name
    if not target.is_file():  # parallel writers: each writes whole, then renames
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=target.parent, delete=False, suffix=".tmp"
        ) as file:
            file.write(text)
        os.replace(file.name, target)
    bundle = _CascadingStyleSheet(name, priority=taken[0].priority)
    rest = [s for s in sheets[after:] if not any(s is t for t in taken)]
    return [*sheets[:after], bundle, *rest]


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
    sheets = context.get("css_files")
    if isinstance(sheets, list):
        context["css_files"] = bundle_css(sheets, Path(app.builder.outdir))


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
