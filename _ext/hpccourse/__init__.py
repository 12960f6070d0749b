"""hpccourse: a Sphinx extension for HPC courses taught on several clusters.

Data flows one way: the course's ``clusters.toml`` -> directives -> doctree -> builders.

- ``config``: every ``conf.py`` value, in one place (``lessonrun_standins`` names the
  course's stand-in list).
- ``cli``, ``__main__``: the ``hpccourse`` command (``python -m hpccourse``), a registry of
  subcommands: ``check DOCS_DIR`` (consolecheck over any Sphinx course), ``migrate PAGE``
  (:mod:`.migrate`), ``live`` (:mod:`.preview`, the live preview: sphinx-autobuild with a
  warm builder), ``init DIR`` (:mod:`.scaffold`: a new course from the templates in
  ``coursetemplate/``, package data).
- ``table/``: the data table: records and expansion, loading and validation, the TOML
  line index, how prose counts and names the clusters (``prosenames``), and
  :func:`~hpccourse.table.project_table` (no Sphinx). Its ``[course]``
  says what the course itself declares: required facts, ``cluster-facts`` kinds and
  titles, project roots.
- ``directives/``: ``cluster-commands`` (sphinx-tabs' nodes built directly),
  ``cluster-facts``, the roles ``clusters`` and ``cluster-count`` (prose that names or
  counts the clusters, and a located check of prose that counts them wrongly), lesson
  boxes (sphinx-lesson's names), ``prompt`` and ``code-block``
  keeping what a checker needs, on RST and MyST Markdown pages alike (the line of a
  block's first command in either, code fences and other extensions' blocks such as
  sphinx-tabs' ``code-tab`` included; a tab outside its set a located warning);
  per-page table dependencies.
- ``doctree/``: the one walk that yields a page's console blocks (a literalinclude'd
  file's or a docstring's at the file and line a teacher edits), its exercises, and the
  blocks inside unknown directives (which no builder reaches).
- ``builders/``: ``consolecheck``, ``lessonrun`` and ``spelling``, on a shared base;
  consolecheck over a project that does not load the extension (its ``conf.py`` run a
  statement at a time, with stand-ins for what is missing here, its notebooks read even
  without its notebook reader, what its code writes into the docs folder put back and
  what it leaves running ended), and inside the html build
  (``-D hpccourse_consolecheck=1``, each page's results kept until the page changes).
- ``diagnostics/``: every warning about a page (whoever raises it) kept and reported on
  every build until fixed; pages that are not UTF-8 as located warnings; no
  configuration dumps on the output.
- ``html/``: static files, the reader's cluster choice and chooser, the reader's
  stylesheets, each page's provenance line (build date, version, licence, edit link),
  lessons' Next/Previous kept from teacher pages, no stale pages, the live preview's
  banner of the build's problems (``html.livebanner``), the pages'
  Content-Security-Policy (only the scripts Sphinx, the theme and the extensions emit),
  diagrams as inline SVG drawn ahead of the build (``hpccourse.html.diagrams``), the
  ``console`` lexer, pages that paint early (deferred scripts, system fonts, one stylesheet
  bundle), theme fixes and a skip link (``hpccourse.html.a11y``, for sphinx_rtd_theme only).
- ``console/``: the console-block checking core, and the shell-word helpers (no Sphinx).
- ``lessonrun/``: running the exercises in a sandbox, and the record of which pinned
  packages have wheels for the clusters' Pythons and platforms (no Sphinx).
- ``migrate/``: ``hpccourse migrate PAGE``, no Sphinx: a page's hand-written cluster
  tabs (RST or MyST) -> ``cluster-commands`` steps, variants that differ only in the
  table's facts or comments shared (with ``--add-clusters``, facts the table lacks read
  from the page, marked for the teacher), the new table text loaded before it is
  written, and a per-page report.

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
    from .diagnostics import setup_diagnostics
    from .directives import setup_directives
    from .html import setup_html

    app.setup_extension("sphinx_tabs.tabs")
    app.setup_extension("sphinx-prompt")
    setup_config(app)
    setup_directives(app)
    setup_html(app)
    setup_builders(app)
    setup_diagnostics(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
        "env_version": 3,
    }
