"""The data table loader: records, lines, rendering, validation, caching (no Sphinx)."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
from pathlib import Path

import pytest
from hpccourse.migrate.variants import without_empty
from hpccourse.table import TableError, index_lines, load_table
from hpccourse.table import load as table_module

# The broken tables, each a file as written (the good ones are composed: conftest.py).
BAD = Path(__file__).parents[1] / "roots" / "test-cluster-bad" / "tables"


@pytest.fixture
def two(rootdir: Path) -> Path:
    """test-cluster-two's table, composed from tests/roots/base.toml."""
    return rootdir / "test-cluster-two" / "clusters.toml"


@pytest.fixture
def three(rootdir: Path) -> Path:
    """test-cluster-three's table (two's, with LUNARC Cosmos)."""
    return rootdir / "test-cluster-three" / "clusters.toml"


@pytest.fixture
def good(rootdir: Path) -> Path:
    """The valid one-cluster table the broken ones differ from, composed."""
    return rootdir / "test-cluster-bad" / "tables" / "good.toml"


def line_of(path: Path, text: str) -> int:
    """The 1-based line of ``path`` that is exactly ``text``."""
    return path.read_text().splitlines().index(text) + 1


def write(tmp_path: Path, text: str, name: str = "clusters.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def base_text(good: Path) -> str:
    """A valid one-cluster table (the one the broken tables differ from)."""
    return good.read_text()


# ------------------------------------------------------------------ records


def test_clusters_keep_the_table_order_and_their_facts(two):
    table = load_table(two)
    assert table.source == str(two.resolve())
    assert table.cluster_keys == ("uppmax", "hpc2n")
    uppmax, hpc2n = table.clusters
    assert (uppmax.key, uppmax.label, uppmax.center, uppmax.cluster) == (
        "uppmax",
        "UPPMAX",
        "UPPMAX",
        "Rackham",
    )
    assert uppmax.storage_root == "/proj/r-py-jl-m-rackham"
    # A course's own facts, as written: expand() fills in the placeholders.
    assert uppmax.facts["user_path"] == "{storage_root}/{user}"
    assert hpc2n.facts["pip_flags"] == "--no-cache-dir --no-build-isolation"
    assert hpc2n.modules["python"] == (
        "GCC/12.3.0",
        "Python/3.11.3",
        "SciPy-bundle/2023.07",
        "matplotlib/3.7.2",
    )
    assert uppmax.managers == {"conda": "Recommended", "venv": "OK"}
    assert uppmax.facts["python_banner"].startswith("Python 3.11.8")
    assert uppmax.workshop_storage is True
    assert table.managers == {"conda": "Language agnostic", "venv": "Python only"}


def test_every_section_key_and_element_has_its_line(two):
    table = load_table(two)
    uppmax = table.cluster("uppmax")
    assert uppmax.line == line_of(two, "[clusters.uppmax]")
    assert uppmax.line_of("allocation") == line_of(two, 'allocation = "naiss2024-22-1202"')
    assert uppmax.line_of("modules.gpu") == line_of(two, 'gpu = ["python/3.9.5"]')
    step = table.steps["write-requirements"]
    assert step.line_of() == line_of(two, "[steps.write-requirements]")
    assert step.line_of("commands") == line_of(two, "[steps.write-requirements]") + 1
    # A multi-line array: the element's own line, not the key's.
    assert step.line_of("commands[0]") == line_of(two, '    """cat > requirements.txt <<\'EOF\'')
    edit = table.steps["edit"]
    assert edit.line_of("override.uppmax[0]") == line_of(two, 'uppmax = ["vim requirements.txt"]')
    assert table.steps["snowy"].line_of("skip.hpc2n") == line_of(
        two, 'hpc2n = "Kebnekaise has no Snowy partition."'
    )


def test_records_are_frozen_and_picklable(two):
    table = load_table(two)
    with pytest.raises(dataclasses.FrozenInstanceError):
        table.clusters[0].label = "X"  # type: ignore[misc]
    with pytest.raises(TypeError):
        table.steps["edit"] = table.steps["snowy"]  # type: ignore[index]
    with pytest.raises(TypeError):
        table.clusters[0].modules["python"] = ()  # type: ignore[index]
    assert pickle.loads(pickle.dumps(table)) == table


def test_cluster_for_label_matches_label_center_or_cluster_in_any_case(two):
    table = load_table(two)
    assert table.cluster_for_label("UPPMAX").key == "uppmax"
    assert table.cluster_for_label("rackham").key == "uppmax"
    assert table.cluster_for_label(" Kebnekaise ").key == "hpc2n"
    assert table.cluster_for_label("hpc2n").key == "hpc2n"
    assert table.cluster_for_label("Tetralith") is None


def test_every_module_of_a_cluster_is_known(two):
    table = load_table(two)
    assert table.cluster("uppmax").all_modules == {"python/3.11.8", "python/3.9.5"}
    assert table.modules_by_cluster()["hpc2n"] == frozenset(
        {"GCC/12.3.0", "Python/3.11.3", "SciPy-bundle/2023.07", "matplotlib/3.7.2"}
    )


# ---------------------------------------------------------------- rendering


def test_render_fills_placeholders_and_module_sets(two):
    table = load_table(two)
    loaded = table.render("load-python", "hpc2n")
    assert loaded.commands == (
        "module load GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07 matplotlib/3.7.2",
    )
    assert loaded.env is None and loaded.prompt == "$ "
    created = table.render("create-venv", "uppmax", {"venv": "vpyenv"})
    assert created.commands == (
        "python -m venv --system-site-packages /proj/r-py-jl-m-rackham/[username]/python/vpyenv",
    )
    assert created.examples == (
        "python -m venv --system-site-packages /proj/r-py-jl-m-rackham/sven/python/vpyenv",
    )
    assert created.data_line == line_of(
        two, 'commands = ["python -m venv {venv_flags} {venv_path}"]'
    )
    assert created.data_source == str(two.resolve())


def test_an_empty_value_swallows_the_space_before_it(two):
    table = load_table(two)
    assert table.render("install", "uppmax", {"venv": "v"}).commands == (
        "pip install spacy seaborn",
    )


def test_a_command_of_empty_facts_is_not_shown_and_one_at_a_start_takes_its_space(
    two, tmp_path: Path
):
    """A command some clusters type and others not (``module purge``), and a launcher
    some put before a command (``srun``), are facts empty where they are not: such a
    command is not shown there, and an empty fact at a line's start takes the space
    after it, so each cluster's commands read as its own tab showed them."""
    pip_flags = {c.key: c.facts["pip_flags"] for c in load_table(two).clusters}
    assert "" in pip_flags.values() and any(pip_flags.values())
    step = '[steps.extra]\ncommands = ["{pip_flags}", "{pip_flags} python x.py", "ls"]\n'
    table = load_table(_with(two, tmp_path, step))
    for key, flags in pip_flags.items():
        shown = table.render("extra", key).commands
        if flags:
            assert shown == (flags, f"{flags} python x.py", "ls")
        else:
            assert shown == ("python x.py", "ls")
            # migrate reads the table's rule, not one of its own
            assert without_empty("{pip_flags} python x.py", table, table.cluster(key)) == (
                "python x.py"
            )


def _with(table: Path, tmp_path: Path, text: str) -> Path:
    """A copy of ``table`` with ``text`` appended."""
    copy = tmp_path / "clusters.toml"
    copy.write_text(table.read_text() + "\n" + text)
    return copy


def test_in_env_steps_get_the_environment_prompt(two):
    table = load_table(two)
    rendered = table.render("install", "hpc2n", {"venv": "Example-gpu"})
    assert rendered.env == "Example-gpu"
    assert rendered.prompt == "(Example-gpu) $ "
    with pytest.raises(TableError) as error:
        table.render("install", "hpc2n", {})
    assert error.value.line == line_of(two, "[steps.install]") + 2
    assert ":venv:" in error.value.message


def test_override_skip_and_only_choose_per_cluster(two):
    table = load_table(two)
    assert table.render("edit", "uppmax").commands == ("vim requirements.txt",)
    assert table.render("edit", "uppmax").data_line == line_of(
        two, 'uppmax = ["vim requirements.txt"]'
    )
    assert table.render("edit", "hpc2n").commands == ("nano requirements.txt",)
    skipped = table.render("snowy", "hpc2n")
    assert not skipped.applies and skipped.reason == "Kebnekaise has no Snowy partition."
    elsewhere = table.render("load-gpu", "hpc2n")
    assert not elsewhere.applies and elsewhere.reason == "Only UPPMAX has this GPU exercise."
    assert elsewhere.commands == ()


def test_output_per_cluster_shows_each_its_own_and_none_elsewhere(tmp_path, two):
    """``output.KEY``: the clusters print different things after the same commands."""
    table = load_table(two)
    first, *rest = [c.key for c in table.clusters]
    text = two.read_text() + (
        f'\n[steps.zz-version]\ncommands = ["python -V"]\n'
        f'output.{first} = ["Python 3.11.3 on {{cluster}}", "second line"]\n'
    )
    path = write(tmp_path, text)
    table = load_table(path)
    shown = table.render("zz-version", first)
    assert shown.output == (f"Python 3.11.3 on {table.cluster(first).cluster}", "second line")
    assert table.steps["zz-version"].line_of("output." + first + "[1]") == line_of(
        path, f'output.{first} = ["Python 3.11.3 on {{cluster}}", "second line"]'
    )
    for key in rest:
        assert table.render("zz-version", key).output == ()
    wrong = write(tmp_path, text.replace(f"output.{first} =", "output.nowhere ="), "bad.toml")
    with pytest.raises(TableError) as error:
        load_table(wrong)
    assert "unknown cluster 'nowhere' in output" in error.value.message
    assert error.value.line == line_of(
        wrong, 'output.nowhere = ["Python 3.11.3 on {cluster}", "second line"]'
    )


def test_a_cluster_fact_overrides_a_placeholder_entry(three):
    table = load_table(three)
    rendered = table.render("activate-venv", "cosmos", {"venv": "vpyenv"})
    assert rendered.commands == ("source ~/my_venvs/vpyenv/bin/activate",)
    assert rendered.examples == ()  # no user name in it
    assert table.cluster("cosmos").workshop_storage is False


def test_braces_for_the_shell_are_left_alone(tmp_path, good):
    text = base_text(good).replace(
        'commands = ["python -m venv {venv_flags} {venv_path}"]',
        "commands = [\"echo ${HOME} {{literal}} && awk '{print $1}' {storage_root}\"]",
    )
    table = load_table(write(tmp_path, text))
    assert table.render("create-venv", "one", {"venv": "v"}).commands == (
        "echo ${HOME} {literal} && awk '{print $1}' /proj/one",
    )


def test_unknown_step_is_an_error_naming_the_known_ones(two):
    with pytest.raises(TableError, match=r"no step 'nope': steps: load-python, "):
        load_table(two).render("nope", "uppmax")


# --------------------------------------------------------------- validation

BROKEN = {
    # file in test-cluster-bad/tables: (text of the line named, start of the message)
    "malformed.toml": ('label = "One', "malformed TOML: "),
    "unknown-cluster-only.toml": ('only = ["snowy"]', "step 'create-venv': unknown cluster"),
    "unknown-cluster-override.toml": ('snowy = ["true"]', "step 'create-venv': unknown cluster"),
    "unknown-cluster-skip.toml": ('snowy = "No Snowy here."', "step 'create-venv': unknown"),
    "no-value.toml": (
        'commands = ["python -m venv {nowhere} {venv_path}"]',
        "placeholder {nowhere} has no value for cluster 'one'",
    ),
    "no-command.toml": ("[steps.create-venv]", "step 'create-venv' has no command for cluster"),
    "missing-fact.toml": ("[clusters.one]", "cluster 'one' lacks the required fact 'allocation'"),
    "missing-modules.toml": ("[clusters.one]", "cluster 'one' lacks the required table"),
    "cycle.toml": (
        'venv_path = "{base}/python/{venv}"',
        "placeholder cycle: venv_path -> base -> venv_path",
    ),
    "wrong-type.toml": ('in_env = "yes"', "steps.create-venv.in_env must be true or false"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_table_names_its_file_and_line(name):
    path = BAD / name
    line_text, message = BROKEN[name]
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.source == str(path.resolve())
    assert error.value.line == line_of(path, line_text)
    assert error.value.message.startswith(message)
    assert str(error.value) == f"{path.resolve()}:{error.value.line}: {error.value.message}"


def test_the_table_the_broken_ones_differ_from_loads(good):
    assert load_table(good).cluster_keys == ("one",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[placeholders]", "[placeholder]"), "unknown table [placeholder]"),
        (('example_user = "sven"', 'example_user = "sven"\nuser = "x"'), "'user' is a reserved"),
        (('docs_url = "https://', 'docs_url = "javascript://'), "docs_url must be an http(s)"),
        (("explain = true", "explain = true\ncomands = []"), "unknown field 'comands'"),
        (('label = "One"', "label = 1"), "clusters.one.label must be a string, not an integer"),
        (('python = ["python/3.11.8"]', 'python = "python/3.11.8"'), "must be an array"),
        (("explain = true", 'explain = true\nonly = ["one"]\n[steps.b]\ncommands = ["b"]'), ""),
    ],
)
def test_other_mistakes_are_located(tmp_path, change, message, good):
    old, new = change
    text = base_text(good)
    assert old in text
    path = write(tmp_path, text.replace(old, new, 1))
    if not message:  # the control: a valid change loads
        load_table(path)
        return
    with pytest.raises(TableError) as error:
        load_table(path)
    assert message in error.value.message
    assert error.value.line is not None and error.value.line > 0


def test_only_without_a_reason_elsewhere_is_an_error(tmp_path, good):
    one = base_text(good)
    cluster = one[one.index("[clusters.one]") : one.index("[steps.")]
    # A second cluster with names of its own (one name may not name two clusters).
    two = cluster.replace("clusters.one", "clusters.two").replace('"One"', '"Two"')
    two = two.replace('"Uno"', '"Dos"')
    text = one.replace("[steps.", two + "[steps.", 1)
    text = text.replace("explain = true", 'explain = true\nonly = ["two"]')
    path = write(tmp_path, text)
    with pytest.raises(TableError, match="give an 'elsewhere' reason") as error:
        load_table(path)
    assert error.value.line == line_of(path, 'only = ["two"]')


def test_a_missing_file_is_a_table_error(tmp_path):
    with pytest.raises(TableError, match="cannot read the data table"):
        load_table(tmp_path / "nowhere.toml")


# ------------------------------------------------------------------ caching


def test_the_table_is_parsed_once_per_version_of_the_file(tmp_path, monkeypatch, good):
    path = write(tmp_path, base_text(good))
    calls: list[str] = []
    real_load = table_module._load

    def counting_load(source: str):
        calls.append(source)
        return real_load(source)

    monkeypatch.setattr(table_module, "_load", counting_load)
    first = load_table(path)
    assert load_table(path) is first
    assert load_table(str(path)) is first
    assert len(calls) == 1
    path.write_text(base_text(good).replace("one-2024-1", "one-2024-2"))
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_table(path).cluster("one").allocation == "one-2024-2"
    assert len(calls) == 2


def test_a_broken_table_is_also_parsed_once(tmp_path, monkeypatch):
    path = write(tmp_path, (BAD / "cycle.toml").read_text())
    calls: list[str] = []
    real_load = table_module._load
    monkeypatch.setattr(table_module, "_load", lambda s: calls.append(s) or real_load(s))
    for _ in range(3):
        with pytest.raises(TableError, match="cycle"):
            load_table(path)
    assert len(calls) == 1


# ------------------------------------------------------------ line indexing


def test_index_lines_skips_string_bodies_and_reads_quoted_and_inline_keys():
    text = "\n".join(
        [
            "# comment = 1",  # 1
            "[a]",  # 2
            'x = """',  # 3
            "y = 2",  # 4: inside a string, not a key
            '"""',  # 5
            '"quoted.key" = 1',  # 6
            "z = { p = 1, q = [",  # 7
            "  'e0', # comment",  # 8
            "  '''e1''' ] }",  # 9
            "[a.'b c']",  # 10
            "w.v = 3",  # 11
        ]
    )
    lines = index_lines(text)
    assert lines[("a",)] == 2
    assert lines[("a", "x")] == 3
    assert ("a", "y") not in lines
    assert lines[("a", "quoted.key")] == 6
    assert lines[("a", "z", "p")] == 7
    assert lines[("a", "z", "q", "0")] == 8
    assert lines[("a", "z", "q", "1")] == 9
    assert lines[("a", "b c")] == 10
    assert lines[("a", "b c", "w", "v")] == 11


# ------------------------------------------------------------- module trees

TREE = """
[clusters.one.module_tree]
"GCC/12.3.0" = {}
"python/3.11.8" = { after = "GCC/12.3.0", python = "3.11.8" }
"""


def with_tree(good: Path, tree: str, modules: str = 'python = ["python/3.11.8"]') -> str:
    text = base_text(good).replace('python = ["python/3.11.8"]', modules)
    return text.replace("[steps.", tree.lstrip("\n") + "\n[steps.", 1)


def test_a_module_tree_is_read_with_its_lines(tmp_path, good):
    path = write(tmp_path, with_tree(good, TREE))
    tree = load_table(path).cluster("one").module_tree
    assert tree.declared and not tree.flat
    python = tree.get("python/3.11.8")
    assert (python.after, python.python, python.python_series) == ("GCC/12.3.0", "3.11.8", "3.11")
    assert python.line == line_of(
        path, '"python/3.11.8" = { after = "GCC/12.3.0", python = "3.11.8" }'
    )


def test_without_a_tree_the_module_sets_make_a_flat_one(two):
    tree = load_table(two).cluster("hpc2n").module_tree
    assert not tree.declared and tree.flat
    assert {e.name for e in tree.modules} == set(load_table(two).cluster("hpc2n").all_modules)
    assert tree.get("Python/3.11.3").python == "3.11.3"
    assert tree.get("GCC/12.3.0").python == ""


@pytest.mark.parametrize(
    ("tree", "modules", "line_text", "message"),
    [
        (TREE.replace('"GCC/12.3.0" = {}\n', ""), 'python = ["python/3.11.8"]',
         '"python/3.11.8" = { after = "GCC/12.3.0", python = "3.11.8" }',
         "module 'python/3.11.8' names 'GCC/12.3.0', which the module tree lacks"),
        (TREE, 'python = ["python/3.11.8", "numpy/1.0"]', 'python = ["python/3.11.8", "numpy/1.0"]',
         "module set 'python' of cluster 'one' names 'numpy/1.0', which"),
        (TREE.replace("{}", '{ after = "python/3.11.8" }'), 'python = ["python/3.11.8"]',
         '"GCC/12.3.0" = { after = "python/3.11.8" }', "module 'GCC/12.3.0': `after` goes round"),
        (TREE.replace('python = "3.11.8"', 'python = "new"'), 'python = ["python/3.11.8"]',
         '"python/3.11.8" = { after = "GCC/12.3.0", python = "new" }', "module tree entry"),
        (TREE.replace("{}", '{ bundles = ["numpy>=1"] }'), 'python = ["python/3.11.8"]',
         '"GCC/12.3.0" = { bundles = ["numpy>=1"] }', "module tree entry 'GCC/12.3.0': bundle"),
        (TREE.replace("{}", '{ afer = "x" }'), 'python = ["python/3.11.8"]',
         '"GCC/12.3.0" = { afer = "x" }', "module tree entry 'GCC/12.3.0': unknown field 'afer'"),
    ],
)  # fmt: skip
def test_a_broken_module_tree_names_its_line(tmp_path, good, tree, modules, line_text, message):
    path = write(tmp_path, with_tree(good, tree, modules))
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.line == line_of(path, line_text)
    assert error.value.message.startswith(message)


@pytest.mark.parametrize(
    ("fact", "value", "message"),
    [
        ("label", "one", "its label 'one' is also the key of cluster 'one'"),
        ("label", "ONE CLUSTER", "its label 'ONE CLUSTER' is also the label of cluster 'one'"),
        ("cluster", "one cluster", "its cluster 'one cluster' is also the label"),
    ],
)
def test_two_clusters_may_not_share_a_name_a_reader_chooses_by(
    tmp_path, good, fact, value, message
):
    """?cluster= and the chooser take a key, label or machine name in any case: one name
    must mean one cluster, so labels that differ only by case are an error at their line."""
    one = base_text(good)
    cluster = one[one.index("[clusters.one]") : one.index("[steps.")]
    assert 'label = "One"' in cluster
    first = cluster.replace('label = "One"', 'label = "One cluster"')
    second = (
        cluster.replace("clusters.one", "clusters.two")
        .replace('label = "One"', 'label = "Two"')
        .replace('cluster = "Uno"', 'cluster = "Dos"')
    )
    second = re.sub(rf'(?m)^{fact} = ".*"$', f'{fact} = "{value}"', second, count=1)
    assert f'{fact} = "{value}"' in second
    text = one.replace(cluster, first + second, 1)
    path = write(tmp_path, text)
    with pytest.raises(TableError) as error:
        load_table(path)
    assert message in error.value.message
    assert error.value.line == line_of(path, f'{fact} = "{value}"')
    # The control: distinct names load.
    fixed = text.replace(f'{fact} = "{value}"', f'{fact} = "Another"')
    assert load_table(write(tmp_path, fixed, "fixed.toml")).cluster_keys == ("one", "two")
