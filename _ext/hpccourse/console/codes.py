"""The console checker's rule codes, each stable and switchable off (``ctx.disabled``).

=======  ==================================================================================
Code     What it reports
=======  ==================================================================================
CC001    A console block with no prompt on any line: it shows as output (or is no session).
CC002    A ``$`` glued to a ``[user@host dir]`` prompt: the copy button copies the bracket.
CC003    An invisible or direction-changing character (or a BOM) in a command: what is
         shown is not what is copied ("Trojan Source").
CC004    A command line without a prompt among prompted ones: shown as output, the copy
         button leaves it out.
CC005    A ``$ `` prompt in a block that is no console session (``bash``, ``text``, ``::``):
         not drawn as a prompt, so it is copied and bash answers ``$: command not found``.
CC101    A shell command bash cannot parse (tree-sitter-bash; message refined by ``bash -n``).
CC102    A stray keyword (``done``, ``fi``, ``then``...) with no compound command open.
CC103    A trailing ``\\`` on the block's last command: bash would wait for more input.
CC104    A here-document (``<<EOF``) that is never closed by its delimiter line.
CC105    An angle-bracket placeholder (``<user>``, ``<batch script>``): bash reads a redirection.
CC106    A Python REPL statement (``>>>``/``...``) that does not compile.
CC107    A shell-tagged block whose text is another language (R, Julia, Python, PowerShell,
         SQL, XML, pseudo-code), or output alone, a settings file, a folder tree.
CC108    A command line that is only a path: nobody means to run a folder.
CC109    A version requirement left unquoted (``pip install pkg>=1.0``): bash reads ``>``
         or ``<`` as a redirection.
CC110    A ``git://github.com/`` address: GitHub no longer serves that protocol (since 2022).
CC201    The prompt shows ``(X)`` but the environment active here is another one, or none.
CC202    ``pip install --user`` while an environment is active: it installs outside it.
CC203    A user placeholder other than the project's convention (``<user>``, ``{user}``...).
CC204    A real-looking user name in a project or home path instead of the placeholder.
CC205    A path under a project root that is not under this cluster's workshop storage.
CC206    ``module load``/``ml`` of a module the data table does not list for this cluster.
CC207    An activation that leaves the environment inactive: ``source activate NAME`` (conda's
         old syntax) for a venv made with ``python -m venv``, or ``venv/bin/activate`` run,
         not sourced.
=======  ==================================================================================
"""

from __future__ import annotations

NO_PROMPT = "CC001"
GLUED_PROMPT = "CC002"
HIDDEN_CHARACTER = "CC003"
DROPPED_COMMAND = "CC004"
SCRIPT_PROMPT = "CC005"
SHELL_SYNTAX = "CC101"
STRAY_KEYWORD = "CC102"
DANGLING_CONTINUATION = "CC103"
UNTERMINATED_HEREDOC = "CC104"
ANGLE_PLACEHOLDER = "CC105"
PYTHON_SYNTAX = "CC106"
NOT_SHELL = "CC107"
PATH_ONLY = "CC108"
UNQUOTED_REQUIREMENT = "CC109"
RETIRED_URL = "CC110"
ENV_PROMPT = "CC201"
PIP_USER = "CC202"
WRONG_PLACEHOLDER = "CC203"
REAL_USER = "CC204"
OUTSIDE_STORAGE = "CC205"
UNKNOWN_MODULE = "CC206"
CONDA_ACTIVATE_VENV = "CC207"

RULES: dict[str, str] = {
    NO_PROMPT: "console block with no prompt: its commands show as output",
    GLUED_PROMPT: "`$` glued to a `[user@host dir]` prompt: the bracket is copied",
    HIDDEN_CHARACTER: "invisible or direction-changing character in a command",
    DROPPED_COMMAND: "command line without a prompt among prompted ones: the copy button drops it",
    SCRIPT_PROMPT: "`$ ` prompt in a block that is no console session: it is copied",
    SHELL_SYNTAX: "shell command bash cannot parse",
    STRAY_KEYWORD: "stray shell keyword (done, fi, then...) with no compound command open",
    DANGLING_CONTINUATION: "trailing backslash on the block's last command",
    UNTERMINATED_HEREDOC: "here-document never closed by its delimiter line",
    ANGLE_PLACEHOLDER: "angle-bracket placeholder, which bash reads as a redirection",
    PYTHON_SYNTAX: "Python REPL statement that does not compile",
    NOT_SHELL: "shell-tagged block whose text is another language: the tag is wrong",
    PATH_ONLY: "command line that is only a path",
    UNQUOTED_REQUIREMENT: "version requirement left unquoted: bash reads `>`/`<` as a redirection",
    RETIRED_URL: "`git://github.com/` address: GitHub no longer serves that protocol",
    ENV_PROMPT: "prompt shows an environment other than the one active here",
    PIP_USER: "pip install --user inside an active environment",
    WRONG_PLACEHOLDER: "user placeholder other than the project's convention",
    REAL_USER: "real-looking user name in a path instead of the placeholder",
    OUTSIDE_STORAGE: "path under a project root but outside this cluster's workshop storage",
    UNKNOWN_MODULE: "module not listed in the data table for this cluster",
    CONDA_ACTIVATE_VENV: "activation that leaves the environment inactive (`source activate` "
    "for a venv, `bin/activate` run, not sourced)",
}
