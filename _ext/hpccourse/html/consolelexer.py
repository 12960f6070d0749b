"""The ``console`` lexer of the course's pages: prompts, commands, output, no more.

Pygments' ``console`` lexer (``BashSessionLexer``) takes any line starting with ``#`` for a
root prompt, so a here-document's ``#!/bin/bash`` and ``#SBATCH -A ...`` lines show as
commands typed as root; and it wraps every word and space of a command in its own
``<span>``, a third of a lesson page's weight once seven clusters show their commands.
This lexer knows the prompts the course writes (``$ ``, ``(env) $ ``, Python's ``>>> ``
and ``... ``) and marks:

- a prompt (``Generic.Prompt``, class ``gp``), the command after it as plain text;
- a here-document's body and a continued line (``\\`` at the end) as plain text;
- ``> `` on a row of a command that goes on (a loop's body, bash's PS2) as a prompt, the
  row after it as plain text (only while the shell command typed so far is unfinished:
  ``> quoted`` after ``$ cat notes.txt`` is output);
- every other line as output (``Generic.Output``, class ``go``);
- a line typed into another program than the block's first (``>>> import spacy`` after
  ``$ python``) with the classes :data:`INNER_CLASSES`, which ``copybutton_exclude`` leaves
  out: the copy button copies what one program runs, never Python lines for bash.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from pygments.lexer import Lexer
from pygments.token import Generic, Name, Text, _TokenType

from ..console.lines import PS2, unfinished

INNER_PROMPT = Generic.Prompt.Inner
INNER_TEXT = Name.Inner
#: The CSS classes of lines typed into another program (for ``copybutton_exclude``).
INNER_CLASSES = ".gp-Inner, .n-Inner"

_SHELL = re.compile(r"(\([\w.-]+\) )?\$(?: |$)")
_PYTHON = re.compile(r"(?:>>>|\.\.\.)(?: |$)")
_HERE_DOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")


def _prompt(line: str) -> tuple[str, str] | None:
    """(program, prompt) of a line typed at a prompt, or None."""
    for program, pattern in (("shell", _SHELL), ("python", _PYTHON)):
        match = pattern.match(line)
        if match:
            return program, match.group(0)
    return None


class CourseConsoleLexer(Lexer):
    """A terminal session as the course writes one (see the module's docstring)."""

    name = "Course console session"
    aliases: ClassVar[list[str]] = ["console"]

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, _TokenType, str]]:
        offset = 0
        first: str | None = None  # the program the block starts in
        here_doc: str | None = None  # the delimiter ending the open here-document
        continued = False
        typed: str | None = None  # the shell command typed so far, while rows go on with it
        for line in text.splitlines(keepends=True):
            bare = line.rstrip("\n")
            if typed is not None and bare.startswith(PS2) and unfinished(typed):
                yield offset, Generic.Prompt, PS2
                yield offset + len(PS2), Text, line[len(PS2) :]
                typed += "\n" + bare[len(PS2) :]
                offset += len(line)
                continue
            typed = None
            if here_doc is not None:
                yield offset, Text, line
                if bare.strip() == here_doc:
                    here_doc = None
            elif continued:
                yield offset, Text, line
                continued = bare.endswith("\\")
            elif (found := _prompt(bare)) is not None:
                program, prompt = found
                first = first or program
                inner = program != first
                yield offset, INNER_PROMPT if inner else Generic.Prompt, prompt
                yield offset + len(prompt), INNER_TEXT if inner else Text, line[len(prompt) :]
                if not inner:
                    delimiter = _HERE_DOC.search(bare)
                    here_doc = delimiter.group(2) if delimiter else None
                    continued = bare.endswith("\\")
                    if program == "shell" and here_doc is None and not continued:
                        typed = bare[len(prompt) :]
            else:
                yield offset, Generic.Output, line
            offset += len(line)
