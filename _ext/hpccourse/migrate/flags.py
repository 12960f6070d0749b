"""Options some clusters' lines give and others do not (``--system-site-packages``,
``-p shared``), a launcher some put first, a loop's list.

Lined up by their words (other values masked), the lines may differ at one place by
options only, each maybe with its value: that place becomes one placeholder whose value
is each cluster's options there, empty where it gives none (the table drops the space
before an empty value, so each cluster's line reads exactly as before).
"""

from __future__ import annotations

import re

#: Where the options were, until the learner names the fact.
FLAG = "\x00FLAGS\x00"


def _masked(words: list[str]) -> list[str]:
    return [w if w.startswith("-") else "\x01" for w in words]


def _options(words: list[str]) -> bool:
    """Whether ``words`` are options, each maybe with its value after it (``-C zen4``,
    ``-i ~/.ssh/key``, ``--system-site-packages``): an option first, no two values in a
    row, no value after ``--name=value``."""
    if words and not words[0].startswith("-"):
        return False
    return all(
        w.startswith("-") or (words[i - 1].startswith("-") and "=" not in words[i - 1])
        for i, w in enumerate(words)
        if i
    )


def _span(reference: list[str], mine: list[str]) -> tuple[int, int, int, int] | None:
    """Where ``mine`` differs from ``reference`` (as long or longer) by one run of options
    at one place (reference[i1:i2] against mine[j1:j2]), or None. Words other than
    options are masked alike, so a run some clusters leave out may fit at more than one
    place: the first where the run is options is taken."""
    a, b = _masked(reference), _masked(mine)
    width = len(a) - len(b)
    head = 0  # the words alike from the start, and from the end
    while head < len(b) and a[head] == b[head]:
        head += 1
    end = 0
    while end < len(b) and a[-1 - end] == b[-1 - end]:
        end += 1
    if width > 0:  # a run left out: where the words before and after it are alike
        for start in range(max(0, len(b) - end), head + 1):
            if _options(reference[start : start + width]):
                return start, start + width, start, start
    tail = min(end, len(b) - head)  # else one run against another, between them
    i1, i2, j1, j2 = head, len(a) - tail, head, len(b) - tail
    while i2 < len(a) and j2 < len(b) and _takes_value(reference[i2 - 1], mine[j2 - 1]):
        i2, j2 = i2 + 1, j2 + 1  # an option's value goes with it (`-C zen4`, `-p shared`)
    if j1 == j2 or not (_options(reference[i1:i2]) and _options(mine[j1:j2])):
        return None
    return i1, i2, j1, j2


def _takes_value(*options: str) -> bool:
    return all(o.startswith("-") and "=" not in o for o in options)


def flag_slot(row: dict[str, str]) -> tuple[dict[str, str], dict[str, str]] | None:
    """Each cluster's line with its options at one place written FLAG, and its options
    there (``""`` where none); None unless the lines differ in their number of words and
    only options (with their values) tell their shapes apart, at one place."""
    words = {k: line.split(" ") for k, line in row.items()}
    if any("" in w for w in words.values()) or len({len(w) for w in words.values()}) == 1:
        return None
    longest = max(words, key=lambda k: len(words[k]))
    reference = words[longest]
    slot: tuple[int, int] | None = None
    spans: dict[str, tuple[int, int]] = {}
    for key, mine in words.items():
        if _masked(mine) == _masked(reference):
            continue
        found = _span(reference, mine)
        if found is None:
            return None
        i1, i2, j1, j2 = found
        if slot not in (None, (i1, i2)):
            return None
        slot, spans[key] = (i1, i2), (j1, j2)
    if slot is None:
        return None
    lines, values = {}, {}
    for key, mine in words.items():
        j1, j2 = spans.get(key, slot)
        values[key] = " ".join(mine[j1:j2])
        lines[key] = " ".join([*mine[:j1], FLAG, *mine[j2:]])
    return lines, values


#: A launcher some clusters put before a command, with its options (``srun -n 1``, or
#: a fact of the table's: ``srun {batch_resources}``).
LAUNCHER = re.compile(r"(?:srun|mpirun|mpiexec)(?:\s+(?:-\S+(?:\s+[^-\s]\S*)?|\{[\w.-]+\}))*")


#: What goes before a launcher on the line: the indent, and ``time`` (it times the run).
_TIMED = re.compile(r"^\s*(?:time\s+)?")


def launcher_slot(row: dict[str, str]) -> tuple[str, dict[str, str]] | None:
    """The line with FLAG where some clusters' lines start with a launcher (``srun``,
    ``mpirun``; after ``time`` too) before the command the others type as it is, and each
    cluster's launcher there (``""`` where none); None unless the rest is the same on
    every cluster."""
    start = {k: len(line) - len(_TIMED.sub("", line, count=1)) for k, line in row.items()}
    bare = {k: line for k, line in row.items() if not LAUNCHER.match(line[start[k] :])}
    if not bare or len(bare) == len(row) or len(set(bare.values())) != 1:
        return None
    rest = next(iter(bare.values()))
    key = next(iter(bare))
    indent, command = rest[: start[key]], rest[start[key] :]
    values = dict.fromkeys(bare, "")
    for key, line in row.items():
        if key in bare:
            continue
        if not line.startswith(indent) or not line.endswith(" " + command):
            return None
        launcher = line[len(indent) : len(line) - len(command) - 1].strip()
        if not LAUNCHER.fullmatch(launcher):
            return None
        values[key] = launcher
    return f"{indent}{FLAG} {command}", values


#: A loop over a list written out (``for n in 1 2 4 8; do``): the list is what differs.
LOOP = re.compile(
    r"(?P<head>\s*for\s+[A-Za-z_]\w*\s+in\s+)(?P<items>[^;\n]*?)(?P<tail>\s*(?:;\s*do\b.*)?)"
)


def loop_slot(row: dict[str, str]) -> tuple[dict[str, str], dict[str, str]] | None:
    """Each cluster's ``for`` line with its list written FLAG, and the list (the core
    counts a scaling test tries, as many as a node has); None unless every line is such
    a loop over the same variable and the lists differ."""
    found = {k: LOOP.fullmatch(line) for k, line in row.items()}
    matches = {k: m for k, m in found.items() if m is not None}
    if len(matches) != len(row) or len({m["head"] for m in matches.values()}) != 1:
        return None
    items = {k: m["items"] for k, m in matches.items()}
    if len(set(items.values())) == 1 or not all(items.values()):
        return None
    return {k: f"{m['head']}{FLAG}{m['tail']}" for k, m in matches.items()}, items
