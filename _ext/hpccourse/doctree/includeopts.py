"""The file lines a ``literalinclude`` selects, from its options as the page writes them.

Sphinx keeps none of a ``literalinclude``'s options in the doctree. Matching the block's
rows against the file (:mod:`.includes`) names the first place they occur; when the same
lines occur twice, the options tell which: they are read back from the directive's line
on the page (RST ``:name: value`` lines, MyST ``:name: value`` lines or a ``---`` block of
``name: value``) and applied as Sphinx applies them, in its order: ``:pyobject:``, then
``:start-at:``/``:start-after:``, ``:end-before:``/``:end-at:``, then ``:lines:``.
``:prepend:`` and ``:append:`` add rows the file does not hold.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence

from .rows import definition

#: An option line under an RST directive or a MyST directive fence.
OPTION = re.compile(r"^\s*:(?P<name>[\w-]+):(?:\s+(?P<value>.*?))?\s*$")
#: A line of a MyST directive's ``---`` option block.
YAML_OPTION = re.compile(r"^\s*(?P<name>[\w-]+):(?:\s+(?P<value>.*?))?\s*$")


def directive_options(lines: Sequence[str], line: int, name: str) -> dict[str, str] | None:
    """The options written under the directive ``name`` on 1-based ``line`` of ``lines``;
    None when that line does not hold the directive."""
    if not 0 < line <= len(lines) or name not in lines[line - 1]:
        return None
    options: dict[str, str] = {}
    index = line
    if index < len(lines) and lines[index].strip() == "---":
        index += 1
        while index < len(lines) and lines[index].strip() != "---":
            match = YAML_OPTION.match(lines[index])
            if match:
                options[match["name"]] = (match["value"] or "").strip("'\"")
            index += 1
        return options
    while index < len(lines):
        match = OPTION.match(lines[index])
        if not match:
            break
        options[match["name"]] = match["value"] or ""
        index += 1
    return options


def line_numbers(spec: str, total: int) -> list[int] | None:
    """The 0-based lines a ``:lines:`` spec names (``3``, ``5-10``, ``-3``, ``7-``, joined
    by commas), as Sphinx reads it; None for a spec Sphinx refuses."""
    found: list[int] = []
    for part in spec.split(","):
        ends = part.strip().split("-")
        try:
            if len(ends) == 1:
                found.append(int(ends[0]) - 1)
                continue
            if len(ends) != 2 or ends == ["", ""]:
                return None
            start = int(ends[0] or 1)
            end = int(ends[1] or max(start, total))
        except ValueError:
            return None
        if start > end:
            return None
        found.extend(range(start - 1, end))
    return found


def _object_span(tree: ast.Module | None, dotted: str) -> tuple[int, int] | None:
    """The 0-based [first, last) lines of the class or function ``dotted`` names, its
    decorators included (what ``:pyobject:`` takes)."""
    scope = definition(tree, dotted.split(".")) if tree is not None else None
    if not isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return None
    first = min([scope.lineno, *(d.lineno for d in scope.decorator_list)])
    return first - 1, scope.end_lineno or scope.lineno


def _find(lines: Sequence[str], text: str, start: int, stop: int) -> int | None:
    return next((i for i in range(start, stop) if text in lines[i]), None)


def selected_lines(
    options: dict[str, str], lines: Sequence[str], tree: ast.Module | None = None
) -> list[int | None] | None:
    """The 1-based file line of each row the options select (None for a prepended or
    appended row); None when they cannot be followed here (``:diff:``, a pattern or
    object not found, a bad spec): the caller then matches rows instead."""
    if "diff" in options:
        return None
    lo, hi = 0, len(lines)
    if "pyobject" in options:
        span = _object_span(tree, options["pyobject"])
        if span is None:
            return None
        lo, hi = span
    for name, after in (("start-at", 0), ("start-after", 1)):
        if name in options:
            found = _find(lines, options[name], lo, hi)
            if found is None:
                return None
            lo = found + after
            break
    for name, through in (("end-at", 1), ("end-before", 0)):
        if name in options:
            # end-before never ends at the first line left
            found = _find(lines, options[name], lo + (1 - through), hi)
            if found is None:
                return None
            hi = found + through
            break
    kept: list[int | None] = list(range(lo + 1, hi + 1))
    if "lines" in options:
        numbers = line_numbers(options["lines"], hi - lo)
        if numbers is None:
            return None
        kept = [lo + n + 1 for n in numbers if lo + n < hi]
    if options.get("prepend"):
        kept.insert(0, None)
    if options.get("append"):
        kept.append(None)
    return kept
