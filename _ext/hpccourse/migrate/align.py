"""Lining up cluster tabs that show different numbers of blocks, by their commands."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from .group import typed_commands
from .model import Block, Segment

MODULE = re.compile(r"(?:module\s+(?:load|add)|ml)\b")


def signature(block: Block) -> tuple[str, str]:
    """What lines blocks up across tabs: its kind and its first command after the module
    lines (without the values that differ between clusters anyway: the modules,
    accounts); a block of module lines only, by its command."""
    typed = typed_commands(block) if block.kind == "commands" else []
    rest = [c for c in typed if not MODULE.match(c)]
    if rest:
        first = ("+" if len(rest) < len(typed) else "") + rest[0]
    else:
        first = MODULE.match(typed[0])[0] if typed else ""  # type: ignore[index]
    return block.kind, re.sub(r"(-A|--account[= ])\s*\S+", r"\1", first)


def align(cut: dict[str, list[Segment]], differ: bool) -> list[dict[str, int]]:
    """The steps' positions: for each, the segment of each cluster that has a block there.

    Tabs with the same kinds of blocks line up one to one; else each tab is lined up with
    the longest by the blocks' signatures (the same commands, else the same kind in the
    same gap), and a block no other tab has at that place gets a position of its own."""
    blocks = {k: [i for i, s in enumerate(segs) if s.block] for k, segs in cut.items()}
    reference = max(blocks, key=lambda k: len(blocks[k]))
    positions = [{reference: i} for i in blocks[reference]]
    if not differ:
        return [{k: i for k in cut if blocks[k]} for i in blocks[reference]]

    def sig(key: str, index: int) -> tuple[str, str]:
        block = cut[key][index].block
        assert block is not None
        return signature(block)

    for key, mine in blocks.items():
        if key == reference or not mine:
            continue
        theirs = [sig(*next(iter(p.items()))) for p in positions]
        ours = [sig(key, i) for i in mine]
        matcher = SequenceMatcher(None, theirs, ours, autojunk=False)
        placed: dict[int, dict[str, int]] = {}
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                for d in range(i2 - i1):
                    if theirs[i1 + d][0] == ours[j1 + d][0]:
                        placed[j1 + d] = positions[i1 + d]
        last = -1
        for j, index in enumerate(mine):
            if j in placed:
                placed[j][key] = index
                last = next(n for n, p in enumerate(positions) if p is placed[j])
            else:
                last += 1
                positions.insert(last, {key: index})
    return positions
