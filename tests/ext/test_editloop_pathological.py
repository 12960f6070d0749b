"""Issue 15, point 6: a tiny hostile table is a located error, never a crash or a hang.

Each case is a small valid-looking ``clusters.toml`` (the two-cluster testroot's table with
something appended) that used to raise RecursionError or take seconds and megabytes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hpccourse.table import TableError, load_table, model
from hpccourse.table.model import MAX_VALUE

ROOT = Path(__file__).resolve().parents[2]
TWO = ROOT / "tests" / "roots" / "test-cluster-two"


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
    "doubling-chain-20": ('q0 = "abcdefghijklmnop"\n' + doubling(20), "characters (more than"),
}
#: A step that uses the top of each chain (a chain no step uses is never expanded).
USES = {
    "placeholder-chain-495": "p495",
    "doubling-chain-20": "q20",
}


def hostile_table(tmp_path: Path, added: str, uses: str = "") -> tuple[Path, int]:
    """The two-cluster table with ``added`` at the top of [placeholders] and a step using
    ``{uses}``: (path, the line of ``added``)."""
    text = (TWO / "clusters.toml").read_text()
    head, sep, tail = text.partition("[placeholders]\n")
    step = f'\n[steps.hostile]\ncommands = ["echo {{{uses}}}"]\n' if uses else ""
    path = tmp_path / "clusters.toml"
    path.write_text(head + sep + added + tail + step)
    return path, head.count("\n") + 2


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_table_is_a_located_error(tmp_path: Path, case: str) -> None:
    added, message = HOSTILE[case]
    path, first = hostile_table(tmp_path, added, USES.get(case, ""))
    with pytest.raises(TableError) as error:
        load_table(path)
    assert message in error.value.message
    assert error.value.line is not None
    assert first <= error.value.line <= first + added.count("\n")


def test_a_doubling_chain_below_the_depth_limit_stops_at_the_size_bound(tmp_path):
    path, _ = hostile_table(tmp_path, 'q0 = "ab"\n' + doubling(40), "q40")
    with pytest.raises(TableError) as error:
        load_table(path)
    # The first placeholder past the bound is named (2 * 2**16 > MAX_VALUE >= 2 * 2**15).
    assert "placeholder {q16} grows to 131,072 characters" in error.value.message
    assert 2 * 2**16 > MAX_VALUE >= 2 * 2**15


def test_expansion_is_memoized_each_name_once_per_cluster(tmp_path, monkeypatch):
    path, _ = hostile_table(tmp_path, 'q0 = "ab"\n' + doubling(14), "q14")
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


def test_a_short_chain_and_brackets_in_strings_still_load(tmp_path):
    brackets = 'deep = "' + "[" * 200 + '"\n' + "# " + "{" * 200 + "\n"
    path, _ = hostile_table(tmp_path, 'p0 = "root"\n' + chain(10) + brackets)
    table = load_table(path)
    assert table.expand("uppmax", "{p10}") == "root" + "/x" * 10


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_build_with_a_hostile_table_goes_on_and_names_the_line(tmp_path, case):
    site = tmp_path / "site"
    shutil.copytree(TWO, site)
    hostile_table(site, HOSTILE[case][0], USES.get(case, ""))
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


def test_a_table_that_is_not_utf8_is_a_located_error_in_plain_words(tmp_path):
    text = (TWO / "clusters.toml").read_bytes()
    line = text.split(b"\n").index(b'center = "HPC2N"') + 1
    path = tmp_path / "clusters.toml"
    path.write_bytes(text.replace(b'center = "HPC2N"', b'center = "HPC2N \xe5"'))
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.line == line
    assert error.value.message.startswith("this file is not saved as UTF-8 text")
