"""``hpccourse check`` on real courses nobody here wrote (``../shared/corpus/``), measured
against hand-marked verdicts (``tests/corpus/shared-marks.txt``).

Each course runs unedited, in this project's environment, as a teacher would run it: it
must read at least 95 % of its pages. Then every marked block's codes are compared with
its marks; precision and recall per code are printed (``pytest -s`` shows them), and the
run fails below 97 % precision or 95 % recall over all codes, on a marked block the check
no longer finds, or on a finding in a block nobody marked (every flagged block is in the
sample, so a new alarm must be judged before it counts). Without the corpus the test is
skipped with one line (failed under ``CI=true``), as for a missing system tool.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKS = ROOT / "tests" / "corpus" / "shared-marks.txt"
_MARK = re.compile(
    r"^(?P<course>[^/\s]+)/(?P<page>\S+):(?P<line>\d+)\s+(?P<verdict>[^#]+?)\s*(?:#.*)?$"
)

MIN_PRECISION = 0.97
MIN_RECALL = 0.95
MIN_PAGES_READ = 0.95


def shared_corpus() -> Path | None:
    """``../shared/corpus`` beside the project; from a git worktree, beside its main
    checkout (``.git`` is then a file naming ``MAIN/.git/worktrees/NAME``)."""
    candidates = [ROOT.parent / "shared" / "corpus"]
    dotgit = ROOT / ".git"
    if dotgit.is_file():
        gitdir = dotgit.read_text(encoding="utf-8").partition("gitdir:")[2].strip()
        if gitdir:
            candidates.append(Path(gitdir).resolve().parents[2].parent / "shared" / "corpus")
    return next((path for path in candidates if path.is_dir()), None)


def read_marks() -> dict[str, dict[tuple[str, int], frozenset[str]]]:
    """course folder -> (page from the course's root, line) -> expected codes."""
    marks: dict[str, dict[tuple[str, int], frozenset[str]]] = {}
    for row in MARKS.read_text(encoding="utf-8").splitlines():
        if not row.strip() or row.startswith("#"):
            continue
        match = _MARK.match(row)
        assert match, f"{MARKS.name}: unreadable mark: {row!r}"
        verdict = match["verdict"].strip()
        codes = frozenset() if verdict == "ok" else frozenset(verdict.replace(",", " ").split())
        course = marks.setdefault(match["course"], {})
        course[(match["page"], int(match["line"]))] = codes
    return marks


def confdir_of(course: Path) -> Path:
    """The folder of the course's ``conf.py`` (``docs/``, ``content/``, ...)."""
    found = sorted(course.glob("*/conf.py")) or sorted(course.glob("conf.py"))
    assert found, f"{course}: no conf.py"
    return found[0].parent


def check(confdir: Path, out: Path) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hpccourse",
            "check",
            str(confdir),
            "-o",
            str(out),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode in (0, 1), f"{confdir}: exit {done.returncode}: {done.stderr}"
    return json.loads(done.stdout)


def test_precision_and_recall_on_courses_written_elsewhere(tmp_path: Path) -> None:
    corpus = shared_corpus()
    if corpus is None:
        from systools import not_run_test

        not_run_test("shared corpus", f"no {ROOT.parent / 'shared' / 'corpus'}: nothing to measure")
    marks = read_marks()
    tally: dict[str, Counter[str]] = {}
    lost: list[str] = []
    wrong: list[str] = []
    unmarked: list[str] = []  # every block flagged is in the sample: a new alarm is judged
    for course in sorted(marks):
        confdir = confdir_of(corpus / course)
        prefix = confdir.relative_to(corpus / course).as_posix()
        data = check(confdir, tmp_path / course)
        read, not_read = data["summary"]["pages_read"], data["summary"]["pages_not_read"]
        print(f"\n{course}: {read} pages read, {not_read} not read")
        assert read >= MIN_PAGES_READ * (read + not_read), data["not_read"]
        found = {
            (f"{prefix}/{b['source']}", b["line"]): frozenset(p["code"] for p in b["problems"])
            for b in data["blocks"]
        }
        unmarked += [
            f"{course}/{place[0]}:{place[1]}: {sorted(codes)}"
            for place, codes in sorted(found.items())
            if codes and place not in marks[course]
        ]
        for place, expected in sorted(marks[course].items()):
            if place not in found:
                lost.append(f"{course}/{place[0]}:{place[1]}")
                continue
            got = found[place]
            for code in expected | got:
                verdict = "fn" if code not in got else "tp" if code in expected else "fp"
                tally.setdefault(code, Counter())[verdict] += 1
            if got != expected:
                marked, seen = sorted(expected) or "ok", sorted(got) or "ok"
                wrong.append(f"{course}/{place[0]}:{place[1]}: marked {marked}, found {seen}")
    total = Counter[str]()
    print(f"\n{'code':8} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>7}")
    for code, counts in [*sorted(tally.items()), ("all", total)]:
        if code != "all":
            total.update(counts)
        tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
        print(f"{code:8} {tp:4} {fp:4} {fn:4} {_ratio(tp, fp):>10} {_ratio(tp, fn):>7}")
    precision = total["tp"] / max(1, total["tp"] + total["fp"])
    recall = total["tp"] / max(1, total["tp"] + total["fn"])
    for line in wrong:
        print("  differs:", line)
    assert not lost, f"marked blocks the check no longer finds: {lost}"
    assert not unmarked, f"findings on blocks nobody judged (mark them): {unmarked}"
    assert precision >= MIN_PRECISION, wrong
    assert recall >= MIN_RECALL, wrong


def _ratio(good: int, bad: int) -> str:
    return f"{good / (good + bad):.1%}" if good + bad else "-"


def test_the_marks_name_places_only() -> None:
    """Marks keep places and verdicts, never a course's text."""
    for row in MARKS.read_text(encoding="utf-8").splitlines():
        if row.strip() and not row.startswith("#"):
            assert _MARK.match(row), row
            assert "$ " not in row and "`" not in row.partition("#")[0], row


def test_without_the_corpus_one_line_skips_or_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "shared_corpus", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="shared corpus: SKIPPED"):
        test_precision_and_recall_on_courses_written_elsewhere(tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        test_precision_and_recall_on_courses_written_elsewhere(tmp_path)
