"""The testroots' tables derive from one base (tests/testroots.py, tests/roots/base.toml).

A good table is never a copy in a testroot: it is the base plus a small overlay, so a
schema change made in base.toml reaches every testroot. Checked here: no testroot holds a
table of its own, every composed table loads, a change to the base reaches each of them,
and the TOML writer reads back as what it wrote.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hpccourse.table import load_table
from testroots import BASE, OVERLAY_SUFFIX, ROOTS, compose, materialise, toml_text

OVERLAYS = sorted(ROOTS.rglob(f"*{OVERLAY_SUFFIX}"))


def test_no_testroot_keeps_a_copy_of_a_good_table() -> None:
    tables = [p.relative_to(ROOTS).as_posix() for p in ROOTS.rglob("*.toml")]
    copies = [
        t
        for t in tables
        if not t.endswith(OVERLAY_SUFFIX)
        and t != "base.toml"
        and not t.startswith("test-cluster-bad/tables/")  # each one specific broken input
        and not t.endswith("/standins.toml")  # lessonrun's stand-in packages, no table
    ]
    assert copies == [], (
        "write each as NAME.overlay.toml: what differs from tests/roots/base.toml "
        "(tests/testroots.py says how)"
    )
    assert len(OVERLAYS) >= 10


@pytest.mark.parametrize("overlay", OVERLAYS, ids=lambda p: p.relative_to(ROOTS).as_posix())
def test_every_composed_table_loads(overlay: Path, tmp_path: Path) -> None:
    path = tmp_path / "clusters.toml"
    path.write_text(toml_text(compose(overlay)), encoding="utf-8")
    assert load_table(path).clusters


def test_a_change_to_the_base_reaches_every_composed_table(tmp_path: Path) -> None:
    roots = tmp_path / "roots"
    materialise(roots)
    base = roots / "base.toml"
    text = base.read_text(encoding="utf-8")
    assert text.count('venv_flags = "--system-site-packages"') == 2
    base.write_text(
        text.replace(
            'venv_flags = "--system-site-packages"',
            'venv_flags = "--system-site-packages"\nbatch_shell = "bash -l"',
        ),
        encoding="utf-8",
    )
    derived = [o for o in OVERLAYS if "clusters" not in own_clusters_marker(o)]
    assert len(derived) >= 10
    for overlay in derived:
        table = compose(overlay, base)
        for key, cluster in table["clusters"].items():
            assert cluster["batch_shell"] == "bash -l", (overlay, key)


def own_clusters_marker(overlay: Path) -> list[str]:
    """What an overlay drops of the base: a course of its own drops ``clusters``."""
    return tomllib.loads(overlay.read_text(encoding="utf-8")).get("compose", {}).get("drop", [])


def test_materialised_roots_hold_the_composed_tables_and_no_overlay(rootdir: Path) -> None:
    for overlay in OVERLAYS:
        relative = overlay.relative_to(ROOTS)
        composed = rootdir / relative.with_name(relative.name.replace(OVERLAY_SUFFIX, ".toml"))
        assert tomllib.loads(composed.read_text(encoding="utf-8")) == compose(overlay)
        assert not (rootdir / relative).exists()
    assert (rootdir / "base.toml").read_bytes() == BASE.read_bytes()


def test_toml_text_writes_what_reads_back() -> None:
    data = {
        "top": "value",
        "a": {
            "text": 'quote " and backslash \\ and ünïcode',
            "flag": False,
            "number": 3,
            "list": ["x", "y"],
            "heredoc": ["cat <<'EOF'\n\"x\" \\n\nEOF"],
            "b": {"odd key": "v", "empty": {}},
        },
    }
    text = toml_text(data, header="one\ntwo")
    assert text.startswith("# one\n# two\n")
    assert tomllib.loads(text) == data
    assert '    """cat <<\'EOF\'' in text.splitlines()
    with pytest.raises(TypeError):
        toml_text({"when": 1.5})
