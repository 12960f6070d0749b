"""Proof that the site tests follow the data: a correct new cluster or page keeps them
green, a wrong one fails them at the table's or the page's line.

Each test copies the course into a temporary folder, adds one more cluster to its
``clusters.toml`` (a copy of the table's first cluster, whichever it is, under a name no
dictionary knows, "Borealis", as key, label and cluster name) and a lesson page,
``jobs.rst`` (tests/site/data/batch.rst), to the toctree, and runs the site tests
themselves against the copy: ``pytest --site-dir COPY`` in a child process, with its own
temporary folder. The lessonrun proof runs the copy's exercises on the new cluster only
(``lessonrun_clusters``): the real site's run already covers the others.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitekit import copy_site
from testroots import toml_text

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import systools

#: Its fixtures run lessonrun: the sandboxed tests' xdist group (tests/conftest.py).
RUNS_LESSONRUN = True

DATA = Path(__file__).parent / "data"
REPOSITORY = Path(__file__).resolve().parents[2]
SITE_CHECKS = [
    "tests/site/test_site_checks.py",
    "tests/site/test_lesson_content.py",
    "tests/site/test_wheel_record.py",
    "tests/site/test_spelling.py",
]
LESSONRUN_CHECKS = ["tests/site/test_lessonrun_lesson.py"]
NEW_PAGE = "jobs"  # a page name the course does not use yet (grow() checks)
NEW_NAME = "Borealis"  # a cluster name no dictionary knows (the spelling gate must)
# The facts that name a cluster: the copy gets the new name in each it gives.
NAME_FACTS = ("label", "cluster", "title")


@dataclass
class Grown:
    """A copy of the course with one more cluster and one more page."""

    srcdir: Path
    key: str  # the new cluster's key in the copy's table
    label: str  # and its tab label

    @property
    def table(self) -> Path:
        return self.srcdir / "clusters.toml"

    @property
    def page(self) -> Path:
        return self.srcdir / f"{NEW_PAGE}.rst"


def fresh(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3``, ...: the first not in ``taken``."""
    candidates = (name if n == 1 else f"{name}-{n}" for n in range(1, len(taken) + 2))
    return next(c for c in candidates if c not in taken)


def new_cluster(table: dict, drop_fact: str | None = None) -> tuple[str, dict]:
    """A copy of the table's first cluster under a key and name it does not use yet."""
    clusters = table["clusters"]
    first = copy.deepcopy(next(iter(clusters.values())))
    key = fresh(NEW_NAME.lower(), set(clusters))
    name = fresh(NEW_NAME, {c.get(f, "") for c in clusters.values() for f in NAME_FACTS})
    for fact in NAME_FACTS:
        if fact in first:
            first[fact] = name
    if drop_fact:
        del first[drop_fact]
    return key, first


def grow(site_dir: Path, dest: Path, drop_fact: str | None = None) -> Grown:
    """Copy the course to ``dest``, add a cluster (without ``drop_fact``) and a new page."""
    srcdir = copy_site(site_dir, dest)
    table_file = srcdir / "clusters.toml"
    table = tomllib.loads(table_file.read_text(encoding="utf-8"))
    key, cluster = new_cluster(table, drop_fact)
    label = cluster["label"]
    with table_file.open("a", encoding="utf-8") as file:
        file.write("\n" + toml_text({"clusters": {key: cluster}}, "Added by the test."))

    taken = sorted(srcdir.glob(f"{NEW_PAGE}.*"))
    assert not taken, f"the course already has a page {NEW_PAGE}: {taken}"
    (srcdir / f"{NEW_PAGE}.rst").write_text(
        (DATA / "batch.rst").read_text(encoding="utf-8"), encoding="utf-8"
    )
    index = srcdir / "index.rst"
    text = index.read_text(encoding="utf-8")
    lessons = re.search(r"^\.\. toctree::\n(   :.*\n)*\n(   \S.*\n)+", text, re.MULTILINE)
    assert lessons, "index.rst has no toctree"
    index.write_text(text[: lessons.end()] + f"   {NEW_PAGE}\n" + text[lessons.end() :])
    return Grown(srcdir, key, label)


def site_tests(srcdir: Path, tmp: Path, tests: list[str]) -> subprocess.CompletedProcess[str]:
    """The site tests ``tests`` run against the project at ``srcdir``, in a child pytest."""
    options = ["-q", "-p", "no:cacheprovider", "--basetemp", str(tmp / "basetemp")]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *tests, *options, "--site-dir", str(srcdir)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )


def line_of(path: Path, text: str) -> int:
    """The 1-based line of ``path`` that is ``text`` (stripped)."""
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return lines.index(text) + 1


@pytest.fixture(scope="module")
def grown(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Grown:
    return grow(site_dir, tmp_path_factory.mktemp("grown") / "site")


def test_the_copy_has_the_new_cluster_last_and_the_new_page_in_the_toctree(grown: Grown) -> None:
    table = tomllib.loads(grown.table.read_text(encoding="utf-8"))
    assert list(table["clusters"])[-1] == grown.key
    assert re.search(rf"^   {NEW_PAGE}$", (grown.srcdir / "index.rst").read_text(), re.MULTILINE)


def test_a_correct_new_cluster_and_page_keep_the_site_checks_green(
    grown: Grown, tmp_path: Path
) -> None:
    done = site_tests(grown.srcdir, tmp_path, SITE_CHECKS)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\d+ passed", done.stdout) and " failed" not in done.stdout
    # The checks saw the new cluster's tab and the new page.
    html = tmp_path / "basetemp" / "site0" / "html" / f"{NEW_PAGE}.html"
    assert f">{grown.label}<" in html.read_text(encoding="utf-8")
    text = (tmp_path / "basetemp" / "consolecheck0" / "report.json").read_text(encoding="utf-8")
    assert f'"cluster": "{grown.key}"' in text and f'"docname": "{NEW_PAGE}"' in text


def test_a_correct_new_cluster_and_page_keep_lessonrun_green(grown: Grown, tmp_path: Path):
    conf = grown.srcdir / "conf.py"
    original = conf.read_text(encoding="utf-8")
    conf.write_text(original + f"\nlessonrun_clusters = [{grown.key!r}]\n", encoding="utf-8")
    try:
        done = site_tests(grown.srcdir, tmp_path, LESSONRUN_CHECKS)
    finally:
        conf.write_text(original, encoding="utf-8")
    assert done.returncode == 0, done.stdout + done.stderr
    text = (tmp_path / "basetemp" / "lessonrun0" / "report.json").read_text(encoding="utf-8")
    assert f'"cluster": "{grown.key}"' in text and f'"docname": "{NEW_PAGE}"' in text


def test_a_cluster_without_a_required_fact_fails_at_its_table_line(
    site_dir: Path, tmp_path: Path
) -> None:
    # A fact the table's course requires of every cluster (whichever it lists first).
    required = tomllib.loads((site_dir / "clusters.toml").read_text(encoding="utf-8"))
    fact = required["course"]["required_facts"][0]
    wrong = grow(site_dir, tmp_path / "site", drop_fact=fact)
    done = site_tests(wrong.srcdir, tmp_path, SITE_CHECKS)
    assert done.returncode == 1
    line = line_of(wrong.table, f"[clusters.{wrong.key}]")
    message = f"clusters.toml:{line}: cluster '{wrong.key}' lacks the required fact '{fact}'"
    assert message in done.stdout, done.stdout
    assert "test_site_builds_warning_free" in done.stdout


def test_a_wrong_page_fails_at_its_line(site_dir: Path, tmp_path: Path) -> None:
    wrong = grow(site_dir, tmp_path / "site")
    text = wrong.page.read_text(encoding="utf-8")
    good = "   $ sbatch -A [allocation] -t 00:10:00 -n 1 job.sh"
    assert good in text
    # The mistake the seed made (error 6): a command without its prompt.
    wrong.page.write_text(text.replace(good, good.replace("$ ", "")), encoding="utf-8")
    done = site_tests(wrong.srcdir, tmp_path, SITE_CHECKS)
    assert done.returncode == 1
    line = line_of(wrong.page, "sbatch -A [allocation] -t 00:10:00 -n 1 job.sh")
    assert f"{wrong.page}:{line}: WARNING: CC001 " in done.stdout, done.stdout
    assert "test_every_console_block_of_every_page_passes_consolecheck" in done.stdout


def test_the_new_clusters_name_is_no_word_list_s_but_the_tables(grown: Grown, tmp_path) -> None:
    """Without the table's names (plain sphinx-build, the project's word list only), the
    spelling builder flags the new cluster's name: the gate's pass above is the table's."""
    systools.require_in_test("spelling", "enchant")
    command = [sys.executable, "-m", "sphinx", "-b", "spelling", "-q", "-N", "-W", "--keep-going"]
    command += ["-d", str(tmp_path / "doctrees"), str(grown.srcdir), str(tmp_path / "out")]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert f"Spell check: {grown.label}:" in done.stderr, done.stderr
