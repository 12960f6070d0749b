"""``hpccourse migrate PAGE``: move hand-written per-cluster tabs onto the data table.

Centres' courses write each cluster's commands by hand, one ``.. tab:: UPPMAX`` (sphinx-tabs
``tabs``/``tab``/``group-tab``, or sphinx-design ``tab-set``/``tab-item``) per cluster.
This reads a page and, for every tab set in which at least two tabs are clusters of the
table (by key, label, center or cluster name), proposes:

- the steps, in the order the tabs show them: each console block becomes a command step
  (the most common form as ``commands``, the others as ``override.KEY``); each ``bash``
  (or ``sh``) block that is a file (a ``:caption:`` naming it, or a file name in the prose
  just before it) becomes a file step; the facts the table already has (allocation,
  storage, module sets, ...) become their placeholders, and ``<user>``-style placeholders
  ``{user}``; a step the table already has with the same commands is reused;
- each cluster's prose as that cluster's note of the step it precedes (prose that is the
  same in every cluster's tab goes above the steps, as it was written);
- the page, each such tab set replaced by ``.. cluster-commands::`` directives, and the tabs
  that are not clusters kept as a tab set of their own right after them.

What it cannot convert it leaves as it was and says why. It writes nothing unless told:
without ``--write`` it prints the steps (TOML) and the page; with ``--write`` it appends the
steps to the table and rewrites the page, keeping the original as ``PAGE.orig``.

No Sphinx here: the page is read as lines, so nothing outside the tab sets changes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .console.lines import classify, commands
from .console.model import LineKind
from .table import Cluster, Table, TableError, load_table

#: A tab set, and a tab in it (sphinx-tabs and sphinx-design).
TAB_SET = re.compile(r"^(?P<indent>\s*)\.\. (?:tabs|tab-set)::\s*$")
TAB = re.compile(r"^(?P<indent>\s*)\.\. (?:tab|group-tab|tab-item|code-tab)::\s*(?P<label>.*)$")
BLOCK = re.compile(r"^(?P<indent>\s*)\.\. (?:code-block|code|sourcecode)::\s*(?P<lang>\S*)\s*$")
OPTION = re.compile(r"^\s*:(?P<name>[\w-]+):\s*(?P<value>.*)$")
PROMPT = re.compile(r"^(?:\([\w.-]+\)\s+)?(?:\[[^\]\n]*\]|[\w.-]+@[\w.-]+(?::\S*)?)?\$ ?")
FILE_NAME = re.compile(r"[\w.+-]+\.(?:sh|bash|slurm|sbatch|job|batch)\b")
ANGLE = re.compile(r"<([A-Za-z][\w -]*)>")
#: ``<...>`` placeholders with a meaning the table has.
KNOWN_ANGLES = {
    "user": "{user}",
    "username": "{user}",
    "your-username": "{user}",
    "your username": "{user}",
    "project": "{allocation}",
    "proj": "{allocation}",
    "project-id": "{allocation}",
    "account": "{allocation}",
}
#: Facts too short (or too common) to stand for themselves in a command.
SHORTEST_FACT = 4
CONSOLE = {"console", "shell-session"}
SCRIPT = {"bash", "sh", "shell"}


@dataclass
class Unit:
    """One block of one cluster's tab: commands, or a file; with the prose before it."""

    kind: str  # "commands" or "file"
    lines: list[str]  # the commands (prompts stripped), or the file's lines
    file: str = ""
    prose: list[str] = field(default_factory=list)


@dataclass
class Proposal:
    """What migrating one page gives: new steps (TOML), the new page, and the report."""

    steps_toml: str
    page: str
    report: list[str]
    converted: int


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _extent(lines: list[str], start: int, indent: int) -> int:
    """The index after the body of the directive at ``start`` (indented deeper)."""
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return end


def _dedent(lines: list[str]) -> list[str]:
    depth = min((_indent(line) for line in lines if line.strip()), default=0)
    return [line[depth:] for line in lines]


def _paragraphs(lines: list[str]) -> list[str]:
    text = "\n".join(_dedent(lines)).strip()
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


class KeepAsIs(Exception):
    """A tab set that cannot be converted without losing something: the reason."""


def commands_of(unit: Unit) -> list[str]:
    """The commands of a console unit as typed (prompts stripped, here-documents whole),
    read by the console checker's own line reader."""
    return [c.text for c in commands(classify("\n".join(unit.lines))) if c.language == "shell"]


def output_of(unit: Unit) -> list[str]:
    """The lines of a console unit that are output."""
    return [line.raw for line in classify("\n".join(unit.lines)) if line.kind is LineKind.OUTPUT]


class Migrator:
    """Converts the tab sets of one page against one table."""

    def __init__(self, table: Table, page: Path) -> None:
        self.table = table
        self.page = page
        self.report: list[str] = []
        self.steps: dict[str, dict[str, object]] = {}
        self.number = 0

    def say(self, line: int, message: str) -> None:
        self.report.append(f"{self.page.name}:{line}: {message}")

    # ---------------------------------------------------------------- reading tabs

    def tabs_of(self, lines: list[str], start: int, end: int) -> list[tuple[str, int, int]]:
        """(label, first line, end) of each tab of the set at ``start``."""
        found: list[tuple[str, int, int]] = []
        depth = None
        for i in range(start + 1, end):
            match = TAB.match(lines[i])
            if match and (depth is None or len(match["indent"]) == depth):
                depth = len(match["indent"])
                found.append((match["label"].strip(), i, _extent(lines, i, depth)))
        return found

    def cluster_of(self, label: str) -> Cluster | None:
        found = self.table.cluster_for_label(label)
        if found is None:  # "UPPMAX (Rackham)", "Rackham @ UPPMAX"
            for word in re.findall(r"[\w-]+", label):
                found = found or self.table.cluster_for_label(word)
        return found

    def units(self, lines: list[str], start: int, end: int) -> tuple[list[Unit], list[str]]:
        """A tab's blocks in order (with the prose before each), and its closing prose."""
        units: list[Unit] = []
        prose: list[str] = []
        i = start + 1
        while i < end:
            match = BLOCK.match(lines[i])
            literal = lines[i].rstrip().endswith("::") and not lines[i].lstrip().startswith("..")
            if not match and not literal:
                prose.append(lines[i])
                i += 1
                continue
            depth = _indent(lines[i])
            stop = _extent(lines, i, depth)
            body = lines[i + 1 : stop]
            options = {}
            while body and (OPTION.match(body[0]) and match):
                option = OPTION.match(body[0])
                assert option is not None
                options[option["name"]] = option["value"].strip()
                body = body[1:]
            text = _dedent([b for b in body])
            while text and not text[0].strip():
                text = text[1:]
            language = match["lang"] if match else "console"
            if literal and lines[i].strip() != "::":  # "Load Python::" reads "Load Python:"
                prose.append(lines[i].rstrip()[:-1])
            before = _paragraphs(prose)
            if language in SCRIPT and not any(PROMPT.match(t) for t in text if t.strip()):
                name = options.get("caption", "")
                if not FILE_NAME.fullmatch(name or ""):
                    named = FILE_NAME.findall(" ".join(before[-1:]))
                    name = named[-1] if named else ""
                units.append(Unit("file", text, name, before))
            else:
                units.append(Unit("commands", text, prose=before))
            prose = []
            i = stop
        return units, _paragraphs(prose)

    # --------------------------------------------------------------- placeholders

    def generalize(self, cluster: Cluster, text: str, line: int) -> str:
        """``text`` with the cluster's facts and ``<...>`` placeholders as placeholders."""
        text = text.replace("{", "{{").replace("}", "}}")
        values: list[tuple[str, str]] = []
        for name in cluster.facts:
            if name in ("label", "center", "cluster", "docs_url", "placeholder"):
                continue
            try:
                expanded = self.table.fact(cluster, name)
            except TableError:
                continue
            if len(expanded) >= SHORTEST_FACT and "\n" not in expanded:
                values.append((expanded, f"{{{name}}}"))
        for name, modules in cluster.modules.items():
            if modules:
                values.append((" ".join(modules), f"{{modules.{name}}}"))
        values.sort(key=lambda pair: -len(pair[0]))
        for value, placeholder in values:
            text = re.sub(rf"(?<![\w/.-]){re.escape(value)}(?![\w.-])", placeholder, text)
        if cluster.placeholder:
            text = text.replace(cluster.placeholder, "{user}")

        def angle(match: re.Match[str]) -> str:
            known = KNOWN_ANGLES.get(match[1].strip().lower())
            if known:
                return known
            self.say(line, f"<{match[1]}> is no fact of the table: written [{match[1]}]")
            return f"[{match[1]}]"

        return ANGLE.sub(angle, text)

    # -------------------------------------------------------------------- steps

    def existing(self, per_cluster: dict[str, list[str]]) -> str | None:
        """A step of the table whose commands are exactly these, on every cluster."""
        for key, step in self.table.steps.items():
            if step.file or step.in_env:
                continue
            try:
                rendered = {c: self.table.render(key, c) for c in per_cluster}
            except TableError:
                continue
            if all(r.applies and list(r.commands) == per_cluster[c] for c, r in rendered.items()):
                return key
        return None

    def new_step(self, stem: str, fields: dict[str, object]) -> str:
        while True:
            self.number += 1
            name = f"{stem}-{self.number}"
            if name not in self.table.steps and name not in self.steps:
                break
        self.steps[name] = fields
        return name

    def step_for(
        self, stem: str, units: dict[str, Unit], line: int, keys: list[str]
    ) -> tuple[str, list[str]]:
        """The step for one block position across the clusters' tabs, and its notes."""
        first = units[keys[0]]
        templates: dict[str, str] = {}
        outputs: dict[str, str] = {}
        for key in keys:
            unit = units[key]
            cluster = self.table.cluster(key)
            if unit.kind == "file":
                templates[key] = self.generalize(
                    cluster, "\n".join(unit.lines).rstrip() + "\n", line
                )
            else:
                typed = commands_of(unit)
                output = [self.generalize(cluster, o, line) for o in output_of(unit) if o.strip()]
                outputs[key] = json.dumps(output)
                templates[key] = json.dumps([self.generalize(cluster, c, line) for c in typed])
        fields: dict[str, object] = {}
        notes = {k: " ".join(units[k].prose) for k in keys if units[k].prose}
        shown_above: list[str] = []
        if len(set(notes.values())) == 1 and len(notes) == len(keys):
            shown_above, notes = list(units[keys[0]].prose), {}  # the same in every tab
        common, _count = Counter(templates.values()).most_common(1)[0]
        if first.kind == "file":
            names = {units[k].file for k in keys if units[k].file}
            name = sorted(names)[0] if names else f"{stem}.sh"
            if not names:
                self.say(line, f"a script with no file name: named it {name}")
            fields["file"] = name
            fields["content"] = common
            overrides: dict[str, object] = {k: t for k, t in templates.items() if t != common}
        else:
            if len(set(outputs.values())) > 1:
                raise KeepAsIs("the clusters' blocks show different output (a step has one)")
            shown_output = json.loads(outputs[keys[0]])
            found = self.existing({k: commands_of(units[k]) for k in keys})
            reusable = not notes and not shown_output and len(keys) == len(self.table.clusters)
            if found is not None and reusable:
                return found, shown_above
            fields["commands"] = json.loads(common)
            if shown_output:
                fields["output"] = shown_output
            overrides = {k: json.loads(t) for k, t in templates.items() if t != common}
        if overrides:
            fields["override"] = overrides
        skipped = [key for key in self.table.cluster_keys if key not in keys]
        if skipped:
            fields["skip"] = {key: "This step is not shown for this cluster." for key in skipped}
        if notes:
            fields["note"] = {
                k: self.generalize(self.table.cluster(k), n, line) for k, n in notes.items()
            }
            if any(re.search(r"`|\*\*|:\w+:", n) for n in notes.values()):
                self.say(line, "a note keeps its markup as plain text: reword it if needed")
        return self.new_step(stem, fields), shown_above

    # --------------------------------------------------------------------- page

    def convert(self, lines: list[str], start: int, end: int, stem: str) -> list[str] | None:
        """The lines that replace the tab set at ``start``, or None to keep it."""
        tabs = self.tabs_of(lines, start, end)
        clusters = [(label, self.cluster_of(label), s, e) for label, s, e in tabs]
        ours = [(c, s, e) for _label, c, s, e in clusters if c is not None]
        if len(ours) < 2:
            return None
        keys = [c.key for c, _s, _e in ours]
        if len(set(keys)) != len(keys):
            self.say(start + 1, "two tabs name the same cluster: not converted")
            return None
        parsed = {c.key: self.units(lines, s, e) for c, s, e in ours}
        shapes = {tuple(u.kind for u in units) for units, _tail in parsed.values()}
        if len(shapes) != 1 or not next(iter(shapes)):
            self.say(
                start + 1,
                "the cluster tabs show different kinds or numbers of blocks "
                f"({'; '.join(f'{k}: {len(u)}' for k, (u, _t) in parsed.items())}): not converted",
            )
            return None
        indent = " " * _indent(lines[start])
        out: list[str] = []
        proposed = dict(self.steps)
        for position in range(len(next(iter(shapes)))):
            units = {key: parsed[key][0][position] for key in keys}
            try:
                name, above = self.step_for(stem, units, start + 1, keys)
            except KeepAsIs as reason:
                self.steps = proposed  # none of this set's steps
                self.say(start + 1, f"{reason}: not converted")
                return None
            for paragraph in above:
                out += [indent + paragraph, ""]
            out += [f"{indent}.. cluster-commands:: {name}", ""]
        tails = {key: " ".join(parsed[key][1]) for key in keys if parsed[key][1]}
        if tails:
            if len(set(tails.values())) == 1 and len(tails) == len(keys):
                out += [indent + next(iter(tails.values())), ""]
            else:
                last = list(self.steps)[-1] if self.steps else None
                if last is None:
                    self.say(start + 1, "prose after the last block: not converted")
                    return None
                notes = self.steps[last].setdefault("note", {})
                for key, text in tails.items():
                    notes[key] = (notes.get(key, "") + " " + text).strip()  # type: ignore[union-attr]
        others = [(label, s, e) for label, c, s, e in clusters if c is None]
        if others:
            for label, _s, _e in others:
                self.say(start + 1, f"tab {label!r} is no cluster: kept in a tab set of its own")
            out += [lines[start], ""]
            for _label, s, e in others:
                out += [*lines[s:e], ""]
        self.say(start + 1, f"tab set of {', '.join(keys)}: converted")
        return out[:-1] if out and out[-1] == "" else out

    def run(self, text: str) -> Proposal:
        lines = text.split("\n")
        out: list[str] = []
        i = 0
        converted = 0
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", self.page.stem).strip("-") or "page"
        while i < len(lines):
            match = TAB_SET.match(lines[i])
            if not match:
                out.append(lines[i])
                i += 1
                continue
            end = _extent(lines, i, len(match["indent"]))
            replacement = self.convert(lines, i, end, stem)
            if replacement is None:
                out += lines[i:end]
            else:
                out += replacement
                converted += 1
            i = end
        return Proposal(steps_toml(self.steps), "\n".join(out), self.report, converted)


def toml_string(value: str) -> str:
    """A TOML string for ``value``: a multi-line literal string when that is exact."""
    if "\n" in value and "'''" not in value and not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value):
        return "'''\n" + value + "'''"
    return json.dumps(value, ensure_ascii=False)


def toml_value(value: object) -> str:
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(value)


def steps_toml(steps: dict[str, dict[str, object]]) -> str:
    """``[steps.NAME]`` sections for the proposed steps, in page order."""
    parts = []
    for name, fields in steps.items():
        rows = [f"[steps.{name}]"]
        for key, value in fields.items():
            if isinstance(value, dict):
                rows += [f"{key}.{k} = {toml_value(v)}" for k, v in value.items()]
            else:
                rows.append(f"{key} = {toml_value(value)}")
        parts.append("\n".join(rows))
    return "\n\n".join(parts) + ("\n" if parts else "")


def migrate(page: Path, table_path: Path) -> Proposal:
    """The proposal for ``page`` against the table at ``table_path``; writes nothing."""
    table = load_table(table_path)
    return Migrator(table, page).run(page.read_text(encoding="utf-8"))


def write(page: Path, table_path: Path, proposal: Proposal) -> None:
    """Append the steps to the table and rewrite the page (the original kept as .orig)."""
    backup = page.with_name(page.name + ".orig")
    if backup.exists():
        raise FileExistsError(f"{backup} exists: move it away first (never overwritten)")
    original = page.read_text(encoding="utf-8")
    backup.write_text(original, encoding="utf-8")
    if proposal.steps_toml:
        text = table_path.read_text(encoding="utf-8")
        joined = text.rstrip("\n") + "\n\n# Steps of " + page.name + ", by hpccourse migrate.\n"
        table_path.write_text(joined + proposal.steps_toml, encoding="utf-8")
    page.write_text(proposal.page, encoding="utf-8")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hpccourse migrate",
        description="Turn a page's hand-written per-cluster tabs into cluster-commands steps.",
    )
    parser.add_argument("page", type=Path, help="the .rst page to read")
    parser.add_argument(
        "--table", type=Path, help="the data table (default: clusters.toml beside the page)"
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="append the steps to the table and rewrite the page (keeps PAGE.orig)",
    )
    args = parser.parse_args(list(argv))
    table_path = args.table or args.page.parent / "clusters.toml"
    try:
        proposal = migrate(args.page, table_path)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"hpccourse migrate: cannot read {args.page}: {exc}", file=sys.stderr)
        return 2
    except TableError as exc:
        print(f"hpccourse migrate: {exc}", file=sys.stderr)
        return 2
    for line in proposal.report:
        print(line, file=sys.stderr)
    if not proposal.converted:
        print("hpccourse migrate: no tab set of clusters to convert", file=sys.stderr)
        return 1
    if args.write:
        try:
            write(args.page, table_path, proposal)
        except FileExistsError as exc:
            print(f"hpccourse migrate: {exc}", file=sys.stderr)
            return 2
        print(f"wrote {args.page} (original: {args.page.name}.orig) and {table_path}")
        return 0
    print(f"# New steps for {table_path}:\n")
    print(proposal.steps_toml)
    print(f"# {args.page}, rewritten (run again with --write to save both):\n")
    print(proposal.page)
    return 0
