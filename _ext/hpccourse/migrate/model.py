"""The records the migration passes between its parts: a page's tab sets, their tabs,
the blocks and prose in a tab, and what converting a page gives."""

from __future__ import annotations

from dataclasses import dataclass, field

#: What ``--add-clusters`` writes for a fact no tab showed, for the teacher to fill in.
STAND_IN = "FILL-IN"
#: The remark on a cluster added from tabs that gave one name (taken away once a page
#: gives the other).
ONE_NAME = "CHECK (its tabs give one name, written as centre and cluster): center, cluster"


@dataclass
class Block:
    """A literal block in a tab: console commands, a file (a script), or other text.

    ``raw`` is the block as written (dedented to the tab's body), kept for the cases where
    it stays on the page; ``lines`` is its text; ``line`` its 1-based line on the page."""

    kind: str  # "commands", "file" or "other"
    language: str
    lines: list[str]
    raw: list[str]
    line: int
    options: dict[str, str] = field(default_factory=dict)
    file: str = ""
    #: columns in from the tab's text: a block inside a list item or a box, whose step
    #: is written there (in its item) when every cluster's text around it is the same
    indent: int = 0


@dataclass
class Tab:
    """One tab of a tab set: its label and body (dedented lines), the body's first line."""

    label: str
    body: list[str]
    line: int
    options: list[str] = field(default_factory=list)  # ":sync: key", as written
    #: the page's ``.. highlight::`` language where the tab is ("": none): the language of
    #: its ``::`` blocks and of its ``code-block`` directives that name none
    highlight: str = ""


@dataclass
class TabSet:
    """A tab set on a page: lines ``start`` to ``end`` (0-based, end excluded)."""

    start: int
    end: int
    indent: str
    tabs: list[Tab]
    syntax: str  # "rst" or "myst"
    fence: str = ""  # MyST: the tab set's opening fence characters (":::" or "```")
    nested: int = 0  # the line of a tab set inside a tab (0: none)


@dataclass
class Segment:
    """A tab's body cut at its blocks: the text before a block (prose, other blocks) and
    the block (None after the last one)."""

    before: list[str]
    block: Block | None
    #: (last segment only) the lines of blocks inside a list or box, left in the text
    nested: list[int] = field(default_factory=list)


@dataclass
class Proposal:
    """What migrating one page gives: new steps and clusters (TOML), the new page, the report."""

    steps_toml: str
    page: str
    report: list[str]
    converted: int
    clusters_toml: str = ""
    table_text: str = ""  # the whole table as --write would write it (loaded already)
    counts: dict[str, int] = field(default_factory=dict)
    facts: list[str] = field(default_factory=list)  # facts read from the page (--add-clusters)
