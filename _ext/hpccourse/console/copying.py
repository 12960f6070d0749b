"""What a reader sees against what the copy button copies: the prompt rules.

- CC001: a console block with no prompt. Its commands show as output; what the copy
  button then copies depends on the course's sphinx-copybutton settings
  (:class:`~.model.CopyButton`), and the fix depends on what the lines are: a batch
  script, R or a notebook line needs another language tag, not ``$ ``.
- CC002: ``$[alice@host ~] cmd``: the ``$`` glued to a ``[user@host dir]`` prompt.
- CC005: ``$ cmd`` in a ``bash`` or ``text`` block: only a console lexer draws a prompt,
  so it is copied, by hand or by the copy button (unless its prompt text takes it off).
- CC004 of a REPL session: ``>>>> x``, a chevron too many, shows the statement as output.
- CC003: invisible and direction-changing characters, and byte-order marks: the text
  copied is not the text shown ("Trojan Source", CVE-2021-42574).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from . import codes
from .language import BATCH, NOTEBOOK, Guess
from .model import PROMPT_KINDS, Command, CopyButton, Line, LineKind, Problem

# Pygments' console lexer marks a line without a prompt as Generic.Output, class `go`.
_OUTPUT_CLASS = ".go"
_GLUED = re.compile(r"^(?:\([^()\s]+\)[ \t]+)?\$(\[[^\]\n]*[@ ][^\]\n]*\])[ \t]*(.*)$")
# Bidirectional overrides and isolates, zero-width and invisible formatting characters,
# the byte-order mark, soft hyphen, and C0 controls other than tab.
_HIDDEN = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad"
    "\x00-\x08\x0b-\x1f\x7f\u0085\u061c]"
)
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_TYPED = frozenset(
    {LineKind.PROMPT, LineKind.CONTINUATION, LineKind.PS2, LineKind.REPL}
    | {LineKind.REPL_CONTINUATION, LineKind.WINDOWS}
)


def copy_of_promptless(button: CopyButton | None) -> str:
    """What the copy button copies from a block with no prompt line, as a clause."""
    if button is None:
        return ""
    excluded = {s.strip() for s in button.exclude.split(",")}
    if _OUTPUT_CLASS in excluded:
        return (
            ", and the copy button copies nothing from it (`copybutton_exclude` drops output lines)"
        )
    return ", and the copy button copies every line as shown, output included"


def no_prompt(lines: Sequence[Line], guess: Guess | None, button: CopyButton | None) -> Problem:
    """CC001, with the advice that fits what the lines are."""
    first = next((line.offset for line in lines if line.raw.strip()), 0)
    copied = copy_of_promptless(button)
    shown = f"This console block has no prompt, so its lines show as output{copied}"
    if guess is BATCH:
        advice = (
            "Its lines are a batch script, not a terminal session: tag the block `bash` "
            "(`.. code-block:: bash`), which shows a script as code"
        )
    elif guess is not None and guess.tag == NOTEBOOK.tag:
        advice = (
            "`!pip` runs pip from a notebook cell, not from a terminal: tag the block "
            "`ipython`, or show the terminal command (`$ pip install ...`)"
        )
    elif guess is not None:
        advice = f"Its lines look like {guess.language}: tag the block `{guess.tag}`"
    else:
        advice = "Write `$ ` before each command (`(env) $ ` inside an environment)"
    return Problem(codes.NO_PROMPT, f"{shown}. {advice}.", first)


def strips_prompt(button: CopyButton, row: str) -> bool:
    """Whether the copy button's ``copybutton_prompt_text`` takes a prompt off the start
    of ``row`` (its script matches ``^(prompt_text)`` on each row)."""
    if not button.prompt_text:
        return False
    pattern = button.prompt_text if button.is_regexp else re.escape(button.prompt_text)
    try:
        match = re.match(f"(?:{pattern})", row)
    except re.error:  # a JavaScript-only pattern: not judged
        return True
    return match is not None and match.end() > 0


def script_prompts(
    lines: Sequence[Line], language: str, button: CopyButton | None
) -> list[Problem]:
    """CC005, once per block: rows of a block that is no console session (``bash``,
    ``text``, a ``::`` block) starting with a shell prompt. Only a console lexer draws a
    prompt (``Generic.Prompt``), which Sphinx's stylesheet makes unselectable and a copy
    button can leave out; here the prompt is copied with the command, by the copy button
    (unless its ``copybutton_prompt_text`` takes it off) or by hand."""
    prompted = [
        line
        for line in lines
        if line.kind is LineKind.PROMPT
        and line.text.strip()  # a prompt alone, as the shell shows it after activating
        and not (button is not None and strips_prompt(button, line.raw))
    ]
    if not prompted:
        return []
    first = prompted[0]
    prompt = first.prompt.strip()
    rows = f"{len(prompted)} rows" if len(prompted) > 1 else "a row"
    if button is None:
        copied = f"selecting the text copies `{prompt}` with the command"
        fix = "Tag the block `console`, which draws the prompt apart and unselectable"
    else:
        copied = f"the copy button copies `{prompt}` with the command"
        excluded = {s.strip() for s in button.exclude.split(",")}
        fix = (
            "Tag the block `console`, where the copy button leaves the prompt out"
            if ".gp" in excluded or button.prompt_text
            else "Tag the block `console` and add `.gp` to `copybutton_exclude`"
        )
    return [
        Problem(
            codes.SCRIPT_PROMPT,
            f"`{prompt}` starts {rows} of this block, highlighted as `{language}`, which "
            f"draws no prompt: {copied}, and the shell cannot run it (`$: command not "
            f"found`). {fix}, or leave the prompt out.",
            first.offset,
        )
    ]


def arrow_harm(text: str) -> str:
    """What is wrong with the ``> `` (or ``$>``) prompt ``text`` starts with, and its fix."""
    prompt = text.lstrip().split(" ", 1)[0]
    return (
        f"`{prompt}` is no prompt a console lexer draws, and bash reads `>` as a "
        f"redirection, so a pasted row writes into a file named after the command. "
        f"Write `$ ` for `{prompt} `"
    )


def arrow_prompt(lines: Sequence[Line]) -> Problem:
    """CC001 for a console block whose rows start with ``> `` (or ``$>``): no console
    lexer draws that as a prompt, so they show as output, and a reader who pastes
    ``> cmd`` has bash write into a file named ``cmd``."""
    first = next(line for line in lines if line.raw.strip())
    return Problem(
        codes.NO_PROMPT,
        f"This console block shows its commands as output: {arrow_harm(first.raw)}.",
        first.offset,
    )


#: `>> x = 1`: Python's prompt with a chevron short.
_SHORT_CHEVRON = re.compile(r"^\s*>> (?=\S)")


def short_chevrons(lines: Sequence[Line]) -> Problem | None:
    """CC001 for a REPL block whose rows start with ``>> ``, a chevron short of
    Python's prompt: shown as output, left out by the copy button."""
    rows = [line for line in lines if line.raw.strip()]
    if not rows or not all(_SHORT_CHEVRON.match(line.raw) for line in rows):
        return None
    return Problem(
        codes.NO_PROMPT,
        "This block's rows start with `>> `, a chevron short of Python's prompt: the "
        "page shows them as output, and the copy button leaves them out. Write `>>> `.",
        rows[0].offset,
    )


def glued_prompts(lines: Sequence[Line]) -> list[Problem]:
    """CC002 for each output line that is ``$`` glued to a ``[user@host dir]`` prompt."""
    problems = []
    for line in lines:
        if line.kind is not LineKind.OUTPUT or "$[" not in line.raw[:80]:
            continue
        match = _GLUED.match(line.raw)
        if match is None:
            continue
        bracket, command = match.group(1), match.group(2)
        problems.append(
            Problem(
                codes.GLUED_PROMPT,
                f"`$` is glued to the prompt `{bracket}`: the page takes `$` for the "
                f"prompt, so `{bracket}` is shown and copied as part of the command. "
                f"Write the prompt as the shell shows it, `{bracket}$ {command}`, or "
                f"just `$ {command}`.",
                line.offset,
            )
        )
    return problems


#: A second prompt after `$ `: `$ (env) [user@host /]$ cmd`, `$ user@host:~$ cmd`.
_DOUBLED = re.compile(
    r"^(?P<prompt>(?:\([^()\s]+\)\s+)?(?:\[[^\]\n]+\]|[\w.-]+@[\w.-]+:\S*)[$#%])\s+(?=\S)"
)


def doubled_prompt(command: Command) -> Problem | None:
    """CC002 for a command that starts with a prompt of its own: the copy button leaves
    out the first prompt only, so the second is copied as part of the command."""
    match = _DOUBLED.match(command.text)
    if match is None:
        return None
    prompt, rest = match["prompt"], command.text[match.end() :].split("\n", 1)[0]
    return Problem(
        codes.GLUED_PROMPT,
        f"The command starts with a second prompt, `{prompt}`: the copy button leaves out "
        f"`$ ` only, so `{prompt}` is copied and run as part of the command. Write one "
        f"prompt: `{prompt} {rest}`, or `$ {rest}`.",
        command.offset,
    )


#: `>>>> x = 1`: the REPL prompt with a chevron too many (Git's markers have seven).
_EXTRA_CHEVRON = re.compile(r"^>>>> (?=\S)")


def extra_chevrons(lines: Sequence[Line]) -> list[Problem]:
    """CC004 for each row of a REPL session that starts with ``>>>> ``: Pygments reads the
    prompt only as ``>>> ``, so the statement shows as output and is not copied."""
    if not any(line.kind is LineKind.REPL for line in lines):
        return []
    return [
        Problem(
            codes.DROPPED_COMMAND,
            f"`{line.raw.strip()[:60]}` starts with `>>>>`, a chevron too many: the page "
            f"shows the statement as output, not at the `>>> ` prompt, and the copy button "
            f"leaves it out. Write `>>> ` before it.",
            line.offset,
        )
        for line in lines
        if line.kind is LineKind.OUTPUT and _EXTRA_CHEVRON.match(line.raw)
    ]


def _describe(char: str) -> str:
    name = unicodedata.name(char, "") or f"control character {ord(char):#04x}"
    return f"U+{ord(char):04X} {name}"


def hidden_characters(text: str, lines: Sequence[Line]) -> list[Problem]:
    """CC003 for each line holding an invisible or direction-changing character (or a
    no-break space in a typed command). Cheap for printable ASCII text: nothing to do."""
    if text.isascii() and _ASCII_CONTROL.search(text) is None:
        return []
    problems = []
    # With a prompt in the block, a row without one is output: not copied, nothing runs it
    session = any(line.kind in PROMPT_KINDS for line in lines)
    for line in lines:
        raw = line.raw
        if raw.isascii() and _ASCII_CONTROL.search(raw) is None:
            continue
        if session and line.kind is LineKind.OUTPUT:
            continue
        found = _HIDDEN.findall(raw)
        if line.kind in _TYPED and "\u00a0" in line.text:
            found.append("\u00a0")
        if not found:
            continue
        names = ", ".join(dict.fromkeys(_describe(c) for c in found))
        problems.append(
            Problem(
                codes.HIDDEN_CHARACTER,
                f"This line holds {names}: invisible on the page, yet copied with the "
                f"command, so what runs is not what is shown. Retype the line.",
                line.offset,
            )
        )
    return problems
