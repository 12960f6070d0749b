"""The facts :mod:`.learn` read from a page, written into the table text: each in its
cluster's section (a module set among its module sets), each line marked for the
teacher to check; and listed for the report and a dry run."""

from __future__ import annotations

import re

from ..table import Table, TableError
from .learn import Learned
from .model import ONE_NAME, STAND_IN
from .tabletext import toml_key, toml_value

#: What marks a fact read from a page, until the teacher has checked it.
MARK = "by hpccourse migrate: check it"
#: A fact on one line, ``name = "value"`` (a comment after it): one migrate may rewrite.
SIMPLE = re.compile(r'\s*[\w.-]+\s*=\s*"[^"\\]*"\s*(?:#.*)?$')
NEW_KEY = re.compile(r"\s*(?:\[|[\w\"'.-]+\s*=)")


def unchecked(text: str, table: Table) -> frozenset[tuple[str, str]]:
    """(cluster, fact) of the facts (``modules.NAME`` for a module set) ``text`` (the
    table's text) still marks as read by migrate and not checked (the mark on the fact's
    line, or on a multi-line value's last line)."""
    lines = text.split("\n")
    found = set()
    for cluster in table.clusters:
        for name in [*cluster.facts, *(f"modules.{m}" for m in cluster.modules)]:
            start = cluster.lines.get(name, 0)
            for number in range(start, min(start + 50, len(lines) + 1)) if start else ():
                row = lines[number - 1]
                if number > start and NEW_KEY.match(row):
                    break
                if MARK in row:
                    found.add((cluster.key, name))
                    break
    return frozenset(found)


def migrates_own(held: frozenset[tuple[str, str]], table: Table) -> frozenset[tuple[str, str]]:
    """Of the unchecked facts ``held``, those whose name only migrate gave (a step's
    output, a module set it named): each stays the page's own that read it. A fact the
    teacher gives some cluster unmarked (a login host, ``venv_flags``), read from an
    added cluster's tab, is that cluster's fact on every page; where a page shows
    another value, that cluster's block there does not fit the shared list."""
    teachers = {
        name
        for c in table.clusters
        for name in [*c.facts, *(f"modules.{m}" for m in c.modules)]
        if (c.key, name) not in held
    }
    return frozenset((key, name) for key, name in held if name not in teachers)


def with_learned(text: str, table: Table, learned: Learned, page: str) -> str:
    """``text`` (the table ``table`` was loaded from) with the learned facts written into
    their clusters' sections, each line marked for the teacher."""
    if not learned:
        return text
    lines = text.split("\n")
    inserts: dict[int, list[str]] = {}
    for cluster in table.clusters:
        mark = "  # read from {} " + MARK
        for name, values in learned.facts.items():
            if cluster.key in values:
                line = learned.lines[name]
                row = f"{toml_key(name)} = {toml_value(values[cluster.key])}"
                stand_in = STAND_IN in cluster.facts.get(name, "")
                where = cluster.lines.get(name, 0) if stand_in else 0
                if 0 < where <= len(lines) and SIMPLE.match(lines[where - 1]):
                    lines[where - 1] = row + mark.format(f"{page}:{line}")  # a stand-in
                    continue
                where = _anchor(lines, cluster.lines.get("label", 0), "label", table, cluster.key)
                inserts.setdefault(where, []).append(
                    f"{toml_key(name)} = {toml_value(values[cluster.key])}"
                    + mark.format(f"{page}:{line}")
                )
        for name, sets in learned.modules.items():
            if cluster.key not in sets:
                continue
            first = next(iter(cluster.modules), "")
            where = cluster.lines.get(f"modules.{first}", 0) if first else 0
            row = lines[where - 1].lstrip() if 0 < where <= len(lines) else ""
            if row.startswith("modules."):
                key = f"modules.{toml_key(name)}"
            elif first and row.startswith(toml_key(first)):
                key = toml_key(name)
            else:
                raise TableError(
                    f"cannot write the module set {name!r} learned from {page} into cluster "
                    f"{cluster.key!r}: give it a [clusters.{cluster.key}.modules] table",
                    table.source,
                    cluster.line,
                )
            inserts.setdefault(where, []).append(
                f"{key} = {toml_value(sets[cluster.key])}"
                + mark.format(f"{page}:{learned.lines[f'modules.{name}']}")
            )
        _tree_entries(lines, inserts, table, cluster.key, learned, page, mark)
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        out += inserts.get(number, [])
        out.append(line)
    return "\n".join([*out, *inserts.get(len(lines) + 1, [])])


def _tree_entries(
    lines: list[str],
    inserts: dict[int, list[str]],
    table: Table,
    key: str,
    learned: Learned,
    page: str,
    mark: str,
) -> None:
    """A cluster that declares its ``[module_tree]`` names every module of its sets
    there: each learned module it lacks is written in as visible at once (``{}``), marked
    for the teacher, who knows where Lmod really shows it."""
    cluster = table.cluster(key)
    if not cluster.module_tree.declared:
        return
    new: dict[str, str] = {}
    for name, sets in learned.modules.items():
        for module in sets.get(key, ()):
            if cluster.module_tree.get(module) is None:
                new.setdefault(module, learned.lines[f"modules.{name}"])
    if not new:
        return
    header = re.compile(rf"\s*\[\s*clusters\.{re.escape(key)}\.module_tree\s*\]\s*(?:#.*)?$")
    where = next((n for n, row in enumerate(lines, start=1) if header.match(row)), 0)
    if not where:
        raise TableError(
            f"cannot write the modules learned from {page} into the module tree of cluster "
            f"{key!r}: give it a [clusters.{key}.module_tree] table",
            table.source,
            cluster.line,
        )
    inserts.setdefault(where + 1, []).extend(
        f"{toml_key(module)} = {{}}" + mark.format(f"{page}:{line}") for module, line in new.items()
    )


def _anchor(lines: list[str], where: int, name: str, table: Table, key: str) -> int:
    """The line ``where`` when it holds ``name = ...`` plainly (a line to write before)."""
    if 0 < where <= len(lines) and lines[where - 1].lstrip().startswith(name):
        return where
    raise TableError(
        f"cannot write the facts learned from the page into cluster {key!r}: write its "
        f"{name} as '{name} = ...' in [clusters.{key}]",
        table.source,
        table.cluster(key).line,
    )


def describe(learned: Learned) -> list[str]:
    """The learned facts, one line each, for the report and a dry run."""
    out = []
    for name, values in learned.facts.items():
        shown = ", ".join(f"{k}: {v!r}" for k, v in values.items())
        out.append(f"{{{name}}} ({shown})")
    for name, sets in learned.modules.items():
        shown = ", ".join(f"{k}: {' '.join(v)}" for k, v in sets.items())
        out.append(f"{{modules.{name}}} ({shown})")
    return out


def with_names(
    text: str,
    table: Table,
    named: list[tuple[str, dict[str, str], int]],
    page: str,
    source: str = "from the tab's label",
) -> tuple[str, list[tuple[int, str]]]:
    """``text`` (the table ``table`` was loaded from) with the facts a page gives
    clusters written over their stand-ins (names: :func:`.clusternames.cluster_names`; other
    facts a tab shows: :func:`.tabfacts.stand_ins_read`), each line marked for the
    teacher; and the report's remarks (line, text)."""
    lines = text.split("\n")
    said = []
    gone: set[int] = set()
    added: dict[int, list[str]] = {}  # line number -> facts the cluster lacked, after it
    remark = f"# {ONE_NAME}"
    for key, facts, line in named:
        cluster = table.cluster(key)
        for name, value in facts.items():
            row = f"{toml_key(name)} = {toml_value(value)}  # read from {page}:{line} {MARK}"
            where = cluster.lines.get(name, 0)
            if name not in cluster.facts and "." not in name and 0 < cluster.line <= len(lines):
                added.setdefault(_after_heading(lines, cluster.line), []).append(row)
            elif 0 < where <= len(lines) and SIMPLE.match(lines[where - 1]):
                lines[where - 1] = row
            else:
                continue
            said.append((line, f"cluster {key!r}: its {name} {value!r} read {source}"))
        if {"center", "cluster"} & set(facts):  # its two names now: none to check
            end = _section_end(lines, cluster.line)
            gone |= {n for n in range(cluster.line + 1, end) if lines[n - 1].strip() == remark}
    rows = []
    for number, row in enumerate(lines, start=1):
        rows += [] if number in gone else [row]
        rows += added.get(number, [])
    return "\n".join(rows), said


def _after_heading(lines: list[str], start: int) -> int:
    """The line number of a section's heading at ``start``, or of the comments right
    below it: where a fact the section lacked is written."""
    number = start
    while number < len(lines) and lines[number].lstrip().startswith("#"):
        number += 1
    return number


def _section_end(lines: list[str], start: int) -> int:
    """The line number of the table header after the one at line ``start``."""
    for number in range(start + 1, len(lines) + 1):
        if lines[number - 1].lstrip().startswith("["):
            return number
    return len(lines) + 1
