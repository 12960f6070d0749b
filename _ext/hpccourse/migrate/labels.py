"""Which cluster of the table a tab's label names."""

from __future__ import annotations

import re

from ..table import Cluster, Table


def named_label(table: Table, key: str) -> str:
    return table.cluster(key).label


def cluster_of(table: Table, label: str) -> Cluster | None:
    """The cluster a tab label names: the whole label, else one of its words (a cluster's
    own name before its centre's: "UPPMAX: Pelle", "Dardel (PDC)")."""
    found = table.cluster_for_label(label)
    if found is not None:
        return found
    words = re.findall(r"[\w-]+", label)
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
