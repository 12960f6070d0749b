"""The learners' path: "Next" and "Previous" never cross from lessons to teacher pages.

Sphinx links each page to the next in the toctrees' order, so the last lesson's "Next"
leads to whatever follows it, the teachers' page included. A page says whom it is for
with the file-wide field ``:audience: teachers`` at its top; a page without one is for
learners. A "Next" or "Previous" link (the footer's buttons and the ``<link rel>`` in
the head) to a page for another audience is dropped.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

FIELD = "audience"
LEARNERS = "learners"


def audience(app: Sphinx, docname: str) -> str:
    """Whom ``docname`` is for: its ``:audience:`` field, else learners."""
    value = app.env.metadata.get(docname, {}).get(FIELD, LEARNERS)
    return str(value).strip().casefold() or LEARNERS


def _drop_crossing_links(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict[str, Any],
    doctree: nodes.document | None,
) -> None:
    relations = getattr(app.builder, "relations", {}).get(pagename)
    if not relations:
        return
    _parent, prev, following = relations
    here = audience(app, pagename)
    dropped = {
        name
        for name, docname in (("prev", prev), ("next", following))
        if docname and audience(app, docname) != here
    }
    for name in dropped:
        context[name] = None
    if dropped and isinstance(context.get("rellinks"), list):
        others = {prev if name == "prev" else following for name in dropped}
        context["rellinks"] = [link for link in context["rellinks"] if link[0] not in others]


def setup(app: Sphinx) -> None:
    """Filter the prev/next links of every html page."""
    app.connect("html-page-context", _drop_crossing_links)
