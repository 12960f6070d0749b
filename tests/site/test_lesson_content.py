"""The built lesson "Isolated environments": what it must hold, what must not come back.

The site is built once, as `make html` does (``-W --keep-going -n``), into a
temporary folder; the tests read the built pages. The errors checked for are
those of the lesson's original source (typos, an older workshop's folders,
mixed placeholders, ``pip install --user`` in a venv, old web addresses).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPHINX_BUILD = Path(sys.executable).with_name("sphinx-build")


class Page:
    """A built page: its HTML, its visible text and its code blocks' text."""

    def __init__(self, path: Path) -> None:
        self.html = path.read_text(encoding="utf-8")
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
def build(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("site")
    cmd = [
        str(SPHINX_BUILD),
        "-W",
        "--keep-going",
        "-n",
        "-q",
        "-b",
        "html",
        "-d",
        str(out / "doctrees"),
        str(ROOT),
        str(out / "html"),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    return result, out / "html"


@pytest.fixture(scope="module")
def lesson(build: tuple[subprocess.CompletedProcess[str], Path]) -> Page:
    return Page(build[1] / "isolated.html")


def test_site_builds_without_warnings(build: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    result, _ = build
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_no_page_loads_scripts_or_styles_from_another_host(
    build: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    pages = list(build[1].rglob("*.html"))
    assert pages
    loaded = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"")
    for page in pages:
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


def test_every_console_block_shows_a_prompt_on_its_first_line(lesson: Page) -> None:
    consoles = re.findall(
        r'<div class="highlight-console notranslate">.*?<pre>(.*?)</pre>', lesson.html, re.DOTALL
    )
    assert len(consoles) >= 30
    for block in consoles:
        first = block.removeprefix("<span></span>")  # Pygments' empty opening span
        assert re.match(r'<span class="gp[ "]', first), _visible(block)


def test_exercise_2_never_shows_another_environment_prompt(lesson: Page) -> None:
    section = _visible(
        lesson.between(
            "exercise-2-work-with-example-gpu", "exercise-3-export-and-import-a-virtual-environment"
        )
    )
    assert "(vpyenv)" not in section
    assert "(Example-gpu) $ pip install" in section


def test_workshop_facts_carry_over(lesson: Page) -> None:
    for fact in [
        "naiss2024-22-1202",
        "hpc2n2024-114",
        "/proj/r-py-jl-m-rackham",
        "/proj/nobackup/r-py-jl-m",
        "module load python/3.11.8",
        "module load python/3.9.5",
        "module load GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07 matplotlib/3.7.2",
        "60 minutes",
        "pip install --no-cache-dir --no-build-isolation spacy seaborn",
        "rm -Ir ~/.local/lib/python3.11",
    ]:
        assert fact in lesson.text, fact
    times = re.findall(
        r"<td><p>(\d)</p></td>\s*<td><p><code[^>]*><span class=\"pre\">"
        r"([\w-]+)</span></code></p></td>\s*<td><p>(\d+)</p></td>",
        lesson.html,
    )
    assert times == [("1", "vpyenv", "1"), ("2", "Example-gpu", "6"), ("3", "analysis", "1")]


def test_requirements_file_is_shown_once_in_its_here_document(lesson: Page) -> None:
    heredocs = [b for b in lesson.blocks if "cat > requirements.txt <<'EOF'" in b]
    assert heredocs
    for block in heredocs:
        body = block.split("<<'EOF'\n", 1)[1].split("\nEOF", 1)[0]
        assert body.split() == ["numpy==1.26.4", "matplotlib==3.8.4", "pandas==2.2.2"]
    # The data table is the one place the file's content is written.
    assert not any(b.startswith("numpy==") for b in lesson.blocks)


def test_links_point_at_current_documentation(lesson: Page) -> None:
    assert 'href="https://docs.uppmax.uu.se/software/text_editors/"' in lesson.html
    assert 'href="https://docs.uppmax.uu.se/' in lesson.html
    assert 'href="https://docs.hpc2n.umu.se/' in lesson.html


def test_lesson_uses_the_lesson_admonitions(lesson: Page) -> None:
    for kind in ("objectives", "instructor-note", "keypoints"):
        assert re.search(
            rf'<div class="[^"]*\b{kind}\b[^"]*admonition|admonition[^"]*\b{kind}\b', lesson.html
        ), kind


def test_every_diagram_is_inline_svg_and_no_diagram_script_loads(lesson: Page) -> None:
    source = (ROOT / "isolated.rst").read_text(encoding="utf-8")
    directives = source.count(".. mermaid:: ")
    assert directives > 0
    assert lesson.html.count('<figure class="diagram ') == directives
    assert lesson.html.count('role="img"') >= directives
    assert "mermaid.min.js" not in lesson.html and "flowchart TD" not in lesson.html


@pytest.mark.parametrize("name", ["isolated", "isolated_workflow", "isolated_workflow_vpyenv"])
def test_diagram_labels_never_start_like_a_markdown_list(name: str) -> None:
    source = (ROOT / "diagrams" / f"{name}.mmd").read_text(encoding="utf-8")
    assert source.startswith("flowchart TD")
    labels = re.findall(r"\[\"?([^\]\"]*)\"?\]", source)
    assert labels
    for label in labels:
        assert not re.match(r"\d+\.\s", label), label
