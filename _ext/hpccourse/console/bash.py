"""The one tree-sitter-bash parser, built once at import (parsing is in-process, ~10 µs)."""

from __future__ import annotations

import tree_sitter_bash
from tree_sitter import Language, Node, Parser, Tree

LANGUAGE = Language(tree_sitter_bash.language())
PARSER = Parser(LANGUAGE)


def parse(text: str) -> Tree:
    """Parse shell text; lone surrogates (never valid shell) are replaced, not raised."""
    return PARSER.parse(text.encode("utf-8", "replace"))


def node_text(node: Node) -> str:
    """The source text of a node, decoded leniently."""
    return (node.text or b"").decode("utf-8", "replace")
