"""A Content-Security-Policy ``<meta>`` in every page, with the hashes of its inline scripts.

Scripts run only from the site itself (``'self'``) or when they are one of the page's
own inline scripts, each allowed by its SHA-256; no plug-ins (``object-src 'none'``),
nothing from another origin. The hashes are computed from the page as written: the
extension's template bridge (Sphinx's ``template_bridge``) renders each page as usual,
then puts the policy first in its ``<head>``, hashing every inline ``<script>`` it
finds, the theme's included. Styles may be inline (the theme, sphinx-prompt and the
diagrams' SVG use ``style``), but only from the site.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.jinja2glue import BuiltinTemplateLoader

_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)

#: Every directive but script-src, which lists the page's own hashes.
POLICY = (
    "default-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-src 'none'",
)


def script_hashes(page: str) -> list[str]:
    """``'sha256-...'`` for each distinct inline script of ``page``, in order."""
    found: list[str] = []
    for body in _INLINE_SCRIPT.findall(page):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in found:
            found.append(source)
    return found


def policy_for(page: str) -> str:
    """The policy of one page: the fixed directives and its inline scripts' hashes."""
    scripts = " ".join(["'self'", *script_hashes(page)])
    return "; ".join([POLICY[0], f"script-src {scripts}", *POLICY[1:]])


def with_policy(page: str) -> str:
    """``page`` with its policy as the first element of ``<head>`` (unchanged without one)."""
    head = _HEAD.search(page)
    if head is None:
        return page
    meta = (
        '\n  <meta http-equiv="Content-Security-Policy" '
        f'content="{html.escape(policy_for(page), quote=False)}" />'
    )
    return page[: head.end()] + meta + page[head.end() :]


class PolicyTemplates(BuiltinTemplateLoader):
    """Sphinx's template loader, adding each HTML page's policy after rendering."""

    def render(self, template: str, context: dict[str, Any]) -> str:
        out = super().render(template, context)
        return with_policy(out) if template.endswith(".html") else out


def _use_policy_templates(app: Sphinx, config: Config) -> None:
    """Render through :class:`PolicyTemplates`, unless the course names another bridge."""
    if config.hpccourse_csp and not config.template_bridge:
        config.template_bridge = f"{PolicyTemplates.__module__}.{PolicyTemplates.__name__}"


def setup(app: Sphinx) -> None:
    """Render through the template bridge that applies the policy (``hpccourse_csp``,
    registered with the other settings in :mod:`hpccourse.config`, switches it off)."""
    app.connect("config-inited", _use_policy_templates)
