"""Issue 20, item 5 and issue 19, item 8: ``hpccourse migrate`` on pages as centres write
them, RST and MyST, and a ``--write`` that never leaves a table that does not load.

Each page here is small and made for one behaviour; the table is the five-centre one of
``test-editloop-migrate``. The real pages are in test_migrate_corpus.py.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tomllib
from pathlib import Path

import pytest
from hpccourse.migrate import Migrator, main
from hpccourse.migrate.tabfacts import read_facts
from hpccourse.migrate.tabletext import load_text
from hpccourse.table import Table, TableError, load_table
from migratekit import run


def script(cluster, comment: str, shebang: str = "#!/bin/bash") -> str:
    return (
        f"{shebang}\n#SBATCH -A {cluster.allocation} # {comment}\n#SBATCH -t 00:10:00\n\n"
        f"# Load Python ({comment})\nmodule load {' '.join(cluster.modules['python'])}\n"
        "python <my_program.py>\n"
    )


def myst_page(table: Table, *, colon: bool = True) -> str:
    """A MyST page: one tab per cluster, prose, a script that differs in comments and in
    the table's facts, then the submission."""
    tab_set, tab, close = (
        ("::::{tab-set}", ":::{tab-item}", ":::") if colon else ("````{tabs}", "```{tab}", "```")
    )
    out = ["# Batch", "", "Submit with `sbatch <my_job.sh>`.", "", tab_set, ""]
    for i, c in enumerate(table.clusters):
        body = script(c, f"on {c.cluster}", "#!/bin/bash -l" if i == 0 else "#!/bin/bash")
        fence = "~~~" if not colon else "```"
        out += [
            f"{tab} {c.label}",
            "",
            f"On **{c.cluster}**, save `run_job.sh`:",
            "",
            f"{fence}bash",
            body.rstrip("\n"),
            fence,
            "",
            "Then:",
            "",
            f"{fence}console",
            "$ sbatch run_job.sh",
            fence,
            close,
            "",
        ]
    out += ["::::" if colon else "````", "", "Done."]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("colon", [True, False], ids=["tab-set", "tabs"])
def test_myst_tab_sets_become_one_shared_script(table: Table, tmp_path: Path, colon: bool):
    page = tmp_path / "batch.md"
    proposal = Migrator(table, page).run(myst_page(table, colon=colon))
    assert proposal.converted == 1
    steps = tomllib.loads(proposal.steps_toml)["steps"]
    script_step = steps["batch-run_job"]
    assert script_step["file"] == "run_job.sh"
    assert "override" not in script_step  # comments and facts differ, nothing else
    assert "#SBATCH -A {allocation}" in script_step["content"]
    assert "module load {modules.python}" in script_step["content"]
    assert "python [my_program.py]" in script_step["content"]
    assert steps["batch-sbatch-run_job"]["commands"] == ["sbatch run_job.sh"]
    assert "```{cluster-commands} batch-run_job" in proposal.page
    # each cluster's prose stays, its markup too, in a tab synchronised with the steps
    assert "{group-tab} NSC\nOn **Tetralith**, save `run_job.sh`:" in proposal.page
    assert "Then:" in proposal.page and proposal.page.count("Then:") == 1
    assert "Submit with `sbatch <my_job.sh>`." in proposal.page  # outside: as written
    report = "\n".join(proposal.report)
    assert "differ from uppmax's only in comments" in report
    assert "1 of 1 tab sets converted; 2 steps made, 2 with one shared command list" in report


def test_placeholders_the_same_way_in_commands_and_prose(table: Table, tmp_path: Path):
    tab = (
        "   .. tab:: {}\n\n      Run ``srun <my_program.py>`` as ``<user>``:\n\n"
        "      .. code-block:: console\n\n         $ srun -A {} <my_program.py> <user>\n"
    )
    text = ".. tabs::\n\n" + "\n".join(tab.format(c.label, c.allocation) for c in table.clusters)
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    (step,) = tomllib.loads(proposal.steps_toml)["steps"].values()
    assert step["commands"] == ["srun -A {allocation} [my_program.py] {user}"]
    assert "Run ``srun [my_program.py]`` as ``[username]``:" in proposal.page
    assert "<" not in proposal.page


def test_a_roles_target_in_myst_prose_is_no_placeholder(table: Table, tmp_path: Path):
    """Held-out set 39: ``{ref}`below <rocm-containers>``` is a cross-reference; its
    ``<target>`` stays, while inline code's ``<x>`` is written as commands show it."""
    tabs = "\n".join(
        f":::{{tab-item}} {c.label}\nSee {{ref}}`below <rocm-containers>`, then run "
        f"`srun <my_program.py>`:\n\n```console\n$ srun -A {c.allocation} <my_program.py>\n```"
        "\n:::"
        for c in table.clusters
    )
    text = f"::::{{tab-set}}\n{tabs}\n::::\n"
    proposal = Migrator(table, tmp_path / "p.md").run(text)
    assert "{ref}`below <rocm-containers>`" in proposal.page
    assert "`srun [my_program.py]`" in proposal.page


def test_names_come_from_the_page_and_are_unique(table: Table, tmp_path: Path):
    def tab_set(line: str) -> str:
        return ".. tabs::\n\n" + "\n".join(
            f"   .. tab:: {c.label}\n\n      .. code-block:: bash\n\n"
            f"         #!/bin/bash\n         {line}\n"
            for c in table.clusters
        )

    text = (
        f"{tab_set('echo one')}\nSubmit it with ``sbatch first.sh``.\n\n"
        f"{tab_set('echo two')}\nThen this one.\n\n{tab_set('echo three')}\n"
    )
    proposal = Migrator(table, tmp_path / "jobs.rst").run(text)
    steps = tomllib.loads(proposal.steps_toml)["steps"]
    files = [s["file"] for s in steps.values()]
    assert files[0] == "first.sh"
    assert len(set(files)) == len(files) == 3
    assert len(set(steps)) == 3 and all(k.startswith("jobs-") for k in steps)


def test_a_tab_that_is_no_cluster_stays_where_it_was(table: Table, tmp_path: Path):
    source = "   .. tab:: hello.py\n\n      .. code-block:: python\n\n         print(1)\n\n"
    clusters = "\n".join(
        f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n         $ python hello.py\n"
        for c in table.clusters
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(f".. tabs::\n\n{source}{clusters}")
    page = proposal.page
    assert page.index(".. tab:: hello.py") < page.index(".. cluster-commands::")


def test_nested_tab_sets_and_options_are_reported_not_mangled(table: Table, tmp_path: Path):
    nested = ".. tabs::\n\n" + "\n".join(
        f"   .. tab:: {c.label}\n\n      .. tabs::\n\n         .. tab:: venv\n\n"
        f"            .. code-block:: console\n\n               $ ls\n"
        for c in table.clusters
    )
    option = ".. tabs::\n\n" + "\n".join(
        f"   .. tab:: {c.label}\n\n      .. code-block:: console\n         :emphasize-lines: 1\n\n"
        f"         $ ls\n"
        for c in table.clusters
    )
    text = f"{nested}\nText.\n\n{option}"
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    assert proposal.page == text and proposal.converted == 0
    report = "\n".join(proposal.report)
    assert "p.rst:1: left by hand: a tab set inside a tab (line 5)" in report
    assert ":emphasize-lines:, which a step cannot carry" in report


def test_write_keeps_both_originals_and_the_table_loads(table_path: Path, tmp_path: Path):
    table = load_table(table_path)
    page = tmp_path / "odd.rst"
    tab = (
        "   .. tab:: {}\n\n      .. code-block:: console\n\n         $ echo 'a\x7fb' {{x}}\n\n"
        "      .. code-block:: python\n\n         import os\n"
    )
    page.write_text(".. tabs::\n\n" + "\n".join(tab.format(c.label) for c in table.clusters))
    before = table_path.read_text()
    status, _out, err = run(str(page), "--table", str(table_path), "--write")
    assert status == 0, err
    assert (tmp_path / "odd.rst.orig").exists()
    assert Path(str(table_path) + ".orig").read_text() == before
    migrated = load_table(table_path)  # a DEL and a Python block: the table still loads
    step = migrated.steps["odd-echo"]
    assert step.commands == ("echo 'a\x7fb' {{x}}",)
    assert "import os" in page.read_text()  # the Python block stays on the page
    # a second page: the table's .orig stays the table before the first migration
    second = tmp_path / "two.rst"
    second.write_text(page.with_suffix(".rst.orig").read_text().replace("echo", "printf"))
    assert run(str(second), "--table", str(table_path), "--write")[0] == 0
    assert Path(str(table_path) + ".orig").read_text() == before


def test_a_table_that_would_not_load_is_never_written(table_path: Path):
    bad = table_path.read_text() + '\n[steps.x]\ncommands = ["echo {nothing}"]\n'
    with pytest.raises(TableError) as caught:
        load_text(bad, table_path)
    assert caught.value.source == str(table_path) and caught.value.line
    assert "nothing written" in caught.value.message


def test_add_clusters_adds_a_centre_from_its_tabs(tmp_path: Path, table_path: Path):
    full = load_table(table_path)
    pdc = full.cluster("pdc")
    text = table_path.read_text()
    start = text.index("[clusters.pdc]")
    end = text.index("\n[", text.index("[clusters.pdc.modules]") + 5) + 1
    table_path.write_text(text[:start] + text[end:])  # a table that lacks PDC
    page = tmp_path / "jobs.md"
    page.write_text(myst_page(full))
    status, out, err = run(str(page), "--table", str(table_path), "--add-clusters")
    assert status == 0, err
    assert "[clusters.pdc]" in out
    assert f'allocation = "{pdc.allocation}"' in out
    assert f"modules.python = {list(pdc.modules['python'])}".replace("'", '"') in out
    assert "# FILL IN (not shown on the page): docs_url," in out
    assert 'docs_url = "https://example.invalid/FILL-IN"' in out
    # a course's convention, the same on every cluster, is copied and marked to check
    assert "# CHECK (the same on every other cluster): " in out
    assert 'placeholder = "[username]"' in out
    assert "cluster 'pdc' added from its tabs; fill in:" in err
    assert run(str(page), "--table", str(table_path), "--add-clusters", "--write")[0] == 0
    migrated = load_table(table_path)
    assert "pdc" in migrated.cluster_keys
    script_step = migrated.steps["jobs-run_job"]
    assert "pdc" not in script_step.overrides  # the new cluster shares the script too


def test_help_names_both_markups() -> None:
    with pytest.raises(SystemExit):
        run("--help")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        main(["--help"])
    assert "RST" in out.getvalue() and "MyST" in out.getvalue()
    assert "code-tab" in out.getvalue()


def test_options_of_tab_sets_and_tabs_that_are_not_carried_are_said(table: Table, tmp_path):
    text = ".. tab-set::\n   :class: wide\n\n" + "\n".join(
        f"   .. tab-item:: {c.label}\n      :sync: {c.key}\n\n      .. code-block:: console\n\n"
        f"         $ ls\n"
        for c in table.clusters
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    assert proposal.converted == 1
    report = "\n".join(proposal.report)
    assert "p.rst:2: the tab set's option :class: wide is not carried" in report
    assert "the NSC tab's option :sync: nsc is not carried" in report


def test_tabs_with_different_numbers_of_blocks_are_lined_up(table: Table, tmp_path: Path):
    def tab(cluster, extra: bool) -> str:
        first = "      .. code-block:: console\n\n         $ module purge\n\n" if extra else ""
        return (
            f"   .. tab:: {cluster.label}\n\n{first}      Load it:\n\n"
            f"      .. code-block:: console\n\n"
            f"         $ module load {' '.join(cluster.modules['python'])}\n"
            "         $ python -V\n"
        )

    text = ".. tabs::\n\n" + "\n".join(tab(c, c.key == "nsc") for c in table.clusters)
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    assert proposal.converted == 1
    steps = tomllib.loads(proposal.steps_toml)["steps"]
    (load,) = steps.values()  # the block only NSC shows is no step every other one skips:
    assert load["commands"] == ["module load {modules.python}", "python -V"]
    assert "override" not in load
    nsc = table.cluster("nsc").label  # it stays in NSC's own text, where it was
    assert (
        f"   .. group-tab:: {nsc}\n\n      .. code-block:: console\n\n         $ module purge\n"
        in proposal.page
    )
    assert proposal.page.count("module purge") == 1
    report = "\n".join(proposal.report)
    assert "lined up by their commands" in report
    assert f"a block only the {nsc} tab shows: kept as written in its text" in report
    assert "1 steps made, 1 with one shared command list (100 %)" in report
    assert "1 blocks of one cluster only kept in its own tab" in report


def test_a_tab_set_with_no_block_two_clusters_show_stays_as_written(table: Table, tmp_path):
    def tab(label: str, *commands: str) -> str:
        blocks = "".join(f"      .. code-block:: console\n\n         $ {c}\n\n" for c in commands)
        return f"   .. tab:: {label}\n\n{blocks}"

    one, two = table.clusters[:2]  # no block of one tab lines up with one of the other
    text = ".. tabs::\n\n" + tab(one.label, "alpha") + tab(two.label, "beta", "gamma")
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    assert proposal.converted == 0 and proposal.page == text and not proposal.steps_toml
    report = "\n".join(proposal.report)
    assert "p.rst:1: no block shown by two clusters or more (no step to share): kept" in report
    assert "1 with no block two clusters show kept" in report


def test_shared_commands_with_different_output_give_each_cluster_its_output(table: Table, tmp_path):
    """The same commands print different things per cluster: one command list, each
    cluster's output its own (``output.KEY``); where the commands differ too, nothing is
    shared and the blocks stay in each cluster's text."""
    text = ".. tabs::\n\n" + "\n".join(
        f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n         $ hostname\n\n"
        f"      .. code-block:: console\n\n         $ pwd\n         /home/{c.key}/a b\n\n"
        f"      .. code-block:: console\n\n         $ cd {c.key}-only\n         in {c.key} x\n"
        for c in table.clusters
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    assert proposal.converted == 1
    steps = tomllib.loads(proposal.steps_toml)["steps"]
    assert list(steps) == ["p-hostname", "p-pwd"]
    assert steps["p-pwd"]["commands"] == ["pwd"] and "override" not in steps["p-pwd"]
    assert steps["p-pwd"]["output"] == {c.key: [f"/home/{c.key}/a b"] for c in table.clusters}
    for cluster in table.clusters:
        assert (
            f"   .. group-tab:: {cluster.label}\n\n      .. code-block:: console\n\n"
            f"         $ cd {cluster.key}-only\n         in {cluster.key} x\n" in proposal.page
        )
    report = "\n".join(proposal.report)
    assert "show different output: the commands shared, each cluster's output its own" in report
    assert "show different output (a step has one): kept as written in each cluster's" in report
    assert "1 of 1 tab sets converted; 2 steps made" in report


def test_hostile_paths_are_errors_never_a_wait_or_a_write_elsewhere(table_path: Path, tmp_path):
    fifo = tmp_path / "fifo.rst"
    os.mkfifo(fifo)
    status, _out, err = run(str(fifo), "--table", str(table_path))
    assert status == 2 and "not a regular file" in err
    status, _out, err = run(str(tmp_path), "--table", str(table_path))
    assert status == 2 and "cannot read" in err
    # a dangling link where the original would be kept: refused, nothing written through it
    table = load_table(table_path)
    page = tmp_path / "p.rst"
    page.write_text(
        ".. tabs::\n\n"
        + "\n".join(
            f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n         $ hostname\n"
            for c in table.clusters
        )
    )
    target = tmp_path / "elsewhere"
    (tmp_path / "p.rst.orig").symlink_to(target)
    status, _out, err = run(str(page), "--table", str(table_path), "--write")
    assert status == 2 and "p.rst.orig exists" in err
    assert not target.exists()


def test_a_block_inside_a_list_stays_in_its_clusters_text(table: Table, tmp_path: Path):
    text = ".. tabs::\n\n" + "\n".join(
        f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n         $ hostname\n\n"
        f"      - then, on {c.cluster}:\n\n        .. code-block:: console\n\n"
        f"           $ ls /{c.key}\n"
        for c in table.clusters
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    assert proposal.converted == 1
    assert "      - then, on Tetralith:\n\n        .. code-block:: console" in proposal.page
    assert "$ ls /nsc" in proposal.page  # as written, in NSC's text
    assert "kept as written in its cluster's text" in "\n".join(proposal.report)


def test_a_tab_set_inside_a_tab_stays_whole_in_its_clusters_text(table: Table, tmp_path):
    text = ".. tabs::\n\n" + "\n".join(
        f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n         $ hostname\n\n"
        f"      .. tabs::\n\n         .. tab:: venv\n\n            .. code-block:: console\n\n"
        f"               $ python -m venv /{c.key}/env\n"
        for c in table.clusters
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    assert proposal.converted == 1
    inner = "      .. tabs::\n\n         .. tab:: venv\n\n            .. code-block:: console"
    assert proposal.page.count(inner) == len(table.clusters)  # whole, once per cluster
    assert "a tab set inside a tab: kept as written in its cluster's text" in "\n".join(
        proposal.report
    )


def test_a_block_with_output_between_its_commands_is_cut_into_steps(table: Table, tmp_path):
    """A step shows its output after its commands: a block that answers ``sbatch`` with
    its job number before ``squeue`` becomes two steps, each output after its command
    (each cluster's own job number as its output); the page says it was cut."""
    text = ".. tabs::\n\n" + "\n".join(
        f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n"
        f"         $ sbatch job.sh\n         Submitted batch job 1{i}\n\n"
        "         $ squeue --me\n         JOBID NAME\n"
        for i, c in enumerate(table.clusters)
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    steps = tomllib.loads(proposal.steps_toml)["steps"]
    assert [s["commands"] for s in steps.values()] == [["sbatch job.sh"], ["squeue --me"]]
    submit, queue = steps.values()
    assert submit["output"] == {
        c.key: [f"Submitted batch job 1{i}"] for i, c in enumerate(table.clusters)
    }
    assert queue["output"] == ["JOBID NAME"]
    assert proposal.page.count(".. cluster-commands::") == 2
    assert "Submitted batch job" not in proposal.page
    report = "\n".join(proposal.report)
    assert f"the {table.clusters[0].label} block at line 5 shows output between its commands: " in (
        report
    )
    assert "cut into 2 steps, each command's output after it" in report


def test_output_between_commands_typed_differently_stays_in_each_clusters_text(
    table: Table, tmp_path
):
    """Where the clusters' blocks type different numbers of commands, no cut lines them
    up: each block keeps its order, in its cluster's own text."""
    text = ".. tabs::\n\n" + "\n".join(
        f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n         $ hostname\n\n"
        "      .. code-block:: console\n\n"
        f"         $ sbatch job.sh\n         Submitted batch job 1{i}\n         $ squeue --me\n"
        + ("         $ sacct\n" if i == 0 else "")
        for i, c in enumerate(table.clusters)
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    assert list(tomllib.loads(proposal.steps_toml)["steps"]) == ["p-hostname"]
    for i, cluster in enumerate(table.clusters):
        assert (
            f"   .. group-tab:: {cluster.label}\n\n      .. code-block:: console\n\n"
            f"         $ sbatch job.sh\n         Submitted batch job 1{i}\n         $ squeue --me\n"
            in proposal.page
        )
    report = "\n".join(proposal.report)
    assert "shows output between its commands (a step shows its output after them): kept as" in (
        report
    )


def test_facts_are_read_from_a_line_left_to_right_even_a_long_hostile_one() -> None:
    """A tab's line gives the values of a known cluster's template: a fact is one word, a
    module list words; read left to right, so a line of thousands of words that does not
    fit ends at once (a pattern of lazy groups tried every split: minutes for 600 words)."""
    template = "module load {modules.python} && srun -A {allocation} {{x}}"
    assert read_facts(template, "module load A/1 B/2 && srun -A p12 {x}") == {
        "modules.python": "A/1 B/2",
        "allocation": "p12",
    }
    assert read_facts(template, "module load A/1 && srun -A p 12 {x}") is None  # two words
    assert read_facts("cd {storage_root}/{user}", "cd /proj/a") is None  # the reader's own
    assert read_facts("{allocation}{storage_root}", "p12/proj") is None  # no edge between
    hostile = "module load " + "w " * 20_000 + "x"
    four = "module load {modules.a} {modules.b} {modules.c} {modules.d} !"
    assert read_facts(four, hostile) is None
    assert read_facts(four, hostile.replace(" x", " !")) == {
        "modules.a": "w",
        "modules.b": "w",
        "modules.c": "w",
        "modules.d": " ".join(["w"] * 19_997),
    }


def test_long_hostile_lines_end_at_once(table: Table, tmp_path: Path) -> None:
    """Labels, prose, fences and commands with long runs of spaces are read in time
    linear in the line: patterns that backtracked took minutes on such a page."""
    spaces = " " * 100_000
    text = (
        f"Intro{spaces}text::\n\n   literal\n\n.. tabs::\n\n"
        + "\n".join(
            f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n"
            f"         $ module load x{spaces}y{' #' * 50_000}'\n"
            for c in table.clusters
        )
        + f"\n.. tabs::\n\n   .. tab:: A{spaces}B\n\n      text\n"
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    assert proposal.converted == 1
    myst = f"```{{code-block}}{spaces}x\n$ ls\n```\n"
    assert Migrator(table, tmp_path / "p.md").run(myst).converted == 0


def test_a_prompt_with_nothing_typed_is_output_not_a_command(table: Table, tmp_path):
    """``$ exit``, its ``logout``, then the login node's prompt with nothing after it:
    the shell is back, nothing is typed. One cluster shows that prompt, the others not:
    the clusters still share ``exit``, that prompt part of its cluster's output."""
    first = table.clusters[0]
    text = ".. tabs::\n\n" + "\n".join(
        f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n"
        "         [me@node1 ~]$ exit\n         logout\n"
        + ("         [me@login1 ~]$\n" if c is first else "")
        for c in table.clusters
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    (step,) = tomllib.loads(proposal.steps_toml)["steps"].values()
    assert step["commands"] == ["exit"]
    assert step["output"][first.key] == ["logout", "[me@login1 ~]$"]
    assert step["output"][table.clusters[1].key] == ["logout"]


def test_user_in_angles_without_a_placeholder_fact_is_written_in_brackets(
    table_path: Path, tmp_path: Path
):
    """A table whose clusters have no ``placeholder`` fact cannot show ``{user}`` (it
    would not load): ``<user>`` is written ``[user]``, as any other ``<name>``, and the
    report says why; the migration goes on."""
    text = table_path.read_text()
    text = re.sub(r"(?m)^placeholder = .*\n", "", text)
    table_path.write_text(re.sub(r'(?m)^user_path = "\{storage_root\}/\{user\}"\n', "", text))
    table = load_table(table_path)
    assert not any(c.placeholder for c in table.clusters)
    page = tmp_path / "p.rst"
    page.write_text(
        ".. tabs::\n\n"
        + "\n".join(
            f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n"
            f"         $ ssh <user>@{c.key}.example.org\n"
            for c in table.clusters
        )
    )
    status, _out, err = run(str(page), "--table", str(table_path), "--write")
    assert status == 0, err
    assert (
        f"<user> is the user's name, but cluster '{table.clusters[0].key}' has no placeholder"
        in err
    )
    steps = load_table(table_path).steps
    assert any("[user]@" in c for s in steps.values() for c in s.commands)


def test_a_block_prompted_as_on_hpc2n_keeps_its_output_as_output(table: Table, tmp_path):
    """``b-an01 [~]$ srun -n 2 hostname`` and the nodes' names: HPC2N's login-node prompt
    makes the block one typed with prompts, so the names are output, not commands (they
    were read as commands typed without prompts)."""
    text = ".. tabs::\n\n" + "\n".join(
        f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n"
        f"         b-an01 [~]$ srun -n 2 hostname\n         node-{c.key}\n"
        for c in table.clusters
    )
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    (step,) = tomllib.loads(proposal.steps_toml)["steps"].values()
    assert step["commands"] == ["srun -n 2 hostname"]
    assert step["output"] == {c.key: [f"node-{c.key}"] for c in table.clusters}
