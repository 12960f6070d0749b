"""sphinx-prompt's ``prompt`` directive, keeping what the console checker needs.

sphinx-prompt 1.10.2 turns a ``prompt`` block into two ``raw`` nodes (html,
latex) and forgets its language, its prompts and where its text starts. This
subclass renders exactly the same nodes, then records those facts on them as
``hpc_prompt_*`` attributes and gives them the directive's real source and line.
It also accepts ``:consolecheck: skip`` to keep one block out of the checker.

sphinx-prompt writes each prompt into a ``<style>`` element (``content: "PROMPT ";``)
unescaped, so a prompt argument such as ``</style><script>...`` ends the style and
injects markup. Here each prompt's rule is written again with the characters that could
leave the CSS string or the ``<style>`` element (``"``, ``<``, line breaks, control
characters) as CSS escapes: the reader sees the same prompt, and nothing else gets out.
"""

from __future__ import annotations

import importlib
import re
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from .lines import content_line, directive_line

# The module Sphinx loads as the extension "sphinx-prompt" (a copy of the
# package installed under that name beside ``sphinx_prompt``): subclass its
# directive so that the prompt CSS cache we fill is the one its
# ``env-purge-doc`` handler clears, as with the stock directive.
_stock = importlib.import_module("sphinx-prompt")
PROMPTS: dict[str, str] = _stock.PROMPTS
PromptDirective = _stock.PromptDirective

#: Values of the ``:consolecheck:`` option (of ``prompt`` and ``code-block``).
CONSOLECHECK_CHOICES = ("skip",)


def consolecheck_option(argument: str | None) -> str:
    """Validate a ``:consolecheck:`` option value (only ``skip`` for now)."""
    return directives.choice(argument, CONSOLECHECK_CHOICES)


#: What may not appear as itself inside sphinx-prompt's CSS string and <style> element.
_CSS_UNSAFE = re.compile(r'["<\x00-\x1f\x7f]')


def css_string_text(prompt: str) -> str:
    """``prompt`` as text inside a double-quoted CSS string in a ``<style>`` element:
    quotes, ``<`` and control characters as CSS hex escapes (``\\3c ``)."""
    return _CSS_UNSAFE.sub(lambda m: f"\\{ord(m.group()):x} ", prompt)


def prompt_rule(index: int, prompt: str) -> str:
    """sphinx-prompt's CSS rule for one prompt (``PromptCache.register_prompt``)."""
    return f'span.prompt{index}:before {{\n  content: "{prompt} ";\n}}\n'


def escape_prompt_styles(html: str, new_prompts: dict[str, int]) -> str:
    """``html`` with the ``<style>`` sphinx-prompt wrote for ``new_prompts`` (prompt ->
    its index, in the order registered) written again with each prompt escaped."""
    if not new_prompts:
        return html
    written = "".join(prompt_rule(i, p) for p, i in new_prompts.items())
    safe = "".join(prompt_rule(i, css_string_text(p)) for p, i in new_prompts.items())
    style = '<style type="text/css">\n{}</style>'
    return html.replace(style.format(written), style.format(safe), 1)


def prompt_strings(language: str, prompt: str | None, modifiers: list[str]) -> list[str]:
    """The prompts a reader sees, resolved the way sphinx-prompt resolves them."""
    shown = prompt or PROMPTS.get(language, "")
    if "auto" in modifiers:
        return [p for p in shown.split(",") if p]
    return [shown] if shown else []


class ConsolePromptDirective(PromptDirective):
    """``prompt`` with the same output, plus the facts a checker needs."""

    option_spec: ClassVar[dict[str, Any]] = {
        **PromptDirective.option_spec,
        "consolecheck": consolecheck_option,
    }

    def run(self) -> list[nodes.raw]:
        """Render as sphinx-prompt does, then annotate the raw nodes."""
        check = self.options.pop("consolecheck", None)
        known = dict(_stock._cache.prompts)
        result = super().run()
        new = {p: i for p, i in _stock._cache.prompts.items() if p not in known}
        html = next((n for n in result if n.get("format") == "html"), None)
        if html is not None and new:
            safe = escape_prompt_styles(html.astext(), new)
            html[0] = nodes.Text(safe)
        # The base class has moved positional arguments into self.options.
        language = self.options.get("language") or "text"
        modifiers = [m for m in self.options.get("modifiers", "").split(",") if m]
        prompts = prompt_strings(language, self.options.get("prompts"), modifiers)
        source, line = directive_line(self)
        first = content_line(self)
        for node in result:
            node.source, node.line = source, line
            node["hpc_prompt_language"] = language
            node["hpc_prompt_prompts"] = prompts
            node["hpc_prompt_modifiers"] = modifiers
            node["hpc_prompt_text"] = "\n".join(self.content)
            node["hpc_content_line"] = first
            if check:
                node["hpc_consolecheck"] = check
        return result


def setup(app: Sphinx) -> None:
    """Replace sphinx-prompt's directive (set up before this one) by the subclass."""
    app.add_directive("prompt", ConsolePromptDirective, override=True)
