"""``hpccourse check DOCS_DIR``: consolecheck over a Sphinx project that does not load the
extension, left unedited; its output formats, rule selection, exit status and report."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest
from clikit import run
from hpccourse import cli

CONF = """project = "A course nobody here wrote"
extensions = ["sphinx_lesson", "sphinx_copybutton"]
copybutton_exclude = ".linenos, .gp, .go"
"""

INDEX = """A course
========

.. exercise:: Make an environment

   .. code-block:: console

      $ python -m venv myenv
      $ source activate myenv

.. code-block:: console

   module load R/4.1.2

.. mystery::

   .. code-block:: console

      $ ls

.. code-block:: console

   $ ls /proj/nobackup/course/[user]/
"""


@pytest.fixture
def course(tmp_path: Path) -> Path:
    """A small sphinx-lesson course: a CC207 in an exercise, a CC001, an unknown directive."""
    return write_docs(tmp_path, CONF, INDEX)


def write_docs(tmp_path: Path, conf: str, index: str | None = None) -> Path:
    """A course of another project, ``tmp_path/docs``: its ``conf.py`` and, if given, its
    ``index.rst``."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "conf.py").write_text(conf, encoding="utf-8")
    if index is not None:
        (docs / "index.rst").write_text(index, encoding="utf-8")
    return docs


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_check_reports_problems_at_their_lines_and_exits_1(course: Path, tmp_path: Path) -> None:
    before = snapshot(course)
    done = run("check", "docs", "--out", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("docs/index.rst:9: CC207 ") for line in lines), lines
    assert any(line.startswith("docs/index.rst:13: CC001 ") for line in lines), lines
    cc001 = next(line for line in lines if " CC001 " in line)
    assert "copies nothing" in cc001  # the course's copybutton_exclude drops output
    assert "docs/index.rst:17: not checked: a `console` block inside `mystery`" in done.stdout
    assert "note: extension sphinx_lesson left out" in done.stdout
    assert "4 blocks checked" not in done.stdout and "3 blocks checked" in done.stdout
    assert "1 not reached" in done.stdout
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [u["line"] for u in report["unreached"]] == [17]
    assert snapshot(course) == before  # nothing in the project was touched


def test_json_and_github_formats(course: Path, tmp_path: Path) -> None:
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)
    assert data["summary"]["failed"] == 2 and data["summary"]["not_reached"] == 1
    done = run("check", "docs", "-o", "out", "--format", "github", cwd=tmp_path)
    assert "::error file=docs/index.rst,line=9,title=CC207::" in done.stdout
    assert "::warning file=docs/index.rst,line=17,title=not checked::" in done.stdout


def test_select_and_ignore_pick_the_rules(course: Path, tmp_path: Path) -> None:
    done = run("check", "docs", "-o", "out", "--select", "CC2", cwd=tmp_path)
    assert " CC207 " in done.stdout and " CC001 " not in done.stdout
    assert done.returncode == 1
    done = run("check", "docs", "-o", "out", "--ignore", "CC001,CC207", cwd=tmp_path)
    assert " CC0" not in done.stdout and " CC2" not in done.stdout
    assert done.returncode == 0, done.stdout


def test_a_bad_code_or_a_folder_without_conf_py_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    done = run("check", "empty", cwd=tmp_path)
    assert done.returncode == 2 and "no conf.py" in done.stderr and "Traceback" not in done.stderr
    done = run("check", "empty", "--select", "XX9", cwd=tmp_path)
    assert done.returncode == 2 and "no rule code starts with 'XX9'" in done.stderr


def test_the_projects_own_table_is_used(tmp_path: Path, rootdir: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(rootdir / "test-consolecheck-basic", docs)
    (docs / "conf.py").write_text('project = "x"\nextensions = []\n', encoding="utf-8")
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)
    steps = [b for b in data["blocks"] if b["step"] == "load-unknown"]
    assert [b["cluster"] for b in steps] == ["uppmax", "hpc2n"]  # from its clusters.toml
    assert all(p["code"] == "CC206" for b in steps for p in b["problems"])


def test_subcommands_come_from_one_registry() -> None:
    assert "check" in cli.SUBCOMMANDS
    with pytest.raises(ValueError, match="twice"):
        cli.register(cli.SUBCOMMANDS["check"])
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0


# ------------------------------------------------- a course that needs what is missing here

FOREIGN_CONF = """import sys
from sphinx_lesson.directives import _BaseCRDirective
import not_installed_anywhere.sub as helper
print("conf.py says hello")
project = "A course with needs"
extensions = ["sphinx_lesson", "not_installed_ext", "sphinx_copybutton"]
copybutton_exclude = ".linenos, .gp"
myst_enable_extensions = ["colon_fence"]
stamp = helper.today()


class SignatureDirective(_BaseCRDirective):
    extra_classes = ["dropdown"]


def setup(app):
    app.add_directive(SignatureDirective.cssname(), SignatureDirective)
"""

FOREIGN_INDEX = """A course
========

.. toctree::

   page

.. signature:: Its own box

   .. code-block:: console

      $ echo one | grep two |

.. uml::
   :scale: 50

   .. code-block:: console

      $ echo three | grep four |

Text with :emoji:`smile`.
"""

FOREIGN_PAGE = """# A Markdown page

```console
$ echo five | grep six |
```
"""


@pytest.fixture
def foreign(tmp_path: Path) -> Path:
    """A course naming sphinx-lesson, an extension nobody has, and modules its conf.py
    imports that are not installed; Markdown pages and a notebook."""
    docs = write_docs(tmp_path, FOREIGN_CONF, FOREIGN_INDEX)
    (docs / "page.md").write_text(FOREIGN_PAGE, encoding="utf-8")
    (docs / "notebook.ipynb").write_text("{}", encoding="utf-8")
    return docs


def test_a_course_runs_unedited_with_stand_ins_said_one_line_each(
    foreign: Path, tmp_path: Path
) -> None:
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    # each block inside conf.py's own box, the unknown extension's directive and the
    # Markdown page is read and checked at its line
    assert "docs/index.rst:12: CC101 " in out, out
    assert "docs/index.rst:19: CC101 " in out, out
    assert "docs/page.md:4: CC101 " in out, out
    notes = [line for line in out.splitlines() if line.startswith("note: ")]
    assert (
        "note: conf.py imports not_installed_anywhere, not installed here: it got a "
        "stand-in module" in notes
    )
    assert any("sphinx_lesson" in n and "stand-in module" in n for n in notes), notes
    assert "note: myst-nb is not installed here: .md pages were read with myst-parser" in notes
    assert any("stand-ins accepted" in n and "uml::" in n and ":emoji:" in n for n in notes)
    # the notebook myst-nb would read: read by the check itself (it has no cells)
    assert "note: myst-nb is not installed here: notebooks were read by the check" in out
    assert "3 of 3 pages read." in out
    assert "conf.py says hello" not in out
    assert "conf.py says hello" in (tmp_path / "out" / "sphinx.log").read_text(encoding="utf-8")


def test_json_stays_json_when_conf_py_prints(foreign: Path, tmp_path: Path) -> None:
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)
    assert data["summary"]["pages_read"] == 3
    assert data["not_read"] == {}
    assert any("not_installed_anywhere" in note for note in data["notes"])


def test_a_failing_conf_setup_is_said_and_the_check_goes_on(tmp_path: Path) -> None:
    write_docs(
        tmp_path,
        "import missing_mod\nextensions = []\n\ndef setup(app):\n    missing_mod.go(app)\n"
        "    raise RuntimeError('nope')\n",
        "T\n=\n\n.. code-block:: console\n\n   $ ls\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "note: conf.py's setup() failed (RuntimeError: nope); went on without it" in done.stdout


def test_a_conf_py_broken_otherwise_is_a_clear_error(tmp_path: Path) -> None:
    write_docs(tmp_path, "extensions = [\n")
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2 and "syntax error" in done.stderr
    assert "Traceback" not in done.stderr


# ------------------------------------------------------------------ fail safe (issue 19)


def test_a_broken_table_is_its_error_and_exit_2(course: Path, tmp_path: Path) -> None:
    (course / "clusters.toml").write_text("[course\n", encoding="utf-8")
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert "the data table does not load" in done.stderr and "clusters.toml" in done.stderr
    assert "blocks checked" not in done.stdout
    (tmp_path / "other.toml").write_text("x = \n", encoding="utf-8")
    done = run("check", "docs", "-o", "out", "--table", "other.toml", cwd=tmp_path)
    assert done.returncode == 2 and "other.toml" in done.stderr


def test_out_refuses_a_file_and_a_folder_of_other_things(course: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("keep me", encoding="utf-8")
    done = run("check", "docs", "-o", "afile", cwd=tmp_path)
    assert done.returncode == 2 and "not a folder" in done.stderr
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "keep me"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    done = run("check", "docs", "-o", "mine", cwd=tmp_path)
    assert done.returncode == 2 and "not an earlier check's output" in done.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
    (tmp_path / "empty").mkdir()
    assert run("check", "docs", "-o", "empty", cwd=tmp_path).returncode == 1
    assert run("check", "docs", "-o", "empty", cwd=tmp_path).returncode == 1  # its own output


def test_help_says_conf_py_is_executed(tmp_path: Path) -> None:
    done = run("check", "--help", cwd=tmp_path)
    text = " ".join(done.stdout.split())
    assert "conf.py is executed" in text and "pull request" in text


def test_an_included_file_is_reported_once_at_its_own_line(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "parts").mkdir(parents=True)
    (docs / "conf.py").write_text('extensions = []\nexclude_patterns = ["parts"]\n')
    (docs / "parts" / "part.rst").write_text(
        ".. code-block:: console\n\n   $ cd /proj/<user-dir>\n", encoding="utf-8"
    )
    page = "{title}\n=====\n\n.. include:: parts/part.rst\n"
    (docs / "index.rst").write_text(
        "Index\n=====\n\n.. toctree::\n\n   one\n   two\n", encoding="utf-8"
    )
    (docs / "one.rst").write_text(page.format(title="One"), encoding="utf-8")
    (docs / "two.rst").write_text(page.format(title="Two"), encoding="utf-8")
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    findings = [line for line in done.stdout.splitlines() if " CC105 " in line]
    assert [f.split(" CC105 ")[0] for f in findings] == ["docs/parts/part.rst:3:"], done.stdout


def test_no_finding_from_the_source_quoted_in_an_error_message(tmp_path: Path) -> None:
    write_docs(
        tmp_path,
        "extensions = []\nkeep_warnings = True\n",
        "Index\n=====\n\n.. highlight:: console\n\n.. code-block:: console\n   :bogus-option:\n"
        "\n   $ ls <dir>\n",
    )
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)
    assert data["summary"]["sphinx_warnings"] >= 1  # the bad option: the block is not built
    assert [b for b in data["blocks"] if b["problems"]] == [], data["blocks"]


def test_an_extension_that_fails_to_set_up_here_is_left_out_and_named(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "made_for_old_sphinx.py").write_text(
        "def setup(app):\n    raise AttributeError('no add_javascript in this Sphinx')\n"
    )
    (docs / "conf.py").write_text(
        "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
        'extensions = ["made_for_old_sphinx"]\n',
        encoding="utf-8",
    )
    (docs / "index.rst").write_text("T\n=\n\n.. code-block:: console\n\n   $ ls <d>\n")
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "note: extension made_for_old_sphinx failed to set up here (AttributeError: no "
        "add_javascript in this Sphinx); left out" in done.stdout
    )
    assert "docs/index.rst:6: CC105 " in done.stdout


@pytest.mark.parametrize(
    ("conf", "said"),
    [
        # a version read from a file the sdist lacks, say: the lines after it still count
        # (the extension list, the course's own highlight default)
        (
            "release = open('version.txt').read()\nextensions = []\n"
            "highlight_language = 'console'\n",
            ("FileNotFoundError", "version.txt"),
        ),
        # a name Sphinx 9 no longer has (get_documenter): a stand-in for `sphinx`, the
        # module the check itself runs on, would break the build ("returned an
        # unsupported object" from every builder)
        (
            "from sphinx.ext.autosummary import Autosummary, no_such_name_here\n"
            "extensions = []\nhighlight_language = 'console'\n",
            ("no_such_name_here",),
        ),
    ],
    ids=["a file the sdist lacks", "a name sphinx lacks"],
)
def test_a_conf_py_line_that_fails_here_is_skipped_and_named_in_one_line(
    tmp_path: Path, conf: str, said: tuple[str, ...]
) -> None:
    write_docs(tmp_path, conf, "T\n=\n\n::\n\n   $ ls <dir>\n")
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    note = next(line for line in done.stdout.splitlines() if "conf.py:1 " in line)
    assert all(word in note for word in said) and "skipped" in note, note
    assert "docs/index.rst:6: CC105 " in done.stdout
    assert "1 of 1 page read." in done.stdout


def test_conf_py_goes_on_past_what_trips_on_a_stand_in(tmp_path: Path) -> None:
    # a local package that imports a module missing here and then fails on its stand-in;
    # an assertion on a stand-in's path; a mapping built by a stand-in and then changed;
    # a setting holding a stand-in (Sphinx could not pickle it): each is said, the check runs
    docs = tmp_path / "docs"
    (tmp_path / "mypkg").mkdir(parents=True)
    (tmp_path / "mypkg" / "__init__.py").write_text(
        "import not_here_either\nif not_here_either.level >= 3:\n    pass\n", encoding="utf-8"
    )
    docs.mkdir()
    (docs / "conf.py").write_text(
        "import os, sys\nsys.path.insert(0, os.path.abspath('..'))\nimport mypkg\n"
        "import not_installed_tool.version\n"
        "assert 'docs' in os.path.abspath(not_installed_tool.version.__file__)\n"
        "intersphinx_mapping = not_installed_tool.mapping()\n"
        "intersphinx_mapping['py'] = ('https://example.org', None)\n"
        "html_context = {'version': not_installed_tool.__version__}\n"
        "version = mypkg.__version__\n"
        "extensions = ['sphinx.ext.intersphinx']\n",
        encoding="utf-8",
    )
    (docs / "index.rst").write_text(
        "T\n=\n\n.. code-block:: console\n\n   $ ls <dir>\n", encoding="utf-8"
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:6: CC105 " in done.stdout
    notes = [line for line in done.stdout.splitlines() if line.startswith("note: ")]
    assert any("imports mypkg, which fails to import here (TypeError" in n for n in notes), notes
    assert any(n.startswith("note: conf.py:5 failed here (AssertionError") for n in notes)
    assert any(n.startswith("note: conf.py:7 failed here (TypeError") for n in notes), notes
    assert (
        "note: conf.py set html_context, intersphinx_mapping from a stand-in: "
        "Sphinx's default used instead" in notes
    ), notes
    said = "note: conf.py could not compute version here: set to '0.0', a version that parses"
    assert said in notes, notes


def test_a_stand_in_reads_markup_but_not_the_extensions_own_language(tmp_path: Path) -> None:
    write_docs(
        tmp_path,
        'extensions = ["not_installed_ext"]\n',
        "T\n=\n\n.. highlight:: console\n\n.. uml::\n\n   Alice -> Bob: see this::\n\n"
        "      ls <dir>\n\n.. jupyter-execute::\n\n   y = a *b\n",
    )
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)
    # the diagram's literal block is the page's markup: read and checked at its line
    assert [(b["line"], [p["code"] for p in b["problems"]]) for b in data["blocks"]] == [
        (10, ["CC001", "CC105"])
    ]
    assert data["summary"]["sphinx_warnings"] == 0, data  # the Python was not read as RST
    assert any("uml::" in note and "jupyter-execute::" in note for note in data["notes"])


def test_a_stand_in_reads_the_doctest_examples_it_wraps(tmp_path: Path) -> None:
    """Blind batch AG: examples inside a try-it-in-the-browser directive (not installed)
    were read as the extension's own text: none checked, none named as not reached."""
    write_docs(
        tmp_path,
        'extensions = ["not_installed_ext"]\n',
        "T\n=\n\n.. try_examples::\n\n   >>> import json\n   >>> json.loads('[1'\n",
    )
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)
    assert [(b["line"], [p["code"] for p in b["problems"]]) for b in data["blocks"]] == [
        (6, ["CC106"])
    ]


def test_a_directive_that_raises_is_read_as_a_stand_in_and_named(tmp_path: Path) -> None:
    # the course names sphinx-inline-tabs (not installed): its `tab::`, which stands alone,
    # shows its content as is, with no warning (blind batch AH: told to indent it inside
    # `tabs::`); the course's own directive raises
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "own_ext.py").write_text(
        "from docutils.parsers.rst import Directive\n\n"
        "class Broken(Directive):\n    has_content = True\n\n"
        "    def run(self):\n        raise KeyError('made for another version')\n\n"
        "def setup(app):\n    app.add_directive('broken', Broken)\n",
        encoding="utf-8",
    )
    (docs / "conf.py").write_text(
        "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
        'extensions = ["own_ext", "sphinx_inline_tabs"]\n',
        encoding="utf-8",
    )
    (docs / "index.rst").write_text(
        "T\n=\n\n.. tab:: Linux\n\n   .. code-block:: console\n\n      $ ls <dir>\n\n"
        ".. broken::\n\n   .. code-block:: console\n\n      $ cd <dir>\n",
        encoding="utf-8",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:8: CC105 " in done.stdout and "docs/index.rst:14: CC105 " in done.stdout
    notes = [line for line in done.stdout.splitlines() if line.startswith("note: directive ")]
    assert len(notes) == 1 and "broken::" in notes[0], notes
    assert "KeyError: 'made for another version'" in notes[0]
    assert "(first at docs/index.rst:10: " in notes[0], notes  # as findings name the page
    log = (tmp_path / "out" / "sphinx.log").read_text(encoding="utf-8")
    assert '"tab" directive outside' not in log, log


def test_a_sphinx_tabs_tab_outside_its_set_warns_at_its_line(tmp_path: Path) -> None:
    # sphinx-tabs itself raises KeyError there and stops the build
    write_docs(
        tmp_path,
        'extensions = ["sphinx_tabs.tabs"]\n',
        "T\n=\n\n.. tab:: Linux\n\n   .. code-block:: console\n\n      $ ls <dir>\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:8: CC105 " in done.stdout
    log = (tmp_path / "out" / "sphinx.log").read_text(encoding="utf-8")
    assert 'index.rst:4: WARNING: "tab" directive outside a "tabs" directive' in log


def test_no_intersphinx_inventory_is_fetched(tmp_path: Path) -> None:
    write_docs(
        tmp_path,
        'extensions = ["sphinx.ext.intersphinx"]\n'
        'intersphinx_mapping = {"python": ("https://docs.python.org/3", None)}\n',
        "T\n=\n\n.. code-block:: console\n\n   $ ls\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    log = (tmp_path / "out" / "sphinx.log").read_text(encoding="utf-8")
    assert "Running Sphinx" in log and "intersphinx inventory" not in log, log
    assert "1 blocks checked" in done.stdout or "1 block checked" in done.stdout, done.stdout


def test_what_programs_conf_py_starts_print_goes_to_the_log(tmp_path: Path) -> None:
    write_docs(
        tmp_path,
        "import subprocess\n"
        "subprocess.run(['sh', '-c', 'echo child says hello; echo child warns >&2'])\n"
        "extensions = []\n",
        "T\n=\n\n.. code-block:: console\n\n   $ ls <dir>\n",
    )
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)  # stdout holds the report alone
    assert [p["code"] for b in data["blocks"] for p in b["problems"]] == ["CC105"]
    assert "child" not in done.stderr, done.stderr
    log = (tmp_path / "out" / "sphinx.log").read_text(encoding="utf-8")
    assert "child says hello" in log and "child warns" in log


def test_templates_and_excluded_folders_are_no_pages_not_read(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "_templates" / "autosummary").mkdir(parents=True)
    (docs / "drafts").mkdir()
    (docs / "_templates" / "autosummary" / "class.rst").write_text("{{ fullname }}\n")
    (docs / "drafts" / "old.rst").write_text("Old\n===\n")
    (docs / "conf.py").write_text(
        'extensions = []\ntemplates_path = ["_templates"]\nexclude_patterns = ["drafts"]\n',
        encoding="utf-8",
    )
    (docs / "index.rst").write_text("T\n=\n\n.. code-block:: console\n\n   $ ls\n")
    (docs / "orphan.md").write_text("# not read: no Markdown reader is named\n")
    done = run("check", "docs", "-o", "out", "--format", "json", cwd=tmp_path)
    data = json.loads(done.stdout)
    assert data["summary"]["pages_read"] == 1
    assert data["not_read"] == {}, data["not_read"]


def test_a_markdown_root_page_is_read_when_conf_py_settings_came_from_a_stand_in(
    tmp_path: Path,
) -> None:
    # The whole configuration comes from a helper that is not installed here: no
    # extensions, no source_suffix; the pages are Markdown. The build still reads them.
    write_docs(
        tmp_path,
        "from not_installed_anywhere import settings\nglobals().update(settings())\n",
    )
    (tmp_path / "docs" / "index.md").write_text(
        "# Start\n\n```{toctree}\nmore\n```\n\n```console\n$ ls )\n```\n", encoding="utf-8"
    )
    (tmp_path / "docs" / "more.md").write_text("# More\n\n```console\n$ cat <name>\n```\n")
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.md:8: CC101 " in done.stdout, done.stdout
    assert "docs/more.md:4: CC105 " in done.stdout, done.stdout
    assert (
        "note: the root page is index.md, but conf.py names no Markdown reader that loads "
        "here: .md pages were read with myst-parser" in done.stdout
    )
    assert "2 of 2 pages read." in done.stdout


def test_autosummary_writes_no_stub_pages_into_the_course_and_its_import_errors_stop_nothing(
    tmp_path: Path,
) -> None:
    # autosummary would import a module that is not here and write stub pages into the
    # course's folder; the check edits nothing there and goes on.
    docs = write_docs(
        tmp_path,
        'extensions = ["sphinx.ext.autosummary"]\nautosummary_generate = True\n',
        "T\n=\n\n.. autosummary::\n   :toctree: api\n\n   nowhere_pkg.tool\n   json.dumps\n\n"
        ".. code-block:: console\n\n   $ cat <name>\n",
    )
    before = snapshot(docs)
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:12: CC105 " in done.stdout, done.stdout
    assert "Traceback" not in done.stderr
    assert snapshot(docs) == before  # no `api/` folder of stubs


def test_a_course_handler_that_fails_on_a_stand_ins_value_is_said_with_its_cause(
    tmp_path: Path,
) -> None:
    """A value read from a stand-in, used later by the course's own code during the build
    (flask's docs parse ``release`` in a role): the handler is stopped, not the check; the
    notes name it, its error and the likely cause (the stand-in, the skipped line), and
    the pages are read."""
    write_docs(
        tmp_path,
        "from not_installed_xyz import get_version\n"
        "release = get_version('x') + '.0'\n"
        "def setup(app):\n"
        "    def parse(app, docname, source):\n"
        "        raise ValueError(f'Invalid version: {app.config.release!r}')\n"
        "    app.connect('source-read', parse)\n",
        "T\n=\n\nText.\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    out = done.stdout
    assert "conf.py's source-read handler parse stopped (ValueError: Invalid version" in out
    assert "not_installed_xyz" in out and "conf.py:2 failed here" in out, out
    assert "1 of 1 page read." in out


def test_a_version_conf_py_cannot_compute_here_is_one_that_parses(tmp_path: Path) -> None:
    """``release, version = get_version(...)`` from a module missing here fails (a stand-in
    does not unpack); a role of the course parses ``release`` with packaging during the
    build. The check runs with a version that parses, and says so."""
    write_docs(
        tmp_path,
        "import packaging.version\n"
        "from not_installed_theme import get_version\n"
        "release, version = get_version('x')\n"
        "html_title = f'Docs ({version})'\n"
        "def tree_link(name, rawtext, text, lineno, inliner, options=None, content=None):\n"
        "    from docutils import nodes\n"
        "    release = inliner.document.settings.env.app.config.release\n"
        "    branch = 'main' if packaging.version.parse(release).is_devrelease else release\n"
        "    return [nodes.reference(rawtext, text, refuri=f'/tree/{branch}/{text}')], []\n"
        "def setup(app):\n"
        "    app.add_role('tree', tree_link)\n",
        "T\n=\n\nSee :tree:`src`.\n\n.. code-block:: console\n\n   $ ls <dir>\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:8: CC105 " in done.stdout
    notes = [line for line in done.stdout.splitlines() if line.startswith("note: ")]
    said = "conf.py could not compute release, version here: set to '0.0', a version that parses"
    assert f"note: {said}" in notes, notes
    assert not any("conf.py:4 failed" in note for note in notes), notes  # version was set


def test_autodoc_of_a_stand_in_modules_object_is_not_run_and_its_content_is_read(
    tmp_path: Path,
) -> None:
    """autodoc on an object of a module that got a stand-in documents a mock: on a class
    (nbgrader's docs) ``inspect.unwrap`` made a new mock class per step and the check ran
    past 10 minutes. Such directives are not run; their content is read, and said."""
    write_docs(
        tmp_path,
        "import not_installed_pkg\nextensions = ['sphinx.ext.autodoc']\n",
        "T\n=\n\n.. autoclass:: not_installed_pkg.apps.Thing\n   :members:\n\n"
        "   Use it::\n\n      $ thing <name>\n\n"
        ".. currentmodule:: not_installed_pkg.apps\n\n.. autofunction:: helper\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:9: CC105 " in done.stdout, done.stdout
    note = next(line for line in done.stdout.splitlines() if "autodoc not run" in line)
    assert "2 objects" in note and "not_installed_pkg.apps.Thing" in note, note


def test_a_docutils_directive_named_auto_runs_beside_stand_ins(tmp_path: Path) -> None:
    """The autodoc guard looks at directives named ``auto*``; a plain docutils directive
    of that name (no Sphinx environment on it) still runs when the course has stand-ins."""
    write_docs(
        tmp_path,
        "import not_installed_pkg\nfrom docutils import nodes\n"
        "from docutils.parsers.rst import Directive\n\n"
        "class Auto(Directive):\n    required_arguments = 1\n\n"
        "    def run(self):\n        return [nodes.paragraph(text='made by autothing')]\n\n"
        "def setup(app):\n    app.add_directive('autothing', Auto)\n",
        "T\n=\n\n.. autothing:: local.thing\n\n.. code-block:: console\n\n   $ ls <dir>\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:8: CC105 " in done.stdout
    assert "autothing" not in done.stdout, done.stdout  # ran: neither skipped nor crashed


def test_files_conf_py_writes_into_the_docs_folder_are_said_and_put_back(tmp_path: Path) -> None:
    """A conf.py that generates pages into its own folder (from values a stand-in gave):
    the check cannot stop the course's code; it says what it wrote, in one line, and
    puts the folder back as it was. Blind batch W, tespy: two of the project's pages
    were rewritten as stubs from a stand-in package, and stayed so."""
    write_docs(
        tmp_path,
        "import os\nfrom not_installed_tool import apps\n"
        "os.makedirs('made/deeper')\n"
        "for name in ('build', 'serve', 'overview'):\n"
        "    with open(os.path.join('generated', f'{apps.name}-{name}.rst'), 'w') as f:\n"
        "        f.write('X\\n=\\n')\n"
        "with open('overview.rst', 'w') as f:\n    f.write('stub')\n"
        "os.remove('gone.txt')\n",
        "T\n=\n\n.. code-block:: console\n\n   $ ls <dir>\n",
    )
    docs = tmp_path / "docs"
    (docs / "generated").mkdir()
    (docs / "overview.rst").write_text("Overview\n========\n\nThe whole page.\n")
    (docs / "gone.txt").write_text("data\n")
    before = {p.relative_to(docs): p.read_bytes() for p in docs.rglob("*") if p.is_file()}
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    [note] = [line for line in done.stdout.splitlines() if "wrote 5 files" in line]
    assert note.startswith("note: the course's own code (conf.py, its extensions) wrote")
    assert "generated/" in note and "into the docs folder" in note
    assert note.endswith("each was put back as it was (a file it made removed)")
    after = {p.relative_to(docs): p.read_bytes() for p in docs.rglob("*") if p.is_file()}
    assert after == before
    assert not (docs / "made").exists()  # a folder it made, empty again, goes too
    assert (docs / "generated").is_dir()  # one that was there stays
    # a course whose conf.py writes nothing gets no such note
    clean = tmp_path / "clean"
    clean.mkdir()
    write_docs(clean, "project = 'x'\n", "T\n=\n\nText.\n")
    done = run("check", "docs", "-o", "out", cwd=clean)
    assert "wrote" not in done.stdout, done.stdout


def test_a_course_event_handler_that_fails_here_is_said_and_the_check_goes_on(
    tmp_path: Path,
) -> None:
    """conf.py's setup() connects a handler that needs what this machine lacks (the
    network, a tool): it fails at builder-inited; the check says so in one line and
    reads the pages, as it does for a failing setup()."""
    write_docs(
        tmp_path,
        "def fetch_plugins(app):\n    raise RuntimeError('no network here')\n\n"
        "def setup(app):\n    app.connect('builder-inited', fetch_plugins)\n",
        "T\n=\n\n.. code-block:: console\n\n   $ ls <dir>\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert (
        "conf.py's builder-inited handler fetch_plugins stopped (RuntimeError: no network here)"
        in done.stdout
    ), done.stdout
    assert "docs/index.rst:6: CC105 " in done.stdout


def test_a_process_the_courses_code_leaves_running_is_ended_with_the_check(
    tmp_path: Path,
) -> None:
    """A handler starts a program in the background and returns (Tempest's plugin listing
    outlived its stopped handler): the check ends it when it ends, and names it."""
    pidfile = tmp_path / "started.pid"
    write_docs(
        tmp_path,
        "import subprocess\n\n"
        "def start_indexer(app):\n"
        "    subprocess.run(['sh', '-c', 'sleep 300 >/dev/null 2>&1 & echo $! > \"$0\"',"
        f" {str(pidfile)!r}], check=True)\n\n"
        "def setup(app):\n    app.connect('builder-inited', start_indexer)\n",
        "T\n=\n\n.. code-block:: console\n\n   $ ls <dir>\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    pid = int(pidfile.read_text(encoding="utf-8"))
    try:
        assert done.returncode == 1, done.stdout + done.stderr
        assert "the course's code left 1 process running (sleep); ended when the check ended" in (
            done.stdout
        ), done.stdout
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # ended and reaped, not handed to init
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    # a check whose course leaves nothing running says nothing of it
    clean = tmp_path / "clean"
    clean.mkdir()
    write_docs(clean, "project = 'x'\n", "T\n=\n\nText.\n")
    assert "left" not in run("check", "docs", "-o", "out", cwd=clean).stdout


def test_objects_autodoc_could_not_import_are_said_in_one_note(tmp_path: Path) -> None:
    """The course documents its own package, not installed here: autodoc warns in
    sphinx.log only, and the docstrings go unchecked; the summary says so (blind batch J:
    werkzeug's 115 objects went unsaid)."""
    write_docs(
        tmp_path,
        "extensions = ['sphinx.ext.autodoc']\n",
        "T\n=\n\n.. autoclass:: shopkeeper.cart.Cart\n\n"
        ".. autofunction:: shopkeeper.pricing.total\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    [note] = [line for line in done.stdout.splitlines() if "autodoc could not import" in line]
    assert "2 objects (of shopkeeper)" in note and "were not checked" in note
    clean = tmp_path / "clean"
    clean.mkdir()
    write_docs(clean, "extensions = ['sphinx.ext.autodoc']\n", "T\n=\n\nText.\n")
    assert "autodoc could not" not in run("check", "docs", "-o", "out", cwd=clean).stdout


@pytest.mark.parametrize(
    "conf",
    [
        "extensions = ['sphinx.ext.linkcode']\n",  # the resolver in a missing extension
        "from not_installed_style import linkcode_resolve\nextensions = ['sphinx.ext.linkcode']\n",
    ],
)
def test_linkcode_without_its_resolver_here_is_left_out_and_said(tmp_path: Path, conf: str):
    """Blind batch I: anndata's linkcode_resolve comes from scanpydoc, gwpy's from a module
    that got a stand-in; Sphinx stopped the check (exit 2) on both."""
    write_docs(tmp_path, conf, "T\n=\n\n.. code-block:: console\n\n   $ ls <dir>\n")
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "extension sphinx.ext.linkcode left out (conf.py's linkcode_resolve is missing" in (
        done.stdout
    )
    assert "docs/index.rst:6: CC105 " in done.stdout


def test_the_courses_package_that_fails_to_import_is_not_run_again_for_each_object(
    tmp_path: Path,
) -> None:
    """autodoc imports the course's package for each object; one that fails here (a
    dependency missing) ran its __init__ again each time: dask's docs took 148 s (blind
    batch I). It is run once more, then fails at once."""
    package = tmp_path / "shopkeeper"
    package.mkdir()
    runs = tmp_path / "runs.txt"
    (package / "__init__.py").write_text(
        f"with open({str(runs)!r}, 'a') as f:\n    f.write('ran\\n')\n"
        "import not_installed_anywhere_dependency\n",
        encoding="utf-8",
    )
    objects = "".join(f".. autofunction:: shopkeeper.f{i}\n\n" for i in range(12))
    write_docs(
        tmp_path,
        f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nextensions = ['sphinx.ext.autodoc']\n",
        "T\n=\n\n" + objects,
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert runs.read_text(encoding="utf-8").count("ran") == 2  # once, and once more
    assert "autodoc could not import 12 objects (of shopkeeper)" in done.stdout


def test_the_courses_handlers_run_in_its_docs_folder(tmp_path: Path) -> None:
    """Read the Docs and `make` in the docs folder run the build there: a handler that
    reads `../CHANGES` finds the project's (blind batch L, pygments: it failed when the
    check ran from another folder)."""
    (tmp_path / "CHANGES").write_text("Version 2.0\n", encoding="utf-8")
    write_docs(
        tmp_path,
        "def add_changes(app, docname, source):\n"
        "    with open('../CHANGES', encoding='utf-8') as f:\n"
        "        word = f.read().split()[0]\n"
        "    source[0] += '\\n\\n.. code-block:: console\\n\\n   $ ls <' + word + '>\\n'\n\n"
        "def setup(app):\n    app.connect('source-read', add_changes)\n",
        "T\n=\n\nText.\n",
    )
    elsewhere = tmp_path / "elsewhere" / "deeper"  # its ../CHANGES is no file
    elsewhere.mkdir(parents=True)
    done = run("check", str(tmp_path / "docs"), "-o", str(tmp_path / "out"), cwd=elsewhere)
    assert "stopped" not in done.stdout, done.stdout
    assert "CC105 `<Version>`" in done.stdout


@pytest.mark.parametrize("suffix", ["'.rst'", "{'.rst': 'restructuredtext', '.md': 'markdown'}"])
def test_a_course_read_by_recommonmark_has_its_markdown_pages_read(tmp_path: Path, suffix):
    """Blind batch K: cooler (`.md` mapped to `markdown`) stopped with exit 2, miniwdl read
    6 of 15 pages and named none of the others, both for a missing recommonmark."""
    write_docs(
        tmp_path,
        f"extensions = ['recommonmark']\nsource_suffix = {suffix}\n",
        "T\n=\n\n.. toctree::\n\n   guide\n",
    )
    (tmp_path / "docs" / "guide.md").write_text(
        "# Guide\n\n```console\n$ ls <dir>\n```\n", encoding="utf-8"
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/guide.md:4: CC105 " in done.stdout
    assert "note: recommonmark is not installed here: .md pages were read with myst-parser" in (
        done.stdout
    )
    assert "2 of 2 pages read." in done.stdout


@pytest.mark.parametrize("reader", ["sphinx_mdinclude", "m2r2"])
def test_a_markdown_file_an_rst_page_mdincludes_is_read_and_located(tmp_path: Path, reader):
    """Blind batch V, fixit: with sphinx-mdinclude missing, its `.md` page was not read and
    not named, and `.. mdinclude:: ../CONTRIBUTING.md` read nothing, so the file's console
    blocks went unchecked. The file is read with myst-parser, its blocks at its lines."""
    write_docs(  # autosectionlabel walks each section of the included file up to its page
        tmp_path,
        f"extensions = [{reader!r}, 'sphinx.ext.autosectionlabel']\n"
        "autosectionlabel_maxdepth = 2\n",
        "T\n=\n\n.. toctree::\n\n   guide\n   contributing\n",
    )
    (tmp_path / "docs" / "guide.md").write_text("# Guide\n\nText.\n", encoding="utf-8")
    (tmp_path / "docs" / "contributing.rst").write_text(
        "Contributing\n============\n\n.. mdinclude:: ../NOTES.md\n", encoding="utf-8"
    )
    (tmp_path / "NOTES.md").write_text(
        "## Set up\n\nFirst:\n\n```console\n$ make venv\n$ ls <dir>\n```\n", encoding="utf-8"
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "NOTES.md:7: CC105 `<dir>`" in done.stdout, done.stdout
    assert "3 of 3 pages read." in done.stdout
    assert "stopped" not in done.stdout, done.stdout  # the included sections are the page's


def test_an_extensions_handler_that_fails_here_is_said_and_the_check_goes_on(
    tmp_path: Path,
) -> None:
    """Blind batch W, xclim: an extension's doctree-read handler failed on a page read
    with stand-ins, and the whole check stopped with exit 2. The handler is skipped for
    that page, named once, and every page is read and checked."""
    docs = write_docs(
        tmp_path,
        "import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\n"
        "extensions = ['fragile_ext']\n",
        "T\n=\n\n.. code-block:: console\n\n   $ ls <dir>\n",
    )
    (docs / "fragile_ext.py").write_text(
        "def walk(app, doctree):\n    raise AttributeError('no parent here')\n\n"
        "def setup(app):\n    app.connect('doctree-read', walk)\n",
        encoding="utf-8",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:6: CC105 `<dir>`" in done.stdout
    assert (
        "note: fragile_ext's doctree-read handler walk stopped (AttributeError: no parent "
        "here); went on without it"
    ) in done.stdout


def test_a_role_whose_code_fails_here_is_said_and_the_check_goes_on(tmp_path: Path) -> None:
    """Blind batch W, intake-esm: an extlinks caption without `%s`, which Sphinx of today
    refuses when the role runs, stopped the whole check (exit 2) naming neither the page
    nor the setting. The role's text is read as text, the role named with its first
    place, and every page is read and checked."""
    write_docs(
        tmp_path,
        "extensions = ['sphinx.ext.extlinks']\n"
        "extlinks = {'issue': ('https://example.org/issues/%s', 'GH')}\n",
        "T\n=\n\nSee :issue:`3`.\n\n.. code-block:: console\n\n   $ ls <dir>\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:8: CC105 `<dir>`" in done.stdout
    assert "note: role :issue: raised here (first at docs/index.rst:4: TypeError:" in done.stdout


def test_a_conf_py_whose_settings_fetch_fails_still_has_its_doctests_and_boxes_read(
    tmp_path: Path,
) -> None:
    """Blind batch K, loopy: conf.py takes its extension list from a file fetched over the
    network; that line fails here, and 66 `.. doctest::` blocks were dropped as unknown
    directives while the summary said none was missed."""
    write_docs(
        tmp_path,
        "exec(open('/nonexistent/shared-sphinxconfig.py').read())\n",
        "T\n=\n\n.. doctest::\n\n   >>> total = sum([1, 2)\n\n"
        ".. shared-box::\n\n   .. code-block:: console\n\n      $ ls <dir>\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:6: CC106 " in done.stdout, done.stdout
    assert "docs/index.rst:12: CC105 " in done.stdout, done.stdout
    assert "conf.py:1 failed here" in done.stdout


def notebook(*cells: tuple[str, list[str]]) -> str:
    """A notebook as nbformat writes it (one source line a file line), of (type, lines)."""
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": rows, "outputs": []}
                for kind, rows in cells
            ],
            "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


def test_notebooks_nbsphinx_would_read_are_read_by_the_check_at_their_lines(
    tmp_path: Path,
) -> None:
    """Blind batches M, P, R, T, W: a course naming nbsphinx (not installed here) had its
    notebooks named as not read (iminuit: 10 of 36 pages read); nbval's, whose root page
    is a notebook, could not be checked at all. The check reads the notebooks' cells
    itself: a console fence in a Markdown cell and a `%%bash` cell are checked, each
    finding at its line of the .ipynb file."""
    write_docs(tmp_path, "extensions = ['nbsphinx']\n", "T\n=\n\n.. toctree::\n\n   demo\n")
    text = notebook(
        ("markdown", ["# Demo\n", "\n", "```console\n", "$ ls <dir>\n", "```"]),
        ("code", ["import os\n", "print(os.getcwd())"]),
        ("code", ["%%bash\n", "echo start\n", "cat <file>"]),
    )
    (tmp_path / "docs" / "demo.ipynb").write_text(text, encoding="utf-8")
    rows = text.split("\n")
    fence = 1 + next(i for i, row in enumerate(rows) if "ls <dir>" in row)
    cell = 1 + next(i for i, row in enumerate(rows) if "cat <file>" in row)
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"docs/demo.ipynb:{fence}: CC105 `<dir>`" in done.stdout, done.stdout
    assert f"docs/demo.ipynb:{cell}: CC105 `<file>`" in done.stdout, done.stdout
    assert "nbsphinx is not installed here: notebooks were read by the check" in done.stdout
    assert "2 of 2 pages read." in done.stdout
    # a course whose root page is a notebook is read too
    (tmp_path / "docs" / "index.rst").unlink()
    (tmp_path / "docs" / "demo.ipynb").rename(tmp_path / "docs" / "index.ipynb")
    done = run("check", "docs", "-o", "out2", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"docs/index.ipynb:{cell}: CC105 `<file>`" in done.stdout, done.stdout
    # a file that is no notebook: said at its file, no traceback, the others still read
    (tmp_path / "docs" / "broken.ipynb").write_text("{not json", encoding="utf-8")
    done = run("check", "docs", "-o", "out3", cwd=tmp_path)
    assert "Traceback" not in done.stdout + done.stderr
    assert f"docs/index.ipynb:{cell}: CC105 `<file>`" in done.stdout, done.stdout
    log = (tmp_path / "out3" / "sphinx.log").read_text(encoding="utf-8")
    assert "broken.ipynb" in log and "not a notebook: line 1" in log


def test_an_interrupted_check_puts_the_docs_folder_back_and_shows_no_traceback(
    tmp_path: Path,
) -> None:
    """Ctrl-C while the course's code runs (here its setup() raises KeyboardInterrupt,
    as a teacher's Ctrl-C would): the file it made is removed, the exit is 130 with one
    line, and no traceback."""
    docs = write_docs(
        tmp_path,
        "def setup(app):\n    open('made.txt', 'w').write('x')\n    raise KeyboardInterrupt\n",
        "T\n=\n\nText.\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 130, done.stdout + done.stderr
    assert done.stderr.strip() == "hpccourse: stopped (interrupted)"
    assert sorted(p.name for p in docs.iterdir()) == ["conf.py", "index.rst"]


def test_a_folder_named_after_the_course_project_is_no_users_home(tmp_path: Path) -> None:
    page = "T\n=\n\n.. code-block:: console\n\n   $ cd /home/quantumkit\n   $ ls /home/sven\n"
    write_docs(tmp_path, 'project = "Quantum-Kit"\n', page)
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    found = [line.split(": ")[0] for line in done.stdout.splitlines() if " CC204 " in line]
    assert found == ["docs/index.rst:7"], done.stdout


def test_an_autodoc_directive_that_never_ends_is_stopped_and_named(tmp_path: Path) -> None:
    """Blind batch AN (traja): autosummary on a class a mocked decorator made walked its
    attributes for ever, and the check hung until it was killed at 600 s."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "loops.py").write_text(
        "from docutils.parsers.rst import Directive\n\n"
        "class Endless(Directive):\n    has_content = True\n\n"
        "    def run(self):\n        while True:\n            pass\n\n"
        "def setup(app):\n    app.add_directive('autoendless', Endless)\n",
        encoding="utf-8",
    )
    (docs / "conf.py").write_text(
        'import os, sys\nsys.path.insert(0, os.path.dirname(__file__))\nextensions = ["loops"]\n',
        encoding="utf-8",
    )
    (docs / "index.rst").write_text(
        "T\n=\n\n.. autoendless::\n\n   .. code-block:: console\n\n      $ cd <dir>\n",
        encoding="utf-8",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:8: CC105 " in done.stdout  # its content read as text, checked
    note = next(line for line in done.stdout.splitlines() if "autoendless::" in line)
    assert "ran past 15 s" in note and "docs/index.rst:4" in note, note


def test_a_transform_from_a_stand_in_is_left_out_not_the_build(tmp_path: Path) -> None:
    """Blind batch AQ (shakenbreak): conf.py's setup() added recommonmark's transform,
    a stand-in here; Sphinx sorting transforms by a mock's priority stopped the build."""
    write_docs(
        tmp_path,
        "from not_installed_md.transform import Structify\n\n"
        "def setup(app):\n    app.add_transform(Structify)\n",
        "T\n=\n\n.. code-block:: console\n\n   $ cd <dir>\n",
    )
    done = run("check", "docs", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/index.rst:6: CC105 " in done.stdout
    assert "note: conf.py's transform Structify stopped (a stand-in here)" in done.stdout


POOL_CONF = """
import multiprocessing

project = "pools"
# a course module that makes a pool when imported (pathos does): its workers are the
# course's processes, ended with the check, one of them holding the pool's queue lock
pool = multiprocessing.get_context("fork").Pool(2)
"""


def test_a_pool_the_course_left_does_not_keep_the_check_from_ending(tmp_path: Path) -> None:
    """Blind batch AT, pathos: the report was printed, then the process waited forever in
    multiprocessing's exit handler for a lock a worker held when the check ended it."""
    index = "Pools\n=====\n\n.. code-block:: console\n\n   $ echo ok\n"
    docs = write_docs(tmp_path, POOL_CONF, index)
    result = run("check", "-o", str(tmp_path / "out"), str(docs), cwd=tmp_path)  # timeout
    assert result.returncode == 0, result.stderr
    assert "1 of 1 page read" in result.stdout
    # (the pool makes new workers while the old ones end: how many varies)
    assert re.search(r"left \d+ processes running \(python\); ended when the check", result.stdout)
    # and none of the pool's workers outlives the command (they would hold its output
    # pipes open: the run above would have waited for them until its timeout)
    time.sleep(0.5)
    assert not [pid for pid in _pids_running(str(docs))], "the pool's workers outlived it"


def _pids_running(text: str) -> list[int]:
    """The processes whose command line holds ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
    return found
