"""Facts a page shows that the table lacks, learned so that one command list fits all.

When the clusters' variants of a block (already written with the table's placeholders)
differ only where a fact goes -- the modules a line loads (and ``ml`` against ``module
load``), the value of ``-A``/``--partition`` and the like or of any ``#SBATCH`` option,
a folder in a path or the variable holding it (``$SNIC_TMP``, ``$TMPDIR``), the host
of ``user@host`` (ssh, scp, rsync), options some clusters give and others not
(:mod:`.flags`), the list a ``for`` loop runs over, the module ``module spider`` looks
up, which of one tool's names a line starts with (``mamba`` for ``conda``, ``mpprun``
for ``srun``), and in a script a run of ``#SBATCH`` lines or of module lines (with the
environment activated after them) some clusters write in more lines -- each differing
value becomes a new
fact of its cluster (a module set for modules), named after the page, and the variants
become one command list with a placeholder there. Anything else that differs (another
command, another option, a line more) is no fact: nothing is learned.

Each cluster's command rendered from the shared list with its learned values (as the
table fills them in) is checked to be exactly its variant before anything is kept. The
learned facts go into the table (``--add-clusters`` only), each line marked for the
teacher to check (:mod:`.learnedtext`); while marked, a fact is its page's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..table import Table, TableError
from ..table.model import RESERVED, empty_value_gap
from ..table.moduletree import TREE_MODULE
from ..table.paths import PATH_FACT_SUFFIXES, folder, module_name, path_fact, under_roots
from .flags import FLAG, flag_slot, launcher_slot, loop_slot
from .model import STAND_IN

#: A line that loads modules: the command, then the modules (one fact: a module set).
MODULE_LINE = re.compile(
    r"^(?P<command>\s*(?:module\s+(?:load|add)|ml)\s+)"
    r"(?!(?:purge|spider|avail|list|unload|save|restore|show|help|keyword|whatis|swap|"
    r"load|add|-)\b)(?P<modules>[^\s#|&;<>$`]+(?:\s+[^\s#|&;<>$`]+)*)\s*$"
)
#: Options whose value is a fact of the cluster, and the name the fact gets.
FACT_OPTIONS = {
    "-A": "account",
    "--account": "account",
    "-p": "partition",
    "--partition": "partition",
    "-M": "clusters",
    "--clusters": "clusters",
    "-C": "constraint",
    "--constraint": "constraint",
    "--gres": "gres",
    "--reservation": "reservation",
    "--qos": "qos",
}
SEPARATOR = re.compile(r"(\s+|=)")
#: Script lines that come in runs: the job's requests; what it loads (modules, and the
#: environment it activates after them: ``source .../bin/activate``, ``conda activate``).
RUNS = {
    "sbatch": re.compile(r"^\s*#SBATCH\b"),
    "loads": re.compile(
        r"^\s*(?:(?:module|ml)\s|(?:source|\.)\s+\S*/bin/activate\s*$"
        r"|(?:conda|mamba|source)\s+activate\s)"
    ),
}


def run_kind(line: str) -> str:
    """``sbatch`` or ``loads`` for a line of a run, else ``""``."""
    return next((kind for kind, pattern in RUNS.items() if pattern.match(line)), "")


def join_runs(lines: list[str]) -> list[str]:
    """``lines`` with each run of lines of one kind joined into one entry."""
    out: list[str] = []
    last = ""
    for line in lines:
        kind = run_kind(line)
        if kind and kind == last:
            out[-1] += "\n" + line
        else:
            out.append(line)
        last = kind
    return out


PLACEHOLDER = re.compile(r"(?<!\{)\{([\w.-]+)\}(?!\})")


def unfit(table: Table, name: str, value: str) -> str | None:
    """What the table's loader would reject in a path fact read from a page (``None``:
    nothing): the teacher fills it in instead."""
    if not name.endswith(PATH_FACT_SUFFIXES):
        return None
    if any(quote in value for quote in "\"'"):
        return "is quoted (the shell's quotes, not the path)"
    if name == "storage_root":
        return folder(value) or under_roots(value, table.course.project_roots)
    return path_fact(value) if "{" not in value else None


@dataclass
class Learned:
    """The facts learned on one page: per fact name, each cluster's value."""

    page: str
    facts: dict[str, dict[str, str]] = field(default_factory=dict)
    modules: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # fact name -> its page line

    def __bool__(self) -> bool:
        return bool(self.facts or self.modules)


class Learner:
    """Unifies the variants of one block (lines with the table's placeholders)."""

    def __init__(self, table: Table, page: str, enabled: bool) -> None:
        self.table = table
        self.enabled = enabled
        self.learned = Learned(page)
        self.output = False  # unifying what commands print (any word a value)

    def learn_fact(self, name: str, key: str, value: str, line: int) -> None:
        """A fact of cluster ``key`` read from the page at ``line`` (written marked)."""
        self.learned.facts.setdefault(name, {})[key] = value
        self.learned.lines.setdefault(name, line)

    # ------------------------------------------------------------ one block

    def unify(
        self,
        variants: dict[str, list[str]],
        line: int,
        *,
        script: bool = False,
        output: bool = False,
    ) -> list[str] | None:
        """One list of lines for every cluster (new placeholders where facts differ), or
        None when the variants differ in anything that is no fact (nothing learned).

        In a script, each run of ``#SBATCH`` lines and of module lines is one entry
        (lines joined): a run some clusters write in more lines than others is one fact
        of each cluster (what the job asks of it, the modules it loads). ``output``: the
        variants are what a command prints, where any one word that differs (a version, a
        node's name) is a value of each cluster."""
        self.output = output
        if script:
            variants = {k: join_runs(v) for k, v in variants.items()}
        if not self.enabled:
            return None
        for padded, extra in _padded(variants) if not (script or output) else [(variants, -1)]:
            found = self._rows(padded, extra)
            if found is not None:
                out, facts, modules = found
                break
        else:
            return None
        for name, values in facts.items():
            self.learned.facts.setdefault(name, {}).update(values)
            self.learned.lines.setdefault(name, line)
        for name, sets in modules.items():
            self.learned.modules.setdefault(name, {}).update(sets)
            self.learned.lines.setdefault(f"modules.{name}", line)
        return out

    def _rows(
        self, variants: dict[str, list[str]], extra: int
    ) -> tuple[list[str], dict[str, dict[str, str]], dict[str, dict[str, list[str]]]] | None:
        """The variants (of one length) unified row by row, with the facts and module
        sets read; row ``extra`` is a command some clusters type and the others not (empty
        there), one fact of each. None unless each cluster is shown exactly its variant."""
        if len({len(v) for v in variants.values()}) != 1:
            return None
        facts: dict[str, dict[str, str]] = {}
        modules: dict[str, dict[str, list[str]]] = {}
        out = []
        for index, rows in enumerate(zip(*variants.values(), strict=True)):
            row = dict(zip(variants, rows, strict=True))
            if index == extra:
                name = self._name("extra", dict(row), facts, self.learned.facts)
                if name is None:
                    return None
                facts[name] = row
                unified: str | None = f"{{{name}}}"
            else:
                unified = self._row(row, facts, modules)
            if unified is None:
                return None
            out.append(unified)
        for key, mine in variants.items():  # each cluster is shown exactly its variant
            filled = [self._shown(key, self._fill(key, row, facts, modules)) for row in out]
            if filled != [self._shown(key, row) for row in mine]:
                return None
        return out, facts, modules

    def _shown(self, key: str, row: str) -> str:
        """``row`` as cluster ``key`` is shown it, as far as the table's facts go: its
        module sets and facts written out (learned facts stay placeholders)."""
        facts = self.table.cluster(key).facts

        def value(match: re.Match[str]) -> str:
            try:
                return self.table.fact(key, match[1]) if match[1] in facts else match[0]
            except TableError:
                return match[0]

        return PLACEHOLDER.sub(value, self._sets(key, row))

    def would_unify(self, variants: dict[str, list[str]], *, script: bool = False) -> bool:
        """Whether :meth:`unify` would make one list of these with ``--add-clusters``
        (nothing is learned: for the report's hint)."""
        enabled, learned = self.enabled, self.learned
        self.enabled, self.learned = True, Learned(learned.page)
        try:
            return self.unify(variants, 0, script=script) is not None
        finally:
            self.enabled, self.learned = enabled, learned

    def _row(
        self,
        row: dict[str, str],
        facts: dict[str, dict[str, str]],
        modules: dict[str, dict[str, list[str]]],
    ) -> str | None:
        """One entry for the clusters' entries ``row`` (a line, or a run of lines)."""
        row = self._as_placeholders(self._stand_ins(row, facts))
        rows = list(row.values())
        if len(set(rows)) == 1:
            return rows[0]
        split = {k: v.split("\n") for k, v in row.items()}
        # line by line; else (a here-document's script) each run of #SBATCH or module
        # lines one entry, whatever its length on each cluster
        for parts in (split, {k: join_runs(v) for k, v in split.items()}):
            unified = self._parts(parts, facts, modules)
            if unified is not None:
                return unified
        if any("\n" in r for r in rows):  # runs of other lengths: each cluster's, a fact
            kinds = {run_kind(r.split("\n")[0]) for r in rows}
            kind = kinds.pop() if len(kinds) == 1 else ""
            name = self._name(kind, dict(row), facts, self.learned.facts) if kind else None
            if name is None:
                return None
            facts[name] = dict(row)
            return f"{{{name}}}"
        if all(map(MODULE_LINE.match, rows)):
            unified = self._modules(row, modules, facts) or self._loads(row, facts)
            if unified is not None:
                return unified
        launched = launcher_slot(row)
        if launched is not None:  # `srun` before the command on some clusters: one fact
            line, values = launched
            name = self._name("launcher", dict(values), facts, self.learned.facts)
            if name is not None:
                facts[name] = values
                return line.replace(FLAG, f"{{{name}}}")
        # a loop's list, or options some give and others not: one fact, then the rest
        for kind, slot in (("values", loop_slot), ("flags", flag_slot)):
            found = slot(row)
            if found is None:
                continue
            lines, values = found
            name = self._name(kind, dict(values), facts, self.learned.facts)
            if name is not None:
                kept = dict(facts)
                facts[name] = values
                named = {k: v.replace(FLAG, f"{{{name}}}") for k, v in lines.items()}
                unified = self._tokens(named, facts)
                if unified is not None:
                    return unified
                facts.clear()
                facts.update(kept)
        return self._tokens(row, facts)

    def _parts(
        self,
        parts: dict[str, list[str]],
        facts: dict[str, dict[str, str]],
        modules: dict[str, dict[str, list[str]]],
    ) -> str | None:
        """The clusters' entries cut into as many parts each, one entry of them part by
        part (None when their numbers differ, or there is one part only); all or
        nothing: what was learned on the way is forgotten when a part fails."""
        if len({len(v) for v in parts.values()}) != 1 or len(next(iter(parts.values()))) < 2:
            return None
        kept = dict(facts), dict(modules)
        unified = [
            self._row(dict(zip(parts, entries, strict=True)), facts, modules)
            for entries in zip(*parts.values(), strict=True)
        ]
        if all(u is not None for u in unified):
            return "\n".join(unified)  # type: ignore[arg-type]
        facts.clear(), modules.clear()
        facts.update(kept[0]), modules.update(kept[1])
        return None

    def _loads(self, row: dict[str, str], facts: dict[str, dict[str, str]]) -> str | None:
        """A module line whose modules are no module names (``[python/version]``): what
        it loads, as written, one fact of each cluster."""
        matches = {k: MODULE_LINE.match(text) for k, text in row.items()}
        command = self._load_command(matches, facts)
        if command is None:
            return None
        values = {k: m["modules"] for k, m in matches.items() if m}
        name = self._name("load", dict(values), facts, self.learned.facts)
        if name is None:
            return None
        self._commit(command, facts)
        facts[name] = values
        return f"{command[0]}{{{name}}}"

    def _load_command(
        self, matches: dict[str, re.Match[str] | None], facts: dict[str, dict[str, str]]
    ) -> tuple[str, str, dict[str, str]] | None:
        """The command before the modules, one for every cluster: as written where all
        write it alike; else, where some write Lmod's ``ml`` and others ``module load``,
        a fact of each cluster (its name and values, for :meth:`_commit`)."""
        commands = {k: m["command"] for k, m in matches.items() if m}
        if len(commands) != len(matches):
            return None
        if len(set(commands.values())) == 1:
            return next(iter(commands.values())), "", {}
        indents = {c[: len(c) - len(c.lstrip())] for c in commands.values()}
        values = {k: " ".join(c.split()) for k, c in commands.items()}
        if len(indents) != 1 or not set(values.values()) <= LOAD_COMMANDS:
            return None
        name = self._name("program", dict(values), facts, self.learned.facts)
        return (f"{indents.pop()}{{{name}}} ", name, values) if name else None

    @staticmethod
    def _commit(command: tuple[str, str, dict[str, str]], facts: dict[str, dict[str, str]]) -> None:
        """Keep the fact :meth:`_load_command` made, if it made one."""
        if command[1]:
            facts[command[1]] = command[2]

    def _fill(
        self,
        key: str,
        row: str,
        facts: dict[str, dict[str, str]],
        modules: dict[str, dict[str, list[str]]],
    ) -> str:
        out, pos = [], 0
        for match in PLACEHOLDER.finditer(row):  # as the table fills them in
            out.append(row[pos : match.start()])
            pos = match.end()
            name = match[1]
            if name.startswith("modules.") and name[8:] in modules:
                value = " ".join(modules[name[8:]][key])
            elif name in CLUSTER_NAMES and name not in facts:  # the table's own name of it
                value = str(self.table.cluster(key).facts.get(name, match[0]))
            else:
                value = facts[name][key] if key in facts.get(name, {}) else match[0]
            if not value:  # as the table shows it: one space goes with it
                out[-1], skip = empty_value_gap(out[-1], row, match.start(), pos)
                pos += skip
            out.append(value)
        return "".join([*out, row[pos:]])

    def _sets(self, key: str, row: str) -> str:
        """``row`` with the cluster's module sets of the table written out."""
        sets = self.table.cluster(key).modules

        def value(match: re.Match[str]) -> str:
            name = match[1][8:] if match[1].startswith("modules.") else ""
            return " ".join(sets[name]) if name in sets else match[0]

        return PLACEHOLDER.sub(value, row)

    def _modules(
        self,
        row: dict[str, str],
        modules: dict[str, dict[str, list[str]]],
        facts: dict[str, dict[str, str]],
    ) -> str | None:
        """``module load {modules.NAME}``, each cluster's modules a new module set."""
        matches = {k: MODULE_LINE.match(text) for k, text in row.items()}
        command = self._load_command(matches, facts)
        if command is None:
            return None
        sets: dict[str, list[str]] = {}
        for key, match in matches.items():
            assert match is not None
            names = self._module_names(key, match["modules"])
            if names is None:
                return None
            sets[key] = names
        name = self._name("modules", sets, modules, self.learned.modules)
        if name is None:
            return None
        modules[name] = sets
        self._commit(command, facts)
        return f"{command[0]}{{modules.{name}}}"

    def _module_names(self, key: str, text: str) -> list[str] | None:
        """The modules ``text`` loads on cluster ``key`` (a table module set written out)."""
        cluster = self.table.cluster(key)
        names: list[str] = []
        for word in text.split():
            found = re.fullmatch(r"\{modules\.([\w-]+)\}", word)
            if found and found[1] in cluster.modules:
                names += cluster.modules[found[1]]
            elif module_name(word) is None and "{" not in word and "}" not in word:
                if cluster.module_tree.declared and not TREE_MODULE.match(word):
                    return None  # its tree names NAME/VERSION: the line is one fact instead
                names.append(word)
            else:
                return None
        return names

    def _tokens(self, row: dict[str, str], facts: dict[str, dict[str, str]]) -> str | None:
        """The line with a placeholder at each token that differs where a fact goes."""
        split = {k: SEPARATOR.split(text) for k, text in row.items()}
        if len({len(parts) for parts in split.values()}) != 1:
            return None
        out: list[str] = []
        first = next(iter(split.values()))
        program = next((i for i in range(0, len(first), 2) if first[i]), -1)
        for index, words in enumerate(zip(*split.values(), strict=True)):
            if len(set(words)) == 1:
                out.append(words[0])
                continue
            if index % 2:  # a separator: another spacing is another line
                return None
            values = dict(zip(row, words, strict=True))
            known = self._still_to_fill(values)
            if known is not None:  # a fact of the table some clusters show as a value
                name, shown = known
                facts[name] = {**facts.get(name, {}), **shown}  # a new dict: undone whole
                out.append(f"{{{name}}}")
                continue
            option = self._option_before(out, sbatch=out[:1] == ["#SBATCH"])
            if option:
                kind, prefix, suffix = option, "", ""
            elif (hosts := _hosts(values)) is not None:
                kind = "host"  # `ssh [user]@pelle.uppmax.uu.se`: the login host
                prefix, suffix, values = hosts
            elif _queried(out) and all(MODULE_WORD.fullmatch(w) for w in words):
                kind, prefix, suffix = "module", "", ""  # `module spider cray-python`
            elif all("/" in w or SHELL_VARIABLE.match(w) for w in words):
                # a folder, or the variable that holds it (`$SNIC_TMP`, `$TMPDIR`, `/tmp`)
                kind = "folder" if any("/" in w for w in words) else "variable"
                prefix, suffix, values = _trim(values)
            elif (named := self._cluster_names(values)) is not None and named[0]:
                out.append(f"{named[1]}{{{named[0]}}}{named[2]}")  # the table's own fact
                continue
            elif named is not None:  # the cluster's name written otherwise (`job_pelle.sh`)
                kind, (prefix, suffix, values) = "name", named[1:]
            elif (variable := _assigned(out)) is not None:  # `OMP_NUM_THREADS=8`: a setting
                kind, prefix, (suffix, values) = variable.lower(), "", _unquoted(values)
            elif index and (numbered := _numbers(values)) is not None:  # not the program:
                kind, (prefix, suffix, values) = "number", numbered  # a job's (`job_41.out`)
            elif index == program and _one_tool(words, split, index):  # `mamba`, `conda`
                kind, prefix, suffix = "program", "", ""
            elif self.output:
                kind, prefix, suffix = "output", "", ""
            else:
                return None
            if any(re.search(r"\s|\n", v) for v in values.values()):
                return None
            name = self._name(kind, values, facts, self.learned.facts)
            if name is None:
                return None
            facts[name] = values
            out.append(f"{prefix}{{{name}}}{suffix}")
        return "".join(out)

    def _as_placeholders(self, row: dict[str, str]) -> dict[str, str]:
        """``row`` with each cluster's entry that is the one entry with placeholders the
        others write, filled in with that cluster's facts (``#!/bin/bash`` where the
        others write ``{batch_shell}``, and its ``batch_shell`` is ``#!/bin/bash``),
        written as that entry."""
        templates = {text for text in row.values() if PLACEHOLDER.search(text)}
        if len(templates) != 1:
            return row
        template = templates.pop()
        out = dict(row)
        for key, text in row.items():
            if text == template or "{" in text:
                continue
            try:
                if self.table.expand(key, template) == text:
                    out[key] = template
            except TableError:  # a fact learned on this page, not in the table yet
                continue
        return out

    def _cluster_names(self, values: dict[str, str]) -> tuple[str, str, str, dict[str, str]] | None:
        """Where each cluster's word holds one of its own names (its cluster's, centre's
        or label) at the same place, between the same text: that fact's name when every
        word writes it as the table does, else ``""``; the text before and after; and the
        name as each word writes it (``job_pelle.sh``, ``"env (Kebnekaise)"``)."""
        for fact in CLUSTER_NAMES:
            found: dict[str, tuple[str, str, str]] = {}
            for key, word in values.items():
                name = str(self.table.cluster(key).facts.get(fact, ""))
                at = word.lower().find(name.lower()) if name else -1
                if at < 0:
                    break
                end = at + len(name)
                found[key] = (word[:at], word[end:], word[at:end])
            else:
                if len({(before, after) for before, after, _ in found.values()}) != 1:
                    continue
                before, after, _ = next(iter(found.values()))
                shown = {k: v[2] for k, v in found.items()}
                own = all(v == self.table.cluster(k).facts.get(fact) for k, v in shown.items())
                return (fact if own else ""), before, after, shown
        return None

    def _stand_ins(self, row: dict[str, str], facts: dict[str, dict[str, str]]) -> dict[str, str]:
        """``row`` with the entry of each cluster that shows values where the most common
        entry with placeholders has them, those facts being still stand-ins (``FILL-IN``)
        there, written as that entry; the values read go into ``facts``. (``salloc -A
        {allocation} {batch_resources}`` elsewhere, ``salloc -A p123 -n 1`` on a cluster
        ``--add-clusters`` added without them.)"""
        templates = [r for r in row.values() if PLACEHOLDER.search(r)]
        if not templates or len(set(row.values())) == 1:
            return row
        template = max(templates, key=templates.count)
        out = dict(row)
        for key, text in row.items():
            values = self._read_stand_ins(key, template, text) if text != template else None
            if values:
                for name, value in values.items():
                    facts[name] = {**facts.get(name, {}), key: value}
                out[key] = template
        return out

    def _read_stand_ins(self, key: str, template: str, text: str) -> dict[str, str] | None:
        """The values ``text`` gives the placeholders of ``template`` whose facts are
        stand-ins on cluster ``key``; its other placeholders it must show as they are.
        Read left to right, each value ending where the template's next text is found
        (linear in the line: no backtracking on a long hostile line); a wrong split is
        caught by :meth:`unify`'s check that every cluster is shown its own line."""
        cluster = self.table.cluster(key)
        pieces: list[str] = []  # literal text, then a stand-in's name, and so on
        literal, pos = "", 0
        for match in PLACEHOLDER.finditer(template):
            literal += template[pos : match.start()]
            pos = match.end()
            if STAND_IN in cluster.facts.get(match[1], "") and match[1] not in pieces[1::2]:
                pieces += [literal, match[1]]
                literal = ""
            else:
                literal += match[0]
        pieces.append(literal + template[pos:])
        if len(pieces) < 3 or not text.startswith(pieces[0]):
            return None
        values: dict[str, str] = {}
        at = len(pieces[0])
        for name, after in zip(pieces[1::2], pieces[2::2], strict=True):
            if not after and name != pieces[-2]:
                return None  # two stand-ins side by side cannot be told apart
            end = text.find(after, at + 1) if after else len(text)  # the last: to the end
            if end < 0:
                return None
            values[name], at = text[at:end], end + len(after)
        if at != len(text) or not all(v and v == v.strip() for v in values.values()):
            return None
        if any("{" in v or "\n" in v or unfit(self.table, n, v) for n, v in values.items()):
            return None
        return values

    def _still_to_fill(self, values: dict[str, str]) -> tuple[str, dict[str, str]] | None:
        """Where some clusters show one of the table's placeholders (``{allocation}``) and
        the others a value, and that fact is still a stand-in (``FILL-IN``) on each of
        those others (a cluster ``--add-clusters`` added): the fact, and their values."""
        placeholders = {w for w in values.values() if PLACEHOLDER.fullmatch(w)}
        if len(placeholders) != 1:
            return None
        name = placeholders.pop()[1:-1]
        shown = {k: w for k, w in values.items() if not PLACEHOLDER.fullmatch(w)}
        for key, word in shown.items():
            cluster = self.table.cluster(key)
            if STAND_IN not in cluster.facts.get(name, "") or not word or "{" in word:
                return None
            if unfit(self.table, name, word):  # the table would refuse it: left to fill in
                return None
        return name, shown

    @staticmethod
    def _option_before(out: list[str], sbatch: bool) -> str:
        """The fact an option just before this token gives (``-A X``, ``--account=X``);
        on a ``#SBATCH`` line, any option's value (what the job asks of that cluster)."""
        words = [w for w in out if w.strip() and w != "="]
        if not words:
            return ""
        if sbatch and re.fullmatch(r"--?[A-Za-z][\w-]*", words[-1]):
            return FACT_OPTIONS.get(words[-1], words[-1].lstrip("-").lower())
        return FACT_OPTIONS.get(words[-1], "")

    def _name(
        self,
        kind: str,
        values: dict[str, object],
        new: dict[str, object],
        learned: dict[str, dict[str, object]],
    ) -> str | None:
        """A fact name for these values: one learned already with the same values, else
        a new one (``PAGE-KIND``, ``PAGE-KIND-2``...) no cluster and no placeholder has."""
        # a fact's name is a placeholder's: it starts with a letter ("02_storage.rst")
        page = re.sub(r"^[^A-Za-z]+", "", self.learned.page) or "page"
        base = f"{page}-{kind}" if kind != "modules" else self.learned.page
        for name, known in [*new.items(), *learned.items()]:
            if re.fullmatch(rf"{re.escape(base)}(?:-\d+)?", name) and all(
                known.get(k, v) == v  # type: ignore[attr-defined]
                for k, v in values.items()
            ):
                return name
        taken = set(self.table.placeholders) | set(RESERVED) | set(new) | set(learned)
        for cluster in self.table.clusters:
            taken |= set(cluster.facts) | set(cluster.modules)
        name, number = base, 1
        while name in taken:
            number += 1
            name = f"{base}-{number}"
        return (
            name
            if re.fullmatch(r"[A-Za-z_][\w-]*" if kind != "modules" else r"[\w-]+", name)
            else None
        )


def _padded(variants: dict[str, list[str]]) -> list[tuple[dict[str, list[str]], int]]:
    """The variants as they are (row -1: none extra); or, where some clusters type one
    command more than the others, for each place it may be, the others with an empty
    row there (a command the table does not show where its fact is empty)."""
    lengths = sorted({len(v) for v in variants.values()})
    if len(lengths) == 1:
        return [(variants, -1)]
    if len(lengths) != 2 or lengths[1] != lengths[0] + 1 or not lengths[0]:
        return []
    short = lengths[0]
    return [
        ({k: v if len(v) > short else [*v[:i], "", *v[i:]] for k, v in variants.items()}, i)
        for i in range(short + 1)
    ]


#: The facts that name a cluster, in the order a word is matched against them.
CLUSTER_NAMES = ("cluster", "center", "label")
#: A shell variable's name, as an assignment (``export NAME=value``) writes it.
VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _assigned(out: list[str]) -> str | None:
    """What a line sets, when the words so far end in ``NAME=`` (a variable) or
    ``--name=``/``-name=`` (an option's value: ``-march=znver3``): its name."""
    if len(out) < 2 or out[-1] != "=":
        return None
    if VARIABLE.fullmatch(out[-2]):
        return out[-2]
    option = re.fullmatch(r"--?([A-Za-z][\w-]*)", out[-2])
    return option[1] if option else None


def _unquoted(values: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The quotes every value ends in alike (``znver3"``, ``x86-64-v3"``), and the values
    without them."""
    first = next(iter(values.values()))
    end = _common_start([v[::-1] for v in values.values()])
    tail = first[len(first) - end :] if end else ""
    quotes = len(tail) - len(tail.rstrip("\"'"))
    if not quotes:
        return "", values
    return tail[len(tail) - quotes :], {k: v[: len(v) - quotes] for k, v in values.items()}


#: Programs that are one tool under other names (a drop-in, a renamed project, a
#: launcher or allocator each centre has its own of): which one a cluster types is a fact
#: of it. Other programs are other commands, never facts.
SAME_TOOL = (
    frozenset({"conda", "mamba", "micromamba"}),
    frozenset({"apptainer", "singularity"}),
    frozenset({"srun", "mpirun", "mpiexec", "mpprun"}),
    frozenset({"interactive", "salloc"}),
    frozenset({"python", "python3"}),
    frozenset({"pip", "pip3"}),
)
#: A word that starts with a shell variable's value (``$SNIC_TMP``, ``${TMPDIR}/x``).
SHELL_VARIABLE = re.compile(r"\$\{?[A-Za-z_]\w*\}?")
#: Lmod's ways to load modules: one tool (which a cluster's tab writes is its fact).
LOAD_COMMANDS = frozenset({"ml", "module load", "module add"})
#: What ``module spider``/``module avail`` look for: a module's name, maybe a version.
MODULE_WORD = re.compile(r"[A-Za-z0-9_][\w.+-]*(?:/[\w.+-]*)?")
#: The module commands that look a module up (its name after them is a fact).
MODULE_QUERIES = frozenset({"spider", "avail", "keyword", "whatis", "show", "help"})


def _one_tool(words: tuple[str, ...], split: dict[str, list[str]], index: int) -> bool:
    """Whether the line's first words are one tool's names (:data:`SAME_TOOL`), the
    rest of the line written alike somewhere (a line that is only its program is no
    command list to share)."""
    if not any(family.issuperset(words) for family in SAME_TOOL):
        return False
    rows = list(zip(*split.values(), strict=True))
    return any(
        len(set(other)) == 1 and other[0].strip() and "{" not in other[0]
        for at, other in enumerate(rows)
        if at > index and at % 2 == 0
    )


def _queried(out: list[str]) -> bool:
    """Whether the words so far are ``module spider`` (``avail``...): a module is next."""
    words = [w for w in out if w.strip()]
    return len(words) == 2 and words[0] in ("module", "ml") and words[1] in MODULE_QUERIES


def _common_start(texts: list[str]) -> int:
    """How many characters every one of ``texts`` starts with alike."""
    shortest = min(len(t) for t in texts)
    n = 0
    while n < shortest and len({t[n] for t in texts}) == 1:
        n += 1
    return n


def _numbers(values: dict[str, str]) -> tuple[str, str, dict[str, str]] | None:
    """Words that differ only in a number at one place (``4123``, ``cupy_4123.out``):
    the text before and after it, and each one's number; None otherwise."""
    texts = list(values.values())
    first = texts[0]
    start = _common_start(texts)
    while start and first[start - 1].isdigit():  # the whole number, not its tail
        start -= 1
    end = _common_start([t[start:][::-1] for t in texts])
    while end and first[len(first) - end].isdigit():
        end -= 1
    numbers = {k: t[start : len(t) - end] for k, t in values.items()}
    if not all(n.isdigit() for n in numbers.values()):
        return None
    return first[:start], first[len(first) - end :] if end else "", numbers


#: A host's name: two or more dotted labels (`pelle.uppmax.uu.se`).
HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+")
#: A remote place as ssh, scp and rsync write it: `USER@HOST`, `USER@HOST:PATH`.
REMOTE = re.compile(r"(?P<user>[^@\s]+@)(?P<host>[^:@\s]+)(?P<path>:\S*)?")


def _hosts(values: dict[str, str]) -> tuple[str, str, dict[str, str]] | None:
    """``USER@HOST[:PATH]`` words that differ in their host only: the user part and the
    path as written, and each cluster's host; None otherwise."""
    found = {k: REMOTE.fullmatch(v) for k, v in values.items()}
    if not all(found.values()):
        return None
    matches = [m for m in found.values() if m is not None]
    users = {m["user"] for m in matches}
    paths = {m["path"] or "" for m in matches}
    if len(users) != 1 or len(paths) != 1 or not all(HOST.fullmatch(m["host"]) for m in matches):
        return None
    return users.pop(), paths.pop(), {k: m["host"] for k, m in found.items() if m is not None}


def _trim(values: dict[str, str]) -> tuple[str, str, dict[str, str]]:
    """The common start and end of paths (cut at a ``/``) and each one's own middle."""
    texts = list(values.values())
    start = 0
    while all(len(t) > start for t in texts) and len({t[start] for t in texts}) == 1:
        start += 1
    start = max((texts[0].rfind("/", 0, start) + 1), 0) if start else 0
    end = 0
    while all(len(t) - start > end for t in texts) and len({t[-1 - end] for t in texts}) == 1:
        end += 1
    if end:
        tail = texts[0][len(texts[0]) - end :]
        cut = tail.find("/")
        end = end - cut if cut >= 0 else 0
    prefix, suffix = texts[0][:start], texts[0][len(texts[0]) - end :] if end else ""
    middles = {k: t[start : len(t) - end] for k, t in values.items()}
    return prefix, suffix, middles
