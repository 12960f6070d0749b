"""The names of a cluster a page's tab labels give: a new cluster's key, label, centre
and cluster (written as the table writes its own), and the other name of a cluster the
table knows by one name only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from ..table import Cluster, Table
from .labels import bare_label, cluster_of, label_names, split_centre
from .model import STAND_IN, Tab
from .naming import slug
from .readers import reader_for


def centre_like(label: str, lower: bool) -> bool:
    """Whether a tab's label (filler words aside) can name a centre or a cluster: names
    (each word capitalised, or lower-case like the set's other cluster labels), not a
    file, nor a phrase ("Your own computer")."""
    return bool(re.fullmatch(r"\w[\w :()@/&-]{0,39}", label)) and (
        lower
        or all(word[0].isupper() or word[0].isdigit() for word in re.findall(r"[\w-]+", label))
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
    if len(names) == 1:
        names = split_centre(table, names[0])
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
    named: dict[str, Cluster] = {}  # a label found to be a one-name cluster's other name
    tab_sets = reader.tab_sets(text.split("\n"))
    # twice: what one tab set tells ("C3SE" is Alvis) leaves one label in another
    for tab_set in [*tab_sets, *tab_sets]:
        known = [
            (t, cluster_of(table, t.label) or named.get(bare_label(t.label).casefold()))
            for t in tab_set.tabs
        ]
        for tab, cluster, role in other_names(table, known):
            named[bare_label(tab.label).casefold()] = cluster
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
    the centre of a cluster added as "Pelle"), or it is the set's only such label left
    where one one-name cluster is left without a tab, and one of the two names is in
    upper case and the other not ("LUNARC" where "Cosmos" has no tab). Per such tab: the
    cluster, and whether the label is its ``center`` or its ``cluster`` (as the set's
    other labels are)."""
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
    unknown = [
        tab
        for tab, cluster in known
        if cluster is None
        and len(label_names(bare_label(tab.label.strip()))) == 1
        and centre_like(bare_label(tab.label.strip()), False)
    ]
    found: dict[int, Cluster] = {}
    for tab in unknown:
        synced = {o.split(":", 2)[2].strip() for o in tab.options if o.startswith(":sync:")}
        text = "\n".join(tab.body)
        hits = [
            c
            for c in one_name
            if any(table.cluster_for_label(name) is c for name in synced)
            or re.search(rf"(?<![\w.-]){re.escape(c.cluster)}(?![\w-])", text)
        ]
        if len(hits) == 1:
            found[id(tab)] = hits[0]
    # the set's one label the table lacks, where the one cluster the table knows by one
    # name has no tab: that cluster, when one name is a centre's (upper case, "LUNARC")
    # and the other not ("Cosmos")
    left = [t for t in unknown if id(t) not in found]
    untabbed = [c for c in one_name if c not in found.values()]
    if len(left) == 1 and len(untabbed) == 1:
        label = bare_label(left[0].label.strip())
        if label.isupper() != untabbed[0].cluster.isupper():
            found[id(left[0])] = untabbed[0]
    for tab in unknown:
        if id(tab) in found:
            label = bare_label(tab.label.strip())
            out.append((tab, found[id(tab)], _role(label, found[id(tab)].cluster, role)))
    return out


def _role(label: str, known: str, usual: str) -> str:
    """Whether ``label`` is a centre's name or a cluster's, beside the one name ``known``
    the cluster has: the upper-case one is the centre ("C3SE", "Alvis"); else what the
    tab set's other labels are (``usual``)."""
    if label.isupper() != known.isupper():
        return "center" if label.isupper() else "cluster"
    return usual
