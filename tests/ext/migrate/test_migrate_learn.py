"""Issue 20, item 5: variants that differ only in comments or in facts share one command
list (``hpccourse migrate``, :mod:`hpccourse.migrate.fold` and :mod:`.learn`).

Each page here is made up for one rule; the table is the five-centre one of
``test-editloop-migrate``. Every cluster must still be shown exactly the commands its tab
showed: each test renders the written table's steps and compares.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from hpccourse.migrate import Migrator
from hpccourse.migrate.flags import FLAG, launcher_slot
from hpccourse.table import Table, load_table
from migratekit import run


def tab_set(table: Table, body) -> str:
    """An RST tab set, one tab per cluster, each holding ``body(index, cluster)``."""
    out = [".. tabs::", ""]
    for i, cluster in enumerate(table.clusters):
        out += [f"   .. tab:: {cluster.label}", "", "      .. code-block:: console", ""]
        out += [f"         $ {line}" for line in body(i, cluster)] + [""]
    return "\n".join(out) + "\n"


def commands_per_cluster(table: Table, step: str) -> dict[str, tuple[str, ...]]:
    return {c.key: table.render(step, c.key).commands for c in table.clusters}


def migrated_step(table_path: Path, page: Path, text: str) -> tuple[Table, str, str]:
    """``text`` on ``page``, migrated with ``--write --add-clusters``: the table written,
    the key of the one step made, what was said."""
    before = load_table(table_path)
    page.write_text(text, encoding="utf-8")
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    new = load_table(table_path)
    (key,) = [k for k in new.steps if k not in before.steps]
    return new, key, err


def one_list(table_path: Path, page: Path, body) -> tuple[Table, str, tuple[str, ...]]:
    """``body`` per cluster on ``page``, migrated: the table, the step made, its commands,
    which every cluster shares (no override) and which show each cluster its own tab."""
    table = load_table(table_path)
    new, key, _err = migrated_step(table_path, page, tab_set(table, body))
    assert not new.steps[key].overrides
    for i, cluster in enumerate(new.clusters):
        assert new.render(key, cluster.key).commands == tuple(body(i, cluster))
    return new, key, new.steps[key].commands


def test_commands_that_differ_only_in_comments_share_one_list(table: Table, tmp_path: Path):
    text = tab_set(table, lambda i, c: [f"hostname  # on {c.cluster}", "pwd"])
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    (step,) = tomllib.loads(proposal.steps_toml)["steps"].values()
    assert "override" not in step
    first = table.clusters[0]
    assert step["commands"] == [f"hostname  # on {first.cluster}", "pwd"]
    report = "\n".join(proposal.report)
    others = ", ".join(c.key for c in table.clusters[1:])
    assert f"the command lists of {others} differ from {first.key}'s only in comments" in report
    assert "1 with comments folded" in report


def made_up_page(table: Table) -> str:
    """Values no cluster of the table has: modules, an account, a partition, a folder."""
    return tab_set(
        table,
        lambda i, c: [
            f"module load tool/1.{i} extra/2.{i}",
            f"salloc -A made-up-{c.key} -p part{i} -t 00:10:00",
            f"cd /scratch/area{i}/{c.key}/work",
            "python -V",
        ],
    )


def test_facts_the_table_lacks_are_learned_with_add_clusters(table_path: Path, tmp_path):
    page = tmp_path / "learn.rst"
    page.write_text(made_up_page(load_table(table_path)), encoding="utf-8")
    before = load_table(table_path)
    shown = {
        c.key: (
            f"module load tool/1.{i} extra/2.{i}",
            f"salloc -A made-up-{c.key} -p part{i} -t 00:10:00",
            f"cd /scratch/area{i}/{c.key}/work",
            "python -V",
        )
        for i, c in enumerate(before.clusters)
    }
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    table = load_table(table_path)
    (key,) = [k for k in table.steps if k not in before.steps]
    step = table.steps[key]
    assert not step.overrides and not step.skips
    assert step.commands == (
        "module load {modules.learn}",
        "salloc -A {learn-account} -p {learn-partition} -t 00:10:00",
        "cd /scratch/{learn-folder}/work",
        "python -V",
    )
    assert commands_per_cluster(table, key) == shown  # exactly what each tab showed
    for i, cluster in enumerate(table.clusters):
        assert cluster.modules["learn"] == (f"tool/1.{i}", f"extra/2.{i}")
        assert cluster.facts["learn-folder"] == f"area{i}/{cluster.key}"
    written = table_path.read_text(encoding="utf-8")
    marked = re.findall(r"  # read from learn\.rst:\d+ by hpccourse migrate: check it", written)
    assert len(marked) == 4 * len(table.clusters)  # each learned fact, each cluster
    assert "differ only in facts the table lacked: one shared command list" in err
    assert "1 with facts read from the page" in err


def test_without_add_clusters_nothing_is_learned(table_path: Path, tmp_path: Path):
    page = tmp_path / "learn.rst"
    page.write_text(made_up_page(load_table(table_path)), encoding="utf-8")
    status, out, err = run(str(page), "--table", str(table_path))
    assert status == 0, err
    assert "override.hpc2n" in out and "{learn-account}" not in out
    assert "Facts read from the page" not in out
    assert "differ only in facts the table lacks: with --add-clusters they are read" in err


def test_a_cluster_that_differs_in_more_than_facts_alone_keeps_its_commands(table_path, tmp_path):
    """One cluster runs another tool: it keeps its own commands (an override), while the
    others, which differ only in facts, share one list with the facts learned."""
    table = load_table(table_path)
    odd = table.clusters[1].key

    def body(i: int, c) -> list[str]:
        tool = "virtualenv" if c.key == odd else "python -m venv"
        return [f"module load tool/1.{i}", f"{tool} /scratch/area{i}/env"]

    new, key, err = migrated_step(table_path, tmp_path / "other.rst", tab_set(table, body))
    assert set(new.steps[key].overrides) == {odd}
    assert new.steps[key].commands == (
        "module load {modules.other}",
        "python -m venv /scratch/{other-folder}/env",
    )
    sharing = [c.key for c in table.clusters if c.key != odd]
    assert f"the {', '.join(sharing)} command lists differ only in facts the table lacked" in err
    assert f"per-cluster overrides for {odd}" in err
    assert "other" not in new.cluster(odd).modules  # nothing learned where nothing shares
    for i, cluster in enumerate(new.clusters):
        tool = "virtualenv" if cluster.key == odd else "python -m venv"
        assert new.render(key, cluster.key).commands == (
            f"module load tool/1.{i}",
            f"{tool} /scratch/area{i}/env",
        )


def test_when_no_two_clusters_share_beyond_facts_each_keeps_its_commands(table_path, tmp_path):
    """Every cluster runs a tool of its own: nothing to share, nothing learned."""
    table = load_table(table_path)

    def body(i: int, c) -> list[str]:
        return [f"module load tool/1.{i}", f"tool{i} --make /scratch/area{i}/env"]

    new, key, _err = migrated_step(table_path, tmp_path / "other.rst", tab_set(table, body))
    assert set(new.steps[key].overrides) == {c.key for c in table.clusters[1:]}
    assert "# read from" not in table_path.read_text(encoding="utf-8")
    for i, cluster in enumerate(new.clusters):
        assert new.render(key, cluster.key).commands == (
            f"module load tool/1.{i}",
            f"tool{i} --make /scratch/area{i}/env",
        )


def test_scripts_differing_in_comments_shebang_and_sbatch_values_share_one(table_path, tmp_path):
    """Each cluster keeps its own shell (``bash -l`` or ``bash``: a fact), its own
    #SBATCH values; comments are folded."""
    table = load_table(table_path)
    lines = [".. tabs::", ""]
    for i, c in enumerate(table.clusters):
        lines += [f"   .. tab:: {c.label}", "", "      .. code-block:: bash", ""]
        script = [
            "#!/bin/bash -l" if i % 2 else "#!/bin/bash",
            f"#SBATCH -A {c.allocation}  # yours on {c.cluster}",
            f"#SBATCH --gres=gpu:kind{i}:1",
            f"# loads the tools of {c.cluster}",
            f"module load tool/1.{i}",
            "python job.py",
        ]
        lines += [f"         {row}" for row in script] + [""]
    page = tmp_path / "job.rst"
    page.write_text("Save it as ``job.sh``.\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    new = load_table(table_path)
    (key,) = [k for k in new.steps if k not in table.steps]
    step = new.steps[key]
    assert step.file == "job.sh" and not step.overrides
    assert "#SBATCH --gres={job-gres}" in step.content
    for i, cluster in enumerate(new.clusters):
        content = new.render(key, cluster.key).content
        assert f"#SBATCH --gres=gpu:kind{i}:1\n" in content
        assert content.split("\n")[0] == ("#!/bin/bash -l" if i % 2 else "#!/bin/bash")
        assert f"module load tool/1.{i}\n" in content
        assert f"#SBATCH -A {cluster.allocation}" in content
    first = table.clusters[0].key  # its comments are kept (two tabs differ in the shebang)
    assert f"differ from {first}'s in comments too: one shared script, {first}'s comments" in err


def test_options_some_clusters_give_become_one_fact_empty_elsewhere(table_path, tmp_path):
    table = load_table(table_path)
    with_flag = {c.key for c in table.clusters[::2]}

    def body(i: int, c) -> list[str]:
        flag = " --isolated" if c.key in with_flag else ""
        return [f"python -m venv{flag} /scratch/area{i}/env", "python -V"]

    page = tmp_path / "venv.rst"
    page.write_text(tab_set(table, body), encoding="utf-8")
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    new = load_table(table_path)
    (key,) = [k for k in new.steps if k not in table.steps]
    assert new.steps[key].commands[0] == "python -m venv {venv-flags} /scratch/{venv-folder}/env"
    assert not new.steps[key].overrides
    for i, cluster in enumerate(new.clusters):
        flag = " --isolated" if cluster.key in with_flag else ""
        assert (
            new.render(key, cluster.key).commands[0] == f"python -m venv{flag} /scratch/area{i}/env"
        )
        assert cluster.facts["venv-flags"] == flag.strip()


def test_a_module_line_that_names_no_module_is_one_fact_as_written(table_path, tmp_path):
    table = load_table(table_path)
    first = table.clusters[0].key

    def body(i: int, c) -> list[str]:
        return ["module load [the python module you want]" if c.key == first else f"ml tool/{i}"]

    page = tmp_path / "load.rst"
    page.write_text(
        tab_set(table, body).replace("$ ml tool", "$ module load tool"), encoding="utf-8"
    )
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    new = load_table(table_path)
    (key,) = [k for k in new.steps if k not in table.steps]
    assert new.steps[key].commands == ("module load {load-load}",)
    assert new.render(key, first).commands == ("module load [the python module you want]",)
    for i, cluster in enumerate(new.clusters[1:], start=1):
        assert new.render(key, cluster.key).commands == (f"module load tool/{i}",)


def test_runs_of_sbatch_and_module_lines_of_other_lengths_are_one_fact(table_path, tmp_path):
    table = load_table(table_path)
    lines = ["Save it as ``run.sh``.", "", ".. tabs::", ""]
    for i, c in enumerate(table.clusters):
        extra = [f"#SBATCH -p part{i}"] * (i % 2) + ["#SBATCH -t 00:10:00"]
        loads = [f"module load tool/{i}"] + ["module load more/1.0"] * (i % 2)
        script = ["#!/bin/bash", f"#SBATCH -A {c.allocation}", *extra, *loads, "python run.py"]
        lines += [f"   .. tab:: {c.label}", "", "      .. code-block:: bash", ""]
        lines += [f"         {row}" for row in script] + [""]
    text = "\n".join(lines) + "\n"
    new, key, _err = migrated_step(table_path, tmp_path / "run.rst", text)
    step = new.steps[key]
    assert not step.overrides
    assert step.content == "#!/bin/bash\n{run-sbatch}\n{run-loads}\npython run.py\n"
    for i, cluster in enumerate(new.clusters):
        extra = [f"#SBATCH -p part{i}"] * (i % 2) + ["#SBATCH -t 00:10:00"]
        loads = [f"module load tool/{i}"] + ["module load more/1.0"] * (i % 2)
        expected = ["#!/bin/bash", f"#SBATCH -A {cluster.allocation}", *extra, *loads]
        assert (
            new.render(key, cluster.key).content == "\n".join([*expected, "python run.py"]) + "\n"
        )


def test_a_fact_read_from_one_page_stays_its_own_until_checked(table_path, tmp_path):
    table = load_table(table_path)
    first = tmp_path / "first.rst"
    first.write_text(
        tab_set(table, lambda i, c: [f"cd /scratch/area{i}/work", "ls"]), encoding="utf-8"
    )
    assert run(str(first), "--table", str(table_path), "--write", "--add-clusters")[0] == 0
    second = tmp_path / "second.rst"
    second.write_text(tab_set(table, lambda i, c: [f"echo area{i}"]), encoding="utf-8")
    status, out, _err = run(str(second), "--table", str(table_path), "--add-clusters")
    assert status == 0
    assert "{first-folder}" not in out  # still marked: the first page's own
    text = table_path.read_text(encoding="utf-8")
    table_path.write_text(re.sub(r"  # read from first\.rst:\d+ [^\n]*", "", text), "utf-8")
    status, out, _err = run(str(second), "--table", str(table_path), "--add-clusters")
    assert 'commands = ["echo {first-folder}"]' in out  # checked: a fact like any other


def test_blocks_that_load_other_modules_first_line_up_by_what_follows(table_path, tmp_path):
    table = load_table(table_path)
    one, two = table.clusters[:2]

    def tab(label: str, *blocks: list[str]) -> str:
        body = "".join(
            "      .. code-block:: console\n\n" + "".join(f"         $ {c}\n" for c in b) + "\n"
            for b in blocks
        )
        return f"   .. tab:: {label}\n\n{body}"

    text = ".. tabs::\n\n" + tab(one.label, ["ml tool/1.0", "pip install thing"])
    text += tab(two.label, ["echo start"], ["ml tool/2.0", "pip install thing"])
    page = tmp_path / "tools.rst"
    page.write_text(text, encoding="utf-8")
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    new = load_table(table_path)
    (key,) = [k for k in new.steps if k not in table.steps]
    assert new.steps[key].commands == ("ml {modules.tools}", "pip install thing")
    assert new.render(key, one.key).commands == ("ml tool/1.0", "pip install thing")
    assert new.render(key, two.key).commands == ("ml tool/2.0", "pip install thing")
    assert f"a block only the {two.label} tab shows: kept as written" in err
    assert "$ echo start" in page.read_text(encoding="utf-8")


def test_a_cluster_added_later_is_not_asked_for_another_pages_facts(table_path, tmp_path):
    table = load_table(table_path)
    first = tmp_path / "first.rst"
    first.write_text(tab_set(table, lambda i, c: [f"ml tool/{i}", "ls"]), encoding="utf-8")
    assert run(str(first), "--table", str(table_path), "--write", "--add-clusters")[0] == 0
    lines = [".. tabs::", ""]
    for label in [c.label for c in table.clusters] + ["Newcentre"]:
        lines += [f"   .. tab:: {label}", "", "      .. code-block:: console", ""]
        lines += ["         $ hostname", ""]
    second = tmp_path / "second.rst"
    second.write_text("\n".join(lines), encoding="utf-8")
    status, _out, err = run(str(second), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    added = next(line for line in err.splitlines() if "added from its tabs" in line)
    assert "modules.first" not in added  # the first page's steps skip the new cluster
    assert "first" not in load_table(table_path).cluster("newcentre").modules


def test_a_here_document_whose_sbatch_lines_differ_in_number_is_one_command(
    table_path: Path, tmp_path: Path
):
    """``cat > job.sh <<'EOF'`` typed at a prompt: one cluster's script has an
    ``#SBATCH`` line more. The here-document is read as a script (each run of
    ``#SBATCH`` lines one fact), so the clusters still share one command."""
    table = load_table(table_path)
    last = table.clusters[-1].key

    out = [".. tabs::", ""]
    for i, c in enumerate(table.clusters):
        extra = ["> #SBATCH -p shared"] if c.key == last else []
        body = [
            "$ cat > job.sh <<'EOF'",
            "> #!/bin/bash",
            f"> #SBATCH -A {c.facts['allocation']}",
            *extra,
            f"> module load tool/1.{i}",
            "> python job.py",
            "> EOF",
            "$ sbatch job.sh",
        ]
        out += [f"   .. tab:: {c.label}", "", "      .. code-block:: console", ""]
        out += [f"         {line}" for line in body] + [""]
    text = "\n".join(out) + "\n"
    new, key, err = migrated_step(table_path, tmp_path / "heredoc.rst", text)
    assert not new.steps[key].overrides, err
    for i, cluster in enumerate(table.clusters):
        sbatch = ["#SBATCH -A " + cluster.facts["allocation"]]
        sbatch += ["#SBATCH -p shared"] if cluster.key == last else []
        script = ["#!/bin/bash", *sbatch, f"module load tool/1.{i}", "python job.py", "EOF"]
        assert new.render(key, cluster.key).commands == (
            "\n".join(["cat > job.sh <<'EOF'", *script]),
            "sbatch job.sh",
        )


def test_a_fact_still_to_fill_in_is_read_from_the_tab_that_shows_it(
    table_path: Path, tmp_path: Path
):
    """A cluster whose allocation and venv flags are still ``FILL-IN`` (added by
    ``--add-clusters``) and whose tab shows values where the others show ``{allocation}``
    and ``{venv_flags}``: the values are that cluster's facts (marked for the teacher;
    one of two words; on a line that also differs in another fact), and the clusters share
    one list."""
    text = table_path.read_text()
    count = text.count('venv_flags = ""')
    assert count == len(load_table(table_path).clusters)  # one per cluster, in order
    text = text.replace('venv_flags = ""', 'venv_flags = "--system-site-packages"', count - 1)
    text = text.replace('venv_flags = ""', 'venv_flags = "FILL-IN"')
    odd = load_table(table_path).clusters[-1]
    text = text.replace(f'allocation = "{odd.facts["allocation"]}"', 'allocation = "FILL-IN"')
    table_path.write_text(text)
    table = load_table(table_path)
    assert table.cluster(odd.key).facts["venv_flags"] == "FILL-IN"
    flags = "--system-site-packages --copies"

    def body(i: int, c) -> list[str]:
        mine = flags if c.key == odd.key else c.facts["venv_flags"]
        account = odd.facts["allocation"] if c.key == odd.key else c.facts["allocation"]
        return [
            f"salloc -A {account} -t 00:10:00",
            f"python -m venv {mine} env",
            f"sbatch -A {account} -p part{i} job.sh",
        ]

    new, key, err = migrated_step(table_path, tmp_path / "alloc.rst", tab_set(table, body))
    assert new.steps[key].commands == (
        "salloc -A {allocation} -t 00:10:00",
        "python -m venv {venv_flags} env",
        "sbatch -A {allocation} -p {alloc-partition} job.sh",
    )
    assert not new.steps[key].overrides
    assert new.cluster(odd.key).facts["allocation"] == odd.facts["allocation"]
    assert new.cluster(odd.key).facts["venv_flags"] == flags
    written = table_path.read_text()
    assert f'allocation = "{odd.facts["allocation"]}"  # read from alloc.rst:' in written
    assert f'venv_flags = "{flags}"  # read from alloc.rst:' in written
    assert "FILL-IN on" not in err  # not told to check a value it has read


def test_a_word_every_tab_shows_stays_as_written_where_the_fact_differs(table_path, tmp_path):
    """Every tab shows ``--system-site-packages``, which is ``venv_flags`` on all clusters
    but the first (empty there): the word stays as written in one shared list, where
    ``{venv_flags}`` would have left the first cluster an override."""
    text = table_path.read_text()
    count = text.count('venv_flags = ""')
    assert count == len(load_table(table_path).clusters)
    text = text.replace('venv_flags = ""', "VENV", 1)
    text = text.replace('venv_flags = ""', 'venv_flags = "--system-site-packages"')
    table_path.write_text(text.replace("VENV", 'venv_flags = ""'))
    table = load_table(table_path)
    assert table.clusters[0].facts["venv_flags"] == ""

    def body(i: int, c) -> list[str]:
        return [
            f"module load tool/1.{i}",  # a module set the table lacks: read from the page
            f"python -m venv --system-site-packages {c.facts['storage_root']}/env",
        ]

    new, key, err = migrated_step(table_path, tmp_path / "venv.rst", tab_set(table, body))
    assert not new.steps[key].overrides, err
    assert new.steps[key].commands[1] == "python -m venv --system-site-packages {storage_root}/env"
    assert re.fullmatch(r"module load \{modules\.[\w-]+\}", new.steps[key].commands[0])
    for i, cluster in enumerate(table.clusters):
        assert new.render(key, cluster.key).commands == tuple(body(i, cluster))


def add_newcentre(table_path: Path, tmp_path: Path, table: Table) -> list[str]:
    """A first page whose tabs, one per cluster and one for ``Newcentre``, show only
    ``hostname``: migrated, it adds that centre with its facts left to fill in. The
    tabs' labels, the new centre's last."""
    rows = [c.label for c in table.clusters] + ["Newcentre"]
    lines = [".. tabs::", ""]
    for label in rows:
        lines += [f"   .. tab:: {label}", "", "      .. code-block:: console", ""]
        lines += ["         $ hostname", ""]
    first = tmp_path / "first.rst"
    first.write_text("\n".join(lines), encoding="utf-8")
    assert run(str(first), "--table", str(table_path), "--write", "--add-clusters")[0] == 0
    return rows


def test_facts_an_earlier_page_left_to_fill_in_are_read_from_a_later_pages_tab(
    table_path, tmp_path
):
    """A centre added by an earlier page with its allocation still ``FILL-IN``: a later
    page's script tab shows it beside a run of ``#SBATCH`` lines of its own length; it
    is read from that tab (marked, and said), and the centre shares the script."""
    table = load_table(table_path)
    rows = add_newcentre(table_path, tmp_path, table)
    added = load_table(table_path).cluster("newcentre")
    assert added.facts["allocation"] == "FILL-IN"
    accounts = [c.facts["allocation"] for c in table.clusters] + ["new2026-1"]
    lines = [".. tabs::", ""]
    for i, (label, account) in enumerate(zip(rows, accounts, strict=True)):
        sbatch = [f"#SBATCH -A {account}", "#SBATCH -t 10:00"]
        sbatch += ["#SBATCH -p gpu", "#SBATCH --gpus=1"] if label == "Newcentre" else []
        script = ["#!/bin/bash", *sbatch, "", f"module load tool/1.{i}", "python job.py"]
        lines += [f"   .. tab:: {label}", "", "      .. code-block:: bash", ""]
        lines += [f"         {row}" if row else "" for row in script] + [""]
    new, key, err = migrated_step(table_path, tmp_path / "job.rst", "\n".join(lines) + "\n")
    assert "cluster 'newcentre': its allocation 'new2026-1' read from its tab" in err
    assert new.cluster("newcentre").facts["allocation"] == "new2026-1"
    assert 'allocation = "new2026-1"  # read from job.rst:' in table_path.read_text()
    assert "newcentre" not in new.steps[key].overrides, err


def test_a_centre_added_with_one_name_loses_its_remark_when_a_page_gives_the_other(
    table_path, tmp_path
):
    """A tab "NEWC" adds a cluster with one name, and the table says to check that;
    a later tab "Bigiron (NEWC)" gives its cluster's name: written, marked, and the
    remark about one name is gone (it would tell the teacher something no longer true)."""
    table = load_table(table_path)

    def page(name: str, label: str) -> Path:
        lines = [".. tabs::", ""]
        for each in [c.label for c in table.clusters] + [label]:
            lines += [f"   .. tab:: {each}", "", "      .. code-block:: console", ""]
            lines += ["         $ hostname", ""]
        path = tmp_path / name
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    first = page("first.rst", "NEWC")
    status, _out, err = run(str(first), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    assert "CHECK (its tabs give one name" in table_path.read_text()
    # the run's report says it too, where the teacher reads what to fill in
    added = next(line for line in err.splitlines() if "cluster 'newc' added" in line)
    assert added.endswith("; check (its tabs give one name): center, cluster"), added
    second = page("second.rst", "Bigiron (NEWC)")
    status, _out, err = run(str(second), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    assert "cluster 'newc': its cluster 'Bigiron' read from the tab's label" in err
    assert load_table(table_path).cluster("newc").cluster == "Bigiron"
    assert "CHECK (its tabs give one name" not in table_path.read_text()


def test_a_comment_line_above_one_clusters_first_command_is_a_comment(table: Table, tmp_path):
    """One tab's block starts with ``# from the transfer node`` above its ``$ scp``: a
    shell comment the reader may type, not output shown before the command (which
    kept the whole tab set as written): the clusters share the list, the comment is
    folded and the report says so."""

    def block(i: int, c) -> str:
        remark = "         # on this one, from the transfer node\n" if i == 1 else ""
        return (
            f"   .. tab:: {c.label}\n\n      .. code-block:: console\n\n{remark}"
            f"         $ scp x:{c.facts['storage_root']}/a .\n"
        )

    text = ".. tabs::\n\n" + "\n".join(block(i, c) for i, c in enumerate(table.clusters))
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    (step,) = tomllib.loads(proposal.steps_toml)["steps"].values()
    assert step == {"commands": ["scp x:{storage_root}/a ."]}
    second = table.clusters[1].key
    assert f"the command lists of {second} differ from" in "\n".join(proposal.report)
    assert "only in comments" in "\n".join(proposal.report)


def test_a_centres_name_is_its_one_name_clusters_when_it_is_the_only_one_left(table_path, tmp_path):
    """A first page labels its tabs by cluster and adds "Bigiron" and "Tinybox" (one name
    each); a later page labels them by centre: "TINC" says Tinybox in its text, "BIGC"
    says nothing, but it is the set's one label left and Bigiron the one cluster left
    without a tab, and one name is upper case, the other not. Both are the clusters the
    table has, not two centres more."""
    table = load_table(table_path)

    def page(name: str, labels: list[str], texts: dict[str, str]) -> Path:
        lines = [".. tabs::", ""]
        for label in labels:
            lines += [f"   .. tab:: {label}", "", f"      {texts.get(label, 'On it:')}", ""]
            lines += ["      .. code-block:: console", "", "         $ hostname", ""]
        path = tmp_path / name
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    clusters = [c.cluster for c in table.clusters]
    first = page("first.rst", [*clusters, "Bigiron", "Tinybox"], {})
    status, _out, err = run(str(first), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    keys = load_table(table_path).cluster_keys
    labels = [c.label for c in table.clusters]
    second = page("second.rst", [*labels, "BIGC", "TINC"], {"TINC": "On Tinybox:"})
    status, _out, err = run(str(second), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    after = load_table(table_path)
    assert after.cluster_keys == keys, err  # no cluster added twice
    assert after.cluster("bigiron").center == "BIGC"
    assert after.cluster("tinybox").center == "TINC"


def test_what_a_later_tab_set_tells_leaves_one_label_in_an_earlier_one(table_path, tmp_path):
    """The later page's first tab set says nothing of either new centre ("BIGC",
    "TINC"); its second says "TINC" is Tinybox. Read twice, the first set then has one
    label left (BIGC) and one cluster left (Bigiron): no centre is added twice."""
    table = load_table(table_path)

    def tab_set(labels: list[str], texts: dict[str, str]) -> list[str]:
        lines = [".. tabs::", ""]
        for label in labels:
            lines += [f"   .. tab:: {label}", "", f"      {texts.get(label, 'On it:')}", ""]
            lines += ["      .. code-block:: console", "", "         $ hostname", ""]
        return lines

    first = tmp_path / "first.rst"
    first.write_text(
        "\n".join(tab_set([c.cluster for c in table.clusters] + ["Bigiron", "Tinybox"], {}))
    )
    assert run(str(first), "--table", str(table_path), "--write", "--add-clusters")[0] == 0
    keys = load_table(table_path).cluster_keys
    labels = [c.label for c in table.clusters]
    second = tmp_path / "second.rst"
    second.write_text(
        "\n".join(
            [
                *tab_set([*labels, "BIGC", "TINC"], {}),
                "Then:",
                "",
                *tab_set([*labels, "TINC"], {"TINC": "On Tinybox:"}),
            ]
        )
    )
    status, _out, err = run(str(second), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    after = load_table(table_path)
    assert after.cluster_keys == keys, err
    assert after.cluster("bigiron").center == "BIGC"


def test_a_stand_in_the_table_would_refuse_is_left_to_fill_in_and_said_so(table_path, tmp_path):
    """A cluster's storage root is still ``FILL-IN`` and its tab shows a folder outside
    the course's ``project_roots`` (the table would refuse it): the tab keeps what it
    shows, and the report says to fill the fact in, not to "check which is right"
    between that folder and the stand-in."""
    table = load_table(table_path)
    odd = table.clusters[-1]
    # every cluster's storage under a root (whatever clusters the table holds), and /proj
    tops = {"/" + c.facts["storage_root"].strip("/").split("/")[0] for c in table.clusters}
    roots = ", ".join(f'"{top}"' for top in sorted(tops | {"/proj"}))
    text = f"[course]\nproject_roots = [{roots}]\n\n" + table_path.read_text().replace(
        f'storage_root = "{odd.facts["storage_root"]}"', 'storage_root = "/proj/FILL-IN"'
    )
    table_path.write_text(text)
    table = load_table(table_path)
    assert table.cluster(odd.key).facts["storage_root"] == "/proj/FILL-IN"

    def body(i: int, c) -> list[str]:
        root = "/outside-every-root/x" if c.key == odd.key else c.facts["storage_root"]
        return [f"cd {root}/data"]

    _new, _key, err = migrated_step(table_path, tmp_path / "root.rst", tab_set(table, body))
    assert (
        f"the {odd.label} tab shows /outside-every-root/x where the other tabs show the table's "
        f"{{storage_root}}, still FILL-IN on {odd.label}, and the table would not take that "
        "value: kept as shown; fill it in"
    ) in err


def test_a_centre_added_by_one_name_is_not_added_again_by_its_other_on_the_same_page(
    table_path, tmp_path
):
    """One page: its first tab set labels a new centre "Bigiron", its second "BIGC",
    the only label the table lacks there, where Bigiron has no tab. One cluster is
    added, with both names (blind set 7 added C3SE twice, as 'alvis' and 'c3se')."""
    table = load_table(table_path)

    def tab_set(extra: str) -> list[str]:
        lines = [".. tabs::", ""]
        for label in [c.label for c in table.clusters] + [extra]:
            lines += [f"   .. tab:: {label}", "", "      .. code-block:: console", ""]
            lines += ["         $ hostname", ""]
        return lines

    page = tmp_path / "p.rst"
    page.write_text("\n".join([*tab_set("Bigiron"), "Then:", "", *tab_set("BIGC")]))
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    after = load_table(table_path)
    assert [k for k in after.cluster_keys if k not in table.cluster_keys] == ["bigiron"], err
    added = after.cluster("bigiron")
    assert (added.center, added.cluster) == ("BIGC", "Bigiron")
    assert "CHECK (its tabs give one name" not in table_path.read_text()


def test_modules_learned_for_a_cluster_with_a_module_tree_are_added_to_its_tree(
    table_path: Path, tmp_path
):
    """A cluster whose table says how its Lmod shows modules (``[module_tree]``) must
    name there every module of its sets: a learned module is written into the tree too,
    marked, or the table migrate writes would not load (held-out set 9: three pages
    exited 2 on a JupyterLab module)."""
    before = load_table(table_path)
    first = before.clusters[0]
    modules = sorted({m for names in first.modules.values() for m in names})
    tree = "\n".join(f'"{m}" = {{}}' for m in modules)
    text = table_path.read_text(encoding="utf-8")
    table_path.write_text(
        f"{text.rstrip()}\n\n[clusters.{first.key}.module_tree]\n{tree}\n", encoding="utf-8"
    )
    assert load_table(table_path).cluster(first.key).module_tree.declared
    table, key, _err = migrated_step(table_path, tmp_path / "learn.rst", made_up_page(before))
    assert table.cluster(first.key).modules["learn"] == ("tool/1.0", "extra/2.0")
    tree_entries = {e.name: e for e in table.cluster(first.key).module_tree.modules}
    assert {"tool/1.0", "extra/2.0"} <= set(tree_entries)
    assert all(tree_entries[m].after == "" for m in ("tool/1.0", "extra/2.0"))
    written = table_path.read_text(encoding="utf-8")
    for module in ("tool/1.0", "extra/2.0"):
        assert re.search(
            rf'"{re.escape(module)}" = \{{\}}  # read from learn\.rst:\d+ by hpccourse '
            "migrate: check it",
            written,
        ), written
    # clusters without a declared tree get none
    assert not table.clusters[1].module_tree.declared
    assert commands_per_cluster(table, key)[first.key][0] == "module load tool/1.0 extra/2.0"
    # held-out set 25: a module with no version (`cray-fftw`) the tree cannot name: that
    # cluster's line is one fact as written, and the table migrate writes loads
    versionless = tab_set(table, lambda i, c: [f"module load tool/1.{i} fftw"])
    new, again, _err = migrated_step(table_path, tmp_path / "bare.rst", versionless)
    assert "fftw" not in {e.name for e in new.cluster(first.key).module_tree.modules}
    for i, cluster in enumerate(new.clusters):
        assert new.render(again, cluster.key).commands == (f"module load tool/1.{i} fftw",)


def heredoc_tab_set(table: Table, body) -> str:
    """An RST tab set whose console blocks each write a file with a here-document:
    ``body(index, cluster)`` is the file's rows."""
    out = [".. tabs::", ""]
    for i, cluster in enumerate(table.clusters):
        out += [f"   .. tab:: {cluster.label}", "", "      .. code-block:: console", ""]
        out += ["         $ cat > NAME <<'EOF'", *(f"         {row}" for row in body(i, cluster))]
        out += ["         EOF", "         $ wc -l NAME", ""]
    return "\n".join(out) + "\n"


def test_a_comment_row_in_one_clusters_requirements_file_is_folded(table: Table, tmp_path):
    """A here-document writing a file whose `#` rows are comments (a requirements file, a
    script): a comment row one cluster adds is folded, and said (held-out set 9, venv.rst:
    PDC's remark on cray-python made its own command list)."""
    text = heredoc_tab_set(
        table,
        lambda i, c: [*(["# numpy comes with the module here"] if i == 1 else []), "pandas==2.2"],
    ).replace("NAME", "requirements.txt")
    proposal = Migrator(table, tmp_path / "p.rst").run(text)
    (step,) = tomllib.loads(proposal.steps_toml)["steps"].values()
    assert "override" not in step, step
    assert step["commands"][0] == "cat > requirements.txt <<'EOF'\npandas==2.2\nEOF"
    said = "\n".join(proposal.report)
    assert f"command lists of {table.clusters[1].key} differ" in said and "only in comments" in said
    # a Markdown file's `#` row is a heading: that cluster keeps its own file
    text = heredoc_tab_set(
        table, lambda i, c: [*(["# Results"] if i == 1 else []), "Numbers below."]
    ).replace("NAME", "notes.md")
    proposal = Migrator(table, tmp_path / "q.rst").run(text)
    (step,) = tomllib.loads(proposal.steps_toml)["steps"].values()
    assert list(step.get("override", {})) == [table.clusters[1].key]


def test_a_value_every_tab_shows_stays_as_written_beside_one_clusters_comment_row(table):
    """Row by row, a comment row one cluster has aside: its fact written as the word every
    tab shows, so that its list is the others' but for the comment (held-out set 9,
    kernels.rst: PDC's `#!/bin/bash` became its shell fact, and its own script)."""
    from hpccourse.migrate.variants import as_shown_where_alike

    first, last = table.clusters[0], table.clusters[-1]
    root = last.facts["storage_root"]
    assert first.facts["storage_root"] != root
    templates = {
        first.key: f"cd {root}\nls",
        last.key: "cd {storage_root}\n# a remark\nls",
    }
    out = as_shown_where_alike(templates, table, json_lists=False)
    assert out[last.key] == f"cd {root}\n# a remark\nls"
    assert out[first.key] == f"cd {root}\nls"


def test_a_fact_of_several_words_left_to_fill_in_is_read_whole_from_a_later_tab(
    table_path, tmp_path
):
    """Held-out set 12: a centre added on an earlier page shows its GPU request
    `-n 1 -c 32 --gpus-per-task=1` where the others' is `-p gpu --gpus=1`; read as one
    word it became an override. A fact the others give in several words is read whole
    where the line's own words hold it in place."""
    from hpccourse.migrate.tabfacts import anchored, read_facts

    text = table_path.read_text(encoding="utf-8")
    table = load_table(table_path)
    for i, cluster in enumerate(table.clusters):
        header = f"[clusters.{cluster.key}]\n"
        text = text.replace(header, f'{header}gpu_request = "-p gpu{i} --gpus=1"\n', 1)
    table_path.write_text(text, encoding="utf-8")
    rows = add_newcentre(table_path, tmp_path, table)
    assert load_table(table_path).cluster("newcentre").facts["gpu_request"] == "FILL-IN"
    requests = [f"-p gpu{i} --gpus=1" for i in range(len(table.clusters))]
    requests.append("-n 1 -c 32 --gpus-per-task=1")
    lines = [".. tabs::", ""]
    for label, request in zip(rows, requests, strict=True):
        lines += [f"   .. tab:: {label}", "", "      .. code-block:: console", ""]
        lines += [f"         $ salloc -t 1:00:00 {request}", ""]
    # then the same request in a script, one option per #SBATCH line, whose last line
    # alone would give the new centre a request of one word
    lines += ["", ".. tabs::", ""]
    for label, request in zip(rows, requests, strict=True):
        lines += [f"   .. tab:: {label}", "", "      .. code-block:: bash", ""]
        sbatch = [f"#SBATCH {option}" for option in re.findall(r"-\S+(?: [^-]\S*)?", request)]
        lines += [f"         {row}" for row in ["#!/bin/bash", *sbatch, "python train.py"]]
        lines += [""]
    before = load_table(table_path)
    page = tmp_path / "gpu.rst"
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    new = load_table(table_path)
    assert new.cluster("newcentre").facts["gpu_request"] == "-n 1 -c 32 --gpus-per-task=1"
    made = [k for k in new.steps if k not in before.steps]
    assert all("newcentre" not in new.steps[k].overrides for k in made), err
    # the reading itself (on held-out set 12 the new centre had first been given the one
    # word `--gpus-per-task=1` from a `#SBATCH` line, then kept its own salloc line): a
    # fact the model gives in several words is read whole where the line's own words
    # hold it in place, and only there
    template = "salloc -A {allocation} -t 1:00 {gpu_request}"
    shown = "salloc -A new2026-1 -t 1:00 -n 1 -c 32 --gpus-per-task=1"
    assert anchored(template) and read_facts(template, shown) is None
    assert read_facts(template, shown, frozenset({"gpu_request"})) == {
        "allocation": "new2026-1",
        "gpu_request": "-n 1 -c 32 --gpus-per-task=1",
    }
    assert not anchored("{batch_shell}") and not anchored("#SBATCH {batch_resources}")
    assert read_facts("#SBATCH {x}", "#SBATCH -A y", frozenset({"x"})) == {"x": "-A y"}
    assert read_facts("#SBATCH {x}", "#SBATCH -A y") is None


def test_a_fact_some_clusters_give_is_read_for_an_added_centre_and_kept_for_later_pages(
    table_path, tmp_path
):
    """Held-out set 14: the table gives a login host to all clusters but one, so a
    centre added on an earlier page gets no ``FILL-IN`` for it. A later page's tunnel
    line ``ssh -N -L 8888:<node>:8888 HOST`` shows that centre's host: it is read (its
    ``<node>`` written ``[node]`` on both sides), written into the centre's section,
    marked and said; and a page after that uses it, as any cluster's fact."""
    text = table_path.read_text(encoding="utf-8")
    table = load_table(table_path)
    given = table.clusters[:-1]  # the last cluster gives no login host
    for cluster in given:
        header = f"[clusters.{cluster.key}]\n"
        host = f'login_host = "login.{cluster.key}.example.org"\n'
        text = text.replace(header, header + host, 1)
    table_path.write_text(text, encoding="utf-8")
    rows = add_newcentre(table_path, tmp_path, table)
    assert "login_host" not in load_table(table_path).cluster("newcentre").facts
    hosts = {c.label: f"login.{c.key}.example.org" for c in table.clusters}
    hosts["Newcentre"] = "gate.newcentre.example.net"

    def page(command: str) -> str:
        lines = [".. tabs::", ""]
        for label in rows:
            lines += [f"   .. tab:: {label}", "", "      .. code-block:: console", ""]
            lines += [f"         $ {command} {hosts[label]}", ""]
        return "\n".join(lines) + "\n"

    new, key, err = migrated_step(table_path, tmp_path / "tunnel.rst", page("ssh -N -L 8:<node>:8"))
    said = "cluster 'newcentre': its login_host 'gate.newcentre.example.net' read from its tab"
    assert said in err
    assert new.cluster("newcentre").facts["login_host"] == "gate.newcentre.example.net"
    written = table_path.read_text(encoding="utf-8")
    assert 'login_host = "gate.newcentre.example.net"  # read from tunnel.rst:' in written
    assert "newcentre" not in new.steps[key].overrides, err
    assert new.steps[key].commands == ("ssh -N -L 8:[node]:8 {login_host}",)
    # the next page: the host read on the tunnel page is the centre's, as the teacher's are
    new, key, err = migrated_step(table_path, tmp_path / "login.rst", page("ssh -X"))
    assert "newcentre" not in new.steps[key].overrides, err
    for cluster in new.clusters:
        shown = f"ssh -X {hosts.get(cluster.label, '')}"
        assert new.render(key, cluster.key).commands == (shown,), cluster.key


def test_two_centres_added_by_one_name_take_their_other_names_from_the_facts_tabs_show(
    table_path, tmp_path
):
    """Held-out set 13: the first tab set of a page names two new centres ("NEWA",
    "NEWB (partition needed)": a remark, not a name); the next labels every tab by
    cluster, two names the table lacks among them. Each is the centre whose allocation
    its tab shows, not a centre more; the names cannot be paired in the order of the
    tabs, as the new clusters' tabs come in the other order."""
    table = load_table(table_path)
    accounts = {c.key: c.facts["allocation"] for c in table.clusters}
    lines = [".. tabs::", ""]
    first = [(c.label, accounts[c.key]) for c in table.clusters]
    first += [("NEWA", "newa2026-1"), ("NEWB (partition needed)", "newb2026-2")]
    second = [(c.cluster, accounts[c.key]) for c in table.clusters]
    second += [("Bigiron", "newb2026-2"), ("Tinybox", "newa2026-1")]
    for tab_set in (first, second):
        lines += [".. tabs::", ""]
        for label, account in tab_set:
            lines += [f"   .. tab:: {label}", "", "      .. code-block:: console", ""]
            lines += [f"         $ salloc -A {account} -t 1:00:00", ""]
    after = two_new_centres_named(table_path, tmp_path / "two.rst", "\n".join(lines[2:]))
    assert after.cluster("newb").facts["allocation"] == "newb2026-2"


def two_new_centres_named(table_path: Path, page: Path, text: str) -> Table:
    """``text`` on ``page``, migrated with ``--write --add-clusters``: the table written,
    which has two centres more, "NEWA" named Tinybox and "NEWB" named Bigiron."""
    before = load_table(table_path).cluster_keys
    page.write_text(text + "\n", encoding="utf-8")
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    after = load_table(table_path)
    assert after.cluster_keys == (*before, "newa", "newb"), err
    assert after.cluster("newa").cluster == "Tinybox"
    assert after.cluster("newb").cluster == "Bigiron"
    return after


def test_new_centres_pair_with_their_other_names_by_the_modules_their_tabs_load(
    table_path, tmp_path
):
    """Held-out set 15: "NEWA" and "NEWB" share an allocation, so only the modules
    their tabs load tell which of the next set's new labels is which; and a third tab
    set that names "Bigiron" again names that centre, not a centre more (the table
    would have refused a key that is another cluster's label)."""
    table = load_table(table_path)
    (name, *_) = sorted(set.intersection(*(set(c.modules) for c in table.clusters)))
    loads = {c.key: " ".join(c.modules[name]) for c in table.clusters}

    def tab_set(tabs: list[tuple[str, str, str]]) -> list[str]:
        lines = [".. tabs::", ""]
        for label, account, modules in tabs:
            lines += [f"   .. tab:: {label}", "", "      .. code-block:: console", ""]
            lines += [f"         $ module load {modules}", f"         $ salloc -A {account}", ""]
        return lines

    ours = [(c.label, c.facts["allocation"], loads[c.key]) for c in table.clusters]
    names = [(c.cluster, c.facts["allocation"], loads[c.key]) for c in table.clusters]
    first = [*ours, ("NEWA", "shared2026-1", "tool/1.0"), ("NEWB", "shared2026-1", "tool/2.0")]
    second = [
        *names,
        ("Bigiron", "shared2026-1", "tool/2.0"),
        ("Tinybox", "shared2026-1", "tool/1.0"),
    ]
    third = [*names, ("Bigiron", "shared2026-1", "tool/2.0")]
    text = "\n".join(tab_set(first) + tab_set(second) + tab_set(third))
    two_new_centres_named(table_path, tmp_path / "pairs.rst", text)


def test_a_centre_added_by_one_name_takes_both_from_a_later_label_of_the_same_page(
    table_path, tmp_path
):
    """Held-out set 17: "NEWA" adds a centre by one name; the page's next tab set labels
    it "Bigiron (NEWA)". That set gives the centre its cluster's name, so a later page
    labelling its tab "Bigiron" names it too, not a centre more."""
    table = load_table(table_path)

    def tab_set(labels: list[str]) -> list[str]:
        lines = [".. tabs::", ""]
        for label in labels:
            lines += [f"   .. tab:: {label}", "", "      .. code-block:: console", ""]
            lines += ["         $ hostname", ""]
        return lines

    first = tab_set([*(c.label for c in table.clusters), "NEWA"])
    second = tab_set([*(f"{c.cluster} ({c.label})" for c in table.clusters), "Bigiron (NEWA)"])
    page = tmp_path / "one.rst"
    page.write_text("\n".join(first + second) + "\n", encoding="utf-8")
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    assert load_table(table_path).cluster("newa").cluster == "Bigiron"
    later = tmp_path / "later.rst"
    later.write_text("\n".join(tab_set([*(c.cluster for c in table.clusters), "Bigiron"])))
    status, _out, err = run(str(later), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    assert load_table(table_path).cluster_keys == (*table.cluster_keys, "newa"), err


def test_a_tab_in_a_row_of_an_rst_block_is_what_docutils_shows(table: Table, tmp_path: Path):
    """Held-out set 17: `du -sh`'s output, a tab between size and name, on an RST page.
    docutils shows the tab expanded to the next 8th column; the step's output shows the
    same, not a tab character (the page looked different after migration)."""
    body = ["$ du -sh frames", "2.1M\tframes"]
    lines = [".. tabs::", ""]
    for cluster in table.clusters:
        lines += [f"   .. tab:: {cluster.label}", "", "      .. code-block:: console", ""]
        lines += [f"         {row}" for row in body] + [""]
    proposal = Migrator(table, tmp_path / "p.rst").run("\n".join(lines) + "\n")
    (step,) = tomllib.loads(proposal.steps_toml)["steps"].values()
    assert step["commands"] == ["du -sh frames"]
    assert step["output"] == ["         2.1M\tframes".expandtabs(8).strip()]


def test_the_host_of_user_at_host_is_learned(table_path: Path, tmp_path: Path):
    """Held-out set 19: `ssh [username]@pelle.uppmax.uu.se` on each centre's tab, the
    host its own, became an override per cluster; the host is a fact of each."""
    table = load_table(table_path)
    hosts = {c.key: f"login{i}.centre{i}.example.org" for i, c in enumerate(table.clusters)}

    def body(_i: int, c) -> list[str]:
        return [f"ssh [username]@{hosts[c.key]}", f"scp run.py [username]@{hosts[c.key]}:~/x/"]

    new, _key, commands = one_list(table_path, tmp_path / "login.rst", body)
    assert commands == ("ssh {user}@{login-host}", "scp run.py {user}@{login-host}:~/x/")
    assert {c.key: c.facts["login-host"] for c in new.clusters} == hosts
    # a host that differs in its user part too is no fact: each keeps its line
    other = {c.key: (f"ssh u{i}@h{i}.example.org",) for i, c in enumerate(new.clusters)}
    page = tab_set(new, lambda i, c: list(other[c.key]))
    proposal = Migrator(new, tmp_path / "other.rst").run(page)
    assert "login-host" not in proposal.steps_toml and "other-host" not in proposal.steps_toml


def test_a_clusters_name_a_setting_and_a_number_in_a_word_are_facts(table_path, tmp_path):
    """Held-out sets 22 to 24: a kernel named after its cluster, a script file named
    after it in lower case, a thread count set per cluster and each cluster's own job
    number made every tab an override. The cluster's name as the table writes it is its
    ``{cluster}``; the rest are facts learned per cluster."""
    table = load_table(table_path)
    threads = {c.key: str(8 * (i + 1)) for i, c in enumerate(table.clusters)}
    jobs = {c.key: str(41_200_913 + 7 * i) for i, c in enumerate(table.clusters)}
    arches = {c.key: f"cpu{chr(97 + i)}q" for i, c in enumerate(table.clusters)}

    def body(_i: int, c) -> list[str]:
        return [
            f'python -m ipykernel install --user --name env --display-name "env ({c.cluster})"',
            f"sbatch job_{c.cluster.lower()}.sh",
            f"export OMP_NUM_THREADS={threads[c.key]}",
            f"scancel {jobs[c.key]}",
            f"cat cupy_{jobs[c.key]}.out",  # set 30: the number inside a word
            f'CFLAGS="-O3 -march={arches[c.key]}" pip install .',  # set 25: an option's value
        ]

    new, _key, commands = one_list(table_path, tmp_path / "names.rst", body)
    assert commands == (
        'python -m ipykernel install --user --name env --display-name "env ({cluster})"',
        "sbatch job_{names-name}.sh",
        "export OMP_NUM_THREADS={names-omp_num_threads}",
        "scancel {names-number}",
        "cat cupy_{names-number}.out",
        'CFLAGS="-O3 -march={names-march}" pip install .',
    )
    assert {c.key: c.facts["names-omp_num_threads"] for c in new.clusters} == threads
    assert {c.key: c.facts["names-number"] for c in new.clusters} == jobs


def test_a_word_naming_another_cluster_or_no_number_is_no_fact(table_path, tmp_path):
    """One tab's file is named after another cluster (copied?), and one job is named,
    not numbered: those tabs keep their own lines, the others share."""
    table = load_table(table_path)
    first, second = table.clusters[0], table.clusters[1]

    def body(i: int, c) -> list[str]:
        name = first.cluster if c.key == second.key else c.cluster
        job = "last" if c.key == first.key else str(100 + i)
        return [f"sbatch job_{name.lower()}.sh", f"scancel {job}"]

    new, key, _err = migrated_step(table_path, tmp_path / "odd.rst", tab_set(table, body))
    assert set(new.steps[key].overrides) == {first.key, second.key}
    for i, cluster in enumerate(new.clusters):
        assert new.render(key, cluster.key).commands == tuple(body(i, cluster))


def test_a_command_or_a_launcher_some_clusters_add_is_a_fact_empty_elsewhere(table_path, tmp_path):
    """Held-out sets 22 and 23: one centre types `module purge` first, two run the
    command under `srun`; the rest the same. One list, the extra command and the
    launcher facts empty where a tab had none; each cluster still reads its own tab."""
    table = load_table(table_path)
    purges, launches = table.clusters[1].key, {table.clusters[2].key, table.clusters[3].key}

    def body(i: int, c) -> list[str]:
        srun = {2: "srun -n 1 ", 3: f"srun -A {c.facts['allocation']} "}.get(i, "")
        return [
            "# load first",  # a comment names no step
            *(["module purge"] if c.key == purges else []),
            f"module load tool/1.{i}",
            f"{srun}env | grep OMP_",
        ]

    new, key, commands = one_list(table_path, tmp_path / "more.rst", body)
    assert key == "more-module-load"  # named by what every cluster types, not the fact
    assert commands == (
        "# load first",
        "{more-extra}",
        "module load {modules.more}",
        "{more-launcher} env | grep OMP_",
    )
    assert {c.key for c in new.clusters if c.facts["more-extra"]} == {purges}
    assert {c.key for c in new.clusters if c.facts["more-launcher"]} == launches


def test_extra_commands_at_two_places_or_another_program_first_stay_overrides(table_path, tmp_path):
    """One cluster types two commands more, another runs `time` (no launcher) before
    the command: no one fact tells them, so those clusters keep their own lines."""
    table = load_table(table_path)
    more, timed = table.clusters[0].key, table.clusters[1].key

    def body(i: int, c) -> list[str]:
        lines = [f"module load tool/1.{i}", "python x.py"]
        if c.key == more:
            return ["module purge", *lines, "ls"]
        return [lines[0], "time python x.py"] if c.key == timed else lines

    new, key, _err = migrated_step(table_path, tmp_path / "less.rst", tab_set(table, body))
    assert set(new.steps[key].overrides) == {more, timed}
    for i, cluster in enumerate(new.clusters):
        assert new.render(key, cluster.key).commands == tuple(body(i, cluster))


def test_a_script_with_an_extra_sbatch_line_shares_beside_a_cluster_the_table_lacks_facts_of(
    table_path, tmp_path
):
    """Held-out set 26: Dardel's script asks for `-p shared` on a line more, and LUMI's
    tab shows `#!/bin/bash` where the table's `batch_shell` for it is not known. LUMI's
    literal shell made Dardel's `#!/bin/bash` literal too, and Dardel became an override
    of a script it shares; the report also said Dardel showed "hello" for `-A`. Now only
    the cluster whose facts the table lacks keeps its own script, and nothing is
    reported that the page does not show."""
    table = load_table(table_path)
    keys = table.cluster_keys
    first, extra, unknown = keys[0], keys[1], keys[-1]
    shells = {k: "#!/bin/bash -l" if k == first else "#!/bin/bash" for k in keys}
    text = table_path.read_text(encoding="utf-8")
    for key in keys:
        value = "not known" if key == unknown else shells[key]
        text = re.sub(
            rf"^\[clusters\.{key}\]\n",
            f'[clusters.{key}]\nbatch_shell = "{value}"\n',
            text,
            flags=re.M,
        )
    table_path.write_text(text, encoding="utf-8")
    table = load_table(table_path)
    out = [".. tabs::", ""]
    for c in table.clusters:
        account = "project_123" if c.key == unknown else c.facts["allocation"]
        rows = [shells[c.key], f"#SBATCH -A {account}", "#SBATCH -J hello", "#SBATCH -n 1"]
        rows += ["#SBATCH -p shared"] if c.key == extra else []
        rows += ["#SBATCH -p small"] if c.key == unknown else []
        rows += ["", "echo hi"]
        out += [f"   .. tab:: {c.label}", "", "      .. code-block:: bash", ""]
        out += [f"         {r}" if r else "" for r in rows] + [""]
    new, key, err = migrated_step(table_path, tmp_path / "hello.rst", "\n".join(out) + "\n")
    assert set(new.steps[key].overrides) == {unknown}
    assert "shows hello" not in err
    for c in new.clusters:
        shown = new.render(key, c.key).content
        assert shown.startswith(shells[c.key] + "\n")
        assert ("#SBATCH -p shared" in shown) == (c.key == extra)


def test_a_launcher_whose_options_are_a_fact_of_the_table_is_a_launcher():
    """Held-out set 25: `srun {batch_resources} python bench.py` (HPC2N's `-n 1` written
    with its placeholder) beside `python bench.py`; `time` is no launcher."""
    row = {"a": "python bench.py", "b": "srun {batch_resources} python bench.py"}
    assert launcher_slot(row) == (
        f"{FLAG} python bench.py",
        {"a": "", "b": "srun {batch_resources}"},
    )
    assert launcher_slot({**row, "b": "time python bench.py"}) is None


def test_facts_learned_on_a_page_whose_name_starts_with_digits_are_placeholders(
    table_path, tmp_path
):
    """Held-out set 29 (pages `01_formats.rst` to `07_exercises.md`): the facts were
    named `02_storage-folder`, which is no placeholder (a name starts with a letter), so
    every cluster was shown `{02_storage-folder}` as written."""
    table = load_table(table_path)
    folders = {c.key: f"/scratch/area{i}/{c.key}" for i, c in enumerate(table.clusters)}
    new, _key, commands = one_list(
        table_path, tmp_path / "02_storage.rst", lambda i, c: [f"du -sh {folders[c.key]}/data"]
    )
    (name,) = re.findall(r"\{([^}]+)\}", commands[0])
    assert name[0].isalpha() and name.startswith("storage-")
    assert {c.key: new.render(_key, c.key).commands for c in new.clusters} == {
        k: (f"du -sh {v}/data",) for k, v in folders.items()
    }


def test_one_tool_under_other_names_and_the_module_looked_up_are_facts(table_path, tmp_path):
    """Held-out sets 23 to 33: one centre types `mamba` where the others type `conda`,
    `singularity` for `apptainer`, `mpprun` or `mpirun` for `srun`, and `module spider`
    looks up each centre's own module. One list, each cluster reading its own tab."""
    table = load_table(table_path)
    odd, third = table.clusters[1].key, table.clusters[-1].key

    def body(i: int, c) -> list[str]:
        conda = "mamba" if c.key == odd else "conda"
        return [
            f"module spider Tool{i}/1.{i}",
            f"{conda} env create -f environment.yml",
            f"{'singularity' if c.key == third else 'apptainer'} exec x.sif python run.py",
            f"{['srun', 'mpprun', 'mpirun'][i % 3]} -n 4 python hello.py",
        ]

    new, _key, commands = one_list(table_path, tmp_path / "tools.rst", body)
    assert commands == (
        "module spider {tools-module}",
        "{tools-program} env create -f environment.yml",
        "{tools-program-2} exec x.sif python run.py",
        "{tools-program-3} -n 4 python hello.py",
    )
    assert new.cluster(odd).facts["tools-program"] == "mamba"


def test_another_tool_or_a_line_that_is_only_its_program_is_no_fact(table_path, tmp_path):
    """`seff` and `jobstats` are two tools, however alike their lines; `snicquota` and
    `uquota` a whole command each: each cluster that differs keeps its own lines."""
    table = load_table(table_path)
    stats, quota = table.clusters[0].key, table.clusters[-1].key

    def body(i: int, c) -> list[str]:
        return [
            f"{'jobstats' if c.key == stats else 'seff'} [jobid]",
            "uquota" if c.key == quota else "snicquota",
        ]

    new, key, _err = migrated_step(table_path, tmp_path / "stats.rst", tab_set(table, body))
    assert set(new.steps[key].overrides) == {stats, quota}
    for i, cluster in enumerate(new.clusters):
        assert new.render(key, cluster.key).commands == tuple(body(i, cluster))


def test_the_list_a_for_loop_runs_over_is_a_fact(table_path, tmp_path):
    """Held-out sets 23 and 28: a scaling test tries the core counts a node has, a
    list of its own on each cluster; the loop's body is the same. One list."""

    def body(i: int, c) -> list[str]:
        counts = " ".join(str(2**n) for n in range(i + 2))
        return [f"for c in {counts}; do sbatch -c $c -J scale_$c run.sh; done"]

    new, _key, commands = one_list(table_path, tmp_path / "scaling.rst", body)
    assert commands == ("for c in {scaling-values}; do sbatch -c $c -J scale_$c run.sh; done",)
    assert new.clusters[0].facts["scaling-values"] == "1 2"


def test_options_with_their_values_some_clusters_give_are_one_fact(table_path, tmp_path):
    """Held-out sets 35 and 31: `-C zen4` on one centre, `-p shared` on another, `-B
    /proj` for a container's folders, `-i KEY` where others log in with `-X`: options with
    their values, one fact each, empty where a tab gives none."""
    table = load_table(table_path)
    zen, shared, keyed = (c.key for c in table.clusters[:3])

    def body(i: int, c) -> list[str]:
        extra = {zen: "-C zen4 ", shared: "-p shared "}.get(c.key, "")
        bind = "-B /proj " if c.key == shared else ""
        login = "-i ~/.ssh/id_ed25519" if c.key == keyed else "-X"
        return [
            f"srun -A {c.facts['allocation']} -t 00:05:00 {extra}lscpu",
            f"apptainer exec {bind}x.sif python run.py",
            f"ssh {login} [user]@login.example.org",
        ]

    new, _key, commands = one_list(table_path, tmp_path / "opts.rst", body)
    assert commands == (
        "srun -A {allocation} -t 00:05:00 {opts-flags} lscpu",
        "apptainer exec {opts-flags-2} x.sif python run.py",
        "ssh {opts-flags-3} [user]@login.example.org",
    )
    assert new.cluster(zen).facts["opts-flags"] == "-C zen4"
    assert new.cluster(keyed).facts["opts-flags-3"] == "-i ~/.ssh/id_ed25519"


def test_words_that_are_no_options_some_clusters_add_stay_theirs(table_path, tmp_path):
    """`python run.py data extra` against `python run.py`: arguments, not options."""
    table = load_table(table_path)
    more = table.clusters[0].key

    def body(i: int, c) -> list[str]:
        return ["python run.py data extra" if c.key == more else "python run.py"]

    new, key, _err = migrated_step(table_path, tmp_path / "args.rst", tab_set(table, body))
    assert set(new.steps[key].overrides) == {more}


def test_a_launcher_after_time_is_a_launcher(table_path, tmp_path):
    """Held-out set 26: `time srun -n 1 python x.py` on one centre, `time python x.py`
    on the others: `time` stays, the launcher is the fact."""
    table = load_table(table_path)
    runs = table.clusters[-1].key

    def body(i: int, c) -> list[str]:
        return [f"time {'srun -n 1 ' if c.key == runs else ''}python summarise.py"]

    new, _key, commands = one_list(table_path, tmp_path / "timed.rst", body)
    assert commands == ("time {timed-launcher} python summarise.py",)
    assert new.cluster(runs).facts["timed-launcher"] == "srun -n 1"


def test_an_environment_a_job_activates_after_its_modules_is_part_of_what_it_loads(
    table_path, tmp_path
):
    """Held-out set 35: two centres' job scripts activate a virtual environment after
    the module line, the others load a module that brings the package. What each job
    loads is one fact; the rest of the script is shared."""
    table = load_table(table_path)
    lines = ["Save it as ``job.sh``.", "", ".. tabs::", ""]

    def script(i: int, c) -> list[str]:
        activate = [f"source /proj/x/{c.key}/env/bin/activate"] if i % 2 else []
        return ["#!/bin/bash", f"#SBATCH -A {c.allocation}", f"module load tool/{i}", *activate]

    for i, c in enumerate(table.clusters):
        lines += [f"   .. tab:: {c.label}", "", "      .. code-block:: bash", ""]
        lines += [f"         {row}" for row in [*script(i, c), "python run.py"]] + [""]
    new, key, _err = migrated_step(table_path, tmp_path / "job.rst", "\n".join(lines) + "\n")
    step = new.steps[key]
    assert not step.overrides
    assert step.content == "#!/bin/bash\n#SBATCH -A {allocation}\n{job-loads}\npython run.py\n"
    for i, cluster in enumerate(new.clusters):
        shown = "\n".join([*script(i, cluster), "python run.py"]) + "\n"
        assert new.render(key, cluster.key).content == shown


def page_of_tabs(path: Path, labels: list[str], command) -> Path:
    """An RST page of one tab set: a tab per label, showing ``command(label)``."""
    lines = [".. tabs::", ""]
    for label in labels:
        lines += [f"   .. tab:: {label}", "", "      .. code-block:: console", ""]
        lines += [f"         $ {command(label)}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_a_centre_and_a_new_cluster_written_with_a_space_name_one_cluster_on_later_pages(
    table_path, tmp_path
):
    """Held-out set 41, blind: tabs "UPPMAX Bianca" on one page, "Bianca" and "Bianca
    (UPPMAX)" on later ones. The first adds one cluster, Bianca at UPPMAX; the later
    labels name it (no second cluster), and the centre's own cluster keeps its commands."""
    table = load_table(table_path)
    home = table.clusters[0]
    labels = [f"{home.center} Newcluster", *(c.label for c in table.clusters)]
    first = page_of_tabs(tmp_path / "first.rst", labels, lambda label: f"echo {label}")
    assert run(str(first), "--table", str(table_path), "--write", "--add-clusters")[0] == 0
    added = [c for c in load_table(table_path).clusters if c.key not in table.cluster_keys]
    assert [(c.center, c.cluster) for c in added] == [(home.center, "Newcluster")]
    for name, labels in {
        "second": ["Newcluster", *(c.label for c in table.clusters)],
        "third": [f"Newcluster ({home.center})", f"{home.cluster} ({home.center})"],
    }.items():
        page = page_of_tabs(tmp_path / f"{name}.rst", labels, lambda label: f"echo {label}")
        status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
        assert status == 0, err
        new = load_table(table_path)
        assert list(new.cluster_keys) == [*table.cluster_keys, added[0].key], err
        (step,) = [k for k in new.steps if k.startswith(name)]
        assert new.render(step, added[0].key).commands == (f"echo {labels[0]}",)
        assert new.render(step, home.key).commands == (f"echo {labels[1]}",)


def test_a_cluster_added_by_one_name_beside_a_centre_in_brackets_is_that_one_cluster(
    table_path, tmp_path
):
    """Held-out set 41, blind: "Bianca" added a cluster by that one name; a later tab
    "Bianca (UPPMAX)" names Bianca only: UPPMAX's own cluster, which has no tab in that
    tab set, is not shown Bianca's commands (it was: the label read as two clusters)."""
    table = load_table(table_path)
    home = table.clusters[0]
    first = page_of_tabs(
        tmp_path / "first.rst", ["Newcluster", home.label], lambda label: f"echo {label}"
    )
    assert run(str(first), "--table", str(table_path), "--write", "--add-clusters")[0] == 0
    (added,) = [c for c in load_table(table_path).clusters if c.key not in table.cluster_keys]
    other = table.clusters[1]
    labels = [f"Newcluster ({home.center})", other.label]
    page = page_of_tabs(tmp_path / "next.rst", labels, lambda label: f"ls {label.split()[0]}")
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    new = load_table(table_path)
    (step,) = [k for k in new.steps if k.startswith("next")]
    assert new.render(step, added.key).commands == ("ls Newcluster",)
    assert new.render(step, other.key).commands == (f"ls {other.label}",)
    assert not new.render(step, home.key).applies


def test_a_placeholder_in_what_a_command_prints_stays_as_written(table_path, tmp_path):
    """Held-out set 41, blind: `groups` printing `<user> sens2026001`. The shell prints
    a name there, never `$USER`: the output keeps `<user>` (commands still write it
    `{user}`)."""
    table = load_table(table_path)
    lines = [".. tabs::", ""]
    for c in table.clusters:
        lines += [f"   .. tab:: {c.label}", "", "      .. code-block:: console", ""]
        lines += ["         $ groups", "         <user> course", "         $ id <user>", ""]
    page = tmp_path / "who.rst"
    page.write_text("\n".join(lines), encoding="utf-8")
    status, _out, err = run(str(page), "--table", str(table_path), "--write", "--add-clusters")
    assert status == 0, err
    new = load_table(table_path)
    steps = [k for k in new.steps if k.startswith("who")]
    for cluster in new.clusters:
        first, then = (new.render(k, cluster.key) for k in steps)
        assert (first.commands, first.output) == (("groups",), ("<user> course",))
        assert then.commands == (f"id {cluster.placeholder}",)


def test_a_fact_made_of_options_goes_only_where_the_table_gives_those_options(table_path, tmp_path):
    """Held-out set 41, blind: `batch_resources` is `-n 1`, and `curl ... | head -n 1`
    became `head {batch_resources}`: the same text today, a broken command once the
    fact changes. Options of a fact go on the lines of the programs the table's steps
    give them to (any job's options: `#SBATCH`, `srun`, `salloc`...)."""
    text = re.sub(r"(?m)^(label = .*)$", r'\1\nbatch_resources = "-n 1"', table_path.read_text())
    text += '\n[steps.job]\ncommands = ["salloc -A {allocation} {batch_resources}"]\n'
    table_path.write_text(text)

    def body(i: int, c) -> list[str]:
        return [
            "curl -sI https://pypi.org | head -n 1",
            f"srun -A {c.facts['allocation']} -n 1 hostname",
        ]

    _new, _key, commands = one_list(table_path, tmp_path / "net.rst", body)
    assert commands == (
        "curl -sI https://pypi.org | head -n 1",
        "srun -A {allocation} {batch_resources} hostname",
    )


def test_lmods_two_ways_to_load_and_the_scratch_variable_are_facts(table_path, tmp_path):
    """Held-out sets 48 and 49: one centre writes `ml X` where the others write `module
    load Y`; one keeps its node-local scratch in `$TMPDIR`, another in `/tmp`, the rest
    in `$SNIC_TMP`. One list, each cluster reading its own tab."""
    table = load_table(table_path)
    short, other, tmp = (c.key for c in table.clusters[:3])

    def body(i: int, c) -> list[str]:
        load = "ml" if c.key == short else "module load"
        scratch = {other: "$TMPDIR", tmp: "/tmp"}.get(c.key, "$SNIC_TMP")
        return [f"{load} tool/1.{i}", f"cp -r data {scratch}/", f"cd {scratch}"]

    new, _key, commands = one_list(table_path, tmp_path / "io.rst", body)
    assert commands == (
        "{io-program} {modules.io}",
        "cp -r data {io-folder}/",
        "cd {io-folder}",
    )
    assert new.cluster(short).facts["io-program"] == "ml"
    assert new.cluster(other).facts["io-folder"] == "$TMPDIR"
