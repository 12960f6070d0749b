"""Session rules: what a document's console blocks say, read in order as a learner types them.

A learner keeps one shell per cluster, so the rules keep one :class:`Sessions` state per
cluster: the environment active there (a name), ``None`` after ``deactivate``, or
:data:`UNKNOWN` before the document activates or deactivates anything. A block for one
cluster (generated per cluster, or inside a cluster's tab) reads and changes that cluster's
state; a block for no cluster reads and changes every cluster's state.

Rule codes (the full table is in :mod:`.codes`):

=======  ==================================================================================
CC201    The prompt shows ``(X)`` but the environment activated last is ``Y``, or none is
         active after a ``deactivate``. A plain ``$`` inside an environment is fine: learners
         may have several shells.
CC202    ``pip install --user`` (``pip3``, ``python -m pip``) while an environment is active.
CC203    A user placeholder other than the convention (``<user>``, ``{user}``, ``USERNAME``).
CC204    A real-looking user name right after a storage root, project folder or ``/home``.
CC205    A path under a project root (``/proj/``) outside this cluster's workshop storage.

The project roots are the course's (``RuleContext.project_roots``, from the table's
``[course] project_roots``), else the parent folders of the clusters' storage roots.
CC206    ``module load``/``ml`` of a module the data table does not list for the cluster (in
         a block for no cluster: another version of software the table lists; a table
         that does not name the software has nothing to say about it).
=======  ==================================================================================
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from . import codes
from .model import Block, Command, Line, LineKind, Problem, RuleContext
from .words import program_words, simple_command_words, simple_commands


class _Unknown:
    """Nothing known yet about the environment in a session."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
State = str | None | _Unknown

# A block's own (de)activation command: prose just before it only announces it.
_ACTS = re.compile(r"\b(?:de)?activate\b")
_PIP = re.compile(r"^pip(?:\d+(?:\.\d+)?)?$")
_PYTHON = re.compile(r"^python(?:\d+(?:\.\d+)?)?$")
_CONDA = frozenset({"conda", "mamba", "micromamba"})
_ML_NOT_LOAD = frozenset(
    {
        "spider", "avail", "av", "list", "purge", "unload", "del", "rm", "swap", "sw", "show",
        "help", "whatis", "keyword", "key", "save", "restore", "use", "unuse", "describe",
        "savelist", "reset", "update", "refresh", "is-loaded", "is-avail", "overview", "ov",
        "disable", "mcc", "gettitle", "settarg", "record", "table", "tablelist",
    }
)  # fmt: skip
_MODULE_LOAD = frozenset({"load", "add", "try-load", "try-add"})

_USER_WORD = r"(?:your[-_]?)?user(?:[-_]?name)?|uid"
_BRACKETED_USER = re.compile(
    rf"<(?:{_USER_WORD})>|(?<!\$)\{{(?:{_USER_WORD})\}}|\[(?:{_USER_WORD})\]", re.IGNORECASE
)
_BARE_USER = re.compile(r"(?<![$\w{])USERNAME\b|(?<=/)USER(?=/|\s|$)")
# A path segment: plain characters, or bracketed placeholder groups such as `[username]`.
_SEG = r"(?:\[[^\]\s/]*\]|<[^>\s/]*>|\$?\{[^}\s/]*\}|[^\s\"'`;|&()\[\]<>{}/])+"
_PATH = re.compile(rf"(?<![\w.~$}}\]>-])/(?:{_SEG})?(?:/(?:{_SEG})?)*")
_PLAIN_NAME = re.compile(r"^[A-Za-z][\w.-]*$")
_ENV_NAME = re.compile(r"^[\w][\w.+-]*$")
# Words that stand for "your user name" in a path: placeholders, not a real user's name;
# the names programmers give anything in an example (`/home/foo/venv`) are no one's.
_USER_WORDS = re.compile(
    rf"(?:{_USER_WORD}|(?:my|your)[-_]?(?:name|login|id)|login|me|you|name|someone|x+"
    r"|foo|bar|baz|qux|quux|foobar|example|j(?:ohn|ane)?[-_.]?doe)",
    re.IGNORECASE,
)
# Folders between a project and its users' folders: `/proj/P/nobackup/[user]`.
_SHARED_FOLDERS = frozenset(
    {"nobackup", "backup", "users", "user", "shared", "common", "data", "private", "work"}
)
#: Folders right under /home that are no user's home: `/home/data/`, `/home/shared/`.
_HOME_FOLDERS = _SHARED_FOLDERS | {"public", "projects", "scratch", "software", "datasets"}
_COMMENT = re.compile(r"(?:^|(?<=[ \t;&|]))#")


def uncommented(text: str) -> str:
    """``text`` without a trailing shell comment (a ``#`` starting a word, outside quotes)."""
    if "#" not in text:
        return text
    for match in _COMMENT.finditer(text):
        before = text[: match.start()]
        if before.count("'") % 2 == 0 and before.count('"') % 2 == 0:
            return before.rstrip()
    return text


def program_name(text: str) -> str:
    """The name of the program a command line runs (``sudo`` and the like passed over,
    its folder left out): ``/home/celeryd/...`` under ``celeryd run ...`` is the home
    of the account a service runs as, the same in every install, no learner's name."""
    words = program_words(text)
    return words[0].rstrip("/").rsplit("/", 1)[-1] if words else ""


#: An account a command creates (``useradd [options] hello``: each plain word it is given,
#: an option's value or not), or names as both user and group, as a service is told to run
#: (``--user www --group www``, ``-u www -g www``): a home under that name is the account's
#: the page sets up, the same in every install, no learner's; on the rest of the page too
#: (and a server's ``--username=bob``).
_CREATES = re.compile(r"\b(?:useradd|adduser)[ \t]+([^\n;&|]*)")
#: A user a server is given on its command line (``--username=bob``): the page's own.
_USERNAME = re.compile(r"--username[= ]([a-z_][\w.-]*)")
#: A file's name (a data file, a script): last in a path, no user (``/home/func.nii.gz``).
_DATA_FILE = re.compile(
    r"\.(?:gz|bz2|xz|zip|tar|tgz|nii|txt|csv|tsv|json|ya?ml|toml|py|sh|log|out|dat|h5|hdf5"
    r"|nc|npy|npz|pkl|sif|img|png|jpe?g|pdf|md|rst|ipynb|[Rr]|jl|c|f90|cpp)$"
)
#: Accounts a system has, not a person: their homes are the same in every install.
SYSTEM_ACCOUNTS = frozenset(
    {"nobody", "root", "daemon", "www-data", "nginx", "apache", "postgres", "mysql", "redis"}
)
_ACCOUNT = re.compile(r"[a-z_][\w.-]*\Z")
_AS_USER = re.compile(r"(?:--user[= ]|--uid[= ]|\s-u\s+)([a-z_][\w.-]*)")
_AS_GROUP = re.compile(r"(?:--group[= ]|--gid[= ]|\s-g\s+)([a-z_][\w.-]*)")
#: A folder under /home a container sees, mounted there by the command (`docker run -v
#: /x:/home/data`, apptainer's `-B`, `--mount target=/home/data`): no user's home.
_MOUNTED_HOME = re.compile(
    r"(?:(?:^|\s)(?:-v|--volume|-B|--bind)[= ]+[^\s:]+:|\b(?:target|dst|destination)=)"
    r"/home/([\w.-]+)"
)
#: Substrings one of which any such command holds: a cheap test first.
_MAY_NAME_ACCOUNT = ("useradd", "adduser", "-g", "--username", ":/home/", "=/home/")


def accounts_named(texts: Iterable[str]) -> frozenset[str]:
    """The accounts the commands of a block create or run a service as (see above), and
    the folders under /home they mount into a container."""
    text = "\n".join(texts)
    users = set(_AS_USER.findall(text))
    created = {
        word for words in _CREATES.findall(text) for word in words.split() if _ACCOUNT.match(word)
    }
    created.update(_USERNAME.findall(text))
    created.update(_MOUNTED_HOME.findall(text))
    return frozenset(created) | users.intersection(_AS_GROUP.findall(text))


def _is_placeholder(segments: Sequence[str]) -> bool:
    """Whether the path segment that follows is a placeholder: then the one before is a
    folder (``/proj/P/nobackup/[user]``), not a user."""
    return bool(segments) and bool(
        re.fullmatch(r"\[[^\]]*\]|<[^>]*>|\$\{?\w+\}?|\{[^}]*\}", segments[0])
        or _USER_WORDS.fullmatch(segments[0])
    )


def _past_shared(parts: tuple[str, ...], index: int) -> int:
    """``index`` moved past shared folders such as ``nobackup``."""
    while index < len(parts) - 1 and parts[index] in _SHARED_FOLDERS:
        index += 1
    return index


def path_key(block: Block) -> str | None:
    """The reader's path a block is on: its cluster; else the tab it sits in (a reader
    picks one tab of a set, so a tab's blocks are a path of their own); else None (every
    path)."""
    if block.cluster is not None:
        return block.cluster
    if block.tab is not None:
        return f"tab:{block.tab}"
    return None


@dataclass
class Sessions:
    """The active environment per path (cluster or tab), as the document has set it so far."""

    env: dict[str | None, State] = field(default_factory=dict)

    @classmethod
    def for_document(cls, blocks: Sequence[Block], ctx: RuleContext) -> Sessions:
        """One session per cluster known to ``ctx`` or named by a block, and per tab that
        names no cluster; a document with no cluster or tab at all has one (key ``None``)."""
        keys: dict[str | None, State] = {}
        for source in (ctx.storage_roots, ctx.placeholder, ctx.modules):
            keys.update(dict.fromkeys(source, UNKNOWN))
        for block in blocks:
            key = path_key(block)
            if key is not None:
                keys[key] = UNKNOWN
        return cls(keys or {None: UNKNOWN})

    def states(self, key: str | None) -> dict[str | None, State]:
        """The states a block on path ``key`` is checked against."""
        if key is None:
            return dict(self.env)
        return {key: self.env.setdefault(key, UNKNOWN)}

    def set(self, key: str | None, state: State) -> None:
        """Apply a change: to one path's session, or to all for ``key=None``."""
        if key is None:
            for name in self.env:
                self.env[name] = state
        else:
            self.env[key] = state

    def forget(self) -> None:
        """Nothing is known any more (a new part of the page begins)."""
        self.set(None, UNKNOWN)


def _proven(name: str) -> State:
    """An environment name as proof of the state, or UNKNOWN when it is a placeholder or an
    expression (``<conda-env-name>``, ``[env]``, ``$VENV``, ``<path/>Example``)."""
    return name if _ENV_NAME.match(name) else UNKNOWN


def env_change(words: Sequence[str]) -> tuple[bool, State]:
    """Whether a simple command activates or deactivates an environment, and the state it
    leaves: a name, ``None`` (deactivated) or UNKNOWN (``source bin/activate``, a name
    that is a placeholder, ``exit`` from the shell that had it)."""
    changed, state = _env_change(words)
    if changed and isinstance(state, str):
        return True, _proven(state)
    return changed, state


def _env_change(words: Sequence[str]) -> tuple[bool, State]:
    if not words:
        return False, None
    name, args = words[0], list(words[1:])
    if name in ("source", ".") and args:
        target = args[0]
        if target == "activate":  # old conda: `source activate NAME`
            return True, args[1] if len(args) > 1 else "base"
        if target == "deactivate":
            return True, None
        parts = [p for p in target.split("/") if p]
        if len(parts) >= 2 and parts[-2:] == ["bin", "activate"]:
            return True, parts[-3] if len(parts) >= 3 else UNKNOWN
        return False, None
    if name == "deactivate":
        return True, None
    if name in ("exit", "logout"):
        return True, UNKNOWN  # the shell (an ssh session, a job's) ends: the one under it
        # has an environment of its own, which the page did not show
    if name in _CONDA and args:
        if args[0] == "deactivate":
            return True, None
        if args[0] == "activate":
            rest = args[1:]
            for flag in ("-n", "--name", "-p", "--prefix"):
                if flag in rest and rest.index(flag) + 1 < len(rest):
                    return True, rest[rest.index(flag) + 1].rstrip("/").split("/")[-1]
            positional = [a for a in rest if not a.startswith("-")]
            return True, (positional[0].rstrip("/").split("/")[-1] if positional else "base")
    return False, None


def is_pip_install_user(words: Sequence[str]) -> bool:
    """``pip install --user``, also ``pip3``/``pip3.11`` and ``python -m pip``."""
    if not words:
        return False
    if _PIP.match(words[0]):
        args = list(words[1:])
    elif _PYTHON.match(words[0]) and list(words[1:3]) == ["-m", "pip"]:
        args = list(words[3:])
    else:
        return False
    positional = [a for a in args if not a.startswith("-")]
    return bool(positional) and positional[0] == "install" and "--user" in args


def loaded_modules(words: Sequence[str]) -> list[str]:
    """The modules ``module load A B`` or ``ml A B`` loads (``ml -A`` unloads)."""
    if not words:
        return []
    args = [a for a in words[1:] if not a.startswith("-")]
    if words[0] == "module":
        return args[1:] if args and args[0] in _MODULE_LOAD else []
    if words[0] == "ml":
        if not args:
            return []
        if args[0] in _MODULE_LOAD:
            return args[1:]
        if args[0] in _ML_NOT_LOAD:
            return []
        return args
    return []


def _software(module: str) -> str:
    """A module's software name, without its version: ``Python/3.11.3`` -> ``python``."""
    return module.split("/", 1)[0].lower()


def _describe(state: State) -> str:
    if state is None:
        return "no environment is active (it was deactivated)"
    return f"the environment activated last is `{state}`"


def _conventions(ctx: RuleContext, cluster: str | None) -> list[str]:
    if cluster is not None:
        value = ctx.placeholder.get(cluster)
        return [value] if value else []
    return sorted(set(filter(None, ctx.placeholder.values())))


def project_word(name: str) -> str:
    """A name's letters and digits, in lower case (``Project-Q`` -> ``projectq``): a
    project's name as a folder may spell it (:attr:`RuleContext.project`)."""
    return "".join(c for c in name.lower() if c.isalnum())


@functools.lru_cache(maxsize=1024)
def _root_parts(path: str) -> tuple[str, ...]:
    return tuple(p for p in path.split("/") if p)


def _project_roots(ctx: RuleContext) -> list[tuple[str, ...]]:
    """The project roots as path parts, longest first: the course's, else the parents of
    the absolute storage roots (``/proj/x`` and ``/proj/nobackup/y``: ``/proj`` and
    ``/proj/nobackup``)."""
    if ctx.project_roots:
        roots = {_root_parts(r) for r in ctx.project_roots}
    else:
        roots = {_root_parts(r)[:-1] for r in ctx.storage_roots.values() if r.startswith("/")}
    return sorted((r for r in roots if r), key=len, reverse=True)


def _venv_created(words: Sequence[str]) -> str | None:
    """The folder name ``python -m venv [flags] PATH`` (or ``virtualenv PATH``) creates."""
    if _PYTHON.match(words[0]) and list(words[1:3]) == ["-m", "venv"]:
        args = words[3:]
    elif words[0] == "virtualenv":
        args = words[1:]
    else:
        return None
    paths = [a for a in args if not a.startswith("-")]
    return paths[-1].rstrip("/").split("/")[-1] if paths else None


def _conda_created(words: Sequence[str]) -> str | None:
    """The environment name ``conda create -n NAME`` (``--name``, ``-p``/``--prefix``) makes."""
    if words[0] not in _CONDA or len(words) < 2 or words[1] not in ("create", "env"):
        return None
    for flag in ("-n", "--name", "-p", "--prefix"):
        if flag in words and words.index(flag) + 1 < len(words):
            return words[words.index(flag) + 1].rstrip("/").split("/")[-1]
    return None


def _source_activate(words: Sequence[str]) -> str | None:
    """NAME of ``source activate NAME`` (conda's old activation), else None."""
    if words[0] in ("source", ".") and len(words) >= 3 and words[1] == "activate":
        return words[2].rstrip("/").split("/")[-1]
    return None


# The first folder of paths that are data, not programs: running one is a mistake.
_DATA_ROOTS = frozenset(
    {"proj", "home", "cfs", "scratch", "pfs", "crex", "nobackup", "mimer", "projects"}
)


#: Characters a value or an expression has and folder names in a course hardly ever do.
_NOT_IN_FOLDER_NAMES = re.compile(r"[(),:%]")


def is_path_only(words: Sequence[str]) -> bool:
    """A simple command that is one path of a folder, not a program: it ends in ``/``, or
    it lies under a storage root (``/proj``, ``/home``...) with no ``bin`` folder and no
    file extension. ``./run.sh`` and ``/usr/bin/python3`` are programs."""
    if len(words) != 1:
        return False
    word = words[0]
    if "/" not in word or word.startswith(("./", "../")) or "=" in word:
        return False
    if _NOT_IN_FOLDER_NAMES.search(word):
        return False  # `'now-1d:now/mean,mean(x):/'`: a value shown, not a folder

    if word.endswith("/"):
        return word.startswith(("/", "~", "$")) or word.count("/") > 1
    parts = [p for p in word.split("/") if p]
    if not word.startswith("/") or not parts or parts[0] not in _DATA_ROOTS:
        return False
    return "bin" not in parts and "." not in parts[-1]


@dataclass(frozen=True)
class CommandFacts:
    """What the session rules read of one simple command that its words alone decide: the
    same commands recur across a course's pages and clusters, so each is read once
    (:func:`command_facts`); the rules then weigh it against the page's state."""

    words: tuple[str, ...]
    change: tuple[bool, State]  # env_change
    pip_user: bool
    modules: tuple[str, ...]  # what `module load` or `ml` loads
    path_only: bool
    venv_created: str | None
    conda_created: str | None
    source_activate: str | None

    @property
    def inert(self) -> bool:
        """Whether no session rule has a word on it: it changes nothing, finds nothing."""
        return not (
            self.change[0]
            or self.pip_user
            or self.modules
            or self.path_only
            or self.venv_created
            or self.conda_created
            or self.source_activate
            or self.words[0].endswith("/bin/activate")
        )


@functools.lru_cache(maxsize=4096)
def command_facts(text: str) -> tuple[CommandFacts, ...]:
    """The facts of each simple command of a shell command's ``text`` that a session rule
    has a word on, in order (:attr:`CommandFacts.inert` ones left out)."""
    every = (
        CommandFacts(
            words=words,
            change=env_change(words),
            pip_user=is_pip_install_user(words),
            modules=tuple(loaded_modules(words)),
            path_only=is_path_only(words),
            venv_created=_venv_created(words),
            conda_created=_conda_created(words),
            source_activate=_source_activate(words),
        )
        for words in simple_command_words(text)
    )
    return tuple(facts for facts in every if not facts.inert)


#: The line rules' findings per line and per block's lines, for the context of the last
#: run (one slot: a build checks all its documents under one context).
_LINE_CACHE: list[Any] = [None, {}]


def _line_cache_for(ctx: RuleContext) -> dict[tuple[Any, ...], Any]:
    """The line cache of ``ctx`` (a new one when the context changed)."""
    if _LINE_CACHE[0] is not ctx:
        _LINE_CACHE[0], _LINE_CACHE[1] = ctx, {}
    return _LINE_CACHE[1]


@dataclass
class RuleChecker:
    """Apply the session rules to a document's blocks, in order."""

    ctx: RuleContext
    sessions: Sessions
    _project: list[tuple[str, ...]] = field(init=False)
    _scope: str | None = field(init=False, default=None)
    _venvs: set[str] = field(init=False, default_factory=set)  # made with python -m venv
    _condas: set[str] = field(init=False, default_factory=set)  # made with conda create
    _accounts: frozenset[str] = field(init=False, default=frozenset())  # useradd, --user X
    _line_cache: dict[tuple[Any, ...], Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._project = _project_roots(self.ctx)
        self._line_cache = _line_cache_for(self.ctx)

    def begin_block(self, block: Block) -> None:
        """Before a block: a new part of the page (a section right under the title) proves
        nothing about environments; then apply what the prose since the last block said."""
        if block.scope != self._scope:
            if self._scope is not None:
                self.sessions.forget()
            self._scope = block.scope
        last = len(block.prose) - 1
        for index, (note, shared) in enumerate(block.prose):
            if index == last and not note and _ACTS.search(block.text):
                continue  # "Deactivate" right over a block that deactivates: its caption
            self._apply_prose(None if shared else path_key(block), note)

    def _apply_prose(self, key: str | None, note: str) -> None:
        """A paragraph about (de)activation: its inline commands apply; with none, what is
        active is no longer proven."""
        changed_any = False
        if note:
            command = Command(offset=0, language="shell", text=note)
            for words in simple_commands(command):
                changed, state = env_change(words)
                if changed:
                    changed_any = True
                    self.sessions.set(key, state)
        if not changed_any:
            self.sessions.set(key, UNKNOWN)

    # ------------------------------------------------------------ commands
    def check_commands(self, block: Block, commands: Sequence[Command]) -> list[Problem]:
        """CC108, CC201, CC202, CC206, CC207 over the commands, updating the sessions."""
        problems: list[Problem] = []
        key = path_key(block)
        for command in commands:
            if command.language != "shell":
                continue
            problem = self._env_prompt(key, block.cluster, command)
            if problem:
                problems.append(problem)
            for facts in command_facts(command.text):
                problems.extend(self._command_problems(block, key, command, facts))
                changed, state = facts.change
                if changed:
                    self.sessions.set(key, state)
        return problems

    def _command_problems(
        self, block: Block, key: str | None, command: Command, facts: CommandFacts
    ) -> list[Problem]:
        """The rules of one simple command (the session not yet changed by it)."""
        problems: list[Problem] = []
        if facts.pip_user:
            problem = self._pip_user(key, command)
            if problem:
                problems.append(problem)
        if block.tab is None and facts.modules:  # a tab naming no cluster of the table
            problems.extend(self._modules(block.cluster, command, facts.modules))
        if facts.path_only:
            word = facts.words[0]
            problems.append(
                Problem(
                    codes.PATH_ONLY,
                    f"`{word}` alone is a path, not a command: bash answers 'Is a "
                    f"directory' or 'Permission denied'. Write what to do with it, e.g. "
                    f"`cd {word}` or `ls {word}`.",
                    command.offset,
                )
            )
        problems.extend(self._venv_activation(command, facts))
        return problems

    def _venv_activation(self, command: Command, facts: CommandFacts) -> list[Problem]:
        """CC207 (an environment activated in a way that leaves it inactive), and the
        bookkeeping of environments created so far."""
        if facts.venv_created:
            self._venvs.add(facts.venv_created)
        if facts.conda_created:
            self._condas.add(facts.conda_created)
        words = facts.words
        if words[0].endswith("/bin/activate"):
            return [
                Problem(
                    codes.CONDA_ACTIVATE_VENV,
                    f"`{words[0]}` runs the activation script in a shell of its own, which "
                    f"ends at once (or bash answers 'Permission denied'): the environment "
                    f"is not active afterwards. Write `source {words[0]}`.",
                    command.offset,
                )
            ]
        name = facts.source_activate
        if name is None or name not in self._venvs or name in self._condas:
            return []
        return [
            Problem(
                codes.CONDA_ACTIVATE_VENV,
                f"`{' '.join(words)}` is conda's old way to activate an environment, but "
                f"`{name}` was made with `python -m venv`: bash answers 'activate: No such "
                f"file or directory'. Write `source {name}/bin/activate` (with its path).",
                command.offset,
            )
        ]

    def _env_prompt(self, key: str | None, cluster: str | None, command: Command) -> Problem | None:
        shown = command.env
        if shown is None:
            return None  # a plain `$` inside an environment: another shell, fine
        states = self.sessions.states(key)
        for state in states.values():
            if state is UNKNOWN or state == shown or (state is None and shown == "base"):
                return None
        known = sorted({s for s in states.values() if isinstance(s, str)})
        if known:
            instead = " or ".join(f"`({name}) $ `" for name in known)
        else:
            instead = f"`$ ` (or activate `{shown}` first)"
        if cluster:
            where = f" for `{cluster}`"
        elif key and key.startswith("tab:"):
            where = f" in the `{key[4:]}` tab"
        else:
            where = ""
        state = next(iter(states.values()))
        said = (
            _describe(state)
            if len(set(map(repr, states.values()))) == 1
            else (
                "the environments active are "
                + ", ".join(f"`{k}`: {'none' if v is None else v}" for k, v in states.items())
            )
        )
        return Problem(
            codes.ENV_PROMPT,
            f"The prompt shows `({shown})`, but in this document{where} {said}: write {instead}.",
            command.offset,
        )

    def _pip_user(self, key: str | None, command: Command) -> Problem | None:
        active = [s for s in self.sessions.states(key).values() if isinstance(s, str)]
        if command.env:
            active.append(command.env)
        if not active:
            return None
        return Problem(
            codes.PIP_USER,
            f"`pip install --user` with the environment `{active[0]}` active installs into "
            "~/.local, outside the environment: drop `--user`.",
            command.offset,
        )

    def _modules(
        self, cluster: str | None, command: Command, names: Sequence[str]
    ) -> list[Problem]:
        if not self.ctx.modules:
            return []
        known: frozenset[str] | None = None  # for no cluster: the software the table knows
        if cluster is None:
            allowed = frozenset().union(*self.ctx.modules.values())
            known = frozenset(_software(m) for m in allowed)
            where = "any cluster"
        elif cluster in self.ctx.modules:
            allowed = self.ctx.modules[cluster]
            where = f"`{cluster}`"
        else:
            return []
        problems = []
        for name in names:
            if name in allowed or re.search(r"[<>\[\]{}$*]", name):
                continue
            if known is not None and _software(name) not in known:
                continue  # a block for no cluster, software the table has no word on (R)
            listed = ", ".join(f"`{m}`" for m in sorted(allowed)) or "none"
            problems.append(
                Problem(
                    codes.UNKNOWN_MODULE,
                    f"Module `{name}` is not in the data table's modules for {where} "
                    f"({listed}): load one of those, or add it to the table.",
                    command.offset,
                )
            )
        return problems

    # --------------------------------------------------------------- lines
    def check_lines(
        self, block: Block, lines: tuple[Line, ...], skip_angle: Iterable[int] = ()
    ) -> list[Problem]:
        """CC203, CC204, CC205 over what the learner types: neither the prompt (a displayed
        transcript's ``[/proj/.../alice]$`` is not typed) nor a ``#`` comment.
        Angle-bracket placeholders on ``skip_angle`` lines are already reported (CC105)."""
        skip = frozenset(skip_angle)
        # A tab naming no cluster of the table is another cluster's: its storage is not ours.
        storage = block.tab is None
        text = block.text
        if any(w in text for w in _MAY_NAME_ACCOUNT):
            typed = (line.text for line in lines if line.kind is not LineKind.OUTPUT)
            self._accounts |= accounts_named(typed)
        # an account an earlier block of the page created is still that account's
        accounts = self._accounts or None
        # The lines of a block seen before are the same tuple (the syntax is read once per
        # distinct block): its findings are looked up by identity, the tuple kept alive
        # with them so that no other object takes its id.
        key = ("block", id(lines), block.cluster, storage, skip, accounts)
        held = self._line_cache.get(key)
        if held is None or held[0] is not lines:
            held = (lines, self._lines_found(block.cluster, storage, lines, skip, accounts))
            self._line_cache[key] = held
        return [Problem(code, message, offset) for code, message, offset in held[1]]

    def _lines_found(
        self,
        cluster: str | None,
        storage: bool,
        lines: Sequence[Line],
        skip: frozenset[int],
        accounts: frozenset[str] | None,
    ) -> tuple[tuple[str, str, int], ...]:
        """:meth:`check_lines`' findings, as (code, message, offset)."""
        problems: list[tuple[str, str, int]] = []
        conventions: list[str] | None = None  # read at the first line not seen before
        for line in lines:
            if line.kind in (LineKind.OUTPUT, LineKind.WINDOWS) or not line.text:
                continue
            # A line's findings depend on nothing else but the accounts the block names:
            # a command that recurs (the same step on several pages) is looked at once.
            key = (cluster, storage, line.text, line.offset in skip, accounts)
            found = self._line_cache.get(key)
            if found is None:
                if conventions is None:
                    conventions = _conventions(self.ctx, cluster)
                found = tuple(
                    (p.code, p.message)
                    for p in self._line_problems(
                        cluster, line, conventions, storage, key[3], accounts
                    )
                )
                self._line_cache[key] = found
            problems.extend((code, message, line.offset) for code, message in found)
        return tuple(problems)

    def _line_problems(
        self,
        cluster: str | None,
        line: Line,
        conventions: list[str],
        storage: bool,
        skip_angle: bool,
        accounts: frozenset[str] | None = None,
    ) -> list[Problem]:
        problems: list[Problem] = []
        typed = uncommented(line.text)
        if not typed:
            return problems
        if conventions:
            problems.extend(self._placeholders(line, typed, conventions, skip_angle))
        if "/" in typed:
            for match in _PATH.finditer(typed):
                problems.extend(
                    self._path(cluster, match.group(0), line, conventions, storage, accounts)
                )
        return problems

    def _placeholders(
        self, line: Line, typed: str, conventions: list[str], skip_angle: bool
    ) -> list[Problem]:
        problems = []
        found = [m.group(0) for m in _BRACKETED_USER.finditer(typed)]
        found += [m.group(0) for m in _BARE_USER.finditer(typed)]
        for token in dict.fromkeys(found):
            if token in conventions or (skip_angle and token.startswith("<")):
                continue
            write = " or ".join(f"`{c}`" for c in conventions)
            extra = " (and bash reads `<` as a redirection)" if token.startswith("<") else ""
            problems.append(
                Problem(
                    codes.WRONG_PLACEHOLDER,
                    f"`{token}` is not this project's user placeholder{extra}: write {write}.",
                    line.offset,
                )
            )
        return problems

    def _path(
        self,
        cluster: str | None,
        path: str,
        line: Line,
        conventions: list[str],
        storage: bool = True,
        accounts: frozenset[str] | None = None,
    ) -> list[Problem]:
        parts = _root_parts(path)
        problems = []
        user_index = self._user_index(parts)
        if user_index is not None and user_index < len(parts):
            name = parts[user_index]
            if (
                _PLAIN_NAME.match(name)
                and name not in conventions
                and not _USER_WORDS.fullmatch(name)
                and not _is_placeholder(parts[user_index + 1 : user_index + 2])
                and name != program_name(line.text)
                and name not in (accounts or ())
                and name not in SYSTEM_ACCOUNTS
                and not (self.ctx.project and project_word(name) == self.ctx.project)
                and not (user_index == len(parts) - 1 and _DATA_FILE.search(name))
            ):
                write = " or ".join(f"`{c}`" for c in conventions) or "the user placeholder"
                problems.append(
                    Problem(
                        codes.REAL_USER,
                        f"`{name}` in `{path}` looks like a real user name: every learner "
                        f"has their own, so write {write} there.",
                        line.offset,
                    )
                )
        problem = self._outside_storage(cluster, path, parts, line) if storage else None
        if problem:
            problems.append(problem)
        return problems

    def _user_index(self, parts: tuple[str, ...]) -> int | None:
        """Where the user name sits in a path: after a storage root, after a project
        folder under a project root (``/proj/P/``, past folders such as ``nobackup``), or
        after ``/home`` (``/home/u/user``)."""
        for root in self.ctx.storage_roots.values():
            rp = _root_parts(root)
            if root.startswith("/") and rp and parts[: len(rp)] == rp:
                return _past_shared(parts, len(rp))
        for rp in self._project:
            if parts[: len(rp)] == rp and len(parts) > len(rp):
                if parts[len(rp)] in _SHARED_FOLDERS:
                    continue
                return _past_shared(parts, len(rp) + 1)
        if parts[:1] == ("home",) and len(parts) > 1:
            if parts[1] in _HOME_FOLDERS:  # `/home/data/afile.h5`: a folder, no home
                return None
            return 2 if len(parts[1]) == 1 else 1
        return None

    def _outside_storage(
        self, cluster: str | None, path: str, parts: tuple[str, ...], line: Line
    ) -> Problem | None:
        if not self.ctx.storage_roots:  # no table: no workshop storage to compare with
            return None
        project = next(
            (rp for rp in self._project if parts[: len(rp)] == rp and len(parts) > len(rp)), None
        )
        if project is None:
            return None
        if cluster is None:
            allowed = [r for r in self.ctx.storage_roots.values() if r.startswith("/")]
            where = "any cluster's workshop storage"
        elif cluster in self.ctx.storage_roots:
            root = self.ctx.storage_roots[cluster]
            allowed = [root] if root.startswith("/") else []
            where = f"`{cluster}`'s workshop storage"
        else:
            return None
        for root in allowed:
            rp = _root_parts(root)
            if parts[: len(rp)] == rp or rp[: len(parts)] == parts:
                return None
        tail = list(parts[len(project) + 1 :])
        conventions = _conventions(self.ctx, cluster)
        if tail and conventions and not tail[0].startswith("$"):
            tail[0] = conventions[0]  # the layout is always `{storage_root}/{user}/...`
        rest = "/".join(tail)
        if allowed:
            instead = " or ".join(
                f"`{'/'.join([r.rstrip('/'), rest]) if rest else r}`" for r in allowed
            )
            advice = f"write {instead}"
        else:
            advice = "this cluster has no workshop storage there: use its own folder"
        return Problem(
            codes.OUTSIDE_STORAGE,
            f"`{path}` is under `/{'/'.join(project)}` but not under {where} "
            f"({', '.join(f'`{r}`' for r in allowed) or 'none'}): {advice}.",
            line.offset,
        )
