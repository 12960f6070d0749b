"""What the checking builders (``consolecheck``, ``lessonrun``) share.

Like ``sphinx.ext.doctest``: they read every document's doctree, write one
report for the whole site in ``finish()``, and make ``sphinx-build`` exit 1
when something failed.
"""

from __future__ import annotations

import atexit
import functools
import gc
from collections.abc import Set

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.config import Config


class SiteCheckBuilder(Builder):
    """A builder whose output is one report over every document, each run."""

    #: Set by ``finish()``: how many blocks or commands failed.
    failures: int = 0

    def get_outdated_docs(self) -> set[str]:
        """Every document, every run: the report is always whole."""
        return set(self.env.found_docs)

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return ""

    def prepare_writing(self, docnames: Set[str]) -> None:
        return None

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        """Unused: ``write_documents`` walks the doctrees itself."""


def add_check_builder(app: Sphinx, builder: type[SiteCheckBuilder]) -> None:
    """Register ``builder``, its exit status, and the tab nodes it reads."""

    def set_status(app: Sphinx, exc: BaseException | None) -> None:
        if isinstance(app.builder, builder):
            exit_without_final_collection()
        # A crash already gives exit status 2.
        if exc is None and isinstance(app.builder, builder) and app.builder.failures:
            app.statuscode = 1

    def read_html_tabs(app: Sphinx, config: Config) -> None:
        # sphinx-tabs picks its nodes at read time per builder; with one shared
        # doctree cache (`make html` then `make consolecheck`, or the reverse)
        # every builder must read the same, html, nodes.
        if "sphinx_tabs_valid_builders" not in config:
            return
        valid = list(config.sphinx_tabs_valid_builders)
        if builder.name not in valid:
            config.sphinx_tabs_valid_builders = [*valid, builder.name]

    app.add_builder(builder)
    app.connect("config-inited", read_html_tabs)
    app.connect("build-finished", set_status)


@functools.cache
def exit_without_final_collection() -> None:
    """At the process's exit, freeze the heap first (registered once a process).

    The finished build is the heap the process ends with: Python's last cyclic collection
    walks all of it, for nothing (a fifth of a ``consolecheck`` run's CPU time over the
    bench's course, 0.2 s). Frozen objects are skipped. Only at exit: a process that builds
    again (the tests) keeps its collections.
    """
    atexit.register(gc.freeze)
