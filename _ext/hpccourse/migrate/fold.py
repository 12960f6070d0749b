"""Choosing a step's one command list (or script) among the clusters' variants.

Variants are compared without their comments (``#!/bin/bash -l`` and ``#!/bin/bash``
alike): those that are then the same share one list, written with the comments of the
first cluster among the most common (the others' comments are folded, and the report
says so). When the rest differ only where a fact goes, the :class:`~.learn.Learner`
(``--add-clusters``) makes one list of them all with new placeholders.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .learn import Learner

TRAILING = r"\s+#(?!SBATCH)[^'\"]*$"


def _bare(line: str) -> str:
    """A line without its trailing comment ("" for a comment line or a blank one)."""
    stripped = line.strip()
    if not stripped or (stripped.startswith("#") and not stripped.startswith("#SBATCH")):
        return ""
    return re.sub(TRAILING, "", line).rstrip()


def comments(lines: list[str]) -> list[str]:
    """What ``lines`` say in comments: comment lines and trailing comments, in order."""
    out = []
    for line in lines:
        bare = _bare(line)
        rest = line[len(bare) :].strip() if bare else line.strip()
        if rest:
            out.append(rest)
    return out


@dataclass
class Choice:
    """The shared lines, whose comments they keep, the clusters left with their own
    lines (overrides), those whose comments were folded, and whether facts were learned."""

    lines: list[str]
    base: str
    overrides: dict[str, list[str]] = field(default_factory=dict)
    folded: list[str] = field(default_factory=list)
    learned: bool = False


def choose(variants: dict[str, list[str]], learner: Learner | None, line: int) -> Choice:
    """One list of lines for as many clusters as can share it, exactly as they showed it
    (comments aside)."""
    bare = {k: [b for b in map(_bare, v) if b] for k, v in variants.items()}
    counts = Counter(tuple(b) for b in bare.values())
    best = max(counts.values())
    base = next(k for k in variants if counts[tuple(bare[k])] == best)
    overrides = {k: v for k, v in variants.items() if bare[k] != bare[base]}
    shared = list(variants[base])
    learned = False
    if overrides and learner is not None:
        unified = learner.unify(bare, line)
        if unified is not None:
            shared, overrides, learned = refill(variants[base], unified), {}, True
    mine = comments(variants[base])
    folded = [
        k for k, v in variants.items() if k != base and k not in overrides and comments(v) != mine
    ]
    return Choice(shared, base, overrides, folded, learned)


def refill(lines: list[str], unified: list[str]) -> list[str]:
    """``lines`` with each line that is not a comment replaced by the next of
    ``unified`` (its trailing comment kept)."""
    rows = iter(unified)
    out = []
    for line in lines:
        bare = _bare(line)
        out.append(next(rows) + line[len(bare) :] if bare else line)
    return out
