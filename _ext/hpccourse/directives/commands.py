"""``cluster-commands``: one tabbed console block per step of the data table.

``.. cluster-commands:: STEP`` renders step STEP of ``clusters.toml`` for
every cluster, in table order, as a sphinx-tabs tab set (``group-tab`` per
cluster label, so a reader's choice switches every block on the page).
``:venv: NAME`` gives ``{venv}`` (and the ``(NAME) $`` prompt of in_env steps);
``:task: TEXT`` adds a first tab "Task" holding TEXT, parsed as RST, so the
answers stay hidden until a reader picks a cluster.

The tab set itself is written as RST lines and parsed (so sphinx-tabs builds
it, for every builder); each tab's body is a slot filled with nodes built here
directly, so table values never pass through the RST parser: ``**x**`` or
``<script>`` in the table show as written. Each generated literal block
records, for the console checker: ``hpc_cluster``, ``hpc_step``,
``hpc_data_source`` (the table's absolute path) and ``hpc_data_line`` (the
line of the command used); its ``source``/``line`` are the directive's.
Table problems are warnings at the directive naming the table's line.
Each directive notes what it used of the table (:mod:`.deps`), so that an edit of
the table rebuilds only the pages whose generated text changes.
"""

from __future__ import annotations

import itertools
import os
import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..table import Cluster, Rendered, Table, TableError
from ..table.suggest import hint
from . import deps
from .base import SuggestingOptions, TableDirective, verbatim
from .filestep import file_nodes, note_nodes

logger = logging.getLogger(__name__)

_ENV_NAME = re.compile(r"[\w.-]+\Z")
_SLOTS = "hpccourse_slots"
_USED = "hpccourse_slots_used"
_slot_ids = itertools.count()


def env_name(argument: str | None) -> str:
    """Option converter for ``:venv:``: one word of letters, digits, ``.-_``."""
    value = directives.unchanged_required(argument).strip()
    if not _ENV_NAME.match(value):
        raise ValueError(f"{value!r} is not an environment name (letters, digits, '.', '-', '_')")
    return value


def rst_escape(text: str) -> str:
    """``text`` as RST inline text that reads back as exactly ``text``."""
    escaped = re.sub(r"([\\`*_|\[\]<>:])", r"\\\1", text)
    if escaped and not escaped[0].isalnum() and escaped[0] != "\\":
        escaped = "\\" + escaped  # never a list bullet, enumerator or comment
    return escaped


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
        source, line = self.get_source_info()
        tabs: list[tuple[str, list[str] | list[nodes.Node]]] = []
        if "task" in self.options:
            tabs.append(("Task", self.options["task"].splitlines()))
        for cluster, item in zip(table.clusters, rendered, strict=True):
            tabs.append((cluster.label, self.tab_body(cluster, item, source, line)))
        return self.tab_set(tabs, source, line)

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
        text = console_text(item)
        block = nodes.literal_block(text, text)
        block["language"] = "console"
        block["highlight_args"] = {}
        block["hpc_cluster"] = cluster.key
        block["hpc_step"] = item.step
        block["hpc_data_source"] = item.data_source
        block["hpc_data_line"] = item.data_line
        block.source, block.line = source, line
        body: list[nodes.Node] = [block]
        if item.examples:
            body.append(verbatim(placeholder_note(cluster, source, line)))
        return body

    def tab_set(
        self, tabs: list[tuple[str, list[str] | list[nodes.Node]]], source: str, line: int
    ) -> list[nodes.Node]:
        """Parse a ``tabs`` set of ``group-tab`` s; node bodies go in through slots."""
        slots = self.env.temp_data.setdefault(_SLOTS, {})
        lines = [".. tabs::", ""]
        used = []
        for label, body in tabs:
            lines += [f"   .. group-tab:: {rst_escape(label)}", ""]
            if body and isinstance(body[0], nodes.Node):
                slot = str(next(_slot_ids))
                slots[slot] = body
                used.append(slot)
                lines += [f"      .. hpccourse-slot:: {slot}", ""]
            else:
                lines += [f"      {text}" for text in body] + [""]
        content = StringList(lines, items=[(source, line - 1)] * len(lines))
        container = nodes.container()
        try:
            self.state.nested_parse(content, 0, container)
        finally:
            taken = self.env.temp_data.get(_USED, set())
            for slot in used:
                slots.pop(slot, None)
                taken.discard(slot)
        return container.children


class Slot(SphinxDirective):
    """Internal: puts nodes built by a directive into a parsed tab body.

    sphinx-tabs parses a tab body twice for non-HTML builders, so a second use
    returns copies (the first takes the nodes themselves: copying every block
    cost a tenth of the directive's time).
    """

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        slots = self.env.temp_data.get(_SLOTS, {})
        body = slots.get(self.arguments[0])
        if body is None:
            raise self.error("hpccourse-slot is internal to cluster-commands")
        if self.arguments[0] not in self.env.temp_data.setdefault(_USED, set()):
            self.env.temp_data[_USED].add(self.arguments[0])
            return list(body)
        return [node.deepcopy() for node in body]


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
    """The block's text: each command after its prompt (here-document bodies
    unprompted), then the output."""
    lines: list[str] = []
    for command in item.commands:
        first, *rest = command.split("\n")
        lines.append(item.prompt + first)
        lines.extend(rest)
    lines.extend(item.output)
    return "\n".join(lines)


def setup(app: Sphinx) -> None:
    """Register the directives that read the data table."""
    app.add_directive("cluster-commands", ClusterCommands)
    app.add_directive("hpccourse-slot", Slot)
    deps.register("commands", commands_digest)
    deps.setup(app)
