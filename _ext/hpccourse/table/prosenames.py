"""Prose that counts or names the table's clusters, read one way (no Sphinx).

A number before "clusters" ("both clusters", "four HPC clusters", "7 of the clusters")
counts them; a count of as many clusters as its paragraph names ("Two clusters need
more: Dardel ... and Alvis ...") counts those. The site's check of counts
(:mod:`hpccourse.directives.clusterprose`) and ``migrate``'s rewriting of them
(:mod:`hpccourse.migrate.counts`) both read prose with this module.
"""

from __future__ import annotations

import re

from .model import Table

NUMBER_WORDS = [
    *("zero", "one", "two", "three", "four", "five", "six"),
    *("seven", "eight", "nine", "ten", "eleven", "twelve"),
]
#: "both" and the number words (or digits) before "clusters", with an optional "of
#: the"/"of our"/"of these" and one adjective between ("two HPC clusters"); across a
#: line break too.
COUNTED = re.compile(
    r"\b(both|" + "|".join(NUMBER_WORDS[2:]) + r"|\d+)\s+(?:of\s+(?:the|our|these|its)\s+)?"
    r"(?:[A-Za-z-]+\s+)?clusters\b",
    re.IGNORECASE,
)


def counted(word: str) -> int:
    """The number a :data:`COUNTED` match's word says (``both`` is two)."""
    low = word.lower()
    return 2 if low == "both" else NUMBER_WORDS.index(low) if low in NUMBER_WORDS else int(low)


def number_word(count: int) -> str:
    """``7`` -> ``"seven"`` (digits from 13 on)."""
    return NUMBER_WORDS[count] if 0 <= count < len(NUMBER_WORDS) else str(count)


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
