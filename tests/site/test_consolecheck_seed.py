"""Proof on real text: the lesson's source as the course authors wrote it.

``tests/roots/test-seed`` holds a copy of that source (with stub diagrams; its
data table is the testroots' base, whose two clusters are the seed's). FACTS.md lists
its errors; the checker must find errors 4, 5 and 6 at the source's own lines and leave
the fine blocks alone. The seed is a fixed text, so its lines and clusters are named here.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

SOURCE = "isolated-seed.rst"

# Every `code-block:: console` of the seed without a prompt on any line (error 6).
PROMPTLESS = {
    130, 165, 171, 210, 220, 236, 244, 257, 264, 270, 277, 317, 323, 364, 371, 380,
    454, 460, 475, 481, 497, 503, 538, 546, 554, 570, 576, 591, 601, 609, 624, 630,
}  # fmt: skip


@pytest.fixture(scope="module")
def seed(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SphinxTestApp]:
    """One consolecheck run over a copy of the seed, shared by this module's tests."""
    srcdir = tmp_path_factory.mktemp("seed") / "src"
    shutil.copytree(rootdir / "test-seed", srcdir)
    app = SphinxTestApp("consolecheck", srcdir=srcdir, freshenv=True)
    try:
        app.build()
        yield app
    finally:
        app.cleanup()


@pytest.fixture(scope="module")
def blocks(seed: SphinxTestApp) -> dict[int, dict[str, Any]]:
    data = json.loads((Path(seed.outdir) / "report.json").read_text(encoding="utf-8"))
    return {block["line"]: block for block in data["blocks"]}


def codes_at(block: dict[str, Any]) -> set[tuple[str, int]]:
    return {(p["code"], p["line"]) for p in block["problems"]}


def test_checks_every_console_and_prompt_block(blocks: dict[int, dict[str, Any]]) -> None:
    # FACTS.md: 36 `code-block:: console` and 3 `prompt` blocks; plus one `sh` block.
    languages = [block["language"] for block in blocks.values()]
    assert languages.count("console") == 36
    assert languages.count("bash") == 3  # the prompt blocks
    assert languages.count("sh") == 1
    assert all(block["source"] == SOURCE for block in blocks.values())


def test_error_4_prompt_shows_another_environment(blocks: dict[int, dict[str, Any]]) -> None:
    # Exercise 2.5: `(vpyenv) $ pip list` while `Example-gpu` is active.
    block = blocks[402]
    assert block["status"] == "failed"
    assert codes_at(block) == {("CC201", 402)}
    assert "Example-gpu" in block["problems"][0]["message"]
    assert block["commands"] == ["pip list"]


def test_error_5_pip_user_inside_the_venv(blocks: dict[int, dict[str, Any]]) -> None:
    # Exercise 1.4, UPPMAX tab: `pip install --user` with vpyenv active.
    block = blocks[236]
    assert block["cluster"] == "uppmax"
    assert ("CC202", 236) in codes_at(block)
    # The HPC2N tab's install has no --user.
    assert all(code != "CC202" for code, _ in codes_at(blocks[244]))


def test_error_6_console_blocks_without_prompts(blocks: dict[int, dict[str, Any]]) -> None:
    reported = {
        line for block in blocks.values() for code, line in codes_at(block) if code == "CC001"
    }
    assert reported == PROMPTLESS


def test_fine_blocks_are_not_reported(blocks: dict[int, dict[str, Any]]) -> None:
    # The UPPMAX REPL session, the two correct prompt blocks, the requirements file.
    for line in (290, 393, 416, 518):
        assert blocks[line]["status"] == "ok", blocks[line]
        assert blocks[line]["problems"] == []
    assert blocks[393]["commands"] == ["pip install --upgrade numpy scipy numba torch"]


def test_tab_labels_give_clusters(blocks: dict[int, dict[str, Any]]) -> None:
    assert blocks[165]["cluster"] == "uppmax"
    assert blocks[171]["cluster"] == "hpc2n"
    assert blocks[130]["cluster"] is None
    assert blocks[538]["cluster"] is None  # the "Step 4" tab


def test_problems_are_warnings_at_the_seed_lines(seed: SphinxTestApp) -> None:
    warnings = seed.warning.getvalue()
    path = Path(seed.srcdir) / SOURCE
    assert f"{path}:402: WARNING: CC201 " in warnings
    assert f"{path}:236: WARNING: CC202 " in warnings
    assert f"{path}:130: WARNING: CC001 " in warnings
    assert seed.statuscode == 1
