"""Issues 15.6 and 19.4: a tiny hostile table is a located error, never a crash or a hang.

Each case is a small valid-looking ``clusters.toml`` (the two-cluster testroot's table with
something appended) that used to raise RecursionError or take seconds and megabytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hpccourse.table import TableError, load_table, model, moduletree, source
from hpccourse.table.model import MAX_VALUE
from hpccourse.table.source import MAX_TABLE_BYTES

ROOT = Path(__file__).resolve().parents[2]


def chain(n: int) -> str:
    """``p1 = "{p0}/x"`` ... ``pN``: each placeholder refers to the one before."""
    return "".join(f'p{i} = "{{p{i - 1}}}/x"\n' for i in range(1, n + 1))


def doubling(n: int) -> str:
    """``q1 = "{q0}{q0}"`` ...: each level doubles the text (357 bytes for 20 levels)."""
    return "".join(f'q{i} = "{{q{i - 1}}}{{q{i - 1}}}"\n' for i in range(1, n + 1))


HOSTILE = {
    # name: (text added to the table, where: "end" or "placeholders", message)
    "arrays-500-deep": ("x = " + "[" * 500 + "]" * 500 + "\n", "nested more than"),
    "inline-tables-3000-deep": (
        "x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
        "nested more than",
    ),
    "placeholder-chain-495": ('p0 = "root"\n' + chain(495), "more than 50 deep"),
    "doubling-chain-20": (
        'q0 = "abcdefghijklmnop"\n' + doubling(20),
        "characters at least (more than",
    ),
}
#: A step that uses the top of each chain (a chain no step uses is never expanded).
USES = {
    "placeholder-chain-495": "p495",
    "doubling-chain-20": "q20",
}


@pytest.fixture
def two(rootdir: Path) -> Path:
    """The two-cluster testroot, its table composed from tests/roots/base.toml."""
    return rootdir / "test-cluster-two"


def hostile_table(two: Path, tmp_path: Path, added: str, uses: str = "") -> tuple[Path, int]:
    """The two-cluster table (of testroot ``two``) with ``added`` at the top of
    [placeholders] and a step using ``{uses}``: (path, the line of ``added``)."""
    text = (two / "clusters.toml").read_text()
    head, sep, tail = text.partition("[placeholders]\n")
    step = f'\n[steps.hostile]\ncommands = ["echo {{{uses}}}"]\n' if uses else ""
    path = tmp_path / "clusters.toml"
    path.write_text(head + sep + added + tail + step)
    return path, head.count("\n") + 2


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_table_is_a_located_error(two: Path, tmp_path: Path, case: str) -> None:
    added, message = HOSTILE[case]
    path, first = hostile_table(two, tmp_path, added, USES.get(case, ""))
    with pytest.raises(TableError) as error:
        load_table(path)
    assert message in error.value.message
    assert error.value.line is not None
    assert first <= error.value.line <= first + added.count("\n")


def test_a_doubling_chain_below_the_depth_limit_stops_at_the_size_bound(two, tmp_path):
    path, _ = hostile_table(two, tmp_path, 'q0 = "ab"\n' + doubling(40), "q40")
    with pytest.raises(TableError) as error:
        load_table(path)
    # The first placeholder past the bound is named (2 * 2**16 > MAX_VALUE >= 2 * 2**15).
    assert "placeholder {q16} grows to 131,072 characters" in error.value.message
    assert 2 * 2**16 > MAX_VALUE >= 2 * 2**15


def test_expansion_is_memoized_each_name_once_per_cluster(two, tmp_path, monkeypatch):
    path, _ = hostile_table(two, tmp_path, 'q0 = "ab"\n' + doubling(14), "q14")
    table = load_table(path)
    calls = []
    original = model._Expander.expand

    def counting(self, text, line, stack):
        calls.append(text)
        return original(self, text, line, stack)

    monkeypatch.setattr(model._Expander, "expand", counting)
    table._memo.clear()
    assert len(table.expand("uppmax", "{q14}")) == 2 * 2**14
    assert len(calls) <= 16  # the text, then each q once (not 2**15 times)


def test_a_short_chain_and_brackets_in_strings_still_load(two, tmp_path):
    brackets = 'deep = "' + "[" * 200 + '"\n' + "# " + "{" * 200 + "\n"
    path, _ = hostile_table(two, tmp_path, 'p0 = "root"\n' + chain(10) + brackets)
    table = load_table(path)
    assert table.expand("uppmax", "{p10}") == "root" + "/x" * 10


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_build_with_a_hostile_table_goes_on_and_names_the_line(two, tmp_path, case):
    site = tmp_path / "site"
    shutil.copytree(two, site)
    hostile_table(two, site, HOSTILE[case][0], USES.get(case, ""))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            "--keep-going",
            str(site),
            str(site / "_build"),
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "_ext"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    assert "RecursionError" not in done.stderr and "Traceback" not in done.stderr
    assert f"{site / 'clusters.toml'}:" in done.stderr
    assert HOSTILE[case][1] in done.stderr
    assert (site / "_build" / "other.html").exists()  # the rest of the site is built


def test_a_table_that_is_not_utf8_is_a_located_error_in_plain_words(two, tmp_path):
    text = (two / "clusters.toml").read_bytes()
    line = text.split(b"\n").index(b'center = "HPC2N"') + 1
    path = tmp_path / "clusters.toml"
    path.write_bytes(text.replace(b'center = "HPC2N"', b'center = "HPC2N \xe5"'))
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.line == line
    assert error.value.message.startswith("this file is not saved as UTF-8 text")


# ------------------------------------------------- issue 19, point 4: hanging, starving tables

#: The loader in a fresh process: a table that hangs it fails this test at the timeout
#: (a safety net only: the assertions are on the error and its line).
LOAD = (
    "import sys\n"
    "from hpccourse.table import TableError, load_table\n"
    "try:\n"
    "    load_table(sys.argv[1])\n"
    "except TableError as error:\n"
    "    print(f'{error.location()}|{error.message}')\n"
    "else:\n"
    "    print('loaded')\n"
)


def load_in_a_process(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", LOAD, str(path)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "_ext"), "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout.strip()


def test_a_table_that_is_a_fifo_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "clusters.toml"
    os.mkfifo(fifo)
    assert load_in_a_process(fifo) == (
        f"{fifo}|the data table must be a regular file, not a named pipe (FIFO)"
    )


def test_a_table_linked_to_dev_zero_is_an_error_not_a_memory_error(tmp_path):
    link = tmp_path / "clusters.toml"
    link.symlink_to("/dev/zero")
    assert load_in_a_process(link) == (
        f"{link}|the data table must be a regular file, not a character device"
    )


def test_a_table_that_is_a_folder_is_an_error(tmp_path):
    folder = tmp_path / "clusters.toml"
    folder.mkdir()
    with pytest.raises(TableError) as error:
        load_table(folder)
    assert error.value.message == "the data table must be a regular file, not a folder"


def test_a_table_past_the_size_cap_is_an_error_before_it_is_read(two, tmp_path, monkeypatch):
    path = tmp_path / "clusters.toml"
    path.write_text((two / "clusters.toml").read_text() + "#" * MAX_TABLE_BYTES + "\n")
    opened = []
    monkeypatch.setattr(source.os, "open", lambda *a, **k: opened.append(a) or -1)
    with pytest.raises(TableError) as error:
        load_table(path)
    assert f"more than {MAX_TABLE_BYTES:,}" in error.value.message
    assert opened == []  # refused on its size, never opened


def test_a_symlink_to_a_regular_table_still_loads(two, tmp_path):
    link = tmp_path / "clusters.toml"
    link.symlink_to(two / "clusters.toml")
    assert load_table(link).cluster_keys == load_table(two / "clusters.toml").cluster_keys


def test_the_table_is_read_with_a_bound_even_when_it_grows_after_stat(two, tmp_path, monkeypatch):
    """The size is checked on stat, then the read itself stops past the cap (a file that
    grows between the two, or lies about its size, is not read to its end)."""
    path = tmp_path / "clusters.toml"
    path.write_text((two / "clusters.toml").read_text())
    given = []
    real_read = os.read

    def endless(fd: int, n: int) -> bytes:
        data = b"#" * n if given else real_read(fd, n)  # the file, then comments for ever
        given.append(len(data))
        return data

    monkeypatch.setattr(source.os, "read", endless)
    with pytest.raises(TableError) as error:
        load_table(path)
    assert "grew past" in error.value.message
    assert sum(given) == MAX_TABLE_BYTES + 1  # one byte past the cap, then it stopped


BIG = 99_000  # one placeholder just under MAX_VALUE, used 300 times


def big_use_table(two: Path, tmp_path: Path, where: str) -> tuple[Path, int]:
    """two's table with a 99 kB placeholder used 300 times: in a cluster-facts kind's
    name (``where="kind"``) or a step's command (``"step"``); (path, line of the use)."""
    uses = "{big}" * 300
    text = (
        (two / "clusters.toml")
        .read_text()
        .replace("[placeholders]\n", f'[placeholders]\nbig = "{"x" * BIG}"\n', 1)
    )
    if where == "kind":
        kind = f'[course.facts.hostile]\nfact = "allocation"\nname = "{uses}"\n\n'
        text = kind + text
        line = 3
    else:
        text += f'\n[steps.hostile]\ncommands = ["echo {uses}"]\n'
        line = text.count("\n")
    path = tmp_path / "clusters.toml"
    path.write_text(text)
    return path, line


@pytest.mark.parametrize("where", ["kind", "step"])
def test_a_long_placeholder_used_300_times_stops_at_the_bound_with_its_line(two, tmp_path, where):
    path, line = big_use_table(two, tmp_path, where)
    assert path.stat().st_size < MAX_TABLE_BYTES  # a small table: the cap on the file does not help
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.line == line
    assert "this value grows to 198,0" in error.value.message  # stopped at the second use
    assert f"(more than {MAX_VALUE:,}) where it uses {{big}}" in error.value.message


def test_a_build_with_a_long_placeholder_used_300_times_names_the_line(two, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(two, site)
    _, line = big_use_table(two, site, "kind")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-q",
            "--keep-going",
            str(site),
            str(site / "_build"),
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "_ext"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        timeout=300,  # a safety net: the build ran past 300 s; this one is a load error
        check=False,
    )
    assert "Traceback" not in done.stderr
    assert f"{site / 'clusters.toml'}:{line}: WARNING: this value grows to" in done.stderr
    assert (site / "_build" / "other.html").exists()


def after_chain(n: int, circle: bool = False) -> str:
    """A module tree of ``n`` modules, each visible after the one before (``m0`` first);
    with ``circle``, the first one comes after the last."""
    first = f'"m/{n - 1}"' if circle else '""'
    entries = [f'"m/0" = {{after = {first}}}']
    entries += [f'"m/{i}" = {{after = "m/{i - 1}"}}' for i in range(1, n)]
    return (
        "\n[clusters.uppmax.module_tree]\n"
        + "\n".join(entries)
        + "\n"
        + ('"python/3.11.8" = {}\n"python/3.9.5" = {}\n')
    )


def test_an_after_chain_of_1500_loads_with_one_lookup_per_module(two, tmp_path, monkeypatch):
    """Linear in the chain: each module's ``after`` is looked up by key, and a module whose
    chain is known good is not walked again (the walk used to be cubic: a minute)."""
    path = tmp_path / "clusters.toml"
    path.write_text((two / "clusters.toml").read_text() + after_chain(1500))
    lookups = []
    real_get = moduletree.ModuleTree.get
    monkeypatch.setattr(
        moduletree.ModuleTree,
        "get",
        lambda self, name: lookups.append(name) or real_get(self, name),
    )
    tree = load_table(path).cluster("uppmax").module_tree
    assert tree.get("m/1499").after == "m/1498"
    assert len(lookups) <= 1500 + 1  # one per link of the chain (a quadratic walk: 1.1 million)


def test_an_after_chain_that_goes_round_is_an_error_at_its_first_module(two, tmp_path):
    path = tmp_path / "clusters.toml"
    text = (two / "clusters.toml").read_text() + after_chain(1500, circle=True)
    path.write_text(text)
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.message.startswith(
        "module 'm/0': `after` goes round in a circle: m/0 -> m/1499"
    )
    assert error.value.line == text.splitlines().index('"m/0" = {after = "m/1499"}') + 1


def test_check_with_a_fifo_table_ends_and_says_why(tmp_path, rootdir):
    """``hpccourse check --table FIFO`` loads the table the same way: it ends."""
    fifo = tmp_path / "clusters.toml"
    os.mkfifo(fifo)
    docs = tmp_path / "docs"
    shutil.copytree(rootdir / "test-cluster-two", docs)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "hpccourse",
            "check",
            str(docs),
            "--table",
            str(fifo),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "_ext"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        timeout=300,  # a safety net: it used to block forever
        check=False,
    )
    assert "Traceback" not in done.stderr
    said = (
        done.stdout
        + done.stderr
        + "".join(p.read_text(errors="replace") for p in (tmp_path / "out").rglob("*.log"))
    )
    assert "not a named pipe (FIFO)" in said
