"""Where a directive's lines are in its file, on RST and on MyST pages alike.

docutils gives a directive ``lineno`` (its first line, 1-based) and ``content_offset``:
on an RST page the 0-based line of the first content line *in the whole input*; on a
MyST page (myst-parser runs the directive through its mock state) the number of lines
between the directive's first line and its content (its options, and one blank line),
``-1`` when the content starts on the first line. Code that takes one meaning for both
reports Markdown content at line 1 or 5 instead of 18 or 28: these helpers ask which
one applies.
"""

from __future__ import annotations

from docutils.parsers.rst import Directive


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


def content_line(directive: Directive) -> int:
    """The 1-based line, in the directive's own file, of its first content line."""
    if is_myst(directive):
        return directive.lineno + directive.content_offset + 1
    return directive.state_machine.get_source_and_line(directive.content_offset + 1)[1]


def nested_offset(directive: Directive) -> int:
    """The ``offset`` for ``nested_parse``/``parse_text_to_nodes`` that makes text parsed
    for the directive (an option's text, say) report the directive's own line."""
    if is_myst(directive):
        return 0  # myst-parser counts from the directive's line
    return directive.lineno - 1  # docutils counts from the input's start
