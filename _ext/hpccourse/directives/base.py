"""What the directives that read the data table share: load it, depend on it, warn."""

from __future__ import annotations

from collections.abc import Callable

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from ..diagnostics import kept
from ..table import Cluster, Rendered, Table, TableError, project_table, table_path
from ..table.suggest import hint
from . import deps
from .lines import directive_line


class SuggestingOptions(dict):  # type: ignore[type-arg]
    """An ``option_spec`` that answers an unknown option with the closest known one.

    docutils looks each given option up here; for a name it lacks, the converter it gets
    fails with "did you mean `:venv:`?" (docutils puts that in its error at the directive).
    """

    def __missing__(self, name: str) -> Callable[[str | None], object]:
        def unknown(value: str | None) -> object:
            raise ValueError(f"unknown option :{name}: - {hint(name, self, 'options')}")

        return unknown


def generated_block(
    text: str, language: str, cluster: Cluster, item: Rendered, source: str, line: int
) -> nodes.literal_block:
    """A literal block generated from the table for ``cluster``, with what the checkers
    read: ``hpc_cluster``, ``hpc_step``, ``hpc_data_source`` and ``hpc_data_line`` (the
    table's file and line); its ``source``/``line`` are the directive's."""
    block = nodes.literal_block(text, text)
    block["language"] = language
    block["highlight_args"] = {}
    block["hpc_cluster"] = cluster.key
    block["hpc_step"] = item.step
    block["hpc_data_source"] = item.data_source
    block["hpc_data_line"] = item.data_line
    block.source, block.line = source, line
    return block


def verbatim(node: nodes.Element) -> nodes.Element:
    """Keep table values as written: no typographic quotes in ``node``."""
    node["support_smartquotes"] = False
    return node


class TableDirective(SphinxDirective):
    """Shared by the table's directives: find, load and depend on the table."""

    has_content = False

    def table_path(self) -> str:
        return table_path(self.env.srcdir, self.config)

    def load_table(self, use: deps.Use) -> Table | None:
        """The table, or None when it does not load (the error noted as ``use``'s digest).

        The table is not a file dependency of the page: :mod:`.deps` rebuilds the page
        when what ``use`` generates from the table changes.
        """
        table = project_table(self.env.srcdir, self.config)
        if isinstance(table, TableError):
            # Reported once for the whole site, at the table's line, by
            # :mod:`.tableerror` (which counts these digests).
            deps.note(self.env, use, deps.error_digest(table))
            return None
        return table

    def warn_table(self, error: TableError) -> None:
        """Report ``error`` at this directive, naming the table's file and line."""
        where = error.location(relative_to=str(self.env.srcdir))
        self.warn(f"{where}: {error.message}", "table")

    def warn(self, message: str, subtype: str) -> None:
        """Warn at this directive's file and line (an included file's own, when included,
        and the directive's own line on MyST pages too), and keep the warning until the
        page is read again (:mod:`hpccourse.diagnostics.kept`)."""
        source, line = directive_line(self)
        kept.warn(self.env, message, f"{source}:{line}", subtype)
