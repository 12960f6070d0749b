"""Which reader a page's markup needs: RST (:mod:`.rst`) or MyST (:mod:`.myst`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .model import Segment, Tab, TabSet
from .myst import segments as myst_segments
from .myst import tab_sets as myst_tab_sets
from .rst import segments as rst_segments
from .rst import tab_sets as rst_tab_sets


@dataclass(frozen=True)
class Reader:
    """How a page's markup is read: its tab sets, and a tab cut at its blocks."""

    tab_sets: Callable[[list[str]], list[TabSet]]
    segments: Callable[[Tab, bool], list[Segment]]  # bool: a list item's blocks are blocks


def reader_for(page: Path) -> Reader:
    """The reader of ``page``'s markup: MyST for ``.md``, else RST."""
    if page.suffix.lower() == ".md":
        return Reader(myst_tab_sets, myst_segments)
    return Reader(rst_tab_sets, rst_segments)
