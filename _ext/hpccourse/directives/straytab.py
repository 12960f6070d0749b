"""A sphinx-tabs tab outside a ``tabs`` directive: a located error, not a crash.

sphinx-tabs' ``tab``, ``group-tab`` and ``code-tab`` read the enclosing set from
``env.temp_data["tabs_stack"]``; one written outside ``.. tabs::`` (misindented, or
after a literal block that swallowed its ``tabs``) raises ``KeyError`` or ``IndexError``
and stops the whole build with a traceback. Here each checks first and reports the
directive at its line.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx_tabs.tabs import CodeTabDirective, GroupTabDirective, TabDirective


def _in_a_set(directive: Any) -> None:
    """Raise the directive's located error when no ``tabs`` directive encloses it."""
    if not directive.env.temp_data.get("tabs_stack"):
        raise directive.error(
            f'"{directive.name}" directive outside a "tabs" directive: indent it inside ".. tabs::"'
        )


class Tab(TabDirective):
    def run(self) -> list[nodes.Node]:
        _in_a_set(self)
        return super().run()


class GroupTab(GroupTabDirective):
    def run(self) -> list[nodes.Node]:
        _in_a_set(self)
        return super().run()


class CodeTab(CodeTabDirective):
    def run(self) -> list[nodes.Node]:
        _in_a_set(self)
        return super().run()


def setup(app: Sphinx) -> None:
    """Register the three over sphinx-tabs' own (set up before)."""
    app.add_directive("tab", Tab, override=True)
    app.add_directive("group-tab", GroupTab, override=True)
    app.add_directive("code-tab", CodeTab, override=True)
