"""Findings of blocks pulled in from another file, at the place a teacher edits them.

A ``literalinclude`` (RST or MyST) is reported at the included file and its line, whatever
options chose the lines, and once when several pages include it; ``include`` of an RST or
Markdown part stays at the part's line; a docstring autodoc pulled in is reported at its
file when it is the project's own, else at the autodoc directive, naming the docstring.
Each is checked with the ``consolecheck`` builder and with ``hpccourse check``.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from clikit import run
from hpccourse.doctree.docstrings import directive_line
from hpccourse.doctree.includeopts import directive_options, line_numbers, selected_lines
from hpccourse.doctree.rows import match_rows
from sphinx.testing.util import SphinxTestApp

CONF = 'extensions = ["myst_parser", "hpccourse"]\nexclude_patterns = ["parts"]\n'

#: The included console session: output first, the offending command after it.
SESSION = """Session of the course
marker
$ module load Python/3.11.3
$ cd /proj/<user-dir>
$ ls
"""

#: The line of SESSION every CC105 below must name.
BAD = SESSION.splitlines().index("$ cd /proj/<user-dir>") + 1

#: literalinclude options -> what they keep of SESSION, the offending line always among it.
OPTIONS = {
    "whole file": [],
    "lines range": [("lines", "3-5")],
    "lines picked apart": [("lines", "1,4-5")],
    "start-after": [("start-after", "marker")],
    "start-at": [("start-at", "$ module")],
    "prepend": [("prepend", "$ module load git"), ("start-at", "$ cd")],
    "dedent": [("lines", "3-5"), ("dedent", "0")],
}


def rst_include(options: list[tuple[str, str]], path: str = "parts/session.txt") -> str:
    lines = [f".. literalinclude:: {path}", "   :language: console"]
    lines += [f"   :{name}: {value}" for name, value in options]
    return "\n".join(lines) + "\n"


def myst_include(options: list[tuple[str, str]], path: str = "parts/session.txt") -> str:
    lines = [f"```{{literalinclude}} {path}", ":language: console"]
    lines += [f":{name}: {value}" for name, value in options]
    return "\n".join(lines) + "\n```\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def course(root: Path, rst: str, myst: str, extra: dict[str, str] | None = None) -> Path:
    """``root`` holding a course: an index, an RST page and a MyST page (``rst``, ``myst``
    after a title and a paragraph), plus ``extra`` files."""
    return write(
        root,
        {
            "conf.py": CONF,
            "index.rst": "Index\n=====\n\n.. toctree::\n\n   one\n   two\n",
            "one.rst": f"One\n===\n\nText.\n\n{rst}",
            "two.md": f"# Two\n\nText.\n\n{myst}",
            "parts/session.txt": SESSION,
            **(extra or {}),
        },
    )


def builder_findings(make_app, srcdir: Path, code: str = "CC105") -> tuple[list[str], list[str]]:
    """The ``consolecheck`` builder's ``output.txt`` lines with ``code``, and its warnings'
    locations for that code."""
    app: SphinxTestApp = make_app("consolecheck", srcdir=srcdir, freshenv=True)
    app.build()
    text = (Path(app.outdir) / "output.txt").read_text(encoding="utf-8")
    found = [line for line in text.splitlines() if f" {code} " in line]
    warned = [
        line.split(": WARNING: ")[0]
        for line in re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue()).splitlines()
        if f"[consolecheck.{code}]" in line
    ]
    return found, warned


def cli_findings(cwd: Path, docs: str, code: str = "CC105") -> list[str]:
    """``hpccourse check DOCS`` in a fresh process, as a user runs it: its lines with ``code``."""
    done = run("check", docs, "-o", "out", cwd=cwd)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if f" {code} " in line]


def where(lines: list[str]) -> list[str]:
    """``FILE:LINE`` of each finding line."""
    return [line.split(": ")[0] for line in lines]


# --- the rows of an included file, found in it -------------------------------------------


def test_rows_are_found_as_a_run_of_the_file() -> None:
    file = SESSION.splitlines()
    assert match_rows(["$ module load Python/3.11.3", "$ cd /proj/<user-dir>"], file) == (3, 4)


def test_rows_picked_apart_are_each_at_their_own_line() -> None:
    rows = ["Session of the course", "$ cd /proj/<user-dir>", "$ ls"]
    assert match_rows(rows, SESSION.splitlines()) == (1, 4, 5)


def test_a_prepended_row_stands_at_the_first_included_line() -> None:
    rows = ["$ module load git", "$ cd /proj/<user-dir>", "$ ls"]
    assert match_rows(rows, SESSION.splitlines()) == (4, 4, 5)


def test_rows_match_without_their_indentation_and_not_elsewhere() -> None:
    file = ["def f():", "    $ cd x", "    $ ls"]
    assert match_rows(["$ cd x", "$ ls"], file) == (2, 3)
    assert match_rows(["$ rm -rf y", "$ mv a b"], file) is None
    assert match_rows(["$ cd x", "$ ls"], file, 0, 1) is None  # outside the span given
    assert match_rows(["$ cd x", "$ ls"], [*file, *file], 3, 6) == (5, 6)  # inside it


def test_options_are_read_back_from_rst_and_myst_pages() -> None:
    rst = ["Text.", "", ".. literalinclude:: f.txt", "   :lines: 3,7-9", "   :dedent:", "", "x"]
    assert directive_options(rst, 3, "literalinclude") == {"lines": "3,7-9", "dedent": ""}
    myst = ["```{literalinclude} f.txt", ":start-after: marker", "```"]
    assert directive_options(myst, 1, "literalinclude") == {"start-after": "marker"}
    yaml = ["```{literalinclude} f.txt", "---", "lines: 5-6", "end-at: 'x'", "---", "```"]
    assert directive_options(yaml, 1, "literalinclude") == {"lines": "5-6", "end-at": "x"}
    assert directive_options(rst, 1, "literalinclude") is None  # not the directive's line


def test_line_specs_read_as_sphinx_reads_them() -> None:
    assert line_numbers("3,7-9", 20) == [2, 6, 7, 8]
    assert line_numbers("-2,18-", 20) == [0, 1, 17, 18, 19]
    assert line_numbers("9-3", 20) is None
    assert line_numbers("a", 20) is None


def test_options_select_lines_in_sphinx_order() -> None:
    file = ["@decorated", "def f():", "    x", "marker", "a", "b", "end", "c"]
    tree = ast.parse("\n".join(file).replace("marker", "#m").replace("end", "#e"))
    assert selected_lines({"start-after": "marker", "end-before": "end"}, file) == [5, 6]
    assert selected_lines({"start-at": "marker", "lines": "2,4"}, file) == [5, 7]
    assert selected_lines({"prepend": "$ ml", "end-at": "b"}, file) == [None, 1, 2, 3, 4, 5, 6]
    assert selected_lines({"pyobject": "f"}, file, tree) == [1, 2, 3]
    assert selected_lines({"start-after": "nowhere"}, file) is None
    assert selected_lines({"diff": "other.txt"}, file) is None


def test_the_autodoc_directive_naming_the_docstring_or_its_module_is_found() -> None:
    page = [
        "T",
        "=",
        ".. automodule:: pkg",
        ".. automodule:: pkg.mod",
        "   :members:",
        "```{autofunction} pkg.other.f",
        ".. currentmodule:: pkg.third",
        ".. autofunction:: g(x, y)",
    ]
    assert directive_line(page, "pkg.mod.f") == 4  # the longest name holding it
    assert directive_line(page, "pkg.other.f") == 6
    assert directive_line(page, "pkg.third.g") == 8  # relative to the current module
    assert directive_line(page, "elsewhere.h") is None


# --- literalinclude: the builder and hpccourse check ----------------------------------------


@pytest.mark.parametrize("case", sorted(OPTIONS))
def test_literalinclude_is_reported_once_at_the_file_line(
    make_app, tmp_path: Path, case: str
) -> None:
    options = OPTIONS[case]
    srcdir = course(tmp_path / "docs", rst_include(options), myst_include(options))
    found, warned = builder_findings(make_app, srcdir)
    assert where(found) == [f"parts/session.txt:{BAD}"], found
    assert warned == [f"{srcdir / 'parts' / 'session.txt'}:{BAD}"]


def test_other_selections_of_one_file_give_each_finding_once(make_app, tmp_path: Path) -> None:
    srcdir = course(
        tmp_path / "docs",
        rst_include([]) + "\n" + rst_include([("lines", f"{BAD}")]),
        myst_include([("start-at", "$ cd")]),
    )
    found, warned = builder_findings(make_app, srcdir)
    assert where(found) == [f"parts/session.txt:{BAD}"], found
    assert len(warned) == 1


def test_the_html_build_checking_reports_included_files_the_same(make_app, tmp_path: Path) -> None:
    """consolecheck inside the html build (``hpccourse_consolecheck``): the same place, once."""
    picked = [("lines", "1,4-5")]
    srcdir = course(tmp_path / "docs", rst_include(picked), myst_include([("lines", "3-5")]))
    app = make_app("html", srcdir=srcdir, confoverrides={"hpccourse_consolecheck": True})
    app.build()
    text = (Path(app.outdir).parent / "consolecheck" / "output.txt").read_text(encoding="utf-8")
    found = [line for line in text.splitlines() if " CC105 " in line]
    assert where(found) == [f"parts/session.txt:{BAD}"], text


#: A session whose commands occur twice: the options say which place the page shows.
TWICE = """First try
$ cd /proj/<user-dir>
$ ls
Second try
$ cd /proj/<user-dir>
$ ls
"""


def test_the_options_tell_which_of_two_equal_runs_a_page_shows(make_app, tmp_path: Path) -> None:
    second = TWICE.splitlines().index("Second try") + 2
    yaml = "```{literalinclude} parts/twice.txt\n---\nlanguage: console\n"
    yaml += f"lines: {second}-\n---\n```\n"
    srcdir = course(
        tmp_path / "docs",
        rst_include([("start-after", "Second")], "parts/twice.txt"),
        yaml,
        {"parts/twice.txt": TWICE},
    )
    found, _ = builder_findings(make_app, srcdir)
    assert where(found) == [f"parts/twice.txt:{second}"], found


def test_pyobject_is_reported_at_the_function_line(make_app, tmp_path: Path) -> None:
    source = 'def first():\n    """$ cd /proj/<user-dir>"""\n\n\ndef second():\n    """Run:\n\n'
    source += '$ cd /proj/<user-dir>\n"""\n'
    line = source.splitlines().index("$ cd /proj/<user-dir>") + 1
    options = [("pyobject", "second")]
    srcdir = course(
        tmp_path / "docs",
        rst_include(options, "parts/tool.py"),
        myst_include(options, "parts/tool.py"),
        {"parts/tool.py": source},
    )
    found, _ = builder_findings(make_app, srcdir)
    assert where(found) == [f"parts/tool.py:{line}"], found


def test_hpccourse_check_reports_literalinclude_at_the_file_once(tmp_path: Path) -> None:
    picked = [("lines", "1,4-5")]
    outside = [("start-at", "$ module")]  # a file beside the docs, as examples often are
    course(
        tmp_path / "docs",
        rst_include(picked) + "\n" + rst_include([("prepend", "$ ml git")]),
        myst_include([("start-after", "marker")])
        + "\n"
        + myst_include(outside, "../examples/session.txt"),
        {"../examples/session.txt": SESSION},
    )
    (tmp_path / "docs" / "conf.py").write_text('extensions = ["myst_parser"]\n')
    assert sorted(where(cli_findings(tmp_path, "docs"))) == [
        f"docs/parts/session.txt:{BAD}",
        f"examples/session.txt:{BAD}",
    ]


def test_docutils_literal_include_honours_start_after(make_app, tmp_path: Path) -> None:
    """docutils' own ``include`` with ``:literal:`` gives its block the file, but the line
    of ``:start-line:`` only, whatever ``:start-after:`` skipped."""
    literal = ".. include:: parts/session.txt\n   :literal:\n   :start-after: marker\n"
    srcdir = course(tmp_path / "docs", literal, "")
    found, _ = builder_findings(make_app, srcdir)
    assert where(found) == [f"parts/session.txt:{BAD}"], found


# --- include of a page part: at the part's own line ------------------------------------------


def test_an_included_part_stays_at_its_own_line(make_app, tmp_path: Path) -> None:
    part = "Before.\n\n.. code-block:: console\n\n   $ cd /proj/<user-dir>\n"
    md_part = "Before.\n\n```console\n$ cd /proj/<other-dir>\n```\n"
    srcdir = course(
        tmp_path / "docs",
        ".. include:: parts/part.rst\n",
        "```{include} parts/part.md\n```\n",
        {"parts/part.rst": part, "parts/part.md": md_part},
    )
    found, _ = builder_findings(make_app, srcdir)
    assert sorted(where(found)) == ["parts/part.md:4", "parts/part.rst:5"], found


#: A part whose block comes after a marker and some prose: an include may clip it there.
CLIPPED = "Filler one.\n\nFiller two.\n\n.. marker\n\n.. code-block:: console\n\n"
CLIPPED += "   $ cd /proj/<user-dir>\n"
CLIPPED_MD = "Filler one.\n\nFiller two.\n\n% marker\n\n```console\n$ cd /proj/<other-dir>\n```\n"


def test_a_part_included_from_a_start_is_reported_at_its_own_line(make_app, tmp_path: Path) -> None:
    """docutils counts a clipped part's lines from the clipping (its own TODO says so)."""
    srcdir = course(
        tmp_path / "docs",
        ".. include:: parts/part.rst\n   :start-after: marker\n\n"
        "Again\n-----\n\n.. include:: parts/part.rst\n   :start-line: 2\n",
        "```{include} parts/part.md\n:start-after: marker\n```\n",
        {"parts/part.rst": CLIPPED, "parts/part.md": CLIPPED_MD},
    )
    rst = CLIPPED.splitlines().index("   $ cd /proj/<user-dir>") + 1
    md = CLIPPED_MD.splitlines().index("$ cd /proj/<other-dir>") + 1
    found, _ = builder_findings(make_app, srcdir)
    assert sorted(where(found)) == [f"parts/part.md:{md}", f"parts/part.rst:{rst}"], found


def test_a_prompt_block_of_a_part_keeps_its_line(make_app, tmp_path: Path) -> None:
    """A ``prompt`` block shows a prompt its line does not hold: it is not looked for
    elsewhere (the same command with its prompt, further down, is another block)."""
    part = ".. prompt:: bash $\n\n   cd /proj/<user-dir>\n\n"
    part += ".. code-block:: console\n\n   $ cd /proj/<user-dir>\n"
    srcdir = course(
        tmp_path / "docs", ".. include:: parts/part.rst\n", "", {"parts/part.rst": part}
    )
    lines = part.splitlines()
    expected = [
        f"parts/part.rst:{lines.index('   cd /proj/<user-dir>') + 1}",
        f"parts/part.rst:{lines.index('   $ cd /proj/<user-dir>') + 1}",
    ]
    found, _ = builder_findings(make_app, srcdir)
    assert where(found) == expected, found


# --- autodoc: the project's own code at its file, an installed package at the directive ---

PACKAGE = '''"""An installed package."""


def run():
    """Run it.

    Example::

        $ cd /proj/<user-dir>
    """
'''

OWN = '''"""The course's own code."""


class Tool:
    """A tool."""

    def go(self):
        """Go.

        .. code-block:: console

           $ cd /proj/<user-dir>
        """
'''

AUTODOC_CONF = """import os, sys
sys.path.insert(0, os.path.abspath("../src"))
sys.path.insert(0, os.path.abspath("../venv/lib/site-packages"))
extensions = ["sphinx.ext.autodoc", "myst_parser", "hpccourse"]
"""

AUTODOC_RST = (
    "Intro.\n\n.. automodule:: extpkg\n   :members:\n\n.. autoclass:: ownpkg.Tool\n   :members:\n"
)
AUTODOC_MYST = (
    "```{eval-rst}\n.. autofunction:: extpkg.run\n\n.. automethod:: ownpkg.Tool.go\n```\n"
)


@pytest.fixture
def autodoc_project(tmp_path: Path) -> Iterator[Path]:
    """A project: ``docs/`` (autodoc on two pages), its own package in ``src/``, and an
    installed one under a ``site-packages`` folder; the modules forgotten afterwards."""
    write(
        tmp_path,
        {"src/ownpkg/__init__.py": OWN, "venv/lib/site-packages/extpkg.py": PACKAGE},
    )
    course(tmp_path / "docs", AUTODOC_RST, AUTODOC_MYST, {"conf.py": AUTODOC_CONF})
    yield tmp_path
    for name in ("extpkg", "ownpkg"):
        sys.modules.pop(name, None)


def autodoc_expected(root: Path) -> list[str]:
    """Where each finding belongs, by the lines of the files written."""
    one = (root / "docs" / "one.rst").read_text().splitlines()
    two = (root / "docs" / "two.md").read_text().splitlines()
    own = OWN.splitlines().index("           $ cd /proj/<user-dir>") + 1
    return [
        f"one.rst:{one.index('.. automodule:: extpkg') + 1}",
        f"two.md:{two.index('.. autofunction:: extpkg.run') + 1}",
        f"../src/ownpkg/__init__.py:{own}",
    ]


def test_docstrings_are_reported_where_they_are_edited(make_app, autodoc_project: Path) -> None:
    found, _ = builder_findings(make_app, autodoc_project / "docs")
    own_file = str((autodoc_project / "src" / "ownpkg" / "__init__.py").resolve())
    located = [f.replace(own_file, "../src/ownpkg/__init__.py") for f in where(found)]
    assert sorted(located) == sorted(autodoc_expected(autodoc_project)), found
    outside = [f for f in found if "extpkg" in f.split(": ")[0] or "site-packages" in f]
    assert outside == []
    named = [f for f in found if f.endswith("(in the docstring of extpkg.run)")]
    assert len(named) == 2, found


def test_hpccourse_check_reports_docstrings_where_they_are_edited(
    autodoc_project: Path,
) -> None:
    conf = autodoc_project / "docs" / "conf.py"
    conf.write_text(AUTODOC_CONF.replace(', "hpccourse"', ""), encoding="utf-8")
    found = cli_findings(autodoc_project, "docs")
    expected = [
        "src/ownpkg/__init__.py:" + e.split(":")[1] if e.startswith("..") else f"docs/{e}"
        for e in autodoc_expected(autodoc_project)
    ]
    assert sorted(where(found)) == sorted(expected), found
    assert sum(f.endswith("(in the docstring of extpkg.run)") for f in found) == 2


ATTRIBUTES = '''"""Attributes documented as autodoc reads them."""


def first():
    """First.

    .. code-block:: console

       $ cd /proj/<user-dir>
    """


#: The runner, as used by
#:
#: .. code-block:: console
#:
#:    $ cd /proj/<user-dir>
RUNNER = object()


class Settings:
    """Settings."""

    root: str = "/proj"
    """Where it runs:

    .. code-block:: console

       $ cd /proj/<user-dir>
    """
'''


def test_documented_attributes_are_reported_at_their_own_rows(tmp_path: Path) -> None:
    """Blind batch AH (pyasn1): a `#:` doc-comment's block was put at the rows of another
    docstring of the file that looked alike; a string after an attribute too."""
    write(tmp_path, {"src/attrpkg.py": ATTRIBUTES})
    conf = AUTODOC_CONF.replace(', "myst_parser", "hpccourse"', "")
    rst = ".. automodule:: attrpkg\n   :members:\n"
    course(tmp_path / "docs", rst, "Text.\n", {"conf.py": conf})
    try:
        found = cli_findings(tmp_path, "docs")
    finally:
        sys.modules.pop("attrpkg", None)
    rows = ATTRIBUTES.splitlines()
    expected = [
        f"src/attrpkg.py:{number}"
        for number, row in enumerate(rows, 1)
        if row.strip().lstrip("#: ") == "$ cd /proj/<user-dir>"
    ]
    assert len(expected) == 3
    assert sorted(where(found)) == sorted(expected), found


def test_a_huge_file_of_equal_lines_is_not_matched_for_ever() -> None:
    """A hostile include: rows against every line would take minutes; it keeps its page's
    place instead (the budget), and a budget-sized match still finds its rows."""
    rows = ["$ ls"] * 3000 + ["$ cd /proj/<user-dir>"]
    assert match_rows(rows, ["$ ls"] * 100_000) is None
    assert match_rows(rows, ["$ ls"] * 3000 + ["$ cd /proj/<user-dir>"]) == tuple(range(1, 3002))


def test_blocks_another_collector_version_kept_are_collected_again(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A course's cached build keeps each page's blocks; after an upgrade that places them
    elsewhere, consolecheck reads the doctrees again rather than report the old places."""
    from hpccourse.builders import blockcache
    from sphinx.environment import BuildEnvironment

    srcdir = course(tmp_path / "docs", rst_include([]), myst_include([]))
    make_app("html", srcdir=srcdir, freshenv=True).build()
    loaded: list[str] = []
    real = BuildEnvironment.get_doctree

    def get_doctree(env: BuildEnvironment, docname: str):
        loaded.append(docname)
        return real(env, docname)

    monkeypatch.setattr(BuildEnvironment, "get_doctree", get_doctree)
    monkeypatch.setattr(blockcache, "collector_digest", lambda: "another", raising=False)
    make_app("consolecheck", srcdir=srcdir).build()
    assert sorted(set(loaded)) == ["index", "one", "two"]


def test_hpccourse_check_names_an_included_part_outside_the_docs_from_the_current_folder(
    tmp_path: Path,
) -> None:
    """``.. include:: ../../CONTRIBUTING.rst`` from ``proj/docs/source``: docutils names the
    part from the current folder, so it must not be put under the docs folder again."""
    part = "Contributing\n============\n\n.. code-block:: console\n\n   $ cd /proj/<user-dir>\n"
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "CONTRIBUTING.rst").write_text(part)
    course(tmp_path / "proj" / "docs" / "source", ".. include:: ../../CONTRIBUTING.rst\n", "")
    line = part.splitlines().index("   $ cd /proj/<user-dir>") + 1
    assert where(cli_findings(tmp_path, "proj/docs/source")) == [f"proj/CONTRIBUTING.rst:{line}"]


def test_a_part_outside_the_docs_is_named_from_the_docs_folder_in_every_report(
    tmp_path: Path,
) -> None:
    """report.json names each block's ``source`` from the docs folder, a part included
    from outside it too (``../../CONTRIBUTING.rst``, never a whole path), and the text and
    the GitHub annotations, which name files from the current folder, agree with it."""
    part = "Contributing\n============\n\n.. code-block:: console\n\n   $ cd /proj/<user-dir>\n"
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "CONTRIBUTING.rst").write_text(part)
    course(tmp_path / "proj" / "docs" / "source", ".. include:: ../../CONTRIBUTING.rst\n", "")
    line = part.splitlines().index("   $ cd /proj/<user-dir>") + 1
    done = run("check", "proj/docs/source", "-o", "out", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    sources = {block["source"] for block in report["blocks"] if block["problems"]}
    assert sources == {"../../CONTRIBUTING.rst"}
    assert {b["source"] for b in json.loads(done.stdout)["blocks"] if b["problems"]} == sources
    github = run("check", "proj/docs/source", "-o", "out", "--format", "github", cwd=tmp_path)
    assert f"::error file=proj/CONTRIBUTING.rst,line={line}," in github.stdout
