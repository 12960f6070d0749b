"""``--add-clusters``: a tab that names a centre the table lacks adds that cluster.

Such a tab sits in a tab set beside tabs of the table's clusters and shows the same kinds
of blocks (a script's source or "Your own computer" does not). Its facts are read by
lining its blocks up with a known cluster's, written with the table's placeholders: where
that cluster's line reads ``module load {modules.python}`` or ``#SBATCH -A {allocation}``,
the new tab's line gives the new cluster's value. A fact every cluster of the table has
but no tab shows is written as ``FILL-IN`` and listed in a comment and in the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..table import Cluster, Table
from .fold import cut_comment
from .group import Generalizer, typed_commands
from .labels import bare_label, cluster_of, label_names
from .learn import unfit
from .model import ONE_NAME, STAND_IN, Block, Tab
from .naming import slug
from .readers import Reader, reader_for
from .tabletext import sections

#: A placeholder of a template, kept whole when the template is split at it.
PLACEHOLDER = re.compile(r"(\{\{|\}\}|\{[A-Za-z_][\w-]*(?:\.[\w-]+)?\})")


def blocks_of(reader: Reader, tab: Tab) -> list[Block]:
    found = [s.block for s in reader.segments(tab) if s.block is not None]
    return [b for b in found if b.kind in ("commands", "file")]


def lines_of(block: Block) -> list[str]:
    return typed_commands(block) if block.kind == "commands" else block.lines


def read_facts(template: str, shown: str) -> dict[str, str] | None:
    """The values a line ``shown`` gives the placeholders of ``template`` (None: no match);
    comments aside. Read left to right, each value ending where the template's next text
    is first found: linear in the line, where a pattern of lazy groups could backtrack for
    minutes on a long line of words. A fact is one word; a module list, words."""
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
        if end < 0 or not _one_value(name, shown[at:end]):
            return None
        values[name], at = shown[at:end], end + len(after)
    return values if at == len(shown) else None


def _one_value(name: str, value: str) -> bool:
    """Whether ``value`` can be a fact (one word) or, for ``modules.*``, a module list
    (words with one space between them)."""
    if name.startswith("modules."):
        return bool(value) and value.split(" ") == value.split()
    return bool(value) and value.split() == [value]


def _fill_in(table: Table, name: str) -> str:
    """A stand-in the table's loader accepts: a storage root under the course's first
    project root when it declares them (the loader checks that)."""
    values = [c.facts.get(name, "") for c in table.clusters]
    if all(v.startswith(("https://", "http://")) for v in values):
        return f"https://example.invalid/{STAND_IN}"
    if name == "storage_root" and table.course.project_roots:
        return f"{table.course.project_roots[0].rstrip('/')}/{STAND_IN}"
    if all(v.startswith("/") for v in values):
        return f"/{STAND_IN}"
    return STAND_IN


def centre_like(label: str, lower: bool) -> bool:
    """Whether a tab's label (filler words aside) can name a centre or a cluster: a name
    (capitalised, or lower-case like the set's other cluster labels), not a file."""
    return bool(re.fullmatch(r"\w[\w :()@/&-]{0,39}", label)) and (
        label[0].isupper() or label[0].isdigit() or lower
    )


def several(table: Table, label: str) -> bool:
    """Whether a label names several clusters ("UPPMAX/LUNARC/NSC", "UPPMAX, HPC2N"):
    more than a cluster and its centre, or two the table has."""
    names = label_names(label)
    known = [n for n in names if table.cluster_for_label(n) is not None]
    return len(names) > 2 or (len(names) == 2 and len(known) == 2)


#: How tables write a cluster's title from its names (the table's own way is used).
TITLES = (
    "{cluster} ({center})",
    "{center} ({cluster})",
    "{cluster} @ {center}",
    "{center}: {cluster}",
    "{center} {cluster}",
    "{cluster}, {center}",
)


def new_names(table: Table, known: list[tuple[Tab, Cluster | None]], label: str) -> dict[str, str]:
    """A new cluster's key, label, centre and cluster name (and title) from its tab's
    label, written as the table writes its own: which of a label's two names is the
    cluster as the set's other labels say ("Tetralith @ NSC"), else the upper-case one
    is the centre; one name is both (the teacher checks it)."""
    names = label_names(label) or [label]
    center, cluster = names[0], names[-1]
    if len(names) == 2:
        votes = [
            [n.casefold() for n in label_names(t.label)].index(c.cluster.casefold())
            for t, c in known
            if c is not None
            and c.cluster.casefold() != c.center.casefold()  # one name: no vote
            and len(label_names(t.label)) == 2
            and c.cluster.casefold() in [n.casefold() for n in label_names(t.label)]
        ]
        first_is_cluster = (
            votes.count(0) > votes.count(1)
            if votes
            else names[1].isupper() and not names[0].isupper()
        )
        if first_is_cluster:
            center, cluster = names[1], names[0]
    clusters = table.clusters

    def most(same: Callable[[Cluster], bool]) -> bool:
        # the table's way: what most of its clusters do (one added under a name a later
        # label corrected keeps its first key)
        return sum(map(same, clusters)) * 2 > len(clusters)

    if most(lambda c: c.key == slug(c.center)):
        key = slug(center)
    elif most(lambda c: c.key == slug(c.cluster)):
        key = slug(cluster)
    else:
        key = slug(label)
    if most(lambda c: c.label == c.center):
        shown = center
    elif most(lambda c: c.label == c.cluster):
        shown = cluster
    else:
        shown = label
    if key in table.cluster_keys or table.cluster_for_label(shown) is not None:
        key, shown = slug(label), label  # another cluster of a centre the table has
    out = {"key": key, "label": shown, "center": center, "cluster": cluster}
    titles = [c.facts.get("title", "") for c in clusters]
    for form in TITLES if len(names) == 2 else ():
        if all(
            t == form.format(center=c.center, cluster=c.cluster)
            for t, c in zip(titles, clusters, strict=True)
        ):
            out["title"] = form.format(center=center, cluster=cluster)
            break
    return out


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
            for row in lines_of(theirs):
                template = generalize(model, row, theirs.line)
                for candidate in shown:
                    values = read_facts(template, candidate)
                    if not values:
                        continue
                    for name, value in values.items():
                        if name.startswith("modules."):
                            modules.setdefault(name.split(".", 1)[1], value.split())
                        else:
                            facts.setdefault(name, value)
                    break
    return facts, modules


def stand_ins_read(table: Table, page: Path, text: str) -> list[tuple[str, dict[str, str], int]]:
    """Facts still ``FILL-IN`` on a cluster (one an earlier page added) that its tab on
    this page shows: read as for a new cluster, against the tabs of clusters whose own
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
            waiting = {n for n, v in cluster.facts.items() if STAND_IN in v} - set(
                found.get(cluster.key, {})
            )
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


def _stand_ins(cluster: Cluster) -> set[str]:
    return {name for name, value in cluster.facts.items() if STAND_IN in value}


def add_clusters(
    table: Table, page: Path, text: str, pages_own: frozenset[str] = frozenset()
) -> tuple[str, list[str], list[tuple[int, str]]]:
    """The TOML of the clusters the page's tabs name and the table lacks, their keys, and
    the report's remarks (line, text). ``pages_own``: facts (``modules.NAME`` for a
    module set) migrate read from other pages and nobody checked yet: a new cluster
    needs none of them (those pages' steps skip it)."""
    reader = reader_for(page)
    generalize = Generalizer(table, lambda _line, _message: None)
    new: dict[str, dict[str, object]] = {}
    first_line: dict[str, int] = {}
    notes: list[tuple[int, str]] = []
    taken = set(table.cluster_keys)
    for tab_set in reader.tab_sets(text.split("\n")):
        known = [(t, cluster_of(table, t.label)) for t in tab_set.tabs]
        models = [(t, c, blocks_of(reader, t)) for t, c in known if c is not None]
        models = [(t, c, b) for t, c, b in models if b]  # tabs with blocks to read against
        if not models:
            continue
        # labels written from a small letter, like the set's others ("cosmos (lunarc)")
        lower = all(t.label[:1].islower() for t, c in known if c is not None)
        for tab, cluster in known:
            label = bare_label(tab.label.strip())
            if cluster is not None or not centre_like(label, lower) or several(table, label):
                continue
            blocks = blocks_of(reader, tab)
            names = new_names(table, known, label)
            key = names["key"]
            at_known_centre = any(
                table.cluster_for_label(n) is not None for n in label_names(label)
            )
            if (not blocks and not at_known_centre) or (key in taken and key not in new):
                continue  # a tab of text only, a script's source: no centre of its own
            facts = new.setdefault(key, {**{n: v for n, v in names.items() if n != "key"}})
            facts.setdefault("modules", {})
            first_line.setdefault(key, tab.line)
            modules: dict[str, list[str]] = facts["modules"]  # type: ignore[assignment]
            read, sets = read_tab(generalize, models, blocks)
            for name, value in read.items():
                facts.setdefault(name, value)
            for name, listed in sets.items():
                modules.setdefault(name, listed)
    if not new:
        return "", [], notes
    everywhere = set.intersection(*(set(c.facts) for c in table.clusters)) - pages_own
    for key, facts in new.items():
        unfitting = {n: v for n, v in facts.items() if isinstance(v, str) and unfit(table, n, v)}
        for name in unfitting:
            del facts[name]
        missing = sorted(
            name for name in everywhere | set(table.course.required_facts) if name not in facts
        )
        shared = []  # a course's convention: the same on every cluster ("[username]")
        for name in list(missing):
            values = {c.facts[name] for c in table.clusters if name in c.facts}
            if len(values) == 1 and len(table.clusters) > 1:
                facts[name] = next(iter(values))
                missing.remove(name)
                shared.append(name)
            else:
                facts[name] = _fill_in(table, name)
        modules: dict[str, list[str]] = facts["modules"]  # type: ignore[assignment]
        for name in sorted(set.intersection(*(set(c.modules) for c in table.clusters))):
            if name not in modules and f"modules.{name}" not in pages_own:
                modules[name] = [STAND_IN]
                missing.append(f"modules.{name}")
        if table.managers:
            facts["managers"] = dict.fromkeys(table.managers, STAND_IN)
            missing += [f"managers.{name}" for name in table.managers]
        comments = []
        if unfitting:
            comments.append(
                "FILL IN (the page shows a path the table cannot take): "
                + ", ".join(f"{n} ({v!r})" for n, v in unfitting.items())
            )
        if missing:
            comments.append(f"FILL IN (not shown on the page): {', '.join(missing)}")
        if str(facts.get("center", "")).casefold() == str(facts.get("cluster", "")).casefold():
            comments.append(ONE_NAME)
        if shared:
            comments.append(f"CHECK (the same on every other cluster): {', '.join(shared)}")
        if comments:
            new[key] = facts = {"#": "\n".join(comments), **facts}
        notes.append(
            (
                first_line[key],
                f"cluster {key!r} added from its tabs"
                + (f"; fill in: {', '.join(missing)}" if missing else "")
                + (f"; check (as on every other cluster): {', '.join(shared)}" if shared else ""),
            )
        )
    return sections("clusters", new), list(new), notes


def cluster_names(table: Table, page: Path, text: str) -> list[tuple[str, dict[str, str], int]]:
    """The names a page gives a cluster the table knows by one name only (it was added
    from tabs that gave one name: a centre's or a cluster's): "Cosmos @ LUNARC" names
    LUNARC's cluster, "Alvis (C3SE)" names Alvis's centre (and its label, when the
    table's labels are centres). Per such cluster: its key, the facts to write (and
    ``title`` when the table's way of writing titles makes one and it is a stand-in),
    the line."""
    reader = reader_for(page)
    labels_are_centres = all(c.label == c.center for c in table.clusters)
    found: list[tuple[str, dict[str, str], int]] = []
    for tab_set in reader.tab_sets(text.split("\n")):
        known = [(t, cluster_of(table, t.label)) for t in tab_set.tabs]
        for tab, cluster, role in other_names(table, known):
            if any(key == cluster.key for key, _facts, _line in found):
                continue
            label = bare_label(tab.label.strip())
            facts = {role: label}
            if role == "center" and labels_are_centres:
                facts["label"] = label
            found.append((cluster.key, facts, tab.line))
        for tab, cluster in known:
            label = bare_label(tab.label.strip())
            if cluster is None or len(label_names(label)) != 2:
                continue
            if cluster.cluster.casefold() != cluster.center.casefold():
                continue  # its cluster has a name of its own
            names = new_names(table, known, label)
            if names["center"].casefold() == cluster.center.casefold():
                learned = "cluster"
            elif names["cluster"].casefold() == cluster.cluster.casefold():
                learned = "center"
            else:
                continue
            other = table.cluster_for_label(names[learned])
            if other is not None and other.key != cluster.key:
                continue  # another cluster's name
            if any(key == cluster.key for key, _facts, _line in found):
                continue
            facts = {learned: names[learned]}
            if learned == "center" and labels_are_centres:
                facts["label"] = names["center"]
            if "title" in names and STAND_IN in cluster.facts.get("title", STAND_IN):
                facts["title"] = names["title"]
            found.append((cluster.key, facts, tab.line))
    return found


def other_names(
    table: Table, known: list[tuple[Tab, Cluster | None]]
) -> list[tuple[Tab, Cluster, str]]:
    """Tabs whose one-name label the table lacks but which are a cluster it knows by one
    name only (added from tabs that gave one name): the tab's ``:sync:`` key is that
    cluster's, or the tab's text names it ("UPPMAX", whose script says "# on Pelle", is
    the centre of a cluster added as "Pelle"). Per such tab: the cluster, and whether the
    label is its ``center`` or its ``cluster`` (as the set's other labels are)."""
    named = {c.key for _t, c in known if c is not None}
    one_name = [
        c
        for c in table.clusters
        if c.cluster.casefold() == c.center.casefold() and c.key not in named
    ]
    others = [(t, c) for t, c in known if c is not None]
    centres = sum(bare_label(t.label).casefold() == c.center.casefold() for t, c in others)
    role = "center" if centres * 2 >= len(others) else "cluster"
    out = []
    for tab, cluster in known:
        label = bare_label(tab.label.strip())
        if cluster is not None or len(label_names(label)) != 1 or not centre_like(label, False):
            continue
        synced = {o.split(":", 2)[2].strip() for o in tab.options if o.startswith(":sync:")}
        text = "\n".join(tab.body)
        hits = [
            c
            for c in one_name
            if any(table.cluster_for_label(name) is c for name in synced)
            or re.search(rf"(?<![\w.-]){re.escape(c.cluster)}(?![\w-])", text)
        ]
        if len(hits) == 1:
            out.append((tab, hits[0], _role(label, hits[0].cluster, role)))
    return out


def _role(label: str, known: str, usual: str) -> str:
    """Whether ``label`` is a centre's name or a cluster's, beside the one name ``known``
    the cluster has: the upper-case one is the centre ("C3SE", "Alvis"); else what the
    tab set's other labels are (``usual``)."""
    if label.isupper() != known.isupper():
        return "center" if label.isupper() else "cluster"
    return usual
