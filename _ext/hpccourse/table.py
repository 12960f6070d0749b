"""Load, validate and render the data table ``clusters.toml``.

The one place that knows the table's schema (documented in the file's header
comment). No Sphinx or docutils here: the directives in ``tabs.py`` and
``facts.py``, the console checker and the tests all read the table through
:func:`load_table`.

``tomllib`` reports no line numbers, so :func:`index_lines` scans the file's
text for the line of every section header, key and array element: every
:class:`TableError` and every rendered command carries ``(file, line)``.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

__all__ = [
    "DIRECTIVE_VARIABLES",
    "REQUIRED_FACTS",
    "Cluster",
    "FrozenMap",
    "Rendered",
    "Step",
    "Table",
    "TableError",
    "index_lines",
    "load_table",
]

#: String facts every cluster must give.
REQUIRED_FACTS: tuple[str, ...] = (
    "label",
    "center",
    "cluster",
    "allocation",
    "storage_root",
    "user_path",
    "placeholder",
    "example_user",
    "pip_flags",
    "venv_flags",
    "docs_url",
)
#: Names a directive supplies (``{venv}`` comes from ``:venv:``).
DIRECTIVE_VARIABLES: frozenset[str] = frozenset({"venv"})
#: Names nobody may define: ``{user}`` is the reader's user name.
RESERVED = frozenset({"user", "modules"}) | DIRECTIVE_VARIABLES

_TOP_LEVEL = ("placeholders", "managers", "clusters", "steps")
_STEP_FIELDS = (
    "commands",
    "output",
    "in_env",
    "only",
    "elsewhere",
    "override",
    "skip",
    "explain",
)
# `{name}` or `{modules.name}`; `{{`/`}}` are literal braces; `${...}` is shell.
_PLACEHOLDER = re.compile(r"\{\{|\}\}|(?<!\$)\{([A-Za-z_][\w-]*(?:\.[\w-]+)?)\}")
_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")


class TableError(Exception):
    """A problem in the data table, located at ``source:line``."""

    def __init__(self, message: str, source: str, line: int | None = None) -> None:
        super().__init__(message, source, line)
        self.message = message
        self.source = source
        self.line = line

    def location(self, relative_to: str | None = None) -> str:
        """``clusters.toml:42`` (the file relative to ``relative_to`` when inside it)."""
        path = self.source
        if relative_to:
            rel = os.path.relpath(path, relative_to)
            if not rel.startswith(os.pardir):
                path = rel
        return f"{path}:{self.line}" if self.line else path

    def __str__(self) -> str:
        return f"{self.location()}: {self.message}"


class FrozenMap(dict):  # type: ignore[type-arg]
    """A read-only dict: keeps the dataclasses immutable yet picklable."""

    def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("the data table is read-only")

    __setitem__ = __delitem__ = _read_only  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = __ior__ = _read_only  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict[Any, Any]]]:
        return (type(self), (dict(self),))


@dataclass(frozen=True)
class Cluster:
    """One cluster's facts, in the table's words (placeholders unexpanded).

    ``facts`` holds every string fact, the named ones included; ``lines``
    maps a fact's name (``"allocation"``, ``"modules.python"``) to its line.
    """

    key: str
    label: str
    center: str
    cluster: str
    allocation: str
    storage_root: str
    user_path: str
    placeholder: str
    example_user: str
    pip_flags: str
    venv_flags: str
    docs_url: str
    modules: Mapping[str, tuple[str, ...]]
    managers: Mapping[str, str]
    facts: Mapping[str, str]
    workshop_storage: bool = True
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=FrozenMap)

    @property
    def all_modules(self) -> frozenset[str]:
        """Every module in every module set of this cluster."""
        return frozenset(name for names in self.modules.values() for name in names)

    def line_of(self, name: str) -> int:
        """The line of fact ``name``, else of the cluster's section."""
        return self.lines.get(name, self.line)


@dataclass(frozen=True)
class Step:
    """One tabbed command block. ``lines`` maps ``""`` (the section),
    ``"commands"``, ``"commands[0]"``, ``"override.uppmax"``,
    ``"override.uppmax[0]"``, ``"skip.hpc2n"``, ... to file lines."""

    key: str
    commands: tuple[str, ...]
    output: tuple[str, ...] = ()
    in_env: bool = False
    only: tuple[str, ...] = ()  # empty: every cluster
    elsewhere: str | None = None
    overrides: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)
    skips: Mapping[str, str] = field(default_factory=FrozenMap)
    explain: bool = False
    lines: Mapping[str, int] = field(default_factory=FrozenMap)

    def line_of(self, name: str = "") -> int:
        """The line of ``name`` (falling back to the step's section line)."""
        return self.lines.get(name) or self.lines.get(name.split("[")[0]) or self.lines[""]

    def applies_to(self, cluster: str) -> bool:
        """Whether the step has commands for ``cluster``."""
        return (not self.only or cluster in self.only) and cluster not in self.skips


@dataclass(frozen=True)
class Rendered:
    """One step rendered for one cluster.

    When ``applies`` is false, ``reason`` says why and the tuples are empty.
    ``examples`` are the commands holding the reader's user name, filled in
    with the cluster's ``example_user`` (for the "for example" text).
    """

    step: str
    cluster: str
    applies: bool
    commands: tuple[str, ...] = ()
    output: tuple[str, ...] = ()
    env: str | None = None  # the prompt's environment, when in_env
    data_source: str = ""
    data_line: int = 0
    reason: str = ""
    examples: tuple[str, ...] = ()

    @property
    def prompt(self) -> str:
        """The prompt the commands are typed at: ``$ `` or ``(venv) $ ``."""
        return f"({self.env}) $ " if self.env else "$ "


@dataclass(frozen=True)
class Table:
    """The whole table. ``clusters`` are in tab order."""

    source: str
    clusters: tuple[Cluster, ...]
    steps: Mapping[str, Step]
    placeholders: Mapping[str, str]
    managers: Mapping[str, str]  # manager -> scope
    lines: Mapping[tuple[str, ...], int] = field(default_factory=FrozenMap)

    def cluster(self, key: str) -> Cluster:
        """The cluster with key ``key`` (KeyError if none)."""
        for cluster in self.clusters:
            if cluster.key == key:
                return cluster
        raise KeyError(key)

    @property
    def cluster_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.clusters)

    def cluster_for_label(self, text: str) -> Cluster | None:
        """The cluster whose key, label, center or cluster name is ``text`` (any case)."""
        wanted = text.strip().casefold()
        for cluster in self.clusters:
            names = (cluster.key, cluster.label, cluster.center, cluster.cluster)
            if wanted in (name.casefold() for name in names):
                return cluster
        return None

    def modules_by_cluster(self) -> dict[str, frozenset[str]]:
        """Cluster key -> every module name of that cluster."""
        return {c.key: c.all_modules for c in self.clusters}

    def error(self, message: str, line: int | None) -> TableError:
        return TableError(message, self.source, line)

    def expand(
        self,
        cluster: Cluster | str,
        text: str,
        variables: Mapping[str, str] | None = None,
        *,
        example: bool = False,
        line: int | None = None,
    ) -> str:
        """Fill in the placeholders of ``text`` for ``cluster``.

        ``{user}`` becomes the cluster's placeholder, or its example user when
        ``example`` is true. Raises :class:`TableError` (at ``line``) for a
        name with no value or a cycle.
        """
        if isinstance(cluster, str):
            cluster = self.cluster(cluster)
        return _Expander(self, cluster, variables or {}, example, line).expand(text, line, ())

    def fact(self, cluster: Cluster | str, name: str, *, example: bool = False) -> str:
        """The cluster fact ``name``, placeholders expanded."""
        if isinstance(cluster, str):
            cluster = self.cluster(cluster)
        return self.expand(
            cluster, cluster.facts[name], example=example, line=cluster.line_of(name)
        )

    def render(
        self, step_key: str, cluster_key: str, variables: Mapping[str, str] | None = None
    ) -> Rendered:
        """Step ``step_key`` for cluster ``cluster_key``, with the directive's variables."""
        if step_key not in self.steps:
            known = ", ".join(self.steps) or "none"
            raise TableError(f"no step {step_key!r} (steps: {known})", self.source)
        step = self.steps[step_key]
        cluster = self.cluster(cluster_key)
        variables = dict(variables or {})
        if step.only and cluster.key not in step.only:
            reason = self.expand(
                cluster, step.elsewhere or "", variables, line=step.line_of("elsewhere")
            )
            return Rendered(
                step.key,
                cluster.key,
                False,
                data_source=self.source,
                data_line=step.line_of("elsewhere"),
                reason=reason,
            )
        if cluster.key in step.skips:
            name = f"skip.{cluster.key}"
            reason = self.expand(
                cluster, step.skips[cluster.key], variables, line=step.line_of(name)
            )
            return Rendered(
                step.key,
                cluster.key,
                False,
                data_source=self.source,
                data_line=step.line_of(name),
                reason=reason,
            )
        if cluster.key in step.overrides:
            name = f"override.{cluster.key}"
            templates = step.overrides[cluster.key]
        else:
            name = "commands"
            templates = step.commands
        env = None
        if step.in_env:
            if not variables.get("venv"):
                raise self.error(
                    f"step {step.key!r} is typed inside an environment (in_env = true): "
                    "give the directive a :venv: option",
                    step.line_of("in_env"),
                )
            env = variables["venv"]
        commands, examples = [], []
        for i, template in enumerate(templates):
            line = step.line_of(f"{name}[{i}]")
            command = self.expand(cluster, template, variables, line=line)
            commands.append(command)
            if cluster.placeholder and cluster.placeholder in command:
                examples.append(self.expand(cluster, template, variables, example=True, line=line))
        output = tuple(
            self.expand(cluster, text, variables, line=step.line_of(f"output[{i}]"))
            for i, text in enumerate(step.output)
        )
        return Rendered(
            step=step.key,
            cluster=cluster.key,
            applies=True,
            commands=tuple(commands),
            output=output,
            env=env,
            data_source=self.source,
            data_line=step.line_of(f"{name}[0]"),
            examples=tuple(examples) if step.explain else (),
        )


class _Expander:
    """Placeholder expansion for one cluster, one ``{user}`` mode."""

    def __init__(
        self,
        table: Table,
        cluster: Cluster,
        variables: Mapping[str, str],
        example: bool,
        top_line: int | None,
    ) -> None:
        self.top_line = top_line  # the line of the text being expanded
        self.table = table
        self.cluster = cluster
        self.variables = variables
        self.example = example

    def value(self, name: str, line: int | None, stack: tuple[str, ...]) -> str:
        cluster = self.cluster
        if name in stack:
            cycle = " -> ".join((*stack[stack.index(name) :], name))
            raise self.table.error(f"placeholder cycle: {cycle}", line)
        if name == "user":
            return cluster.example_user if self.example else cluster.placeholder
        if name.startswith("modules."):
            module_set = name.partition(".")[2]
            if module_set not in cluster.modules:
                raise self.table.error(
                    f"placeholder {{{name}}} has no value for cluster {cluster.key!r}: "
                    f"it has no module set {module_set!r}",
                    line,
                )
            return " ".join(cluster.modules[module_set])
        if name in self.variables:
            return self.variables[name]
        if name in cluster.facts:
            where = cluster.line_of(name)
            return self.expand(cluster.facts[name], where, (*stack, name))
        if name in self.table.placeholders:
            where = self.table.lines.get(("placeholders", name), line)
            return self.expand(self.table.placeholders[name], where, (*stack, name))
        if name in DIRECTIVE_VARIABLES:  # the fix is in the .rst: name the command's line
            via = f" (through {{{'}, {'.join(stack)}}})" if stack else ""
            raise self.table.error(
                f"placeholder {{{name}}}{via} has no value: give the directive a :{name}: option",
                self.top_line,
            )
        raise self.table.error(
            f"placeholder {{{name}}} has no value for cluster {cluster.key!r} "
            "(no cluster fact, [placeholders] entry or directive option of that name)",
            line,
        )

    def expand(self, text: str, line: int | None, stack: tuple[str, ...]) -> str:
        out: list[str] = []
        pos = 0
        for match in _PLACEHOLDER.finditer(text):
            out.append(text[pos : match.start()])
            pos = match.end()
            if match.group(1) is None:  # `{{` or `}}`
                out.append(match.group(0)[0])
                continue
            value = self.value(match.group(1), line, stack)
            if not value and out and out[-1].endswith(" "):
                out[-1] = out[-1][:-1]  # an empty value swallows the space before it
            out.append(value)
        out.append(text[pos:])
        return "".join(out)


# ------------------------------------------------------------------ loading

_cache: dict[str, tuple[tuple[int, int, int], Table | TableError]] = {}
_cache_lock = threading.Lock()


def load_table(path: str | os.PathLike[str]) -> Table:
    """Load and validate the table at ``path``; raise :class:`TableError`.

    Cached per file and modification time: a build parses the table once.
    """
    source = os.path.abspath(os.fspath(path))
    try:
        st = os.stat(source)
    except OSError as exc:
        raise TableError(f"cannot read the data table: {exc.strerror}", source) from None
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    with _cache_lock:
        cached = _cache.get(source)
        if cached is None or cached[0] != stamp:
            try:
                result: Table | TableError = _load(source)
            except TableError as exc:
                result = exc
            _cache[source] = (stamp, result)
        else:
            result = cached[1]
    if isinstance(result, TableError):
        raise TableError(result.message, result.source, result.line)
    return result


def _load(source: str) -> Table:
    try:
        with open(source, "rb") as f:
            raw = f.read()
    except OSError as exc:
        raise TableError(f"cannot read the data table: {exc.strerror}", source) from None
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TableError(f"not UTF-8: {exc.reason}", source, line) from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_from_message(str(exc))
        raise TableError(f"malformed TOML: {_toml_message(exc)}", source, line) from None
    return _Builder(source, data, index_lines(text)).build()


def _line_from_message(message: str) -> int | None:
    """tomllib before 3.14 puts the place only in its message: "(at line 3, column 7)"."""
    match = re.search(r"at line (\d+)", message)
    return int(match.group(1)) if match else None


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    msg = getattr(exc, "msg", None) or str(exc)
    return re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)$", "", msg)


class _Builder:
    """Turns tomllib's dicts into the dataclasses, checking as it goes."""

    def __init__(self, source: str, data: dict[str, Any], lines: dict[tuple[str, ...], int]):
        self.source = source
        self.data = data
        self.lines = lines
        # The lines under each section, e.g. ("steps", "x") -> [(path, line), ...]: one pass
        # here, not one over the whole table per cluster and step (quadratic in its size).
        self.within: dict[tuple[str, ...], list[tuple[tuple[str, ...], int]]] = {}
        for path, line in lines.items():
            if len(path) > 2:
                self.within.setdefault(path[:2], []).append((path, line))

    def line(self, *path: str) -> int | None:
        """The line of ``path``, else of its nearest indexed parent."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def fail(self, message: str, *path: str) -> NoReturn:
        raise TableError(message, self.source, self.line(*path))

    def expect(self, value: Any, kind: type | tuple[type, ...], what: str, *path: str) -> None:
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = {str: "a string", bool: "true or false", dict: "a table", list: "an array"}
            wanted = names.get(kind, str(kind)) if isinstance(kind, type) else "a value"
            self.fail(f"{what} must be {wanted}, not {_toml_type(value)}", *path)

    def strings(self, value: Any, what: str, *path: str) -> tuple[str, ...]:
        self.expect(value, list, what, *path)
        for i, item in enumerate(value):
            self.expect(item, str, f"{what}[{i}]", *path, str(i))
        return tuple(value)

    def string_map(self, value: Any, what: str, *path: str) -> dict[str, str]:
        self.expect(value, dict, what, *path)
        for key, item in value.items():
            self.expect(item, str, f"{what}.{key}", *path, key)
        return dict(value)

    def build(self) -> Table:
        for key in self.data:
            if key not in _TOP_LEVEL:
                self.fail(f"unknown table [{key}] (expected: {', '.join(_TOP_LEVEL)})", key)
        placeholders = self.string_map(
            self.data.get("placeholders", {}), "[placeholders]", "placeholders"
        )
        for name in placeholders:
            self.check_name(name, "placeholders", name)
        managers = self.string_map(self.data.get("managers", {}), "[managers]", "managers")
        clusters_data = self.data.get("clusters")
        if not clusters_data:
            self.fail("no [clusters.NAME] tables: the table needs at least one cluster")
        self.expect(clusters_data, dict, "[clusters]", "clusters")
        clusters = tuple(self.cluster(key, value, managers) for key, value in clusters_data.items())
        keys = tuple(c.key for c in clusters)
        steps_data = self.data.get("steps", {})
        self.expect(steps_data, dict, "[steps]", "steps")
        steps = FrozenMap((key, self.step(key, value, keys)) for key, value in steps_data.items())
        table = Table(
            source=self.source,
            clusters=clusters,
            steps=steps,
            placeholders=FrozenMap(placeholders),
            managers=FrozenMap(managers),
            lines=FrozenMap(self.lines),
        )
        _check_cycles(table)
        _check_renders(table)
        return table

    def check_name(self, name: str, *path: str) -> None:
        if name in RESERVED:
            self.fail(f"{name!r} is a reserved placeholder name: choose another", *path)

    def cluster(self, key: str, data: Any, managers: Mapping[str, str]) -> Cluster:
        where = ("clusters", key)
        self.expect(data, dict, f"[clusters.{key}]", *where)
        if not _NAME.match(key):
            self.fail(f"cluster key {key!r}: use letters, digits, '-' and '_'", *where)
        facts: dict[str, str] = {}
        for name, value in data.items():
            if name in ("modules", "managers", "workshop_storage"):
                continue
            self.check_name(name, *where, name)
            self.expect(value, str, f"clusters.{key}.{name}", *where, name)
            facts[name] = value
        for name in REQUIRED_FACTS:
            if name not in facts:
                self.fail(f"cluster {key!r} lacks the required fact {name!r}", *where)
        if not facts["label"].strip() or "\n" in facts["label"]:
            self.fail(f"cluster {key!r}: label must be one non-empty line", *where, "label")
        if not facts["docs_url"].startswith(("https://", "http://")):
            self.fail(f"cluster {key!r}: docs_url must be an http(s) address", *where, "docs_url")
        if "modules" not in data:
            self.fail(f"cluster {key!r} lacks the required table [clusters.{key}.modules]", *where)
        modules_data = data["modules"]
        self.expect(modules_data, dict, f"clusters.{key}.modules", *where, "modules")
        modules = FrozenMap(
            (name, self.strings(value, f"clusters.{key}.modules.{name}", *where, "modules", name))
            for name, value in modules_data.items()
        )
        cluster_managers = self.string_map(
            data.get("managers", {}), f"clusters.{key}.managers", *where, "managers"
        )
        for name in cluster_managers:
            if name not in managers:
                self.fail(
                    f"cluster {key!r} rates manager {name!r}, which [managers] does not list",
                    *where,
                    "managers",
                    name,
                )
        for name in managers:
            if name not in cluster_managers:
                self.fail(
                    f"cluster {key!r} does not say how manager {name!r} fits it "
                    f'(add {name} = "..." to [clusters.{key}.managers])',
                    *where,
                    "managers",
                )
        workshop_storage = data.get("workshop_storage", True)
        self.expect(
            workshop_storage, bool, f"clusters.{key}.workshop_storage", *where, "workshop_storage"
        )
        lines = {".".join(path[2:]): line for path, line in self.within.get(where, ())}
        return Cluster(
            key=key,
            modules=modules,
            managers=FrozenMap(cluster_managers),
            facts=FrozenMap(facts),
            workshop_storage=workshop_storage,
            line=self.line(*where) or 0,
            lines=FrozenMap(lines),
            **{name: facts[name] for name in REQUIRED_FACTS},
        )

    def step(self, key: str, data: Any, clusters: tuple[str, ...]) -> Step:
        where = ("steps", key)
        self.expect(data, dict, f"[steps.{key}]", *where)
        for name in data:
            if name not in _STEP_FIELDS:
                self.fail(
                    f"step {key!r}: unknown field {name!r} (fields: {', '.join(_STEP_FIELDS)})",
                    *where,
                    name,
                )
        commands = self.strings(
            data.get("commands", []), f"steps.{key}.commands", *where, "commands"
        )
        output = self.strings(data.get("output", []), f"steps.{key}.output", *where, "output")
        only = self.strings(data.get("only", []), f"steps.{key}.only", *where, "only")
        for i, name in enumerate(only):
            if name not in clusters:
                self.fail(
                    f"step {key!r}: unknown cluster {name!r} in only "
                    f"(clusters: {', '.join(clusters)})",
                    *where,
                    "only",
                    str(i),
                )
        overrides_data = data.get("override", {})
        self.expect(overrides_data, dict, f"steps.{key}.override", *where, "override")
        overrides = {}
        for name, value in overrides_data.items():
            if name not in clusters:
                known = ", ".join(clusters)
                message = f"step {key!r}: unknown cluster {name!r} in override (clusters: {known})"
                self.fail(message, *where, "override", name)
            overrides[name] = self.strings(
                value, f"steps.{key}.override.{name}", *where, "override", name
            )
        skips = self.string_map(data.get("skip", {}), f"steps.{key}.skip", *where, "skip")
        for name in skips:
            if name not in clusters:
                self.fail(
                    f"step {key!r}: unknown cluster {name!r} in skip "
                    f"(clusters: {', '.join(clusters)})",
                    *where,
                    "skip",
                    name,
                )
        elsewhere = data.get("elsewhere")
        if elsewhere is not None:
            self.expect(elsewhere, str, f"steps.{key}.elsewhere", *where, "elsewhere")
        in_env = data.get("in_env", False)
        self.expect(in_env, bool, f"steps.{key}.in_env", *where, "in_env")
        explain = data.get("explain", False)
        self.expect(explain, bool, f"steps.{key}.explain", *where, "explain")
        for cluster in clusters:
            if only and cluster not in only:
                if not elsewhere:
                    self.fail(
                        f"step {key!r} is only for {', '.join(only)}: give an "
                        f"'elsewhere' reason to show on the {cluster!r} tab",
                        *where,
                        "only",
                    )
            elif cluster in skips:
                if not skips[cluster].strip():
                    self.fail(
                        f"step {key!r}: empty skip reason for {cluster!r}", *where, "skip", cluster
                    )
            elif not overrides.get(cluster, commands):
                self.fail(
                    f"step {key!r} has no command for cluster {cluster!r} and no reason: "
                    f"give commands, override.{cluster} or skip.{cluster}",
                    *where,
                )
        lines = {"": self.line(*where) or 0}
        for path, line in self.within.get(where, ()):
            head, *rest = path[2:]
            if head in ("override", "skip") and rest:
                head, *rest = (f"{head}.{rest[0]}", *rest[1:])
            lines[head + "".join(f"[{r}]" for r in rest)] = line
        return Step(
            key=key,
            commands=commands,
            output=output,
            in_env=in_env,
            only=only,
            elsewhere=elsewhere,
            overrides=FrozenMap(overrides),
            skips=FrozenMap(skips),
            explain=explain,
            lines=FrozenMap(lines),
        )


def _toml_type(value: Any) -> str:
    return {
        str: "a string",
        bool: "true/false",
        int: "an integer",
        float: "a number",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _references(text: str) -> Iterator[str]:
    for match in _PLACEHOLDER.finditer(text):
        if match.group(1):
            yield match.group(1)


def _check_cycles(table: Table) -> None:
    """Find a cycle among placeholders and cluster facts, naming it."""
    for cluster in table.clusters:
        _CycleFinder(table, cluster).run()


class _CycleFinder:
    """Depth-first walk of one cluster's name graph (facts and [placeholders])."""

    def __init__(self, table: Table, cluster: Cluster) -> None:
        self.table = table
        self.cluster = cluster
        self.done: set[str] = set()

    def definition(self, name: str) -> tuple[str, int | None] | None:
        if name in self.cluster.facts:
            return self.cluster.facts[name], self.cluster.line_of(name)
        if name in self.table.placeholders:
            return self.table.placeholders[name], self.table.lines.get(("placeholders", name))
        return None

    def visit(self, name: str, stack: tuple[str, ...]) -> None:
        if name in stack:
            start = stack[stack.index(name) :]
            found = self.definition(start[0])
            cycle = " -> ".join((*start, name))
            raise self.table.error(f"placeholder cycle: {cycle}", found[1] if found else None)
        if name in self.done:
            return
        found = self.definition(name)
        if found is not None:
            for ref in _references(found[0]):
                self.visit(ref, (*stack, name))
        self.done.add(name)

    def run(self) -> None:
        for name in (*self.table.placeholders, *self.cluster.facts):
            self.visit(name, ())


def _check_renders(table: Table) -> None:
    """Render every step and fact for every cluster: no placeholder without a value."""
    stub = {name: name.upper() for name in DIRECTIVE_VARIABLES}
    for cluster in table.clusters:
        for name in cluster.facts:
            table.expand(cluster, cluster.facts[name], stub, line=cluster.line_of(name))
        for step in table.steps.values():
            table.render(step.key, cluster.key, stub)


# ------------------------------------------------------------ line indexing


def index_lines(text: str) -> dict[tuple[str, ...], int]:
    """Map every section header, key and array element of TOML ``text`` to its line.

    Keys are paths: ``("clusters", "uppmax")`` for ``[clusters.uppmax]``,
    ``("steps", "x", "commands")`` for a key, ``("steps", "x", "commands", "0")``
    for an array's first element. Assumes ``text`` is valid TOML.
    """
    return _Indexer(text).run()


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class _Indexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.out: dict[tuple[str, ...], int] = {}

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def advance(self, n: int = 1) -> None:
        self.line += self.text.count("\n", self.pos, self.pos + n)
        self.pos += n

    def skip_space(self, newlines: bool) -> None:
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.advance()
            elif ch == "#":
                end = self.text.find("\n", self.pos)
                self.advance((end if end >= 0 else len(self.text)) - self.pos)
            else:
                break

    def run(self) -> dict[tuple[str, ...], int]:
        table: tuple[str, ...] = ()
        while True:
            self.skip_space(newlines=True)
            if self.pos >= len(self.text):
                return self.out
            if self.peek() == "[":
                array = self.peek(2) == "[["
                self.advance(2 if array else 1)
                table = tuple(self.key())
                self.advance(2 if array else 1)
                self.out.setdefault(table, self.line)
            else:
                self.key_value(table)

    def key(self) -> list[str]:
        parts = []
        while True:
            self.skip_space(newlines=False)
            ch = self.peek()
            if ch in "\"'":
                end = self.string_end()
                raw = self.text[self.pos + 1 : end - 1]
                parts.append(raw if ch == "'" else _unescape(raw))
                self.advance(end - self.pos)
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    return parts
                parts.append(match.group(0))
                self.advance(match.end() - self.pos)
            self.skip_space(newlines=False)
            if self.peek() != ".":
                return parts
            self.advance()

    def key_value(self, table: tuple[str, ...]) -> None:
        path = (*table, *self.key())
        self.out.setdefault(path, self.line)
        self.skip_space(newlines=False)
        self.advance()  # "="
        self.skip_space(newlines=False)
        self.value(path)

    def value(self, path: tuple[str, ...]) -> None:
        ch = self.peek()
        if ch == "[":
            self.advance()
            index = 0
            while True:
                self.skip_space(newlines=True)
                if self.peek() == "]":
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    continue
                item = (*path, str(index))
                self.out.setdefault(item, self.line)
                self.value(item)
                index += 1
        elif ch == "{":
            self.advance()
            while True:
                self.skip_space(newlines=True)
                if self.peek() == "}":
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    continue
                self.key_value(path)
        elif ch in "\"'":
            self.advance(self.string_end() - self.pos)
        else:
            match = re.compile(r"[^,\]\}\s#]+").match(self.text, self.pos)
            self.advance((match.end() if match else self.pos + 1) - self.pos)

    def string_end(self) -> int:
        """The position just after the string starting at ``pos``."""
        text, pos = self.text, self.pos
        quote = text[pos]
        triple = text.startswith(quote * 3, pos)
        delim = quote * 3 if triple else quote
        i = pos + len(delim)
        while i < len(text):
            if quote == '"' and text[i] == "\\":
                i += 2
                continue
            if text.startswith(delim, i):
                run = len(delim)
                while triple and run < 5 and text.startswith(quote, i + run):
                    run += 1  # up to two quotes may end the content: """a""""
                return i + run
            i += 1
        return len(text)


def _unescape(raw: str) -> str:
    try:
        return tomllib.loads(f'k = "{raw}"')["k"]
    except tomllib.TOMLDecodeError:
        return raw
