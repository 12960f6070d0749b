"""The data table ``clusters.toml``: its records, their loading, its line index.

No Sphinx or docutils in this package.

- :mod:`.model`: the records (:class:`Table`, :class:`Cluster`, :class:`Step`,
  :class:`Rendered`, and :class:`Course` with its :class:`FactKind` s: what ``[course]``
  declares) and placeholder expansion;
- :mod:`.load`: :func:`load_table`, which parses and validates the file;
- :mod:`.lines`: :func:`index_lines`, the line of every TOML key (``tomllib`` gives none);
- :mod:`.source`: reading the file itself (a regular file under a size cap, never a hang);
- :mod:`.paths`: the rules for values that become paths (module names, storage roots,
  user and file names: no ``..``, under the roots they belong to);
- :mod:`.moduletree`: each cluster's module tree (lessonrun's Lmod simulation);
- :func:`project_table`: the one way a directive or builder gets its project's table.
"""

from __future__ import annotations

import os
from typing import Protocol

from .lines import index_lines
from .load import load_table
from .model import (
    BUILTIN_KINDS,
    DIRECTIVE_VARIABLES,
    FACT_FORMS,
    PACKAGE_FACTS,
    Cluster,
    Course,
    FactKind,
    Rendered,
    Step,
    Table,
    TableError,
)

__all__ = [
    "BUILTIN_KINDS",
    "DIRECTIVE_VARIABLES",
    "FACT_FORMS",
    "PACKAGE_FACTS",
    "Cluster",
    "Course",
    "FactKind",
    "Rendered",
    "Step",
    "Table",
    "TableError",
    "index_lines",
    "load_table",
    "project_table",
    "table_path",
]


class _Config(Protocol):
    hpccourse_table: str


def table_path(srcdir: str | os.PathLike[str], config: _Config) -> str:
    """The absolute path of the project's table (``hpccourse_table``, relative to ``srcdir``)."""
    return os.path.abspath(os.path.join(os.fspath(srcdir), config.hpccourse_table))


def project_table(srcdir: str | os.PathLike[str], config: _Config) -> Table | TableError:
    """The project's table, or the :class:`TableError` that says why there is none.

    The single error policy: never raises. A missing, unreadable or invalid table is
    a located :class:`TableError`; the caller decides whether to warn (the directives,
    at the page's line) or to go on without cluster facts (the builders). Cached per
    file and modification time by :func:`load_table`.
    """
    try:
        return load_table(table_path(srcdir, config))
    except TableError as error:
        return error
