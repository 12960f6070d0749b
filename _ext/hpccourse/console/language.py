"""What language a block's text looks like, when it is not a shell session or script.

HPC courses put R code, Julia ``pkg>`` sessions, notebook ``!pip`` lines, batch scripts and
pseudo-code into blocks tagged ``console``, ``sh`` or ``bash``. Then the defect is the
block's language tag, not the text: :func:`guess_language` names the language it looks
like, from signals a shell command never has (``x <- 1``, ``julia>``, ``library(...)``).
Here-document bodies are left out: a script may well write R or Python into a file.
"""

from __future__ import annotations

import keyword
import re
import textwrap
import warnings
from dataclasses import dataclass

from .lines import heredoc_rows
from .shape import KNOWN_COMMAND


@dataclass(frozen=True)
class Guess:
    """The language a block looks like, and the highlight tag that says so."""

    language: str  # as a message names it: "R", "a Julia REPL session", ...
    tag: str  # the Pygments tag to write: "r", "julia-repl", ...
    certain: bool  # a signal no shell text has; otherwise only with a failed parse


JULIA = Guess("a Julia REPL session", "julia-repl", True)
R = Guess("R", "r", True)
NOTEBOOK = Guess("a notebook cell (`!pip`, `%pip`)", "ipython", True)
IPYTHON = Guess("an IPython session (`In [1]:` prompts)", "ipython", True)
FISH = Guess("fish shell code (`function NAME` ... `end`)", "fish", True)
PYTHON = Guess("Python", "python", False)
BATCH = Guess("a batch script", "bash", True)
PSEUDO = Guess("pseudo-code or prose", "text", False)
OUTPUT = Guess("program output or a log", "text", False)
CONFIG = Guess("a configuration file (nginx, Apache, sudoers...)", "text", True)
POWERSHELL = Guess("PowerShell (`$env:X = ...`, `Verb-Noun` cmdlets)", "powershell", True)
SETTINGS = Guess("Python settings (`NAME = value`)", "python", True)
TREE = Guess("a folder tree (as `tree` draws it)", "text", False)
SETTINGS_FILE = Guess(
    "`key: value` rows (a settings file's content, or headers a program printed)", "text", False
)
MARKUP = Guess("a file's content (XML or HTML markup)", "xml", False)
DEBUGGER = Guess("a debugger session (`(gdb)`, `(Pdb)` prompts)", "text", False)
SESSION = Guess("a terminal session (a prompt before each command)", "console", False)
SQL = Guess("SQL (`SELECT ... FROM`, `SET PASSWORD ...;`)", "sql", True)
ARROW_SESSION = Guess(SESSION.language, SESSION.tag, True)
GRAMMAR = Guess("a grammar (ASN.1 or BNF, `Name ::= ...`)", "text", True)
#: Values as tuples or lists (an order of axes): never reported, only recognised.
VALUES = Guess("values written as tuples or lists", "text", False)
INI = Guess("an INI file (`[section]`, then `key = value` rows)", "ini", True)
#: An INI file's section row, and its settings (`key = value`, `key=`, an indented value).
_INI_SECTION = re.compile(r"^\[[\w. :\"-]+\]\s*$")
_INI_ROW = re.compile(r"^[\w.-]+\s*=|^\s+\S")
#: A grammar's rule: a name, or `<name>`, then `::=`.
_GRAMMAR_RULE = re.compile(r"^\s*(?:[A-Za-z][\w-]*|<[\w -]+>)\s*::=(?:\s|$)")

_JULIA = re.compile(r"^(?:\(@?[\w.-]+\) )?(?:julia|pkg|shell|help\?)> ")
_R = re.compile(
    r"^\s*(?:[A-Za-z.][\w.]*(?:\$\w+|\[[^\]]*\])?\s*<<?-\s*\S"
    r"|(?:library|require|install\.packages|setwd|data\.frame|sessionInfo)\("
    r"|[A-Za-z][\w.]*::[A-Za-z.][\w.]*\()"
)
#: `!pip`, `! pip`, `%pip` (a magic has no blank after `%`: `% pip` is zsh's prompt)
_NOTEBOOK = re.compile(r"^\s*(?:! ?|%)(?:pip|conda|mamba)\s")
#: fish's function: `function NAME` (no `{` or `()`, as bash has), closed by `end`.
_FISH_FUNCTION = re.compile(r"^\s*function\s+[\w.-]+(?:\s+--?[\w-]+.*)?\s*$")
_IPYTHON = re.compile(r"^\s*(?:In|Out)\s?\[\d+\]:")  # IPython's numbered prompts
_PYTHON = re.compile(
    r"^\s*(?:import [\w.]+(?: as \w+)?\s*$|from [\w.]+ import \S|def \w+\(.*\):\s*$"
    r"|class \w+(?:\(.*\))?:\s*$|print\(|if __name__ ==)"
)
#: An SQL statement: a keyword in capitals no program is named, the statement's end.
_SQL = re.compile(
    r"^\s*(?:SELECT\s.+\sFROM\s|(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE\s+(?:TABLE|DATABASE"
    r"|USER|INDEX|VIEW)|DROP\s+(?:TABLE|DATABASE|USER)|ALTER\s+(?:TABLE|USER)|GRANT|REVOKE"
    r"|SET\s+PASSWORD|SHOW\s+(?:TABLES|DATABASES|GRANTS)|FLUSH\s+PRIVILEGES)\b).*;\s*$"
)
_BATCH = re.compile(r"^(?:#SBATCH\b|#PBS\b|#!/(?:usr/)?bin/(?:env )?(?:ba)?sh\b)")
# A configuration file's rows: a section opened by `name args {` (not a shell function's
# `name() {`), Apache's `<Tag ...>` and `CamelCase` directives, sudoers' aliases and
# rules; once one is there, `}` and `key value;` statements (`listen 443 ssl;`) count too.
_CONFIG_OPENER = re.compile(
    r"^\s*(?!(?:if|for|while|until|case|function|select|then|do|else)\b)"
    r"[\w.~/$*-]+(?:\s+[^\s{}()]+)*\s*\{\s*$"
)
_CONFIG_ROW = re.compile(
    r"^\s*(?:</?[A-Z][A-Za-z]+(?:\s[^>]*)?>"  # `<VirtualHost *:80>`
    r"|(?:[A-Z][a-z]+){2,}\s+\S"  # `ServerName x`, `RewriteRule ...`
    r"|(?:Runas|Cmnd|User|Host)_Alias\s"  # sudoers
    r"|\S+\s+ALL\s*=)"  # `hub ALL=(users) NOPASSWD: CMD`
)
#: PowerShell: an environment variable set as `$env:NAME = ...`, or a cmdlet named
#: `Verb-Noun` (`Remove-Item`, `Out-File`): no shell command is written so.
_POWERSHELL = re.compile(
    r"^\s*\$env:\w+\s*=|(?:^|[|;]\s*)(?:Get|Set|New|Remove|Out|Write|Invoke|Add|Copy|Move|"
    r"Test|Import|Export|Start|Stop|Select|Where|ForEach|Join|Split|Clear|Rename)-[A-Z][a-z]\w*\b"
)
#: `NAME = value` with blanks around `=`: Python (a settings file); bash would run `NAME`.
_SPACED_ASSIGN = re.compile(r"^[A-Za-z_][\w.]*\s+=\s+\S")
#: A markup file's first row: an XML declaration, a doctype, a comment.
_MARKUP_START = re.compile(r"^\s*<(?:\?xml\b|!DOCTYPE\b|!--)", re.IGNORECASE)
#: A markup row: an opening or closing tag, or an attribute row of a tag going on.
_MARKUP_ROW = re.compile(
    r"^\s*(?:</?[A-Za-z][\w:.-]*(?:\s+[\w:.-]+=(?:\"[^\"]*\"|'[^']*'))*\s*/?>?"
    r"|[\w:.-]+=\"[^\"]*\"/?>?\s*$)"
)
_CONFIG_PART = re.compile(r"^\s*(?:\}\s*;?\s*$|[a-z_][\w-]*(?:\s+[^\s;]+)+;\s*$)")
# A debugger's prompt: `(gdb) break main`, `(Pdb) p x`.
_DEBUGGER = re.compile(r"^\s*\((?:gdb|cuda-gdb|lldb|[Pp]db\+*|ipdb)\)(?: |$)")
# A shell prompt the session's reader does not take for one in a script block: glued to
# an environment's name, `(venv)$ pip ...`, or after a host, `user@host:~$ ls`.
_GLUED_PROMPT = re.compile(
    r"^(?:(?:\([^()\n]{1,40}\)|[\w.-]+@[\w.-]+(?::\S*)?)[$%]|\$?>|[A-Za-z][\w.-]*\$) \S"
    r"|^\(*\([^()\s]+\)[ \t]*[\w.-]*[$%] \S"
)  # also `$> cmd` and `> cmd`, prompts some authors draw, `(env) bash-3.2$ cmd`, and an
# environment named in words, `(your env's name)$ cmd`, and a user's name, `kim$ cmd`
#: `$> cmd`: bash would run a command named `$`; `>> tool arg`, `> pip install x`: bash
#: would write into a file named after the program: a prompt (a site's own), never a
#: script's row.
_ARROW_PROMPT = re.compile(
    r"^(?:\$>|>>(?= [a-z][\w.-]* \S)|>>?(?= (?:" + KNOWN_COMMAND + r")(?:\s|$))) \S"
)
# Text with none of the shell's punctuation, for the pseudo-code test.
_PLAIN = re.compile(r"^[A-Za-z0-9 \t,.:!?]*$")
# Shell grammar a pseudo-code row does not have: `for x in`, `done`, `fi`, `then`, `esac`.
_SHELL_SHAPE = re.compile(r"^\s*for \w+ in\b|\b(?:done|fi|then|esac)\b")


def _rows(text: str) -> list[str]:
    """The block's rows outside here-document bodies, blank rows and comments left out
    (``#SBATCH`` and ``#!`` kept: they mark batch scripts)."""
    body, _ = heredoc_rows(text) if "<<" in text else (set(), [])
    out = []
    for row, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if row in body or not stripped:
            continue
        if stripped.startswith("#") and not _BATCH.match(stripped):
            continue
        out.append(line)
    return out


#: A Python assignment opening a value over rows: `CONFIG = {`, `names = [`, `x = f(`
#: (blanks around `=`: a bash array, `FILES=(`, has none).
_PYTHON_OPENER = re.compile(r"^\s*[A-Za-z_][\w.]*\s+=\s+(?:[A-Za-z_][\w.]*)?[\[{(]\s*$")
_PYTHON_CLOSER = re.compile(r"^\s*[\]})]+\s*,?\s*$")
#: A Python value assigned over rows: Python for sure (a dict has a section's shape).
PYTHON_VALUE = Guess("Python", "python", True)


def python_value(rows: list[str], text: str) -> bool:
    """Whether ``rows`` assign a Python dict, list or call spread over them and close it,
    its items ending in commas (an HCL block, `tags = {`, holds none), or rows shaped
    like a configuration file compile as Python (`SETTINGS = {` ... `}`)."""
    inside = rows[1:-1]
    if (
        inside
        and _PYTHON_OPENER.match(rows[0])
        and _PYTHON_CLOSER.match(rows[-1])
        and 2 * sum(row.rstrip().endswith(",") for row in inside) >= len(inside)
    ):
        return True
    return looks_like_configuration(rows) and _compiles_as_python(text)


def looks_like_configuration(rows: list[str]) -> bool:
    """Whether most rows are a configuration file's (see ``_CONFIG_ROW``), not commands:
    a section or directive first; then `}` and `key value;` rows count too."""
    signals = sum(bool(_CONFIG_OPENER.match(r) or _CONFIG_ROW.match(r)) for r in rows)
    parts = sum(bool(_CONFIG_PART.match(r)) for r in rows) if signals else 0
    return signals > 0 and 2 * (signals + parts) > len(rows)


def looks_like_markup(rows: list[str]) -> bool:
    """Whether the rows are an XML or HTML file's: it opens with a declaration, a doctype
    or a comment, or most rows are tags and one closes a tag (``<user> x`` is a
    placeholder, not markup)."""
    if _MARKUP_START.match(rows[0]):
        return True
    tags = sum(bool(_MARKUP_ROW.match(row)) for row in rows)
    return 2 * tags > len(rows) and any("</" in row for row in rows)


def guess_language(text: str) -> Guess | None:
    """The language ``text`` looks like when a signal says so, else None (maybe shell).

    Julia and IPython prompts, notebook lines and batch-script headers decide alone; R
    and Python need their signal on at least half the rows or a shell parse that failed
    (the caller knows that: see :func:`looks_like_pseudo_code` for text with no signal
    at all).
    """
    rows = _rows(text)
    if not rows:
        return None
    if python_value(rows, text):
        return PYTHON_VALUE
    if any(_FISH_FUNCTION.match(r) for r in rows) and any(r.strip() == "end" for r in rows):
        return FISH
    if looks_like_configuration(rows):
        return CONFIG
    if _GRAMMAR_RULE.match(rows[0]):
        return GRAMMAR
    if looks_like_markup(rows):
        return MARKUP
    if 2 * sum(bool(_SQL.match(line)) for line in rows) >= len(rows):
        return SQL
    # PowerShell rows among shell ones are each system's way, side by side ("# Windows
    # (PowerShell)" over one of three): the block is PowerShell when they are half of it
    powershell = sum(
        bool(("-" in line or "$env:" in line) and _POWERSHELL.search(line)) for line in rows
    )
    if powershell and 2 * powershell >= len(rows):
        return POWERSHELL
    counts = {JULIA: 0, IPYTHON: 0, R: 0, NOTEBOOK: 0, PYTHON: 0, BATCH: 0}
    for line in rows:
        if _JULIA.match(line):
            counts[JULIA] += 1
        elif _IPYTHON.match(line):
            counts[IPYTHON] += 1
        elif _NOTEBOOK.match(line):
            counts[NOTEBOOK] += 1
        elif _BATCH.match(line):
            counts[BATCH] += 1
        elif _R.match(line):
            counts[R] += 1
        elif _PYTHON.match(line):
            counts[PYTHON] += 1
    for guess in (JULIA, IPYTHON, NOTEBOOK, BATCH):
        if counts[guess]:
            return guess
    best = max((R, PYTHON), key=lambda g: counts[g])
    if counts[best] == 0:
        return None
    if 2 * counts[best] >= len(rows) or (best is PYTHON and _compiles_as_python(text)):
        return Guess(best.language, best.tag, True)
    return best


def ini_language(text: str) -> Guess | None:
    """INI when ``text`` opens with a ``[section]`` row and most rows are its settings
    (`[pypi]`, `username = <name>`): a file's content in a script block, which bash would
    run as commands. (In a console block it shows as output: no harm, no finding.)"""
    rows = _rows(text)
    if not rows or not _INI_SECTION.match(rows[0]):
        return None
    settings = sum(bool(_INI_SECTION.match(row) or _INI_ROW.match(row)) for row in rows)
    return INI if 2 * settings > len(rows) + 1 else None


def settings_language(text: str) -> Guess | None:
    """SETTINGS when every row of ``text`` is ``NAME = value`` and the whole compiles as
    Python (a settings file's line in a shell block); else None."""
    rows = _rows(text)
    if rows and all(_SPACED_ASSIGN.match(row) for row in rows) and _compiles_as_python(text):
        return SETTINGS
    return None


def _compiles_as_python(text: str) -> bool:
    """Whether the whole block is a Python module (a decorator over several rows, a
    call spread over many): code, not a session; a test report or a log does not compile."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(textwrap.dedent(text), "<block>", "exec")
    except (SyntaxError, ValueError, OverflowError, RecursionError, MemoryError):
        return False
    return True


#: A heading a program prints over a listing: words ending in `:`, at the left margin.
_HEADING = re.compile(r"^[^\s#][^:]*:\s*$")


def printed_python(text: str) -> bool:
    """Whether Python rows in ``text`` are a program's report quoting code: the text does
    not compile, and a heading that is no Python statement ("3 names imported:") stands
    over the indented Python rows. Output, not code to tag ``python``."""
    rows = [row for row in text.split("\n") if row.strip()]
    for index, row in enumerate(rows[:-1]):
        first = row.split()[0].rstrip(":")
        if _HEADING.match(row) and not keyword.iskeyword(first) and rows[index + 1][:1] in " \t":
            return not _compiles_as_python(text)
    return False


def looks_like_pseudo_code(text: str) -> bool:
    """Text bash cannot parse that has none of the shell's punctuation (no ``$``, ``-``,
    ``/``, ``=``, quotes, redirections) and a row of four words or more: prose or
    pseudo-code ("for i start at 1 end at 4"), not a command with a typo."""
    rows = _rows(text)
    if not rows or not all(_PLAIN.match(line) for line in rows):
        return False
    if any(_SHELL_SHAPE.search(line) for line in rows):
        return False
    return any(len(line.split()) >= 4 for line in rows)


_TRAILING_COMMENT = re.compile(r"\s+#.*$")
#: A row of values: tuples or lists of comma-separated items, side by side, nothing else.
_VALUES_ROW = re.compile(r"^\s*(?:[(\[][^()\[\]$`'\"|&;<>]*,[^()\[\]$`'\"|&;<>]*[)\]]\s*)+$")


def looks_like_values(text: str) -> bool:
    """Whether every row (comments aside) is tuples or lists of values, such as a shape
    or an order of axes shown in a shell-tagged block: notation, no command."""
    rows = [_TRAILING_COMMENT.sub("", row) for row in _rows(text)]
    return bool(rows) and all(_VALUES_ROW.match(row) for row in rows)


_WORD = re.compile(r"^[A-Za-z][a-z]*(?:'[a-z]+)?[,.:;!?)]*$|^\(?[a-z]+[,.:;)]*$")


def looks_like_prose(text: str) -> bool:
    """Whether a row of ``text`` is a sentence: a capital, six words or more, nearly all
    of them words of letters, and a full stop, colon or question mark at its end. Prose
    that an indent slip put inside a code block, not a command bash could not parse."""
    for line in _rows(text):
        words = line.split()
        if len(words) < 6 or not words[0][:1].isupper() or line.rstrip()[-1:] not in ".:?!":
            continue
        if sum(bool(_WORD.match(word)) for word in words) >= 0.8 * len(words):
            return True
    return False


def session_language(text: str) -> Guess | None:
    """A debugger session or a terminal session (prompts the reader sees), when the
    block's first row opens one: what a script block that bash cannot parse shows."""
    rows = _rows(text)
    if not rows:
        return None
    if _DEBUGGER.match(rows[0]):
        return DEBUGGER
    if _ARROW_PROMPT.match(rows[0]):
        return ARROW_SESSION
    if _GLUED_PROMPT.match(rows[0]):
        return SESSION
    return None
