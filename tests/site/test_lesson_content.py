"""The lesson "Isolated environments" (isolated.rst): what it must hold, what must not
come back.

Content facts about this lesson's text: the errors of its original source (typos, an
older workshop's folders, mixed placeholders, ``pip install --user`` in a venv, old web
addresses) stay out, and its exercises keep their headings. The facts that come from the
data table are checked for every cluster of the table, so a correct new cluster or page
keeps these green. The pages are those of the shared html build (conftest.py: ``site``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from sitekit import BuiltSite

LESSON = "isolated"  # the lesson these content facts are about


class Page:
    """A built page: its HTML, its visible text and its code blocks' text."""

    def __init__(self, page_html: str) -> None:
        self.html = page_html
        main = self.html.split('<div itemprop="articleBody">', 1)[-1]
        self.text = _visible(main)
        self.blocks = [_visible(b) for b in re.findall(r"<pre>(.*?)</pre>", main, re.DOTALL)]

    def between(self, section_id: str, next_id: str) -> str:
        """The HTML from one section's start to another's (subsections included)."""
        start = self.html.index(f'<section id="{section_id}">')
        return self.html[start : self.html.index(f'<section id="{next_id}">')]


def _visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.fixture(scope="module")
def lesson(site: BuiltSite) -> Page:
    assert LESSON in site.pages, f"{LESSON} is not in the toctree"
    return Page(site.page_html(LESSON))


def test_no_page_loads_scripts_or_styles_from_another_host(site: BuiltSite) -> None:
    built = list(site.html.rglob("*.html"))
    assert {f"{docname}.html" for docname in site.pages} <= {p.name for p in built}
    loaded = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"")
    for page in built:
        for url in loaded.findall(page.read_text(encoding="utf-8")):
            assert not re.match(r"([a-z]+:)?//", url), f"{page.name} loads {url}"


@pytest.mark.parametrize(
    "typo",
    [
        "deactive",
        "deactived",
        "exists?",
        "This exercise if for",
        "considerate time",
        "coursePython",
        "UPPAX",
    ],
)
def test_source_typos_do_not_come_back(lesson: Page, typo: str) -> None:
    assert not re.search(rf"(?<!\w){re.escape(typo)}(?!\w)", lesson.text)


@pytest.mark.parametrize(
    "stale",
    [
        "/proj/r-py-jl/",
        "hpc2n2024-025",
        "<user>",
        "bbrydsoe",
        "www.uppmax.uu.se",
        "www.hpc2n.umu.se",
    ],
)
def test_old_folders_placeholders_and_addresses_do_not_come_back(lesson: Page, stale: str) -> None:
    assert stale not in lesson.text
    assert stale not in html.unescape(lesson.html)


def test_no_pip_install_or_list_with_user_in_any_block(lesson: Page) -> None:
    # On every page, consolecheck's CC202 reports it in an active environment.
    for block in lesson.blocks:
        for line in block.splitlines():
            assert not re.search(r"\bpip (install|list)\b.*--user", line), line


def test_own_packages_are_listed_with_local(lesson: Page) -> None:
    assert any("$ pip list --local" in block for block in lesson.blocks)


@pytest.mark.parametrize(
    ("number", "title"),
    [
        (0, "remove the Python packages installed in the home folder"),
        (1, "work with vpyenv"),
        (2, "work with Example-gpu"),
        (3, "export and import a virtual environment"),
    ],
)
def test_each_exercise_has_its_heading(lesson: Page, number: int, title: str) -> None:
    headings = [_visible(h) for h in re.findall(r"<h2>(.*?)<a class=\"headerlink\"", lesson.html)]
    assert f"Exercise {number}: {title}" in headings


@pytest.mark.parametrize("exercise", [1, 2, 3])
def test_each_exercise_has_its_seven_steps(lesson: Page, exercise: int) -> None:
    headings = [_visible(h) for h in re.findall(r"<h3>(.*?)<a class=\"headerlink\"", lesson.html)]
    steps = [h for h in headings if h.startswith(f"Exercise {exercise}.")]
    assert [s.split(":")[0] for s in steps] == [f"Exercise {exercise}.{i}" for i in range(1, 8)]


def test_every_console_block_of_every_page_shows_a_prompt_on_its_first_line(
    site: BuiltSite, lesson: Page
) -> None:
    for docname in site.pages:
        page = lesson if docname == LESSON else Page(site.page_html(docname))
        consoles = re.findall(
            r'<div class="highlight-console notranslate">.*?<pre>(.*?)</pre>', page.html, re.DOTALL
        )
        if docname == LESSON:
            assert len(consoles) >= 30
        for block in consoles:
            first = block.removeprefix("<span></span>")  # Pygments' empty opening span
            assert re.match(r'<span class="gp[ "]', first), (docname, _visible(block))


def test_exercise_2_never_shows_another_environment_prompt(lesson: Page) -> None:
    section = _visible(
        lesson.between(
            "exercise-2-work-with-example-gpu", "exercise-3-export-and-import-a-virtual-environment"
        )
    )
    assert "(vpyenv)" not in section
    assert "(Example-gpu) $ pip install" in section


def test_workshop_facts_carry_over(lesson: Page) -> None:
    for fact in ["60 minutes", "rm -Ir ~/.local/lib/python3.11"]:
        assert fact in lesson.text, fact
    times = re.findall(
        r"<td><p>(\d)</p></td>\s*<td><p><code[^>]*><span class=\"pre\">"
        r"([\w-]+)</span></code></p></td>\s*<td><p>(\d+)</p></td>",
        lesson.html,
    )
    assert times == [("1", "vpyenv", "1"), ("2", "Example-gpu", "6"), ("3", "analysis", "1")]


def test_every_clusters_facts_and_commands_come_from_the_table(
    site: BuiltSite, lesson: Page
) -> None:
    """Error 1 of the source: facts that disagree. Each cluster's allocation and storage,
    and every command the lesson shows for it, are the table's."""
    table = site.table
    for cluster in table.clusters:
        assert cluster.allocation in lesson.text, cluster.key
        assert table.fact(cluster, "storage_root") in lesson.text, cluster.key
    uses = [use for use in site.recorded_uses(LESSON) if use[0] == "commands"]
    assert uses
    for _, step, venv in sorted(uses):
        for cluster in table.clusters:
            if not table.steps[step].applies_to(cluster.key):
                continue
            rendered = table.render(step, cluster.key, {"venv": venv} if venv else {})
            for command in rendered.commands:
                shown = rendered.prompt + command.splitlines()[0]
                assert shown in lesson.text, (step, cluster.key, shown)


def test_requirements_file_is_shown_once_in_its_here_document(lesson: Page) -> None:
    heredocs = [b for b in lesson.blocks if "cat > requirements.txt <<'EOF'" in b]
    assert heredocs
    for block in heredocs:
        body = block.split("<<'EOF'\n", 1)[1].split("\nEOF", 1)[0]
        assert body.split() == ["numpy==1.26.4", "matplotlib==3.8.4", "pandas==2.2.2"]
    # The data table is the one place the file's content is written.
    assert not any(b.startswith("numpy==") for b in lesson.blocks)


def test_links_point_at_current_documentation(site: BuiltSite, lesson: Page) -> None:
    assert 'href="https://docs.uppmax.uu.se/software/text_editors/"' in lesson.html
    for cluster in site.table.clusters:
        assert f'href="{html.escape(cluster.docs_url)}"' in lesson.html, cluster.key


def test_lesson_uses_the_lesson_admonitions(lesson: Page) -> None:
    for kind in ("objectives", "instructor-note", "keypoints"):
        assert re.search(
            rf'<div class="[^"]*\b{kind}\b[^"]*admonition|admonition[^"]*\b{kind}\b', lesson.html
        ), kind


def test_every_diagram_is_inline_svg_and_no_diagram_script_loads(
    site: BuiltSite, lesson: Page
) -> None:
    directives = len(site.uses(LESSON, "mermaid"))
    assert directives > 0
    assert lesson.html.count('<figure class="diagram ') == directives
    assert lesson.html.count('role="img"') >= directives
    assert "mermaid.min.js" not in lesson.html and "flowchart TD" not in lesson.html
    # Search finds the page by its words, never by a diagram's source.
    index = (site.html / "searchindex.js").read_text(encoding="utf-8")
    assert "flowchart" not in index and "-->" not in index


def test_diagram_labels_never_start_like_a_markdown_list(site_dir: Path) -> None:
    diagrams = sorted((site_dir / "diagrams").glob("*.mmd"))
    assert diagrams
    for diagram in diagrams:
        assert_labels_are_no_markdown_lists(diagram.read_text(encoding="utf-8"))


def assert_labels_are_no_markdown_lists(source: str) -> None:
    assert source.startswith("flowchart TD")
    labels = re.findall(r"\[\"?([^\]\"]*)\"?\]", source)
    assert labels
    for label in labels:
        assert not re.match(r"\d+\.\s", label), label
