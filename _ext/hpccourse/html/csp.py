"""A Content-Security-Policy ``<meta>`` in every page: only the site's own scripts run.

Scripts run from the site itself (``'self'``) or when they are an inline script that
Sphinx, the theme or an extension emits, each allowed by its SHA-256; no plug-ins
(``object-src 'none'``), nothing from another origin. Styles may be inline (the theme,
sphinx-prompt and the diagrams' SVG use ``style``), but only from the site.

Which inline scripts are the site's own is known at build time, from the template and
the builder's context, never from the page's content: the extension's template bridge
(Sphinx's ``template_bridge``) renders each page as usual, and renders it a second time
as a *skeleton*, every value a page's content reaches blanked (its body, title, table of
contents, the titles of its neighbours and of the whole toctree). The inline scripts of
the skeleton are those of the theme's templates and of ``script_files``
(``app.add_js_file(None, body=...)``), and only theirs are hashed; a script found in
any page's raw HTML (noted while the pages are read) is never among them, even when a
theme shows content through a value of its own that the skeleton cannot blank. So a
``<script>`` that reaches the page through content (``.. raw:: html``, a MyST HTML
block, an unescaped directive argument) is not hashed, and the browser refuses to run
it. Files are allowed as the site's (``'self'``), and the site serves some files its
content chose (a page's source under ``_sources/``, a download), so a script element in
raw HTML is also made inert (``type="text/plain"``: a data block, neither fetched nor
run), and the build warns at it (while reading the page, so the warning is kept until
the page changes).

A course that wants its content's scripts to run names the pages in ``conf.py``:
``hpccourse_csp_script_pages = ["widgets"]`` (docnames); their raw HTML is left as
written and the inline scripts of their bodies are hashed too. In the live preview the
preview's reload script, which its server appends to each page, is allowed too:
:mod:`hpccourse.preview` passes its hash for this run as ``hpccourse_live_reload_hash``;
a published build has none.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable, Set
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.jinja2glue import BuiltinTemplateLoader
from sphinx.util import logging

from ..config import conf_location

logger = logging.getLogger(__name__)

_INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_SCRIPT_TAG = re.compile(r"<script\b", re.I)
#: The start of a script element's opening tag (``<script>``, ``<SCRIPT src=...``, ``<script/``).
_SCRIPT_OPEN = re.compile(r"(<script)(?=[\s/>])", re.I)
#: A script element of this type is a data block: browsers neither fetch nor run it.
INERT = ' type="text/plain" data-hpccourse-csp="blocked"'


def inert(markup: str) -> str:
    """``markup`` with each script element a data block: its ``type`` comes first (the
    first of an attribute's repeats is the one that counts)."""
    return _SCRIPT_OPEN.sub(lambda m: m.group(1) + INERT, markup)


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

#: The context values a page's content reaches (Sphinx's ``get_doc_context``), blanked
#: in the skeleton; ``toctree`` (every page's title) becomes a function returning "".
CONTENT_VALUES: dict[str, Any] = {
    "body": "",
    "title": "",
    "toc": "",
    "metatags": "",
    "parents": [],
    "prev": None,
    "next": None,
    "rellinks": [],
}


def sha256_source(script: str) -> str:
    """The CSP source ``'sha256-...'`` that allows an inline script with this body."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return f"'sha256-{digest}'"


def inline_scripts(page: str) -> list[str]:
    """The bodies of the inline ``<script>`` elements of ``page``, in order."""
    return _INLINE_SCRIPT.findall(page)


def script_hashes(page: str) -> list[str]:
    """``'sha256-...'`` for each distinct inline script of ``page``, in order."""
    return list(dict.fromkeys(sha256_source(body) for body in inline_scripts(page)))


def policy_for(sources: Iterable[str]) -> str:
    """The policy allowing the site's files and the inline scripts of ``sources``."""
    scripts = " ".join(["'self'", *dict.fromkeys(sources)])
    return "; ".join([POLICY[0], f"script-src {scripts}", *POLICY[1:]])


def with_policy(page: str, sources: Iterable[str]) -> str:
    """``page`` with its policy as the first element of ``<head>`` (unchanged without one)."""
    head = _HEAD.search(page)
    if head is None:
        return page
    meta = (
        '\n  <meta http-equiv="Content-Security-Policy" '
        f'content="{html.escape(policy_for(sources), quote=False)}" />'
    )
    return page[: head.end()] + meta + page[head.end() :]


def skeleton(context: dict[str, Any]) -> dict[str, Any]:
    """``context`` with every value a page's content reaches blanked."""
    blank = {**context, **CONTENT_VALUES}
    if "toctree" in context:
        blank["toctree"] = lambda **kwargs: ""
    return blank


class PolicyTemplates(BuiltinTemplateLoader):
    """Sphinx's template loader, adding each HTML page's policy after rendering."""

    def render(self, template: str, context: dict[str, Any]) -> str:
        out = super().render(template, context)
        if not template.endswith(".html"):
            return out
        config = self.app_config  # set by init() (Sphinx passes the builder)
        own = inline_scripts(super().render(template, skeleton(context)))
        # A script some page's content holds is never the site's own, even when a theme
        # shows content through a value the skeleton does not blank.
        found = content_scripts(self.env)
        allowed = [h for h in map(sha256_source, own) if h not in found]
        pagename = str(context.get("pagename", ""))
        if pagename in config.hpccourse_csp_script_pages:
            # The page's own content (its body): the scripts its teacher put there.
            allowed += script_hashes(str(context.get("body", "")))
        if config.hpccourse_live_reload_hash:
            allowed.append(config.hpccourse_live_reload_hash)
        return with_policy(out, allowed)

    def init(self, builder: Any, *args: Any, **kwargs: Any) -> None:
        super().init(builder, *args, **kwargs)
        self.app_config = builder.config
        self.env = builder.env


def content_scripts(env: BuildEnvironment) -> set[str]:
    """The hashes of every script found in any page's raw HTML."""
    pages: dict[str, set[str]] = getattr(env, "hpccourse_content_scripts", {})
    return set().union(*pages.values())


def read_content_scripts(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: note the scripts of the page's raw HTML (never allowed as the
    site's own); warn at each on a page that does not opt in: it will not run (a
    reading warning, kept until the page changes)."""
    env = app.env
    docname = env.current_document.docname
    if not app.config.hpccourse_csp:
        return
    found: set[str] = set()
    for node in doctree.findall(nodes.raw):
        if "html" not in node.get("format", "").split() or not _SCRIPT_TAG.search(node.astext()):
            continue
        found.update(sha256_source(body) for body in inline_scripts(node.astext()))
        if docname not in app.config.hpccourse_csp_script_pages:
            node[0] = nodes.Text(inert(node.astext()))
            logger.warning(
                "a <script> in this page's HTML will not run: the page's "
                "Content-Security-Policy allows only the site's own scripts (to run it, "
                f"name the page in conf.py: hpccourse_csp_script_pages = [{docname!r}])",
                location=node,
                type="hpccourse",
                subtype="csp",
            )
    if found:
        _pages(env)[docname] = found


def _pages(env: BuildEnvironment) -> dict[str, set[str]]:
    if not hasattr(env, "hpccourse_content_scripts"):
        env.hpccourse_content_scripts = {}  # type: ignore[attr-defined]
    return env.hpccourse_content_scripts  # type: ignore[attr-defined]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _pages(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
    theirs = _pages(other)
    _pages(env).update({d: theirs[d] for d in docnames if d in theirs})


def check_named_pages(app: Sphinx, env: BuildEnvironment) -> None:
    """``env-check-consistency``: each page ``hpccourse_csp_script_pages`` names exists
    (a misspelled name would silently leave its scripts blocked)."""
    for name in app.config.hpccourse_csp_script_pages:
        if name not in env.found_docs:
            logger.warning(
                f"hpccourse_csp_script_pages names {name!r}, which is no page of the course",
                location=conf_location(app.confdir, "hpccourse_csp_script_pages"),
                type="hpccourse",
                subtype="csp",
            )


def _use_policy_templates(app: Sphinx, config: Config) -> None:
    """Render through :class:`PolicyTemplates`, unless the course names another bridge."""
    if config.hpccourse_csp and not config.template_bridge:
        config.template_bridge = f"{PolicyTemplates.__module__}.{PolicyTemplates.__name__}"


def setup(app: Sphinx) -> None:
    """Render through the template bridge that applies the policy (``hpccourse_csp``,
    ``hpccourse_csp_script_pages`` and ``hpccourse_live_reload_hash`` are registered with the
    other settings in :mod:`hpccourse.config`)."""
    app.connect("config-inited", _use_policy_templates)
    # Before Sphinx's collectors copy titles (with their raw HTML) into the navigation.
    app.connect("doctree-read", read_content_scripts, priority=100)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", check_named_pages)
