"""Converting one page: each tab set of clusters becomes ``cluster-commands`` steps, with
what is not a step kept on the page where it was.

Per tab set: the tabs that name a cluster of the table are cut at their blocks (console
sessions and scripts); the clusters' variants of each block become one step
(:mod:`.group`), named from the page (:mod:`.naming`). The text before each block (prose,
output, other code) stays on the page as written: once when every cluster's is the same,
else in a tab set of its own (``group-tab`` per cluster label, so a reader's cluster
choice switches it with the steps), markup and place kept. Tabs that name no cluster (a
script's source, "Your own computer") stay in a tab set of their own where they were.
A tab set that cannot be converted without losing something stays as written, and the
report says why and where.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..table import Table, TableError
from ..table.prosenames import cluster_names
from .align import align
from .counts import rewrite_counts
from .group import (
    Generalizer,
    KeepAsIs,
    OutputDiffers,
    group,
    output_between_commands,
    typed_commands,
)
from .labels import named_label, tab_clusters
from .learn import Learner
from .lines import strip_blank
from .model import Block, Proposal, Segment, Tab, TabSet
from .naming import Names, file_named_in, step_stem
from .pagetext import PageText
from .pieces import cut_at_output
from .readers import reader_for
from .reasons import skip_reason
from .report import Report
from .tabletext import sections

#: Block options a step carries (a file's name as caption, else the caption goes above
#: the step as text); any other is left by hand.
CARRIED = {"caption"}


def in_items(
    named: dict[str, Tab], cut: dict[str, list[Segment]], positions: list[dict[str, int]]
) -> bool:
    """Whether the blocks inside list items or boxes can be steps written in their
    place, inside their item: where every cluster shows such a block at one place (lined
    up by their commands), at the same depth, after the same text (written once). Else a
    tab set of each cluster's text would cut the item in two, and the blocks stay in
    their clusters' text, as before."""
    for position in positions:
        here = [cut[k][i] for k, i in position.items()]
        blocks = [s.block for s in here if s.block]
        depths = {b.indent for b in blocks}
        if depths == {0}:
            continue
        texts = {tuple(strip_blank(s.before)) for s in here}
        if len(blocks) != len(named) or len(depths) != 1 or len(texts) != 1:
            return False
    return True


class Migrator(PageText):
    """Converts the tab sets of one page against one table."""

    def __init__(
        self,
        table: Table,
        page: Path,
        *,
        learn: bool = False,
        unchecked: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        self.set_header = ""  # the tab set being converted: its first line
        self.before_text = ""  # and the page's paragraphs before and after it
        self.after_text = ""
        self.table = table
        self.page = page
        self.syntax = "myst" if page.suffix.lower() == ".md" else "rst"
        self.reader = reader_for(page)
        self.report = Report(page.name)
        self.steps: dict[str, dict[str, object]] = {}
        self.names = Names(page.stem, table.steps)
        self.generalize = Generalizer(table, self.report.say, unchecked)
        #: with ``learn`` (``--add-clusters``): facts the table lacks, read from the page
        self.learner = Learner(table, self.names.page, learn)
        #: the page's text before the tab set being converted (outside tab sets), and after
        self.around_set: tuple[list[str], list[str]] = ([], [])
        self.reasons: dict[str, str] = {}  # the page's reasons a cluster is skipped so far
        self.singles: list[tuple[int, str]] = []  # the tab set's blocks of one cluster only
        self.used = 0  # the tab set's steps, new or reused

    # ------------------------------------------------------------------ the page

    def run(self, text: str) -> Proposal:
        lines = text.split("\n")
        out: list[str] = []
        last = 0
        outside: list[str] = []  # the page's lines so far outside tab sets
        for tab_set in self.reader.tab_sets(lines):
            out += lines[last : tab_set.start]
            outside += lines[last : tab_set.start]
            self.around_set = (list(outside), lines[tab_set.end : tab_set.end + 15])
            last = tab_set.end
            self.set_header = lines[tab_set.start]
            above = "\n".join(lines[max(0, tab_set.start - 12) : tab_set.start]).strip()
            self.before_text = re.split(r"\n\s*\n", above)[-1] if above else ""
            below = "\n".join(lines[tab_set.end : tab_set.end + 12]).strip()
            self.after_text = re.split(r"\n\s*\n", below)[0] if below else ""
            replacement = self.convert(lines, tab_set)
            out += lines[tab_set.start : tab_set.end] if replacement is None else replacement
        out += lines[last:]
        if self.report.converted:  # the page now shows steps: its counts are checked
            made = {
                key: len(self.table.clusters) - len(fields.get("skip", {}))  # type: ignore[arg-type]
                for key, fields in self.steps.items()
            }
            out = rewrite_counts(
                out,
                self.syntax,
                made,
                len(self.table.clusters),
                self.report.say,
                cluster_names(self.table),
            )
        return Proposal(
            sections("steps", self.steps),
            "\n".join(out),
            [*self.report.lines, self.report.summary()],
            self.report.converted,
            counts=self.report.counts(),
        )

    # -------------------------------------------------------------- one tab set

    def clusters_of(self, tab_set: TabSet) -> tuple[dict[str, Tab], list[tuple[int, Tab]]]:
        """The tabs that name a cluster (by key), and the others with their place."""
        named: dict[str, Tab] = {}
        others: list[tuple[int, Tab]] = []
        shared: list[tuple[int, Tab, list[str]]] = []  # one tab for several clusters
        for place, tab in enumerate(tab_set.tabs):
            keys = tab_clusters(self.table, tab.label)
            cluster = self.table.cluster(keys[0]) if len(keys) == 1 else None
            if len(keys) > 1:
                shared.append((place, tab, keys))
            elif cluster is None:
                others.append((place, tab))
            elif cluster.key in named:
                mine = cluster.cluster.casefold() in tab.label.casefold()
                theirs = cluster.cluster.casefold() in named[cluster.key].label.casefold()
                if mine == theirs:
                    raise KeepAsIs(f"two tabs name the same cluster ({cluster.key})")
                if mine:  # "UPPMAX: Pelle" is Pelle; "UPPMAX: Bianca" another cluster
                    others.append((tab_set.tabs.index(named[cluster.key]), named[cluster.key]))
                    named[cluster.key] = tab
                else:
                    others.append((place, tab))
            else:
                named[cluster.key] = tab
        for place, tab, keys in shared:  # "UPPMAX/NSC": each of them its tab has not
            mine = [key for key in keys if key not in named]
            if not mine:
                others.append((place, tab))
            named.update(dict.fromkeys(mine, tab))
        order = {key: i for i, key in enumerate(self.table.cluster_keys)}
        places = {id(tab): i for i, tab in enumerate(tab_set.tabs)}
        named = dict(sorted(named.items(), key=lambda kv: (places[id(kv[1])], order[kv[0]])))
        return named, sorted(others, key=lambda pair: pair[0])

    def convert(self, lines: list[str], tab_set: TabSet) -> list[str] | None:
        """The lines that replace ``tab_set``, or None to keep it as written."""
        line = tab_set.start + 1
        try:
            named, others = self.clusters_of(tab_set)
        except KeepAsIs as reason:
            self.report.tab_sets += 1
            self.report.leave(line, str(reason))
            return None
        if len(named) < 2:
            return None
        self.report.tab_sets += 1
        try:
            cut = {key: self.steps_of(tab) for key, tab in named.items()}
            shapes = {tuple(s.block.kind for s in segs if s.block) for segs in cut.values()}
            positions = align(cut, len(shapes) != 1)
            if not in_items(named, cut, positions):  # blocks in list items: their text as is
                cut = {key: self.steps_of(tab, items=False) for key, tab in named.items()}
                shapes = {tuple(s.block.kind for s in segs if s.block) for segs in cut.values()}
                positions = align(cut, len(shapes) != 1)
            nested = sorted(n for segs in cut.values() for n in segs[-1].nested)
            if tab_set.nested and shapes == {()}:
                raise KeepAsIs(f"a tab set inside a tab (line {tab_set.nested})")
            if nested and shapes == {()}:
                raise KeepAsIs(f"a code block inside a list or box (line {nested[0]})")
            if tab_set.nested:
                self.report.say(
                    tab_set.nested,
                    "a tab set inside a tab: kept as written in its cluster's text "
                    "(convert it by hand)",
                )
            for number in nested:  # its text stays in its cluster's tab, the block with it
                self.report.say(
                    number,
                    "a code block inside a list or box: kept as written in its cluster's "
                    "text (convert it by hand)",
                )
            if shapes == {()}:
                self.report.prose_only += 1
                self.report.say(line, "tab set of prose only (no command): kept as written")
                return None
            shapes.discard(())  # a tab of text only: its text above, its steps skipped
            if len(shapes) != 1:
                counts = ", ".join(
                    dict.fromkeys(
                        f"{named[k].label} {sum(1 for s in v if s.block)}" for k, v in cut.items()
                    )
                )
                self.report.say(
                    line,
                    f"the cluster tabs show different numbers of blocks ({counts}): lined up "
                    "by their commands, a block some clusters lack is skipped there",
                )
            self.singles, self.used = [], 0
            out, made = self.emit(tab_set, named, cut, positions)
        except KeepAsIs as reason:  # raised before any step of the set is counted
            self.report.leave(line, str(reason))
            return None
        if not self.used:
            self.report.unshared += 1
            self.report.say(
                line, "no block shown by two clusters or more (no step to share): kept as written"
            )
            return None
        for number, label in self.singles:
            self.report.single += 1
            self.report.say(
                number,
                f"a block only the {label} tab shows: kept as written in its text (a step "
                "would be skipped on every other cluster)",
            )
        self.steps.update(made)
        self.report.converted += 1
        first_tab = min(t.line for t in tab_set.tabs) - 1 if tab_set.tabs else tab_set.start
        for number in range(tab_set.start + 1, first_tab):
            if re.match(r"\s*:[\w-]+:", lines[number]):
                self.report.say(
                    number + 1, f"the tab set's option {lines[number].strip()} is not carried"
                )
        for tab in named.values():
            for option in tab.options:
                self.report.say(
                    tab.line,
                    f"the {tab.label} tab's option {option} is not carried (the steps' tabs "
                    "switch together with the reader's cluster choice)",
                )
        place = [p for p, _tab in others]
        kept = [tab for _p, tab in others]
        if kept:
            for tab in kept:
                self.report.say(
                    line,
                    f"tab {tab.label!r} is no cluster: kept in a tab set of its own, where it was",
                )
            extra = self.tab_set_lines(tab_set, [(t.label, t.body) for t in kept], group=False)
            first_cluster = min(i for i, t in enumerate(tab_set.tabs) if t in named.values())
            out = [*extra, "", *out] if max(place) < first_cluster else [*out, "", *extra]
        self.report.say(line, f"tab set of {', '.join(named)}: converted")
        return [tab_set.indent + row if row else row for row in out]

    def steps_of(self, tab: Tab, items: bool = True) -> list[Segment]:
        """The tab cut at its commands and scripts: other blocks join the text before
        (and, without ``items``, blocks inside list items or boxes)."""
        found: list[Segment] = []
        before: list[str] = []
        for segment in self.reader.segments(tab, items):
            block = segment.block
            if block is None or block.kind == "other":
                before += segment.before + (["", *block.raw, ""] if block else [])
                if block is None:
                    found.append(Segment(before, None, segment.nested))
                    return found
                continue
            extra = set(block.options) - CARRIED
            if extra:
                names = ", ".join(f":{o}:" for o in sorted(extra))
                raise KeepAsIs(
                    f"the block at line {block.line} has {names}, which a step cannot carry"
                )
            caption = block.options.get("caption", "").strip()
            if caption and not block.file:  # a title, no file name: it goes above the step
                segment.before.extend(["", f"**{caption}**", ""])
                self.report.say(
                    block.line,
                    f"the block's caption {caption!r} is no file name: kept as a line in bold "
                    "above the step",
                )
            if block.kind == "commands" and not typed_commands(block):
                before += [*segment.before, "", *block.raw, ""]
                continue
            found.append(Segment(before + segment.before, block))
            before = []
        found.append(Segment(before, None))
        return found

    def emit(
        self,
        tab_set: TabSet,
        named: dict[str, Tab],
        cut: dict[str, list[Segment]],
        positions: list[dict[str, int]],
    ) -> tuple[list[str], dict[str, dict[str, object]]]:
        """The tab set's replacement: per position, the text before it and its step; then
        the text after the last block. A tab with no block gives its text first."""
        out: list[str] = []
        made: dict[str, dict[str, object]] = {}
        empty = {k: strip_blank(cut[k][-1].before) for k in named if len(cut[k]) == 1}
        out += self.text_lines(tab_set, empty, named) if len(empty) < len(named) else []
        for position in positions:
            here = {k: cut[k][i] for k, i in position.items()}
            texts = {k: strip_blank(segment.before) for k, segment in here.items()}
            blocks: dict[str, Block] = {k: s.block for k, s in here.items() if s.block}
            if len(blocks) == 1 and len(named) > 1:  # a step every other cluster skips:
                ((key, block),) = blocks.items()  # the block stays in its cluster's text
                self.singles.append((block.line, named[key].label))
                shown = strip_blank([*texts[key], "", *block.raw])
                out += self.text_lines(tab_set, {key: shown}, named)
                continue
            pieces = [blocks]
            between = [
                k for k, b in blocks.items() if b.kind == "commands" and output_between_commands(b)
            ]
            if between and (split := cut_at_output(blocks)):  # a step shows output after
                pieces = split  # its commands: a step per command some cluster shows it after
                self.report.say(
                    blocks[between[0]].line,
                    f"the {named[between[0]].label} block at line {blocks[between[0]].line} "
                    f"shows output between its commands: cut into {len(split)} steps, each "
                    "command's output after it",
                )
            for piece in pieces:
                out += self.piece(tab_set, named, piece, texts, made)
                texts = {}
        tails = {k: strip_blank(cut[k][-1].before) for k in named if len(cut[k]) > 1}
        out += self.text_lines(tab_set, tails, named)
        while out and not out[-1]:
            out.pop()
        return out, made

    def piece(
        self,
        tab_set: TabSet,
        named: dict[str, Tab],
        blocks: dict[str, Block],
        texts: dict[str, list[str]],
        made: dict[str, dict[str, object]],
    ) -> list[str]:
        """The text before these blocks and the step they become, or (where the clusters'
        outputs differ beyond sharing) each cluster's block as written in its text."""
        try:
            name = self.step(blocks, texts, tab_set, made)
        except OutputDiffers as why:  # each cluster's block stays in its own text
            self.report.say(
                next(iter(blocks.values())).line, f"{why}: kept as written in each cluster's text"
            )
            shown = {k: [*texts.get(k, []), "", *b.raw] for k, b in blocks.items()}
            return self.text_lines(tab_set, {k: strip_blank(t) for k, t in shown.items()}, named)
        self.used += 1
        out = self.text_lines(tab_set, texts, named)
        indent = " " * next(iter(blocks.values())).indent  # in its list item, as written
        if self.syntax == "myst":
            return [*out, f"{indent}```{{cluster-commands}} {name}", f"{indent}```", ""]
        return [*out, f"{indent}.. cluster-commands:: {name}", ""]

    def step(
        self,
        blocks: dict[str, Block],
        texts: dict[str, list[str]],
        tab_set: TabSet,
        made: dict[str, dict[str, object]],
    ) -> str:
        """The key of the step these blocks become (a new one goes into ``made``)."""
        fields, choice, copied = group(blocks, self.table, self.generalize, self.learner)
        shared = not choice.overrides and len(blocks) >= 2  # one cluster's own: no sharing
        first = next(iter(blocks.values()))
        line = first.line
        if first.kind == "file":
            names = {b.file for b in blocks.values() if b.file}
            name = (
                sorted(names)[0]
                if names
                else file_named_in([*(" ".join(t) for t in texts.values()), *self.around(tab_set)])
            )
            if not name:
                name = f"{self.names.page}.sh"
                self.report.say(line, f"a script with no file name on the page: named it {name}")
            name = self.names.file(name, str(fields["content"]))
            fields["file"] = name
            key = self.names.key(step_stem([], name))
        else:
            existing = self.existing(blocks)
            if existing is not None and "skip" not in fields:
                self.report.reused += 1
                return existing
            key = self.names.key(step_stem(list(fields["commands"]), ""))  # type: ignore[call-overload]
        self.report.said_folded(line, key, choice, first.kind)
        if "override" in fields:
            self.report.say(
                line, f"step {key}: per-cluster overrides for {', '.join(fields['override'])}"
            )  # type: ignore[arg-type]
        for mine, theirs in copied.items():
            self.report.say(
                blocks[mine].line,
                f"step {key}: the {named_label(self.table, mine)} tab shows the facts of "
                f"{named_label(self.table, theirs)} (copied from its tab?): kept as shown, "
                "as an override",
            )
        self.give_reasons(key, fields, line)
        alike = len(blocks) - len(fields.get("override", {}))  # type: ignore[arg-type]
        self.report.steps += 1
        self.report.shared += shared
        self.report.mostly += not shared and alike >= 2 and 2 * alike >= len(blocks)
        self.report.variants += len(blocks)
        self.report.variants_shared += alike if alike >= 2 else 0
        made[key] = fields
        return key

    def give_reasons(self, key: str, fields: dict[str, object], line: int) -> None:
        """Each cluster the step skips: the page's own reason when it gives one nearby."""
        skips: dict[str, str] = fields.get("skip", {})  # type: ignore[assignment]
        for cluster_key in skips:
            cluster = self.table.cluster(cluster_key)
            names = [cluster.key, cluster.label, cluster.cluster]
            if [c.center for c in self.table.clusters].count(cluster.center) == 1:
                names.append(cluster.center)  # a centre of one cluster names it
            reason = skip_reason(names, *self.around_set) or self.reasons.get(cluster_key)
            if reason:
                self.reasons[cluster_key] = reason
                skips[cluster_key] = reason.replace("{", "{{").replace("}", "}}")  # as written
                self.report.say(
                    line, f"step {key}: skips {cluster.label}, as the page says: {reason!r}"
                )

    def around(self, tab_set: TabSet) -> list[str]:
        """The text in the tab set's tabs, then just before it (for a script's name)."""
        return [*(" ".join(t.body) for t in tab_set.tabs), self.before_text, self.after_text]

    def existing(self, blocks: dict[str, Block]) -> str | None:
        """A step of the table whose commands are exactly these, on every cluster."""
        if len(blocks) != len(self.table.clusters):
            return None
        wanted = {k: typed_commands(b) for k, b in blocks.items()}
        for key, step in self.table.steps.items():
            if step.file or step.in_env or step.notes:
                continue
            try:
                rendered = {c: self.table.render(key, c) for c in wanted}
            except TableError:
                continue
            if all(
                r.applies and list(r.commands) == wanted[c] and not r.output
                for c, r in rendered.items()
            ):
                return key
        return None
