"""Where a block's rows are in a file: each row's line, by its text.

Sphinx keeps no line for the rows of a block read from another file, or a line counted
from elsewhere: the rows are looked for in the file, compared without surrounding
whitespace (``:dedent:``, indented directive content). Used by :mod:`.includes` and
:mod:`.docstrings`, which also find a class or function in a file's syntax tree here
(:func:`definition`: ``:pyobject:``, a docstring's owner).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Rows times file lines beyond which rows are not matched (the block keeps its page's
#: place): a hostile include of a huge file of equal lines must not hang the build.
MATCH_BUDGET = 20_000_000


@dataclass(frozen=True)
class Location:
    """Where a block is edited: ``path`` (absolute), its first row's line, each row's line
    when they are not consecutive, and what pulled it in when reported there."""

    path: str
    line: int
    rows: tuple[int, ...] = ()
    within: str = ""


@dataclass
class SourceFiles:
    """The files one page's blocks come from, read once per collection (not kept across
    builds: a file may change between them)."""

    _lines: dict[str, list[str]] = field(default_factory=dict)
    _trees: dict[str, ast.Module | None] = field(default_factory=dict)

    def lines(self, path: str) -> list[str]:
        """The file's lines ([] when it cannot be read)."""
        if path not in self._lines:
            try:
                text = Path(path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self._lines[path] = text.expandtabs().splitlines()
        return self._lines[path]

    def tree(self, path: str) -> ast.Module | None:
        """The Python file's syntax tree (None when it does not parse)."""
        if path not in self._trees:
            try:
                self._trees[path] = ast.parse("\n".join(self.lines(path)))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._trees[path] = None
        return self._trees[path]


def _run_at(have: Sequence[str], want: Sequence[str], lo: int, hi: int) -> int | None:
    """Where ``want`` starts as consecutive lines of ``have[lo:hi]`` (first such place)."""
    count = len(want)
    for start in range(lo, hi - count + 1):
        if have[start] == want[0] and list(have[start : start + count]) == list(want):
            return start
    return None


def match_rows(
    rows: Sequence[str], lines: Sequence[str], lo: int = 0, hi: int | None = None
) -> tuple[int, ...] | None:
    """The 1-based line in ``lines`` (within ``lines[lo:hi]``) of each row, compared
    without surrounding whitespace; None when most rows are not there. Preferred: all rows
    as one run, then each row found in order, then a run without a first (prepended) or
    last (appended) row, then most rows found in order."""
    hi = len(lines) if hi is None else hi
    count = len(rows)
    if count * max(0, hi - lo) > MATCH_BUDGET:
        return None
    want = [row.strip() for row in rows]
    have = [line.strip() for line in lines]
    return (
        _as_run(want, have, lo, hi, ((0, count),))
        or _picked_apart(want, have, lo, hi, share=1.0)
        or _as_run(want, have, lo, hi, ((1, count), (0, count - 1), (1, count - 1)))
        or _picked_apart(want, have, lo, hi, share=0.5)
    )


def _as_run(
    want: list[str], have: list[str], lo: int, hi: int, parts: Sequence[tuple[int, int]]
) -> tuple[int, ...] | None:
    """The rows ``want[first:last]`` as consecutive lines, for the first (first, last) of
    ``parts`` that is; the rows left out at their nearest neighbour's line."""
    count = len(want)
    for first, last in parts:
        part = want[first:last]
        if not any(part):
            continue
        start = _run_at(have, part, lo, hi)
        if start is not None:
            inside = [start + 1 + i for i in range(len(part))]
            return tuple([inside[0]] * first + inside + [inside[-1]] * (count - last))
    return None


def _picked_apart(
    want: list[str], have: list[str], lo: int, hi: int, share: float
) -> tuple[int, ...] | None:
    """Each row at the next line holding it (``:lines: 3,7-9``), when at least ``share`` of
    the written rows are found; a blank row right after the row before it, a row not found
    at its neighbour's line."""
    found: list[int | None] = []
    at = lo
    for row in want:
        hit = None
        if row:
            hit = next((i for i in range(at, hi) if have[i] == row), None)
        elif found and found[-1] is not None and found[-1] < hi:
            hit = found[-1]  # 0-based index of the line after the previous row
        found.append(None if hit is None else hit + 1)
        if hit is not None:
            at = hit + 1
    written = sum(1 for row in want if row)
    matched = sum(1 for row, line in zip(want, found, strict=True) if row and line)
    if not written or matched < share * written:
        return None
    lines: list[int] = []
    for line in found:
        lines.append(line if line is not None else (lines[-1] if lines else 0))
    first = next(line for line in lines if line)
    return tuple(line or first for line in lines)


def _consecutive(rows: tuple[int, ...]) -> bool:
    return all(b == a + 1 for a, b in itertools.pairwise(rows))


def at_rows(path: str, rows: tuple[int, ...]) -> Location:
    """A block in ``path`` at ``rows``; the row lines kept only when not consecutive."""
    return Location(path, rows[0], () if _consecutive(rows) else rows)


def definition(tree: ast.Module, qualname: Sequence[str]) -> ast.AST | None:
    """The class or function ``qualname`` names in the module (nested by dots)."""
    scope: ast.AST = tree
    for name in qualname:
        body = getattr(scope, "body", [])
        scope = next(
            (
                item
                for item in body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                and item.name == name
            ),
            None,
        )
        if scope is None:
            return None
    return scope
