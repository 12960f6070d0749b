"""Warnings raised while a page's references are resolved, kept until the page is fixed.

``-n`` (nitpicky) and Sphinx's own cross-reference checks warn while a page is
*resolved*, in the write phase (post-transforms: an undefined label, a missing
reference target), and only for the pages a build writes: a second build that writes
nothing said "build succeeded" with the broken reference still there. While Sphinx
applies a page's post-transforms it names the page (``env.current_document``), so
:mod:`.kept`'s record factory stamps those warnings with it too, and a
:class:`~.kept.Keeper` records them here. The environment is saved before the write
phase, so the records live in a file beside the doctrees, one per builder
(``hpccourse-resolved-BUILDER.json``); at ``build-finished`` the records of the pages not
resolved in this build are reported again, so ``-W`` still fails.
"""

from __future__ import annotations

import json
import logging as py_logging
import os
import tempfile
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.util.logging import NAMESPACE

from . import kept as _kept
from .kept import Keeper, Kept


def _file(app: Sphinx) -> Path:
    return Path(app.doctreedir, f"hpccourse-resolved-{app.builder.name}.json")


def _load(app: Sphinx) -> dict[str, list[Kept]]:
    try:
        data = json.loads(_file(app).read_text(encoding="utf-8"))
        return {doc: [Kept(*item) for item in items] for doc, items in data.items()}
    except (OSError, ValueError, TypeError):
        return {}


def _save(app: Sphinx, records: dict[str, list[Kept]]) -> None:
    """Write the records whole or not at all (a temporary file, then a rename)."""
    path = _file(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".hpccourse-resolved-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({doc: [list(item) for item in items] for doc, items in records.items()}, out)
    os.replace(temporary, path)


class _State:
    """One build's write phase: the records so far, this build's new ones, the pages
    resolved, and the handler."""

    def __init__(self, app: Sphinx) -> None:
        self.records = _load(app)
        self.fresh: dict[str, list[Kept]] = {}
        self.resolved: set[str] = set()
        self.keeper = Keeper(app, self.fresh)


def start(app: Sphinx, builder: Builder) -> None:
    """``write-started``: record the warnings of the pages resolved from now on."""
    state = _State(app)
    app.hpccourse_resolved = state  # type: ignore[attr-defined]
    _kept._reading[:] = [app.env]
    py_logging.getLogger(NAMESPACE).addHandler(state.keeper)


def resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the page's records are this build's (none: fixed)."""
    state: _State | None = getattr(app, "hpccourse_resolved", None)
    if state is not None:
        state.resolved.add(docname)
        state.records[docname] = state.fresh.pop(docname, [])


def finish(app: Sphinx, exc: BaseException | None) -> None:
    """``build-finished``: save the records; report those of the pages not resolved."""
    state: _State | None = getattr(app, "hpccourse_resolved", None)
    if state is None:
        return
    del app.hpccourse_resolved  # type: ignore[attr-defined]
    py_logging.getLogger(NAMESPACE).removeHandler(state.keeper)
    _kept._reading.clear()
    records = {doc: items for doc, items in state.records.items() if items}
    _save(app, records)
    if exc is None:
        _kept.report(records, state.resolved, app.env)


def setup(app: Sphinx) -> None:
    app.connect("write-started", start)
    app.connect("doctree-resolved", resolved)
    app.connect("build-finished", finish)
