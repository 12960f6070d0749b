"""Prose that names or counts the clusters, from the data table; and a check of the rest.

Two roles, in RST (``:clusters:`all```) and MyST (``{clusters}`all```) alike:

- ``clusters``: the clusters' labels as an English list ("UPPMAX, HPC2N and LUMI");
- ``cluster-count``: how many there are, as a word ("seven"; digits from 13 on).

The argument is ``all`` (every cluster of the table) or a step of the table: the clusters
that step applies to (``:clusters:`load-python-gpu``` names those of the GPU exercise).

The check (``doctree-read``): on a page that shows something of the table (a
``cluster-commands``, a ``cluster-facts``, one of these roles), a number word followed by
"clusters" ("both clusters", "two HPC clusters", "7 of the clusters") that is not the
table's count is a warning at its page and line, saying what to write instead, unless its
paragraph names that many of the table's clusters ("Two clusters need more: Dardel ...
and Alvis ...": a count of those, true whatever else the table holds). Literal
text is not prose and is not checked; a page that shows nothing of the table (one about
tables in general, say) may count any clusters it likes. Both follow :mod:`.deps`: a page
is read again when what it generated or checked from the table changes.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole

from ..diagnostics import kept
from ..table import Table, TableError, project_table
from ..table.prosenames import COUNTED, Names, cluster_names, counted, named_count, number_word
from ..table.suggest import closest
from . import deps

ALL = "all"
_NOT_PROSE = (nodes.literal, nodes.literal_block, nodes.raw, nodes.comment, nodes.reference)


def english_list(names: list[str]) -> str:
    """``["A", "B", "C"]`` -> ``"A, B and C"``."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def chosen(table: Table, argument: str) -> list[str]:
    """The labels of the clusters ``argument`` stands for (``all`` or a step's key)."""
    if argument == ALL:
        return [cluster.label for cluster in table.clusters]
    step = table.steps[argument]
    return [cluster.label for cluster in table.clusters if step.applies_to(cluster.key)]


def render(table: Table, role: str, argument: str) -> str:
    """The text role ``role`` gives for ``argument``."""
    labels = chosen(table, argument)
    return number_word(len(labels)) if role == "cluster-count" else english_list(labels)


def _digest(table: Table, use: deps.Use) -> str:
    _, role, argument = use
    if role == "count-check":
        return deps.digest((len(table.clusters), cluster_names(table)))
    if argument != ALL and argument not in table.steps:
        return deps.digest(("unknown step", argument))
    return deps.digest(render(table, role, argument))


class ClusterProse(SphinxRole):
    """``:clusters:`ARG``` and ``:cluster-count:`ARG```."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        role = self.name.split(":")[-1]
        argument = self.text.strip()
        use = ("prose", role, argument)
        table = project_table(self.env.srcdir, self.config)
        where = "{}:{}".format(*self.get_source_info())
        if isinstance(table, TableError):  # reported once, at the table's line
            deps.note(self.env, use, deps.error_digest(table))
            return [nodes.inline(self.rawtext, argument)], []
        deps.note(self.env, use, _digest(table, use))
        if argument != ALL and argument not in table.steps:
            match = closest(argument, [ALL, *table.steps])
            advice = f": did you mean `{match}`?" if match else f" (`{ALL}` or a step's name)"
            kept.warn(
                self.env, f":{role}: `{argument}` is no step of the table{advice}", where, "prose"
            )
            return [nodes.inline(self.rawtext, argument)], []
        text = render(table, role, argument)
        return [nodes.inline(self.rawtext, text, classes=[f"hpccourse-{role}"])], []


def _prose_texts(doctree: nodes.document):
    for text in doctree.findall(nodes.Text):
        parent = text.parent
        if parent is None or any(isinstance(node, _NOT_PROSE) for node in _ancestors(parent)):
            continue
        yield text


def _ancestors(node: nodes.Node):
    while node is not None:
        yield node
        node = node.parent


def count_problems(text: str, count: int, paragraph: str = "", names: Names = ()) -> list[str]:
    """The phrases of ``text`` that count clusters other than ``count``, each with what
    to write instead; a count of as many clusters as its ``paragraph`` names (of
    ``names``, :func:`cluster_names`) counts those and is right."""
    out = []
    for match in COUNTED.finditer(text):
        number = counted(match.group(1))
        if number == count or (names and number == named_count(paragraph or text, names)):
            continue
        out.append(
            f"`{match.group(0)}`: the data table has {number_word(count)} clusters; "
            "write :cluster-count:`all` or :clusters:`all` (or a step's name for those "
            "it applies to), so the prose follows the table"
        )
    return out


def check_counts(app: Sphinx, doctree: nodes.document) -> None:
    """``doctree-read``: warn where the page's prose counts the clusters wrongly."""
    env = app.env
    table = project_table(env.srcdir, app.config)
    if isinstance(table, TableError) or not deps.uses(env).get(env.docname):
        return  # no table, or a page that shows nothing of it (e.g. one about tables)
    noted = False
    names = cluster_names(table)
    for text in _prose_texts(doctree):
        if not COUNTED.search(text.astext()):
            continue
        if not noted:
            use = ("prose", "count-check", ALL)
            deps.note(env, use, _digest(table, use))
            noted = True
        paragraph = next(
            (n for n in _ancestors(text.parent) if isinstance(n, nodes.paragraph)), text.parent
        )
        found = count_problems(text.astext(), len(table.clusters), paragraph.astext(), names)
        for message in found:
            holder = next((n for n in _ancestors(text.parent) if n.line), text.parent)
            source = holder.source or str(env.doc2path(env.docname))
            kept.warn(env, message, f"{source}:{holder.line or 0}", "prose")


def setup(app: Sphinx) -> None:
    """Register the roles and the check."""
    app.add_role("clusters", ClusterProse())
    app.add_role("cluster-count", ClusterProse())
    app.connect("doctree-read", check_counts)
    deps.register("prose", _digest)
