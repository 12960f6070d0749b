"""Which of the table's clusters a piece of prose names (no Sphinx).

A count of clusters in prose ("Two clusters need more: Dardel ... and Alvis ...") counts
the clusters its paragraph names when it names that many: the site's check of counts
(:mod:`hpccourse.directives.clusterprose`) and ``migrate``'s rewriting of them
(:mod:`hpccourse.migrate.counts`) read it alike.
"""

from __future__ import annotations

import re

from .model import Table

#: Each cluster's names, as :func:`cluster_names` gives them.
Names = tuple[tuple[str, ...], ...]


def cluster_names(table: Table) -> Names:
    """Each cluster's names as prose may give them: its key, centre, cluster and label,
    and the label's parts (``UPPMAX (Pelle)``: ``UPPMAX``, ``Pelle``)."""
    out = []
    for cluster in table.clusters:
        names = {cluster.key, cluster.center, cluster.cluster, cluster.label}
        names.update(re.split(r"[(),/]", cluster.label))
        out.append(tuple(sorted(n.strip() for n in names if n.strip())))
    return tuple(out)


def named_count(text: str, names: Names) -> int:
    """How many of the clusters (each given by its names) ``text`` names, as whole words
    in any case."""
    return sum(
        any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.IGNORECASE) for n in each)
        for each in names
    )
