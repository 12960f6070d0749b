"""Where a directive's lines are in its file, on RST and on MyST pages alike.

docutils gives a directive ``lineno`` (its first line, 1-based) and ``content_offset``:
on an RST page the 0-based line of the first content line *in the whole input*; on a
MyST page (myst-parser runs the directive through its mock state) the number of lines
between the directive's first line and its content (its options, and one blank line),
``-1`` when the content starts on the first line. Code that takes one meaning for both
reports Markdown content at line 1 or 5 instead of 18 or 28: these helpers ask which
one applies.

myst-parser 5.2 also counts one line too many inside a colon fence whose body starts
with another colon fence (it puts a blank line before such a body, then skips it), once
per such level: ``::::{note}`` directly followed by ``:::{tabs}``. On a MyST page
:func:`directive_line` therefore checks the line against the file and steps back to the
directive's own opening line. (myst-parser's open pull request 1175 makes
``content_offset`` count as in RST; the tests of exact lines would then fail here first.)
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path

from docutils.parsers.rst import Directive

#: How many nesting levels :func:`directive_line` looks back over.
_MAX_SHIFT = 8


def _myst_state_machine() -> type | None:
    try:  # myst-parser is optional: a course without Markdown pages need not install it
        from myst_parser.mocking import MockStateMachine
    except ImportError:
        return None
    return MockStateMachine


def is_myst(directive: Directive) -> bool:
    """Whether ``directive`` is run by myst-parser (a directive on a Markdown page)."""
    mock = _myst_state_machine()
    return mock is not None and isinstance(directive.state_machine, mock)


@functools.lru_cache(maxsize=64)
def _file_lines(path: str, _mtime_ns: int) -> tuple[str, ...]:
    return tuple(Path(path).read_text(encoding="utf-8").splitlines())


def _lines_of(path: str) -> tuple[str, ...]:
    try:
        return _file_lines(path, Path(path).stat().st_mtime_ns)
    except (OSError, UnicodeDecodeError):
        return ()


def _myst_shift(directive: Directive, source: str, line: int) -> int:
    """How many lines myst-parser placed ``directive`` after its opening line (0 mostly)."""
    lines = _lines_of(source)
    opening = re.compile(r"^[ \t>]*(?:`{3,}|~{3,}|:{3,})\{" + re.escape(directive.name) + r"\}")
    for shift in range(min(_MAX_SHIFT, line - 1) + 1):
        if 0 < line - shift <= len(lines) and opening.match(lines[line - shift - 1]):
            return shift
    return 0


def directive_line(directive: Directive) -> tuple[str, int]:
    """The directive's file and the 1-based line of its first line (its opening fence)."""
    source, line = directive.state_machine.get_source_and_line(directive.lineno)
    if source and line and is_myst(directive):
        line -= _myst_shift(directive, source, line)
    return absolute(source), line


def absolute(source: str) -> str:
    """An included file's path as docutils gives it (relative to the working folder when
    the two share a parent) made absolute, so a warning names the file wherever the
    build runs from and whatever folder a later build replays it in."""
    if source and not os.path.isabs(source) and os.path.exists(source):
        return os.path.abspath(source)
    return source


def content_line(directive: Directive) -> int:
    """The 1-based line, in the directive's own file, of its first content line."""
    if is_myst(directive):
        source, line = directive.state_machine.get_source_and_line(directive.lineno)
        shift = _myst_shift(directive, source, line) if source and line else 0
        return directive.lineno - shift + directive.content_offset + 1
    return directive.state_machine.get_source_and_line(directive.content_offset + 1)[1]


def nested_offset(directive: Directive) -> int:
    """The ``offset`` for ``nested_parse``/``parse_text_to_nodes`` that makes text parsed
    for the directive (an option's text, say) report the directive's own line."""
    if is_myst(directive):
        return 0  # myst-parser counts from the directive's line
    return directive.lineno - 1  # docutils counts from the input's start
