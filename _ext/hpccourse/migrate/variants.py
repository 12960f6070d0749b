"""Comparing the clusters' variants of one block, once written with the table's
placeholders (:mod:`.group`): variants that differ only by placeholders of facts empty
where they are missing made one (the table renders an empty fact as nothing), and the
places where a tab shows another value than the table's fact (a page older or newer
than the table), for the report."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from difflib import SequenceMatcher

from ..table import Cluster, Table, TableError
from ..table.model import empty_value_gap
from .fold import without_comment
from .learn import Learner
from .model import STAND_IN


def without_empty(
    template: str, table: Table, cluster: Cluster, assumed: frozenset[str] = frozenset()
) -> str:
    """``template`` with each placeholder whose fact is empty on ``cluster`` (or in
    ``assumed``) taken out, as the table renders it (a space goes with it)."""

    def empty(name: str) -> bool:
        try:
            return name in assumed or table.fact(cluster, name) == ""
        except TableError:
            return False

    out: list[str] = []
    pos = 0
    for match in re.finditer(r"(?<!\{)\{([\w-]+)\}(?!\})", template):
        out.append(template[pos : match.start()])
        pos = match.end()
        if not empty(match[1]):
            out.append(match[0])
            continue
        out[-1], skip = empty_value_gap(out[-1], template, match.start(), pos)
        pos += skip
    return "".join([*out, template[pos:]])


def _merge_line(
    mine: str, theirs: str, empty_mine: Callable[[str], bool], empty_theirs: Callable[[str], bool]
) -> str | None:
    """One line holding both ``mine`` and ``theirs``: words one lacks must be placeholders
    whose facts are empty where it lacks them (None: no such line)."""
    a, b = mine.split(" "), theirs.split(" ")
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "delete" and all(empty_theirs(w) for w in a[i1:i2])):
            out += a[i1:i2]
        elif tag == "insert" and all(empty_mine(w) for w in b[j1:j2]):
            out += b[j1:j2]
        else:
            return None
    return " ".join(out)


def with_empty_facts(
    templates: dict[str, str],
    table: Table,
    *,
    json_lists: bool,
    learner: Learner | None = None,
    line: int = 0,
) -> dict[str, str]:
    """The clusters' templates, those that differ only by placeholders of facts empty
    where they are missing (``pip_flags = ""`` shows as nothing on its page: ``pip
    install X`` there is ``pip install {pip_flags} X`` elsewhere) made one, the most
    common first. The table renders an empty fact with the space before it, so each
    cluster is shown the text it showed. With a ``learner`` that is on
    (``--add-clusters``), a fact a new cluster has only as a stand-in (``FILL-IN``) is
    empty where its tab shows nothing there: learned so, marked for the teacher."""
    learning = learner is not None and learner.enabled
    pending: set[tuple[str, str]] = set()

    def placeholder_empty_on(keys: list[str]) -> Callable[[str], bool]:
        def empty(word: str) -> bool:
            found = re.fullmatch(r"\{([\w-]+)\}", word)
            if not found:
                return False
            try:
                values = {k: table.fact(table.cluster(k), found[1]) for k in keys}
            except TableError:
                return False
            if not all(v == "" or (learning and v == STAND_IN) for v in values.values()):
                return False
            pending.update((k, found[1]) for k, v in values.items() if v == STAND_IN)
            return True

        return empty

    def rows(template: str) -> list[str]:
        return json.loads(template) if json_lists else template.split("\n")

    def text(rows_: list[str]) -> str:
        return json.dumps(rows_) if json_lists else "\n".join(rows_)

    ranked = [t for t, _n in Counter(templates.values()).most_common()]
    assumed: set[tuple[str, str]] = set()
    merged_rows = rows(ranked[0])
    members = [k for k, t in templates.items() if t == ranked[0]]
    for other in ranked[1:]:
        theirs = rows(other)
        keys = [k for k, t in templates.items() if t == other]
        if len(theirs) != len(merged_rows):
            continue
        lines = [
            _merge_line(m, t, placeholder_empty_on(members), placeholder_empty_on(keys))
            for m, t in zip(merged_rows, theirs, strict=True)
        ]
        if all(row is not None for row in lines):
            merged_rows, members = [row for row in lines if row is not None], members + keys
            assumed |= pending
        pending.clear()
    merged = text(merged_rows)
    out = dict(templates)
    for key in members:  # as the table renders it there: the text the cluster showed
        mine = frozenset(name for k, name in assumed if k == key)
        shown = [without_empty(row, table, table.cluster(key), mine) for row in merged_rows]
        if text(shown) == templates[key]:
            out[key] = merged
            for name in mine:
                learner.learn_fact(name, key, "", line)  # type: ignore[union-attr]
    return out


def drifted(
    templates: dict[str, str], table: Table, *, json_lists: bool
) -> list[tuple[str, str, str]]:
    """(cluster, fact, value shown) where a cluster's line shows a value in the place the
    most common line has a fact of the table (``-A {allocation}``) and the value is not
    the table's for that cluster: a page older or newer than the table, which the
    teacher should hear about (the cluster's line is kept as shown)."""
    common = Counter(templates.values()).most_common(1)[0][0]

    def rows(template: str) -> list[str]:  # a script's `#!` row is a row: they line up
        found = json.loads(template) if json_lists else template.split("\n")
        return [b for b in (without_comment(r, shebang=True) for r in found) if b]

    out = []
    for key, mine in templates.items():
        if mine == common or len(rows(mine)) != len(rows(common)):
            continue
        cluster = table.cluster(key)
        for theirs, ours in zip(rows(common), rows(mine), strict=True):
            a, b = theirs.split(), ours.split()
            for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
                if tag != "replace" or i2 - i1 != 1 or j2 - j1 != 1:
                    continue  # one word in place of one, between the same words
                for word, shown in zip(a[i1:i2], b[j1:j2], strict=True):
                    slot = re.fullmatch(r"(.*?)(?<!\{)\{([\w-]+)\}(?!\})(.*)", word)
                    if not slot or not shown.startswith(slot[1]) or not shown.endswith(slot[3]):
                        continue
                    value = shown[len(slot[1]) : len(shown) - len(slot[3])]
                    try:
                        fact = table.fact(cluster, slot[2])
                    except TableError:
                        continue
                    if value and fact and value != fact and "{" not in value:
                        out.append((key, slot[2], value))
    return out


def as_shown_where_alike(
    templates: dict[str, str], table: Table, *, json_lists: bool
) -> dict[str, str]:
    """The clusters' templates, where one cluster's line holds a fact of the table in
    the place another's shows that fact's value as written (``python -m venv
    {venv_flags}`` on a cluster whose ``venv_flags`` is ``--system-site-packages``, the
    flag as written where the table's ``venv_flags`` is empty), with the value as
    written: every cluster showed it, and the fact would show the others another."""

    def rows(template: str) -> list[str]:
        return json.loads(template) if json_lists else template.split("\n")

    def text(rows_: list[str]) -> str:
        return json.dumps(rows_) if json_lists else "\n".join(rows_)

    out = dict(templates)
    for literal in dict.fromkeys(templates.values()):
        for mine in dict.fromkeys(out.values()):
            keys = [k for k, t in out.items() if t == mine]
            # row by row, a comment row one of them has aside (it is folded later)
            written = rows(mine)
            places = [i for i, row in enumerate(written) if not _comment_row(row)]
            theirs = [row for row in rows(literal) if not _comment_row(row)]
            if mine == literal or len(places) != len(theirs):
                continue
            clusters = [table.cluster(k) for k in keys]
            for place, shown in zip(places, theirs, strict=True):
                # the cluster's own value is what it shows either way
                if _as_written(written[place], shown, clusters, table) == shown:
                    written[place] = shown
            out.update(dict.fromkeys(keys, text(written)))
    return out


def _comment_row(row: str) -> bool:
    """A row that is a comment alone (``#!`` and ``#SBATCH`` rows are none)."""
    bare = row.strip()
    return bare.startswith("#") and not bare.startswith(("#!", "#SBATCH"))


def _as_written(ours: str, theirs: str, clusters: list[Cluster], table: Table) -> str | None:
    """``ours`` with each placeholder that stands where ``theirs`` shows a word written
    as that word, when the fact's value is that word on each of ``clusters``."""
    a, b = ours.split(" "), theirs.split(" ")
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += a[i1:i2]
            continue
        if tag != "replace" or i2 - i1 != 1:
            return None
        slot = re.fullmatch(r"(.*?)(?<!\{)\{([\w.-]+)\}(?!\})(.*)", a[i1])
        shown = " ".join(b[j1:j2])
        if not slot or not shown.startswith(slot[1]) or not shown.endswith(slot[3]):
            return None
        value = shown[len(slot[1]) : len(shown) - len(slot[3])]
        try:
            if any(table.fact(c, slot[2]) != value for c in clusters):
                return None
        except TableError:
            return None
        out.append(shown)
    return " ".join(out)
