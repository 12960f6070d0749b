"""The one tree-sitter-bash parser, built once at import (parsing is in-process, ~10 µs)."""

from __future__ import annotations

import re

import tree_sitter_bash
from tree_sitter import Language, Node, Parser, Tree

LANGUAGE = Language(tree_sitter_bash.language())
PARSER = Parser(LANGUAGE)

# tree-sitter-bash 0.25.1 crashes the process (a segmentation fault in its
# scanner) on some code points above U+2FFFF, e.g. "{\U000f0000}": found by the
# property tests. Planes 3 to 16 hold nothing a shell command needs, so such
# characters are parsed as U+FFFD. Planes 0 to 2 were scanned whole: no crash.
_BEYOND_PLANE_2 = re.compile("[\U00030000-\U0010ffff]")


def parse(text: str) -> Tree:
    """Parse shell text; lone surrogates (never valid shell) are replaced, not raised."""
    if not text.isascii():
        text = _BEYOND_PLANE_2.sub("\ufffd", text)
    return PARSER.parse(text.encode("utf-8", "replace"))


def node_text(node: Node) -> str:
    """The source text of a node, decoded leniently."""
    return (node.text or b"").decode("utf-8", "replace")
