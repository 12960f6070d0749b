"""Where a block from another file is edited: a literalinclude, a clipped include, a docstring.

Sphinx gives a ``literalinclude`` block (RST or MyST) the including page's line and keeps
the file only as the node's ``source`` attribute, not the options that chose its lines;
a block of a docstring autodoc pulled in gets ``FILE:docstring of NAME`` and a line
counted inside the docstring. A teacher needs the file and line to edit, so:

- an included file: the file, each row at its line there, found by matching the rows
  against the file (what ``:lines:``, ``:start-after:``, ``:start-at:``, ``:end-*:``,
  ``:pyobject:``, ``:dedent:`` kept); rows picked apart (``:lines: 3,7-9``) each at its
  own line; a ``:prepend:``ed row, which the file does not hold, at the first included
  line (it stands right before it on the page), an ``:append:``ed one at the last. The
  options, read back from the page (:mod:`.includeopts`), say which place when the same
  lines are in the file twice; without them (a page Sphinx did not read from a file),
  the first place is named;
- a block of a part included with ``:start-line:`` or ``:start-after:``: the part's
  line, which docutils counts from the clipping's start;
- a docstring in the project's own tree (a course documenting its code): that file, the
  rows matched inside the docstring (napoleon and signature lines shift Sphinx's count);
- a docstring elsewhere (an installed package nobody here edits): the page, or included
  file, holding the autodoc directive that pulled it in, at that directive's line, and
  ``within`` naming the docstring.
"""

from __future__ import annotations

import ast
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docutils import nodes

from ..console.lines import split_lines
from .includeopts import directive_options, selected_lines

#: Sphinx's source name for a docstring's lines.
DOCSTRING = re.compile(r"^(?P<path>.+?):docstring of (?P<name>\S+)$")

#: An autodoc directive's first line, RST or MyST (``.. automodule:: pkg.mod``,
#: ```` ```{autofunction} pkg.f ````, ``:::{autoclass} C``), and its argument.
AUTODOC = re.compile(r"^\s*(?:\.\.\s+auto\w+::|(?:`{3,}|~{3,}|:{3,})\s*\{auto\w+\})\s*(\S+)")

#: Folders whose files are installed, never the project's own.
INSTALLED = frozenset({"site-packages", "dist-packages"})

#: Rows times file lines beyond which rows are not matched (the block keeps its page's
#: place): a hostile include of a huge file of equal lines must not hang the build.
MATCH_BUDGET = 20_000_000

#: Files that mark a project's top folder.
PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")


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


def _at_rows(path: str, rows: tuple[int, ...]) -> Location:
    """A block in ``path`` at ``rows``; the row lines kept only when not consecutive."""
    return Location(path, rows[0], () if _consecutive(rows) else rows)


def included(node: nodes.Element, text: str, files: SourceFiles) -> Location | None:
    """Where the rows of a block read from another file (``literalinclude``, docutils'
    ``include`` with ``:literal:``/``:code:``) are in that file: by the directive's
    options when the page's text says them and the rows are there (:mod:`.includeopts`),
    else by matching the rows; None for other blocks, or when the rows are not found."""
    path = node.get("source")
    if not isinstance(path, str) or not path or DOCSTRING.match(path):
        return None
    rows = split_lines(text)
    if not rows:
        return None
    lines = files.lines(path)
    picked = _by_options(node, rows, lines, path, files)
    found = picked or match_rows(rows, lines)
    return _at_rows(path, found) if found else None


def _by_options(
    node: nodes.Element, rows: list[str], lines: list[str], path: str, files: SourceFiles
) -> tuple[int, ...] | None:
    """Each row's line as the literalinclude's options select it, when every row the
    file holds is at its line; a prepended row at the first line, an appended at the last."""
    if not node.source or not node.line:
        return None
    options = directive_options(files.lines(node.source), node.line, "literalinclude")
    if options is None:
        return None
    tree = files.tree(path) if "pyobject" in options else None
    picked = selected_lines(options, lines, tree)
    if picked is None or len(picked) != len(rows):
        return None
    for row, line in zip(rows, picked, strict=True):
        if line is not None and row.strip() != lines[line - 1].strip():
            return None
    known = [line for line in picked if line is not None]
    if not known:
        return None
    filled: list[int] = []
    for line in picked:
        filled.append(line if line is not None else (filled[-1] if filled else known[0]))
    return tuple(filled)


@functools.lru_cache(maxsize=8)
def project_root(srcdir: Path) -> Path:
    """The project's top folder: the nearest folder from the source folder up that holds
    a repository or a package's metadata; else the source folder's parent."""
    srcdir = srcdir.resolve()
    for folder in (srcdir, *srcdir.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
    return srcdir.parent


def is_own(path: str, srcdir: Path) -> bool:
    """Whether the file belongs to the project (not installed, under its top folder)."""
    resolved = Path(path).resolve()
    if INSTALLED & set(resolved.parts):
        return False
    return resolved.is_relative_to(project_root(srcdir))


def _definition(tree: ast.Module, qualname: Sequence[str]) -> ast.AST | None:
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


def docstring_span(tree: ast.Module, name: str) -> tuple[int, int] | None:
    """The 0-based [first, last) file lines of ``name``'s docstring (dotted: module part,
    then the qualified name); None when the file does not hold it."""
    parts = name.split(".")
    for start in range(1, len(parts) + 1):
        found = _definition(tree, parts[start:]) if start < len(parts) else tree
        body = getattr(found, "body", None)
        if not body:
            continue
        first = body[0]
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        ):
            return first.lineno - 1, first.end_lineno or first.lineno
    return None


def directive_line(lines: Sequence[str], name: str) -> int | None:
    """The line of the autodoc directive of ``lines`` that pulled in ``name``'s docstring:
    the one naming it (in full, then relative to a ``currentmodule``), else the nearest
    module or class holding it; the first of equals."""
    best: tuple[int, int, int] | None = None  # (kind, length, -line): the largest wins
    for number, line in enumerate(lines, 1):
        match = AUTODOC.match(line)
        if not match:
            continue
        target = match.group(1).split("(")[0]
        if name == target:
            kind = 3
        elif name.endswith("." + target):
            kind = 2
        elif name.startswith(target + "."):
            kind = 1
        elif f".{target}." in name:
            kind = 0
        else:
            continue
        found = (kind, len(target), -number)
        if best is None or found > best:
            best = found
    return -best[2] if best else None


def _holder(node: nodes.Node) -> tuple[str, int]:
    """The file and line of the nearest container of ``node`` read from a page (or an
    included RST file), not from a docstring; ("", 0) when there is none."""
    current: nodes.Node | None = node
    while current is not None:
        source = current.source
        if source and not DOCSTRING.match(source):
            return source, current.line or 0
        current = current.parent
    return "", 0


def docstring(node: nodes.Element, text: str, srcdir: Path, files: SourceFiles) -> Location | None:
    """Where a block of a docstring autodoc pulled in is edited (see the module
    docstring); None for a block that is not from a docstring."""
    match = DOCSTRING.match(node.source or "")
    if not match:
        return None
    path, name = match.group("path"), match.group("name")
    rows = split_lines(text) or [""]
    if is_own(path, srcdir):
        lines = files.lines(path)
        tree = files.tree(path) if path.endswith(".py") else None
        span = docstring_span(tree, name) if tree is not None else None
        found = match_rows(rows, lines, *span) if span else None
        found = found or match_rows(rows, lines)
        if found:
            return _at_rows(path, found)
    page, fallback = _holder(node)
    if not page:
        return None
    at = directive_line(files.lines(page), name) or fallback
    return Location(page, at, (at,) * len(rows), f"the docstring of {name}")


def clipped(
    node: nodes.Element, text: str, line: int, page: str, files: SourceFiles
) -> Location | None:
    """Where a block of a part included with ``:start-line:`` or ``:start-after:`` is:
    docutils counts the part's lines from where the clipping starts, not from the file's
    top (a known gap: "if startline != 0, line numbers are wrong"), so when the line it
    gives does not hold the block's first row, the rows are looked for from there on.
    None for a block of the page itself, one already at its line, or a ``prompt`` block
    (its text shows prompts its lines do not hold)."""
    source = node.source
    if not isinstance(node, nodes.literal_block) or not source or source == page:
        return None
    if line <= 0 or DOCSTRING.match(source):
        return None
    rows = split_lines(text)
    lines = files.lines(source)
    if not rows or not lines:
        return None
    if line <= len(lines) and lines[line - 1].strip() == rows[0].strip():
        return None
    found = match_rows(rows, lines, line - 1)
    return _at_rows(source, found) if found else None


def locate(
    node: nodes.Element, text: str, line: int, page: str, srcdir: Path, files: SourceFiles
) -> Location | None:
    """Where a block from another file is edited; None when it is where the node says
    (``line``: the block's first line as the node counts it; ``page``: the page's file)."""
    return (
        included(node, text, files)
        or docstring(node, text, srcdir, files)
        or clipped(node, text, line, page, files)
    )
