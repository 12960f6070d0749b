"""CC004: a command line without a prompt among prompted ones.

In a console block that prompts its commands, a line without a prompt is output to
Pygments, so it is shown as output and a copy button that copies prompt lines only (or
drops output) leaves it out: the learner pastes the commands before and after it, not it.
A typed command loses its prompt this way by a slip (``$ `` forgotten on one line) or by
an indent (`` module load x``: Pygments takes no prompt after leading blanks).

Output often reads like commands too (``cat job.sh`` prints a script), so a line counts
only when it reads as a command (:func:`.shape.is_command_row`), stands between prompted
commands (or after the last one), and the command before it is not one that prints
text (``cat``, ``echo``, ``git log``...).

A prompted command that bash finds incomplete (``for ... do`` without its ``done``), whose
following prompt-less lines complete it, goes on over them: they lack the ``> `` prompt
(:func:`continued_without_prompt`), so the page shows them as output and the copy button
leaves them out. That is the cause to report, not the quotes or brackets.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from . import codes
from .model import Command, Line, LineKind, Problem
from .shape import is_command_row
from .words import program_words

#: Commands whose output may well be command lines: a script's text, history, help.
_PRINTS_TEXT = frozenset(
    """
    ls ll find tree du df cat less more head tail echo printf type which history man
    help grep sed awk diff
    git alias env set declare sbatch squeue sacct scontrol jobinfo python
    python3 systemctl
    """.split()  # noqa: SIM905 -- a word list reads best as words
)
_TYPED = frozenset({LineKind.PROMPT, LineKind.CONTINUATION, LineKind.PS2, LineKind.HEREDOC})


#: Subcommands that print listings or text, for the commands that mostly print nothing.
_PRINTING_SUBCOMMANDS = {
    "module": {"avail", "spider", "show", "list", "help", "whatis", "keyword", "av", "sp"},
    "ml": {"avail", "spider", "show", "list", "help", "whatis", "keyword", "av", "sp"},
    "conda": {"list", "info", "env", "search", "config"},
    "pip": {"list", "show", "freeze", "help", "config"},
}


def _prints_text(line: Line) -> bool:
    """Whether the command on ``line`` is one whose output may read as commands."""
    words = program_words(line.text)
    if not words:
        return False  # an empty prompt line types nothing, so prints nothing
    if "<<" in line.text:
        return True
    last = program_words(re.split(r"(?<!\|)\|(?!\|)", line.text)[-1])  # a pipe's end
    if last and last[0] in _PRINTS_TEXT:
        return True
    if words[0] in _PRINTING_SUBCOMMANDS:
        return len(words) < 2 or words[1] in _PRINTING_SUBCOMMANDS[words[0]]
    return words[0] in _PRINTS_TEXT


def dropped_commands(lines: Sequence[Line]) -> list[Problem]:
    """CC004 for each command line without a prompt between prompted commands."""
    problems: list[Problem] = []
    if not any(line.kind is LineKind.OUTPUT for line in lines):
        return problems
    rows = [line for line in lines if line.raw.strip()]
    for index, line in enumerate(rows):
        if line.kind is not LineKind.OUTPUT or index == 0:
            continue
        before = rows[index - 1]
        after = rows[index + 1] if index + 1 < len(rows) else None
        if before.kind not in _TYPED or before.kind is LineKind.HEREDOC:
            continue
        if after is not None and after.kind is not LineKind.PROMPT:
            continue
        prompted = next(
            (row for row in reversed(rows[:index]) if row.kind is LineKind.PROMPT), None
        )
        shown = line.raw.strip()
        if prompted is None or _prints_text(prompted) or not is_command_row(line.raw):
            continue
        if "  " in shown:  # columns: a listing, not a command typed
            continue
        cause = (
            "its leading blank hides the prompt from the page"
            if line.raw[:1] in " \t" and shown.startswith("$")
            else "it has no prompt"
        )
        problems.append(
            Problem(
                codes.DROPPED_COMMAND,
                f"`{shown}` reads as a command, but {cause}: the page shows it as output and "
                f"the copy button leaves it out, so a learner who pastes the block skips it. "
                f"Write the block's prompt before it (`$ `), or show it apart if it is output.",
                line.offset,
            )
        )
    return problems


#: How many prompt-less lines a command may go on over.
_MAX_GONE_ON = 20
_INCOMPLETE = frozenset({codes.SHELL_SYNTAX, codes.STRAY_KEYWORD, codes.UNTERMINATED_HEREDOC})


def continued_without_prompt(
    command: Command, lines: Sequence[Line], parse: Callable[[Command], list[Problem]]
) -> Problem | None:
    """CC004 when ``command`` (which bash finds incomplete) is completed by the
    prompt-less lines right after it: the fewest such lines that ``parse`` accepts."""
    following: list[Line] = []
    for line in lines:
        if line.offset <= command.last_offset:
            continue
        if line.kind is not LineKind.OUTPUT or len(following) == _MAX_GONE_ON:
            break
        following.append(line)
    text, rows = command.text, command.lines
    for index, line in enumerate(following):
        text, rows = f"{text}\n{line.raw}", (*rows, line.offset)
        if not line.raw.strip():
            continue
        trial = dataclasses.replace(command, text=text, lines=rows, last_offset=line.offset)
        if any(problem.code in _INCOMPLETE for problem in parse(trial)):
            continue
        first = next(row for row in following if row.raw.strip())
        count = sum(1 for row in following[: index + 1] if row.raw.strip())
        return Problem(
            codes.DROPPED_COMMAND,
            f"The command goes on over the next {count} line(s) (`{first.raw.strip()[:40]}`"
            f"...), which have no `> ` prompt: the page shows them as output and the copy "
            f"button leaves them out, so the command a learner pastes is incomplete. "
            f"Write `> ` before each of them, or the whole command on one line.",
            first.offset,
        )
    return None
