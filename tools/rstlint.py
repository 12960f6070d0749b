"""RST lint gate: sphinx-lint over every `.rst` file of the site, taught this site.

sphinx-lint knows docutils' and Sphinx's directives only: it takes any other
directive (`tabs`, `tab`, `objectives`, ...) for a comment and skips its
content, which is most of a lesson. `teach_directives` tells it which of this
site's directives hold RST and which hold literal text. Two checkers are added:

- `directive-content-indentation`: content whose first block is indented
  deeper than the rest (the seed's "Step 4" tab): docutils silently makes those
  first lines a block quote, and no sphinx-lint checker looks at indentation.
- `unknown-directive`: a directive this file does not list, so that a new one
  is never skipped silently.

Usage: rstlint.py [sphinx-lint options] [paths]; with no path, every `.rst`
file under the current folder except build output, the venv and testroots
(which hold planted mistakes on purpose).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from sphinxlint import rst, utils
from sphinxlint.checkers import checker
from sphinxlint.cli import main as sphinx_lint_main

# The site's directives whose content is RST (sphinx-tabs', hpccourse's).
RST_DIRECTIVES = [
    "tabs",
    "tab",
    "group-tab",
    "objectives",
    "instructor-note",
    "keypoints",
    # sphinx-lesson's boxes, which hpccourse also defines (directives/lesson.py)
    "demo",
    "type-along",
    "exercise",
    "challenge",
    "solution",
    "homework",
    "prerequisites",
    "prereq",
    "discussion",
    "questions",
    "callout",
    "checklist",
    "testimonial",
    "output",
    # sphinx-design's tabs
    "tab-set",
    "tab-item",
    "tab-set-code",
    "cluster-facts",
    "cluster-commands",
]
# The site's directives whose content is literal text (not linted as RST).
LITERAL_DIRECTIVES = ["prompt", "mermaid", "code-tab"]
# Folders never linted when no path is given (test projects plant faults on purpose).
SKIP_DIRS = {".git", ".venv", "_build", "node_modules", "roots", "corpus"}
# sphinx-lint checkers that are off by default and on here.
EXTRA_CHECKERS = "default-role,triple-backticks,directive-content-indentation,unknown-directive"

_DIRECTIVE = re.compile(r"^(?P<indent> *)\.\. (?P<name>[\w:.-]+)::")


def teach_directives(rst_content: Iterable[str], literal_content: Iterable[str]) -> None:
    """Add directive names to sphinx-lint 1.0's tables (compiled at import)."""
    for table, names in (
        (rst.DIRECTIVES_CONTAINING_RST, rst_content),
        (rst.DIRECTIVES_CONTAINING_ARBITRARY_CONTENT, literal_content),
    ):
        table.extend(name for name in names if name not in table)
    known = rst.DIRECTIVES_CONTAINING_RST + rst.DIRECTIVES_CONTAINING_ARBITRARY_CONTENT
    rst.ALL_DIRECTIVES = "(" + "|".join(known) + ")"
    rst.DIRECTIVES_CONTAINING_RST_RE = re.compile(
        r"^\s*\.\. (" + "|".join(rst.DIRECTIVES_CONTAINING_RST) + ")::"
    )
    rst.DIRECTIVES_CONTAINING_ARBITRARY_CONTENT_RE = re.compile(
        r"^\s*\.\. (" + "|".join(rst.DIRECTIVES_CONTAINING_ARBITRARY_CONTENT) + ")::"
    )
    rst.SEEMS_DIRECTIVE_RE = re.compile(rf"^\s*(?<!\.)\.\. {rst.ALL_DIRECTIVES}([^a-z:]|:(?!:))")
    rst.THREE_DOT_DIRECTIVE_RE = re.compile(rf"\.\.\. {rst.ALL_DIRECTIVES}::")
    utils._starts_with_directive_marker = re.compile(rf"\.\. {rst.ALL_DIRECTIVES}::").match


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_literal(name: str) -> bool:
    return bool(rst.DIRECTIVES_CONTAINING_ARBITRARY_CONTENT_RE.match(f".. {name}::"))


@checker(".rst", rst_only=False, enabled=False)
def check_directive_content_indentation(file, lines, options=None) -> Iterator[tuple[int, str]]:
    """Directive content whose first block is indented deeper than the rest.

    Bad:  |.. tab:: Step 4
          |
          |       Install the packages:
          |
          |      .. code-block:: console

    docutils reads the deeper first lines as a block quote, not as intended.
    """
    lines = utils.hide_non_rst_blocks(lines)  # literal blocks' lines become blank
    for lno, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if not match or _is_literal(match["name"]):
            continue
        outer = len(match["indent"])
        start = lno + 1
        while start < len(lines) and lines[start].strip():  # arguments and options
            start += 1
        content: list[tuple[int, int]] = []  # (line index, indentation)
        for index in range(start, len(lines)):
            if not lines[index].strip():
                continue
            if _indent(lines[index]) <= outer:
                break
            content.append((index, _indent(lines[index])))
        if not content:
            continue
        first_index, first = content[0]
        body = min(indent for _, indent in content)
        if first > body:
            yield (
                first_index + 1,
                f"content of '.. {match['name']}::' (line {lno + 1}) starts at column "
                f"{first} but goes on at column {body}: docutils reads its first lines "
                "as a block quote; indent all its content alike",
            )


@checker(".rst", rst_only=False, enabled=False)
def check_unknown_directive(file, lines, options=None) -> Iterator[tuple[int, str]]:
    """A directive that sphinx-lint would skip: list it in tools/rstlint.py."""
    unknown = {}
    for lno, line in enumerate(lines):
        match = _DIRECTIVE.match(line)
        if match and utils.type_of_explicit_markup(line) != "directive":
            unknown[lno] = match
    # sphinx-lint blanks an unknown directive's line with its content; put a
    # known one in its place to tell real directives from text in literal blocks.
    stand_in = [
        f"{unknown[i]['indent']}.. note::\n" if i in unknown else x for i, x in enumerate(lines)
    ]
    visible = utils.hide_non_rst_blocks(stand_in)
    for lno, match in unknown.items():
        if visible[lno].strip():
            yield (
                lno + 1,
                f"directive '{match['name']}' is unknown to sphinx-lint, which would skip "
                "its content: add it to RST_DIRECTIVES or LITERAL_DIRECTIVES in "
                "tools/rstlint.py",
            )


def rst_files(top: Path) -> list[str]:
    """Every `.rst` file under `top`, outside SKIP_DIRS, sorted."""
    return sorted(
        str(path)
        for path in top.rglob("*.rst")
        if not SKIP_DIRS.intersection(path.relative_to(top).parts[:-1])
    )


def main(argv: list[str]) -> int:
    """Run sphinx-lint with this site's directives and checkers."""
    teach_directives(RST_DIRECTIVES, LITERAL_DIRECTIVES)
    paths = [arg for arg in argv if not arg.startswith("-") and Path(arg).exists()]
    if not paths:
        argv = [*argv, *rst_files(Path("."))]
    return sphinx_lint_main(["sphinx-lint", "--jobs", "1", "--enable", EXTRA_CHECKERS, *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
