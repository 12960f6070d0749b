"""The checker over tests/corpus/: courses in other centres' style, every block marked with
its expected verdict (tests/corpus/README.md). Prints precision and recall per code; fails
on a false alarm, a planted problem missed or found at another line, or an unmarked block."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
COURSES = sorted(p.name for p in CORPUS.iterdir() if (p / "conf.py").is_file())

_EXPECT = re.compile(r"^\s*\.\. expect:\s*(?P<verdict>.+?)\s*$")
_DIRECTIVE = re.compile(r"^\s*\.\. (?:code-block|code|sourcecode|prompt)::")
_OPTION = re.compile(r"^\s*:[\w-]+:")


@dataclass(frozen=True)
class Marked:
    """A marked block: where its content starts, and what it expects."""

    source: str
    directive_line: int  # the directive's line (1-based)
    content_line: int  # the block's first content line (1-based)
    problems: frozenset[tuple[str, int]]  # (code, line in the file)
    unreached: bool


def _content_line(rows: list[str], start: int) -> int:
    """The 1-based line of the first content row of the block opened at ``rows[start]``."""
    row = start + 1
    while row < len(rows) and (not rows[row].strip() or _OPTION.match(rows[row])):
        row += 1
    return row + 1


def marked_blocks(root: Path) -> Iterator[Marked]:
    """Each marker and the code block that follows it, in every page of ``root``."""
    for path in sorted(root.rglob("*.rst")):
        rows = path.read_text(encoding="utf-8").split("\n")
        pending: str | None = None
        for index, row in enumerate(rows):
            match = _EXPECT.match(row)
            if match:
                pending = match["verdict"]
                continue
            opens = _DIRECTIVE.match(row) or (
                row.rstrip().endswith("::") and not row.lstrip().startswith("..")
            )
            if pending is None or not opens:
                continue
            start = _content_line(rows, index)
            problems = set()
            if pending not in ("ok", "unreached"):
                for item in pending.split(","):
                    code, _, offset = item.strip().partition(":")
                    problems.add((code, start + int(offset or 1) - 1))
            source = path.relative_to(root).as_posix()
            yield Marked(source, index + 1, start, frozenset(problems), pending == "unreached")
            pending = None


@dataclass
class Tally:
    found: int = 0  # true positives
    false_alarms: int = 0
    missed: int = 0

    def precision(self) -> float:
        return self.found / max(self.found + self.false_alarms, 1)

    def recall(self) -> float:
        return self.found / max(self.found + self.missed, 1)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, dict]:
    """Each corpus course built with consolecheck: its report.json and its warnings."""
    out = {}
    for course in COURSES:
        srcdir = tmp_path_factory.mktemp("corpus") / course
        shutil.copytree(CORPUS / course, srcdir)
        app = SphinxTestApp("consolecheck", srcdir=srcdir, freshenv=True)
        try:
            app.build()
            report = json.loads((Path(app.outdir) / "report.json").read_text(encoding="utf-8"))
            out[course] = {"report": report, "warnings": app.warning.getvalue()}
        finally:
            app.cleanup()
    return out


def test_every_marker_is_on_a_block_and_every_block_is_marked(reports) -> None:
    for course, data in reports.items():
        marked = {(m.source, m.content_line) for m in marked_blocks(CORPUS / course)}
        checked = {(b["source"], b["line"]) for b in data["report"]["blocks"]}
        unmarked = checked - marked
        assert not unmarked, f"{course}: blocks with no `.. expect:` marker: {sorted(unmarked)}"


def test_the_corpus_has_no_false_alarm_and_every_planted_problem_is_found(reports) -> None:
    tallies: dict[str, Tally] = {}
    wrong: list[str] = []
    for course, data in reports.items():
        expected = {
            (m.source, line, code)
            for m in marked_blocks(CORPUS / course)
            for code, line in m.problems
        }
        found = {
            (block["source"], problem["line"], problem["code"])
            for block in data["report"]["blocks"]
            for problem in block["problems"]
        }
        for source, line, code in sorted(expected | found):
            tally = tallies.setdefault(code, Tally())
            if (source, line, code) in expected and (source, line, code) in found:
                tally.found += 1
            elif (source, line, code) in found:
                tally.false_alarms += 1
                wrong.append(f"false alarm {course}/{source}:{line}: {code}")
            else:
                tally.missed += 1
                wrong.append(f"missed {course}/{source}:{line}: {code}")
    print("\ncode    found  false  missed  precision  recall")
    for code, t in sorted(tallies.items()):
        print(
            f"{code}  {t.found:6} {t.false_alarms:6} {t.missed:7}  "
            f"{t.precision():9.2f}  {t.recall():6.2f}"
        )
    assert not wrong, "\n".join(wrong)
    assert len(tallies) >= 15  # the corpus plants nearly every code


def test_blocks_inside_unknown_directives_are_counted_at_their_line(reports) -> None:
    for course, data in reports.items():
        expected = {
            (m.source, m.directive_line) for m in marked_blocks(CORPUS / course) if m.unreached
        }
        found = {(u["source"], u["line"]) for u in data["report"].get("unreached", [])}
        assert found == expected, course
    assert any(data["report"].get("unreached") for data in reports.values())


def test_the_lesson_directives_and_design_tabs_build_without_other_warnings(reports) -> None:
    for course, data in reports.items():
        others = [
            line
            for line in data["warnings"].splitlines()
            if ("WARNING" in line or "ERROR" in line)
            and "[consolecheck." not in line
            and 'Unknown directive type "faq"' not in line
        ]
        assert not others, (course, others)
