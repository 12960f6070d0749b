"""Notebooks read by ``hpccourse check`` when the course's notebook reader is missing here.

A course may read its ``.ipynb`` pages with nbsphinx or myst-nb (sphinx-lesson brings
it); when that extension cannot be imported, the check reads each notebook itself: its
Markdown cells as MyST, its code cells as fenced blocks in the kernel's language, and a
``%%bash`` (``%%sh``, ``%%script bash``) cell as a ``bash`` block. Outputs are left out,
nothing is executed. Each line keeps the line of the ``.ipynb`` file it came from (a
notebook is JSON that writes each source line on a line of its own), so a finding names
the notebook and that line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from docutils import nodes
from myst_parser.parsers.sphinx_ import MystParser
from myst_parser.sphinx_ext.main import setup_sphinx
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: The kind of source the check's notebook parser reads (what ``.ipynb`` is mapped to).
KIND = "hpccourse-notebook"

#: A cell magic that makes a code cell shell code, and the language it is.
SHELL_MAGICS = {"%%bash": "bash", "%%sh": "sh", "%%script bash": "bash", "%%script sh": "sh"}


class NotebookError(ValueError):
    """A file that is no notebook (not JSON, no cells)."""


def _source_lines(cell: dict[str, Any]) -> list[str]:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(part for part in source if isinstance(part, str))
    return str(source).split("\n")


def _field(data: Any, *keys: str) -> str:
    """The string at ``data[keys[0]][keys[1]]...``, "" where a level is missing or is
    no mapping (a notebook's metadata is the author's JSON, any shape)."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, str) else ""


class _Lines:
    """Where each source line of a notebook is in the ``.ipynb`` file: each line is
    found as the JSON string nbformat writes for it, from where the last one was."""

    def __init__(self, raw: str) -> None:
        self.rows = raw.split("\n")
        self.at = 0  # the index of the row the last line was found on

    def find(self, line: str, last: bool) -> int:
        """The 1-based file line of a cell's source ``line`` (``last``: the cell's last
        line, written without its newline); where the search stands when not found (a
        notebook written on one line, say)."""
        text = line if last else line + "\n"
        wanted = {json.dumps(text, ensure_ascii=False), json.dumps(text)}
        for index in range(self.at, len(self.rows)):
            stripped = self.rows[index].strip().rstrip(",")
            if stripped in wanted:
                self.at = index + 1
                return index + 1
        return self.at or 1


def notebook_text(raw: str) -> tuple[str, list[int]]:
    """A notebook's cells as MyST text, and per line of it the ``.ipynb`` line it comes
    from (a fence's line is its first row's)."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise NotebookError(f"not a notebook: line {error.lineno}: {error.msg}") from error
    if not isinstance(data, dict) or not isinstance(data.get("cells", []), list):
        raise NotebookError("not a notebook: no list of cells")
    kernel = _field(data, "metadata", "kernelspec", "language") or _field(
        data, "metadata", "language_info", "name"
    )
    language = kernel if re.fullmatch(r"[\w+.-]+", kernel) else "python"
    found = _Lines(raw)
    text: list[str] = []
    origin: list[int] = []
    for cell in data.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("markdown", "code"):
            continue
        rows = _source_lines(cell)
        places = [found.find(row, i == len(rows) - 1) for i, row in enumerate(rows)]
        if cell["cell_type"] == "markdown":
            text += rows
            origin += places
        else:
            fence_language, body, at = language, rows, places
            magic = rows[0].strip() if rows else ""
            if magic in SHELL_MAGICS:
                fence_language, body, at = SHELL_MAGICS[magic], rows[1:], places[1:]
            if not any(row.strip() for row in body):
                continue
            fence = "`" * max(3, _longest_backticks(body) + 1)
            text += [f"{fence}{fence_language}", *body, fence]
            origin += [at[0], *at, at[-1]]
        text.append("")  # cells apart: a paragraph never runs on into the next cell
        origin.append(origin[-1] if origin else 1)
    return "\n".join(text), origin


def _longest_backticks(rows: Sequence[str]) -> int:
    longest = 0
    for row in rows:
        stripped = row.lstrip()
        run = len(stripped) - len(stripped.lstrip("`"))
        longest = max(longest, run)
    return longest


def _relocate(document: nodes.document, origin: list[int]) -> None:
    """Each node's line in the text made of the cells, as the notebook's line; a fenced
    block records its first row's (``hpc_content_line``), as the fence transform does."""
    for node in document.findall(nodes.Element):
        line = node.line
        if not line or not 0 < line <= len(origin):
            continue
        if isinstance(node, nodes.literal_block) and line < len(origin):
            node["hpc_content_line"] = origin[line]  # the row after the fence
        node.line = origin[line - 1]


class NotebookParser(MystParser):
    """A notebook's cells, read with myst-parser (see the module's docstring)."""

    supported = (KIND,)

    def parse(self, inputstring: str, document: nodes.document) -> None:
        try:
            text, origin = notebook_text(inputstring)
        except NotebookError as error:
            logger.warning("%s", error, location=document.get("source"), type="hpccourse")
            text, origin = "", []  # an empty page: myst-parser still sets its settings up
        super().parse(text, document)
        _relocate(document, origin)


def setup(app: Sphinx) -> dict[str, Any]:
    """``.ipynb`` pages read by :class:`NotebookParser`; myst-parser's settings set up as
    myst-nb sets them up, without its reader of ``.md`` pages (a course that reads none
    keeps its README.md out)."""
    if "myst_parser" not in app.extensions:
        setup_sphinx(app, load_parser=False)
    app.add_source_suffix(".ipynb", KIND, override=True)
    app.add_source_parser(NotebookParser, override=True)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
