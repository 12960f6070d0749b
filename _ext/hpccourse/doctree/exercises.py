"""Doctree -> :class:`~.model.Exercise` records: a page's console blocks, grouped by section.

An exercise is a section right under the page's title (``Exercise 1: ...``), with every
console block inside it, its subsections' included, in page order: a learner types them in
one shell. Blocks directly under the title form one more group, named after the page.
The blocks come from :func:`hpccourse.doctree.collect.collect_blocks` (asked node by node, so each
block's section is known); the comment ``.. lessonrun: exact`` or
``.. lessonrun: skip REASON`` right before a block, a tab set or a ``cluster-commands``
directive marks the blocks in it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

from docutils import nodes

from ..console.model import Block
from ..lessonrun.model import Exercise, Mark
from .collect import ClusterLookup, collect_blocks, is_skipped, skip_targets

#: ``lessonrun: exact`` or ``lessonrun: skip the reason``.
MARK_COMMENT = re.compile(r"^\s*lessonrun\s*:\s*(?P<what>exact|skip)\b\s*(?P<reason>.*?)\s*$", re.I)


def _marks(doctree: nodes.Node) -> dict[int, Mark]:
    """Node id -> the mark of the comment right before that node."""
    found: dict[int, Mark] = {}
    for comment in doctree.findall(nodes.comment):
        match = MARK_COMMENT.match(comment.astext())
        following = comment.next_node(descend=False, siblings=True, ascend=False)
        if match and following is not None:
            if match["what"].lower() == "exact":
                found[id(following)] = Mark(exact=True)
            else:
                found[id(following)] = Mark(skip=match["reason"] or "the lesson asks not to run it")
    return found


def mark_of(node: nodes.Node, marks: dict[int, Mark]) -> Mark:
    """The mark on ``node`` or the nearest container of it below its section."""
    current: nodes.Node | None = node
    while current is not None and not isinstance(current, nodes.section | nodes.document):
        if id(current) in marks:
            return marks[id(current)]
        current = current.parent
    return Mark()


def _unit(node: nodes.Node) -> nodes.Element | None:
    """The section right under the page title holding ``node`` (None: under the title)."""
    sections = []
    current = node.parent
    while current is not None:
        if isinstance(current, nodes.section):
            sections.append(current)
        current = current.parent
    return sections[-2] if len(sections) >= 2 else None


def _title(section: nodes.Element | None, doctree: nodes.Node, docname: str) -> str:
    if section is None:
        first = next(iter(doctree.findall(nodes.title)), None)
        return first.astext() if first is not None else docname
    return (
        section[0].astext() if section.children and isinstance(section[0], nodes.title) else docname
    )


def _candidates(doctree: nodes.Node) -> Iterable[tuple[nodes.Element, str | None]]:
    """Literal blocks and prompt blocks in order, with the highlight language in force."""
    language = None
    for node in doctree.findall(nodes.Element):
        if node.tagname == "highlightlang":
            language = str(node.get("lang") or "") or None
        elif isinstance(node, nodes.literal_block) or (
            isinstance(node, nodes.raw)
            and "hpc_prompt_language" in node
            and node.get("format") == "html"
        ):
            yield node, language


def collect_exercises(
    doctree: nodes.document,
    docname: str,
    srcdir: str | Path,
    *,
    languages: Iterable[str],
    default_language: str,
    cluster_for_label: ClusterLookup,
) -> list[Exercise]:
    """The page's exercises, in page order; sections with no console block are left out."""
    languages = frozenset(languages)
    targets = skip_targets(doctree)
    marks = _marks(doctree)
    groups: dict[int, tuple[str, list[Block], list[Mark]]] = {}
    for node, language in _candidates(doctree):
        found = collect_blocks(
            node,  # type: ignore[arg-type]
            docname,
            srcdir,
            languages=languages,
            default_language=language or default_language,
            cluster_for_label=cluster_for_label,
        )
        if not found:
            continue
        block = dataclasses.replace(found[0], skip=is_skipped(node, targets))
        section = _unit(node)
        key = id(section) if section is not None else 0
        if key not in groups:
            groups[key] = (_title(section, doctree, docname), [], [])
        groups[key][1].append(block)
        groups[key][2].append(mark_of(node, marks))
    return [
        Exercise(docname, title, tuple(blocks), tuple(block_marks))
        for title, blocks, block_marks in groups.values()
    ]
