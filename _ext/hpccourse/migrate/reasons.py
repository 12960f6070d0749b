"""Why a step skips a cluster, in the page's own words: a tab set that leaves a centre
out usually says why nearby ("HPC2N asks users not to use conda on Kebnekaise", "There
is no course folder on LUMI"). The sentence nearest the tab set, outside any tab set,
that names the cluster and says no (not, no, nothing, skip, ...) becomes its reason."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Words that make a sentence naming a cluster a reason it is left out.
NEGATION = re.compile(
    r"\b(?:not|no|none|nothing|never|skip|skips|without|cannot|instead|n't)\b|n't\b",
    re.IGNORECASE,
)
#: Lines that are markup, not prose: directive and fence lines, RST options.
MARKUP_LINE = re.compile(r"^\s*(?:\.\.\s|:{3,}|`{3,}|~{3,}|:[\w-]+:\s)")
INLINE = re.compile(r"``|\*\*|(?<![\w])[*_`](?=\S)|(?<=\S)[*_`](?![\w])")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")


def paragraphs(lines: Iterable[str]) -> list[str]:
    """The prose paragraphs of ``lines``, markup lines and inline markup left out."""
    text = "\n".join("" if MARKUP_LINE.match(line) else line.strip() for line in lines)
    found = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return [INLINE.sub("", p) for p in found if p]


def skip_reason(names: Iterable[str], before: list[str], after: list[str]) -> str:
    """The sentence nearest a tab set (the paragraph before it, the one after it, then
    further up) that names one of ``names`` and says no; "" if none does."""
    wanted = [n for n in {n.strip() for n in names} if n]
    above, below = paragraphs(before), paragraphs(after)
    order = [*above[-1:], *below[:1], *reversed(above[:-1])]
    for paragraph in order:
        for sentence in SENTENCE_END.split(paragraph):
            named = any(
                re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", sentence, re.IGNORECASE)
                for n in wanted
            )
            if named and NEGATION.search(sentence):
                return sentence.strip()
    return ""
