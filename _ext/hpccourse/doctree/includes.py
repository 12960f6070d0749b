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
- a docstring: its file when it is the project's own, else the autodoc directive that
  pulled it in (:mod:`.docstrings`).

Rows are found in a file by :mod:`.rows`.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes

from ..console.lines import split_lines
from .docstrings import DOCSTRING, docstring
from .includeopts import directive_options, selected_lines
from .rows import Location, SourceFiles, at_rows, match_rows


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
    return at_rows(path, found) if found else None


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
    return at_rows(source, found) if found else None


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
