"""A data table that does not load: one warning at its own line, naming the pages it affects.

Every directive that reads the table notes its use (:mod:`hpccourse.directives.deps`),
with the table's error as digest when it does not load, and says nothing itself. Once the
pages are read (``env-updated``, on every build, so the warning stays until the table is
fixed), this reports the error once, at ``clusters.toml:LINE``, with the number of pages
that lack what the table would give them.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from ..table import TableError, project_table, table_path
from . import deps

logger = logging.getLogger(__name__)

#: The environment attribute holding the stamp of the table file that last loaded fine.
_LOADED_FINE = "hpc_table_loaded_fine"


def affected_pages(env: BuildEnvironment, error: TableError) -> list[str]:
    """The pages that used the table and got ``error`` instead."""
    wanted = deps.error_digest(error)
    return sorted(
        docname
        for docname, uses in deps.uses(env).items()
        if docname in env.all_docs and wanted in uses.values()
    )


def pages_phrase(pages: list[str]) -> str:
    """``1 page affected: index`` / ``3 pages affected: a, b, c`` (at most five named)."""
    named = ", ".join(pages[:5]) + (", ..." if len(pages) > 5 else "")
    return f"{len(pages)} page{'s' if len(pages) != 1 else ''} affected: {named}"


def _stamp(env: BuildEnvironment) -> tuple[object, ...]:
    """The table file as it is now (path, modification time, size)."""
    path = table_path(env.srcdir, env.config)
    try:
        status = os.stat(path)
    except OSError:
        return (path,)
    return (path, status.st_mtime_ns, status.st_size, status.st_ino)


def report(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: warn once about a table that does not load, if a page uses it.
    A table file unchanged since it last loaded is not loaded again for that (a check
    over the html build's doctrees then loads no table)."""
    stamp = _stamp(env)
    if getattr(env, _LOADED_FINE, None) == stamp:
        return []
    table = project_table(env.srcdir, env.config)
    if not isinstance(table, TableError):
        setattr(env, _LOADED_FINE, stamp)
        return []
    pages = affected_pages(env, table)
    if pages:
        location = f"{table.source}:{table.line or ''}"  # Sphinx writes "path:" without a line
        logger.warning(
            "%s (%s)",
            table.message,
            pages_phrase(pages),
            location=location,
            type="hpccourse",
            subtype="table",
        )
    return []


def setup(app: Sphinx) -> None:
    app.connect("env-updated", report)
