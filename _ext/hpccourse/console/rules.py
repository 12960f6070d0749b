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
CC206    ``module load``/``ml`` of a module the data table does not list for the cluster.
=======  ==================================================================================
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from . import codes
from .model import Block, Command, Line, LineKind, Problem, RuleContext
from .words import simple_commands


class _Unknown:
    """Nothing known yet about the environment in a session."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
State = str | None | _Unknown

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


@dataclass
class Sessions:
    """The active environment per cluster, as the document has set it so far."""

    env: dict[str | None, State] = field(default_factory=dict)

    @classmethod
    def for_document(cls, blocks: Sequence[Block], ctx: RuleContext) -> Sessions:
        """One session per cluster known to ``ctx`` or named by a block; a document with no
        cluster at all has one session (key ``None``)."""
        keys: dict[str | None, State] = {}
        for source in (ctx.storage_roots, ctx.placeholder, ctx.modules):
            keys.update(dict.fromkeys(source, UNKNOWN))
        keys.update({block.cluster: UNKNOWN for block in blocks if block.cluster is not None})
        return cls(keys or {None: UNKNOWN})

    def states(self, cluster: str | None) -> dict[str | None, State]:
        """The states a block of ``cluster`` is checked against."""
        if cluster is None:
            return dict(self.env)
        return {cluster: self.env.setdefault(cluster, UNKNOWN)}

    def set(self, cluster: str | None, state: State) -> None:
        """Apply a change: to one cluster's session, or to all for ``cluster=None``."""
        if cluster is None:
            for key in self.env:
                self.env[key] = state
        else:
            self.env[cluster] = state


def env_change(words: Sequence[str]) -> tuple[bool, State]:
    """Whether a simple command activates or deactivates an environment, and the state it
    leaves: a name, ``None`` (deactivated) or UNKNOWN (``source bin/activate``)."""
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


def _describe(state: State) -> str:
    if state is None:
        return "no environment is active (it was deactivated)"
    return f"the environment activated last is `{state}`"


def _conventions(ctx: RuleContext, cluster: str | None) -> list[str]:
    if cluster is not None:
        value = ctx.placeholder.get(cluster)
        return [value] if value else []
    return sorted(set(filter(None, ctx.placeholder.values())))


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


@dataclass
class RuleChecker:
    """Apply the session rules to a document's blocks, in order."""

    ctx: RuleContext
    sessions: Sessions
    _project: list[tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self._project = _project_roots(self.ctx)

    # ------------------------------------------------------------ commands
    def check_commands(self, block: Block, commands: Sequence[Command]) -> list[Problem]:
        """CC201, CC202, CC206 over the commands, updating the sessions as they go."""
        problems: list[Problem] = []
        cluster = block.cluster
        for command in commands:
            if command.language != "shell":
                continue
            problem = self._env_prompt(cluster, command)
            if problem:
                problems.append(problem)
            for words in simple_commands(command):
                if is_pip_install_user(words):
                    problem = self._pip_user(cluster, command)
                    if problem:
                        problems.append(problem)
                problems.extend(self._modules(cluster, command, words))
                changed, state = env_change(words)
                if changed:
                    self.sessions.set(cluster, state)
        return problems

    def _env_prompt(self, cluster: str | None, command: Command) -> Problem | None:
        shown = command.env
        if shown is None:
            return None  # a plain `$` inside an environment: another shell, fine
        states = self.sessions.states(cluster)
        for state in states.values():
            if state is UNKNOWN or state == shown or (state is None and shown == "base"):
                return None
        known = sorted({s for s in states.values() if isinstance(s, str)})
        if known:
            instead = " or ".join(f"`({name}) $ `" for name in known)
        else:
            instead = f"`$ ` (or activate `{shown}` first)"
        where = f" for `{cluster}`" if cluster else ""
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

    def _pip_user(self, cluster: str | None, command: Command) -> Problem | None:
        active = [s for s in self.sessions.states(cluster).values() if isinstance(s, str)]
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

    def _modules(self, cluster: str | None, command: Command, words: list[str]) -> list[Problem]:
        names = loaded_modules(words)
        if not names or not self.ctx.modules:
            return []
        if cluster is None:
            allowed = frozenset().union(*self.ctx.modules.values())
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
        self, block: Block, lines: Sequence[Line], skip_angle: Iterable[int] = ()
    ) -> list[Problem]:
        """CC203, CC204, CC205 over every typed line (prompts included: they show paths).
        Angle-bracket placeholders on ``skip_angle`` lines are already reported (CC105)."""
        problems: list[Problem] = []
        skip = set(skip_angle)
        conventions = _conventions(self.ctx, block.cluster)
        for line in lines:
            if line.kind in (LineKind.OUTPUT, LineKind.WINDOWS):
                continue
            raw = line.raw
            if conventions:
                problems.extend(self._placeholders(line, conventions, line.offset in skip))
            if "/" in raw:
                for match in _PATH.finditer(raw):
                    problems.extend(self._path(block.cluster, match.group(0), line, conventions))
        return problems

    def _placeholders(self, line: Line, conventions: list[str], skip_angle: bool) -> list[Problem]:
        problems = []
        found = [m.group(0) for m in _BRACKETED_USER.finditer(line.raw)]
        found += [m.group(0) for m in _BARE_USER.finditer(line.raw)]
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
        self, cluster: str | None, path: str, line: Line, conventions: list[str]
    ) -> list[Problem]:
        parts = _root_parts(path)
        problems = []
        user_index = self._user_index(parts)
        if user_index is not None and user_index < len(parts):
            name = parts[user_index]
            if (
                _PLAIN_NAME.match(name)
                and name not in conventions
                and not _BRACKETED_USER.fullmatch(name)
                and name not in ("USER", "USERNAME")
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
        problem = self._outside_storage(cluster, path, parts, line)
        if problem:
            problems.append(problem)
        return problems

    def _user_index(self, parts: tuple[str, ...]) -> int | None:
        """Where the user name sits in a path: after a storage root, after a project
        folder under a project root (``/proj/P/``), or after ``/home`` (``/home/u/user``)."""
        for root in self.ctx.storage_roots.values():
            rp = _root_parts(root)
            if root.startswith("/") and rp and parts[: len(rp)] == rp:
                return len(rp)
        for rp in self._project:
            if parts[: len(rp)] == rp and len(parts) > len(rp):
                if parts[: len(rp) + 1] in self._project:
                    continue  # /proj/nobackup: a root itself, not a project under /proj
                return len(rp) + 1
        if parts[:1] == ("home",) and len(parts) > 1:
            return 2 if len(parts[1]) == 1 else 1
        return None

    def _outside_storage(
        self, cluster: str | None, path: str, parts: tuple[str, ...], line: Line
    ) -> Problem | None:
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
