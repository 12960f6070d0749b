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

from .bash import parse
from .model import Command, Line, LineKind

# `(env) ` as conda and venv put it in front of the prompt.
_ENV = r"(?:\((?P<env>[^()\s]+)\)[ \t]+)?"
# What may stand between the env and the `$`: `user@host:~`, `[user@host dir]`,
# `b-an01 [~]` (HPC2N's login-node prompt), or nothing.
_HOST = (
    r"(?:[\w.-]+@[\w.-]+:[^\s$]*"
    r"|\[[^\]\n]*\]"
    r"|[\w.-]+[ \t]\[[^\]\n]*\])?"
)
_PROMPT = re.compile(rf"^{_ENV}{_HOST}\$(?: |$)")
_ENV_IN_PROMPT = re.compile(r"^\((?P<env>[^()\s]+)\)")
_WINDOWS = re.compile(r'^(?:PS )?[A-Za-z]:\\[^<>"|?*\n]*>[ \t]?')
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
        delimiter = match["sq"] if match["sq"] is not None else match["dq"]
        if delimiter is None:
            delimiter = match["word"]
        found.append((delimiter, bool(match["dash"])))
    return found


def ends_with_continuation(text: str) -> bool:
    """True when the line ends in an unescaped backslash (bash joins the next line)."""
    stripped = text.rstrip("\\")
    return (len(text) - len(stripped)) % 2 == 1


def env_of_prompt(prompt: str) -> str | None:
    """The environment name a prompt shows: ``(vpyenv) $ `` -> ``vpyenv``."""
    match = _ENV_IN_PROMPT.match(prompt)
    return match["env"] if match else None


def _unfinished(command: str) -> bool:
    """Whether bash would still wait for more input (open quote, ``do`` without ``done``,
    a trailing ``|``...). Only asked when a ``> `` line follows, so tree-sitter is cheap here."""
    return parse(command).root_node.has_error


def _match_extra(raw: str, extras: Sequence[str]) -> str | None:
    for prompt in extras:
        if raw.startswith(prompt) and (len(raw) == len(prompt) or raw[len(prompt)] in " \t"):
            return raw[: len(prompt) + 1] if len(raw) > len(prompt) else raw
    return None


def _is_ps2(raw: str) -> bool:
    return raw == ">" or (raw.startswith("> ") and not raw.startswith(">>"))


def classify(text: str, extra_prompts: Iterable[str] = (), *, implicit: bool = False) -> list[Line]:
    """Classify each line of a block (see :class:`~.model.LineKind`).

    ``extra_prompts`` are a project's own prompts (sphinx-prompt's ``:prompts:``), matched
    before the built-in ones. With ``implicit`` a line that would be output at the top
    level is taken as a command typed without a prompt: how the checker reads a console
    block that has no prompt at all, to follow what its lines would do.
    """
    extras = sorted({p.rstrip() for p in extra_prompts if p.strip()}, key=len, reverse=True)
    out: list[Line] = []
    command: str | None = None  # the shell command being built, for `> ` decisions
    logical = ""  # the current logical line (continuations joined), for here-documents
    continued = False  # the previous shell line ended in `\`
    heredocs: list[tuple[str, bool]] = []  # delimiters whose bodies come next
    heredoc_ps2 = False  # this here-document's body lines carry a `> ` prompt
    heredoc_started = False
    in_repl = False

    def shell_line(offset: int, kind: LineKind, raw: str, prompt: str, typed: str) -> Line:
        nonlocal command, logical, continued, heredocs, heredoc_started
        if kind is LineKind.PROMPT:
            command, logical = typed, ""
        elif kind is LineKind.CONTINUATION and command and ends_with_continuation(command):
            command = command[:-1] + typed
        else:
            command = (command or "") + "\n" + typed
        continued = ends_with_continuation(typed)
        logical += typed[:-1] if continued else typed
        if not continued:
            heredocs = heredoc_starts(logical)
            heredoc_started = False
            logical = ""
        return Line(offset, kind, raw, prompt=prompt, text=typed, env=env_of_prompt(prompt))

    for offset, raw in enumerate(split_lines(text)):
        if heredocs:
            delimiter, strip_tabs = heredocs[0]
            if not heredoc_started:
                heredoc_ps2 = _is_ps2(raw)
                heredoc_started = True
            prompt, typed = ("> ", raw[2:]) if heredoc_ps2 and _is_ps2(raw) else ("", raw)
            candidate = typed.lstrip("\t") if strip_tabs else typed
            if candidate.rstrip() == delimiter:
                heredocs.pop(0)
                heredoc_started = False
            command = (command or "") + "\n" + typed
            out.append(Line(offset, LineKind.HEREDOC, raw, prompt=prompt, text=typed))
            continue
        if continued:
            out.append(shell_line(offset, LineKind.CONTINUATION, raw, "", raw))
            continue
        if command is not None and _is_ps2(raw) and _unfinished(command):
            out.append(shell_line(offset, LineKind.PS2, raw, raw[:2], raw[2:]))
            continue
        command = None
        prompt = _match_extra(raw, extras)
        if prompt is None:
            match = _PROMPT.match(raw)
            prompt = match.group(0) if match else None
        if prompt is not None and not prompt.startswith((">>>", "...")):
            in_repl = False
            out.append(shell_line(offset, LineKind.PROMPT, raw, prompt, raw[len(prompt) :]))
            continue
        if raw == ">>>" or raw.startswith(">>> "):
            in_repl = True
            out.append(Line(offset, LineKind.REPL, raw, prompt=raw[:4], text=raw[4:]))
            continue
        if in_repl and (raw == "..." or raw.startswith("... ")):
            kind = LineKind.REPL_CONTINUATION
            out.append(Line(offset, kind, raw, prompt=raw[:4], text=raw[4:]))
            continue
        in_repl = False
        windows = _WINDOWS.match(raw)
        if windows:
            prompt = windows.group(0)
            out.append(Line(offset, LineKind.WINDOWS, raw, prompt=prompt, text=raw[len(prompt) :]))
            continue
        if implicit and raw.strip():
            out.append(shell_line(offset, LineKind.PROMPT, raw, "", raw))
            continue
        out.append(Line(offset, LineKind.OUTPUT, raw))
    return out


_SHELL_FOLLOWERS = (LineKind.CONTINUATION, LineKind.PS2, LineKind.HEREDOC)


def commands(lines: Sequence[Line]) -> list[Command]:
    """Join classified lines into commands as the shell or REPL receives them.

    Backslash-newline is removed (bash joins the lines); ``> `` lines and here-document
    bodies are kept on their own lines; ``...`` lines join their ``>>>`` statement.
    ``Command.lines`` maps each line of ``Command.text`` to its offset in the block.
    """
    out: list[Command] = []
    current: dict | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            out.append(
                Command(
                    offset=current["offset"],
                    language=current["language"],
                    text=current["text"],
                    prompt=current["prompt"],
                    env=current["env"],
                    last_offset=current["last"],
                    lines=tuple(current["lines"]),
                )
            )
        current = None

    for line in lines:
        kind = line.kind
        if kind in _SHELL_FOLLOWERS and current is not None and current["language"] == "shell":
            if kind is LineKind.CONTINUATION and ends_with_continuation(current["text"]):
                current["text"] = current["text"][:-1] + line.text
            else:
                current["text"] += "\n" + line.text
                current["lines"].append(line.offset)
            current["last"] = line.offset
            continue
        if kind is LineKind.REPL_CONTINUATION and current and current["language"] == "python":
            current["text"] += "\n" + line.text
            current["lines"].append(line.offset)
            current["last"] = line.offset
            continue
        flush()
        language = {
            LineKind.PROMPT: "shell",
            LineKind.REPL: "python",
            LineKind.WINDOWS: "windows",
        }.get(kind)
        if language is None:
            continue
        current = {
            "offset": line.offset,
            "language": language,
            "text": line.text,
            "prompt": line.prompt,
            "env": line.env,
            "last": line.offset,
            "lines": [line.offset],
        }
    flush()
    return out


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
