"""The page text a converted tab set leaves: prose as written (its ``<x>`` as commands
show them), once when every cluster's is the same, else in a tab set of its own
(``group-tab`` per cluster, so the reader's choice switches it with the steps)."""

from __future__ import annotations

import re

from ..table import Table
from .group import ANGLE, angle_for_prose
from .model import Tab, TabSet

#: Inline code, where ``<x>`` is a command's placeholder: not a role's text, which is
#: MyST's ``{ref}`text <target>``` (RST's ``:ref:`text <target>``` has one backtick).
INLINE_LITERAL = {
    "rst": re.compile(r"``[^`]+``"),
    "myst": re.compile(r"\{[^{}`\s]+\}`[^`]*`|`[^`]+`"),  # a role whole, to pass it by
}


class PageText:
    """The text-writing half of :class:`~.convert.Migrator` (its table, syntax, header)."""

    table: Table
    syntax: str
    set_header: str

    def prose(self, lines: list[str]) -> list[str]:
        """Prose as written, with ``<x>`` in inline literals as commands show them."""
        placeholders = {c.placeholder for c in self.table.clusters}
        user = next(iter(placeholders)) if len(placeholders) == 1 else ""
        literal = INLINE_LITERAL[self.syntax]

        def fix(match: re.Match[str]) -> str:
            if match[0].startswith("{"):
                return match[0]
            return ANGLE.sub(lambda m: angle_for_prose(m[1], user), match[0])

        return [literal.sub(fix, line) for line in lines]

    def text_lines(
        self, tab_set: TabSet, texts: dict[str, list[str]], named: dict[str, Tab]
    ) -> list[str]:
        """The text before a step: once if every cluster's is the same, else per cluster."""
        if not any(texts.values()):
            return []
        if len(texts) == len(named) and len({tuple(t) for t in texts.values()}) == 1:
            return [*self.prose(next(iter(texts.values()))), ""]
        tabs = [(self.table.cluster(k).label, self.prose(t)) for k, t in texts.items() if t]
        return [*self.tab_set_lines(tab_set, tabs, group=True), ""]

    def tab_set_lines(
        self, tab_set: TabSet, tabs: list[tuple[str, list[str]]], *, group: bool
    ) -> list[str]:
        """A tab set of these (label, body) tabs, in the page's markup: ``group-tab``
        (synchronised with the steps' tabs) or the page's own kind of tab."""
        header = ("tab-set", "tab-item") if "tab-set" in self.set_header else ("tabs", "tab")
        if self.syntax == "rst":
            directive = "group-tab" if group else header[1]
            out = [f".. {'tabs' if group else header[0]}::", ""]
            for label, body in tabs:
                out += [f"   .. {directive}:: {label}", ""]
                out += [f"      {row}" if row.strip() else "" for row in body] + [""]
            return out[:-1]
        # backticks: a colon fence would close a colon-fenced box around the tab set
        char = "`"
        inner = max(
            [
                3,
                *(
                    len(m[1])
                    for _l, b in tabs
                    for r in b
                    if (m := re.match(rf"\s*({char}{{3,}})", r))
                ),
            ]
        )
        fence, outer = char * (inner + 1), char * (inner + 2)
        name_set, name_tab = ("tabs", "group-tab") if group else header
        out = [f"{outer}{{{name_set}}}"]
        for label, body in tabs:
            out += [f"{fence}{{{name_tab}}} {label}", *body, fence]
        return [*out, outer]
