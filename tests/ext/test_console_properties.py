"""Property tests: the console core takes any text without an exception, and keeps its shape."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hpccourse.console.check import check_document, check_text
from hpccourse.console.lines import classify, commands, split_lines
from hpccourse.console.model import Block, BlockResult, RuleContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Pieces that drive the line classifier's states, mixed with arbitrary text.
FRAGMENTS = [
    "$ ", "(vpyenv) $ ", "b-an01 [~]$ ", "[u@h d]$ ", "u@h:~$ ", "> ", ">>> ", "... ", ">>>",
    "...", "C:\\> ", "PS C:\\> ", "\\", "\\\\", "<<EOF", "<<'EOF'", '<<"X"', "<<-EOF", "EOF",
    "\tEOF", "X", "'", '"', "`", "$(", "((", "))", "{", "}", "done", "fi", "then", "do",
    "esac", "for i in 1; do", "if true; then", "case x in", "<user>", "<batch script>",
    "[username]", "{user}", "USERNAME", "$USER", "/proj/", "/proj/nobackup/", "/home/s/",
    "/proj/r-py-jl-m-rackham/", "source ", "/bin/activate", ". ", "deactivate",
    "conda activate ", "conda deactivate", "pip install --user ", "python -m pip ",
    "module load ", "ml ", "python/3.11.8", "|", "&&", ";", "#", " ", "\n", "\r\n", "\x00",
]  # fmt: skip
console_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40
).map("".join)
any_text = st.one_of(st.text(), console_text)

CTX = RuleContext(
    placeholder={"uppmax": "[username]", "hpc2n": "[username]"},
    storage_roots={"uppmax": "/proj/r-py-jl-m-rackham", "hpc2n": "/proj/nobackup/r-py-jl-m"},
    modules={"uppmax": frozenset({"python/3.11.8"}), "hpc2n": frozenset({"Python/3.11.3"})},
)
blocks = st.builds(
    Block,
    docname=st.just("lesson"),
    source=st.just("lesson.rst"),
    line=st.integers(1, 500),
    language=st.sampled_from(["console", "bash", "sh", "pycon", "python", "text", "doscon"]),
    text=any_text,
    prompts=st.lists(st.sampled_from(["$", "(Example-gpu) $", ">>>", "%", ""]), max_size=2).map(
        tuple
    ),
    cluster=st.sampled_from([None, "uppmax", "hpc2n", "cosmos"]),
    skip=st.booleans(),
)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(text=any_text, extra=st.lists(st.sampled_from(["$", "(e) $", "%", " ", ">>>"])))
def test_classify_gives_one_line_per_line_of_any_text(text, extra):
    lines = classify(text, extra)
    rows = split_lines(text)
    assert [line.offset for line in lines] == list(range(len(rows)))
    assert [line.raw for line in lines] == rows
    implicit = classify(text, extra, implicit=True)
    assert len(implicit) == len(rows)


@SETTINGS
@given(text=any_text)
def test_commands_of_any_text_stay_inside_the_block(text):
    lines = classify(text)
    for command in commands(lines):
        assert 0 <= command.offset <= command.last_offset < len(lines)
        assert command.language in ("shell", "python", "windows")
        assert len(command.lines) == command.text.count("\n") + 1
        assert all(command.offset <= row <= command.last_offset for row in command.lines)


@SETTINGS
@given(text=any_text)
def test_check_text_of_any_text_reports_problems_on_its_lines(text):
    rows = max(len(split_lines(text)), 1)
    for problem in check_text(text):
        assert 0 <= problem.offset < rows
        assert problem.code.startswith("CC") and problem.message


@SETTINGS
@given(document=st.lists(blocks, max_size=6))
def test_check_document_of_any_blocks_gives_one_result_each(document):
    results = check_document(document, CTX)
    assert [r.block for r in results] == document
    for result in results:
        assert isinstance(result, BlockResult)
        if result.block.skip:
            assert (result.status, result.problems) == ("skipped", [])
        else:
            assert result.status == ("failed" if result.problems else "ok")
        rows = max(len(split_lines(result.block.text)), 1)
        for problem in result.problems:
            assert 0 <= problem.offset < rows


@SETTINGS
@given(document=st.lists(blocks, max_size=4))
def test_check_document_with_an_empty_context(document):
    for result in check_document(document, RuleContext()):
        assert result.status in ("ok", "failed", "skipped")


def test_the_core_runs_without_sphinx_or_docutils():
    """Loaded as a package of its own, the core imports neither (benchmarks, a CLI)."""
    package_parent = Path(__file__).resolve().parents[2] / "_ext" / "hpccourse"
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(package_parent)!r})\n"
        "from console.check import check_document, check_text\n"
        "from console.model import Block, RuleContext\n"
        "assert check_text('$ done')[0].code == 'CC102'\n"
        "check_document([Block('d', 'd.rst', 1, 'console', 'ls')], RuleContext())\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
