"""The line of a literal block's first row, where the doctree gives the line before it.

MyST code fences carry their opening fence's line (:mod:`.fences` tells a fence). And
literal blocks other extensions' directives make carry the directive's line.

sphinx-tabs' ``code-tab`` (and any directive that renders its content as a literal
block the way Sphinx's ``code-block`` does) gives the block the line of ``.. code-tab::``,
not of its first command, and the extension is not ours to subclass as :mod:`.codeblock`
does Sphinx's own. This transform, run as each page is read, looks at the line an RST
page's literal block names: when that line opens a directive, the directive's option
lines and blank lines are skipped, and the next line is the block's first line, kept as
``hpc_content_line`` only when it is the block's first row (so a block whose text comes
from elsewhere, a ``literalinclude``, keeps the directive's line).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from .fences import is_fence_opening, markdown_suffixes

#: An RST directive's first line: ``.. name::`` (a domain's ``.. py:function::`` too).
DIRECTIVE = re.compile(r"^\s*\.\. [\w:.-]+::")
#: An option line of a directive: ``:name:`` and its value.
OPTION = re.compile(r"^\s+:[\w-]+:")
#: How far below its directive a block's first row is looked for.
MOST_OPTION_LINES = 40


def first_content_line(lines: list[str], line: int, first_row: str) -> int | None:
    """The 1-based line of the content of the directive at ``line`` when it is
    ``first_row`` (options and blank lines skipped), else None."""
    if not 0 < line <= len(lines) or not DIRECTIVE.match(lines[line - 1]):
        return None
    for index in range(line, min(len(lines), line + MOST_OPTION_LINES)):
        text = lines[index]
        if not text.strip() or OPTION.match(text):
            continue
        return index + 1 if text.strip() == first_row.strip() else None
    return None


#: How far above its opening fence myst-parser may place a fence nested in a directive of
#: sphinx-tabs (``{tab}``, ``{group-tab}``): the directive hands it its content less the
#: first line (the tab's title) at that first line's offset, and myst-parser counts from
#: the offset where docutils counts from the lines themselves.
MOST_NESTED_SHIFT = 3


def fence_content_line(lines: list[str], line: int, first_row: str) -> int | None:
    """The 1-based line of a MyST fence's first row: the line after ``line`` when it is
    the opening fence; else the line after the next opening fence a few lines below,
    when that line is ``first_row``; else None."""
    if not 0 < line <= len(lines):
        return None
    if is_fence_opening(lines[line - 1]):
        return line + 1
    for opening in range(line + 1, min(len(lines), line + MOST_NESTED_SHIFT) + 1):
        if is_fence_opening(lines[opening - 1]):
            below = lines[opening] if opening < len(lines) else ""
            return opening + 1 if below.strip() == first_row.strip() else None
    return None


class ContentLines(SphinxTransform):
    """Record the first content line of literal blocks that carry the line before it: a
    MyST code fence's opening line (:mod:`.fences`), an RST directive's line."""

    default_priority = 100  # early: before anything moves or copies literal blocks

    def apply(self, **kwargs: object) -> None:
        markdown = markdown_suffixes(self.config.source_suffix)
        files: dict[str, list[str]] = {}
        for node in self.document.findall(nodes.literal_block):
            source, line = node.source, node.line
            if "hpc_content_line" in node or "hpc_cluster" in node or not source or not line:
                continue  # recorded already, or a step's block: its rows are the table's
            fence = bool(markdown) and source.endswith(markdown)
            # Any other page is RST, whatever its suffix (Django's are `.txt`): the
            # directive and first-row test below decides.
            if not fence and not node.astext().strip():
                continue
            if source not in files:
                try:
                    files[source] = Path(source).read_text(encoding="utf-8").splitlines()
                except (OSError, UnicodeDecodeError):
                    files[source] = []
            lines = files[source]
            first_row = node.astext().lstrip("\n").split("\n", 1)[0]
            if fence:
                found = fence_content_line(lines, line, first_row)
            else:
                found = first_content_line(lines, line, first_row)
            if found:
                node["hpc_content_line"] = found


def setup(app: Sphinx) -> None:
    """Register the transform (one per page read, for both formats)."""
    app.add_transform(ContentLines)
