"""Property: whatever RST an author writes, the builder reports; it never crashes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sphinx.cmd.build import build_main

CONF = 'project = "fuzz"\nextensions = ["hpccourse"]\n'

# Lines a console block might hold: prompts, continuations, here-documents, REPL,
# placeholders, stray keywords, odd characters.
block_line = st.one_of(
    st.sampled_from(
        [
            "$ ls",
            "(vpyenv) $ pip install --user x",
            "$ source /proj/x/[username]/venv/bin/activate",
            "$ cat > f <<EOF",
            "EOF",
            "$ echo \\",
            "> more",
            ">>> import os",
            "... pass",
            "done",
            "$ module load nosuch/1",
            "b-an01 [~]$ sbatch <script>",
            "C:\\> dir",
            "",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
)
body = st.lists(block_line, min_size=1, max_size=5)


def indent(rows: list[str], by: int) -> str:
    return "\n".join(" " * by + row if row else "" for row in rows)


language = st.sampled_from(["console", "bash", "pycon", "text", "python", "nosuchlexer", ""])


@st.composite
def fragment(draw: st.DrawFn) -> str:
    """One piece of RST: a block of some kind, a comment, tabs, or raw text."""
    kind = draw(st.sampled_from(["code", "literal", "prompt", "skip", "tabs", "steps", "text"]))
    rows = draw(body)
    text = indent(rows, 3)
    if kind == "code":
        return f".. code-block:: {draw(language)}\n\n{text}\n"
    if kind == "literal":
        return f"Text::\n\n{text}\n"
    if kind == "prompt":
        prompts = draw(st.sampled_from(["", "   :prompts: (env) $\n", "   :modifiers: auto\n"]))
        return f".. prompt:: {draw(language)}\n{prompts}\n{text}\n"
    if kind == "skip":
        return ".. consolecheck: skip\n"
    if kind == "tabs":
        label = draw(st.sampled_from(["UPPMAX", "HPC2N", "Other", "rackham"]))
        inner = indent(rows, 9)
        return f".. tabs::\n\n   .. tab:: {label}\n\n      .. code-block:: console\n\n{inner}\n"
    if kind == "steps":
        step = draw(st.sampled_from(["load-python", "activate-venv", "no-such-step"]))
        return f".. cluster-commands:: {step}\n   :venv: env\n"
    return draw(st.text(max_size=60))


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pieces=st.lists(fragment(), max_size=6))
# found by this test: a `tab` that literal-block markup left outside its `tabs` crashed
# sphinx-tabs (KeyError 'tabs_stack'), now a located error
@example(
    pieces=[
        "Text::\n\n\n",
        ".. tabs::\n\n   .. tab:: UPPMAX\n\n      .. code-block:: console\n\n         $ ls\n",
    ]
)
def test_builder_reports_any_rst_without_crashing(
    pieces: list[str], tmp_path: Path, rootdir: Path
) -> None:
    srcdir = tmp_path / "src"
    out = tmp_path / "out"
    shutil.rmtree(srcdir, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    srcdir.mkdir()
    shutil.copy(rootdir / "test-consolecheck-clean" / "clusters.toml", srcdir)
    (srcdir / "conf.py").write_text(CONF, encoding="utf-8")
    (srcdir / "index.rst").write_text("Fuzz\n====\n\n" + "\n".join(pieces) + "\n", encoding="utf-8")
    status = build_main(["-b", "consolecheck", "-E", "-q", str(srcdir), str(out)])
    assert status in (0, 1)  # 2 would be an exception
    blocks = json.loads((out / "report.json").read_text(encoding="utf-8"))["blocks"]
    assert status == (1 if any(b["status"] == "failed" for b in blocks) else 0)
    for block in blocks:
        assert block["status"] in {"ok", "failed", "skipped"}
        assert block["line"] >= 1
        for problem in block["problems"]:
            assert problem["line"] >= block["line"]


# Text a report entry may hold, with what would fool a cut between entries: the cut's own
# text (its quotes are escaped in JSON), braces, quotes, backslashes, other scripts.
entry_text = st.one_of(
    st.sampled_from(['}, {"docname": ', '$ echo "}, {"', "\\", '{"a": 1}', "", "å ü ∑"]),
    st.text(max_size=20),
)


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(entry_text, min_size=0, max_size=6),
    docname=entry_text,
    failing=st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_a_pages_entries_encoded_at_once_are_each_entry_as_json_writes_it(
    texts: list[str], docname: str, failing: list[bool]
) -> None:
    from hpccourse.builders.consolecheck import encoded_entries, report_entry
    from hpccourse.console.model import Block, BlockResult, Command, Problem

    results = []
    for i, text in enumerate(texts):
        block = Block(
            docname=docname,
            source=f"{text}.rst",
            line=i + 1,
            language="console",
            text=text,
            cluster=text or None,
            step=docname or None,
        )
        problems = [Problem("CC101", text, 0)] if failing[i] else []
        commands = [Command(offset=0, language="shell", text=text)]
        results.append(BlockResult(block, "failed" if problems else "ok", commands, problems))
    assert encoded_entries(results) == tuple(json.dumps(report_entry(r)) for r in results)
