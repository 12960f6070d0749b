"""A console block that shows output between its commands, cut into steps.

A step shows its output after its commands, so ``sbatch job.sh``, its job number, then
``squeue`` and its table cannot be one step. Where every cluster's block at one place
types the same number of commands, each block is cut after every command that some
cluster shows output after: the pieces at one place become consecutive steps (the
job's number, the queue's table each after its own command).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from ..console.lines import commands
from ..console.model import LineKind
from .group import block_lines
from .model import Block


def _cuts(block: Block) -> tuple[int, set[int]] | None:
    """How many commands ``block`` types, and after which of them (0-based, not the
    last) it shows output; None where its lines are not all shell commands and output."""
    lines = block_lines(block)
    if len(lines) != len(block.lines):
        return None
    typed = commands(lines)
    if not typed or any(c.language != "shell" for c in typed):
        return None
    after: set[int] = set()
    for number, (command, following) in enumerate(pairwise(typed)):
        between = lines[command.last_offset + 1 : following.offset]
        if any(line.kind is LineKind.OUTPUT and line.raw.strip() for line in between):
            after.add(number)
    return len(typed), after


def _piece(block: Block, start: int, stop: int) -> Block:
    """Rows ``start`` to ``stop`` of ``block`` as a block of their own, written as the
    block was (its directive and options, its closing fence) with only those rows."""
    while stop > start + 1 and not block.lines[stop - 1].strip():
        stop -= 1
    while start < stop - 1 and not block.lines[start].strip():
        start += 1
    first = next(
        (i for i in range(1, len(block.raw)) if block.raw[i].strip() == block.lines[0].strip()),
        len(block.raw) - len(block.lines),
    )
    end = first + len(block.lines)
    raw = [*block.raw[:first], *block.raw[first + start : first + stop], *block.raw[end:]]
    return replace(block, lines=block.lines[start:stop], raw=raw, line=block.line + first + start)


def cut_at_output(blocks: dict[str, Block]) -> list[dict[str, Block]] | None:
    """The clusters' blocks at one place cut after each command some cluster shows
    output after, in order (None: they type different numbers of commands, or a block
    holds more than shell commands and their output)."""
    found = {key: _cuts(block) for key, block in blocks.items()}
    counts = {cut[0] for cut in found.values() if cut is not None}
    if None in found.values() or len(counts) != 1:
        return None
    after = sorted(set().union(*(cut[1] for cut in found.values() if cut is not None)))
    if not after:
        return None
    pieces: list[dict[str, Block]] = [{} for _ in range(len(after) + 1)]
    for key, block in blocks.items():
        starts = [c.offset for c in commands(block_lines(block))]
        bounds = [0, *(starts[number + 1] for number in after), len(block.lines)]
        for index, (start, stop) in enumerate(pairwise(bounds)):
            pieces[index][key] = _piece(block, start, stop)
    return pieces
