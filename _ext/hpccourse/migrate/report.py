"""The per-page report: what was converted, what was shared, what is left by hand and where."""

from __future__ import annotations

from dataclasses import dataclass, field

from .fold import Choice


@dataclass
class Report:
    """What happened on one page, each remark located at ``PAGE:LINE``."""

    page: str
    lines: list[str] = field(default_factory=list)
    tab_sets: int = 0
    converted: int = 0
    steps: int = 0
    shared: int = 0  # one command list for every cluster of the step
    single: int = 0  # a block of one cluster only: kept in its cluster's text, no step
    unshared: int = 0  # tab sets with no block two clusters show: kept as written
    variants: int = 0  # the clusters' blocks the steps were made from
    variants_shared: int = 0  # of which shown by a command list two clusters or more share
    mostly: int = 0  # one command list for at least half of them (2 or more), overrides else
    reused: int = 0
    folded: int = 0  # steps shared with some clusters' comments folded
    learned: int = 0  # steps shared thanks to facts read from the page
    prose_only: int = 0
    by_hand: list[tuple[int, str]] = field(default_factory=list)
    clusters_added: list[str] = field(default_factory=list)

    def say(self, line: int, message: str) -> None:
        text = f"{self.page}:{line}: {message}"
        if text not in self.lines:
            self.lines.append(text)

    def said_folded(self, line: int, key: str, choice: Choice, kind: str) -> None:
        """What sharing one list cost: comments folded, facts learned."""
        what = "script" if kind == "file" else "command list"
        if choice.folded:
            self.folded += 1
            self.say(
                line,
                f"step {key}: the {what}s of {', '.join(choice.folded)} differ from "
                f"{choice.base}'s {'in comments too' if choice.learned else 'only in comments'}"
                f": one shared {what}, {choice.base}'s comments kept",
            )
        if choice.learned:
            self.learned += 1
            whose = "the clusters'"
            if choice.overrides:  # the others differ in more: their overrides are said
                whose = f"the {', '.join(choice.members)}"
            self.say(
                line,
                f"step {key}: {whose} {what}s differ only in facts the table lacked: "
                "one shared {what}, the facts read from the page added to the table "
                "(marked 'check it')".replace("{what}", what),
            )

        if choice.learnable:
            self.say(
                line,
                f"step {key}: the clusters' {what}s differ only in facts the table lacks: "
                "with --add-clusters they are read from the page and shared",
            )

    def leave(self, line: int, why: str) -> None:
        """A tab set left as written, for the teacher to convert by hand."""
        self.by_hand.append((line, why))
        self.say(line, f"left by hand: {why}")

    def counts(self) -> dict[str, int]:
        return {
            "tab_sets": self.tab_sets,
            "converted": self.converted,
            "steps": self.steps,
            "shared": self.shared,
            "mostly": self.mostly,
            "single": self.single,
            "unshared": self.unshared,
            "variants": self.variants,
            "variants_shared": self.variants_shared,
            "reused": self.reused,
            "folded": self.folded,
            "learned": self.learned,
            "prose_only": self.prose_only,
            "by_hand": len(self.by_hand),
        }

    def summary(self) -> str:
        """The closing lines: the counts, then where the work by hand is."""
        share = f" ({100 * self.shared // self.steps} %)" if self.steps else ""
        text = (
            f"{self.page}: {self.converted} of {self.tab_sets} tab sets converted; "
            f"{self.steps} steps made, {self.shared} with one shared command list{share}, "
            f"{self.mostly} more shared by most of their clusters ({self.variants_shared} of "
            f"{self.variants} cluster blocks shown by a shared command list), "
            f"{self.reused} reused from the table; {self.single} blocks of one cluster only "
            f"kept in its own tab; {self.prose_only} of prose only kept, {self.unshared} with "
            f"no block two clusters show kept; {len(self.by_hand)} left by hand"
        )
        if self.folded or self.learned:
            text += (
                f"; of the shared, {self.folded} with comments folded, {self.learned} with "
                "facts read from the page"
            )
        if self.clusters_added:
            text += f"; clusters added: {', '.join(self.clusters_added)}"
        where = [f"  {self.page}:{line}: {why}" for line, why in self.by_hand]
        return "\n".join([text, *where])
