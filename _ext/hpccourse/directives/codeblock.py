"""``code-block``/``sourcecode``/``code`` with one extra option for the checker.

Sphinx's directives give a literal block the line of the directive, not of its
first content line, and have no way to leave a block out of a check. These
subclasses render exactly the same nodes, record the first content line as
``hpc_content_line`` and accept ``:consolecheck: skip`` (``hpc_consolecheck``).
"""

from __future__ import annotations

from typing import ClassVar

from docutils import nodes
from docutils.nodes import Node
from sphinx.application import Sphinx
from sphinx.directives.code import CodeBlock
from sphinx.directives.patches import Code
from sphinx.util.typing import OptionSpec

from .lines import content_line
from .prompt import consolecheck_option


def annotate(directive: CodeBlock | Code, result: list[Node], check: str | None) -> list[Node]:
    """Record the content line and the ``:consolecheck:`` choice on the literal blocks."""
    first = content_line(directive)
    for node in result:
        for literal in node.findall(nodes.literal_block):
            literal["hpc_content_line"] = first
            if check:
                literal["hpc_consolecheck"] = check
    return result


class CheckedCodeBlock(CodeBlock):
    """Sphinx's ``code-block``, plus ``:consolecheck: skip``."""

    option_spec: ClassVar[OptionSpec] = {
        **CodeBlock.option_spec,
        "consolecheck": consolecheck_option,
    }

    def run(self) -> list[Node]:
        """Render as Sphinx does, then annotate."""
        check = self.options.pop("consolecheck", None)
        return annotate(self, super().run(), check)


class CheckedCode(Code):
    """Sphinx's ``code`` (docutils' directive, patched by Sphinx), plus the option."""

    option_spec: ClassVar[OptionSpec] = {
        **Code.option_spec,
        "consolecheck": consolecheck_option,
    }

    def run(self) -> list[Node]:
        """Render as Sphinx does, then annotate."""
        check = self.options.pop("consolecheck", None)
        return annotate(self, super().run(), check)


def setup(app: Sphinx) -> None:
    """Replace the three directives by the subclasses."""
    app.add_directive("code-block", CheckedCodeBlock, override=True)
    app.add_directive("sourcecode", CheckedCodeBlock, override=True)
    app.add_directive("code", CheckedCode, override=True)
