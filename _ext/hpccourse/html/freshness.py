"""No stale HTML page: after an interrupted build, and after a change of the navigation.

- A build killed after the environment is saved ("pickling environment... done") but
  before every page is written leaves pages whose stored doctree is newer than their HTML;
  the next build finds nothing changed and never writes them. At ``env-updated`` every
  such page is written again.
- A build killed while it writes the pages, or after writing them but before it dumps
  the search index, leaves a page cut off in the middle (newer than its doctree, so the
  check above keeps it) or a search index without the page's new text. So each page is
  noted in a journal as its writing starts (``html-page-context``), and the journal is
  removed only when a build has finished (search index dumped); at ``env-updated``
  every page the journal names is written again, and so fed to the search index again.
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


def journal(app: Sphinx) -> Path:
    """The pages this builder began to write since its last finished build: beside the
    doctrees (not in the output, which is published), one file per builder and output."""
    where = hashlib.blake2b(str(app.outdir).encode(), digest_size=6).hexdigest()
    return Path(app.doctreedir, f"hpccourse-writing-{app.builder.name}-{where}.txt")


def note_writing(
    app: Sphinx, pagename: str, templatename: str, context: object, doctree: object
) -> None:
    """``html-page-context``: the page is about to be written (appended before its bytes)."""
    if app.builder.format != "html" or pagename not in app.env.all_docs:
        return
    path = journal(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:  # one short line: O_APPEND keeps it whole
        f.write(pagename + "\n")


def finished(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: every page written and the search index dumped: forget them."""
    if exception is None and app.builder.format == "html":
        journal(app).unlink(missing_ok=True)


def _begun(app: Sphinx) -> set[str]:
    """The pages the journal names: begun by a build that never finished."""
    try:
        text = journal(app).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return set()
    return set(text.splitlines())


def unwritten_pages(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: the pages whose doctree is newer than their HTML file, and those
    an unfinished build began to write (cut off, or not in the search index)."""
    builder = app.builder
    outfile = getattr(builder, "get_outfilename", None)
    if builder.format != "html" or outfile is None:
        return []
    begun = _begun(app)
    stale = []
    for docname in env.all_docs:
        doctree = _mtime(Path(builder.doctreedir, f"{docname}.doctree"))
        page = _mtime(outfile(docname))
        if docname in begun or (doctree is not None and page is not None and doctree > page):
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
    from . import pagewrite

    pagewrite.setup(app)  # each page whole on disk; this module rewrites what was begun
    app.connect("env-updated", unwritten_pages)
    app.connect("html-page-context", note_writing, priority=100)  # before any other handler
    app.connect("build-finished", finished)
    app.connect("env-get-updated", navigation_changed)
