"""Console blocks collected while each page is read, kept in the build environment.

Unpickling every page's doctree was most of what consolecheck cost over a cached build.
The doctree is in memory anyway while a page is read (by ``make html`` as by any other
builder), so its console blocks are collected then (``doctree-read``) and kept per page
in the environment, purged and merged with it. consolecheck then loads no doctree.

The blocks depend on the configuration (``consolecheck_languages``,
``highlight_language``), on the table's cluster names (tab labels -> clusters) and on the
collector's own code (an upgrade), which may change without the page being read again:
each page's blocks carry the key they were collected under, and consolecheck walks the
doctree as before when the key differs.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.locale import __
from sphinx.util import logging

from ..console.model import Block
from ..doctree.collect import collect_blocks
from ..doctree.unreached import Unreached, unreached_blocks
from ..table import TableError, project_table

logger = logging.getLogger(__name__)

#: The environment attribute holding docname -> :class:`PageBlocks`.
ENV_ATTRIBUTE = "hpc_console_blocks"

Key = tuple[Any, ...]
ClusterLookup = Callable[[str], str | None]


@dataclass(frozen=True)
class PageBlocks:
    """One page's console blocks and unreached blocks, and what they were collected under."""

    key: Key
    blocks: tuple[Block, ...]
    unreached: tuple[Unreached, ...]


def cluster_lookup(srcdir: Path, config: Config) -> tuple[Key, ClusterLookup]:
    """The tab label -> cluster key lookup, and the table's names it depends on."""
    table = project_table(srcdir, config)
    if isinstance(table, TableError):
        return (), lambda _label: None
    names = tuple((c.key, c.label, c.center, c.cluster) for c in table.clusters)

    def lookup(label: str) -> str | None:
        found = table.cluster_for_label(label)
        return found.key if found is not None else None

    return names, lookup


@functools.cache
def collector_digest() -> str:
    """A digest of the collector's source (``doctree/``): blocks another version of it
    collected (their places, say) are collected again from the doctrees."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).resolve().parents[1] / "doctree").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def collection_key(config: Config, names: Key) -> Key:
    """Everything but the doctree that the collected blocks depend on."""
    languages = tuple(sorted(config.consolecheck_languages))
    return (languages, config.highlight_language, names, collector_digest())


def collect_page(
    doctree: nodes.document,
    docname: str,
    srcdir: Path,
    config: Config,
    lookup: ClusterLookup,
    key: Key,
) -> PageBlocks:
    """One page's blocks, as consolecheck checks them."""
    blocks = collect_blocks(
        doctree,
        docname,
        srcdir,
        languages=frozenset(config.consolecheck_languages),
        default_language=config.highlight_language,
        cluster_for_label=lookup,
        repl_sessions=True,
    )
    return PageBlocks(key, tuple(blocks), tuple(unreached_blocks(doctree)))


def cached_pages(env: BuildEnvironment) -> dict[str, PageBlocks]:
    """docname -> the blocks collected when it was read (created empty when missing)."""
    pages = getattr(env, ENV_ATTRIBUTE, None)
    if pages is None:
        pages = {}
        setattr(env, ENV_ATTRIBUTE, pages)
    return pages


def _on_doctree_read(app: Sphinx, doctree: nodes.document) -> None:
    names, lookup = cluster_lookup(Path(app.srcdir), app.config)
    key = collection_key(app.config, names)
    docname = app.env.docname
    try:
        page = collect_page(doctree, docname, Path(app.srcdir), app.config, lookup, key)
    except Exception as error:  # a checker bug must not stop the html build
        logger.warning(
            __("consolecheck could not collect this page's console blocks: %r"),
            error,
            location=docname,
            type="consolecheck",
            subtype="collect",
        )
        return
    cached_pages(app.env)[docname] = page


def _on_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    cached_pages(env).pop(docname, None)


def _on_merge(
    app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment
) -> None:
    theirs = cached_pages(other)
    cached_pages(env).update({d: theirs[d] for d in docnames if d in theirs})


def register(app: Sphinx) -> None:
    """Collect while reading; keep the environment's copy in step with its pages."""
    app.connect("doctree-read", _on_doctree_read)
    app.connect("env-purge-doc", _on_purge)
    app.connect("env-merge-info", _on_merge)
