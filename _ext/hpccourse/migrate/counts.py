"""Prose that counts the clusters ("one of the four clusters below"), on a page migrate
converts: once the page shows a step, the site checks such counts against the table
(:mod:`hpccourse.directives.clusterprose`), and ``--add-clusters`` grows the table. A
count that is the number of clusters of a step made on the page becomes the
``cluster-count`` role of that step, which shows the same word and follows the table;
a count of as many clusters as its paragraph names ("Two clusters need more: Dardel ...
and Alvis ...") counts those and stays as written (:mod:`hpccourse.table.prosenames`);
another count that is not the table's is left for the teacher, said in the report."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..table.prosenames import COUNTED, Names, counted, named_count

RST_CODE = re.compile(r"\s*\.\.\s+(?:code-block|code|sourcecode|raw|math)::")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*(\{[\w-]+\})?")


def prose(lines: list[str], syntax: str) -> list[bool]:
    """Per line, whether it is prose (not inside a literal block or a code fence)."""
    out = []
    literal_indent: int | None = None
    fence = ""
    opened: list[str] = []  # the fences of directives still open (```{tabs}), innermost last
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if syntax == "myst":
            match = FENCE.match(line)
            if fence:
                out.append(False)
                if match and match[1][0] == fence[0] and len(match[1]) >= len(fence):
                    fence = ""
                continue
            if match and not match[2] and opened and _closes(match[1], opened[-1]):
                opened.pop()  # a directive's closing fence, not a code block's opening
            elif match and (not match[2] or match[2] in ("{code-block}", "{code}")):
                fence = match[1]
                out.append(False)
                continue
            elif match:
                opened.append(match[1])
            out.append(True)
            continue
        if literal_indent is not None and (not line.strip() or indent > literal_indent):
            out.append(False)
            continue
        literal_indent = None
        if _opens_literal(line):
            literal_indent = indent
        out.append(True)
    return out


def _closes(marker: str, opening: str) -> bool:
    """Whether a bare fence ``marker`` closes the fence ``opening``: the same character,
    at least as many."""
    return marker[0] == opening[0] and len(marker) >= len(opening)


def _opens_literal(line: str) -> bool:
    """Whether an RST line opens a literal block: a code directive, or a line (not a
    directive's) ending ``::``. Tested with string methods: a pattern ``.*::\\s*$`` took
    time growing with the square of a long line."""
    stripped = line.strip()
    return bool(RST_CODE.match(line)) or (
        stripped.endswith("::") and not re.match(r"\.\.\s", stripped)
    )


def rewrite_counts(
    lines: list[str],
    syntax: str,
    step_counts: dict[str, int],
    table_count: int,
    say: Callable[[int, str], None],
    names: Names = (),
) -> list[str]:
    """``lines`` with each prose count of clusters that is a step's made on the page
    written as that step's ``cluster-count`` role, unless its paragraph names that many of
    the clusters (``names``); other wrong counts said."""
    is_prose = prose(lines, syntax)
    out = list(lines)
    i = 0
    while i < len(lines):
        if not is_prose[i] or not lines[i].strip():
            i += 1
            continue
        end = i
        while end < len(lines) and is_prose[end] and lines[end].strip():
            end += 1
        paragraph = "\n".join(lines[i:end])
        first = i

        def replace(match: re.Match[str], first: int = first, paragraph: str = paragraph) -> str:
            count = counted(match[1])
            line = first + paragraph.count("\n", 0, match.start()) + 1
            if count != table_count and names and named_count(paragraph, names) == count:
                return match[0]  # a count of the clusters the paragraph names
            step = next((k for k, n in step_counts.items() if n == count), None)
            if step is None:
                if count != table_count:
                    say(
                        line,
                        f"the prose counts {match[0]!r}, the table has {table_count}: "
                        "write the cluster-count role (by hand)",
                    )
                return match[0]
            role = f"{{cluster-count}}`{step}`" if syntax == "myst" else f":cluster-count:`{step}`"
            say(
                line,
                f"the prose's {match[1]!r} clusters written {role} (the clusters of step "
                f"{step}: the same word now, and it follows the table)",
            )
            return role + match[0][len(match[1]) :]

        out[i:end] = COUNTED.sub(replace, paragraph).split("\n")
        i = end
    return out
