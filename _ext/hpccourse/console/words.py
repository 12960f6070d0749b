"""Shell words: a command's simple commands as lists of words (shlex where needed).

Shared by the rules (:mod:`.rules`) and lessonrun's planning and lint, so both read a
command the same way. No Sphinx, no tree-sitter.
"""

from __future__ import annotations

import functools
import re
import shlex

from .lines import heredoc_rows
from .model import Command

_SEPARATORS = frozenset({";", "&&", "||", "|", "&", ";;", "|&", "(", ")"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_WRAPPERS = frozenset({"command", "builtin", "time", "exec", "nohup", "srun"})


# Text shlex splits exactly as str.split() does: no quote, escape, comment, punctuation
# (";&|()") or whitespace other than space and tab. Most commands are such text.
_PLAIN_WORDS = re.compile(r"[\w \t./~=:,+@%^*?!\[\]{}<>$-]*\Z", re.ASCII)


#: Words that run the command after them: the program is the next word.
_RUNNERS = frozenset({"sudo", "env", "exec", "nohup", "time", "nice"})


def program_words(text: str) -> list[str]:
    """A command line's words from the program it runs on (``sudo -u x systemctl
    enable y``: ``systemctl enable y``): runners, their options and ``NAME=value``
    assignments passed over."""
    split = text.split()
    previous = ""
    for at, word in enumerate(split):
        if "=" in word or word.startswith("-") or word in _RUNNERS or previous in ("-u", "-g"):
            previous = word
            continue
        return split[at:]
    return []


def words(segment: str) -> list[str]:
    """``segment``'s words as bash splits them (quotes removed; operators are words)."""
    if _PLAIN_WORDS.match(segment):
        return segment.split()
    return list(_quoted_words(segment))


@functools.lru_cache(maxsize=4096)
def _quoted_words(segment: str) -> tuple[str, ...]:
    """shlex's reading of a segment with quotes or operators, once per distinct text: the
    same commands recur across a course's pages and clusters, and shlex is slow."""
    found: list[str] = []

    def mark(match: re.Match[str]) -> str:
        found.append(match.group(0))
        return f"\0{len(found) - 1}\0"

    # `$(which tool)` is one word of the command around it (its output), not a
    # command of its own that leaves the words after it alone (`ln -s $(...) /dir/`)
    marked = _SUBSTITUTION.sub(mark, segment) if "$(" in segment else segment
    try:
        lexer = shlex.shlex(marked, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        split = tuple(lexer)
    except ValueError:
        split = tuple(marked.split())
    if not found:
        return split
    return tuple(_MARK.sub(lambda m: found[int(m.group(1))], word) for word in split)


#: A command substitution with no parentheses inside, and its mark while shlex splits.
_SUBSTITUTION = re.compile(r"\$\([^()]*\)")
_MARK = re.compile("\0(\\d+)\0")


def simple_commands(command: Command) -> list[list[str]]:
    """The words of each simple command in a shell command (here-document bodies left out,
    leading ``VAR=value`` assignments and wrappers such as ``time`` dropped)."""
    return [list(words) for words in simple_command_words(command.text)]


@functools.lru_cache(maxsize=4096)
def simple_command_words(text: str) -> tuple[tuple[str, ...], ...]:
    """:func:`simple_commands` of a command's text, as tuples, once per distinct text."""
    body, _ = heredoc_rows(text) if "<<" in text else (set(), [])
    out: list[tuple[str, ...]] = []
    for row, line in enumerate(text.split("\n")):
        if row in body:
            continue
        current: list[str] = []
        for word in [*words(line), ";"]:
            if word in _SEPARATORS:
                if current:
                    out.append(tuple(current))
                current = []
            elif current or not (_ASSIGNMENT.match(word) or word in _WRAPPERS):
                current.append(word)
    return tuple(out)
