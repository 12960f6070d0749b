"""Each page's check results, kept in the build environment from one build to the next.

A page's results depend only on its console blocks (:mod:`.blockcache`, replaced when the
page is read again), on the rules' view of the table and settings (one
:class:`~hpccourse.console.model.RuleContext` for the site) and on the checker's code.
When all three are as they were, the page is not checked again: an html build that checks
(``hpccourse_consolecheck``, :mod:`.inbuild`) then checks only the pages it read again,
and a later ``consolecheck`` over the same doctrees checks none.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..console.model import BlockResult, RuleContext
from .blockcache import PageBlocks

#: The environment attribute holding :class:`ResultCache`.
ENV_ATTRIBUTE = "hpc_console_results"


@dataclass
class PageResults:
    """One page's blocks as checked, their results, and each result's ``report.json`` entry
    (written once, by the first report that has them)."""

    blocks: PageBlocks
    results: tuple[BlockResult, ...]
    entries: tuple[str, ...] | None = None  # JSON text: str objects the GC does not track


@dataclass
class ResultCache:
    """docname -> :class:`PageResults`, valid under ``context`` and ``code``."""

    code: str
    context: RuleContext
    pages: dict[str, PageResults] = field(default_factory=dict)


@functools.cache
def checker_digest() -> str:
    """A digest of the checking core's source: results of another version are not kept."""
    digest = hashlib.sha256()
    core = Path(__file__).resolve().parents[1] / "console"
    for path in sorted(core.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def result_cache(env: BuildEnvironment, context: RuleContext) -> ResultCache:
    """The environment's cache for ``context`` (a new, empty one when it held another)."""
    cache = getattr(env, ENV_ATTRIBUTE, None)
    code = checker_digest()
    if not isinstance(cache, ResultCache) or cache.code != code or cache.context != context:
        cache = ResultCache(code, context)
        setattr(env, ENV_ATTRIBUTE, cache)
    return cache


def _on_purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    cache = getattr(env, ENV_ATTRIBUTE, None)
    if isinstance(cache, ResultCache):
        cache.pages.pop(docname, None)


def register(app: Sphinx) -> None:
    """Forget a page's results when it is read again or removed."""
    app.connect("env-purge-doc", _on_purge)
