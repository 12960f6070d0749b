"""The data table's records and their expansion: clusters, steps, rendered commands.

No Sphinx or docutils here. :mod:`.load` builds these records from ``clusters.toml``;
everything else only reads them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NoReturn

from .moduletree import ModuleTree

__all__ = [
    "DIRECTIVE_VARIABLES",
    "PLACEHOLDER",
    "REQUIRED_FACTS",
    "RESERVED",
    "Cluster",
    "FrozenMap",
    "Rendered",
    "Step",
    "Table",
    "TableError",
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

# `{name}` or `{modules.name}`; `{{`/`}}` are literal braces; `${...}` is shell.
PLACEHOLDER = re.compile(r"\{\{|\}\}|(?<!\$)\{([A-Za-z_][\w-]*(?:\.[\w-]+)?)\}")


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
    # How the cluster's Lmod shows its modules (lessonrun): see moduletree.py.
    module_tree: ModuleTree = field(default_factory=lambda: ModuleTree(()))

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
        for match in PLACEHOLDER.finditer(text):
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
