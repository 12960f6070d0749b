"""Reading tab sets on an RST page: sphinx-tabs ``tabs``/``tab``/``group-tab`` and
sphinx-design ``tab-set``/``tab-item``; each tab's body cut at its literal blocks."""

from __future__ import annotations

import re

from .lines import LIST_ITEM, block_kind, dedent, file_name, indent_of, strip_blank
from .model import Block, Segment, Tab, TabSet

TAB_SET = re.compile(r"^(?P<indent>\s*)\.\. (?:tabs|tab-set)::\s*$")
TAB = re.compile(
    r"^(?P<indent>\s*)\.\. (?P<name>tab|group-tab|tab-item|code-tab)::\s*(?P<label>.*)$"
)
BLOCK = re.compile(r"^(?P<indent>\s*)\.\. (?:code-block|code|sourcecode)::\s*(?P<lang>\S*)\s*$")
OPTION = re.compile(r"^\s*:(?P<name>[\w-]+):\s*(?P<value>.*)$")
ANY_TAB_SET = re.compile(r"^\s*\.\. (?:tabs|tab-set)::|^\s*(?::{3,}|`{3,})\{(?:tabs|tab-set)\}")


def extent(lines: list[str], start: int, indent: int) -> int:
    """The index after the body of the directive at ``start`` (indented deeper)."""
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or indent_of(lines[end]) > indent):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


HIGHLIGHT = re.compile(r"^\.\. highlight::\s*(?P<lang>\S+)\s*$")


def tab_sets(lines: list[str]) -> list[TabSet]:
    """Every outermost tab set of the page, in order."""
    found: list[TabSet] = []
    highlight = ""
    i = 0
    while i < len(lines):
        match = TAB_SET.match(lines[i])
        if not match:
            language = HIGHLIGHT.match(lines[i])
            highlight = language["lang"] if language else highlight
            i += 1
            continue
        end = extent(lines, i, len(match["indent"]))
        found.append(_tab_set(lines, i, end, match["indent"], highlight))
        i = end
    return found


def _tab_set(lines: list[str], start: int, end: int, indent: str, highlight: str = "") -> TabSet:
    tabs: list[Tab] = []
    depth = None
    nested = 0
    for i in range(start + 1, end):
        match = TAB.match(lines[i])
        if match and (depth is None or len(match["indent"]) == depth):
            depth = len(match["indent"])
            stop = extent(lines, i, depth)
            # docutils reads each line with its tabs expanded (every 8 columns): what
            # the page shows (`du`'s tab in a row of output, say)
            body = [row.expandtabs(8) for row in lines[i + 1 : stop]]
            first = i + 1
            options = []
            while body and (not body[0].strip() or OPTION.match(body[0])):  # :sync: key
                options += [body[0].strip()] if body[0].strip() else []
                body, first = body[1:], first + 1
            label, body = match["label"].strip().strip('"'), dedent(body)
            if match["name"] == "code-tab":
                label, body = code_tab(label, body, "rst")
            tabs.append(Tab(label, body, first + 1, options, highlight))
        elif ANY_TAB_SET.match(lines[i]) and not nested:
            nested = i + 1
    return TabSet(start, end, indent, tabs, "rst", nested=nested)


def code_tab(argument: str, body: list[str], syntax: str) -> tuple[str, list[str]]:
    """A sphinx-tabs ``code-tab:: LANGUAGE [LABEL]``: its label (the language when it
    gives none) and its body as the one code block it is, so it is cut like any tab."""
    language, _, label = argument.partition(" ")
    if syntax == "myst":
        return label.strip() or language, [f"```{language}", *body, "```"]
    return label.strip() or language, [
        f".. code-block:: {language}",
        "",
        *(f"   {line}" if line.strip() else "" for line in body),
    ]


def segments(tab: Tab, items: bool = True) -> list[Segment]:
    """The tab's body cut at its literal blocks (``code-block`` and ``::``); with
    ``items`` false, a block inside a list item or a box stays in the text around it."""
    lines = tab.body
    found: list[Segment] = []
    before: list[str] = []
    nested: list[int] = []
    inner = -1  # the depth of a tab set inside the tab, while in it (-1: none)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() and indent_of(line) <= inner:
            inner = -1
        if ANY_TAB_SET.match(line) and inner < 0:
            inner = indent_of(line)
        match = BLOCK.match(line)
        literal = line.rstrip().endswith("::") and not line.lstrip().startswith("..")
        if (match or literal) and indent_of(line) > 0 and (not items or inner >= 0):
            nested.append(tab.line + i)
            match = literal = False
        if not (match or literal):
            before.append(line)
            i += 1
            continue
        # > 0: inside a list item or a box ("1. Load Python::" is the item's own)
        item = LIST_ITEM.match(line) if literal and items else None
        indent = len(item[0]) if item else indent_of(line)
        stop = extent(lines, i, indent if item else indent_of(line))
        body = lines[i + 1 : stop]
        options: dict[str, str] = {}
        while match and body and OPTION.match(body[0]):
            option = OPTION.match(body[0])
            assert option is not None
            options[option["name"]] = option["value"].strip()
            body = body[1:]
        text = strip_blank(dedent(body))
        language = (match["lang"] if match else "") or tab.highlight
        if literal:  # "Load Python::" is prose "Load Python:" and a literal block
            if line.strip() != "::":
                before.append(line.rstrip()[:-1])
            raw = [" " * indent + "::", *lines[i + 1 : stop]]
        else:
            raw = lines[i:stop]
        kind = block_kind(language, text)
        name = file_name(options, before) if kind == "file" else ""
        block = Block(kind, language, text, raw, tab.line + i, options, name, indent)
        found.append(Segment(before, block))
        before = []
        i = stop
    found.append(Segment(before, None, nested))
    return found
