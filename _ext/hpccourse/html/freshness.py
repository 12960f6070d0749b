"""No stale HTML page: after an interrupted build, and after a change of the navigation.

- A build killed after the environment is saved ("pickling environment... done") but
  before every page is written leaves pages whose stored doctree is newer than their HTML;
  the next build finds nothing changed and never writes them. At ``env-updated`` every
  such page is written again.
- Adding a page to a toctree (or retitling one) changes every page's sidebar and
  previous/next links, but Sphinx writes only the pages it read. At ``env-get-updated``,
  when the site's navigation (every toctree and page title) differs from the last build
  with this builder, every page is written again.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def _mtime(path: str | os.PathLike[str]) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def unwritten_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages whose doctree is newer than their HTML file."""
    builder = app.builder
    outfile = getattr(builder, "get_outfilename", None)
    if builder.format != "html" or outfile is None:
        return []
    stale = []
    for docname in env.all_docs:
        doctree = _mtime(Path(builder.doctreedir, f"{docname}.doctree"))
        page = _mtime(outfile(docname))
        if doctree is not None and page is not None and doctree > page:
            stale.append(docname)
    return stale


def navigation_digest(env: BuildEnvironment) -> str:
    """A digest of what every page's navigation shows: the toctrees and the titles."""
    toctrees = sorted((doc, tuple(entries)) for doc, entries in env.toctree_includes.items())
    titles = sorted((doc, title.astext()) for doc, title in env.titles.items())
    return hashlib.blake2b(repr((toctrees, titles)).encode(), digest_size=16).hexdigest()


def navigation_changed(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-get-updated``: every page, when the navigation changed since this builder's
    last build (kept per builder: ``html`` and ``consolecheck`` share the environment)."""
    if app.builder.format != "html":
        return []
    digests = env.__dict__.setdefault("hpccourse_navigation", {})
    now = navigation_digest(env)
    before = digests.get(app.builder.name)
    digests[app.builder.name] = now
    if before is None or before == now:
        return []
    return sorted(env.all_docs)


def setup(app: Sphinx) -> None:
    app.connect("env-updated", unwritten_pages)
    app.connect("env-get-updated", navigation_changed)
