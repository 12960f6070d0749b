"""Smoke tests of ``make bench`` (benchmarks/): it runs on a tiny course and compares like
with like; and the fast paths added for speed give what the slow ones give. Timings are
printed by the benchmark, never asserted; counts are."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from docutils import nodes
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import gencourse  # noqa: E402
from hpccourse.console import words  # noqa: E402


def test_bench_runs_on_a_tiny_course_and_writes_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    args = ["-P", "2", "-C", "2", "-B", "2", "--runs", "1", "--sizes", "2", "--count", "200"]
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), *args, "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads(out.read_text())
    for key in (
        "html_directive",
        "html_handwritten",
        "consolecheck",
        "html_directive_consolecheck_inside",
        "html_directive_j2",
    ):
        assert results[key]["runs"] == 1 and results[key]["cpu_s"] > 0
    # consolecheck inside the html build (what `make check` runs): it ran, said what it
    # cost, and wrote the report the builder of its own writes.
    inside = results["consolecheck_in_html"]
    assert inside["check_cpu_s"] > 0 and inside["same_report"] is True
    assert results["targets"]["consolecheck_in_html_same_report"]["met"]
    edit_loop = results["incremental_consolecheck_inside"]
    assert edit_loop["runs"] == 1 and edit_loop["check_cpu_s"] >= 0
    using = results["incremental"]["pages_using_step"]
    assert edit_loop["pages_rebuilt"] == edit_loop["pages_checked"] == [using]
    assert results["checker_blocks_per_s"] > 0
    assert results["peak_rss_mib"] > 0
    incremental = results["incremental"]
    assert incremental["pages_rebuilt"] == incremental["pages_using_step"] >= 1
    assert set(results["targets"]) >= {
        "directive_over_handwritten",
        "incremental_pages_rebuilt",
        "consolecheck_in_html_over_html",
        "consolecheck_over_html",
    }
    assert results["targets"]["incremental_pages_rebuilt"]["met"]
    assert "directive_over_handwritten" in done.stdout  # the printed table
    assert "consolecheck_in_html_over_html" in done.stdout


def test_a_step_is_used_by_the_pages_the_generator_says() -> None:
    P, B = 10, 4
    for step in (f"s{i}" for i in range(gencourse.step_count(P, B))):
        using = gencourse.pages_using(step, P, B)
        assert 1 <= len(using) <= 2, (step, using)


def literal_texts(app, docname: str) -> list[str]:
    return [block.astext() for block in app.env.get_doctree(docname).findall(nodes.literal_block)]


def test_the_hand_written_course_shows_the_same_commands_as_the_directive(
    make_app, tmp_path: Path
) -> None:
    folders = gencourse.generate(tmp_path / "course", pages=2, clusters=3, blocks=3)
    texts = {}
    for kind, src in folders.items():
        app = make_app("html", srcdir=src, builddir=src / "_build")
        app.build()
        assert app.warning.getvalue() == ""
        texts[kind] = [literal_texts(app, f"page{i:04d}") for i in range(2)]
        app.cleanup()
    assert texts["directive"] == texts["handwritten"]
    assert len(texts["directive"][0]) == 3 * 3


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\"'\\#;&|()$<>[]{}=.-_/~:,+@%^*?!aZ09é\x0b\x0c", max_size=30))
def test_the_fast_word_split_agrees_with_shlex(segment: str) -> None:
    # The checker core's fast path (plain text: str.split) must give what shlex gives.
    lexer = shlex.shlex(segment, posix=True, punctuation_chars=";&|()")
    lexer.whitespace_split = True
    try:
        expected = list(lexer)
    except ValueError:
        expected = segment.split()
    assert words.words(segment) == expected
