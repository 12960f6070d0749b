"""Finer dependencies: an edit of the data table rereads only the pages it changes.

Testroot ``test-deps-pages``: pages using one step each (``load``, ``create``,
``install``), two steps (``both``), one kind of cluster fact (``allocation``,
``storage``) and nothing (``plain``). Each test builds, edits the project, builds
again and compares the read time of every page (``env.all_docs``), which works for
parallel reads too. Counts only: no timing is asserted here (see ``make bench``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

USING_THE_TABLE = {"load", "create", "install", "both", "allocation", "storage"}


def warnings_of(app) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())


def text_of(app, docname: str) -> str:
    """The page as built (its doctree's text: highlighting splits words in the HTML)."""
    return app.env.get_doctree(docname).astext()


def rebuild(
    make_app, app_params, edit: Callable[[Path], None], parallel: int = 1, **changes: str
) -> tuple[set[str], object, object]:
    """Build, ``edit(srcdir)``, build again: (pages read again, first app, second app)."""
    args, kwargs = app_params
    first = make_app(*args, parallel=parallel, **kwargs)
    first.build()
    before = dict(first.env.all_docs)
    edit(Path(first.srcdir))
    first.cleanup()  # one application at a time: it resets docutils' registries
    second = make_app(*args, parallel=parallel, **kwargs)
    second.build()
    after = second.env.all_docs
    return {name for name, read in after.items() if before.get(name) != read}, first, second


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-step")
def test_editing_one_step_rereads_only_the_pages_using_that_step(make_app, app_params):
    def edit(src: Path) -> None:
        replace(src / "clusters.toml", "numpy", "numpy scipy")

    reread, _, app = rebuild(make_app, app_params, edit)
    assert reread == {"install", "both"}
    assert "numpy scipy" in text_of(app, "install")
    assert "scipy" in (app.outdir / "install.html").read_text()  # written again too
    assert "numpy scipy" in text_of(app, "both")
    assert warnings_of(app) == ""


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-step-parallel")
def test_under_parallel_reads_the_records_merge_and_an_edit_rereads_only_its_users(
    make_app, app_params
):
    def edit(src: Path) -> None:
        replace(
            src / "clusters.toml",
            "module load {modules.python}",
            "module load {modules.python} git",
        )

    reread, first, app = rebuild(make_app, app_params, edit, parallel=2)
    assert set(first.env.hpccourse_uses) == USING_THE_TABLE
    assert reread == {"load", "both"}
    assert "python/3.11.8 git" in text_of(app, "load")
    assert set(app.env.hpccourse_uses) == USING_THE_TABLE
    assert warnings_of(app) == ""


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-fact-allocation")
def test_editing_a_fact_rereads_only_the_pages_showing_it(make_app, app_params):
    def edit(src: Path) -> None:
        replace(src / "clusters.toml", "alpha-2024-1", "alpha-2025-7")

    reread, _, app = rebuild(make_app, app_params, edit)
    assert reread == {"allocation"}
    assert "alpha-2025-7" in text_of(app, "allocation")


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-fact-storage")
def test_a_fact_used_through_placeholders_rereads_the_commands_built_from_it(make_app, app_params):
    # storage_root feeds user_path, then venv_path, then the create step's command.
    def edit(src: Path) -> None:
        replace(src / "clusters.toml", '"/proj/beta"', '"/proj/beta2"')

    reread, _, app = rebuild(make_app, app_params, edit)
    assert reread == {"storage", "create"}
    assert "/proj/beta2/[username]/python/vpyenv" in text_of(app, "create")


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-comment")
def test_a_comment_at_the_end_or_a_touch_rereads_nothing(make_app, app_params):
    def edit(src: Path) -> None:
        table = src / "clusters.toml"
        table.write_text(table.read_text() + "# a teacher's note\n")

    reread, _, _ = rebuild(make_app, app_params, edit)
    assert reread == set()


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-lines-move")
def test_moving_the_steps_lines_rereads_the_command_pages(make_app, app_params):
    # Generated blocks record their table line for the checker: those lines must stay true.
    def edit(src: Path) -> None:
        replace(src / "clusters.toml", "[steps.load]", "# Steps.\n[steps.load]")

    reread, _, app = rebuild(make_app, app_params, edit)
    assert reread == {"load", "create", "install", "both"}
    block = next(node for node in app.env.get_doctree("load").findall() if "hpc_data_line" in node)
    table = (Path(app.srcdir) / "clusters.toml").read_text().splitlines()
    assert table[block["hpc_data_line"] - 1].startswith("commands = ")


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-broken")
def test_a_broken_table_rereads_every_using_page_and_so_does_its_fix(make_app, app_params):
    def breaks(src: Path) -> None:
        replace(src / "clusters.toml", "[steps.load]", "[steps.load")

    reread, _, broken = rebuild(make_app, app_params, breaks)
    assert reread == USING_THE_TABLE
    warnings = warnings_of(broken)
    # Once, at the table's line, with the pages it affects (issue 15 point 2; it was
    # once per directive before).
    assert warnings.count("clusters.toml:") == 1
    assert f"({len(USING_THE_TABLE)} pages affected: " in warnings
    assert "malformed TOML" in warnings
    assert "Traceback" not in warnings
    broken.cleanup()

    def fixes(src: Path) -> None:
        replace(src / "clusters.toml", "[steps.load", "[steps.load]")

    reread, _, fixed = rebuild(make_app, app_params, fixes)
    assert reread == USING_THE_TABLE
    assert warnings_of(fixed) == ""
    assert "python/3.11.8" in text_of(fixed, "load")


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-new-cluster")
def test_a_new_cluster_rereads_every_using_page(make_app, app_params):
    def edit(src: Path) -> None:
        table = src / "clusters.toml"
        text = table.read_text()
        start = text.index("[clusters.beta]")
        # beta's sections end where the next section of another table starts
        end = next(
            m.start() + 1
            for m in re.finditer(r"\n\[", text[start:])
            if not text[start + m.start() + 1 :].startswith("[clusters.beta")
        )
        end += start
        gamma = text[start:end].replace("beta", "gamma").replace("Beta", "Gamma")
        table.write_text(text[:end] + gamma.replace("BETA", "GAMMA") + text[end:])

    reread, _, app = rebuild(make_app, app_params, edit)
    assert reread == USING_THE_TABLE
    assert "Gamma" in text_of(app, "load")
    assert "Gammacluster" in text_of(app, "allocation")
    assert warnings_of(app) == ""


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-missing-step")
def test_a_page_naming_a_missing_step_is_reread_once_the_step_exists(make_app, app_params):
    args, kwargs = app_params
    src = Path(kwargs["srcdir"])
    first = make_app(*args, **kwargs)  # copies the testroot
    (src / "plain.rst").write_text("Plain\n=====\n\n.. cluster-commands:: later\n")
    first.cleanup()

    def edit(src: Path) -> None:
        table = src / "clusters.toml"
        table.write_text(table.read_text() + '\n[steps.later]\ncommands = ["echo later"]\n')

    reread, before, app = rebuild(make_app, app_params, edit)
    assert "no step 'later'" in warnings_of(before)
    assert reread == {"plain"}
    assert "echo later" in text_of(app, "plain")
    assert warnings_of(app) == ""


@pytest.mark.sphinx("html", testroot="deps-pages", srcdir="deps-removed-page")
def test_a_removed_page_forgets_what_it_used(make_app, app_params):
    def edit(src: Path) -> None:
        (src / "both.rst").unlink()
        replace(src / "index.rst", "   both\n", "")

    reread, first, app = rebuild(make_app, app_params, edit)
    assert "both" in first.env.hpccourse_uses
    assert "both" not in app.env.hpccourse_uses
    assert reread == {"index"}
