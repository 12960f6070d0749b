"""The records the console checker passes around, shared by its parts.

Pure data: no Sphinx, no docutils. The collector (``collect.py``) turns doctree
nodes into :class:`Block` records, the core checks them against a
:class:`RuleContext` built from the data table, and the builder reports the
:class:`BlockResult` records.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class LineKind(enum.Enum):
    """What a reader sees on one line of a console block."""

    PROMPT = "prompt"  # a shell command after a prompt: `$ ls`, `(env) $ ls`
    CONTINUATION = "continuation"  # the line after one ending in `\`
    PS2 = "ps2"  # a `> ` line continuing an unfinished command
    HEREDOC = "heredoc"  # a here-document body line, or its delimiter
    REPL = "repl"  # `>>> stmt`
    REPL_CONTINUATION = "repl-continuation"  # `... stmt`
    WINDOWS = "windows"  # `C:\>` or `PS C:\>`: recognised, not parsed as bash
    OUTPUT = "output"  # anything else


#: The kinds of line that start with a prompt the reader sees (a shell's, Python's, Windows').
PROMPT_KINDS = frozenset({LineKind.PROMPT, LineKind.REPL, LineKind.WINDOWS})


@dataclass(frozen=True)
class Line:
    """One classified line. ``offset`` counts from 0 at the block's first line."""

    offset: int
    kind: LineKind
    raw: str
    prompt: str = ""  # the prompt text as shown, e.g. "(vpyenv) $ "
    text: str = ""  # what the reader types: the line without its prompt
    env: str | None = None  # the environment a prompt shows, "(vpyenv) $ " -> "vpyenv"


@dataclass(frozen=True)
class Command:
    """One command as a reader runs it: prompt removed, continuations joined,
    here-document body included (joined with newlines)."""

    offset: int  # offset of its first line in the block
    language: str  # "shell", "python" or "windows"
    text: str
    prompt: str = ""
    env: str | None = None
    last_offset: int = 0  # offset of its last line
    lines: tuple[int, ...] = ()  # the block offset of each line of ``text``
    #: where a line continued with ``\`` joins a row of ``text``: (row, column, offset)
    joins: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True)
class Problem:
    """A rule broken. ``offset`` is the offending line within the block."""

    code: str
    message: str
    offset: int = 0


@dataclass(frozen=True)
class Block:
    """A console block found in a document, as the collector hands it over."""

    docname: str
    source: str  # the .rst file
    line: int  # 1-based line in ``source`` of the block's first content line
    language: str  # the highlight language: console, bash, pycon, ...
    text: str  # the block's text as shown to readers (prompts included)
    prompts: tuple[str, ...] = ()  # extra prompts (sphinx-prompt's :prompts:)
    cluster: str | None = None  # the cluster key, for generated or tabbed blocks
    data_source: str | None = None  # clusters.toml, for generated blocks
    data_line: int | None = None  # line in data_source of the step's commands
    # The line in source of each row of text when they are not line, line + 1, ...: rows
    # an included file's :lines: picked apart, or every row at the directive (see within).
    rows: tuple[int, ...] = ()
    within: str = ""  # what source's line pulled the block in: "the docstring of pkg.f"
    step: str | None = None  # the data table's step key, for generated blocks
    skip: bool = False  # the author asked for this block not to be checked
    file: str | None = None  # a file step's file name: the block is that file's text
    tab: str | None = None  # the label of the tab around it, when it names no cluster
    scope: str = ""  # the section right under the page title that holds it
    # What the prose since the previous block says about environments: each entry is an
    # inline command (``conda activate x``) or "" (activation told in words), and whether
    # it stands outside any tab (it then holds for every cluster's path).
    prose: tuple[tuple[str, bool], ...] = ()
    # The language is the page's ``highlight`` default (a ``::`` block), not the block's own.
    implicit: bool = False

    def line_at(self, offset: int) -> int:
        """The source line of the block's row ``offset``: the row's own line when the
        block names each (an included file's picked lines); the directive's line for a
        generated block (its lines are not in the source); else ``line + offset``."""
        if self.rows:
            return self.rows[min(offset, len(self.rows) - 1)]
        return self.line if self.data_source else self.line + offset


@dataclass(frozen=True)
class CopyButton:
    """The course's sphinx-copybutton settings, as far as the checker's advice needs them."""

    prompt_text: str = ""  # copybutton_prompt_text
    is_regexp: bool = False  # copybutton_prompt_is_regexp
    only_prompt_lines: bool = True  # copybutton_only_copy_prompt_lines
    exclude: str = ".linenos"  # copybutton_exclude: CSS selectors never copied


@dataclass(frozen=True)
class RuleContext:
    """What the rules know of the data table, Sphinx-free."""

    placeholder: dict[str, str] = field(default_factory=dict)  # cluster -> "[username]"
    storage_roots: dict[str, str] = field(default_factory=dict)  # cluster -> root
    # The folders holding project storage (/proj, /proj/nobackup): the course's
    # project_roots; empty: the parents of the absolute storage roots.
    project_roots: tuple[str, ...] = ()
    modules: dict[str, frozenset[str]] = field(default_factory=dict)  # cluster -> modules
    disabled: frozenset[str] = frozenset()  # rule codes switched off in conf.py
    copy_button: CopyButton | None = None  # None: the course has no copy buttons
    # The course's project name (Sphinx's ``project``), letters and digits in lower case:
    # a folder named so (`/home/projectname`, where the page clones it) is no user's.
    project: str = ""


@dataclass
class BlockResult:
    """The outcome of checking one block."""

    block: Block
    status: str  # "ok", "failed" or "skipped"
    commands: list[Command] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
