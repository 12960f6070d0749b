"""Code blocks no builder can reach: inside a directive nobody registered.

docutils turns an unknown directive (``.. exercise::`` without the extension that defines
it) into an error message holding the directive's source as a literal block; Sphinx then
drops that message from the doctree (unless ``keep_warnings``), so the blocks inside are
silently gone. :class:`RecordUnreached` runs while a document is read, before Sphinx's
filter: it records each code block in such a directive's source on the document
(``document["hpc_unreached"]``, pickled with the doctree), and :func:`unreached_blocks`
hands them to the checking builders, which count and list them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docutils import nodes
from docutils.transforms import Transform

from .collect import has_shell_prompt

ATTRIBUTE = "hpc_unreached"
_UNKNOWN = re.compile(r'^Unknown directive type ["\u201c]?([^"\u201d]+?)["\u201d]?\.?$')
_CODE = re.compile(
    r"^(?P<indent>\s*)\.\.\s+(?:code-block|code|sourcecode|prompt)::\s*(?P<lang>\S*)"
)
_OPTION = re.compile(r"^\s*:[\w-]+:")


@dataclass(frozen=True)
class Unreached:
    """A code block inside an unknown directive: where, in what language, inside what."""

    source: str
    line: int
    language: str
    directive: str
    has_prompt: bool


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip())


def _content(rows: list[str], start: int) -> str:
    """The body of the directive or literal block that starts at ``rows[start]``: the
    rows after it indented deeper, options left out."""
    base = _indent(rows[start])
    body = []
    for row in rows[start + 1 :]:
        if row.strip() and _indent(row) <= base:
            break
        if not body and _OPTION.match(row):
            continue
        body.append(row)
    lines = [r for r in body if r.strip()]
    cut = min((_indent(r) for r in lines), default=0)
    return "\n".join(r[cut:] for r in body).strip("\n")


def code_blocks(text: str) -> list[tuple[int, str, bool]]:
    """The code blocks in a directive's source: (row, language, a line has a prompt)."""
    rows = text.split("\n")
    found = []
    for row, line in enumerate(rows):
        match = _CODE.match(line)
        if match:
            found.append((row, match["lang"] or "default", has_shell_prompt(_content(rows, row))))
        elif line.rstrip().endswith("::") and not line.lstrip().startswith(".."):
            found.append((row, "default", has_shell_prompt(_content(rows, row))))
    return found


class RecordUnreached(Transform):
    """Record the code blocks of unknown directives before their message is dropped."""

    # Before sphinx.transforms.DoctreeReadEvent (880), which hands the doctree to
    # blockcache, and FilterSystemMessages (999), which drops the messages.
    default_priority = 870

    def apply(self, **kwargs: object) -> None:
        found: list[list[object]] = list(self.document.get(ATTRIBUTE, []))
        for message in self.document.findall(nodes.system_message):
            first = message.children[0] if message.children else None
            match = _UNKNOWN.match(first.astext()) if first is not None else None
            literal = message.next_node(nodes.literal_block)
            if match is None or literal is None:
                continue
            start = int(message.get("line") or 0)
            source = str(message.get("source") or self.document.get("source") or "")
            for row, language, prompt in code_blocks(literal.astext()):
                found.append([source, start + row, language, match.group(1), prompt])
        if found:
            self.document[ATTRIBUTE] = found


def unreached_blocks(doctree: nodes.document) -> list[Unreached]:
    """The code blocks :class:`RecordUnreached` found in this document."""
    return [
        Unreached(str(source), int(line), str(language), str(directive), bool(prompt))
        for source, line, language, directive, prompt in doctree.get(ATTRIBUTE, [])
    ]
