"""The data table's records and their expansion: clusters, steps, rendered commands.

No Sphinx or docutils here. :mod:`.load` builds these records from ``clusters.toml``;
everything else only reads them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

from .moduletree import ModuleTree
from .suggest import closest, hint

__all__ = [
    "BUILTIN_KINDS",
    "DIRECTIVE_VARIABLES",
    "FACT_FORMS",
    "MAX_DEPTH",
    "MAX_VALUE",
    "PACKAGE_FACTS",
    "PLACEHOLDER",
    "RESERVED",
    "Cluster",
    "Course",
    "FactKind",
    "FrozenMap",
    "Rendered",
    "Step",
    "Table",
    "TableError",
]

#: The facts every cluster gives whatever the course: ``label`` names its tab. A course
#: requires more with ``[course] required_facts``.
PACKAGE_FACTS: tuple[str, ...] = ("label",)
#: Names a directive supplies (``{venv}`` comes from ``:venv:``).
DIRECTIVE_VARIABLES: frozenset[str] = frozenset({"venv"})
#: Names nobody may define: ``{user}`` is the reader's user name.
RESERVED = frozenset({"user", "modules"}) | DIRECTIVE_VARIABLES

#: How deep placeholders may refer to placeholders (a real table needs a handful).
MAX_DEPTH = 50
#: The longest text one placeholder, or any value of the table, may expand to, in
#: characters (checked as the text grows: a value that repeats a long placeholder
#: hundreds of times stops at the bound, not after megabytes).
MAX_VALUE = 100_000

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

    ``facts`` holds every string fact, ``label`` included; ``lines`` maps a fact's name
    (``"allocation"``, ``"modules.python"``) to its line. Which facts a cluster must give
    is the course's choice (``[course] required_facts``); the properties below read the
    facts the package's own features use, ``""`` when a cluster does not give one.
    """

    key: str
    label: str
    modules: Mapping[str, tuple[str, ...]]
    managers: Mapping[str, str]
    facts: Mapping[str, str]
    workshop_storage: bool = True
    line: int = 0
    lines: Mapping[str, int] = field(default_factory=FrozenMap)
    # How the cluster's Lmod shows its modules (lessonrun): see moduletree.py.
    module_tree: ModuleTree = field(default_factory=lambda: ModuleTree(()))

    @property
    def center(self) -> str:
        return self.facts.get("center", "")

    @property
    def cluster(self) -> str:
        return self.facts.get("cluster", "")

    @property
    def allocation(self) -> str:
        return self.facts.get("allocation", "")

    @property
    def storage_root(self) -> str:
        """Where the course's work lives on the cluster, as written (``{...}`` unexpanded)."""
        return self.facts.get("storage_root", "")

    @property
    def placeholder(self) -> str:
        """What ``{user}`` shows in commands, e.g. ``[username]``."""
        return self.facts.get("placeholder", "")

    @property
    def example_user(self) -> str:
        """What ``{user}`` becomes in the "for example" line, e.g. ``sven``."""
        return self.facts.get("example_user", "")

    @property
    def docs_url(self) -> str:
        return self.facts.get("docs_url", "")

    @property
    def all_modules(self) -> frozenset[str]:
        """Every module in every module set of this cluster."""
        return frozenset(name for names in self.modules.values() for name in names)

    def line_of(self, name: str) -> int:
        """The line of fact ``name``, else of the cluster's section."""
        return self.lines.get(name, self.line)


#: How ``cluster-facts`` shows a kind: ``list`` (one item per cluster: its name, then the
#: fact), ``storage`` (a list that says when a cluster has no workshop storage), ``links``
#: (one link per cluster to the fact, an address) and ``managers`` (the manager table).
FACT_FORMS: tuple[str, ...] = ("list", "storage", "links", "managers")


@dataclass(frozen=True)
class FactKind:
    """One kind of ``.. cluster-facts:: KIND``: which fact it shows, how, under what title.

    ``name`` says how each item names its cluster (placeholders of the cluster's facts);
    ``title`` makes the list an admonition with that title (``""``: a plain list).
    """

    key: str
    form: str = "list"
    fact: str = ""  # the fact each item shows ("" for managers)
    title: str = ""
    name: str = "{label}"
    line: int = 0  # of its [course.facts.KEY] section (0: built in)


#: The kinds a course has when its table declares none (``[course.facts]``): neutral titles.
BUILTIN_KINDS: Mapping[str, FactKind] = FrozenMap(
    allocation=FactKind("allocation", "list", "allocation", "Compute allocations"),
    storage=FactKind("storage", "storage", "storage_root", "Storage"),
    managers=FactKind("managers", "managers"),
    docs=FactKind("docs", "links", "docs_url"),
)


@dataclass(frozen=True)
class Course:
    """What the course itself declares in ``[course]`` (neutral defaults without one).

    ``required_facts``: the facts every cluster must give (beyond :data:`PACKAGE_FACTS`);
    ``project_roots``: the folders that hold project storage (``/proj``), which the console
    checker compares paths against; empty: the parents of the clusters' storage roots;
    ``kinds``: the ``cluster-facts`` kinds, in the table's order; ``declared_kinds`` is
    false when they are the built-in ones (:data:`BUILTIN_KINDS`).
    """

    required_facts: tuple[str, ...] = ()
    project_roots: tuple[str, ...] = ()
    kinds: Mapping[str, FactKind] = field(default_factory=lambda: BUILTIN_KINDS)
    declared_kinds: bool = False


@dataclass(frozen=True)
class Step:
    """One tabbed command block. ``lines`` maps ``""`` (the section),
    ``"commands"``, ``"commands[0]"``, ``"override.uppmax"``,
    ``"override.uppmax[0]"``, ``"skip.hpc2n"``, ... to file lines."""

    key: str
    commands: tuple[str, ...]
    output: tuple[str, ...] = ()
    #: Each cluster's own output (``output.KEY``), where the clusters print different
    #: things; then ``output`` is empty and a cluster missing here shows none.
    outputs: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)
    in_env: bool = False
    only: tuple[str, ...] = ()  # empty: every cluster
    elsewhere: str | None = None
    overrides: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)
    skips: Mapping[str, str] = field(default_factory=FrozenMap)
    explain: bool = False
    lines: Mapping[str, int] = field(default_factory=FrozenMap)
    #: A file step: the file's name (its caption); ``content`` its text, and each
    #: ``overrides`` entry a cluster's own text (one item). Empty for a command step.
    file: str = ""
    content: str = ""
    #: A short note per cluster, shown under the block in that cluster's tab.
    notes: Mapping[str, str] = field(default_factory=FrozenMap)

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
    file: str = ""  # a file step's file name; then ``content`` is its text
    content: str = ""
    note: str = ""  # the step's note for this cluster, placeholders filled in

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
    course: Course = field(default_factory=Course)
    #: Expanded values: (cluster, name, example, variables) -> text. Each name is
    #: expanded once per cluster, so a chain of names that each double the text costs
    #: one expansion per link, not two to the power of its length.
    _memo: dict[tuple[object, ...], str] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

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

    def fact(
        self, cluster: Cluster | str, name: str, *, example: bool = False, needed_by: str = ""
    ) -> str:
        """The cluster fact ``name``, placeholders expanded.

        A cluster without it is a :class:`TableError` at the cluster's line; ``needed_by``
        says what wanted the fact (``"the cluster-facts kind 'allocation'"``).
        """
        if isinstance(cluster, str):
            cluster = self.cluster(cluster)
        if name not in cluster.facts:
            why = f" ({needed_by} shows it)" if needed_by else ""
            raise self.error(f"cluster {cluster.key!r} lacks the fact {name!r}{why}", cluster.line)
        return self.expand(
            cluster, cluster.facts[name], example=example, line=cluster.line_of(name)
        )

    def fact_items(self, kind: str) -> list[tuple[Cluster, str, str]]:
        """The items of ``cluster-facts`` kind ``kind``: (cluster, its name, the fact's value).

        Empty for the ``managers`` form. A cluster that lacks a fact the kind shows or
        names, or a ``links`` fact that is no http(s) address, is a :class:`TableError`
        at the table's line.
        """
        found = self.course.kinds[kind]
        if found.form == "managers":
            return []
        needed_by = f"the cluster-facts kind {kind!r}"
        items = []
        for cluster in self.clusters:
            value = self.fact(cluster, found.fact, needed_by=needed_by)
            if found.form == "links" and not value.startswith(("https://", "http://")):
                raise self.error(
                    f"cluster {cluster.key!r}: {found.fact} must be an http(s) address "
                    f"({needed_by} links to it)",
                    cluster.line_of(found.fact),
                )
            line = self.lines.get(("course", "facts", kind, "name")) or found.line or cluster.line
            items.append((cluster, self.expand(cluster, found.name, line=line), value))
        return items

    def render(
        self, step_key: str, cluster_key: str, variables: Mapping[str, str] | None = None
    ) -> Rendered:
        """Step ``step_key`` for cluster ``cluster_key``, with the directive's variables."""
        if step_key not in self.steps:
            raise TableError(
                f"no step {step_key!r}: {hint(step_key, self.steps, 'steps')}", self.source
            )
        step = self.steps[step_key]
        cluster = self.cluster(cluster_key)
        variables = dict(variables or {})
        rendered = self._render(step, cluster, variables)
        if cluster.key in step.notes:
            name = f"note.{cluster.key}"
            note = self.expand(cluster, step.notes[cluster.key], variables, line=step.line_of(name))
            rendered = replace(rendered, note=note)
        return rendered

    def _render(self, step: Step, cluster: Cluster, variables: dict[str, str]) -> Rendered:
        """``step`` for ``cluster``, without its note."""
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
        if step.file:
            name = f"override.{cluster.key}" if cluster.key in step.overrides else "content"
            template = step.overrides.get(cluster.key, (step.content,))[0]
            return Rendered(
                step=step.key,
                cluster=cluster.key,
                applies=True,
                data_source=self.source,
                data_line=step.line_of(name),
                file=step.file,
                content=self.expand(cluster, template, variables, line=step.line_of(name)),
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
            if not command.strip():  # only facts empty on this cluster: nothing to type
                continue
            commands.append(command)
            if cluster.placeholder and cluster.placeholder in command:
                examples.append(self.expand(cluster, template, variables, example=True, line=line))
        shown = f"output.{cluster.key}" if step.outputs else "output"
        output = tuple(
            self.expand(cluster, text, variables, line=step.line_of(f"{shown}[{i}]"))
            for i, text in enumerate(step.outputs.get(cluster.key, step.output))
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


def empty_value_gap(before: str, text: str, start: int, end: int) -> tuple[str, int]:
    """A fact empty on a cluster shows as nothing, and one space goes with it: the one
    before it (``pip install {pip_flags} numpy``), else at a line's start the one after
    it (``{launcher} python``). ``before``: the text written since the last placeholder;
    the placeholder is ``text[start:end]``. Gives ``before`` and how many characters
    after the placeholder to skip. (The learner of :mod:`hpccourse.migrate` fills its
    placeholders so too.)"""
    if before.endswith(" "):
        return before[:-1], 0
    if text[end : end + 1] == " " and text[max(start - 1, 0) : start] in ("", "\n"):
        return before, 1
    return before, 0


def too_deep(stack: tuple[str, ...]) -> str:
    """The message for placeholders that refer to each other more than MAX_DEPTH deep."""
    shown = " -> ".join(f"{{{name}}}" for name in (*stack[:3], "...", *stack[-2:]))
    return (
        f"placeholders refer to placeholders more than {MAX_DEPTH} deep ({shown}): "
        "write the value out in fewer steps"
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
        if len(stack) >= MAX_DEPTH:
            raise self.table.error(too_deep(stack), line)
        if name == "user":
            wanted = "example_user" if self.example else "placeholder"
            if wanted not in cluster.facts:
                raise self.table.error(
                    f"placeholder {{user}} needs the fact {wanted!r}, which cluster "
                    f"{cluster.key!r} lacks (what {{user}} shows in commands, and the example "
                    "user name that fills it in below them)",
                    line,
                )
            return cluster.facts[wanted]
        if name.startswith("modules."):
            module_set = name.partition(".")[2]
            if module_set not in cluster.modules:
                match = closest(module_set, cluster.modules)
                fix = f"did you mean `{{modules.{match}}}`?" if match else ""
                raise self.table.error(
                    f"placeholder {{{name}}} has no value for cluster {cluster.key!r}: "
                    f"it has no module set {module_set!r}{'; ' if fix else ''}{fix}",
                    line,
                )
            return " ".join(cluster.modules[module_set])
        if name in self.variables:
            return self.variables[name]
        if name in cluster.facts:
            return self.named(name, cluster.facts[name], cluster.line_of(name), stack)
        if name in self.table.placeholders:
            where = self.table.lines.get(("placeholders", name), line)
            return self.named(name, self.table.placeholders[name], where, stack)
        if name in DIRECTIVE_VARIABLES:  # the fix is in the .rst: name the command's line
            via = f" (through {{{'}, {'.join(stack)}}})" if stack else ""
            raise self.table.error(
                f"placeholder {{{name}}}{via} has no value: give the directive a :{name}: option",
                self.top_line,
            )
        known = [*cluster.facts, *self.table.placeholders, "user"]
        known += [f"modules.{module_set}" for module_set in cluster.modules]
        match = closest(name, known)
        fix = (
            f": did you mean `{{{match}}}`?"
            if match
            else " (no cluster fact, [placeholders] entry or directive option of that name)"
        )
        raise self.table.error(
            f"placeholder {{{name}}} has no value for cluster {cluster.key!r}{fix}", line
        )

    def named(self, name: str, text: str, line: int | None, stack: tuple[str, ...]) -> str:
        """The value of fact or placeholder ``name`` (defined as ``text`` at ``line``)."""
        key = (self.cluster.key, name, self.example, tuple(sorted(self.variables.items())))
        memo = self.table._memo
        if key not in memo:
            memo[key] = self.expand(text, line, (*stack, name))
        return memo[key]

    def too_long(self, size: int, used: str, line: int | None, stack: tuple[str, ...]) -> NoReturn:
        """The text being expanded passed :data:`MAX_VALUE` where it uses ``{used}``."""
        what = f"placeholder {{{stack[-1]}}}" if stack else "this value"
        raise self.table.error(
            f"{what} grows to {size:,} characters at least (more than {MAX_VALUE:,}) where "
            f"it uses {{{used}}}: does it repeat a long placeholder, or one that repeats another?",
            line,
        )

    def expand(self, text: str, line: int | None, stack: tuple[str, ...]) -> str:
        """``text`` with its placeholders filled in; :class:`TableError` once the result
        grows past :data:`MAX_VALUE` (its size is counted as it grows)."""
        out: list[str] = []
        pos = size = 0
        for match in PLACEHOLDER.finditer(text):
            out.append(text[pos : match.start()])
            size += match.start() - pos
            pos = match.end()
            if match.group(1) is None:  # `{{` or `}}`
                out.append(match.group(0)[0])
                size += 1
                continue
            value = self.value(match.group(1), line, stack)
            if not value:
                out[-1], skip = empty_value_gap(out[-1], text, match.start(), pos)
                pos += skip
            out.append(value)
            size += len(value)
            if size > MAX_VALUE:
                self.too_long(size, match.group(1), line, stack)
        out.append(text[pos:])
        return "".join(out)
