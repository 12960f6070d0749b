"""Mermaid diagrams served by the site itself, never a CDN.

sphinxcontrib-mermaid injects an ES-module script that imports mermaid from a
CDN (or from ``mermaid_use_local``). ES modules do not load from ``file://``,
so a site opened from disk would show no diagrams. This extension replaces
that script: on pages with a diagram it adds the vendored *classic* build
and a small classic init script, ``mermaid-init.js``. The package ships that
build, pinned (``static/mermaid/``: the file, its LICENSE and a manifest with
version and checksums), and serves it unless ``mermaid_use_local`` names another
copy under ``html_static_path``. An extension of its own,
``hpccourse.html.diagrams``: it sets up ``sphinxcontrib.mermaid`` first.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.fileutil import copy_asset
from sphinxcontrib import mermaid as sphinx_mermaid

from .assets import STATIC_DIR, serve_static

logger = logging.getLogger(__name__)

INIT_SCRIPT = "mermaid-init.js"
DIAGRAM_CSS = "diagrams.css"
#: The package's own copy, under the static folder it serves (``make mermaid`` refreshes it).
PACKAGED_MERMAID = "mermaid/mermaid.min.js"


def _drop_cdn_loader(app: Sphinx) -> None:
    """Disconnect sphinxcontrib-mermaid's own script injection."""
    for listener in list(app.events.listeners.get("html-page-context", [])):
        if listener.handler is sphinx_mermaid.install_js:
            app.disconnect(listener.id)


def _default_to_packaged_copy(app: Sphinx, config: Config) -> None:
    """An unset ``mermaid_use_local`` means the copy this package ships."""
    if not config.mermaid_use_local:
        config.mermaid_use_local = PACKAGED_MERMAID


def _copy_packaged_copy(app: Sphinx, exc: BaseException | None) -> None:
    """Copy the packaged Mermaid folder (file, LICENSE, manifest) to ``_static/mermaid/``
    of an HTML build that uses it (a folder in ``html_static_path`` would lose its name)."""
    if exc is not None or app.builder.format != "html":
        return
    if app.config.mermaid_use_local != PACKAGED_MERMAID:
        return
    copy_asset(STATIC_DIR / "mermaid", Path(app.outdir, "_static", "mermaid"))


def _check_local_copy(app: Sphinx, config: Config) -> None:
    """Warn, once, when the vendored mermaid file is not configured or missing."""
    if config.mermaid_output_format != "raw":
        return
    local = config.mermaid_use_local
    if not local or local.startswith(("http://", "https://", "//")):
        logger.warning(
            "mermaid_use_local must name a vendored mermaid.min.js under html_static_path, "
            "or be unset for the packaged copy (got %r); diagrams will not render",
            local,
            type="hpccourse",
            subtype="mermaid",
        )
        return
    if local == PACKAGED_MERMAID and (STATIC_DIR / PACKAGED_MERMAID).is_file():
        return
    for static in config.html_static_path:
        if Path(app.confdir, static, local).is_file():
            return
    logger.warning(
        "vendored mermaid %r not found under html_static_path; unset mermaid_use_local "
        "for the packaged copy, or run `make mermaid`",
        local,
        type="hpccourse",
        subtype="mermaid",
    )


def _install_js(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    """On pages with a diagram: the local mermaid, its settings, the init script."""
    config = app.config
    if config.mermaid_output_format != "raw" or doctree is None:
        return
    if doctree.next_node(sphinx_mermaid.mermaid) is None:
        return
    local = config.mermaid_use_local
    if not local or local.startswith(("http://", "https://", "//")):
        return  # reported once by _check_local_copy
    settings = {**config.mermaid_init_config, "startOnLoad": False}
    settings.setdefault("theme", config.mermaid_light_theme)
    priority = config.mermaid_js_priority
    app.add_js_file(local, priority=priority)
    body = "window.hpccourseMermaidConfig = " + json.dumps(settings).replace("<", "\\u003c") + ";"
    app.add_js_file(None, body=body, priority=priority)
    app.add_js_file(INIT_SCRIPT, priority=priority)
    app.add_css_file(DIAGRAM_CSS)


def setup(app: Sphinx) -> dict[str, Any]:
    """Replace sphinxcontrib-mermaid's CDN loader with the packaged (or the site's) copy."""
    app.setup_extension("sphinxcontrib.mermaid")
    _drop_cdn_loader(app)
    app.connect("config-inited", serve_static(INIT_SCRIPT, DIAGRAM_CSS))
    app.connect("config-inited", _default_to_packaged_copy)
    app.connect("build-finished", _copy_packaged_copy)
    app.connect("config-inited", _check_local_copy)
    app.connect("html-page-context", _install_js)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
