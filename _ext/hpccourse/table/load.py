"""Loading and validating ``clusters.toml`` into the records of :mod:`.model`.

Every problem is a :class:`~.model.TableError` at ``clusters.toml:LINE``; the line
comes from :func:`.lines.index_lines`, since ``tomllib`` reports none.
"""

from __future__ import annotations

import os
import re
import threading
import tomllib
from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

from .lines import index_lines, too_deep_at
from .model import (
    BUILTIN_KINDS,
    DIRECTIVE_VARIABLES,
    FACT_FORMS,
    MAX_DEPTH,
    PACKAGE_FACTS,
    PLACEHOLDER,
    RESERVED,
    Cluster,
    Course,
    FactKind,
    FrozenMap,
    Step,
    Table,
    TableError,
    too_deep,
)
from .moduletree import parse_module_tree
from .paths import (
    PATH_FACT_SUFFIXES,
    file_name,
    folder,
    module_name,
    path_fact,
    project_root,
    under_roots,
    user_name,
)
from .source import SourceError, read_table, stat_table
from .suggest import hint

_TOP_LEVEL = ("course", "placeholders", "managers", "clusters", "steps")
_COURSE_FIELDS = ("required_facts", "project_roots", "facts")
_KIND_FIELDS = ("form", "fact", "title", "name")
_STEP_FIELDS = (
    "commands",
    "output",
    "in_env",
    "only",
    "elsewhere",
    "override",
    "skip",
    "explain",
    "file",
    "content",
    "note",
)
#: A file step's name: a plain file name, shown as the caption and written by lessonrun.
_FILE_NAME = re.compile(r"[\w.+-]+\Z")
#: Arrays and inline tables inside each other: tomllib and the line index recurse.
MAX_NESTING = 32
_NAME = re.compile(r"[A-Za-z0-9_-]+\Z")

_cache: dict[str, tuple[tuple[int, int, int], Table | TableError]] = {}
_cache_lock = threading.Lock()


def load_table(path: str | os.PathLike[str]) -> Table:
    """Load and validate the table at ``path``; raise :class:`TableError`.

    Cached per file and modification time: a build parses the table once. A file that
    is no regular file (a FIFO, a device) or is too big is an error before it is opened.
    """
    source = os.path.abspath(os.fspath(path))
    try:
        st = stat_table(source)
    except SourceError as exc:
        raise TableError(str(exc), source) from None
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
        raw, _ = read_table(source)
    except SourceError as exc:
        raise TableError(str(exc), source) from None
    try:
        text = raw.decode("utf-8")
        deep = too_deep_at(text, MAX_NESTING)
        if deep is not None:
            raise TableError(
                f"values nested more than {MAX_NESTING} levels deep: "
                "a data table needs a few levels at most",
                source,
                deep,
            )
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise TableError(
            f"this file is not saved as UTF-8 text ({exc.reason}): save it as UTF-8 in your editor",
            source,
            line,
        ) from None
    except RecursionError:  # a backstop: too_deep_at finds what tomllib cannot take
        raise TableError("values nested too deeply", source, None) from None
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
                self.fail(f"unknown table [{key}]: {hint(key, _TOP_LEVEL, 'tables')}", key)
        placeholders = self.string_map(
            self.data.get("placeholders", {}), "[placeholders]", "placeholders"
        )
        for name in placeholders:
            self.check_name(name, "placeholders", name)
        managers = self.string_map(self.data.get("managers", {}), "[managers]", "managers")
        course = self.course(self.data.get("course", {}))
        clusters_data = self.data.get("clusters")
        if not clusters_data:
            self.fail("no [clusters.NAME] tables: the table needs at least one cluster")
        self.expect(clusters_data, dict, "[clusters]", "clusters")
        clusters = tuple(
            self.cluster(key, value, managers, course) for key, value in clusters_data.items()
        )
        self.check_reader_names(clusters)
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
            course=course,
        )
        _check_cycles(table)
        _check_paths(table)
        _check_renders(table)
        return table

    def course(self, data: Any) -> Course:
        """``[course]``: what every cluster must give, the project roots, the fact kinds."""
        self.expect(data, dict, "[course]", "course")
        for name in data:
            if name not in _COURSE_FIELDS:
                known = ", ".join(_COURSE_FIELDS)
                self.fail(f"[course]: unknown field {name!r} (fields: {known})", "course", name)
        required = self.strings(
            data.get("required_facts", []), "course.required_facts", "course", "required_facts"
        )
        for i, name in enumerate(required):
            where = ("course", "required_facts", str(i))
            if not _NAME.match(name):
                self.fail(f"course.required_facts: {name!r} is no fact name", *where)
            self.check_name(name, *where)
        roots = self.strings(
            data.get("project_roots", []), "course.project_roots", "course", "project_roots"
        )
        for i, root in enumerate(roots):
            if not root.startswith("/") or not root.strip("/") or "{" in root:
                self.fail(
                    f"course.project_roots: {root!r} must be an absolute folder such as "
                    '"/proj" (no placeholders)',
                    "course",
                    "project_roots",
                    str(i),
                )
            wrong = project_root(root)
            if wrong:
                self.fail(
                    f"course.project_roots: {root!r} {wrong}", "course", "project_roots", str(i)
                )
        if "facts" not in data:
            return Course(required, tuple(r.rstrip("/") for r in roots))
        kinds_data = data["facts"]
        self.expect(kinds_data, dict, "[course.facts]", "course", "facts")
        kinds = FrozenMap((key, self.fact_kind(key, value)) for key, value in kinds_data.items())
        return Course(required, tuple(r.rstrip("/") for r in roots), kinds, declared_kinds=True)

    def fact_kind(self, key: str, data: Any) -> FactKind:
        """``[course.facts.KEY]``: a ``cluster-facts`` kind (a built-in name's defaults apply)."""
        where = ("course", "facts", key)
        self.expect(data, dict, f"[course.facts.{key}]", *where)
        if not _NAME.match(key):
            self.fail(f"cluster-facts kind {key!r}: use letters, digits, '-' and '_'", *where)
        for name, value in data.items():
            if name not in _KIND_FIELDS:
                known = ", ".join(_KIND_FIELDS)
                self.fail(
                    f"[course.facts.{key}]: unknown field {name!r} (fields: {known})", *where, name
                )
            self.expect(value, str, f"course.facts.{key}.{name}", *where, name)
        base = BUILTIN_KINDS.get(key, FactKind(key))
        form = data.get("form", base.form)
        if form not in FACT_FORMS:
            self.fail(
                f"course.facts.{key}.form: {form!r} is no form (forms: {', '.join(FACT_FORMS)})",
                *where,
                "form",
            )
        fact = data.get("fact", base.fact if form == base.form else "")
        if form != "managers" and not _NAME.match(fact):
            self.fail(
                f'[course.facts.{key}] needs fact = "NAME": the cluster fact each item shows',
                *where,
            )
        return FactKind(
            key=key,
            form=form,
            fact=fact if form != "managers" else "",
            title=data.get("title", base.title),
            name=data.get("name", base.name),
            line=self.line(*where) or 0,
        )

    def check_name(self, name: str, *path: str) -> None:
        if name in RESERVED:
            self.fail(f"{name!r} is a reserved placeholder name: choose another", *path)

    def cluster(self, key: str, data: Any, managers: Mapping[str, str], course: Course) -> Cluster:
        where = ("clusters", key)
        self.expect(data, dict, f"[clusters.{key}]", *where)
        if not _NAME.match(key):
            self.fail(f"cluster key {key!r}: use letters, digits, '-' and '_'", *where)
        facts: dict[str, str] = {}
        for name, value in data.items():
            if name in ("modules", "managers", "workshop_storage", "module_tree"):
                continue
            self.check_name(name, *where, name)
            self.expect(value, str, f"clusters.{key}.{name}", *where, name)
            facts[name] = value
        for name in (*PACKAGE_FACTS, *course.required_facts):
            if name not in facts:
                self.fail(f"cluster {key!r} lacks the required fact {name!r}", *where)
        if not facts["label"].strip() or "\n" in facts["label"]:
            self.fail(f"cluster {key!r}: label must be one non-empty line", *where, "label")
        if "modules" not in data:
            self.fail(f"cluster {key!r} lacks the required table [clusters.{key}.modules]", *where)
        modules_data = data["modules"]
        self.expect(modules_data, dict, f"clusters.{key}.modules", *where, "modules")
        modules = FrozenMap(
            (name, self.module_set(key, name, value)) for name, value in modules_data.items()
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
        # lessonrun's Lmod simulation: how the cluster shows its modules (moduletree.py).
        module_tree = parse_module_tree(key, data.get("module_tree"), modules, self.fail, self.line)
        return Cluster(
            key=key,
            modules=modules,
            module_tree=module_tree,
            managers=FrozenMap(cluster_managers),
            facts=FrozenMap(facts),
            workshop_storage=workshop_storage,
            line=self.line(*where) or 0,
            lines=FrozenMap(lines),
            label=facts["label"],
        )

    def module_set(self, key: str, name: str, value: Any) -> tuple[str, ...]:
        """``[clusters.KEY.modules] NAME = [...]``: module names lessonrun writes files for."""
        where = ("clusters", key, "modules", name)
        modules = self.strings(value, f"clusters.{key}.modules.{name}", *where)
        for i, module in enumerate(modules):
            wrong = module_name(module)
            if wrong:
                self.fail(
                    f"cluster {key!r}: module {module!r} of module set {name!r} {wrong}",
                    *where,
                    str(i),
                )
        return modules

    def check_reader_names(self, clusters: tuple[Cluster, ...]) -> None:
        """One name, one cluster: a reader picks a cluster by its key, label or machine name
        (``?cluster=``, the cluster chooser), in any case, so two clusters may not share one
        (labels that differ only by case included)."""
        seen: dict[str, tuple[str, str]] = {}
        for cluster in clusters:
            for fact in ("key", "label", "cluster"):
                name = cluster.key if fact == "key" else cluster.facts.get(fact, "")
                folded = name.strip().casefold()
                if not folded:
                    continue
                other_key, other_fact = seen.setdefault(folded, (cluster.key, fact))
                if other_key != cluster.key:
                    where = ("clusters", cluster.key) + (() if fact == "key" else (fact,))
                    self.fail(
                        f"cluster {cluster.key!r}: its {fact} {name!r} is also the {other_fact} "
                        f"of cluster {other_key!r} (case ignored); readers choose a cluster by "
                        "key, label or machine name, so each must name one cluster",
                        *where,
                    )

    def step(self, key: str, data: Any, clusters: tuple[str, ...]) -> Step:
        where = ("steps", key)
        self.expect(data, dict, f"[steps.{key}]", *where)
        for name in data:
            if name not in _STEP_FIELDS:
                self.fail(
                    f"step {key!r}: unknown field {name!r}: {hint(name, _STEP_FIELDS, 'fields')}",
                    *where,
                    name,
                )
        commands = self.strings(
            data.get("commands", []), f"steps.{key}.commands", *where, "commands"
        )
        output, outputs = self.outputs(key, data.get("output", []), clusters)
        only = self.strings(data.get("only", []), f"steps.{key}.only", *where, "only")
        for i, name in enumerate(only):
            if name not in clusters:
                self.fail(
                    f"step {key!r}: unknown cluster {name!r} in only: "
                    f"{hint(name, clusters, 'clusters')}",
                    *where,
                    "only",
                    str(i),
                )
        file, content = self.file_fields(key, data, commands)
        overrides_data = data.get("override", {})
        self.expect(overrides_data, dict, f"steps.{key}.override", *where, "override")
        overrides = {}
        for name, value in overrides_data.items():
            if name not in clusters:
                known = hint(name, clusters, "clusters")
                message = f"step {key!r}: unknown cluster {name!r} in override: {known}"
                self.fail(message, *where, "override", name)
            what = f"steps.{key}.override.{name}"
            if file:  # a file step's override is the cluster's own text of the file
                self.expect(value, str, what, *where, "override", name)
                overrides[name] = (value,)
            else:
                overrides[name] = self.strings(value, what, *where, "override", name)
        notes = self.string_map(data.get("note", {}), f"steps.{key}.note", *where, "note")
        for name in notes:
            if name not in clusters:
                known = hint(name, clusters, "clusters")
                self.fail(f"step {key!r}: unknown cluster {name!r} in note: {known}", *where)
        skips = self.string_map(data.get("skip", {}), f"steps.{key}.skip", *where, "skip")
        for name in skips:
            if name not in clusters:
                self.fail(
                    f"step {key!r}: unknown cluster {name!r} in skip: "
                    f"{hint(name, clusters, 'clusters')}",
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
            elif not overrides.get(cluster, (content,) if file else commands) or (
                file and not overrides.get(cluster, (content,))[0].strip()
            ):
                what = "content" if file else "commands"
                self.fail(
                    f"step {key!r} has no {'content' if file else 'command'} for cluster "
                    f"{cluster!r} and no reason: give {what}, override.{cluster} or "
                    f"skip.{cluster}",
                    *where,
                )
        lines = {"": self.line(*where) or 0}
        for path, line in self.within.get(where, ()):
            head, *rest = path[2:]
            if (head in ("override", "skip", "note") or (head == "output" and outputs)) and rest:
                head, *rest = (f"{head}.{rest[0]}", *rest[1:])
            lines[head + "".join(f"[{r}]" for r in rest)] = line
        return Step(
            key=key,
            commands=commands,
            output=output,
            outputs=FrozenMap(outputs),
            in_env=in_env,
            only=only,
            elsewhere=elsewhere,
            overrides=FrozenMap(overrides),
            skips=FrozenMap(skips),
            explain=explain,
            lines=FrozenMap(lines),
            file=file,
            content=content,
            notes=FrozenMap(notes),
        )

    def outputs(
        self, key: str, value: Any, clusters: tuple[str, ...]
    ) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
        """A step's ``output``: one list every cluster shows, or a table of lists, one
        per cluster (``output.KEY``: what the commands print there; a cluster missing
        from it shows none)."""
        where = ("steps", key, "output")
        if not isinstance(value, dict):
            return self.strings(value, f"steps.{key}.output", *where), {}
        per_cluster = {}
        for name, lines in value.items():
            if name not in clusters:
                known = hint(name, clusters, "clusters")
                self.fail(
                    f"step {key!r}: unknown cluster {name!r} in output: {known}", *where, name
                )
            per_cluster[name] = self.strings(lines, f"steps.{key}.output.{name}", *where, name)
        return (), per_cluster

    def file_fields(
        self, key: str, data: dict[str, Any], commands: tuple[str, ...]
    ) -> tuple[str, str]:
        """A file step's ``file`` and ``content`` (both empty for a command step)."""
        where = ("steps", key)
        file = data.get("file", "")
        content = data.get("content", "")
        self.expect(file, str, f"steps.{key}.file", *where, "file")
        self.expect(content, str, f"steps.{key}.content", *where, "content")
        if not file and "content" in data:
            self.fail(
                f'step {key!r}: content without a file name: add file = "NAME"', *where, "content"
            )
        if file and (not _FILE_NAME.match(file) or file_name(file)):
            self.fail(
                f"step {key!r}: file {file!r} must be a plain file name "
                "(letters, digits, '.', '_', '+', '-'; no folders)",
                *where,
                "file",
            )
        if file and commands:
            self.fail(
                f"step {key!r} shows a file: give it content, not commands "
                "(a step is either commands or one file)",
                *where,
                "commands",
            )
        return file, content


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
    for match in PLACEHOLDER.finditer(text):
        if match.group(1):
            yield match.group(1)


def _check_cycles(table: Table) -> None:
    """Find a cycle among placeholders and cluster facts, naming it."""
    for cluster in table.clusters:
        _CycleFinder(table, cluster).run()


class _CycleFinder:
    """Depth-first walk of one cluster's name graph (facts and [placeholders]): finds
    cycles, and chains of names deeper than MAX_DEPTH (each name is walked once)."""

    def __init__(self, table: Table, cluster: Cluster) -> None:
        self.table = table
        self.cluster = cluster
        #: name -> (how deep its references go, the reference that goes deepest)
        self.depth: dict[str, tuple[int, str | None]] = {}

    def definition(self, name: str) -> tuple[str, int | None] | None:
        if name in self.cluster.facts:
            return self.cluster.facts[name], self.cluster.line_of(name)
        if name in self.table.placeholders:
            return self.table.placeholders[name], self.table.lines.get(("placeholders", name))
        return None

    def chain(self, name: str) -> tuple[str, ...]:
        """``name`` and the names its deepest reference goes through."""
        names = [name]
        while (deeper := self.depth.get(names[-1], (0, None))[1]) is not None:
            names.append(deeper)
        return tuple(names)

    def too_deep(self, names: tuple[str, ...]) -> NoReturn:
        found = self.definition(names[0])
        raise self.table.error(too_deep(names), found[1] if found else None)

    def visit(self, name: str, stack: tuple[str, ...]) -> int:
        if name in stack:
            start = stack[stack.index(name) :]
            found = self.definition(start[0])
            cycle = " -> ".join((*start, name))
            raise self.table.error(f"placeholder cycle: {cycle}", found[1] if found else None)
        if len(stack) >= MAX_DEPTH:
            self.too_deep(stack)
        if name not in self.depth:
            found = self.definition(name)
            deepest: tuple[int, str | None] = (0, None)
            if found is not None:
                for ref in _references(found[0]):
                    below = self.visit(ref, (*stack, name))
                    if below > deepest[0]:
                        deepest = (below, ref)
            self.depth[name] = (deepest[0] + (found is not None), deepest[1])
            if self.depth[name][0] > MAX_DEPTH:
                self.too_deep(self.chain(name))
        return self.depth[name][0]

    def run(self) -> None:
        for name in (*self.table.placeholders, *self.cluster.facts):
            self.visit(name, ())


def _check_paths(table: Table) -> None:
    """The facts that become paths, placeholders filled in (rules: :mod:`.paths`).

    ``storage_root`` is a folder lessonrun makes in its sandbox, under the course's
    ``project_roots`` when it declares them; every ``*_root`` and ``*_path`` fact is a
    folder (no ``..``), in commands and in the "for example" line alike; ``example_user``
    is one user name.
    """
    stub = {name: name.upper() for name in DIRECTIVE_VARIABLES}
    roots = table.course.project_roots
    for cluster in table.clusters:
        if "example_user" in cluster.facts:
            wrong = user_name(cluster.example_user)
            if wrong:
                raise table.error(
                    f"cluster {cluster.key!r}: example_user {cluster.example_user!r} {wrong}",
                    cluster.line_of("example_user"),
                )
        for name in cluster.facts:
            if not name.endswith(PATH_FACT_SUFFIXES):
                continue
            line = cluster.line_of(name)
            for example in (False, True) if "example_user" in cluster.facts else (False,):
                value = table.expand(cluster, cluster.facts[name], stub, example=example, line=line)
                check = folder if name == "storage_root" else path_fact
                wrong = check(value) or (
                    under_roots(value, roots) if name == "storage_root" else None
                )
                if wrong:
                    raise table.error(f"cluster {cluster.key!r}: {name} {value!r} {wrong}", line)


def _check_renders(table: Table) -> None:
    """Render every step and fact for every cluster: no placeholder without a value.

    The ``cluster-facts`` kinds the course declares are rendered too (so a cluster
    lacking a fact one shows is an error here); the built-in ones only where a page
    uses them.
    """
    stub = {name: name.upper() for name in DIRECTIVE_VARIABLES}
    for cluster in table.clusters:
        for name in cluster.facts:
            table.expand(cluster, cluster.facts[name], stub, line=cluster.line_of(name))
        for step in table.steps.values():
            table.render(step.key, cluster.key, stub)
    for kind in table.course.kinds.values():
        if table.course.declared_kinds:
            table.fact_items(kind.key)
        elif kind.form == "links":  # a link given is checked, even where no page shows it
            for cluster in table.clusters:
                if kind.fact in cluster.facts:
                    _check_link(table, cluster, kind)


def _check_link(table: Table, cluster: Cluster, kind: FactKind) -> None:
    if not table.fact(cluster, kind.fact).startswith(("https://", "http://")):
        raise table.error(
            f"cluster {cluster.key!r}: {kind.fact} must be an http(s) address "
            f"(the cluster-facts kind {kind.key!r} links to it)",
            cluster.line_of(kind.fact),
        )
