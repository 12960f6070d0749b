"""``cluster-commands``: one tabbed console block per step of the data table.

``.. cluster-commands:: STEP`` renders step STEP of ``clusters.toml`` for
every cluster, in table order, as a sphinx-tabs tab set (``group-tab`` per
cluster label, so a reader's choice switches every block on the page).
``:venv: NAME`` gives ``{venv}`` (and the ``(NAME) $`` prompt of in_env steps);
``:task: TEXT`` adds a first tab "Task" holding TEXT, parsed in the page's markup
(RST, or Markdown on a MyST page), so the answers stay hidden until a reader picks a
cluster.

Every node is built here directly, the tab set too (:mod:`.tabset`: the nodes
sphinx-tabs' ``tabs`` and ``group-tab`` build, for every builder): no markup is
generated and parsed, so the directive works the same on RST and MyST pages, and
table values never pass through a parser: ``**x**`` or ``<script>`` in the table
show as written. Each generated literal block
records, for the console checker: ``hpc_cluster``, ``hpc_step``,
``hpc_data_source`` (the table's absolute path) and ``hpc_data_line`` (the
line of the command used); its ``source``/``line`` are the directive's.
Table problems are warnings at the directive naming the table's line.
Each directive notes what it used of the table (:mod:`.deps`), so that an edit of
the table rebuilds only the pages whose generated text changes.

A step that shows the same on every cluster (without ``:task:``) is one plain block
under "The same on every cluster:", not a tab set of equal tabs; the other clusters'
blocks stay in the doctree, inside a :class:`~.tabset.not_shown` node that no writer
writes, so that the console checker and lessonrun still read one block per cluster.
"""

from __future__ import annotations

import os
import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging

from ..console.lines import PS2, ends_with_continuation, heredoc_rows
from ..table import Cluster, Rendered, Table, TableError
from ..table.suggest import hint
from . import deps
from .base import SuggestingOptions, TableDirective, generated_block, verbatim
from .filestep import file_nodes, note_nodes
from .lines import directive_line, nested_offset
from .tabset import LIGHT_TAB_VISITORS, NOT_SHOWN_VISITORS, Tab, group_tab_set, not_shown

logger = logging.getLogger(__name__)

_ENV_NAME = re.compile(r"[\w.-]+\Z")


def env_name(argument: str | None) -> str:
    """Option converter for ``:venv:``: one word of letters, digits, ``.-_``."""
    value = directives.unchanged_required(argument).strip()
    if not _ENV_NAME.match(value):
        raise ValueError(f"{value!r} is not an environment name (letters, digits, '.', '-', '_')")
    return value


class ClusterCommands(TableDirective):
    """``.. cluster-commands:: STEP`` with ``:venv:`` and ``:task:``."""

    required_arguments = 1
    optional_arguments = 0
    final_argument_whitespace = False
    option_spec: ClassVar[dict[str, Any]] = SuggestingOptions(
        venv=env_name,
        task=directives.unchanged_required,
    )

    def run(self) -> list[nodes.Node]:
        step = self.arguments[0]
        use = commands_use(step, self.options.get("venv"))
        table = self.load_table(use)
        if table is None:
            return []
        try:
            rendered = render_step(table, use)
        except TableError as error:
            deps.note(self.env, use, deps.error_digest(error))
            self.warn_table(error)
            return []
        deps.note(self.env, use, deps.digest(commands_view(table, use, rendered)))
        if rendered is None:
            where = os.path.relpath(table.source, self.env.srcdir)
            help_ = hint(step, table.steps, "steps")
            self.warn(f"{where}: no step {step!r} in the data table: {help_}", "step")
            return []
        source, line = directive_line(self)
        bodies = [
            self.tab_body(cluster, item, source, line)
            for cluster, item in zip(table.clusters, rendered, strict=True)
        ]
        if "task" not in self.options and same_everywhere(table.clusters, rendered):
            return [same_block(bodies, source, line)]
        tabs: list[Tab] = []
        if "task" in self.options:
            tabs.append(("Task", self.task_body()))
        tabs += [(c.label, body) for c, body in zip(table.clusters, bodies, strict=True)]
        return [group_tab_set(self.env, tabs)]

    def task_body(self) -> list[nodes.Node]:
        """The ``:task:`` text, parsed in the page's own markup (RST or MyST)."""
        return self.parse_text_to_nodes(
            self.options["task"], offset=nested_offset(self), allow_section_headings=False
        )

    def tab_body(
        self, cluster: Cluster, item: Rendered, source: str, line: int
    ) -> list[nodes.Node]:
        """The nodes in ``cluster``'s tab: the console block (or file) and its explanation,
        then the step's note for the cluster (:mod:`.filestep`)."""
        return [*self.tab_block(cluster, item, source, line), *note_nodes(item, source, line)]

    def tab_block(
        self, cluster: Cluster, item: Rendered, source: str, line: int
    ) -> list[nodes.Node]:
        """The console block and its explanation, the file, or why the step does not apply."""
        if not item.applies:
            return [verbatim(nodes.paragraph(item.reason, item.reason))]
        if item.file:
            return file_nodes(cluster, item, source, line)
        block = generated_block(console_text(item), "console", cluster, item, source, line)
        body: list[nodes.Node] = [block]
        if item.examples:
            body.append(verbatim(placeholder_note(cluster, source, line)))
        return body


def shown(cluster: Cluster, item: Rendered) -> tuple[object, ...]:
    """What a reader sees in ``cluster``'s tab for ``item`` (the table's lines aside)."""
    # The placeholder note's words (placeholder_note), without building its nodes.
    note = (
        (cluster.placeholder, cluster.center, cluster.example_user)
        if item.examples and item.applies
        else ()
    )
    return (
        item.applies,
        item.reason,
        console_text(item) if item.applies and not item.file else "",
        item.file,
        item.content,
        item.note,
        note,
    )


def same_everywhere(clusters: tuple[Cluster, ...], rendered: list[Rendered]) -> bool:
    """Whether every cluster's tab would show the same (and there is more than one)."""
    views = {shown(cluster, item) for cluster, item in zip(clusters, rendered, strict=True)}
    return len(rendered) > 1 and len(views) == 1


def same_block(bodies: list[list[nodes.Node]], source: str, line: int) -> nodes.container:
    """One plain block for a step the same on every cluster: the first cluster's nodes,
    said to be the same everywhere, then the others' in a node no writer writes."""
    lead = nodes.paragraph(classes=["hpccourse-same-label"])
    lead += nodes.Text("The same on every cluster:")
    lead.source, lead.line = source, line
    hidden = not_shown("", *(node for body in bodies[1:] for node in body))
    box = nodes.container("", lead, *bodies[0], hidden, classes=["hpccourse-same-everywhere"])
    box.source, box.line = source, line
    return box


def placeholder_note(cluster: Cluster, source: str, line: int) -> nodes.paragraph:
    """Under a block with the reader's user name: "where ``[username]`` is your UPPMAX
    user name, for example ``sven``." (the example user name, not a whole command)."""
    para = nodes.paragraph(classes=["hpccourse-placeholder-note"])
    para += nodes.Text("where ")
    para += nodes.literal(cluster.placeholder, cluster.placeholder)
    center = f" {cluster.center}" if cluster.center else ""
    para += nodes.Text(f" is your{center} user name")
    if cluster.example_user:
        para += nodes.Text(", for example ")
        para += nodes.literal(cluster.example_user, cluster.example_user)
    para += nodes.Text(".")
    para.source, para.line = source, line
    return para


def commands_use(step: str, venv: str | None) -> deps.Use:
    """What a ``cluster-commands`` reads from the table: its step, with its ``:venv:``."""
    return ("commands", step, venv or "")


def render_step(table: Table, use: deps.Use) -> list[Rendered] | None:
    """The use's step rendered for every cluster, in tab order; None when no such step.

    Raises :class:`TableError` when a placeholder has no value.
    """
    _kind, step, venv = use
    if step not in table.steps:
        return None
    variables = {"venv": venv} if venv else {}
    return [table.render(step, c.key, variables) for c in table.clusters]


def commands_view(table: Table, use: deps.Use, rendered: list[Rendered] | None) -> object:
    """Everything of the table that the directive's output for ``use`` shows."""
    if rendered is None:  # the warning lists the known steps
        return ("missing", use, tuple(table.steps))
    clusters = tuple(
        (c.key, c.label, c.center, c.placeholder, c.example_user) for c in table.clusters
    )
    return (clusters, tuple(rendered))


def commands_digest(table: Table, use: deps.Use) -> str:
    """``use``'s digest from ``table`` as it is now (for :mod:`.deps`)."""
    return deps.digest(commands_view(table, use, render_step(table, use)))


def console_text(item: Rendered) -> str:
    """The block's text: each command after its prompt, then the output. A command's
    later rows (a loop's body and ``done``) come after ``> ``, as bash shows them: the
    console lexer then draws them as typed, not as output, and the copy button keeps
    them. A here-document's body and a row after a ``\\`` stay as written."""
    lines: list[str] = []
    for command in item.commands:
        first, *rest = command.split("\n")
        lines.append(item.prompt + first)
        body, _ = heredoc_rows(command)
        for row, text in enumerate(rest, start=1):
            continued = row in body or ends_with_continuation(lines[-1])
            lines.append(text if continued else PS2 + text)
    lines.extend(item.output)
    return "\n".join(lines)


def setup(app: Sphinx) -> None:
    """Register the directives that read the data table."""
    app.add_node(not_shown, **NOT_SHOWN_VISITORS)
    for node, visitors in LIGHT_TAB_VISITORS.items():
        app.add_node(node, **visitors)
    app.add_directive("cluster-commands", ClusterCommands)
    deps.register("commands", commands_digest)
    deps.setup(app)
