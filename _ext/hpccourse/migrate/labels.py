"""Which cluster of the table a tab's label names, and the names a label gives."""

from __future__ import annotations

import re
from collections import Counter

from ..table import Cluster, Table

#: Words a label may start with that name nothing ("At UPPMAX", "On Dardel").
FILLERS = frozenset({"at", "on", "for", "in", "with", "using", "via", "from", "the"})
#: What separates a cluster's name from its centre's in a label: "Pelle (UPPMAX)",
#: "Tetralith @ NSC", "UPPMAX: Pelle", "NSC / Tetralith"; or two centres' names:
#: "LUNARC and C3SE", "NSC & PDC".
SEPARATOR = re.compile(r"\s*(?:[@():/|,]|\s[-\u2013&]\s|\sand\s)\s*")


def named_label(table: Table, key: str) -> str:
    return table.cluster(key).label


#: A remark in round brackets: lower-case words, more than one ("PDC (partition needed)").
ROUND_REMARK = re.compile(r"\s*\((?:[a-z][a-z0-9'-]*)(?: [a-z0-9'-]+)+\)")


def bare_label(label: str) -> str:
    """``label`` without the words in front that name nothing ("At C3SE": "C3SE") and
    without remarks: in square brackets ("Alvis (C3SE) [GPU node needed]"), or lower-case
    words in round ones ("PDC (partition needed)"; one word may be a name: "cosmos
    (lunarc)")."""
    words = ROUND_REMARK.sub(" ", re.sub(r"\[[^\]]*\]", " ", label)).strip().split()
    while len(words) > 1 and words[0].casefold() in FILLERS:
        words = words[1:]
    return " ".join(words)


def label_names(label: str) -> list[str]:
    """The names a label gives, in order: "Alvis @ C3SE": Alvis, C3SE."""
    bare = " ".join(bare_label(label).split())  # one space: the pattern's \s* cannot backtrack
    return [part for part in SEPARATOR.split(bare) if part.strip()]


def cluster_of(table: Table, label: str) -> Cluster | None:
    """The cluster a tab label names: the whole label, else one of its words (a cluster's
    own name before its centre's: "UPPMAX: Pelle", "Dardel (PDC)"); words in front that
    name nothing aside ("At UPPMAX"). A label naming a centre and a cluster the table
    does not know ("UPPMAX: Bianca") names none; a centre added from a tab that named
    only it has the centre's name as its cluster's, so "Cosmos @ LUNARC" names it."""
    bare = bare_label(label)
    found = table.cluster_for_label(label) or table.cluster_for_label(bare)
    if found is not None:
        return found
    words = re.findall(r"[\w-]+", bare)
    for word in words:
        for cluster in table.clusters:
            if word.casefold() == cluster.cluster.casefold():
                return cluster
    known = [table.cluster_for_label(word) for word in words]
    hits = {c.key: c for c in known if c is not None}
    if len(hits) == 1 and all(
        table.cluster_for_label(w) is not None or not w[:1].isupper() for w in words
    ):
        return next(iter(hits.values()))
    return _with_remark(table, bare)


def _with_remark(table: Table, bare: str) -> Cluster | None:
    """The cluster of a label that names it and then remarks on it in brackets, in
    words that name none of the table's clusters ("PDC (AMD GPUs)")."""
    head, _, rest = bare.partition("(")
    inner = rest.rstrip()
    if not inner.endswith(")") or len(inner[:-1].split()) < 2:
        return None
    if any(table.cluster_for_label(w) for w in re.findall(r"[\w-]+", inner)):
        return None
    return table.cluster_for_label(head.strip())


def clusters_named(table: Table, label: str) -> list[str]:
    """The keys of the clusters a label's names name ("UPPMAX/NSC", "HPC2N, LUNARC (on a
    compute node)", "HPC2N (and PDC without ssh)"): names in small letters are remarks;
    a centre's name beside one of its clusters' names that one cluster ("UPPMAX:
    Pelle"). [] when a capitalised name is none of the table's (a centre it lacks)."""
    matches: list[tuple[str, Cluster]] = []
    for name in label_names(label):
        found = table.cluster_for_label(name)
        if found is not None:
            matches.append((name, found))
        elif name[:1].isupper() or name[:1].isdigit():
            return []
    at_centre = _at_centre(matches) if len({c.key for _n, c in matches}) == 2 else ""
    if at_centre:
        return [at_centre]  # "Bianca (UPPMAX)": a one-name cluster at a centre
    centres = Counter(c.center.casefold() for _name, c in matches)
    keys: list[str] = []
    for name, cluster in matches:
        if centres[cluster.center.casefold()] > 1 and name.casefold() != cluster.cluster.casefold():
            continue  # the centre's name beside its cluster's
        if cluster.key not in keys:
            keys.append(cluster.key)
    return keys


def _at_centre(matches: list[tuple[str, Cluster]]) -> str:
    """Of two names, one a cluster's the table knows by that one name only (added from a
    tab that gave no other: its centre is its own name) and the other a centre's name
    (not its cluster's): that one-name cluster's key, else ``""``."""
    one = [c for n, c in matches if c.center.casefold() == c.cluster.casefold() == n.casefold()]
    centre = [c for n, c in matches if n.casefold() == c.center.casefold() != c.cluster.casefold()]
    return one[0].key if len(one) == 1 and len(centre) == 1 else ""


def split_centre(table: Table, name: str) -> list[str]:
    """``name`` as a centre's and a cluster's name when it is written with a space only
    and its first or last word is a centre of the table ("UPPMAX Bianca": UPPMAX,
    Bianca); else ``[name]``."""
    words = name.split()
    centres = {c.center.casefold() for c in table.clusters}
    if len(words) > 1 and words[0].casefold() in centres:
        return [words[0], " ".join(words[1:])]
    if len(words) > 1 and words[-1].casefold() in centres:
        return [" ".join(words[:-1]), words[-1]]
    return [name]


def tab_clusters(table: Table, label: str) -> list[str]:
    """The keys of the clusters a tab shows its blocks to: those its label names when it
    names several (:func:`clusters_named`), else the one :func:`cluster_of` finds, else
    none (a tab of no cluster)."""
    several = clusters_named(table, label)
    if several:
        return several
    found = cluster_of(table, label)
    return [found.key] if found else []
