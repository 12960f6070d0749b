"""Reading tab sets on a MyST page: ``{tab-set}``/``{tab-item}`` (sphinx-design) and
``{tabs}``/``{tab}``/``{group-tab}`` (sphinx-tabs), in colon or backtick fences; each
tab's body cut at its code fences."""

from __future__ import annotations

import re

from .lines import LIST_ITEM, block_kind, dedent, file_name, strip_blank
from .model import Block, Segment, Tab, TabSet
from .rst import code_tab

#: A fence line; its info string ends at its last non-space (a lazy ``.*?`` before ``\s*$``
#: took time growing with the square of a long line of spaces).
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>:{3,}|`{3,}|~{3,})\s*(?P<info>(?:\S(?:.*\S)?)?)\s*$")
DIRECTIVE = re.compile(r"\{(?P<name>[\w:-]+)\}\s*(?P<argument>.*)$")
OPTION = re.compile(r"^\s*:(?P<name>[\w-]+):\s*(?P<value>.*)$")
SETS = {"tab-set", "tabs"}
TABS = {"tab-item", "tab", "group-tab", "code-tab"}


def closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes a fence opened with ``fence``."""
    match = FENCE.match(line)
    return bool(
        match
        and not match["info"]
        and match["fence"][0] == fence[0]
        and len(match["fence"]) >= len(fence)
    )


def fence_end(lines: list[str], start: int) -> int:
    """The index of the line that closes the fence opened at ``start`` (len if none)."""
    opening = FENCE.match(lines[start])
    assert opening is not None
    stack = [opening["fence"]]
    i = start + 1
    while i < len(lines):
        top = stack[-1]
        bare = FENCE.match(lines[i])
        if bare and not bare["info"] and len(bare["indent"]) < len(opening["indent"]):
            return i  # a box around this one closes: so does this one (left unclosed)
        if closes(lines[i], top):
            stack.pop()
            if not stack:
                return i
        elif top[0] == ":" and (match := FENCE.match(lines[i])):
            stack.append(match["fence"])  # a code fence or a directive inside
        i += 1
    return len(lines)


def _opening(line: str) -> tuple[str, str, str, str] | None:
    """(indent, fence, directive, argument) of a directive's opening fence."""
    match = FENCE.match(line)
    if not match or not match["info"]:
        return None
    directive = DIRECTIVE.match(match["info"])
    if not directive:
        return None
    return match["indent"], match["fence"], directive["name"], directive["argument"].strip()


def tab_sets(lines: list[str]) -> list[TabSet]:
    """Every outermost tab set of the page, in order (code fences skipped whole)."""
    found: list[TabSet] = []
    closing: set[int] = set()  # the closing fences of boxes around (```{note} ... ```)
    i = 0
    while i < len(lines):
        opening = _opening(lines[i])
        fence = FENCE.match(lines[i])
        if i in closing:
            i += 1  # a box's closing fence, never a code block's opening
        elif opening and opening[2] in SETS:
            end = fence_end(lines, i)
            found.append(_tab_set(lines, i, end, opening[0], opening[1]))
            i = end + 1
        elif (
            fence
            and fence["fence"][0] != ":"
            and (not opening or opening[2] in ("code-block", "code", "sourcecode"))
        ):
            i = fence_end(lines, i) + 1  # a code block: nothing inside is a tab set
        else:
            if opening:  # a box (admonition, note, dropdown): tab sets inside count
                closing.add(fence_end(lines, i))
            i += 1
    return found


def _tab_set(lines: list[str], start: int, end: int, indent: str, fence: str) -> TabSet:
    tabs: list[Tab] = []
    nested = 0
    i = start + 1
    while i < end:
        opening = _opening(lines[i])
        if opening and opening[2] in TABS:
            stop = fence_end(lines, i)
            body = lines[i + 1 : stop]
            first = i + 1
            options = []
            while body and (not body[0].strip() or OPTION.match(body[0])):
                options += [body[0].strip()] if body[0].strip() else []
                body, first = body[1:], first + 1
            for j in range(i + 1, stop):
                inner = _opening(lines[j])
                if inner and inner[2] in SETS and not nested:
                    nested = j + 1
            # not dedented: Markdown reads a directive's body as written (four spaces in
            # is code, and a tab that is only an indented block stays one)
            label = opening[3].strip().strip('"')
            if opening[2] == "code-tab":
                label, body = code_tab(label, body, "myst")
            tabs.append(Tab(label, body, first + 1, options))
            i = stop + 1
        else:
            i += 1
    return TabSet(start, min(end + 1, len(lines)), indent, tabs, "myst", fence=fence, nested=nested)


def in_list(before: list[str]) -> bool:
    """Whether the text so far ends inside a list item (an indented fence is its part)."""
    last = next((line for line in reversed(before) if line.strip()), "")
    return bool(LIST_ITEM.match(last) or last[:1].isspace())


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _opens_indented_code(lines: list[str], i: int, before: list[str]) -> bool:
    """Whether line ``i`` opens an indented code block (four spaces in, after a blank
    line, not in a list item: CommonMark's rule; it cannot interrupt a paragraph)."""
    return (
        bool(lines[i].strip())
        and _indent(lines[i]) >= 4
        and (i == 0 or not lines[i - 1].strip())
        and not in_list(before)
    )


def segments(tab: Tab, items: bool = True) -> list[Segment]:
    """The tab's body cut at its code fences (```console, ```{code-block} bash, ...) and
    its indented code blocks; with ``items`` false, a fence inside a list item stays in
    the text around it."""
    lines = tab.body
    found: list[Segment] = []
    before: list[str] = []
    nested: list[int] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match and _opens_indented_code(lines, i, before):
            stop = i
            while stop < len(lines) and (not lines[stop].strip() or _indent(lines[stop]) >= 4):
                stop += 1
            while not lines[stop - 1].strip():
                stop -= 1
            raw = lines[i:stop]
            text = strip_blank(dedent(raw))
            block = Block(block_kind("", text), "", text, raw, tab.line + i)
            found.append(Segment(before, block))
            before = []
            i = stop
            continue
        if not match:
            before.append(lines[i])
            i += 1
            continue
        info = match["info"]
        directive = DIRECTIVE.match(info)
        code = not directive or directive["name"] in ("code-block", "code", "sourcecode")
        in_item = bool(match["indent"]) and in_list(before)
        item = items and in_item  # a list item's block: a step there (text the same)
        indented = (len(match["indent"]) > 3 or in_item) and not item
        if match["fence"][0] == ":" or not code or indented:
            # a box or a list item: its text stays as written, blocks inside included
            stop = fence_end(lines, i)
            inner = lines[i : stop + 1]
            if indented or any(FENCE.match(r) and "`" in r for r in inner[1:-1]):
                nested.append(tab.line + i)
            before += inner
            i = stop + 1
            continue
        language = (directive["argument"] if directive else info).split(" ")[0].strip()
        stop = fence_end(lines, i)
        body = lines[i + 1 : stop]
        options: dict[str, str] = {}
        while directive and body and OPTION.match(body[0]):
            option = OPTION.match(body[0])
            assert option is not None
            options[option["name"]] = option["value"].strip()
            body = body[1:]
        text = strip_blank(dedent(body))
        kind = block_kind(language, text)
        name = file_name(options, before) if kind == "file" else ""
        raw = lines[i : stop + 1]
        indent = len(match["indent"]) if item else 0
        block = Block(kind, language, text, raw, tab.line + i, options, name, indent)
        found.append(Segment(before, block))
        before = []
        i = stop + 1
    found.append(Segment(before, None, nested))
    return found
