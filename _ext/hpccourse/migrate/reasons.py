"""Why a step skips a cluster, in the page's own words: a tab set that leaves a centre
out usually says why nearby ("HPC2N asks users not to use conda on Kebnekaise", "There
is no course folder on LUMI"). A short sentence in the paragraphs just around the tab
set, outside any tab set, that names the cluster and says no (not, no, nothing, skip,
...) becomes its reason; the report quotes it for the teacher to check."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .lines import LIST_ITEM

#: Words that make a sentence naming a cluster a reason it is left out.
NEGATION = re.compile(
    r"\b(?:not|no|none|nothing|never|skip|skips|without|cannot|instead|n't)\b|n't\b",
    re.IGNORECASE,
)
#: Lines that are markup, not prose: directive and fence lines, RST options, headings
#: (MyST ``#``, RST under- and overlines).
MARKUP_LINE = re.compile(
    r"^\s*(?:\.\.\s|:{3,}|`{3,}|~{3,}|:[\w-]+:\s|#{1,6}\s|([=\-~^\"'*+#])\1{2,}\s*$)"
)
#: A role, MyST (``{ref}`text <target>```) or RST (``:ref:`target```): its text stays.
ROLE = re.compile(r"(?:\{[\w:.-]+\}|:[\w:.-]+:)`(?P<text>[^`<]*?)\s*(?:<[^`>]*>)?`")
INLINE = re.compile(r"``|\*\*|(?<![\w])[*_`](?=\S)|(?<=\S)[*_`](?![\w])")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
#: The longest sentence taken as a reason (a longer one is more than a reason).
LONGEST = 200
#: How many paragraphs before the tab set are read (the nearest first), and after it.
BEFORE, AFTER = 2, 1


def paragraphs(lines: Iterable[str]) -> list[str]:
    """The prose paragraphs of ``lines`` (each list item one), markup left out."""
    rows: list[str] = []
    for line in lines:
        if MARKUP_LINE.match(line):
            rows.append("")
            continue
        if LIST_ITEM.match(line):  # each item is a sentence of its own
            rows.append("")
        rows.append(LIST_ITEM.sub("", line).strip())
    text = "\n".join(rows)
    found = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return [INLINE.sub("", ROLE.sub(_role_text, p)) for p in found if p]


def _role_text(match: re.Match[str]) -> str:
    """A role's text as the reader sees it: its title, else its target."""
    return match["text"] or match[0].split("`")[1].strip("<>")


def skip_reason(names: Iterable[str], before: list[str], after: list[str]) -> str:
    """The sentence nearest a tab set (the paragraphs just before it, the one after)
    that names one of ``names`` and says no; "" if none does."""
    wanted = [n for n in {n.strip() for n in names} if n]
    above, below = paragraphs(before), paragraphs(after)
    order = [*reversed(above[-BEFORE:]), *below[:AFTER]]
    for paragraph in order:
        for sentence in SENTENCE_END.split(paragraph):
            named = any(
                re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", sentence, re.IGNORECASE)
                for n in wanted
            )
            if named and NEGATION.search(sentence) and len(sentence) <= LONGEST:
                return sentence.strip()
    return ""
