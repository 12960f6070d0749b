"""Issue 15, points 5 and 9: no page stays stale.

Point 5 kills a real ``sphinx-build`` with SIGKILL right after it saved the environment
("pickling environment... done") and before it wrote the pages (testroot
``test-editloop-fresh`` holds the first page's writing when HPCCOURSE_TEST_HOLD is set, so
the kill always lands in that window). Point 9 adds a page to the toctree and checks that
the pages Sphinx did not read show it in their navigation.

Issue 19, point 7: a build killed while it writes a page (HPCCOURSE_TEST_HOLD=midwrite
writes half of it, then holds), after it began a page (a page then cut off), or after the
pages and before the search index (``=index``): the page the site shows is whole, and the
next build writes the new one whole and the search index holds it.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def sphinx_build(site: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-n"),
            *("-d", str(site / "_build" / "doctrees"), str(site), str(site / "_build" / "html")),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={
            "PYTHONPATH": str(ROOT / "_ext"),
            "PATH": "/usr/bin:/bin",
            "NO_COLOR": "1",
            "PYTHONUNBUFFERED": "1",
            **env,
        },
    )


def build(site: Path) -> str:
    process = sphinx_build(site)
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 0, out
    return out


@pytest.fixture
def site(rootdir: Path, tmp_path: Path) -> Path:
    """A copy of the testroot, its table composed (the ``rootdir`` fixture)."""
    copy = tmp_path / "site"
    shutil.copytree(rootdir / "test-editloop-fresh", copy)
    return copy


def test_a_build_killed_after_saving_the_environment_leaves_no_stale_page(site: Path) -> None:
    build(site)
    page = site / "_build" / "html" / "load.html"
    assert "python/3.11.8" in page.read_text()
    table = site / "clusters.toml"
    table.write_text(
        table.read_text().replace('python = ["python/3.11.8"]', 'python = ["python/3.12.1"]')
    )

    process = sphinx_build(site, HPCCOURSE_TEST_HOLD="1")
    seen = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if "pickling environment... done" in line:
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.kill()
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "".join(seen)
    assert "python/3.12.1" not in page.read_text()  # the kill came before the writing

    for _ in range(2):  # both builds, not only the first, show the new value
        build(site)
        assert "python/3.12.1" in page.read_text()
        assert "python/3.11.8" not in page.read_text()


def test_adding_a_page_to_the_toctree_updates_every_page_navigation(site: Path) -> None:
    build(site)
    (site / "batch.rst").write_text("Batch jobs\n==========\n\nSubmitting a job.\n")
    index = site / "index.rst"
    index.write_text(index.read_text().replace("   load\n", "   load\n   batch\n"))
    out = build(site)
    assert "load" not in out.split("reading sources")[-1].split("looking for")[0]  # not read
    load = (site / "_build" / "html" / "load.html").read_text()
    assert 'href="batch.html"' in load  # the sidebar and "next" of a page Sphinx did not read

    # A build with nothing changed writes nothing again.
    assert "no targets are out of date" in build(site)


# ------------------------------------------- issue 19, point 7: killed mid-write, index fed

WORD = "zanzibarquokka"  # a word no page holds until the test adds it


def kill_when(process: subprocess.Popen[str], said: str) -> str:
    """SIGKILL ``process`` when its output shows ``said``; what it printed."""
    seen = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if said in line:
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.kill()
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "".join(seen)
    return "".join(seen)


def search_index(site: Path) -> str:
    return (site / "_build" / "html" / "searchindex.js").read_text()


def add_word(site: Path) -> None:
    page = site / "load.rst"
    page.write_text(page.read_text() + f"\nThe {WORD} module set.\n")


def test_a_kill_mid_write_leaves_the_old_page_whole_then_the_new_one_is_written(
    site: Path,
) -> None:
    """Pages are written to a temporary file and renamed: a kill mid-write cuts off only
    the temporary file, which the next build removes from the (published) output."""
    build(site)
    html = site / "_build" / "html"
    page = html / "load.html"
    old = page.read_text()
    add_word(site)

    kill_when(sphinx_build(site, HPCCOURSE_TEST_HOLD="midwrite"), "half of load.html written")
    (partial,) = html.glob(".load.html.*.partial")  # the kill landed mid-write ...
    assert not partial.read_text().rstrip().endswith("</html>")
    assert page.read_text() == old  # ... and the page is the last whole one

    build(site)
    restored = page.read_text()
    assert restored.rstrip().endswith("</html>") and WORD in restored
    assert WORD in search_index(site)
    assert not list(html.rglob("*.partial"))
    assert "no targets are out of date" in build(site)  # recovered once, then quiet


def test_a_page_cut_off_after_its_writing_began_is_written_whole_and_indexed(
    site: Path,
) -> None:
    """The journal: a page whose writing began in a build that never finished is written
    again, even when its file is newer than its doctree (as a page cut off by a kill in
    the middle of Sphinx's own write is: the mtime check alone kept it)."""
    build(site)
    page = site / "_build" / "html" / "load.html"
    add_word(site)

    kill_when(sphinx_build(site, HPCCOURSE_TEST_HOLD="1"), "hpccourse-test: holding at load")
    cut = page.read_text()[: len(page.read_text()) // 2]
    page.write_text(cut)  # cut off, and newer than the doctree the killed build saved
    doctree = site / "_build" / "doctrees" / "load.doctree"
    assert page.stat().st_mtime_ns > doctree.stat().st_mtime_ns

    build(site)
    restored = page.read_text()
    assert restored.rstrip().endswith("</html>") and WORD in restored
    assert WORD in search_index(site)
    assert "no targets are out of date" in build(site)


def test_pages_written_before_a_kill_that_came_before_the_search_index_are_indexed(
    site: Path,
) -> None:
    build(site)
    add_word(site)
    kill_when(sphinx_build(site, HPCCOURSE_TEST_HOLD="index"), "hpccourse-test: pages written")
    page = site / "_build" / "html" / "load.html"
    assert WORD in page.read_text()  # the page itself was written whole ...
    assert WORD not in search_index(site)  # ... the search index was not

    build(site)
    assert WORD in search_index(site)
