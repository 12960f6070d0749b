"""Issue 19, point 4: table values that become paths are checked where the table loads.

lessonrun writes a module's ``NAME/VERSION.lua`` and makes the storage root's folder in
its sandbox as root, and writes a file step's file in the session's folder: a module
name ``../../x``, a storage root with ``..`` or a file name ``..`` must be an error at
the table's line, before anything runs. The real centres' roots still load.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hpccourse.table import TableError, load_table, paths


@pytest.fixture
def two(rootdir: Path) -> Path:
    """test-cluster-two's table (UPPMAX and HPC2N), composed from tests/roots/base.toml."""
    return rootdir / "test-cluster-two" / "clusters.toml"


def changed(two: Path, tmp_path: Path, old: str, new: str, after: str = "") -> tuple[Path, int]:
    """``two``'s table with its first line ``old`` (after the line ``after``) made ``new``:
    (the new table, the line of ``new``)."""
    lines = two.read_text().splitlines()
    start = lines.index(after) if after else 0
    index = lines.index(old, start)
    lines[index] = new
    path = tmp_path / "clusters.toml"
    path.write_text("\n".join(lines) + "\n")
    return path, index + 1


def error_of(path: Path) -> TableError:
    with pytest.raises(TableError) as caught:
        load_table(path)
    return caught.value


UPPMAX_ROOT = 'storage_root = "/proj/r-py-jl-m-rackham"'

# (the line as it is in two's table, what it becomes, a word the error must hold, the
# section the line is in: the first such line after it)
HOSTILE = {
    "module-set-dotdot": (
        'gpu = ["python/3.9.5"]',
        'gpu = ["../../../../tmp/x"]',
        "'..' part",
        "",
    ),
    "module-set-absolute": (
        'gpu = ["python/3.9.5"]',
        'gpu = ["/etc/x"]',
        "absolute path",
        "",
    ),
    "module-set-empty-part": (
        'gpu = ["python/3.9.5"]',
        'gpu = ["python//3.9.5"]',
        "empty part",
        "",
    ),
    "storage-root-dotdot": (
        UPPMAX_ROOT,
        'storage_root = "/proj/../../etc/x"',
        "'..' part",
        "",
    ),
    "storage-root-relative": (
        UPPMAX_ROOT,
        'storage_root = "proj/course"',
        "absolute folder",
        "",
    ),
    "storage-root-other-home": (
        UPPMAX_ROOT,
        'storage_root = "~root/x"',
        "another user's home",
        "",
    ),
    "storage-root-home-dotdot": (
        UPPMAX_ROOT,
        'storage_root = "$HOME/../../etc/x"',
        "'..' part",
        "",
    ),
    "storage-root-other-variable": (
        UPPMAX_ROOT,
        'storage_root = "$HOMEDIR/x"',
        "absolute folder",
        "",
    ),
    "user-path-dotdot": (
        'user_path = "{storage_root}/{user}"',
        'user_path = "{storage_root}/../{user}"',
        "'..' part",
        "",
    ),
    "example-user-dotdot": ('example_user = "sven"', 'example_user = ".."', "no user name", ""),
    "example-user-slash": (
        'example_user = "sven"',
        'example_user = "a/b"',
        "one user name",
        "",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_path_value_that_leaves_its_folder_is_an_error_at_its_line(two, tmp_path, case):
    old, new, words, after = HOSTILE[case]
    path, line = changed(two, tmp_path, old, new, after)
    error = error_of(path)
    assert words in error.message, error.message
    assert error.line == line
    assert str(error).startswith(f"{path}:{line}: ")


def test_a_placeholder_that_brings_dotdot_into_a_path_is_an_error_at_the_paths_line(two, tmp_path):
    """The check is on the expanded value: a ``..`` hidden in a [placeholders] entry."""
    text = (
        two.read_text()
        .replace("[placeholders]\n", '[placeholders]\nup = ".."\n', 1)
        .replace(UPPMAX_ROOT, 'storage_root = "/proj/{up}/{up}/etc"', 1)
    )
    path = tmp_path / "clusters.toml"
    path.write_text(text)
    error = error_of(path)
    assert "'/proj/../../etc'" in error.message and "'..' part" in error.message
    assert error.line == text.splitlines().index('storage_root = "/proj/{up}/{up}/etc"') + 1


def test_a_placeholder_shown_as_dotdot_is_caught_in_the_commands_not_only_the_example(
    two, tmp_path
):
    path, _ = changed(two, tmp_path, 'placeholder = "[username]"', 'placeholder = ".."')
    error = error_of(path)
    assert "user_path" in error.message and "'..' part" in error.message


def test_a_module_tree_entry_with_dotdot_is_an_error_at_its_line(two, tmp_path):
    text = two.read_text() + (
        '\n[clusters.uppmax.module_tree]\n"python/3.11.8" = {}\n"python/3.9.5" = {}\n"../x" = {}\n'
    )
    path = tmp_path / "clusters.toml"
    path.write_text(text)
    error = error_of(path)
    assert "'..' part" in error.message
    assert error.line == text.splitlines().index('"../x" = {}') + 1


@pytest.mark.parametrize("name", ["..", ".", "a/b", "../x", "/etc/passwd"])
def test_a_file_steps_name_is_one_plain_file_name(two, tmp_path, name):
    text = two.read_text() + f'\n[steps.hostile-file]\nfile = "{name}"\ncontent = "x"\n'
    path = tmp_path / "clusters.toml"
    path.write_text(text)
    error = error_of(path)
    assert f"file {name!r}" in error.message
    assert error.line == text.splitlines().index(f'file = "{name}"') + 1


def test_a_storage_root_outside_the_declared_project_roots_is_an_error(two, tmp_path):
    text = '[course]\nproject_roots = ["/proj"]\n\n' + two.read_text().replace(
        UPPMAX_ROOT, 'storage_root = "/etc/course"', 1
    )
    path = tmp_path / "clusters.toml"
    path.write_text(text)
    error = error_of(path)
    assert "none of the course's project_roots (/proj)" in error.message
    assert error.line == text.splitlines().index('storage_root = "/etc/course"') + 1


def test_a_project_root_with_dotdot_is_an_error(two, tmp_path):
    text = '[course]\nproject_roots = ["/proj/../etc"]\n\n' + two.read_text()
    path = tmp_path / "clusters.toml"
    path.write_text(text)
    error = error_of(path)
    assert "project_roots" in error.message and "'..' part" in error.message
    assert error.line == 2


# The storage roots of the seven centres the course is taught on (as their documentation
# gives them), each with the project roots a course would declare for it.
CENTRE_ROOTS = {
    "uppmax": ("/proj/r-py-jl-m-rackham", "/proj"),
    "hpc2n": ("/proj/nobackup/r-py-jl-m", "/proj/nobackup"),
    "lunarc": ("/lunarc/nobackup/projects/lu2024-17-44", "/lunarc/nobackup/projects"),
    "pdc": ("/cfs/klemming/projects/supr/hpc-python-fall-pdc", "/cfs/klemming/projects/supr"),
    "c3se": ("/mimer/NOBACKUP/groups/hpc-python", "/mimer/NOBACKUP/groups"),
    "lumi": ("/scratch/project_465001310", "/scratch"),
    "nsc": ("/proj/hpc-python-fall-nsc/users/{user}", "/proj"),
    "home": ("~/my_venvs", "/proj"),  # no workshop storage: the reader's home
    "home-as-lunarc-writes-it": ("$HOME/hpc-python", "/proj"),  # `mkdir $HOME/hpc-python`
    "home-braced": ("${HOME}/hpc-python", "/proj"),
}


@pytest.mark.parametrize("centre", list(CENTRE_ROOTS))
def test_the_centres_real_storage_roots_load(two, tmp_path, centre):
    root, project_root = CENTRE_ROOTS[centre]
    text = f'[course]\nproject_roots = ["{project_root}"]\n\n' + two.read_text()
    hpc2n = 'storage_root = "/proj/nobackup/r-py-jl-m"'  # moved under the root too
    text = text.replace(hpc2n, f'storage_root = "{project_root}/other"', 1)
    text = text.replace(UPPMAX_ROOT, f'storage_root = "{root}"', 1)
    path = tmp_path / "clusters.toml"
    path.write_text(text)
    table = load_table(path)
    assert table.cluster("uppmax").storage_root == root


def test_the_sites_own_table_keeps_loading() -> None:
    """clusters.toml with whatever clusters it holds (no count or names assumed)."""
    table = load_table(Path(__file__).resolve().parents[2] / "clusters.toml")
    for cluster in table.clusters:
        for name in cluster.facts:
            if name.endswith(paths.PATH_FACT_SUFFIXES):
                assert paths.path_fact(table.fact(cluster, name)) is None


@pytest.mark.parametrize(
    "name",
    [
        "python/3.11.8",
        "GCC/12.3.0",
        "SciPy-bundle/2023.07",
        "cray-python/3.11.7",
        "PDC/23.12",
        "Python/3.11.3-GCCcore-12.3.0",
        "buildenv-gcc/2023b-eb",
        "conda",
        "LUMI/24.03/partition",
    ],
)
def test_real_module_names_pass(name: str) -> None:
    assert paths.module_name(name) is None


@pytest.mark.parametrize("name", ["..", "../x", "x/..", "./x", "/x", "x//y", "x/", "-x", "a b"])
def test_module_names_that_leave_the_tree_or_mislead_fail(name: str) -> None:
    assert paths.module_name(name)


@pytest.mark.parametrize(
    ("value", "loads"),
    [
        ("venvs/{user}", True),  # relative: the course's choice
        ("$HOME/venvs", True),
        ("~/venvs", True),
        ("venvs/../../x", False),
        ("$HOME/../x", False),
    ],
)
def test_other_path_facts_are_checked_for_dotdot_only(two, tmp_path, value, loads):
    path, line = changed(
        two, tmp_path, 'example_user = "sven"', f'example_user = "sven"\nscratch_path = "{value}"'
    )
    if loads:
        assert load_table(path).cluster("uppmax").facts["scratch_path"] == value
    else:
        error = error_of(path)
        assert "scratch_path" in error.message and "'..' part" in error.message
        assert error.line == line + 1
