"""``--add-clusters``: a tab that names a centre the table lacks adds that cluster.

Such a tab sits in a tab set beside tabs of the table's clusters and shows the same kinds
of blocks (a script's source or "Your own computer" does not). Its facts are read by
lining its blocks up with a known cluster's, written with the table's placeholders: where
that cluster's line reads ``module load {modules.python}`` or ``#SBATCH -A {allocation}``,
the new tab's line gives the new cluster's value. A fact every cluster of the table has
but no tab shows is written as ``FILL-IN`` and listed in a comment and in the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ..table import Cluster, Table
from .clusternames import centre_like, new_names, several
from .group import Generalizer
from .labels import bare_label, cluster_of, label_names
from .learn import unfit
from .model import ONE_NAME, STAND_IN, Tab
from .readers import reader_for
from .tabfacts import blocks_of, read_tab
from .tabletext import sections


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


def _other_names(
    table: Table,
    known: list[tuple[Tab, Cluster | None]],
    new: dict[str, dict[str, object]],
    lower: bool,
    read: Callable[[Tab], dict[str, str]],
) -> dict[int, tuple[str, str]]:
    """In a tab set, the labels the table lacks that are the other names of centres an
    earlier tab set of the page added by one name ("Cosmos" after "LUNARC"): id(tab) ->
    the centre's key and the label giving both names ("Cosmos (LUNARC)"). The centre has
    no tab here, and one name is upper case and the other not. One such label and one
    such centre are each other's; of several, a label pairs with the one centre whose
    own value of a fact its tab shows (``read``: the facts a tab gives), an allocation
    none of the others has, say, and the last label left with the last centre."""
    unknown = [
        tab
        for tab, cluster in known
        if cluster is None
        and centre_like(bare_label(tab.label.strip()), lower)
        and len(label_names(bare_label(tab.label.strip()))) == 1
    ]
    labels = {bare_label(t.label.strip()).casefold() for t, _c in known}
    one_name = [
        key
        for key, facts in new.items()
        if _one_name(facts) and str(facts.get("center", "")).casefold() not in labels
    ]
    pairs: dict[int, str] = {}
    if len(unknown) > 1 and one_name:
        for tab in unknown:
            shown = read(tab)
            alike = [k for k in one_name if _own_value(shown, k, new, one_name)]
            if len(alike) == 1:
                pairs[id(tab)] = alike[0]
        taken = Counter(pairs.values())
        pairs = {tab: key for tab, key in pairs.items() if taken[key] == 1}
    left = [t for t in unknown if id(t) not in pairs]
    centres = [k for k in one_name if k not in pairs.values()]
    if len(left) == 1 and len(centres) == 1:
        pairs[id(left[0])] = centres[0]
    found = {}
    for tab in unknown:
        if id(tab) not in pairs:
            continue
        key = pairs[id(tab)]
        label, name = bare_label(tab.label.strip()), str(new[key]["cluster"])
        if label.isupper() == name.isupper():
            continue
        center, cluster = (label, name) if label.isupper() else (name, label)
        found[id(tab)] = (key, f"{cluster} ({center})")
    return found


def _one_name(facts: dict[str, object]) -> bool:
    """Whether a centre's names are one: its centre's the same as its cluster's."""
    return str(facts.get("center", "")).casefold() == str(facts.get("cluster", "")).casefold()


def _added(new: dict[str, dict[str, object]], label: str) -> str:
    """The key of the centre this page added that ``label`` names by its label, its
    centre's or its cluster's name ("Dardel", once "Dardel (PDC)" is known); else ""."""
    wanted = {name.casefold() for name in label_names(label)}
    for key, facts in new.items():
        names = {str(facts.get(n, "")).casefold() for n in ("label", "center", "cluster")}
        if wanted and wanted <= names:
            return key
    return ""


def _own_value(
    shown: dict[str, str], key: str, new: dict[str, dict[str, object]], keys: list[str]
) -> bool:
    """Whether a tab shows a fact or a module set (``modules.NAME``) with the value
    centre ``key`` has and no other of ``keys`` has."""
    mine = _flat(new[key])
    others = [_flat(new[k]) for k in keys if k != key]
    return any(
        mine.get(name) == value and all(other.get(name) != value for other in others)
        for name, value in shown.items()
    )


def _flat(facts: dict[str, object]) -> dict[str, str]:
    """A new centre's facts and module sets (``modules.NAME``: the modules, space-separated)."""
    found = {name: value for name, value in facts.items() if isinstance(value, str)}
    sets = facts.get("modules")
    if isinstance(sets, dict):
        found.update({f"modules.{name}": " ".join(listed) for name, listed in sets.items()})
    return found


def _shown(read: tuple[dict[str, str], dict[str, list[str]]]) -> dict[str, str]:
    """What :func:`.tabfacts.read_tab` read, flat as :func:`_flat` gives a centre's."""
    facts, sets = read
    return {**facts, **{f"modules.{name}": " ".join(listed) for name, listed in sets.items()}}


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
        others = _other_names(
            table,
            known,
            new,
            lower,
            lambda tab, models=models: _shown(read_tab(generalize, models, blocks_of(reader, tab))),
        )
        for tab, cluster in known:
            label = bare_label(tab.label.strip())
            if cluster is not None or not centre_like(label, lower) or several(table, label):
                continue
            blocks = blocks_of(reader, tab)
            names = new_names(table, known, label)
            if id(tab) in others:  # the other name of a centre this page added by one name
                other, both = others[id(tab)]
                names = {**new_names(table, known, both), "key": other}
                new[other].update({n: v for n, v in names.items() if n != "key"})
            elif _added(new, label):  # a centre an earlier tab set added, by one of its names
                names = {"key": _added(new, label)}
            key = names["key"]
            earlier = new.get(key)
            if earlier is not None and _one_name(earlier) and not _one_name(names):
                # "Cosmos (LUNARC)" after "LUNARC": the centre added by one name gets both
                earlier.update({n: v for n, v in names.items() if n != "key"})
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
        if _one_name(facts):
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
                + (f"; check (as on every other cluster): {', '.join(shared)}" if shared else "")
                + ("; check (its tabs give one name): center, cluster" if _one_name(facts) else ""),
            )
        )
    return sections("clusters", new), list(new), notes
