"""The built course site as a reader meets it (issue 13), checked in its HTML: the
placeholder note, Exercise 2's one UPPMAX-only notice, the pip flags explained, the
self-study storage, each page's provenance line and skip link, the chooser, and the
learners' Next/Previous. Data-driven: the table and the toctree, no counts."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hpccourse.table import load_table

ROOT = Path(__file__).resolve().parents[2]
TABLE = load_table(ROOT / "clusters.toml")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    cmd = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-n", "-q", "-b", "html"]
    cmd += ["-d", str(out / "doctrees"), str(ROOT), str(out / "html")]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    return out / "html"


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def lesson(site: Path) -> str:
    return (site / "isolated.html").read_text(encoding="utf-8")


def test_the_placeholder_note_gives_the_example_user_name_not_a_command(site: Path) -> None:
    notes = re.findall(r'<p class="hpccourse-placeholder-note">(.*?)</p>', lesson(site), re.S)
    assert notes
    examples = {c.example_user for c in TABLE.clusters}
    for note in map(text_of, notes):
        match = re.fullmatch(r"where (\S+) is your (\w+ )?user name, for example (\S+) ?\.", note)
        assert match, note
        assert match.group(3) in examples, note


def test_exercise_2_says_once_that_it_is_for_uppmax_only(site: Path) -> None:
    page = lesson(site)
    start = page.index('<section id="exercise-2-work-with-example-gpu">')
    end = page.index('<section id="exercise-3-export-and-import-a-virtual-environment">')
    section = text_of(page[start:end])
    assert section.count("UPPMAX users only") == 1
    assert "skip to Exercise 3" in section


def test_every_pip_flag_of_a_cluster_is_explained_in_the_prose(site: Path) -> None:
    prose = " ".join(text_of(p) for p in re.findall(r"<p>(.*?)</p>", lesson(site), re.S))
    flags = {f for c in TABLE.clusters for f in c.facts.get("pip_flags", "").split()}
    assert flags
    for flag in flags:
        assert re.search(rf"{re.escape(flag)} (keeps|makes)", prose), flag


def test_exercise_0_says_that_rm_may_find_no_folder(site: Path) -> None:
    page = lesson(site)
    start = page.index('<section id="exercise-0-')
    section = text_of(page[start : page.index('<section id="exercise-1-')])
    assert "rm -Ir" in section and "No such file or directory" in section


def test_self_study_readers_are_told_their_storage_before_the_first_section(site: Path) -> None:
    page = lesson(site)
    top = text_of(page[: page.index('<section id="introduction">')])
    assert "outside the workshop" in top
    for cluster in TABLE.clusters:
        assert cluster.facts["own_storage"] in top, cluster.key


def _pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def test_every_page_has_a_skip_link_first_and_its_provenance_line(site: Path) -> None:
    git = shutil.which("git")
    version = ""
    if git:
        run = subprocess.run(
            [git, "describe", "--tags", "--always", "--dirty"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        version = run.stdout.strip() if run.returncode == 0 else ""
    for path in _pages(site):
        page = path.read_text(encoding="utf-8")
        body = page.split("<body", 1)[1]
        first_link = re.search(r"<a\b[^>]*>", body).group(0)
        assert 'class="hpccourse-skip-link" href="#main-content"' in first_link, path.name
        assert 'id="main-content"' in page, path.name
        if path.name in ("search.html", "genindex.html"):
            continue
        info = re.search(r'<div class="hpccourse-pageinfo">(.*?)</div>', page, re.S)
        assert info, path.name
        assert "Built on 20" in info.group(1) and "CC BY 4.0" in info.group(1)
        if version:  # the tree may change between the build and now: the commit matches
            shown = re.search(r'class="hpccourse-version">([^<]+)<', info.group(1)).group(1)
            assert shown.removesuffix("-dirty") == version.removesuffix("-dirty"), path.name


def test_the_chooser_follows_the_title_on_pages_with_cluster_tabs(site: Path) -> None:
    page = lesson(site)
    title_end = page.index("</h1>")
    chooser = page.index('<form class="hpccourse-chooser"')
    assert title_end < chooser < page.index('class="sphinx-tabs')
    keys = re.findall(r'<option value="([^"]+)">', page[chooser : page.index("</form>", chooser)])
    assert keys == list(TABLE.cluster_keys)


def _audiences() -> dict[str, str]:
    """Page name -> audience, from each source's ``:audience:`` field."""
    found = {}
    for source in ROOT.glob("*.rst"):
        head = source.read_text(encoding="utf-8")[:200]
        match = re.match(r":audience:\s*(\w+)", head)
        found[source.stem] = match.group(1) if match else "learners"
    return found


def test_next_and_previous_stay_within_the_learners_pages(site: Path) -> None:
    audiences = _audiences()
    assert "teachers" in audiences.values()
    crossing = []
    for name, audience in audiences.items():
        page = (site / f"{name}.html").read_text(encoding="utf-8")
        targets = re.findall(r'<link rel="(?:next|prev)" title="[^"]*" href="([^"]+)\.html"', page)
        targets += re.findall(r'href="([^"]+)\.html" class="btn btn-neutral[^"]*"', page)
        crossing += [(name, t) for t in targets if audiences.get(t, audience) != audience]
    assert not crossing, crossing
