"""What the directives that read the data table share: load it, depend on it, warn."""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..table import Table, TableError, project_table, table_path
from . import deps
from .lines import directive_line

logger = logging.getLogger(__name__)


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
        """The table, or None after a warning (the error then noted as ``use``'s digest).

        The table is not a file dependency of the page: :mod:`.deps` rebuilds the page
        when what ``use`` generates from the table changes.
        """
        table = project_table(self.env.srcdir, self.config)
        if isinstance(table, TableError):
            deps.note(self.env, use, deps.error_digest(table))
            self.warn_table(table)
            return None
        return table

    def warn_table(self, error: TableError) -> None:
        """Report ``error`` at this directive, naming the table's file and line."""
        where = error.location(relative_to=str(self.env.srcdir))
        self.warn(f"{where}: {error.message}", "table")

    def warn(self, message: str, subtype: str) -> None:
        logger.warning(
            message,
            location="{}:{}".format(*directive_line(self)),  # included or MyST pages too
            type="hpccourse",
            subtype=subtype,
        )
