"""The consolecheck builder: report fields, output, warnings, exit status, skips, config.

The tests on the ``basic`` site run on the RST testroot ``test-consolecheck-basic`` and on
its MyST twin ``test-myst-basic``, each with the exact lines of its own files.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.cmd.build import build_main
from sphinx.testing.util import SphinxTestApp

REPORT_KEYS = {
    "docname",
    "source",
    "line",
    "data_source",
    "data_line",
    "cluster",
    "step",
    "language",
    "commands",
    "status",
    "problems",
}


def copy_root(rootdir: Path, tmp_path: Path, name: str) -> Path:
    """A private copy of testroot ``name`` (builds may then change it freely)."""
    target = tmp_path / name
    shutil.copytree(rootdir / f"test-{name}", target)
    return target


def check(make_app, srcdir: Path, **kwargs: Any) -> SphinxTestApp:
    app = make_app("consolecheck", srcdir=srcdir, freshenv=True, **kwargs)
    app.build()
    return app


def report(app: SphinxTestApp) -> list[dict[str, Any]]:
    data = json.loads((Path(app.outdir) / "report.json").read_text(encoding="utf-8"))
    return data["blocks"]


def run(srcdir: Path, outdir: Path, *options: str) -> int:
    """``sphinx-build -b consolecheck`` as the Makefile runs it; its exit status."""
    return build_main(["-b", "consolecheck", "-E", "-q", *options, str(srcdir), str(outdir)])


#: Per syntax: the testroot, its pages, the line of each block (documents in name order,
#: blocks in page order) and the lines the tests look at.
CASES: dict[str, dict[str, Any]] = {
    "rst": {
        "root": "consolecheck-basic",
        "page": "index.rst",
        "second": "second.rst",
        "lines": [12, 19, 29, 36, 40, 40, 6],
        "no_prompt": 19,
        "tab_block": 29,
        "tab_problem": 30,  # the block's second command
        "skipped": 36,
        "directive": 40,
        "literal_language": "default",  # a `::` block
    },
    "myst": {
        "root": "myst-basic",
        "page": "index.md",
        "second": "second.md",
        "lines": [10, 17, 25, 34, 39, 39, 5],
        "no_prompt": 17,  # a {code-block}
        "tab_block": 25,  # a fence in a {tab}
        "tab_problem": 26,
        "skipped": 34,  # after `% consolecheck: skip`
        "directive": 39,  # :::{cluster-commands}
        "literal_language": "none",  # an indented block
    },
}


@pytest.fixture(params=sorted(CASES))
def syntax(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def basic(make_app, rootdir: Path, tmp_path: Path, syntax: str) -> SphinxTestApp:
    return check(make_app, copy_root(rootdir, tmp_path, CASES[syntax]["root"]))


def test_report_has_one_entry_per_block_with_every_field(basic: SphinxTestApp, syntax: str) -> None:
    case = CASES[syntax]
    blocks = report(basic)
    assert len(blocks) == 7
    assert all(set(block) == REPORT_KEYS for block in blocks)
    # Documents in name order, blocks in document order.
    docnames = ["index"] * 6 + ["second"]
    assert [(b["docname"], b["line"]) for b in blocks] == list(
        zip(docnames, case["lines"], strict=True)
    )
    first = blocks[0]
    assert first == {
        "docname": "index",
        "source": case["page"],
        "line": case["lines"][0],
        "data_source": None,
        "data_line": None,
        "cluster": None,
        "step": None,
        "language": "console",
        "commands": ["echo ok"],
        "status": "ok",
        "problems": [],
    }


def test_report_commands_drop_prompts_and_join_continuations(
    basic: SphinxTestApp, syntax: str
) -> None:
    second = report(basic)[-1]
    assert second["source"] == CASES[syntax]["second"]
    assert second["language"] == CASES[syntax]["literal_language"]  # with a prompt
    assert second["commands"] == ["pip install     numpy"]
    # a `::` (or indented) block draws no prompt: its `$ ` is copied with the command
    assert second["status"] == "failed"
    assert [p["code"] for p in second["problems"]] == ["CC005"]


def test_problem_names_the_line_of_the_offending_command(basic: SphinxTestApp, syntax: str) -> None:
    case = CASES[syntax]
    blocks = report(basic)
    no_prompt = blocks[1]
    assert no_prompt["status"] == "failed"
    assert [(p["code"], p["line"]) for p in no_prompt["problems"]] == [("CC001", case["no_prompt"])]
    tabbed = blocks[2]
    assert tabbed["cluster"] == "uppmax"  # from the tab's label
    # The block starts at its first line; its second command is the offending one.
    assert tabbed["line"] == case["tab_block"]
    assert [(p["code"], p["line"]) for p in tabbed["problems"]] == [("CC206", case["tab_problem"])]


def test_generated_block_reports_its_table_line_and_cluster(
    basic: SphinxTestApp, syntax: str
) -> None:
    case = CASES[syntax]
    generated = [b for b in report(basic) if b["step"] == "load-unknown"]
    table = (Path(basic.srcdir) / "clusters.toml").read_text(encoding="utf-8").splitlines()
    commands_line = table.index('commands = ["module load nosuch/1.0"]') + 1
    assert [b["cluster"] for b in generated] == ["uppmax", "hpc2n"]
    for block in generated:
        assert block["source"] == case["page"]
        assert block["line"] == case["directive"]
        assert block["data_source"] == "clusters.toml"
        assert block["data_line"] == commands_line
        assert block["commands"] == ["module load nosuch/1.0"]
        assert block["status"] == "failed"
        (problem,) = block["problems"]
        assert problem["code"] == "CC206"
        assert problem["line"] == case["directive"]
        assert f"clusters.toml:{commands_line}" in problem["message"]
        assert f"cluster {block['cluster']}" in problem["message"]


def test_comment_skips_the_next_block(basic: SphinxTestApp, syntax: str) -> None:
    skipped = report(basic)[3]
    assert skipped["line"] == CASES[syntax]["skipped"]
    assert skipped["status"] == "skipped"
    assert skipped["problems"] == []


def test_output_lists_each_problem_then_a_summary(basic: SphinxTestApp, syntax: str) -> None:
    case = CASES[syntax]
    lines = (Path(basic.outdir) / "output.txt").read_text(encoding="utf-8").splitlines()
    problems = [line for line in lines if ": CC" in line]
    page = case["page"]
    assert [line.split(" ", 2)[:2] for line in problems] == [
        [f"{page}:{case['no_prompt']}:", "CC001"],
        [f"{page}:{case['tab_problem']}:", "CC206"],
        [f"{page}:{case['directive']}:", "CC206"],
        [f"{page}:{case['directive']}:", "CC206"],
        [f"{case['second']}:{case['lines'][-1]}:", "CC005"],
    ]
    summary = [line.split() for line in lines[len(problems) :] if line.strip()]
    assert ["7", "blocks", "checked"] in summary
    assert ["1", "passed"] in summary
    assert ["5", "failed"] in summary
    assert ["1", "skipped"] in summary


def test_problems_are_sphinx_warnings_at_the_page_line(basic: SphinxTestApp, syntax: str) -> None:
    case = CASES[syntax]
    warnings = basic.warning.getvalue()
    page = Path(basic.srcdir) / case["page"]
    assert f"{page}:{case['no_prompt']}: WARNING: CC001 " in warnings
    assert "[consolecheck.CC001]" in warnings
    assert f"{page}:{case['tab_problem']}: WARNING: CC206 " in warnings
    assert warnings.count("[consolecheck.CC206]") == 3


def test_warnings_can_be_suppressed_by_code(make_app, rootdir: Path, tmp_path: Path) -> None:
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-basic")
    app = check(make_app, srcdir, confoverrides={"suppress_warnings": ["consolecheck.CC206"]})
    warnings = app.warning.getvalue()
    assert "CC206" not in warnings
    assert "[consolecheck.CC001]" in warnings
    # Suppressing the warning does not hide the problem from the report.
    assert any(p["code"] == "CC206" for b in report(app) for p in b["problems"])


def test_disabled_rules_are_neither_reported_nor_failed(
    make_app, rootdir: Path, tmp_path: Path
) -> None:
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-basic")
    app = check(make_app, srcdir, confoverrides={"consolecheck_disabled_rules": ["CC206"]})
    blocks = report(app)
    assert all(p["code"] != "CC206" for b in blocks for p in b["problems"])
    assert [b["status"] for b in blocks] == [
        "ok",
        "failed",
        "ok",
        "skipped",
        "ok",
        "ok",
        "failed",
    ]
    assert "CC206" not in app.warning.getvalue()
    assert app.statuscode == 1  # CC001 and CC005 still fail a block each


def test_exit_status_is_1_when_a_block_fails(rootdir: Path, tmp_path: Path) -> None:
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-basic")
    assert run(srcdir, tmp_path / "out") == 1
    assert (tmp_path / "out" / "report.json").is_file()


def test_exit_status_is_0_when_every_block_passes(rootdir: Path, tmp_path: Path) -> None:
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-clean")
    out = tmp_path / "out"
    assert run(srcdir, out, "-W", "--keep-going", "-n") == 0
    blocks = json.loads((out / "report.json").read_text(encoding="utf-8"))["blocks"]
    assert [b["status"] for b in blocks] == ["ok"] * 4
    assert [b["cluster"] for b in blocks] == [None, "uppmax", "hpc2n", None]
    assert "0 failed" in " ".join((out / "output.txt").read_text(encoding="utf-8").split())


def test_disabling_the_failing_rules_gives_exit_status_0(rootdir: Path, tmp_path: Path) -> None:
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-basic")
    options = ["-D", "consolecheck_disabled_rules=CC001,CC005,CC206"]
    assert run(srcdir, tmp_path / "out", *options) == 0


@pytest.mark.parametrize("options", [["-W"], ["-W", "--keep-going"]])
def test_warnings_as_errors_still_write_both_reports(
    rootdir: Path, tmp_path: Path, options: list[str]
) -> None:
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-basic")
    out = tmp_path / "out"
    assert run(srcdir, out, *options) != 0
    blocks = json.loads((out / "report.json").read_text(encoding="utf-8"))["blocks"]
    assert len(blocks) == 7
    assert "5 failed" in " ".join((out / "output.txt").read_text(encoding="utf-8").split())


def test_missing_table_checks_without_cluster_facts(
    make_app, rootdir: Path, tmp_path: Path
) -> None:
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-basic")
    (srcdir / "clusters.toml").unlink()
    app = check(make_app, srcdir)
    blocks = report(app)
    # No table: no generated blocks, no tab clusters, but every other block is checked.
    assert [b["line"] for b in blocks] == [12, 19, 29, 36, 6]
    assert all(b["cluster"] is None for b in blocks)
    assert app.statuscode == 1
    assert "Traceback" not in app.warning.getvalue()


def test_broken_table_checks_without_cluster_facts(make_app, rootdir: Path, tmp_path: Path) -> None:
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-basic")
    (srcdir / "clusters.toml").write_text("[clusters\n", encoding="utf-8")
    app = check(make_app, srcdir)
    assert len(report(app)) == 5
    # The directive, not the checker, reports the broken table (once, at the directive).
    assert app.warning.getvalue().count("clusters.toml:1") == 1


def test_checker_rereads_nothing_but_the_doctrees(make_app, rootdir: Path, tmp_path: Path) -> None:
    """A second run reuses the environment yet checks every document again."""
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-basic")
    check(make_app, srcdir)
    again = make_app("consolecheck", srcdir=srcdir)
    again.build()
    assert len(report(again)) == 7
    assert again.statuscode == 1


def test_html_then_consolecheck_share_one_doctree_cache(
    make_app, rootdir: Path, tmp_path: Path
) -> None:
    """`make html` then `make consolecheck` with one -d: tabs read by html still give clusters,
    and html built after a consolecheck read still has its tabs."""
    srcdir = copy_root(rootdir, tmp_path, "consolecheck-basic")
    first = make_app("consolecheck", srcdir=srcdir, builddir=tmp_path / "b")
    first.build()
    html = make_app("html", srcdir=srcdir, builddir=tmp_path / "b")
    html.build()
    page = (Path(html.outdir) / "index.html").read_text(encoding="utf-8")
    assert 'role="tablist"' in page
    assert Path(html.doctreedir) == Path(first.doctreedir)
    again = make_app("consolecheck", srcdir=srcdir, builddir=tmp_path / "b")
    again.build()
    assert [b["cluster"] for b in report(again)][2] == "uppmax"


#: Run in a process of its own: a hook registered before the build runs after every hook
#: the build registers (atexit runs the last first) and says whether the heap was frozen.
_EXIT_PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
from sphinx.cmd.build import build_main
status = build_main(["-b", sys.argv[1], "-E", "-q", sys.argv[2], sys.argv[3]])
print("frozen after the build:", gc.get_freeze_count() > 0)
sys.exit(status)
"""


@pytest.mark.parametrize(("builder", "frozen"), [("consolecheck", True), ("html", False)])
def test_a_check_build_ends_its_process_without_a_last_collection(
    rootdir: Path, tmp_path: Path, builder: str, frozen: bool
) -> None:
    """The check builders freeze the heap at the process's exit (the final cyclic collection
    would walk the whole finished build); not before, and not for other builders."""
    import subprocess
    import sys

    srcdir = copy_root(rootdir, tmp_path, "consolecheck-clean")
    done = subprocess.run(
        [sys.executable, "-c", _EXIT_PROBE, builder, str(srcdir), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "frozen after the build: False" in done.stdout
    assert f"frozen at exit: {frozen}" in done.stdout
