"""A sphinx-tabs tab outside a ``tabs`` directive: a located warning, not a crash.

sphinx-tabs' ``tab``, ``group-tab`` and ``code-tab`` read the enclosing set from
``env.temp_data["tabs_stack"]``; one written outside ``.. tabs::`` (misindented, or
after a literal block that swallowed its ``tabs``) raises ``KeyError`` or ``IndexError``
and stops the whole build with a traceback. Here each checks first: outside a set it
warns at its line and shows its content as is. A course that names sphinx-inline-tabs,
whose ``tab`` stands alone, gets its tabs' content without a warning (``hpccourse check``
reads such a course with sphinx-tabs' name for it when sphinx-inline-tabs is missing).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.directives.code import CodeBlock
from sphinx.locale import __
from sphinx.util import logging
from sphinx_tabs.tabs import CodeTabDirective, GroupTabDirective, TabDirective

logger = logging.getLogger(__name__)


def _in_a_set(directive: Any) -> bool:
    """Whether a ``tabs`` directive encloses the directive; when not, warn at its line."""
    if directive.env.temp_data.get("tabs_stack"):
        return True
    if directive.name == "tab" and directive.config.hpccourse_standalone_tabs:
        return False  # sphinx-inline-tabs' `tab` (`hpccourse check`), which stands alone
    logger.warning(
        __(
            '"%s" directive outside a "tabs" directive: its content is shown as is; '
            'indent it inside ".. tabs::"'
        ),
        directive.name,
        location=directive.get_location(),
        type="hpccourse",
        subtype="tabs",
    )
    return False


def _as_is(directive: Any) -> list[nodes.Node]:
    """A tab's content (its first line is the tab's label), parsed in a container."""
    node = nodes.container()
    directive.state.nested_parse(directive.content[1:], directive.content_offset, node)
    return [node]


class Tab(TabDirective):
    def run(self) -> list[nodes.Node]:
        return super().run() if _in_a_set(self) else _as_is(self)


class GroupTab(GroupTabDirective):
    def run(self) -> list[nodes.Node]:
        return super().run() if _in_a_set(self) else _as_is(self)


class CodeTab(CodeTabDirective):
    def run(self) -> list[nodes.Node]:
        return super().run() if _in_a_set(self) else CodeBlock.run(self)


def setup(app: Sphinx) -> None:
    """Register the three over sphinx-tabs' own (set up before)."""
    app.add_directive("tab", Tab, override=True)
    app.add_directive("group-tab", GroupTab, override=True)
    app.add_directive("code-tab", CodeTab, override=True)
