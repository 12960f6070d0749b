"""Grouping the clusters' variants of one block into one step: each variant written with
the table's placeholders, then compared. Variants that are then the same, or differ only
in comments, become one shared command list (comments folded: the report says whose were
kept); the others stay as per-cluster overrides. Output the clusters print differently
after commands most of them share is each cluster's own (``output.KEY``)."""

from __future__ import annotations

import functools
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from ..console.lines import classify, commands
from ..console.model import Line, LineKind
from ..table import Cluster, Table, TableError
from ..table.model import PLACEHOLDER as TEMPLATE_PLACEHOLDER
from .fold import Choice, choose, without_comment
from .learn import Learner, run_kind
from .lines import PROMPT, as_dollar_prompt
from .model import STAND_IN, Block
from .variants import as_shown_where_alike, drifted, with_empty_facts

ANGLE = re.compile(r"<([A-Za-z][\w .-]*)>")
#: ``<...>`` placeholders with a meaning the table has: the reader's user name. A
#: ``<project>`` is the reader's own project (not the course's allocation): written
#: ``[project]`` in commands as in prose, so each cluster shows what it showed.
KNOWN_ANGLES = {
    "user": "{user}",
    "username": "{user}",
    "user name": "{user}",
    "your-username": "{user}",
    "your username": "{user}",
    "user-name": "{user}",
}
#: Facts too short (or too common) to stand for themselves in a command.
SHORTEST_FACT = 4
#: Facts that name the cluster rather than a value a command uses.
NAMING_FACTS = ("label", "center", "cluster", "docs_url", "placeholder", "example_user")
#: A line that loads modules (where a module set stands for its modules).
MODULE_COMMAND = re.compile(r"^[^#]*\b(?:module|ml)\s+(?:load|add|\S+/)")
#: Where a line's simple commands start (their first word is the program).
COMMAND_START = re.compile(r"(?:^|[|;&]+|\$\()\s*(?:time\s+)?([^\s|;&()]+)")
#: The programs that read a job's options alike: an option fact one of them takes, any
#: of them takes.
SLURM = frozenset({"#SBATCH", "sbatch", "srun", "salloc", "interactive"})


def programs(line: str) -> set[str]:
    """The programs a line runs (``curl ... | head -n 1``: curl, head); ``#SBATCH``."""
    return {m[1] for m in COMMAND_START.finditer(line)}


class KeepAsIs(Exception):
    """A tab set that cannot be converted without losing something: the reason."""


class OutputDiffers(KeepAsIs):
    """The clusters' blocks at one place show different output: a step shows one."""


class OutputBetweenCommands(OutputDiffers):
    """A block shows output between its commands: a step shows its output after them."""


def block_lines(block: Block) -> tuple[Line, ...]:
    """A console block's lines as the console checker's line reader classifies them; a
    block whose prompts were left out is read as commands typed without them (a line that
    continues a command, a here-document's body, stays part of its command). In a block
    with prompts, ``#`` lines before the first command are a shell comment the reader
    may type, not output (read as typed at a prompt)."""
    prompted = any(PROMPT.match(line) for line in block.lines if line.strip())
    rows = [as_dollar_prompt(row) for row in block.lines]
    for number, row in enumerate(rows if prompted else ()):
        if PROMPT.match(row) or (row.strip() and not row.lstrip().startswith("#")):
            break
        if row.strip():
            rows[number] = "$ " + row.lstrip()
    if prompted:
        _comments_between_commands(rows)
    return _lines("\n".join(rows), not prompted)


#: A comment as a teacher writes one between commands: `# ` and words (not `#!`, `#SBATCH`).
_COMMENT_ROW = re.compile(r"^\s*# \S")


def _comments_between_commands(rows: list[str]) -> None:
    """``# remark`` rows between two prompted rows, in a block that shows no output,
    read as typed comments: what the reader sees is a remark on the next command.
    (``cat``'s output of a script, ``#!/bin/bash`` and ``#SBATCH`` rows, stays output;
    in a block with output, a ``#`` row may be part of it and the block is cut there.)"""
    shown = [n for n, row in enumerate(rows) if row.strip()]
    if any(not PROMPT.match(rows[n]) and not _COMMENT_ROW.match(rows[n]) for n in shown):
        return
    after = ""  # the next row that is no comment, read from the end: one pass
    nexts: dict[int, str] = {}
    for number in reversed(shown):
        nexts[number] = after
        if not _COMMENT_ROW.match(rows[number]):
            after = rows[number]
    for at, number in enumerate(shown):
        if not _COMMENT_ROW.match(rows[number]) or at == 0:
            continue
        before = rows[shown[at - 1]]
        if (PROMPT.match(before) or before.startswith("$ #")) and PROMPT.match(nexts[number]):
            rows[number] = "$ " + rows[number].lstrip()


@functools.lru_cache(maxsize=1024)
def _lines(text: str, implicit: bool) -> tuple[Line, ...]:
    """A block's lines classified once per text: aligning, grouping and checking a tab
    set read each block several times. A prompt with nothing typed after it (the shell
    back after ``exit``) is shown, not typed: output."""
    return tuple(
        replace(line, kind=LineKind.OUTPUT)
        if line.kind is LineKind.PROMPT and not line.text.strip()
        else line
        for line in classify(text, implicit=implicit)
    )


def typed_commands(block: Block) -> list[str]:
    """The commands of a console block as typed (prompts stripped, here-documents whole,
    a command continued with a backslash kept on its lines), read by the console
    checker's own line reader."""
    lines = block_lines(block)
    return [
        "\n".join(line.text for line in lines[c.offset : c.last_offset + 1])
        for c in commands(lines)
        if c.language == "shell"
    ]


def output_lines(block: Block) -> list[str]:
    """The lines of a console block that are output."""
    lines = block_lines(block)
    return [line.raw for line in lines if line.kind is LineKind.OUTPUT and line.raw.strip()]


def output_between_commands(block: Block) -> bool:
    """Whether a console block shows output before one of its commands (``sbatch``, its
    job number, then ``squeue``)."""
    seen_output = False
    for line in block_lines(block):
        if line.kind is LineKind.OUTPUT and line.raw.strip():
            seen_output = True
        elif line.kind is LineKind.PROMPT and seen_output:
            return True
    return False


def skeleton(text: str) -> str:
    """``text`` without comments and blank lines: what a script does (``#SBATCH`` kept)."""
    return "\n".join(b for b in (without_comment(line) for line in text.split("\n")) if b)


def angle_for_prose(name: str, placeholder: str) -> str:
    """What a ``<name>`` in prose becomes: what the same ``<name>`` shows in commands."""
    known = KNOWN_ANGLES.get(name.strip().lower())
    if known == "{user}" and placeholder:
        return placeholder
    return f"[{name}]"


class Generalizer:
    """Writes a cluster's text with the table's placeholders."""

    def __init__(
        self,
        table: Table,
        say: Callable[[int, str], None],
        unchecked: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self.table = table
        self.say = say
        #: (cluster, fact) read from a page by migrate and not checked yet: that page's
        #: own, never written into other commands until the teacher removes the mark
        self.unchecked = unchecked
        self.values: dict[str, list[tuple[str, str]]] = {}
        self._programs: dict[str, set[str]] | None = None

    def programs_of(self, placeholder: str) -> set[str] | None:
        """The programs on whose lines the table's steps write ``placeholder`` (None: on
        none): a fact made of options (``-n 1``) goes only there, never into ``head -n
        1``."""
        if self._programs is None:
            found: dict[str, set[str]] = {}
            for step in self.table.steps.values():
                rows = [*step.commands, *step.content.split("\n")]
                rows += [r for override in step.overrides.values() for r in override]
                for row in (r for text in rows for r in text.split("\n")):
                    for match in TEMPLATE_PLACEHOLDER.finditer(row):
                        if match[1]:  # not a {{ or }} escape
                            found.setdefault(f"{{{match[1]}}}", set()).update(programs(row))
            self._programs = {k: v | SLURM if v & SLURM else v for k, v in found.items()}
        return self._programs.get(placeholder)

    def facts(self, cluster: Cluster) -> list[tuple[str, str]]:
        """(value, placeholder) of the cluster's facts, the longest value first."""
        if cluster.key in self.values:
            return self.values[cluster.key]
        values: list[tuple[str, str]] = []
        for name in cluster.facts:
            if name in NAMING_FACTS or (cluster.key, name) in self.unchecked:
                continue
            try:
                expanded = self.table.fact(cluster, name)
            except TableError:
                continue
            if len(expanded) >= SHORTEST_FACT and "\n" not in expanded and not run_kind(expanded):
                values.append((expanded, f"{{{name}}}"))
        for name, modules in cluster.modules.items():
            if modules:
                values.append((" ".join(modules), f"{{modules.{name}}}"))
        values.sort(key=lambda pair: -len(pair[0]))
        self.values[cluster.key] = values
        return values

    def aliases(self, cluster: Cluster) -> dict[str, set[str]]:
        """Placeholder -> the placeholders with the same value on ``cluster``."""
        by_value: dict[str, set[str]] = {}
        for value, placeholder in self.facts(cluster):
            by_value.setdefault(value, set()).add(placeholder)
        return {p: same for same in by_value.values() for p in same}

    def prefer(self, cluster: Cluster, template: str, usage: Counter[str]) -> str:
        """``template`` with each placeholder that has the same value as others on
        ``cluster`` (``{modules.python}``, ``{modules.scipy}``: both ``python/3.11.8``)
        written as the one most clusters use."""
        aliases = self.aliases(cluster)

        def best(match: re.Match[str]) -> str:
            same = aliases.get(match[0])
            if not same or len(same) == 1:
                return match[0]
            return max(sorted(same), key=lambda p: usage[p])  # the first name among equals

        return re.sub(r"(?<!\{)\{[\w.-]+\}(?!\})", best, template)

    def __call__(self, cluster: Cluster, text: str, line: int, *, output: bool = False) -> str:
        """``text`` with the cluster's facts as placeholders and its ``<x>`` as the table
        writes them; in ``output`` (what a command prints, never typed) ``<x>`` stays as
        written: ``{user}`` would show ``$USER`` where the shell prints a name."""
        text = text.replace("{", "{{").replace("}", "}}")
        for value, placeholder in self.facts(cluster):
            escaped = value.replace("{", "{{").replace("}", "}}")
            pattern = re.compile(rf"(?<![\w/.-]){re.escape(escaped)}(?![\w.-])")
            used = self.programs_of(placeholder) if value.startswith("-") else None
            if placeholder.startswith("{modules."):  # a module set: where modules load
                text = "\n".join(
                    pattern.sub(placeholder, row) if MODULE_COMMAND.search(row) else row
                    for row in text.split("\n")
                )
            elif used:  # options: on the lines of the programs the table gives them to
                text = "\n".join(
                    pattern.sub(placeholder, row) if programs(row) & used else row
                    for row in text.split("\n")
                )
            else:
                text = pattern.sub(placeholder, text)
        if cluster.placeholder:
            text = text.replace(cluster.placeholder, "{user}")

        def angle(match: re.Match[str]) -> str:
            known = KNOWN_ANGLES.get(match[1].strip().lower())
            if known and cluster.placeholder:
                return known
            why = (  # {user} shows the cluster's placeholder: a table without one has none
                f"the user's name, but cluster {cluster.key!r} has no placeholder fact"
                if known
                else "no fact of the table"
            )
            self.say(line, f"<{match[1]}> is {why}: written [{match[1]}]")
            return f"[{match[1]}]"

        return text if output else ANGLE.sub(angle, text)


def shared_output(outputs: dict[str, str], learner: Learner | None, line: int) -> list[str]:
    """The one output a step shows (each cluster's as JSON lines in ``outputs``). Outputs
    that differ only in values the table lacks ("Python 3.11.3" / "Python 3.12.3") are
    one with placeholders when the learner is on (``--add-clusters``: each cluster's
    value read from its tab); other differences: :class:`OutputDiffers`."""
    variants = {k: json.loads(v) for k, v in outputs.items()}
    if len(set(outputs.values())) <= 1:
        return next(iter(variants.values()), [])
    unified = learner.unify(variants, line, output=True) if learner is not None else None
    if unified is None:
        raise OutputDiffers(
            f"the clusters' blocks at line {line} show different output (a step has one)"
        )
    return unified


def group(
    blocks: dict[str, Block],
    table: Table,
    generalize: Generalizer,
    learner: Learner | None = None,
) -> tuple[dict[str, object], Choice, dict[str, str]]:
    """One step's fields for these clusters' variants of a block, how its one command
    list was chosen (:mod:`.fold`: overrides, comments folded, facts learned), and the
    clusters whose variant shows another cluster's facts (cluster -> that other one)."""
    keys = list(blocks)
    first = blocks[keys[0]]
    templates: dict[str, str] = {}
    outputs: dict[str, str] = {}
    for key, block in blocks.items():
        cluster = table.cluster(key)
        if block.kind == "file":
            templates[key] = generalize(cluster, "\n".join(block.lines).rstrip() + "\n", block.line)
        else:
            typed = [generalize(cluster, c, block.line) for c in typed_commands(block)]
            if not typed:
                raise KeepAsIs(f"a console block with no command (line {block.line})")
            if output_between_commands(block):
                raise OutputBetweenCommands(
                    f"the {cluster.label} block at line {block.line} shows output between "
                    "its commands (a step shows its output after them)"
                )
            templates[key] = json.dumps(typed)
            outputs[key] = json.dumps(
                [generalize(cluster, o, block.line, output=True) for o in output_lines(block)]
            )
    differs: OutputDiffers | None = None
    try:
        shown_output: object = shared_output(outputs, learner, first.line)
    except OutputDiffers as why:  # each its own, if the commands are shared (below)
        differs, shown_output = why, {k: json.loads(v) for k, v in outputs.items()}
    # a placeholder that shares its value with others on a cluster: the name the clusters
    # whose values tell them apart use, else the name most clusters have at that place
    usage: Counter[str] = Counter()
    for key, template in templates.items():
        aliases = generalize.aliases(table.cluster(key))
        for found in set(re.findall(r"\{[\w.-]+\}", template)):
            same = aliases.get(found, {found})
            usage.update({found: 1000} if len(same) == 1 else dict.fromkeys(same, 1))
    for key, template in templates.items():
        templates[key] = generalize.prefer(table.cluster(key), template, usage)
    templates = with_empty_facts(
        templates, table, json_lists=first.kind != "file", learner=learner, line=first.line
    )
    templates = as_shown_where_alike(templates, table, json_lists=first.kind != "file")
    drifts = drifted(templates, table, json_lists=first.kind != "file")
    if first.kind == "file":
        variants = {k: t.split("\n") for k, t in templates.items()}
    else:
        variants = {k: json.loads(t) for k, t in templates.items()}
    choice = choose(variants, learner, first.line, script=first.kind == "file")
    for key, name, value in drifts:
        cluster = table.cluster(key)
        if learner is not None and key in learner.learned.facts.get(name, {}):
            continue  # a stand-in the tab's value filled in (the report lists it)
        fact = table.fact(cluster, name)
        if STAND_IN in fact:  # not read: a value the table refuses (a path outside its roots)
            why = f"still {STAND_IN} on {cluster.label}, and the table would not take that value"
            advice = "fill it in"
        else:
            why, advice = f"which is {fact} on {cluster.label}", "check which is right"
        generalize.say(
            first.line,
            f"the {cluster.label} tab shows {value} where the other tabs show the table's "
            f"{{{name}}}, {why}: kept as shown; {advice}",
        )
    if differs is not None:
        alike = len(variants) - len(choice.overrides)
        if alike < 2 or 2 * alike < len(variants):
            raise differs
        shown_output = {k: v for k, v in shown_output.items() if v}  # type: ignore[attr-defined]
        generalize.say(
            first.line,
            f"the clusters' blocks at line {first.line} show different output: the "
            "commands shared, each cluster's output its own (output.KEY)",
        )
    overrides: dict[str, object]
    if first.kind == "file":
        common = "\n".join(choice.lines)
        fields: dict[str, object] = {"file": "", "content": common}
        overrides = {k: templates[k] for k in choice.overrides}
    else:
        common = json.dumps(choice.lines)
        fields = {"commands": choice.lines}
        output = shown_output
        if output:
            fields["output"] = output
        overrides = dict(choice.overrides)
    copied: dict[str, str] = {}
    for key in overrides:
        block = blocks[key]
        for other in table.clusters:
            if other.key == key:
                continue
            if block.kind == "file":
                text = generalize(other, "\n".join(block.lines).rstrip() + "\n", block.line)
                same = skeleton(text) == skeleton(common)
            else:
                typed = [generalize(other, c, block.line) for c in typed_commands(block)]
                same = json.dumps(typed) == common
            if same:
                copied[key] = other.key
                break
    if overrides:
        fields["override"] = overrides
    skipped = [key for key in table.cluster_keys if key not in keys]
    if skipped:
        fields["skip"] = {key: "This step is not shown for this cluster." for key in skipped}
    return fields, choice, copied
