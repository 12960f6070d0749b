"""A course's own facts are configuration: ``[course]`` in its table, and ``conf.py``.

Testroot ``test-course-lunarc`` is a course at other centres: it requires facts the
course site has not (``batch_shell``), none that it has (no ``center``, ``allocation``,
``pip_flags``...), offers a ``cluster-facts`` kind of its own (``scratch``, listing each
cluster's ``scratch_root``) and a links kind, declares its project roots
(``/lunarc/nobackup/projects``), and has no stand-in package list. ``test-course-theme``
loads the theme fixes with another theme.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docutils import nodes
from hpccourse.lessonrun.runner import cluster_specs
from hpccourse.table import TableError, load_table

ROOTS = Path(__file__).parents[1] / "roots"


def warnings_of(app) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())


def status_of(app) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", app.status.getvalue())


def line_of(text: str, wanted: str) -> int:
    """The 1-based line of the first line of ``text`` that is ``wanted``."""
    return text.splitlines().index(wanted) + 1


# -------------------------------------------------------------------- the table


@pytest.fixture
def lunarc(rootdir: Path) -> Path:
    """test-course-lunarc's table, composed (a course of its own: nothing of the base kept)."""
    return rootdir / "test-course-lunarc" / "clusters.toml"


def test_the_course_declares_what_every_cluster_must_give(lunarc):
    table = load_table(lunarc)
    assert table.course.required_facts == (
        "storage_root",
        "user_path",
        "placeholder",
        "example_user",
        "batch_shell",
    )
    assert table.course.project_roots == (
        "/lunarc/nobackup/projects",
        "/cfs/klemming/projects/supr",
    )
    assert list(table.course.kinds) == ["scratch", "guides"]
    # None of the course site's facts is needed.
    for cluster in table.clusters:
        assert not {"center", "allocation", "pip_flags", "venv_flags"} & set(cluster.facts)


def write_variant(lunarc: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = lunarc.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "clusters.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_cluster_without_a_fact_the_course_requires_fails_at_its_line(lunarc, tmp_path):
    path = write_variant(lunarc, tmp_path, 'batch_shell = "salloc -t 00:10:00"\n', "")
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.message == "cluster 'dardel' lacks the required fact 'batch_shell'"
    assert error.value.line == line_of(path.read_text(), "[clusters.dardel]")


def test_a_cluster_without_the_fact_a_declared_kind_shows_fails_at_its_line(lunarc, tmp_path):
    path = write_variant(lunarc, tmp_path, 'scratch_root = "/local/scratch/{user}"\n', "")
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.message == (
        "cluster 'cosmos' lacks the fact 'scratch_root' (the cluster-facts kind 'scratch' shows it)"
    )
    assert error.value.line == line_of(path.read_text(), "[clusters.cosmos]")


COURSE_MISTAKES = [
    # (text replaced, its replacement, start of the message, the text of the line named
    # when it is not the changed one's)
    (
        'project_roots = ["/lunarc',
        'project_root = ["/lunarc',
        "[course]: unknown field 'project_root'",
        'project_root = ["/lunarc/nobackup/projects", "/cfs/klemming/projects/supr"]',
    ),
    (
        'required_facts = ["storage_root",',
        'required_facts = ["storage root",',
        "course.required_facts: 'storage root' is no fact name",
        None,
    ),
    (
        'required_facts = ["storage_root",',
        'required_facts = ["user", "storage_root",',
        "'user' is a reserved placeholder name",
        None,
    ),
    (
        '["/lunarc/nobackup/projects",',
        '["lunarc/nobackup/projects",',
        "course.project_roots: 'lunarc/nobackup/projects' must be an absolute folder",
        None,
    ),
    (
        'form = "links"',
        'form = "link"',
        "course.facts.guides.form: 'link' is no form (forms: list, storage, links, managers)",
        'form = "link"',
    ),
    (
        'fact = "scratch_root"\n',
        "",
        '[course.facts.scratch] needs fact = "NAME"',
        "[course.facts.scratch]",
    ),
    (
        'title = "Scratch space on each cluster"',
        'titel = "Scratch space on each cluster"',
        "[course.facts.scratch]: unknown field 'titel' (fields: form, fact, title, name)",
        'titel = "Scratch space on each cluster"',
    ),
    (
        'name = "{label} user guide"',
        'name = "{center} user guide"',
        "placeholder {center} has no value for cluster 'cosmos'",
        'name = "{center} user guide"',
    ),
    (
        'docs_url = "https://support.pdc.kth.se/doc/"',
        'docs_url = "support.pdc.kth.se/doc/"',
        "cluster 'dardel': docs_url must be an http(s) address "
        "(the cluster-facts kind 'guides' links to it)",
        'docs_url = "support.pdc.kth.se/doc/"',
    ),
]


@pytest.mark.parametrize(("old", "new", "message", "line_text"), COURSE_MISTAKES)
def test_mistakes_in_course_are_located(lunarc, tmp_path, old, new, message, line_text):
    path = write_variant(lunarc, tmp_path, old, new)
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.message.startswith(message), error.value.message
    lines = path.read_text().splitlines()
    wanted = line_text or new  # the line named: its text, else the line changed
    expected = next(i for i, line in enumerate(lines, 1) if wanted.strip() in line)
    assert error.value.line == expected


def test_without_course_only_label_is_required_and_the_built_in_kinds_exist(lunarc, tmp_path):
    text = lunarc.read_text(encoding="utf-8")
    text = text[text.index("[managers]") :]  # no [course] at all
    path = tmp_path / "clusters.toml"
    path.write_text(text, encoding="utf-8")
    table = load_table(path)
    assert table.course.required_facts == ()
    assert table.course.project_roots == ()
    assert list(table.course.kinds) == ["allocation", "storage", "managers", "docs"]
    assert not any("workshop" in kind.title for kind in table.course.kinds.values())
    # A built-in kind's fact is checked where a page shows it: these clusters have none.
    with pytest.raises(TableError) as error:
        table.fact_items("allocation")
    assert error.value.message == (
        "cluster 'cosmos' lacks the fact 'allocation' "
        "(the cluster-facts kind 'allocation' shows it)"
    )
    assert error.value.line == line_of(text, "[clusters.cosmos]")


MINIMAL = """
[clusters.one]
label = "One"

[clusters.one.modules]
python = ["python/3.12"]

[steps.hello]
commands = ["echo {greeting}"]

[placeholders]
greeting = "hello"
"""


def test_a_table_with_labels_only_loads_and_runs_where_no_fact_is_needed(tmp_path):
    path = tmp_path / "clusters.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    table = load_table(path)
    assert table.render("hello", "one").commands == ("echo hello",)
    (spec,) = cluster_specs(table)
    assert (spec.storage_root, spec.placeholder, spec.user) == ("", "", "learner")
    # {user} needs the cluster's placeholder: said at the line that uses it.
    path.write_text(MINIMAL.replace("echo {greeting}", "echo {user}"), encoding="utf-8")
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.message.startswith(
        "placeholder {user} needs the fact 'placeholder', which cluster 'one' lacks"
    )
    assert error.value.line == line_of(path.read_text(), 'commands = ["echo {user}"]')


# ------------------------------------------------------------------- the site


@pytest.mark.sphinx("html", testroot="course-lunarc", srcdir="course-lunarc-html")
def test_the_courses_own_kinds_and_facts_build_warning_free(app):
    app.build()
    assert warnings_of(app) == ""
    doctree = app.env.get_doctree("index")
    (admonition,) = doctree.findall(nodes.admonition)
    assert admonition[0].astext() == "Scratch space on each cluster"
    assert [item.astext() for item in admonition.findall(nodes.list_item)] == [
        "Cosmos: /local/scratch/[username]",
        "Dardel: /cfs/klemming/scratch/[username]",
    ]
    links = [(r.astext(), r["refuri"]) for r in doctree.findall(nodes.reference)]
    assert links == [
        ("Cosmos user guide", "https://lunarc-documentation.readthedocs.io/"),
        ("Dardel user guide", "https://support.pdc.kth.se/doc/"),
    ]
    text = doctree.astext()
    assert "$ interactive -t 00:10:00" in text
    assert "$ salloc -t 00:10:00" in text
    # No center fact: the explanation under a command does without it.
    assert "where [username] is your user name, for example ada." in " ".join(text.split())
    # Static files: the parts in use serve theirs; the theme fixes and diagrams, not loaded,
    # serve none.
    static = {p.name for p in Path(app.outdir, "_static").iterdir()}
    assert {"tabchoice.js", "tabchoice.css", "print.css"} <= static
    assert not {"a11y.css", "a11y.js", "mermaid-init.js", "diagrams.css"} & static


@pytest.mark.sphinx("html", testroot="course-lunarc", srcdir="course-lunarc-kind")
def test_a_kind_the_course_does_not_declare_is_a_located_warning(make_app, app_params):
    args, kwargs = app_params
    page = Path(kwargs["srcdir"], "more.rst")
    page.write_text(":orphan:\n\nMore\n====\n\n.. cluster-facts:: allocation\n")
    app = make_app(*args, **kwargs)
    app.build()
    assert warnings_of(app).strip() == (
        f"{page}:6: WARNING: unknown cluster-facts kind 'allocation' "
        "(kinds in clusters.toml: scratch, guides) [hpccourse.facts]"
    )


@pytest.mark.sphinx("consolecheck", testroot="course-lunarc", srcdir="course-lunarc-check")
def test_the_path_rules_compare_against_the_courses_project_roots(app):
    app.build()
    report = json.loads(Path(app.outdir, "report.json").read_text())
    problems: dict[str, list[str]] = {}
    for block in report["blocks"]:
        if block["data_source"]:
            assert block["status"] == "ok", block  # the table's own paths are fine
            continue
        for problem in block["problems"]:
            problems.setdefault(problem["code"], []).append(problem["message"])
    # CC205: under a project root, outside this cluster's storage root.
    (outside,) = problems.pop("CC205")
    assert outside.startswith(
        "`/lunarc/nobackup/projects/old-course/[username]` is under "
        "`/lunarc/nobackup/projects` but not under `cosmos`'s workshop storage "
        "(`/lunarc/nobackup/projects/hpc-course`)"
    )
    # CC204: a real user name after a storage root. `/proj/some-project/bob` is no path
    # of this course: nothing is said about it.
    (user,) = problems.pop("CC204")
    assert user.startswith("`bob` in `/lunarc/nobackup/projects/hpc-course/bob`")
    assert problems == {}
    assert "/proj/" not in Path(app.outdir, "output.txt").read_text()


# -------------------------------------------------------------------- lessonrun


@pytest.mark.needs_tools("lessonrun", "bubblewrap", "lmod")  # it runs the exercise
@pytest.mark.sphinx("lessonrun", testroot="course-lunarc", srcdir="course-lunarc-run")
def test_without_stand_ins_lessonrun_says_so_and_pip_install_fails_explained(app):
    app.build()
    conf = Path(app.srcdir, "conf.py")  # which does not set it: its first line
    assert (
        f"{conf}:1: lessonrun: no stand-in packages (lessonrun_standins is not set): "
        "an exercise's `pip install` will find nothing to install"
    ) in status_of(app)
    warnings = warnings_of(app)
    assert "Traceback" not in warnings
    failed = [line for line in warnings.splitlines() if "WARNING" in line]
    assert len(failed) == 2, warnings  # the one pip install, on each cluster
    for line in failed:
        assert "`pip install numpy`" in line
        assert "No matching distribution found for numpy" in line
        assert (
            "lessonrun has no stand-in packages (conf.py names no lessonrun_standins file)" in line
        )
    assert app.statuscode == 1
    report = json.loads(Path(app.outdir, "report.json").read_text())
    for cluster in report["clusters"]:
        (exercise,) = cluster["exercises"]
        statuses = [step["status"] for step in exercise["steps"]]
        assert statuses == ["passed", "passed", "passed", "failed"], exercise


@pytest.mark.sphinx(
    "lessonrun",
    testroot="course-lunarc",
    srcdir="course-lunarc-badlist",
    confoverrides={"lessonrun_standins": "standins.toml"},
)
def test_a_malformed_stand_in_list_is_a_warning_at_its_line(make_app, app_params):
    args, kwargs = app_params
    listing = Path(kwargs["srcdir"], "standins.toml")
    listing.write_text('# Stand-ins\n\n[packages.numpy]\nversions = "1.22.3"\n')
    app = make_app(*args, **kwargs)
    app.build()
    assert warnings_of(app).strip() == (
        f"{listing}:3: WARNING: lessonrun_standins: standins.toml: "
        '[packages.numpy] needs versions = ["X.Y", ...] [hpccourse.lessonrun]'
    )
    assert app.statuscode == 1


@pytest.mark.sphinx(
    "lessonrun",
    testroot="course-lunarc",
    srcdir="course-lunarc-nolist",
    confoverrides={"lessonrun_standins": "missing.toml"},
)
def test_a_stand_in_list_that_is_not_there_is_a_warning_at_conf_py(app):
    app.build()
    assert warnings_of(app).strip() == (
        f"{Path(app.srcdir, 'conf.py')}:1: WARNING: lessonrun_standins: missing.toml: "
        "cannot read the stand-in list: No such file or directory [hpccourse.lessonrun]"
    )
    assert app.statuscode == 1


# ------------------------------------------------------------------ theme fixes


@pytest.mark.sphinx("html", testroot="course-theme", srcdir="course-theme-other")
def test_the_theme_fixes_with_another_theme_warn_once_at_conf_py_and_do_nothing(app):
    app.build()
    assert warnings_of(app).strip() == (
        f"{Path(app.srcdir, 'conf.py')}:3: WARNING: hpccourse.html.a11y fixes sphinx_rtd_theme "
        "pages only, but html_theme is 'alabaster': it does nothing (remove it from "
        "extensions) [hpccourse.a11y]"
    )
    assert not {"a11y.css", "a11y.js"} & {p.name for p in Path(app.outdir, "_static").iterdir()}
    assert "a11y" not in Path(app.outdir, "index.html").read_text()


@pytest.mark.sphinx(
    "html",
    testroot="course-theme",
    srcdir="course-theme-rtd",
    confoverrides={"html_theme": "sphinx_rtd_theme"},
)
def test_the_theme_fixes_apply_on_sphinx_rtd_theme(app):
    app.build()
    assert warnings_of(app) == ""
    assert {"a11y.css", "a11y.js"} <= {p.name for p in Path(app.outdir, "_static").iterdir()}
    html = Path(app.outdir, "index.html").read_text()
    assert "_static/a11y.css" in html
    assert "_static/a11y.js" in html
