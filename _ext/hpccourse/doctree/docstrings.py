"""Where a console block of a docstring autodoc pulled in is edited.

Sphinx names such a block's source ``FILE:docstring of NAME`` and counts its line inside
the docstring. A docstring of the project's own code (under the project's top folder,
not installed) is reported at its file, the rows matched inside the docstring (napoleon
and signature lines shift Sphinx's count); any other (an installed package, which nobody
here edits) at the page, or included file, holding the autodoc directive that pulled it
in, at that directive's line, ``within`` naming the docstring.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Sequence
from pathlib import Path

from docutils import nodes

from ..console.lines import split_lines
from .rows import Location, SourceFiles, at_rows, definition, match_rows

#: Sphinx's source name for a docstring's lines.
DOCSTRING = re.compile(r"^(?P<path>.+?):docstring of (?P<name>\S+)$")

#: An autodoc directive's first line, RST or MyST (``.. automodule:: pkg.mod``,
#: ```` ```{autofunction} pkg.f ````, ``:::{autoclass} C``), and its argument.
AUTODOC = re.compile(r"^\s*(?:\.\.\s+auto\w+::|(?:`{3,}|~{3,}|:{3,})\s*\{auto\w+\})\s*(\S+)")

#: Folders whose files are installed, never the project's own.
INSTALLED = frozenset({"site-packages", "dist-packages"})

#: Files that mark a project's top folder.
PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")


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


def _is_string(node: ast.AST) -> bool:
    """Whether ``node`` is a string standing alone (a docstring, or an attribute's)."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def docstring_span(tree: ast.Module, name: str) -> tuple[int, int] | None:
    """The 0-based [first, last) file lines of ``name``'s docstring (dotted: module part,
    then the qualified name); None when the file does not hold it."""
    parts = name.split(".")
    for start in range(1, len(parts) + 1):
        found = definition(tree, parts[start:]) if start < len(parts) else tree
        body = getattr(found, "body", None)
        if not body:
            continue
        first = body[0]
        if _is_string(first):
            return first.lineno - 1, first.end_lineno or first.lineno
    return None


#: A doc-comment's mark, ``#:`` (and the blank after it), as autodoc reads it.
_DOC_COMMENT = re.compile(r"^\s*#: ?")


def attribute_span(tree: ast.Module, name: str, lines: Sequence[str]) -> tuple[int, int] | None:
    """The 0-based [first, last) file lines of the documentation of the attribute ``name``
    (dotted, as :func:`docstring_span`): its ``#:`` comment rows above the assignment, or
    the string right after it; None when the file assigns no such name."""
    parts = name.split(".")
    for start in range(1, len(parts)):
        scope = definition(tree, parts[start:-1]) if start < len(parts) - 1 else tree
        body = list(getattr(scope, "body", []))
        for index, item in enumerate(body):
            if not _assigns(item, parts[-1]):
                continue
            after = body[index + 1] if index + 1 < len(body) else None
            if after is not None and _is_string(after):
                return after.lineno - 1, after.end_lineno or after.lineno
            first = item.lineno - 1
            while first > 0 and _DOC_COMMENT.match(lines[first - 1]):
                first -= 1
            return (first, item.lineno - 1) if first < item.lineno - 1 else None
    return None


def _assigns(item: ast.stmt, name: str) -> bool:
    """Whether ``item`` assigns ``name`` (``NAME = ...``, ``NAME: T = ...``)."""
    if isinstance(item, ast.Assign):
        return any(isinstance(t, ast.Name) and t.id == name for t in item.targets)
    return isinstance(item, ast.AnnAssign) and getattr(item.target, "id", None) == name


def without_comment_marks(lines: Sequence[str]) -> list[str]:
    """``lines`` with each doc-comment's ``#:`` taken off, as autodoc shows its rows."""
    return [_DOC_COMMENT.sub("", line, count=1) for line in lines]


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
        attribute = attribute_span(tree, name, lines) if tree is not None and not found else None
        if attribute:  # `#: ...` rows above `NAME = ...`, or a string after it
            found = match_rows(rows, without_comment_marks(lines), *attribute)
        found = found or match_rows(rows, lines)
        if found:
            return at_rows(path, found)
    page, fallback = _holder(node)
    if not page:
        return None
    at = directive_line(files.lines(page), name) or fallback
    return Location(page, at, (at,) * len(rows), f"the docstring of {name}")
