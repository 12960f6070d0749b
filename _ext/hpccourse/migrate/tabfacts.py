"""The facts a tab shows, read by lining its lines up with another cluster's.

Where a known cluster's line, written with the table's placeholders, reads ``module load
{modules.python}`` or ``#SBATCH -A {allocation}``, the same line in another tab gives
that tab's cluster's value: for a cluster ``--add-clusters`` adds (:mod:`.clusters`), and
for facts an earlier page left ``FILL-IN`` on a cluster it added.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..table import Cluster, Table
from .fold import cut_comment
from .group import ANGLE, Generalizer, typed_commands
from .labels import cluster_of
from .learn import unfit
from .model import STAND_IN, Block, Tab
from .readers import Reader, reader_for

#: A placeholder of a template, kept whole when the template is split at it.
PLACEHOLDER = re.compile(r"(\{\{|\}\}|\{[A-Za-z_][\w-]*(?:\.[\w-]+)?\})")


def blocks_of(reader: Reader, tab: Tab) -> list[Block]:
    found = [s.block for s in reader.segments(tab, True) if s.block is not None]
    return [b for b in found if b.kind in ("commands", "file")]


def lines_of(block: Block) -> list[str]:
    return typed_commands(block) if block.kind == "commands" else block.lines


def read_facts(
    template: str, shown: str, phrases: frozenset[str] = frozenset()
) -> dict[str, str] | None:
    """The values a line ``shown`` gives the placeholders of ``template`` (None: no match);
    comments aside. Read left to right, each value ending where the template's next text
    is first found: linear in the line, where a pattern of lazy groups could backtrack for
    minutes on a long line of words. A fact is one word; a module list, and a fact in
    ``phrases`` (one the model cluster gives in several words: ``-p gpu --gpus=1``),
    words."""
    template = cut_comment(template).strip()
    shown = cut_comment(shown).strip()
    pieces: list[str] = []  # literal text, then a placeholder's name, and so on
    literal, pos = "", 0
    for match in PLACEHOLDER.finditer(template):
        literal += template[pos : match.start()]
        pos = match.end()
        if match[0] in ("{{", "}}"):
            literal += match[0][0]
        else:
            pieces += [literal, match[0][1:-1]]
            literal = ""
    pieces.append(literal + template[pos:])
    names = pieces[1::2]
    if not names or len(set(names)) != len(names) or "user" in names:
        return None
    if not shown.startswith(pieces[0]):
        return None
    values: dict[str, str] = {}
    at = len(pieces[0])
    for name, after in zip(names, pieces[2::2], strict=True):
        if not after and name != names[-1]:
            return None  # two placeholders side by side cannot be told apart
        end = shown.find(after, at + 1) if after else len(shown)
        if end < 0 or not _one_value(name, shown[at:end], name in phrases):
            return None
        values[name], at = shown[at:end], end + len(after)
    return values if at == len(shown) else None


def _one_value(name: str, value: str, phrase: bool = False) -> bool:
    """Whether ``value`` can be a fact (one word) or, for ``modules.*`` and a ``phrase``,
    words with one space between them."""
    if name.startswith("modules.") or phrase:
        return bool(value) and value.split(" ") == value.split()
    return bool(value) and value.split() == [value]


Model = tuple[Tab, Cluster, list[Block]]


def read_tab(
    generalize: Generalizer, models: list[Model], blocks: list[Block]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The facts and module sets a tab's ``blocks`` give, read by lining their lines up
    with each model tab's lines written with the table's placeholders (the first value
    found for a name is kept)."""
    facts: dict[str, str] = {}
    modules: dict[str, list[str]] = {}
    for _tab, model, model_blocks in models:
        for theirs in model_blocks:
            shown = [line for b in blocks if b.kind == theirs.kind for line in lines_of(b)]
            phrases = frozenset(n for n, v in model.facts.items() if " " in v.strip())
            for row in lines_of(theirs):
                template = generalize(model, row, theirs.line)
                several = phrases if anchored(template) else frozenset()
                for candidate in shown:
                    values = read_facts(template, candidate, several) or read_facts(
                        template, ANGLE.sub(r"[\1]", candidate), several
                    )  # the template writes an angle placeholder ``<node>`` as ``[node]``
                    if not values:
                        continue
                    for name, value in values.items():
                        if name.startswith("modules."):
                            modules.setdefault(name.split(".", 1)[1], value.split())
                        else:
                            facts.setdefault(name, value)
                    break
    return facts, modules


#: How many words of its own a line needs for a fact there to be read as several words.
_ANCHOR_WORDS = 3


def anchored(template: str) -> bool:
    """Whether a line holds its placeholders in place with words of its own, so that a
    fact there may be read as several words (``salloc -A {allocation} -t 1:00
    {gpu_request}``); ``{batch_shell}`` alone, or after ``#SBATCH``, would take any line."""
    return len(PLACEHOLDER.sub(" ", template).split()) >= _ANCHOR_WORDS


def stand_ins_read(table: Table, page: Path, text: str) -> list[tuple[str, dict[str, str], int]]:
    """Facts a cluster an earlier page added still waits for (:func:`_waiting`) that its
    tab on this page shows: read as for a new cluster, against the tabs of clusters whose own
    value is known. Per such cluster: its key, the facts, the line of its first tab."""
    reader = reader_for(page)
    generalize = Generalizer(table, lambda _line, _message: None)
    found: dict[str, dict[str, str]] = {}
    lines: dict[str, int] = {}
    for tab_set in reader.tab_sets(text.split("\n")):
        known = [(t, cluster_of(table, t.label)) for t in tab_set.tabs]
        for tab, cluster in known:
            if cluster is None:
                continue
            waiting = _waiting(table, cluster) - set(found.get(cluster.key, {}))
            blocks = blocks_of(reader, tab) if waiting else []
            models = [
                (t, c, blocks_of(reader, t))
                for t, c in known
                if c is not None and c.key != cluster.key and not waiting & _stand_ins(c)
            ]
            read, _sets = read_tab(generalize, [m for m in models if m[2]], blocks)
            got = {n: v for n, v in read.items() if n in waiting and not unfit(table, n, v)}
            if got:
                found.setdefault(cluster.key, {}).update(got)
                lines.setdefault(cluster.key, tab.line)
    return [(key, facts, lines[key]) for key, facts in found.items()]


def _waiting(table: Table, cluster: Cluster) -> set[str]:
    """The facts a cluster migrate added still waits for: those it holds as ``FILL-IN``,
    and, while it holds any, those other clusters give and it lacks (a fact not every
    cluster has, such as a login host, is not written ``FILL-IN`` when it is added)."""
    waiting = _stand_ins(cluster)
    if not waiting:
        return waiting
    others = {n for c in table.clusters if c.key != cluster.key for n in c.facts}
    return waiting | {n for n in others - set(cluster.facts) if "." not in n}


def _stand_ins(cluster: Cluster) -> set[str]:
    return {name for name, value in cluster.facts.items() if STAND_IN in value}
