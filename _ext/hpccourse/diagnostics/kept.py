"""Every warning about a page, kept per page and reported again until the page is fixed.

Sphinx reads only the pages that changed, so a warning raised while reading a page is
printed once and then forgotten: the next build says "build succeeded" while the page
still lacks what the warning was about. So every warning raised while a page is read,
whoever raises it (this extension, docutils, Sphinx itself, myst-parser, another
extension), is recorded in the environment under the page's name; at ``env-updated``
the records of the pages this build did not read are reported again, with their first
location, type and subtype, so ``-W`` still fails, ``suppress_warnings`` still applies,
and the live preview's banner lists them. A page read again starts with no records
(``env-purge-doc``).

How a warning is tied to its page: a log record factory (:func:`logging.setLogRecordFactory`)
stamps each record made while a page is read with that page's name, and a handler on
Sphinx's logger records the stamped warnings. Both hold in parallel reading: a reader
process stamps its records, and Sphinx hands them to the main process's handlers when the
reader's chunk is joined.
"""

from __future__ import annotations

import logging as py_logging
from collections.abc import Set
from typing import Any, NamedTuple

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.logging import NAMESPACE, InfoLogRecordTranslator

logger = logging.getLogger(__name__)

#: The attribute the record factory sets: the page being read when the record was made.
STAMP = "hpccourse_docname"


class Kept(NamedTuple):
    """One warning as raised: its text, ``path:line``, type and subtype (and level)."""

    message: str
    location: str
    type: str
    subtype: str
    level: int = py_logging.WARNING


#: The environment whose pages are being read or resolved (the record factory reads its
#: docname, which Sphinx sets while reading a page and while post-transforms resolve it).
_reading: list[BuildEnvironment] = []


def _stamping(previous: Any) -> Any:
    """A log record factory: ``previous``'s records, stamped with the page being read."""

    def factory(*args: Any, **kwargs: Any) -> py_logging.LogRecord:
        record = previous(*args, **kwargs)
        env = _reading[0] if _reading else None
        if env is not None:
            setattr(record, STAMP, env.current_document.docname or None)
        return record

    factory.hpccourse_stamping = True  # type: ignore[attr-defined]
    return factory


class Keeper(py_logging.Handler):
    """Records each stamped warning for its page into ``store`` (installed while pages
    are read, and by :mod:`.resolved` while they are resolved)."""

    def __init__(self, app: Sphinx, store: dict[str, list[Kept]]) -> None:
        super().__init__(py_logging.WARNING)
        self.store = store
        self.where = InfoLogRecordTranslator(app)  # location only, no "[type]" added

    def emit(self, record: py_logging.LogRecord) -> None:
        docname = getattr(record, STAMP, None)
        if not docname:
            return
        copy = py_logging.makeLogRecord(record.__dict__)  # the real handlers translate theirs
        self.where.filter(copy)  # type: ignore[arg-type]
        item = Kept(
            py_logging.LogRecord.getMessage(copy),
            str(getattr(copy, "location", "") or ""),
            str(getattr(copy, "type", "") or ""),
            str(getattr(copy, "subtype", "") or ""),
            record.levelno,
        )
        records = self.store.setdefault(docname, [])
        if item not in records:
            records.append(item)


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
    """Warn at ``location`` (``path:line``); like every warning raised while a page is
    read, it is kept for that page."""
    logger.warning(message, location=location, type=type, subtype=subtype)


def _note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: which pages this build reads; keep their warnings."""
    _stop_keeping(app)
    env.hpccourse_reading = set(docnames)  # type: ignore[attr-defined]
    _reading[:] = [env]
    app.hpccourse_keeper = Keeper(app, kept(env))  # type: ignore[attr-defined]
    py_logging.getLogger(NAMESPACE).addHandler(app.hpccourse_keeper)  # type: ignore[attr-defined]


def _stop_keeping(app: Sphinx, *args: object) -> None:
    """Remove the handler (at ``env-updated``, and ``build-finished`` after a failure)."""
    keeper = getattr(app, "hpccourse_keeper", None)
    if keeper is not None:
        py_logging.getLogger(NAMESPACE).removeHandler(keeper)
        del app.hpccourse_keeper  # type: ignore[attr-defined]
    _reading.clear()


def report(records: dict[str, list[Kept]], skip: Set[str], env: BuildEnvironment) -> None:
    """Report again the records of each page of the course not in ``skip``."""
    for docname in sorted(records):
        if docname in skip or docname not in env.all_docs:
            continue
        for item in records[docname]:
            logger.log(
                py_logging.getLevelName(item.level),
                item.message,
                location=item.location,
                type=item.type,
                subtype=item.subtype,
            )


def replay(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: report again the warnings of every page this build did not read."""
    _stop_keeping(app)
    reading = getattr(env, "hpccourse_reading", set())
    if hasattr(env, "hpccourse_reading"):
        del env.hpccourse_reading  # type: ignore[attr-defined]
    report(kept(env), reading, env)
    return []


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """``env-purge-doc``: the page is read again (or gone): forget its warnings."""
    kept(env).pop(docname, None)


def setup(app: Sphinx) -> None:
    factory = py_logging.getLogRecordFactory()
    if not getattr(factory, "hpccourse_stamping", False):
        py_logging.setLogRecordFactory(_stamping(factory))
    app.connect("env-before-read-docs", _note_reading)
    app.connect("env-updated", replay)
    app.connect("env-purge-doc", purge)
    app.connect("build-finished", _stop_keeping)
