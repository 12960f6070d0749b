"""Which parts of the data table each page uses, so that an edit rebuilds only those pages.

A directive that reads the table notes, for its page, a *use* (a tuple such as
``("commands", STEP, VENV)`` or ``("facts", KIND)``) and a digest of what it generated
from the table (:func:`note`). The table is not a file dependency of the page: Sphinx
would then rebuild every page that reads it on any edit. Instead, on
``env-get-outdated``, when the table's bytes differ from the last build's, every
recorded use is digested again from the table as it is now (by the function its kind
registered with :func:`register`), and the pages with a changed digest are outdated.

A table that fails to load digests every use as its error, so every page using it is
rebuilt (and shows the warning), and rebuilt again once it is fixed; a new cluster changes
the digest of every use. Records survive ``-j`` (``env-merge-info``) and are dropped with
their page (``env-purge-doc``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Set
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..table import Table, TableError, project_table, table_path
from ..table.source import SourceError, read_table

logger = logging.getLogger(__name__)

Use = tuple[str, ...]
#: kind -> digest of a use of that kind, from a loaded table.
_DIGESTERS: dict[str, Callable[[Table, Use], str]] = {}


def register(kind: str, digester: Callable[[Table, Use], str]) -> None:
    """Say how to digest uses whose first item is ``kind``."""
    _DIGESTERS[kind] = digester


def digest(value: object) -> str:
    """A short stable digest of ``value``'s ``repr`` (tuples, strings, frozen dataclasses)."""
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def error_digest(error: TableError) -> str:
    """The digest of any use while the table fails to load (or to render it)."""
    return "error:" + digest((error.message, error.line))


def uses(env: BuildEnvironment) -> dict[str, dict[Use, str]]:
    """docname -> {use: digest}, kept in the environment."""
    if not hasattr(env, "hpccourse_uses"):
        env.hpccourse_uses = {}  # type: ignore[attr-defined]
    return env.hpccourse_uses  # type: ignore[attr-defined]


def note(env: BuildEnvironment, use: Use, value: str) -> None:
    """Record that the page being read generated ``value`` (a digest) for ``use``."""
    uses(env).setdefault(env.docname, {})[use] = value


def _stamp(path: str) -> str:
    """The table's identity: its path and a digest of its bytes (or why it cannot be read).

    Read as the loader reads it (a regular file under a size cap: a FIFO would hang here).
    """
    try:
        data, _ = read_table(path)
    except SourceError as exc:
        return f"{path}:unreadable:{exc}"
    return f"{path}:" + hashlib.blake2b(data, digest_size=16).hexdigest()


def current_digest(table: Table | TableError, use: Use) -> str:
    """``use`` digested from the table as it is now."""
    if isinstance(table, TableError):
        return error_digest(table)
    digester = _DIGESTERS.get(use[0])
    if digester is None:  # a kind this version no longer knows: read the page again
        return "unknown"
    try:
        return digester(table, use)
    except TableError as error:
        return error_digest(error)


def outdated(
    app: Sphinx, env: BuildEnvironment, added: Set[str], changed: Set[str], removed: Set[str]
) -> list[str]:
    """``env-get-outdated``: the pages whose uses of the table now give other output."""
    path = table_path(env.srcdir, env.config)
    stamp = _stamp(path)
    if stamp == getattr(env, "hpccourse_table_stamp", None):
        return []
    env.hpccourse_table_stamp = stamp  # type: ignore[attr-defined]
    recorded = uses(env)
    if not recorded:
        return []
    table = project_table(env.srcdir, env.config)
    memo: dict[Use, str] = {}
    found = []
    skip = added | changed | removed
    for docname, page_uses in recorded.items():
        if docname in skip:
            continue
        for use, old in page_uses.items():
            if use not in memo:
                memo[use] = current_digest(table, use)
            if memo[use] != old:
                found.append(docname)
                break
    if found:
        logger.info("hpccourse: the data table changed for %d page(s)", len(found))
    return found


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: the page is read again (or gone): forget its uses."""
    uses(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
    """``env-merge-info``: take the uses a parallel reader recorded for ``docnames``."""
    mine, theirs = uses(env), uses(other)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def setup(app: Sphinx) -> dict[str, Any]:
    """Connect the events that keep the per-page records."""
    app.connect("env-get-outdated", outdated)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    return {"parallel_read_safe": True}
