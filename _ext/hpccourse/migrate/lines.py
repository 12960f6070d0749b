"""Small helpers on a page's lines, shared by the RST and MyST readers."""

from __future__ import annotations

import re

from ..console.shape import KNOWN_COMMANDS

#: A console prompt at the start of a line: ``$``, ``[user@host dir]$``, ``(env) $``,
#: ``b-an01 [~]$`` (HPC2N's login node, as the console checker reads it too), and the
#: ``user@host:dir>`` of login nodes whose shell ends its prompt in ``>`` (Dardel, LUMI),
#: its user written as a placeholder too (``<user>@login1:~>``).
PROMPT = re.compile(
    r"^(?:\([\w.-]+\)\s+)?"
    r"(?:(?:\[[^\]\n]*\]|[\w.-]+[ \t]\[[^\]\n]*\]|[\w.<>-]+@[\w.-]+(?::\S*)?)?\$"
    r"|(?:[\w.-]+|<[\w.-]+>)@[\w.-]+:(?:[^\s<>]|<[^\s<>]*>)*>) ?"
)
#: The ``user@host:dir>`` prompt alone, which the console checker's reader does not take
#: for a prompt (it is quiet on such transcripts): read here as the ``$`` it stands for.
ANGLE_PROMPT = re.compile(
    r"^(?P<env>\([\w.-]+\)\s+)?(?:[\w.-]+|<[\w.-]+>)@[\w.-]+:(?:[^\s<>]|<[^\s<>]*>)*>(?: |$)"
)


def as_dollar_prompt(row: str) -> str:
    """``row`` with a ``user@host:dir>`` prompt written ``$ `` (an env before it kept)."""
    match = ANGLE_PROMPT.match(row)
    return f"{match['env'] or ''}$ {row[match.end() :]}" if match else row


#: A list item's marker and the space after it (its text starts after them): ``-``,
#: ``*``, ``+``, ``1.``, ``1)`` and RST's ``#.``.
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#\.)\s+")

#: A script's file name, as prose or a caption gives it.
FILE_NAME = re.compile(r"[\w.+-]+\.(?:sh|bash|slurm|sbatch|job|batch)\b")
CONSOLE = {"console", "shell-session", "bash-session", "sh-session"}
SCRIPT = {"bash", "sh", "shell", "slurm", "zsh"}


def indent_of(line: str) -> int:
    return len(line) - len(line.lstrip())


def dedent(lines: list[str]) -> list[str]:
    depth = min((indent_of(line) for line in lines if line.strip()), default=0)
    return [line[depth:] for line in lines]


def strip_blank(lines: list[str]) -> list[str]:
    """``lines`` without blank lines at either end."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


#: A line that reads as a command someone types (no prompt): a lowercase program name.
COMMAND_LIKE = re.compile(r"^(?:(?:\./|~/|/)?[a-z][\w.+-]*(?:\s|$)|# )")


def _known_program(row: str) -> bool:
    """Whether ``row`` is a comment, a continued row, or runs a program the checker knows."""
    if row.startswith(("#", " ", "\t")):
        return True
    return row.split()[0].rsplit("/", 1)[-1] in KNOWN_COMMANDS


def block_kind(language: str, text: list[str]) -> str:
    """``commands`` (a console session), ``file`` (a script) or ``other``.

    A prompt-less ``console`` or ``bash`` block whose every line reads as a command is a
    session whose prompts were left out; a ``bash`` block (or one with no language) that
    starts with ``#!`` or holds ``#SBATCH`` is a script."""
    shown = [t for t in text if t.strip()]
    prompted = any(PROMPT.match(t) for t in shown)
    commands_only = (
        bool(shown)
        and all(COMMAND_LIKE.match(t) or t.startswith((" ", "\t")) for t in shown)
        and not shown[-1].rstrip().endswith("\\")
    )
    script = bool(shown) and (shown[0].startswith("#!") or any("#SBATCH" in t for t in shown))
    if not language and script and not prompted:
        return "file"  # a batch script in a block with no language of its own
    if language in CONSOLE or language == "":
        if not language and commands_only and not prompted:
            # a block with no language (Markdown's indented one, RST's `::`): commands
            # only when every row runs a program the checker knows (`export`, `mkdir`)
            return "commands" if all(_known_program(t) for t in shown) else "other"
        return "commands" if prompted or (language and commands_only) else "other"
    if language in SCRIPT:
        if prompted:
            return "commands"
        return "commands" if commands_only and not script else "file"
    return "other"


def file_name(options: dict[str, str], before: list[str]) -> str:
    """A script's name: its caption, else the last file name in the prose just before it."""
    caption = options.get("caption", "").strip().strip("`")
    if FILE_NAME.fullmatch(caption):
        return caption
    paragraphs = re.split(r"\n\s*\n", "\n".join(before).strip())
    named = FILE_NAME.findall(paragraphs[-1]) if paragraphs else []
    return named[-1] if named else ""
