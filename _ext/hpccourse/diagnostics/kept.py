"""The extension's warnings, kept per page and reported again until the page is fixed.

Sphinx reads only the pages that changed, so a warning raised while reading a page is
printed once and then forgotten: the next build says "build succeeded" while the page
still lacks what the warning was about. Every warning the extension raises while reading
a page goes through :func:`warn`, which also records it in the environment under the
page's name. At ``env-updated`` the records of the pages this build did not read are
reported again, with their first location, type and subtype, so ``-W`` still fails and
``suppress_warnings`` still applies. A page read again starts with no records
(``env-purge-doc``); parallel readers' records are merged (``env-merge-info``).

docutils' own messages about a page (an unknown option, a malformed directive) are kept
too: a filter on the logger Sphinx reports them through records them for the page being
read (a logger's filter, unlike a handler, stays in place in parallel readers).
"""

from __future__ import annotations

import logging as py_logging
from collections.abc import Set
from typing import NamedTuple

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)


class Kept(NamedTuple):
    """One warning as raised: its text, ``path:line``, type and subtype (and level)."""

    message: str
    location: str
    type: str
    subtype: str
    level: int = py_logging.WARNING


#: The environment whose pages are being read (the docutils filter records into it).
_reading: list[BuildEnvironment] = []


class _DocutilsMessages(py_logging.Filter):
    """Keeps each docutils message of level WARNING or above for the page being read."""

    def filter(self, record: py_logging.LogRecord) -> bool:
        env = _reading[0] if _reading else None
        if env is not None and env.docname and record.levelno >= py_logging.WARNING:
            item = Kept(
                py_logging.LogRecord.getMessage(record),
                str(getattr(record, "location", "") or ""),
                str(getattr(record, "type", "") or "docutils"),
                str(getattr(record, "subtype", "") or ""),
                record.levelno,
            )
            kept(env).setdefault(env.docname, []).append(item)
        return True


_FILTER = _DocutilsMessages()
#: The logger of sphinx.util.docutils.WarningStream, which reports docutils' messages.
_DOCUTILS_LOGGER = py_logging.getLogger("sphinx.sphinx.util.docutils")


def kept(env: BuildEnvironment) -> dict[str, list[Kept]]:
    """docname -> the warnings raised while reading it, in the environment."""
    if not hasattr(env, "hpccourse_kept_warnings"):
        env.hpccourse_kept_warnings = {}  # type: ignore[attr-defined]
    return env.hpccourse_kept_warnings  # type: ignore[attr-defined]


def warn(
    env: BuildEnvironment,
    message: str,
    location: str,
    subtype: str,
    type: str = "hpccourse",
) -> None:
    """Warn at ``location`` (``path:line``) and keep the warning for the page being read."""
    logger.warning(message, location=location, type=type, subtype=subtype)
    if env.docname:
        kept(env).setdefault(env.docname, []).append(Kept(message, location, type, subtype))


def _note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: which pages this build reads (and reports itself)."""
    env.hpccourse_reading = set(docnames)  # type: ignore[attr-defined]
    _reading[:] = [env]


def replay(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: report again the warnings of every page this build did not read."""
    _reading.clear()
    reading = getattr(env, "hpccourse_reading", set())
    if hasattr(env, "hpccourse_reading"):
        del env.hpccourse_reading  # type: ignore[attr-defined]
    records = kept(env)
    for docname in sorted(records):
        if docname in reading or docname not in env.all_docs:
            continue
        for item in records[docname]:
            logger.log(
                py_logging.getLevelName(item.level),
                item.message,
                location=item.location,
                type=item.type,
                subtype=item.subtype,
            )
    return []


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: the page is read again (or gone): forget its warnings."""
    kept(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: Set[str], other: BuildEnvironment) -> None:
    """``env-merge-info``: take the warnings a parallel reader kept for ``docnames``."""
    mine, theirs = kept(env), kept(other)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def setup(app: Sphinx) -> None:
    if _FILTER not in _DOCUTILS_LOGGER.filters:
        _DOCUTILS_LOGGER.addFilter(_FILTER)
    app.connect("env-before-read-docs", _note_reading)
    app.connect("env-updated", replay)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
