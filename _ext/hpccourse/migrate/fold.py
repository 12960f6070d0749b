"""Choosing a step's one command list (or script) among the clusters' variants.

Variants are compared without their comments: those that are then the same share one
list, written with the comments of the first cluster among the most common (the others'
comments are folded, and the report says so). When the rest differ only where a fact
goes, the :class:`~.learn.Learner` (``--add-clusters``) makes one list of them all with
new placeholders. A script's ``#!`` line is compared first as a line of its own (with
``--add-clusters`` ``#!/bin/bash -l`` and ``#!/bin/bash`` then share one list, each
cluster's shell kept as a fact), and only failing that as a comment (folded).
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

from ..console.lines import heredoc_starts
from .learn import Learner, join_runs

#: Where a trailing comment may start: a run of spaces begun after a non-space, then ``#``.
TRAILING = re.compile(r"(?<!\s)\s+#(?!SBATCH)")


def cut_comment(line: str) -> str:
    """``line`` without a trailing ``# comment`` (one after the line's last quote, so a
    ``#`` inside a quoted word stays); found in time linear in the line, where a pattern
    ending ``[^'"]*$`` took time growing with the square of a long line."""
    quote = max(line.rfind("'"), line.rfind('"'))
    found = TRAILING.search(line, quote + 1)  # the look-behind still sees the quote
    return line[: found.start()] if found else line


#: The file a command writes (``cat > start.sh <<EOF``).
_WRITES = re.compile(r">[ \t]*(?P<path>[^\s;&|<>]+)")
#: Files whose ``#`` rows are comments: scripts, requirements, settings; a Markdown
#: file's ``#`` is a heading, and a file of unknown kind is left alone.
_HASH_COMMENTS = re.compile(
    r"(?:\.(?:sh|bash|zsh|py|txt|ya?ml|toml|cfg|conf|ini|r|jl|pl|rb|def|sbatch|slurm|job"
    r"|env)|rc)$",
    re.IGNORECASE,
)


def heredoc_comments(command: str) -> tuple[str, list[str]]:
    """A here-document writing a file whose ``#`` rows are comments: the command without
    its body's comment rows (``#!`` and ``#SBATCH`` are none), and those rows; any other
    command as it is, and none."""
    first, _, rest = command.partition("\n")
    target = _WRITES.search(first)
    opened = heredoc_starts(first) if rest and target is not None else []
    if not opened or not _HASH_COMMENTS.search(target["path"]):
        return command, []
    delimiter = opened[0][0]
    kept, removed = [first], []
    for row in rest.split("\n"):
        bare = row.strip()
        if bare != delimiter and bare.startswith("#") and not bare.startswith(("#!", "#SBATCH")):
            removed.append(bare)
        else:
            kept.append(row)
    return "\n".join(kept), removed


def with_comment_rows(shown: str, new: str) -> str:
    """``new`` (a here-document as :func:`heredoc_comments` left it, its words changed)
    with the comment rows ``shown`` had put back in their places; ``new`` as it is when
    its rows no longer match."""
    bare, removed = heredoc_comments(shown)
    if not removed or new.count("\n") != bare.count("\n"):
        return new
    rows = iter(new.split("\n"))
    out = []
    for row in shown.split("\n"):
        stripped = row.strip()
        if removed and stripped == removed[0]:
            out.append(row)
            removed.pop(0)
        else:
            out.append(next(rows))
    return "\n".join(out)


def without_comment(line: str, shebang: bool = False) -> str:
    """A line without its trailing comment ("" for a comment line or a blank one);
    ``shebang``: a ``#!`` line is no comment. A here-document or a continued command
    keeps its rows, but for the comment rows of a file that has them (a script, a
    requirements file: :func:`heredoc_comments`)."""
    if "\n" in line:
        return heredoc_comments(line)[0].rstrip()
    stripped = line.strip()
    if shebang and stripped.startswith("#!"):
        return line.rstrip()
    if not stripped or (stripped.startswith("#") and not stripped.startswith("#SBATCH")):
        return ""
    return cut_comment(line).rstrip()


def comments(lines: list[str], shebang: bool = False) -> list[str]:
    """What ``lines`` say in comments: comment lines and trailing comments, in order."""
    out = []
    for line in lines:
        if "\n" in line:
            out += heredoc_comments(line)[1]
            continue
        bare = without_comment(line, shebang)
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
    learnable: bool = False  # facts would be learned with --add-clusters
    members: list[str] = field(default_factory=list)  # the clusters sharing ``lines``


def choose(
    variants: dict[str, list[str]], learner: Learner | None, line: int, *, script: bool = False
) -> Choice:
    """One list of lines for as many clusters as can share it, exactly as they showed it
    (comments aside). ``script``: the variants are a script's lines (else commands)."""
    if not script:
        return _choose(variants, learner, line, script=False, shebang=False)
    # a script: `#!` as a row of its own, then as a comment; the try with fewer
    # overrides is kept, with what it learned (each try learns from the same start)
    start = learner.learned if learner is not None else None
    tries = []
    for shebang in (True, False):
        if learner is not None:
            learner.learned = copy.deepcopy(start)
        choice = _choose(variants, learner, line, script=True, shebang=shebang)
        tries.append((choice, learner.learned if learner is not None else None))
        if not choice.overrides:
            break
    choice, learned = min(tries, key=lambda tried: len(tried[0].overrides))
    if learner is not None and learned is not None:
        learner.learned = learned
    return choice


def _choose(
    variants: dict[str, list[str]],
    learner: Learner | None,
    line: int,
    *,
    script: bool,
    shebang: bool,
) -> Choice:
    bare = {
        k: [b for b in (without_comment(x, shebang) for x in v) if b] for k, v in variants.items()
    }
    counts = Counter(tuple(b) for b in bare.values())
    best = max(counts.values())
    base = next(k for k in variants if counts[tuple(bare[k])] == best)
    overrides = {k: v for k, v in variants.items() if bare[k] != bare[base]}
    shared = list(variants[base])
    learned = False
    learnable = False
    if overrides and learner is not None and not learner.enabled:
        members = _learnable_members(bare, learner, script=script)
        learnable = len(members) > best and learner.would_unify(
            {k: bare[k] for k in members}, script=script
        )
    elif overrides and learner is not None:
        members = _learnable_members(bare, learner, script=script)
        unified = learner.unify({k: bare[k] for k in members}, line, script=script)
        if unified is not None:
            if base not in members or len(bare[base]) != len(unified):
                # a cluster that types every row (one more than some): its lines line up
                base = max(
                    members, key=lambda k: (len(bare[k]) == len(unified), counts[tuple(bare[k])])
                )
            plan = _plan(bare[base], unified) if script else list(unified)
            shared, learned = refill(variants[base], plan, shebang), True
            overrides = {k: v for k, v in variants.items() if k not in members}
    mine = comments(variants[base], shebang)
    folded = [
        k
        for k, v in variants.items()
        if k != base and k not in overrides and comments(v, shebang) != mine
    ]
    members = [k for k in variants if k not in overrides]
    return Choice(shared, base, overrides, folded, learned, learnable, members)


#: The most clusters a shared list leaves to their own overrides.
MOST_LEFT_OUT = 2


def _learnable_members(bare: dict[str, list[str]], learner: Learner, *, script: bool) -> list[str]:
    """The most clusters whose variants one list with learned facts fits: all of them, or
    else all but one or two (at least two, and at least half of them), the first such in
    the tabs' order; the others keep their own lines as overrides (another command, a
    line more). At most two are left out, so the tries grow with the square of the
    clusters, not with all their subsets. Nothing is learned here
    (:meth:`.Learner.would_unify`)."""
    keys = list(bare)
    for dropped in range(min(len(keys) - 1, MOST_LEFT_OUT + 1)):
        size = len(keys) - dropped
        if size < 2 or size < dropped:
            break
        for members in combinations(keys, size):
            if learner.would_unify({k: bare[k] for k in members}, script=script):
                return list(members)
    return keys


#: In a plan: a run of lines that became one placeholder line (its comments dropped).
WHOLE = "\x00"


def _plan(bare: list[str], unified: list[str]) -> list[str | None]:
    """Per line of a script (comments aside): its new text, or None where a run of lines
    became one placeholder line (the run's first line shows it, marked WHOLE)."""
    plan: list[str | None] = []
    for entry, new in zip(join_runs(bare), unified, strict=True):
        size = entry.count("\n") + 1
        parts = new.split("\n")
        plan += parts if len(parts) == size else [WHOLE + new, *([None] * (size - 1))]
    return plan


def refill(lines: list[str], plan: list[str | None], shebang: bool = False) -> list[str]:
    """``lines`` with each line that is not a comment replaced by the next of ``plan``
    (its trailing comment kept; None drops the line; a run's placeholder line drops the
    run's comments, which no longer sit by their lines)."""
    rows = iter(plan)
    out = []
    for line in lines:
        bare = without_comment(line, shebang)
        if not bare:
            out.append(line)
            continue
        new = next(rows)
        if new is None:
            continue
        if new.startswith(WHOLE):
            out.append(new[1:])
        elif "\n" in line:  # a here-document: its comment rows where they were
            out.append(with_comment_rows(line, new))
        else:
            out.append(new + line[len(bare) :])
    return out
