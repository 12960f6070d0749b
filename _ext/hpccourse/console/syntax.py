"""Syntax checks of single commands: shell with tree-sitter-bash, Python with ``compile``.

tree-sitter accepts what bash accepts but lets through a few things a learner trips on, so
the checks add: stray keywords (``done`` with no loop open), a dangling ``\\`` at the block's
end, an unterminated here-document, and angle-bracket placeholders (``<user>``), reported as
placeholders rather than as raw parse errors. Nothing is ever executed; ``bash -n`` (which
only parses) is run solely to word the message of a command that has already failed.
"""

from __future__ import annotations

import ast
import codeop
import functools
import io
import keyword
import re
import shutil
import subprocess
import sys
import tokenize
import warnings
from collections.abc import Callable, Sequence

from tree_sitter import Node

from . import codes
from .bash import node_text, parse
from .lines import ends_with_continuation, heredoc_rows, scan_quotes
from .model import Command, Problem
from .retired import retired_urls
from .shape import KNOWN_COMMAND, KNOWN_COMMANDS

STRAY_KEYWORDS = frozenset({"done", "fi", "then", "esac", "do", "elif", "else", "}"})
# Substrings one of which any stray keyword holds: a cheap test before _STRAY_HINT.
_STRAY_WORDS = ("do", "fi", "then", "esac", "el", "}")
_STRAY_HINT = re.compile(r"(?:^|[\s;&|(])(?:done|fi|then|esac|do|elif|else|\})(?=$|[\s;&|)])")
# `<user>`, `<batch script>`, `Python/<version>`, `<path/to/file>.c`: a word in angle
# brackets, no space before `>`; a `/` inside it, not at its end (`<path/>x` is left to
# the rules that read it as a path).
# `<...>` stands for arguments left out.
ANGLE_PLACEHOLDER = re.compile(
    r"<((?=[^>]*[A-Za-z])[A-Za-z0-9](?:[\w./-]*[\w.-])?(?:[ \t][\w.-]+)*|\.\.\.|\u2026)>"
)
#: Keys a transcript shows pressed at the prompt (`$ repo <TAB><TAB>`): no placeholder.
KEYS = frozenset(
    "TAB ENTER RETURN ESC ESCAPE SPACE BACKSPACE UP DOWN LEFT RIGHT CTRL-C CTRL-D C-C C-D".split()  # noqa: SIM905 -- a word list reads best as words
)
_BASH = shutil.which("bash")
_BASH_LINE = re.compile(r"^(?:.*?: )?line (\d+): ")


def _offset(command: Command, row: int, column: int = 0) -> int:
    """The block offset of a place in ``command.text`` (its row, and its column there:
    a row joined from lines continued with ``\\`` is each of them in turn)."""
    at = command.lines[row] if 0 <= row < len(command.lines) else command.last_offset
    for joined_row, joined_column, offset in command.joins:
        if joined_row == row and joined_column <= column:
            at = offset
    return at


def _bracket_style(placeholder: str, word: str) -> str:
    """``word`` in the convention's brackets: ``[username]``, ``version`` -> ``[version]``."""
    pairs = {"[": "]", "{": "}", "(": ")"}
    if len(placeholder) >= 2 and pairs.get(placeholder[0]) == placeholder[-1]:
        return placeholder[0] + word.replace(" ", "-") + placeholder[-1]
    return placeholder


def placeholder_message(found: str, word: str, placeholder: str) -> str:
    """The message for an angle-bracket placeholder, naming the project's convention when
    it declares one (``placeholder``); neutral otherwise."""
    if word in ("...", "\u2026"):
        return (
            f"`{found}` stands for arguments left out, but bash reads `<` as a redirection: "
            f"a learner who pastes it gets a syntax error. Write `...` alone, or name what "
            f"goes there (`[options]`)."
        )
    if not placeholder:
        name = word.replace(" ", "-")
        return (
            f"`{found}` looks like a placeholder, but bash reads `<` as a redirection: a "
            f"learner who pastes it gets 'No such file or directory' or a syntax error. "
            f"Write it in a form bash leaves alone, such as `[{name}]` or "
            f"`{name.upper().replace('-', '_')}`."
        )
    is_user = re.fullmatch(r"(?:your[-_ ]?)?user(?:[-_ ]?name)?|uid", word, re.IGNORECASE)
    instead = placeholder if is_user else _bracket_style(placeholder, word)
    return (
        f"`{found}` looks like a placeholder, but bash reads `<` as a redirection: a learner "
        f"who pastes it gets 'No such file or directory' or a syntax error. Write `{instead}` "
        f"(this project's placeholder convention is `{placeholder}`)."
    )


def _first_error(node: Node) -> Node | None:
    """The first ERROR or MISSING node, depth first."""
    if node.is_missing or node.type == "ERROR":
        return node
    for child in node.children:
        if child.has_error:
            found = _first_error(child)
            if found is not None:
                return found
    return None


def _stray(node: Node, out: list[Node]) -> None:
    if node.type == "command_name":
        if node_text(node) in STRAY_KEYWORDS:
            out.append(node)
        return
    for child in node.children:
        _stray(child, out)


_OPENER = {")": "(", "}": "{", "]": "["}
_PLAIN_BASH: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    # bash's wording -> words a teacher who is not a programmer reads at once
    (
        re.compile(r"unexpected EOF while looking for matching `(.)'"),
        lambda m: f"the `{_OPENER.get(m.group(1), m.group(1))}` opened here is never closed",
    ),
    (
        re.compile(r"syntax error: unexpected end of file"),
        "the command stops before it is complete",
    ),
    (re.compile(r"syntax error near unexpected token `(.*)'"), r"`\1` cannot come here"),
)


def plain_bash(message: str) -> str:
    """``bash -n``'s message in plain words ("EOF" and "token" are jargon)."""
    for pattern, plain in _PLAIN_BASH:
        if pattern.search(message):
            return pattern.sub(plain, message)
    return message


@functools.lru_cache(maxsize=512)
def _bash_n(text: str) -> tuple[int, str] | None:
    """``bash -n`` (parse only, nothing runs) on ``text``: its exit status and its
    error output; None without bash."""
    if _BASH is None:
        return None
    try:
        done = subprocess.run(
            [_BASH, "--norc", "--noprofile", "-n"],
            input=text.encode("utf-8", "replace"),
            capture_output=True,
            timeout=5,
            env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
            check=False,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    return done.returncode, done.stderr.decode("utf-8", "replace")


def bash_message(text: str) -> tuple[int, str] | None:
    """``bash -n``'s own wording for a command that already failed: (row, message)."""
    done = _bash_n(text)
    for line in done[1].splitlines() if done else ():
        match = _BASH_LINE.match(line)
        if match and "warning" not in line:
            return int(match.group(1)) - 1, plain_bash(line[match.end() :].strip())
    return None


def bash_accepts(text: str) -> bool | None:
    """Whether ``bash -n`` parses ``text`` without a syntax error; None without bash.
    tree-sitter-bash rejects a few lines bash reads (``cmd [--`` wrapped onto the next
    row: ``[--`` is a plain word to bash); bash has the last word."""
    done = _bash_n(text)
    return None if done is None else done[0] == 0


_KEYWORD = re.compile(r"(?<![\w$-])(if|fi|for|select|while|until|done|case|esac)(?![\w-])")
_CLOSER = {"if": "fi", "for": "done", "select": "done", "while": "done", "until": "done"}
_CLOSER["case"] = "esac"


def _unclosed(text: str) -> str | None:
    """The closing keyword an unfinished compound command still needs (for messages only:
    it counts keywords without regard to quoting)."""
    stack: list[str] = []
    for word in _KEYWORD.findall(text):
        if word in _CLOSER:
            stack.append(_CLOSER[word])
        elif stack and stack[-1] == word:
            stack.pop()
    return stack[-1] if stack else None


def _syntax_problem(command: Command, text: str, error: Node | None) -> Problem:
    """CC101 for a command tree-sitter rejects. A missing keyword (``done``, ``fi``) is
    named from the tree; other errors take ``bash -n``'s wording when bash is at hand."""
    row = error.start_point.row if error is not None else 0
    if error is not None and error.is_missing and error.type.isalpha() and error.type != "word":
        message = f"bash expects `{error.type}` here, but the command ends without it"
    else:
        near = node_text(error).strip().split("\n")[0][:40] if error is not None else ""
        message = (
            f"bash cannot parse this command near `{near}`"
            if near
            else ("bash cannot parse this command")
        )
        refined = bash_message(text)
        if refined is not None:
            row, message = refined[0], f"bash: {refined[1]}"
        closer = _unclosed(text)
        if closer and (refined is None or "stops before it is complete" in refined[1]):
            message = f"bash expects `{closer}` here, but the command ends without it"
    rows = text.split("\n")
    note = _NOTE.search(rows[row] if 0 <= row < len(rows) else text)
    if note is not None:
        return Problem(
            codes.SHELL_SYNTAX,
            f"`{note.group(1)}` after the command is a note to the reader, but bash reads "
            f"it as part of the command and stops with a syntax error. Make it a comment "
            f"(`# {note.group(2)}`) or move it to the text around the block.",
            _offset(command, row),
        )
    notation = _NOTATION.search(rows[row] if 0 <= row < len(rows) else text)
    if notation is not None:
        # `FILE(S)`, `NAME(s)`: a reader's notation for "one or more", not shell syntax
        word = notation.group(1)
        return Problem(
            codes.SHELL_SYNTAX,
            f"`{notation.group(0)}` reads as a placeholder to people, but bash reads `(` as "
            f"the start of a subshell and stops with a syntax error. Write it as one word "
            f"bash leaves alone, such as `{word}...` or `[{word.lower()}]`.",
            _offset(command, row),
        )
    return Problem(
        codes.SHELL_SYNTAX,
        f"{message}. Fix the quotes, brackets or operators so the command is complete as shown.",
        _offset(command, row),
    )


#: A row that is only a template's fields, `{job_preamble}`: a script shown as the
#: template a tool fills in, no command; read as bash's no-op `:`.
_TEMPLATE_FIELD = re.compile(r"(?m)^[ \t]*\{[A-Za-z_]\w*\}(?:[ \t]+\{[A-Za-z_]\w*\})*[ \t]*$")
#: A note in brackets after a command, as prose: `  (default value is INFO)`: words with
#: blanks between them, after a blank, ending the line.
_NOTE = re.compile(r"\s(\(([A-Za-z][\w'.,:/-]*(?: [\w'.,:/-]+)+)\))\s*$")
#: A usage synopsis, as manual pages write one: ``prog [options] FILE (-k KEY | -f FILE)``,
#: whose brackets group alternatives, not shell syntax; what it needs is its own words.
_SYNOPSIS = re.compile(r"(?<!\S)\[(?:options?|OPTIONS?|opts|args|ARGS)\](?:\.\.\.)?(?!\S)")
#: A usage line's own notation, which no command carries: a metavar of options in capitals
#: (`[CONNECTION_OPTIONS]`), or an option in brackets (`[--index <name>]`, optional).
_USAGE_ROW = re.compile(
    r"(?<!\S)\[(?:[A-Z]+_)*(?:OPTIONS?|ARGS|ARGUMENTS)\](?:\.\.\.)?(?!\S)"
    r"|(?<!\S)\[--?[A-Za-z][\w-]*(?:[ =][^\]\n]*)?\](?!\S)"
)
#: A word with a parenthesised plural or option, as people write placeholders: `FILE(S)`.
_NOTATION = re.compile(r"(?<![\w$=])([A-Za-z][\w-]*)\((?:s|S|es|ES)\)(?![\w(])")


# A command of plain words only: no quote, escape, operator, redirection, substitution,
# comment or newline. bash parses any such line as one simple command, so it needs no
# parse, unless a word is reserved (`if`, `done`, `{`, `[[`...): see is_plain_command.
# (Braces are left out: tree-sitter-bash rejects some words bash takes, such as `{0`.)
_PLAIN_COMMAND = re.compile(r"[\w ./:=,+@%~\[\]*?^-]*\Z", re.ASCII)
_COMMAND_NAME = re.compile(r"[\w./~][\w./~-]*\Z", re.ASCII)
_RESERVED = frozenset(
    {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case"}
    | {"esac", "select", "function", "in", "time", "coproc", "[[", "]]"}
)


def is_plain_command(text: str) -> bool:
    """Whether ``text`` is plain words that bash reads as one simple command, with no
    problem CC101-CC105 can report: the checks' fast path (most commands are such)."""
    if _PLAIN_COMMAND.match(text) is None:
        return False
    words = text.split()
    # tree-sitter-bash reads more into some words than bash does: a command name with
    # `@`, `%`, `[` or `?` in it (`a[` opens an array assignment), a leading `-`, and
    # the test operators `==` and `=~`. Such commands are parsed.
    return (
        bool(words)
        and _COMMAND_NAME.match(words[0]) is not None
        and _RESERVED.isdisjoint(words)
        and not any(word[0] == "=" for word in words)
    )


def check_shell(command: Command, placeholder: str = "[username]") -> list[Problem]:
    """Problems in one shell command (CC101-CC105, CC109, CC110)."""
    retired = retired_urls(command)
    if is_plain_command(command.text):
        return retired + (export_words(command) if "export" in command.text else [])
    problems = parse_and_check(command, placeholder)
    if "export" in command.text and not problems:  # one cause per command
        problems.extend(export_words(command))
    if not problems and _INSTALLS.search(command.text):
        problems.extend(unquoted_requirements(command))
    return problems + retired


#: A command that takes version requirements, with `>` or `<` somewhere after it.
_INSTALLS = re.compile(
    r"\b(?:pip3?(?:\.\d+)?|conda|mamba|micromamba|uv|pipx|poetry)\b[^\n]*?"
    r"\b(?:install|add|download|wheel|create)\b[^\n]*[<>]"
)
#: The programs whose words after ``install`` are requirements.
_INSTALLERS = frozenset({"pip", "pip3", "conda", "mamba", "micromamba", "uv", "pipx", "poetry"})
#: A package's name as a requirement starts it, extras and all: `numpy`, `dask[array]`.
_REQUIREMENT_NAME = re.compile(r"[A-Za-z0-9][\w.-]*(?:\[[\w,.-]+\])?\Z")


def unquoted_requirements(command: Command) -> list[Problem]:
    """CC109 for each requirement of an install command written unquoted with ``>`` or
    ``<`` (``Cython>=0.16``): bash takes ``Cython`` as the package and ``>=0.16`` as a
    redirection, so the newest release is installed and pip's output lands in a file
    ``=0.16`` (with ``<``, the command fails: no such file)."""
    problems: list[Problem] = []
    stack = [parse(command.text).root_node]
    while stack:
        node = stack.pop()
        if node.type == "redirected_statement":  # `cmd a b >x`: the redirection after it
            body = node.child_by_field_name("body")
            if body is not None and body.type == "command":
                redirects = [c for c in node.children if c.type == "file_redirect"]
                problems.extend(_requirements(command, body, [*body.children, *redirects]))
                continue
        elif node.type == "command":
            problems.extend(_requirements(command, node, node.children))
            continue
        stack.extend(node.children)
    return problems


def _requirements(command: Command, node: Node, parts: Sequence[Node]) -> list[Problem]:
    """CC109 for the words of one command ``node`` (``parts``: its words and
    redirections in order) that a redirection glued to them cuts off a requirement."""
    words = [node_text(child) for child in node.children if child.type != "file_redirect"]
    program = words[0].rsplit("/", 1)[-1] if words else ""
    if program not in _INSTALLERS and not (program.startswith("python") and "pip" in words[1:3]):
        return []
    problems: list[Problem] = []
    previous: Node | None = None
    for child in parts:
        if (
            child.type == "file_redirect"
            and previous is not None
            and previous.type == "word"
            and previous.end_byte == child.start_byte
        ):
            name = node_text(previous)
            operator = node_text(child)[:1]
            shown = name + node_text(child).split()[0]
            if _REQUIREMENT_NAME.match(name) and name not in words[:2]:
                problems.append(_unquoted(command, child, shown, operator))
        previous = child
    return problems


def _unquoted(command: Command, node: Node, shown: str, operator: str) -> Problem:
    target = shown[len(shown.split(operator, 1)[0]) :].lstrip("<>")
    effect = (
        f"the newest release is installed, and the installer's output goes into a file `{target}`"
        if operator == ">"
        else f"bash looks for a file `{target}` to read, and the command stops"
    )
    return Problem(
        codes.UNQUOTED_REQUIREMENT,
        f"`{shown}` is not quoted: bash reads `{operator}` as a redirection, so {effect}. "
        f'Quote the requirement: `"{shown}"`.',
        _offset(command, node.start_point[0], node.start_point[1]),
    )


#: A word ``export`` takes: a name, or a name given a value (``NAME=``, ``NAME+=``).
_EXPORT_WORD = re.compile(r"[A-Za-z_]\w*(?:\+?=.*)?\Z", re.DOTALL)
#: A word whose expansion decides what export gets (`$VARS`, `{A,B}`, a glob, quotes).
_EXPANDED = re.compile(r"[$`{*?\[\\'\"]")


def export_words(command: Command) -> list[Problem]:
    """CC101 for a word after ``export NAME=value`` that is neither a name nor an
    assignment: a value with a blank left unquoted, ``export FLAGS=--a --b``. bash parses
    it, but stops there: "export: `--b': not a valid identifier", FLAGS holding ``--a``."""
    problems: list[Problem] = []
    stack = [parse(command.text).root_node]
    while stack:
        node = stack.pop()
        if node.type != "declaration_command":
            stack.extend(node.children)
            continue
        words = node.children
        if not words or node_text(words[0]) != "export":
            continue
        options = True
        for index, word in enumerate(words[1:], 1):
            text = node_text(word)
            if options and word.type == "word" and text.startswith("-") and text != "-":
                options = text != "--"  # `-n`, `-f`, `-p`; `--` ends the options
                continue
            options = False
            if _valid_export_word(word):
                continue
            problems.append(
                Problem(
                    codes.SHELL_SYNTAX,
                    f"`{text}` is neither a name nor `NAME=value`: bash's `export` refuses "
                    f"it ('export: `{text}': not a valid identifier') and the command "
                    f"fails. {_export_remedy(words, index)}.",
                    _offset(command, word.start_point.row, word.start_point.column),
                )
            )
            break
    return problems


def _valid_export_word(word: Node) -> bool:
    """Whether ``export`` takes the word (a name, an assignment), or cannot be judged
    before its expansion."""
    if word.type not in ("word", "variable_name"):
        return True
    text = node_text(word)
    return _EXPORT_WORD.match(text) is not None or _EXPANDED.search(text) is not None


def _export_remedy(words: list[Node], index: int) -> str:
    """How to write the export whose word ``index`` is no name: no blanks around its
    `=`, or the value with a blank quoted."""
    text, before = node_text(words[index]), node_text(words[index - 1])
    if text.startswith("=") and words[index - 1].type == "variable_name":
        after = node_text(words[index + 1]) if index + 1 < len(words) else ""
        value = text[1:] or after
        return f"bash takes no blanks around `=`: `export {before}={value}`"
    if words[index - 1].type == "variable_assignment":
        name, _, value = before.partition("=")
        rest = [text]
        for word in words[index + 1 :]:
            if _valid_export_word(word):
                break
            rest.append(node_text(word))
        return f'A value with a blank needs quotes: `export {name}="{value} {" ".join(rest)}"`'
    return "Quote the value that holds a blank, or remove the word"


def parse_and_check(command: Command, placeholder: str = "[username]") -> list[Problem]:
    """:func:`check_shell` without its fast path: every check, the parse included."""
    text = command.text
    problems: list[Problem] = []
    if text.endswith("\\") and ends_with_continuation(text):
        problems.append(
            Problem(
                codes.DANGLING_CONTINUATION,
                "The command ends in `\\`, so bash waits for another line that the block "
                "never shows: remove the trailing backslash or add the line it continues to.",
                command.last_offset,
            )
        )
        text = text[:-1]
    body, open_heredocs = heredoc_rows(text)
    for row, delimiter in open_heredocs:
        problems.append(
            Problem(
                codes.UNTERMINATED_HEREDOC,
                f"The here-document opened here is never closed: end it with a line "
                f"that is exactly `{delimiter}`.",
                _offset(command, row),
            )
        )
        text += "\n" + delimiter
    if "<" in text:
        text = _mask_angle_placeholders(command, text, body, placeholder, problems)
    if "{" in text:
        text = _TEMPLATE_FIELD.sub(lambda m: ":".ljust(len(m.group(0))), text)
    tree = parse(text)
    root = tree.root_node
    synopsis = _SYNOPSIS.search(text) or (not command.prompt and _USAGE_ROW.search(text))
    if root.has_error and not synopsis and not bash_accepts(text):
        problems.append(_syntax_problem(command, text, _first_error(root)))
    if _may_have_stray_keyword(text):
        found: list[Node] = []
        _stray(root, found)
        for node in found:
            word = node_text(node)
            problems.append(
                Problem(
                    codes.STRAY_KEYWORD,
                    f"`{word}` starts a command but no compound command (`for`, `while`, "
                    f"`if`, `case`, `{{`) is open here, so bash reports a syntax error: "
                    f"write the whole compound command in the block, or remove `{word}`.",
                    _offset(command, node.start_point.row, node.start_point.column),
                )
            )
    return problems


def _may_have_stray_keyword(text: str) -> bool:
    """Whether a stray keyword may start a command: substring tests first (most commands
    hold none of the words), then the word-boundary regex."""
    return any(word in text for word in _STRAY_WORDS) and _STRAY_HINT.search(text) is not None


def _mask_angle_placeholders(
    command: Command, text: str, body: set[int], placeholder: str, problems: list[Problem]
) -> str:
    """Report each ``<word>`` placeholder outside here-document bodies (CC103) and return
    ``text`` with them masked, so that the parse reports only what remains."""
    rows = text.split("\n")
    masked_rows = []
    quote = ""  # the quote open at the start of the row: `"` or `'` (a string goes on)
    for row, line in enumerate(rows):
        opened = quote
        quote = _quote_after(line, quote) if row not in body else quote
        if row in body or "<" not in line:
            masked_rows.append(line)
            continue
        matches = list(ANGLE_PLACEHOLDER.finditer(line))
        tree = None
        comment = _comment_start(line, opened)
        usage = not command.prompt and _USAGE_ROW.search(line) is not None
        for match in matches:
            if usage:  # `tool create -s <file> [OPTIONS]` under a "Syntax" label: a form
                line = line.replace(match.group(0), "x" * len(match.group(0)))
                continue
            if match.group(1).upper() in KEYS:  # `<TAB><TAB>`: a key pressed, not typed
                line = line.replace(match.group(0), " " * len(match.group(0)))
                continue
            if comment is not None and match.start() > comment and _prose(line[comment:]):
                continue  # `# Usage: run.sh <time>`: a remark bash reads not, nor a reader
            if _quote_after(line[: match.start()], opened):
                continue  # `"token <token>"`: inside quotes bash reads no redirection
            glued = line[match.end() : match.end() + 1] not in ("", " ", "\t")
            if "." in match.group(1) and glued:
                tree = tree or parse(line)
                if not tree.root_node.has_error:
                    continue  # `cmd <in.txt>out.txt` is bash, not a placeholder
                # (`-F <notes.txt> v1.0` is one: bash would write into a file `v1.0`)
            problems.append(
                Problem(
                    codes.ANGLE_PLACEHOLDER,
                    placeholder_message(match.group(0), match.group(1), placeholder),
                    _offset(command, row, match.start()),
                )
            )
            line = line.replace(match.group(0), "x" * len(match.group(0)))
        masked_rows.append(line)
    return "\n".join(masked_rows)


def _comment_start(line: str, quote: str = "") -> int | None:
    """Where a ``#`` comment starts in ``line``, starting inside ``quote``."""
    return scan_quotes(line, quote)[1]


def _prose(comment: str) -> bool:
    """Whether a ``#`` comment is a remark (its first word capitalised or a label:
    ``# Usage: run.sh <time>``; or a sentence of plain words that starts with no command:
    ``# building the image (use --file <name> if ...)``), not a command left for the
    reader to uncomment (``# cd /proj/<mydir>``, whose placeholder the reader will paste)."""
    words = comment.lstrip("#").split()
    if not words:
        return False
    first = words[0]
    if first[:1].isupper() or first.endswith(":"):
        return True
    if first in KNOWN_COMMANDS or not first.isalpha():
        return False
    return len(words) >= _SENTENCE and sum(w.isalpha() for w in words) >= _SENTENCE - 1


#: How many words a comment that starts in lower case has, at least, to be a sentence.
_SENTENCE = 5


def _quote_after(text: str, quote: str = "") -> str:
    """The quote still open after ``text``, starting inside ``quote``."""
    return scan_quotes(text, quote)[0]


#: A row the REPL takes as no statement at all: blank, or only a comment (the REPL
#: answers `# note` with a `...` prompt, or a new `>>>`, never an error).
_NO_STATEMENT = re.compile(r"^\s*(?:#.*)?$")
#: How many rows after a statement may be tried as its missing continuation.
_MAX_FOLLOWING = 20


#: Top-level ``await`` (and ``async for``/``async with``) at a ``>>>`` prompt: the asyncio
#: REPL (``python -m asyncio``) and IPython run it, so a session showing it is no error.
_REPL_FLAGS = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def _repl_compile(source: str) -> None:
    """Compile ``source`` as one REPL statement (raises as ``compile`` does)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compile(source, "<console>", "single", _REPL_FLAGS, dont_inherit=True)


def _compiles(source: str) -> bool | None:
    """True when ``source`` is a complete statement, None when the REPL would wait for
    more, False when it is an error."""
    compiler = codeop.CommandCompiler()  # a fresh one: it remembers `from __future__`
    compiler.compiler.flags |= _REPL_FLAGS  # as `python -m asyncio` sets it
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compiler(source, "<console>", "single") is not None or None
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        return False


def _goes_on(source: str, following: Sequence[str]) -> bool:
    """Whether the rows after an incomplete statement complete it: they are its rest,
    shown without the `... ` prompt (or after a new `>>> `, as a `def` under its
    decorator), not output."""
    text = source
    for row in following[:_MAX_FOLLOWING]:
        if not row.strip():
            continue
        text = f"{text}\n{row}"
        try:
            _repl_compile(text + "\n")
        except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
            continue
        return True
    return False


#: `...)`: the REPL's `... ` prompt without its blank, which Pygments shows as output.
_GLUED_PS2 = re.compile(r"^\.\.\.[^\s.]")
_OPENERS, _CLOSERS = frozenset("([{"), frozenset(")]}")


def _open_brackets(text: str) -> int | None:
    """How many brackets ``text`` leaves open, by Python's tokens (strings and comments
    skipped); None when more close than open."""
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in _OPENERS:
                depth += 1
            elif token.type == tokenize.OP and token.string in _CLOSERS:
                depth -= 1
                if depth < 0:
                    return None
    except (tokenize.TokenError, SyntaxError, ValueError):
        pass  # the end of an open statement: what was read counts
    return depth


def _closed_later(source: str, following: Sequence[str]) -> bool:
    """Whether the rows after a statement that leaves a bracket open close it: its rest
    shown without `... ` prompts, though a second slip in them (a comma left out) keeps
    the whole from compiling (:func:`_goes_on` then finds no complete statement)."""
    if not _open_brackets(source):
        return False
    text = source
    for row in following[:_MAX_FOLLOWING]:
        if not row.strip():
            continue
        text = f"{text}\n{row}"
        depth = _open_brackets(text)
        if depth is None:
            return False
        if depth == 0:
            return True
    return False


#: The error Python gives a statement that does not compile, shown after it on purpose.
_SHOWN_SYNTAX_ERROR = re.compile(r"^\s*(?:SyntaxError|IndentationError|TabError)\b")
#: How many rows after the statement its traceback may take to reach that error.
_SHOWN_ERROR_ROWS = 8


#: What the REPL prints for an object without its own form: `<Name ...>`, one row.
_REPR = re.compile(r"^\s*<[A-Za-z_][\w.]*[ :(\[][^\n]*>\s*$")


#: What a value written as the REPL shows it is made of: names, constants, containers.
_VALUE_NODES = (ast.Name, ast.Attribute, ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set)


def _value_after_expression(source: str) -> bool:
    """Whether ``source`` is an expression (``type(x)``) and then, on its last row, a
    value alone (``numpy.ndarray``, ``42``, ``[1, 2]``): output written after ``... ``."""
    *head, last = source.rstrip().split("\n")
    if not head or not _is_expression("\n".join(head)) or not _is_expression(last):
        return False
    allowed = (*_VALUE_NODES, ast.expr_context)
    value = ast.parse(last.strip(), mode="eval").body
    return all(isinstance(n, allowed) for n in ast.walk(value))


def _python_remedy(message: str, source: str, following: Sequence[str]) -> str:
    """What to do about a statement that does not compile, from why it does not."""
    if message.startswith("multiple statements"):
        if _value_after_expression(source):
            return (
                "The `... ` row after it looks like the value the statement prints: write "
                "that value with no prompt (`... ` goes on with the statement above)"
            )
        return (
            "A new statement starts on a `... ` row: write `>>> ` before it (`... ` only "
            "goes on with the statement above)"
        )
    if _SHELL_AT_REPL.match(source) and source.split()[0].split("=")[0] not in _PY_NAMES:
        return (
            "It reads as a shell command at a Python prompt: show it after `$ ` in a "
            "terminal block (or with `!` before it in IPython)"
        )
    placeholder = ANGLE_PLACEHOLDER.search(source)
    if placeholder is not None and not _quote_after(source[: placeholder.start()]):
        name = placeholder.group(1).replace(" ", "_").replace("-", "_")
        return (
            f"`{placeholder.group(0)}` looks like a placeholder, but Python reads `<` as "
            f"less-than: show a real value, or a name the page defines (`{name}`)"
        )
    if _compiles(source) is None:  # incomplete: the REPL would wait for more
        glued = next((row for row in following if row.strip()), "")
        if _GLUED_PS2.match(glued):
            return (
                f"Its next row, `{glued.strip()[:30]}`, lacks the blank after `...`: the page "
                f"shows it as output, not as the statement's next line. Write "
                f"`... {glued.strip()[3:][:30]}`"
            )
        if _goes_on(source, following) or _closed_later(source, following):
            return (
                "It goes on over the next rows: show it as the REPL takes it, with `... ` "
                "before each further line of the statement"
            )
        return (
            "The statement is incomplete as shown: complete it (close what it opens, or "
            "add its body)"
        )
    return "Fix the statement so that it compiles as shown"


#: A row that stands for rows left out: `....`, `…` (not the REPL's `... ` prompt).
_ELISION = re.compile(r"^\s*(?:\.{4,}|…+)\s*$")


def _elided(source: str, following: Sequence[str]) -> bool:
    """Whether an incomplete statement's rest is left out on purpose: the next row is
    an ellipsis (``>>> for x in xs:`` then ``....``), a sketch nobody pastes."""
    rows = [row for row in following if row.strip()]
    return bool(rows) and _ELISION.match(rows[0]) is not None and _compiles(source) is None


#: A shell command typed at `>>> `: a variable set for it (`TMPDIR=/x python run.py`),
#: or a program the shell runs with a word after it (`pip install x`, `cd data`).
_SHELL_AT_REPL = re.compile(
    r"^\s*(?:[A-Z_][A-Z0-9_]*=\S*\s+\S|(?:" + KNOWN_COMMAND + r")\s+[-./~$\w])"
)
#: Names Python itself has: a statement starting with one is Python gone wrong.
_PY_NAMES = frozenset({*keyword.kwlist, "print", "exec", "type", "id", "set", "help"})
#: A sentence after `>>> `, four words or more that no Python statement strings together
#: (`>>> now starting the next queued job: <main>`): a program's trace printed, no input.
_PRINTED_SENTENCE = re.compile(
    r"^\s*(?!(?:"
    + "|".join(keyword.kwlist)
    + r")\b)[A-Za-z]+(?:[ \t]+[a-z]+){3}\b(?![ \t]*[=(.\[])"
)
#: Words that end in an ellipsis, on a `... ` row after a statement: output left out and
#: said so (`... a long picture of the code goes here...`), no statement.
_PROSE_ELISION = re.compile(r"^\s*[A-Za-z][\w,'()/-]*(?:\s+[\w,'()/-]+)+\s*(?:\.{3}|…)\s*$")


def _elided_output(rows: Sequence[str]) -> bool:
    """Whether the statement's last row stands for output left out, and the rows above
    it compile: a print's long output elided in words."""
    return (
        len(rows) > 1
        and _PROSE_ELISION.match(rows[-1]) is not None
        and _complete("\n".join(rows[:-1]))
    )


def _first_statement_rows(rows: Sequence[str]) -> int:
    """How many rows the first complete statement of ``rows`` takes (where the next
    statement starts)."""
    for count in range(1, len(rows)):
        if _compiles("\n".join(rows[:count]) + "\n"):
            return count
    return 0


#: IPython input at a `>>> ` prompt (IPython takes the prompt too): a line magic
#: (`%timeit x`), a shell escape (`!ls`, `files = !ls`, `x = %who_ls`), help (`?len`).
_IPYTHON_ROW = re.compile(r"^\s*(?:%%?[A-Za-z]|!|\?|[A-Za-z_][\w.]*\s*=\s*(?:%[A-Za-z]|!))")
#: A magic without its `%` (IPython's automagic): `run script.py`, `cd data/`. Not `pip`
#: or `conda`: `>>> pip install x` is far more often a terminal's command at the wrong
#: prompt, which fails in Python, than IPython's `%pip`.
_AUTOMAGIC = re.compile(
    r"^\s*(?:run|cd|ls|pwd|timeit|time|load_ext|reload_ext|who|whos|history|env"
    r"|alias|reset|debug|pdb|prun|pylab|matplotlib|paste|cpaste|edit|load|save)"
    r"[ \t]+[^\s=(.,\[][^=]*$"
)
#: Help asked after an object, `len?`, `np.sum??`, `items[0]?`: a row of its own, never
#: Python (a `?` ends no Python statement).
_IPYTHON_HELP = re.compile(r"^\s*\S.*\?\??\s*$")
#: A key pressed, not a statement typed: Tab at the end of a row (`data[0].<tab>`, a
#: completion shown, a remark after it or not) or a control key alone (`^D` leaves the
#: REPL, `^C` interrupts).
_KEY_PRESS = re.compile(r"<tab>\s*(?:#.*)?$|^\s*\^[A-Z]\s*$", re.IGNORECASE)


def _ipython_rows(rows: list[str], first: int) -> list[str] | None:
    """``rows`` with each IPython-only row as a ``pass`` of its indentation, so that the
    Python around it is checked, not the magic; None for a cell magic (`%%bash`), whose
    rows are the magic's, not Python, and for a key pressed (`<tab>`, `^D`)."""
    joined = "".join(rows)
    if ("<" in joined or "^" in joined) and any(_KEY_PRESS.search(row) for row in rows):
        return None
    automagic = [bool(_AUTOMAGIC.match(row)) for row in rows]
    if "%" not in joined and "!" not in joined and "?" not in joined and not any(automagic):
        return rows
    if first < len(rows) and rows[first].lstrip().startswith("%%"):
        return None
    out = list(rows)
    for index, row in enumerate(rows):
        alone = index == first == len(rows) - 1
        if row.lstrip().startswith("!="):
            continue
        if _IPYTHON_ROW.match(row) or automagic[index] or (alone and _IPYTHON_HELP.match(row)):
            out[index] = row[: len(row) - len(row.lstrip())] + "pass"
    return out


def _complete(source: str) -> bool:
    """Whether ``source`` compiles as one whole REPL statement."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source + "\n", "<console>", "single")
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        return False
    return True


#: How many statements after a failed one are read to see whether it goes on over them.
MOST_GOING_ON = 40


def goes_on_over(sources: Sequence[str]) -> int:
    """How many of ``sources`` (a statement that does not compile, then the statements
    after it, each as typed after its own ``>>> ``) make one complete statement read
    together: rows the page prompts with ``>>> `` where the REPL shows ``... `` (a
    triple-quoted string, a loop's body). 0 when no run of them does."""
    for count in range(2, min(len(sources), MOST_GOING_ON) + 1):
        if _complete("\n".join(sources[:count])):
            return count
    return 0


#: Syntax of a Python newer than 3.11, which the checker may run on: type parameters
#: (`class Stack[T]:`, `def first[T](xs)`) and `type` aliases, from 3.12 (PEP 695).
_NEWER_SYNTAX = re.compile(
    r"^\s*(?:(?:async\s+)?def|class)\s+\w+\[|^\s*type\s+\w+\s*(?:\[[^\]]*\]\s*)?=", re.M
)


def _newer_python(source: str) -> bool:
    """Whether a statement this Python cannot compile is written in a newer Python's
    syntax (a page may say "Python 3.12 syntax"): the reader's Python may take it."""
    return sys.version_info < (3, 12) and _NEWER_SYNTAX.search(source) is not None


def check_python(command: Command, following: Sequence[str] = ()) -> list[Problem]:
    """A Python REPL statement (``>>>`` with its ``...`` lines) that does not compile (CC106).

    Leading rows that are blank or only a comment are no statement (the REPL takes them);
    ``following`` are the block's rows after the statement, to tell a statement that
    goes on without its ``... `` prompts from one that is incomplete as written. IPython's
    own input (a magic, ``!cmd``, ``name?``) is valid where the page shows it (an IPython
    session; IPython takes ``>>> `` prompts): quiet, and the Python around it checked.
    """
    rows = command.text.split("\n")
    skipped = 0
    while skipped < len(rows) and _NO_STATEMENT.match(rows[skipped]):
        skipped += 1
    source = "\n".join(rows[skipped:])
    if not source.strip() or _complete(source):
        return []
    if _elided_output(rows[skipped:]) or _PRINTED_SENTENCE.match(rows[skipped]):
        return []
    if any(_SHOWN_SYNTAX_ERROR.match(row) for row in following[:_SHOWN_ERROR_ROWS]):
        return []  # `>>> 2x` then its SyntaxError: the page shows what does not compile
    masked = _ipython_rows(rows, skipped)
    if masked is None:
        return []
    if _REPR.match(source):
        return [
            Problem(
                codes.PYTHON_SYNTAX,
                "This row reads as what Python printed, an object's `<...>` form, shown "
                "after `>>> `, where Python cannot compile it: show output without a prompt, "
                "on the row after its statement.",
                _offset(command, skipped),
            )
        ]
    if masked != rows:  # the Python around IPython's rows: `pass` in their place
        rows, source = masked, "\n".join(masked[skipped:])
    try:
        _repl_compile(source + "\n")
    except SyntaxError as error:
        if _elided(source, following) or _newer_python(source):
            return []
        row = skipped + (error.lineno or 1) - 1
        if error.msg.startswith("multiple statements"):
            row = skipped + _first_statement_rows(rows[skipped:])
        remedy = _python_remedy(error.msg, source, following)
        return [
            Problem(
                codes.PYTHON_SYNTAX,
                f"Python cannot compile this statement: {error.msg.rstrip('.')}"
                f"{'' if error.msg.endswith('?') else '.'} {remedy}.",
                _offset(command, row),
            )
        ]
    except (ValueError, OverflowError, RecursionError, MemoryError) as error:
        return [
            Problem(
                codes.PYTHON_SYNTAX,
                f"Python cannot compile this statement: {error}.",
                command.offset,
            )
        ]
    return []


#: What a pretty printer draws and no statement holds: box drawing, bracket pieces, a
#: raised dot, sub- and superscripts (`1 + ──`, `⎛ 2 ⎞`, `x₁`, `C₁⋅R₁`).
_PRINTED = re.compile("[\u2500-\u257f\u239b-\u23ad\u22c5\u2070-\u209f\u00b2\u00b3\u00b9]")
#: A number alone on its row, as a formula's exponent is printed above it.
_NUMBER_ALONE = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")


def printed_row(before: Command, command: Command) -> Problem | None:
    """CC106 naming the cause when a one-row statement that does not compile (and is no
    start of a longer one) is output shown after `>>> `: the statement before it is an
    expression (the REPL prints its value: `>>> x.total()` then `>>>      2`), or it holds
    a character no Python source has (`x1 𝐞₁`, as a pretty printer writes)."""
    text = command.text
    if before.language != "python" or "\n" in text.strip() or _compiles(text) is not False:
        return None
    if _REPR.match(text):
        return None  # check_python names an object's `<...>` form itself
    if not (_PRINTED.search(text) or _NUMBER_ALONE.match(text)):
        return None  # `>>>  x.f()`, `>>> : x`: a statement typed wrong, not output
    if not _is_expression(before.text) and not _foreign_character(text):
        return None
    return Problem(
        codes.PYTHON_SYNTAX,
        "This row reads as output, what the statement above printed, shown after `>>> `, "
        "where Python cannot compile it: show output without a prompt, on the rows after "
        "its statement.",
        command.offset,
    )


def _is_expression(source: str) -> bool:
    """Whether ``source`` is one expression (the REPL prints its value), not a statement."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source.strip(), "<console>", "eval")
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        return False
    return True


def _foreign_character(source: str) -> bool:
    """Whether Python rejects ``source`` for a character its source never holds."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(source.strip(), "<console>", "single")
    except SyntaxError as error:
        return error.msg.startswith("invalid character")
    except (ValueError, OverflowError, RecursionError, MemoryError):
        return False
    return False


def check_command(command: Command, placeholder: str = "[username]") -> list[Problem]:
    """The syntax problems of one command of any language (Windows commands are not parsed)."""
    if command.language == "shell":
        return check_shell(command, placeholder)
    if command.language == "python":
        return check_python(command)
    return []
