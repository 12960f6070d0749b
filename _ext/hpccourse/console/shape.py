"""What a console block without a prompt holds: commands, a transcript, or output.

A ``console`` block shows a terminal: lines with a prompt are typed, the rest is output.
A block with no prompt (CC001) is a defect only when its lines are commands meant to be
typed; many courses show output, logs, a folder tree, a file's text or a session
transcript under the cluster's own prompt (``user@host:~>``) in such blocks, and
``.. highlight:: console`` makes every ``::`` block of a page a console block. These
helpers tell those apart from signals, line by line, without running anything:

- :func:`command_rows` / :func:`output_rows`: rows that read as a command (a known
  command word, a path to a program, ``VAR=value``, ``(env) $ cmd``; in a block tagged
  console, any program run with an option), and rows that read as output or
  markup (tree drawing, rulers, ``key: value``, ``[section]``, ``key = value``, commit
  hashes, numbers);
- :func:`transcript_prompt`: a prompt Pygments does not know, opening a transcript;
- :func:`indented_prompts`: the rows whose ``$ `` prompt is indented (Pygments and the
  copy button still take it for a prompt; the checker's own classifier does not).

No Sphinx; pure regular expressions.
"""

from __future__ import annotations

import re

#: Commands HPC and programming courses show; a row starting with one reads as typed.
KNOWN_COMMANDS = frozenset(
    """
    module ml cd ls ll mkdir rmdir rm cp mv ln cat less more head tail echo printf
    export unset source alias which whereis type env set chmod chown touch find grep sed
    awk sort uniq wc cut tee xargs diff tar gzip gunzip zip unzip wget curl ssh scp
    rsync sftp git make cmake gcc g++ gfortran icc ifort nvcc hipcc mpicc mpirun mpiexec
    python python3 pip pip3 conda mamba micromamba virtualenv deactivate jupyter
    jupyter-lab jupyter-notebook ipython spyder spyder3 julia R Rscript srun sbatch
    salloc squeue scancel sinfo sacct scontrol seff sshare interactive projinfo hostname
    whoami pwd id groups date du df quota top htop ps kill nproc lscpu nvidia-smi
    rocm-smi apptainer singularity docker podman poetry uv pipx pixi code vim vi nano
    emacs exit history man time nohup bash sh zsh eval sudo apt apt-get dnf yum zypper
    brew npm npx yarn cargo rustc kubectl helm systemctl journalctl ansible-playbook
    """.split()  # noqa: SIM905 -- a word list reads best as words
)
#: One of ``KNOWN_COMMANDS`` as a pattern (escaped, the longest first: `g++` before `g`).
KNOWN_COMMAND = "|".join(sorted(map(re.escape, KNOWN_COMMANDS), key=len, reverse=True))

#: A path to a program: ``./run``, ``~/bin/x``, ``/usr/bin/x``, ``$VENV/bin/pserve``.
_PATH_COMMAND = re.compile(r"^(?:\./|\.\./|~/|/|\$\{?[A-Za-z_]\w*\}?/)[\w./-]+(?:\s|$)")
#: A script of the project named by its relative path: `tools/build.sh`, `ci/check.py`.
_RELATIVE_SCRIPT = re.compile(r"^[\w.-]+(?:/[\w.-]+)+\.(?:sh|py|pl)$")
#: A path alone on its row runs a program when it names one (``./configure``,
#: ``~/bin/run.sh``); ``~/project/data`` alone is a folder tree's root or a listing.
_PROGRAM_PATH = re.compile(
    r"^(?:\./|\.\./)[\w.-]+$|^\S+\.(?:sh|py|pl|R|jl|x|exe)$|^\S*/bin/[\w.-]+$"
)
#: A `$ ` prompt, after an environment's name, that the checker's classifier left as output.
_SHOWN_PROMPT = re.compile(r"^(?:\([^()\s]+\)\s+)?\$\s+\S")
#: A program this list does not know, run with options: ``reframe -n x``, ``toil --help``.
_OPTIONED_COMMAND = re.compile(
    r"^[a-z][\w.+-]*(?:\s+[\w.:/=*?~,@%+-]+)*?\s+(?:--?[A-Za-z]|[A-Z][A-Z0-9_]*=)"
)
_ASSIGN_COMMAND = re.compile(r"^[A-Za-z_]\w*=\S*(?:\s+\S|$)")
#: A table's row: a name, three blanks or more, a number (a timing report's `pip_install
#: 137`, `Total runtime   1427`).
_COLUMNS = re.compile(r"^\s*[\w.-]+(?: [\w.()-]+)*[ \t]{3,}-?[\d.,:%]+\s*$")
#: Data alone on its row: a base64 or hex string (``QkVHSU46...PQ==``), mixed letters and
#: digits no program or variable is named with, which bash would read as ``NAME==``.
_BLOB = re.compile(r"^(?=\S*\d)(?=\S*[A-Z])(?=\S*[a-z])[A-Za-z0-9+/]{16,}={0,2}$")
_VERSION = re.compile(r"^v?\d+(?:\.\d+)+")

_TREE = re.compile(r"[├└│┌┐┘┼─]|^[\s|]*(?:\|-{2,}|`-{2,}|\+-{2,})")  # also `|---src/`
_RULER = re.compile(r"^\s*(?:[-=*_+#~]\s*){5,}$")
_KEY_COLON = re.compile(r"^\s*[\w. /()-]+:(?:\s|$)")  # `Description:`, `salloc: job 1 ...`
_SECTION = re.compile(r"^\s*\[[\w. \"-]+\]\s*$")  # TOML/INI `[deps]`
_KEY_EQUALS = re.compile(r"^\s*[\w.\"-]+\s+=\s+\S")  # TOML/INI `AMDGPU = "..."`
_HASH = re.compile(r"^\s*(?:\*\s+)?(?:commit\s+)?[0-9a-f]{7,40}\b")  # git log lines
#: A measurement a program prints: a number and its unit first (`290 ms ± 4.6 ms per
#: loop`, `12.5 GiB used`), which no command starts with.
_MEASUREMENT = re.compile(r"^\s*\d[\d.,]*\s?(?:[nµum]?s|min|h|%|[KMGT]i?B|B)\s")
_NUMBERS = re.compile(r"^[\s\d.,:%eE+/-]+$")  # tables of numbers, timings
#: A log row's time stamp: `2024-04-16 13:01:33,055 INFO ...`, `[2024-04-16T13:01:33]`.
_STAMP = re.compile(r"^\s*\[?\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}")
_TAGGED = re.compile(r"^\s*\[[^\]\s][^\]]*\]\s+\S")  # `[INFO] ...`, `[7876af07] Pkg v1`
_MARKUP = re.compile(r"^\s*(?:\.\. [\w:-]+::|:[\w-]+:|```|#{1,6} \w|<[a-z]+[ >]|</[a-z]+>)")

#: A prompt Pygments' console lexer does not know: `user@host:~> `, or one with leading
#: blanks before `[user@host dir]$ `.
_FOREIGN_PROMPT = re.compile(r"^\s*[\w.-]+@[\w.-]+:\S*[>%#] \S|^\s+\[[^\]\n]+\][$#] \S")
_INDENTED_PROMPT = re.compile(r"^[ \t]+\$(?: |$)")


def _rows(text: str) -> list[str]:
    return [row for row in text.split("\n") if row.strip()]


#: Command names that are also words a message or prose starts with ("exit code 1",
#: "time limit reached"): they read as commands only before an argument's shape.
WORDLIKE = frozenset(
    """
    exit time type set sort find cut code date id groups kill top more less head tail man
    help history env which touch make wait
    """.split()  # noqa: SIM905 -- a word list reads best as words
)
#: What follows a program's name in its own log rows (``nox > Running...``), not a command's.
_LOG_MARK = re.compile(r"^(?:>|\||:|=|-)(?:\s|$)")
_ARGUMENT = re.compile(r"^(?:-|/|\.|~|\$|\w*[/=])")
#: A variable set on a command line, as ``make`` and ``env`` take it: ``PYTHON_SUPP=/x``.
_MAKE_VARIABLE = re.compile(r"^[A-Z_][A-Z0-9_]*=")


def is_command_row(
    row: str, *, unknown_programs: bool = False, programs: frozenset[str] = frozenset()
) -> bool:
    """Whether a row reads as a command typed at a shell (comments are not); with
    ``unknown_programs``, a program this list does not know run with an option too; a
    row that starts with one of ``programs`` (those the page runs at a prompt) too."""
    stripped = row.strip()
    if not stripped or stripped.startswith("#"):
        return False
    if _SHOWN_PROMPT.match(stripped):
        return True  # `(env) $ cmd` that Pygments takes for output: typed all the same
    if _BLOB.match(stripped) or _COLUMNS.match(row) or _KEY_EQUALS.match(row):
        return False  # data, a table's row (`apt-get      295`), a setting (`type = git`)
    first, _, rest = stripped.partition(" ")
    if first in programs and row[:1] not in " \t" and not _LOG_MARK.match(rest):
        return not _VERSION.match(rest)  # `django-admin runserver`, not `sitectl 2.1.0`
    if first in KNOWN_COMMANDS:
        words = rest.split()
        following = words[0] if words else ""
        if not (first in WORDLIKE and following and not _ARGUMENT.match(following)):
            return not _VERSION.match(following)
        if any(_MAKE_VARIABLE.match(word) for word in words[1:]):
            return True  # `make valgrind PYTHON_SUPP=/x`: a target, then a variable set
        # `exit code 1` reads as a message; `make html SPHINXOPTS=-W` as a command
    indented = row[:1] in (" ", "\t")  # a dump's `  VAR=value`, a listing's `  /path`
    argument = rest.strip()[:1]
    if (
        _RELATIVE_SCRIPT.match(first)
        and not indented
        and ((argument.isalnum() or argument in "-<") if argument else first[-3:] == ".sh")
        and "  " not in rest.strip()  # a report's columns: `app/cart.py    16    0   100%`
    ):
        return True  # `tools/feature-flags.sh <src>`: a script of the project, run (a
        # `src/app.py` alone may be a listing's row)
    if _PATH_COMMAND.match(stripped) and not indented:
        return bool(rest.strip()) or _PROGRAM_PATH.match(stripped) is not None
    if _ASSIGN_COMMAND.match(stripped):
        return not indented
    # an unknown program with options, not indented (`   specified via --config-file` in
    # a --help text's wrapped description is no command)
    return unknown_programs and not indented and _OPTIONED_COMMAND.match(stripped) is not None


#: A row of a program's ``--help``: its options, then two blanks and what they do.
_OPTION_HELP = re.compile(r"^\s*(?:-\w,\s+)?--?\w[\w-]*(?:[ =][\w<>\[\].|-]+)?\s{2,}[A-Za-z(]")
_OUTPUT_SHAPES = (_TREE, _RULER, _KEY_COLON, _SECTION, _KEY_EQUALS, _HASH, _NUMBERS, _OPTION_HELP)
_OUTPUT_SHAPES += (_TAGGED, _STAMP, _MEASUREMENT, _COLUMNS)


def is_output_row(row: str) -> bool:
    """Whether a row reads as program output, a log or a file's markup."""
    if is_command_row(row):
        return False
    return any(
        pattern.search(row) if pattern is _TREE else pattern.match(row)
        for pattern in _OUTPUT_SHAPES
    ) or bool(_MARKUP.match(row))


def command_rows(
    text: str, *, unknown_programs: bool = False, programs: frozenset[str] = frozenset()
) -> int:
    """How many rows of ``text`` read as commands."""
    return sum(
        is_command_row(row, unknown_programs=unknown_programs, programs=programs)
        for row in _rows(text)
    )


def output_rows(text: str) -> int:
    """How many rows of ``text`` read as output, a log or markup."""
    return sum(is_output_row(row) for row in _rows(text))


def holds_output(
    text: str, *, implicit: bool = False, programs: frozenset[str] = frozenset()
) -> bool:
    """Whether a prompt-less console block shows output (or markup), not commands.

    A block whose console language the author chose holds output when no row reads as a
    command (a known one, or any program run with an option): a console block may show
    output alone (a listing, a log, a result). A row starting with a program the page
    runs at a prompt elsewhere (``programs``) is a command. A block
    that is console only by the page's ``highlight`` default (``implicit``) must show
    commands to count as commands: at least one command row, and no fewer command rows
    than output rows.
    """
    commands = command_rows(text, unknown_programs=not implicit, programs=programs)
    if implicit:
        return commands == 0 or commands < output_rows(text)
    return commands == 0


#: A prompt a transcript's first row may carry in a script block, which bash reads
#: otherwise (a comment, a test): root's `# `, `[root@host ~]# `, `user@host:~$ `,
_ROW_PROMPT = re.compile(
    r"^(?:[#%]|\[[^\]\n]+\][#$]|[\w.-]+@[\w.-]+:\S*[#$%>]|[\w.~/-]+ [#$]) +(?=\S)"
)  # also csh's `% `, and a folder's name before `$ ` (`src $ ls`)


#: After such a prompt, a program and its arguments (a comment ends in `:` or `.`).
_PROMPTED = re.compile(r"^[a-z][\w.-]*(?: +[^\s]+)+ *(?<![:.])$")


def output_after_command(text: str) -> int | None:
    """The row where a command's output starts, in a prompt-less block that shows one
    command, then what it printed (``pserve x.ini`` and its log in a ``bash`` block):
    the rows after the command hold output (a ruler, ``key: value``, a log's time
    stamps...) and fewer commands than that. When that command row carries a prompt
    (root's ``# ``), the whole block is a transcript: its first row. None for a script, or
    a block that does not open with a command (a here-document's body may be anything:
    None too)."""
    if "<<" in text:
        return None
    rows = text.split("\n")
    first = next((index for index, row in enumerate(rows) if row.strip()), None)
    if first is None or rows[first][:1] in " \t":
        return None
    prompt = _ROW_PROMPT.match(rows[first])
    if prompt is not None:  # `# dnf install x`, `[root@host ~]# x`: a transcript's prompt
        command = rows[first][prompt.end() :]
        if not (is_command_row(command, unknown_programs=True) or _PROMPTED.match(command)):
            return None
        rest = "\n".join(rows[first + 1 :])
        printed = output_rows(rest)
        return first if printed and printed > command_rows(rest) else None
    if not is_command_row(rows[first], unknown_programs=True):
        return None
    end = first
    while end + 1 < len(rows) and rows[end].rstrip().endswith("\\"):
        end += 1  # the command goes on over `\` rows
    rest = "\n".join(row for row in rows[end + 1 :] if not row.lstrip().startswith("#"))
    printed = output_rows(rest)
    return end + 1 if printed and printed > command_rows(rest) else None


_LIST_ITEM = re.compile(r"^\s*- \S")  # YAML's `- numpy`

#: A row that is one name, with a remark after it or not: `py-lief   # Windows`.
_NAME_ROW = re.compile(r"^\s*[A-Za-z][\w.+-]*(?:\s+#.*)?$")


def name_list(text: str) -> bool:
    """Whether a prompt-less block lists names, one a row (the packages to install, a
    remark after some), not commands: two rows or more, each one word, most of the
    words no command the checker knows."""
    rows = [row for row in text.split("\n") if row.strip() and not row.lstrip().startswith("#")]
    if len(rows) < 2 or not all(_NAME_ROW.match(row) for row in rows):
        return False
    words = [row.split()[0] for row in rows]
    return 2 * sum(word not in KNOWN_COMMANDS for word in words) > len(words)


#: A row shaped like a program and its arguments: a lowercase word, then more.
_PROGRAM_AND_ARGUMENTS = re.compile(r"^[a-z][\w.-]*[ \t]+\S")


def without_comments(text: str) -> str:
    """``text`` without its comment rows (``# ...``), which a heading pattern would take
    for markup: what a script block's rows show, for the output tests."""
    return "\n".join(row for row in text.split("\n") if not row.lstrip().startswith("#"))


def output_alone(text: str) -> bool:
    """Whether a prompt-less block holds output alone: no row reads as a command (not
    even a program run with an option), two rows or more read as output, or its one row
    does (comments, which a script has and a heading pattern would take for markup, left
    out)."""
    rows = [row for row in _rows(text) if not row.lstrip().startswith("#")]
    if any(is_command_row(row, unknown_programs=True) for row in rows):
        return False
    if rows and _PROGRAM_AND_ARGUMENTS.match(rows[0]) and not is_output_row(rows[0]):
        return False  # `tool '*' mod.fn <name> [x=on|off]`: a usage line over its wrapping
    printed = sum(is_output_row(row) for row in rows)
    return printed >= 2 or (printed == 1 and len(rows) == 1)


#: A message a program prints about its work: `clang: error: ...`, `gcc: fatal error:`,
#: `x.c:3:5: warning: ...`.
_MESSAGE = re.compile(r"^\s*[\w.+/-]+:(?:\d+:)*\s*(?:fatal )?(?:error|warning|note):", re.I)


def program_message(text: str) -> bool:
    """Whether a row of ``text`` is a compiler's or a tool's error or warning message."""
    return any(_MESSAGE.match(row) for row in _rows(text))


def settings_rows(text: str) -> bool:
    """Whether every row (comments left out) is a settings file's: ``key: value``,
    ``key = value``, ``[section]``, a YAML list item."""
    rows = [row for row in _rows(text) if not row.lstrip().startswith("#")]
    shapes = (_KEY_COLON, _KEY_EQUALS, _SECTION, _LIST_ITEM)
    return bool(rows) and all(any(p.match(row) for p in shapes) for row in rows)


#: A row of a table drawn in ASCII or box characters: `+----+----+`, `| a  | b  |`.
_TABLE_ROW = re.compile(r"^\s*(?:[+|┌├└╞][-=+─┬┼┴═╪|+┐┤┘\s]*[+|┐┤┘╡]|[|│].*[|│])\s*$")


def folder_tree(text: str) -> bool:
    """Whether most rows draw a folder tree (``├──``, ``|---``), not a table."""
    rows = _rows(text)
    if rows and 2 * sum(bool(_TABLE_ROW.match(row)) for row in rows) >= len(rows):
        return False  # a table (a MariaDB session's, `openstack ... list`'s): output
    return bool(rows) and 2 * sum(bool(_TREE.search(row)) for row in rows) >= len(rows)


def transcript_prompt(text: str) -> bool:
    """Whether the block opens with a prompt Pygments does not know (a transcript)."""
    rows = _rows(text)
    return bool(rows) and _FOREIGN_PROMPT.match(rows[0]) is not None


def root_transcript(text: str) -> bool:
    """Whether the block is a root shell's transcript as Pygments draws it: its first row
    is ``# `` and a command (``# dnf install x``: Pygments takes ``#`` for the prompt, so
    the block has one), the other rows output, none a command typed without a prompt."""
    rows: list[str] = []
    for row in _rows(text):  # a command continued with `\` is one row, as bash reads it
        if rows and rows[-1].endswith("\\"):
            rows[-1] = rows[-1][:-1] + " " + row.strip()
        else:
            rows.append(row)
    if not rows or not rows[0].startswith("# "):
        return False
    if not is_command_row(rows[0][2:], unknown_programs=True):
        return False  # `# Load the modules`: a comment over commands
    # an indented row is output (a listing's `    gzip`), not a command typed bare
    return not any(is_command_row(row) for row in rows[1:] if row[:1] not in "# \t")


def indented_prompts(text: str) -> str | None:
    """``text`` with the blanks before each indented ``$ `` prompt removed, when it has
    such prompts (Pygments takes ``   $ cmd`` for a prompt and a command); else None."""
    rows = text.split("\n")
    if not any(_INDENTED_PROMPT.match(row) for row in rows):
        return None
    return "\n".join(row.lstrip(" \t") if _INDENTED_PROMPT.match(row) else row for row in rows)
