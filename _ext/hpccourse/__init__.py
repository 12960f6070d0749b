"""hpccourse: a Sphinx extension for HPC courses taught on several clusters.

Data flows one way: the course's ``clusters.toml`` -> directives -> doctree -> builders.

- ``config``: every configuration value, in one place (course facts included).
- ``cli``: the ``hpccourse`` command (``python -m hpccourse``), a registry of subcommands;
  ``hpccourse check DOCS_DIR`` runs consolecheck over any Sphinx course.
- ``table/``: the data table: records and expansion, loading and validation, the TOML
  line index, and :func:`~hpccourse.table.project_table` (no Sphinx).
- ``directives/``: ``cluster-commands``, ``cluster-facts``, lesson boxes (sphinx-lesson's
  names), ``prompt`` and ``code-block`` keeping what a checker needs; per-page table
  dependencies.
- ``doctree/``: the one walk that yields a page's console blocks, its exercises, and the
  blocks inside unknown directives (which no builder reaches).
- ``builders/``: ``consolecheck``, ``lessonrun`` and ``spelling``, on a shared base; and
  consolecheck over a project that does not load the extension.
- ``html/``: static files, the reader's cluster choice, offline diagrams
  (``hpccourse.html.diagrams``), theme fixes (``hpccourse.html.a11y``).
- ``console/``: the console-block checking core, and the shell-word helpers (no Sphinx).
- ``lessonrun/``: running the exercises in a sandbox (no Sphinx).

``extensions = ["hpccourse"]`` sets up everything but the optional extensions named above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__version__ = "0.2.0"


def setup(app: Sphinx) -> dict[str, Any]:
    """Wire the parts; each part's ``setup_X`` registers what it adds.

    The Sphinx-side modules are imported here, not at package import, so that
    ``hpccourse.table``, ``hpccourse.console`` and ``hpccourse.lessonrun`` load without
    Sphinx.
    """
    from .builders import setup_builders
    from .config import setup_config
    from .directives import setup_directives
    from .html import setup_html

    app.setup_extension("sphinx_tabs.tabs")
    app.setup_extension("sphinx-prompt")
    setup_config(app)
    setup_directives(app)
    setup_html(app)
    setup_builders(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 3,
    }
