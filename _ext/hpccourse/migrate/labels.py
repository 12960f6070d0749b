"""Which cluster of the table a tab's label names, and the names a label gives."""

from __future__ import annotations

import re

from ..table import Cluster, Table

#: Words a label may start with that name nothing ("At UPPMAX", "On Dardel").
FILLERS = frozenset({"at", "on", "for", "in", "with", "using", "via", "from", "the"})
#: What separates a cluster's name from its centre's in a label: "Pelle (UPPMAX)",
#: "Tetralith @ NSC", "UPPMAX: Pelle", "NSC / Tetralith".
SEPARATOR = re.compile(r"\s*(?:[@():/|,]|\s[-\u2013]\s)\s*")


def named_label(table: Table, key: str) -> str:
    return table.cluster(key).label


def bare_label(label: str) -> str:
    """``label`` without the words in front that name nothing ("At C3SE": "C3SE")."""
    words = label.strip().split()
    while len(words) > 1 and words[0].casefold() in FILLERS:
        words = words[1:]
    return " ".join(words)


def label_names(label: str) -> list[str]:
    """The names a label gives, in order: "Alvis @ C3SE": Alvis, C3SE."""
    return [part for part in SEPARATOR.split(bare_label(label)) if part.strip()]


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
    return None
