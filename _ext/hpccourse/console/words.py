"""Shell words: a command's simple commands as lists of words (shlex where needed).

Shared by the rules (:mod:`.rules`) and lessonrun's planning and lint, so both read a
command the same way. No Sphinx, no tree-sitter.
"""

from __future__ import annotations

import re
import shlex

from .model import Command
from .syntax import heredoc_rows

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", ";;", "|&", "(", ")"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_WRAPPERS = frozenset({"command", "builtin", "time", "exec", "nohup", "srun"})


# Text shlex splits exactly as str.split() does: no quote, escape, comment, punctuation
# (";&|()") or whitespace other than space and tab. Most commands are such text.
_PLAIN_WORDS = re.compile(r"[\w \t./~=:,+@%^*?!\[\]{}<>$-]*\Z", re.ASCII)


def words(segment: str) -> list[str]:
    """``segment``'s words as bash splits them (quotes removed; operators are words)."""
    if _PLAIN_WORDS.match(segment):
        return segment.split()
    try:
        lexer = shlex.shlex(segment, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        return list(lexer)
    except ValueError:
        return segment.split()


def simple_commands(command: Command) -> list[list[str]]:
    """The words of each simple command in a shell command (here-document bodies left out,
    leading ``VAR=value`` assignments and wrappers such as ``time`` dropped)."""
    body, _ = heredoc_rows(command.text)
    out: list[list[str]] = []
    for row, text in enumerate(command.text.split("\n")):
        if row in body:
            continue
        current: list[str] = []
        for word in [*words(text), ";"]:
            if word in _SEPARATORS:
                if current:
                    out.append(current)
                current = []
            elif current or not (_ASSIGNMENT.match(word) or word in _WRAPPERS):
                current.append(word)
    return out
