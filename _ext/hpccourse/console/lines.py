"""Classify a console block's lines as a reader sees them, and join them into commands.

A reader (and a prompt-aware copy button) sees prompts, continuation lines, here-document
bodies, Python REPL lines and Windows prompts; everything else is output. ``classify`` is a
small line-by-line state machine; ``commands`` joins the typed lines into what a shell or the
Python REPL actually receives. Pure Python: regular expressions, plus tree-sitter only to
decide whether a ``> `` line continues an unfinished command.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from .bash import parse
from .model import Command, Line, LineKind

# `(env) ` as conda and venv put it in front of the prompt; glued, `(env)$ `, Pygments'
# console lexer takes it for the prompt too.
_ENV = r"(?:\((?P<env>[^()\s]+)\)[ \t]*)?"
# What may stand between the env and the `$`: `user@host:~`, `[user@host dir]`,
# `b-an01 [~]` (HPC2N's login-node prompt), or nothing.
_HOST = (
    r"(?:[\w.-]+@[\w.-]+:[^\s$]*"
    r"|\[[^\]\n]*\]"
    r"|[\w.-]+[ \t]\[[^\]\n]*\])?"
)
_PROMPT = re.compile(rf"^{_ENV}{_HOST}\$(?: |$)")
_ENV_IN_PROMPT = re.compile(r"^\((?P<env>[^()\s]+)\)")
_WINDOWS = re.compile(r'^(?:PS )?[A-Za-z]:(?:\\[^<>"|?*\n]*)?>[ \t]?')  # `C:\x>`, `C:>`
#: A log's banner, `>>> profiler report [start] <<<`: arrows both ways, no REPL line.
_BANNER = re.compile(r"^>>> .*\S.* <<<\s*$")
_ARITH = re.compile(r"\$?\(\((?:[^()]|\([^()]*\))*\)\)")
_HEREDOC = re.compile(
    r"(?<!<)<<(?!<)(?P<dash>-?)[ \t]*"
    r"(?:'(?P<sq>[^'\n]*)'|\"(?P<dq>[^\"\n]*)\"|\\?(?P<word>[A-Za-z_][\w.-]*))"
)


def split_lines(text: str) -> list[str]:
    """The block's lines as the collector counts them (``\\n`` only; a final newline ends
    the last line rather than starting an empty one)."""
    if not text:
        return []
    rows = text.split("\n")
    if len(rows) > 1 and rows[-1] == "":
        rows.pop()
    return [row.removesuffix("\r") for row in rows]


def heredoc_starts(command_line: str) -> list[tuple[str, bool]]:
    """The here-documents a logical command line opens: (delimiter, strip leading tabs)."""
    if "<<" not in command_line:
        return []
    scan = _ARITH.sub("", command_line)
    found = []
    for match in _HEREDOC.finditer(scan):
        quote, comment = scan_quotes(scan[: match.start()])
        if quote or comment is not None:
            continue  # `"<<server>>"`, `# cat <<EOF`: in quotes or a comment, none
        delimiter = match["sq"] if match["sq"] is not None else match["dq"]
        if delimiter is None:
            delimiter = match["word"]
        found.append((delimiter, bool(match["dash"])))
    return found


def heredoc_rows(text: str) -> tuple[set[int], list[tuple[int, str]]]:
    """Rows of ``text`` that are here-document bodies, and the here-documents left open
    (row where each was opened, delimiter)."""
    body: set[int] = set()
    if "<<" not in text:
        return body, []
    pending: list[tuple[int, str, bool]] = []
    for row, line in enumerate(text.split("\n")):
        if pending:
            body.add(row)
            _, delimiter, strip = pending[0]
            if (line.lstrip("\t") if strip else line).rstrip() == delimiter:
                pending.pop(0)
            continue
        pending.extend((row, d, s) for d, s in heredoc_starts(line))
    return body, [(row, delimiter) for row, delimiter, _ in pending]


def scan_quotes(line: str, quote: str = "") -> tuple[str, int | None]:
    """Bash's reading of ``line`` from inside ``quote``: the quote still open at its end
    (``"``, ``'`` or none) and where a ``#`` comment starts (a ``#`` that begins a word
    outside quotes; None: no comment). A backslash escapes outside single quotes."""
    escaped, previous = False, " "
    for index, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#" and previous in " \t;&|(":
            return quote, index  # a comment: what follows is not bash's to quote
        previous = char
    return quote, None


def ends_with_continuation(text: str) -> bool:
    """True when the line ends in an unescaped backslash (bash joins the next line)."""
    stripped = text.rstrip("\\")
    return (len(text) - len(stripped)) % 2 == 1


def env_of_prompt(prompt: str) -> str | None:
    """The environment name a prompt shows: ``(vpyenv) $ `` -> ``vpyenv``."""
    match = _ENV_IN_PROMPT.match(prompt)
    return match["env"] if match else None


#: bash's prompt on a later row of a command that goes on (its PS2).
PS2 = "> "
#: How many rows one command is read to go on over: each row is parsed with those before
#: it, so a hostile page of thousands would cost their square (12 s for 3,000); past it,
#: a row is not the command's.
MOST_ROWS_GOING_ON = 200


def unfinished(command: str) -> bool:
    """Whether bash would still wait for more input (open quote, ``do`` without ``done``,
    a trailing ``|``...), for a command of fewer than :data:`MOST_ROWS_GOING_ON` rows.
    Only asked when a row that may go on with it follows, so tree-sitter is cheap here."""
    return command.count("\n") < MOST_ROWS_GOING_ON and parse(command).root_node.has_error


def _match_extra(raw: str, extras: Sequence[str]) -> str | None:
    for prompt in extras:
        if raw.startswith(prompt) and (len(raw) == len(prompt) or raw[len(prompt)] in " \t"):
            return raw[: len(prompt) + 1] if len(raw) > len(prompt) else raw
    return None


def _is_ps2(raw: str) -> bool:
    return raw == ">" or (raw.startswith("> ") and not raw.startswith(">>"))


_new = object.__new__


def _record(cls: type, **fields: object) -> Any:
    """Build a frozen dataclass record without its ``__init__``: the generated one sets each
    field through ``object.__setattr__`` and costs about as much as classifying the line.
    The record is the same (fields, equality, hash)."""
    record = _new(cls)
    record.__dict__.update(fields)
    return record


def _make_line(
    offset: int, kind: LineKind, raw: str, prompt: str = "", text: str = "", env: str | None = None
) -> Line:
    line = _new(Line)
    line.__dict__.update(offset=offset, kind=kind, raw=raw, prompt=prompt, text=text, env=env)
    return line


class _Shell:
    """What ``classify`` remembers about the shell command being typed."""

    __slots__ = ("command", "continued", "heredocs", "logical", "started")

    def __init__(self) -> None:
        self.command: str | None = None  # the command so far, for `> ` decisions
        self.logical = ""  # the logical line (continuations joined), for here-documents
        self.continued = False  # the previous line ended in `\`
        self.heredocs: list[tuple[str, bool]] = []  # delimiters whose bodies come next
        self.started = False  # the first here-document body line has been seen

    def line(self, offset: int, kind: LineKind, raw: str, prompt: str, typed: str) -> Line:
        command = self.command
        if kind is LineKind.PROMPT:
            self.command, self.logical = typed, ""
        elif kind is LineKind.CONTINUATION and command and ends_with_continuation(command):
            self.command = command[:-1] + typed
        else:
            self.command = (command or "") + "\n" + typed
        continued = typed.endswith("\\") and ends_with_continuation(typed)
        self.continued = continued
        if continued:
            self.logical += typed[:-1]
        else:
            logical = self.logical + typed
            self.heredocs = heredoc_starts(logical) if "<<" in logical else []
            self.started = False
            self.logical = ""
        env = env_of_prompt(prompt) if prompt[:1] == "(" else None
        return _make_line(offset, kind, raw, prompt, typed, env)


def classify(text: str, extra_prompts: Iterable[str] = (), *, implicit: bool = False) -> list[Line]:
    """Classify each line of a block (see :class:`~.model.LineKind`).

    ``extra_prompts`` are a project's own prompts (sphinx-prompt's ``:prompts:``), matched
    before the built-in ones. With ``implicit`` a line that would be output at the top
    level is taken as a command typed without a prompt: how the checker reads a console
    block that has no prompt at all, to follow what its lines would do.
    """
    extras = (
        sorted({p.rstrip() for p in extra_prompts if p.strip()}, key=len, reverse=True)
        if extra_prompts
        else ()
    )
    out: list[Line] = []
    shell = _Shell()
    heredoc_ps2 = False  # this here-document's body lines carry a `> ` prompt
    in_repl = False
    prompt_match = _PROMPT.match
    for offset, raw in enumerate(split_lines(text)):
        if shell.heredocs:
            delimiter, strip_tabs = shell.heredocs[0]
            if not shell.started:
                heredoc_ps2 = _is_ps2(raw)
                shell.started = True
            prompt, typed = ("> ", raw[2:]) if heredoc_ps2 and _is_ps2(raw) else ("", raw)
            candidate = typed.lstrip("\t") if strip_tabs else typed
            if candidate.rstrip() == delimiter:
                shell.heredocs.pop(0)
                shell.started = False
            shell.command = (shell.command or "") + "\n" + typed
            out.append(_make_line(offset, LineKind.HEREDOC, raw, prompt, typed))
            continue
        if shell.continued:
            out.append(shell.line(offset, LineKind.CONTINUATION, raw, "", raw))
            continue
        if shell.command is not None and _is_ps2(raw) and unfinished(shell.command):
            out.append(shell.line(offset, LineKind.PS2, raw, raw[:2], raw[2:]))
            continue
        shell.command = None
        prompt = _match_extra(raw, extras) if extras else None
        if prompt is None:
            match = prompt_match(raw)
            prompt = match.group(0) if match else None
        if prompt is not None and not prompt.startswith((">>>", "...")):
            in_repl = False
            out.append(shell.line(offset, LineKind.PROMPT, raw, prompt, raw[len(prompt) :]))
            continue
        if raw == ">>>" or (raw.startswith(">>> ") and not _BANNER.match(raw)):
            in_repl = True
            out.append(_make_line(offset, LineKind.REPL, raw, raw[:4], raw[4:]))
            continue
        if in_repl and (raw == "..." or raw.startswith("... ")):
            out.append(_make_line(offset, LineKind.REPL_CONTINUATION, raw, raw[:4], raw[4:]))
            continue
        in_repl = False
        windows = _WINDOWS.match(raw) if ":" in raw else None
        if windows:
            prompt = windows.group(0)
            out.append(_make_line(offset, LineKind.WINDOWS, raw, prompt, raw[len(prompt) :]))
            continue
        if implicit and raw.strip():
            out.append(shell.line(offset, LineKind.PROMPT, raw, "", raw))
            continue
        out.append(_make_line(offset, LineKind.OUTPUT, raw))
    return out


_LANGUAGE = {LineKind.PROMPT: "shell", LineKind.REPL: "python", LineKind.WINDOWS: "windows"}


def commands(lines: Sequence[Line]) -> list[Command]:
    """Join classified lines into commands as the shell or REPL receives them.

    Backslash-newline is removed (bash joins the lines); ``> `` lines and here-document
    bodies are kept on their own lines; ``...`` lines join their ``>>>`` statement.
    ``Command.lines`` maps each line of ``Command.text`` to its offset in the block.
    """
    out: list[Command] = []
    first: Line | None = None  # the line that started the current command
    language = ""
    text = ""
    rows: list[int] = []
    joins: list[tuple[int, int, int]] = []  # where a `\` line joins a row of the text
    last = 0
    continuation, ps2, heredoc = LineKind.CONTINUATION, LineKind.PS2, LineKind.HEREDOC
    repl_continuation = LineKind.REPL_CONTINUATION
    for line in lines:
        kind = line.kind
        if first is not None:
            if language == "shell" and (kind is continuation or kind is ps2 or kind is heredoc):
                if kind is continuation and ends_with_continuation(text):
                    text = text[:-1]
                    joins.append((len(rows) - 1, len(text) - text.rfind("\n") - 1, line.offset))
                    text += line.text
                else:
                    text += "\n" + line.text
                    rows.append(line.offset)
                last = line.offset
                continue
            if language == "python" and kind is repl_continuation:
                text += "\n" + line.text
                rows.append(line.offset)
                last = line.offset
                continue
            out.append(_command(first, language, text, last, rows, joins))
            first = None
        language = _LANGUAGE.get(kind, "")
        if language:
            first, text, rows, last, joins = line, line.text, [line.offset], line.offset, []
    if first is not None:
        out.append(_command(first, language, text, last, rows, joins))
    return out


def _command(
    first: Line,
    language: str,
    text: str,
    last: int,
    rows: list[int],
    joins: list[tuple[int, int, int]],
) -> Command:
    return _record(
        Command,
        offset=first.offset,
        language=language,
        text=text,
        prompt=first.prompt,
        env=first.env,
        last_offset=last,
        lines=tuple(rows),
        joins=tuple(joins),
    )


def apply_prompt(text: str, prompt: str, language: str) -> str:
    """Show a sphinx-prompt block's text as readers see it: sphinx-prompt (without
    ``:modifiers: auto``) draws ``prompt`` before each statement of a bash or python block
    (a line after one ending in ``\\`` gets none) and before every line otherwise."""
    prompt = prompt.rstrip() + " "
    rows = split_lines(text)
    shown = []
    continued = False
    for row in rows:
        shown.append(row if continued else prompt + row)
        continued = language in ("bash", "python") and row.endswith("\\")
    return "\n".join(shown)
