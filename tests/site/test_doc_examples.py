"""Documentation examples are code: every example of README.md, teachers.rst and
reuse.rst is built, so an example that fails as given fails the tests.

- A TOML example with a ``[clusters.KEY]`` table (a cluster entry) or a ``[steps.STEP]``
  table (a step) is added to a copy of the course's ``clusters.toml``, with the other
  examples of the same document (a step's ``note.KEY`` may name the document's example
  cluster), and the table must load: every fact, module set and module tree checked,
  every step rendered for every cluster. A key the course's table already uses is
  renamed in the document's examples, so the examples never clash with the course.
- Any other TOML example must be valid TOML.
- A page example (``rst``, ``md``) becomes a page of a small course over that table,
  which must build with ``-W --keep-going -n`` and pass consolecheck. A file an example
  includes is made, holding one paragraph.

Nothing here names a cluster or a step: examples and table are read as they are.
"""

from __future__ import annotations

import re
import shutil
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from hpccourse.table import TableError, load_table
from sitekit import sphinx_build

DOCS = ("README.md", "teachers.rst", "reuse.rst")
RST_BLOCK = re.compile(r"^(?P<indent> *)\.\. code-block:: (?P<lang>\w+)\s*$")
MD_FENCE = re.compile(r"^(?P<fence>`{3,})(?P<lang>\w+)\s*$")
PAGE_LANGUAGES = {"rst": ".rst", "md": ".md"}
INCLUDE = re.compile(r"^\s*\.\. include:: (\S+)", re.MULTILINE)


@dataclass(frozen=True)
class Example:
    doc: str
    line: int  # of the example's first line in the document
    language: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


def rst_examples(doc: str, text: str) -> list[Example]:
    lines = text.splitlines()
    found = []
    for number, line in enumerate(lines):
        match = RST_BLOCK.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        body: list[str] = []
        first = None
        for index in range(number + 1, len(lines)):
            candidate = lines[index]
            if candidate.strip() and len(candidate) - len(candidate.lstrip()) <= indent:
                break
            if candidate.strip() and first is None:
                if candidate.lstrip().startswith(":"):  # the directive's own option
                    continue
                first = index + 1
            if first is not None:
                body.append(candidate)
        if first is not None:
            code = textwrap.dedent("\n".join(body)).strip("\n") + "\n"
            found.append(Example(doc, first, match["lang"], code))
    return found


def md_examples(doc: str, text: str) -> list[Example]:
    lines = text.splitlines()
    found, number = [], 0
    while number < len(lines):
        match = MD_FENCE.match(lines[number])
        if match is None:
            number += 1
            continue
        end = next(i for i in range(number + 1, len(lines)) if lines[i].strip() == match["fence"])
        body = "\n".join(lines[number + 1 : end]).strip("\n") + "\n"
        found.append(Example(doc, number + 2, match["lang"], body))
        number = end + 1
    return found


def examples(site_dir: Path) -> list[Example]:
    found = []
    for doc in DOCS:
        text = (site_dir / doc).read_text(encoding="utf-8")
        found += (md_examples if doc.endswith(".md") else rst_examples)(doc, text)
    return found


def is_table_entry(example: Example) -> bool:
    """A cluster entry or a step: what a teacher adds to clusters.toml."""
    data = tomllib.loads(example.text)
    clusters = data.get("clusters", {})
    return bool(data.get("steps")) or any("label" in c for c in clusters.values())


def renamed(text: str, taken: set[str], keys: set[str], names: set[str]) -> str:
    """``text`` with each of ``keys`` the course already uses renamed, wherever it names
    the key (a table header, a dotted key, a quoted list item), and each of ``names`` (a
    cluster's label or machine name the course already uses: a reader's name for one
    cluster only) renamed where a ``label`` or ``cluster`` fact gives it."""
    for key in keys & taken:
        text = re.sub(rf'(?<=[\[."]){re.escape(key)}(?=[\].="])', f"{key}-docexample", text)
    for name in names:
        fact = rf'(?m)^(\s*(?:label|cluster)\s*=\s*"){re.escape(name)}(?=")'
        text = re.sub(fact, lambda m, name=name: f"{m[1]}{name} docexample", text)
    return text


READER_FACTS = ("label", "cluster")


def reader_names(clusters: dict[str, dict]) -> set[str]:
    """The names a reader picks these clusters by (key, label, machine name), case folded."""
    names = {key.casefold() for key in clusters}
    for cluster in clusters.values():
        names |= {str(cluster[f]).casefold() for f in READER_FACTS if f in cluster}
    return names


def merged_table(site_dir: Path, dest: Path, entries: list[Example]) -> Path:
    """The course's table with ``entries`` added, renamed where they clash."""
    course = tomllib.loads((site_dir / "clusters.toml").read_text(encoding="utf-8"))
    taken = set(course.get("clusters", {})) | set(course.get("steps", {}))
    used = reader_names(course.get("clusters", {}))
    keys: set[str] = set()
    names: set[str] = set()
    for entry in entries:
        data = tomllib.loads(entry.text)
        keys |= set(data.get("clusters", {})) | set(data.get("steps", {}))
        for cluster in data.get("clusters", {}).values():
            given = [str(cluster[f]) for f in READER_FACTS if f in cluster]
            names |= {name for name in given if name.casefold() in used}
    text = (site_dir / "clusters.toml").read_text(encoding="utf-8")
    for entry in entries:
        text += f"\n# {entry.where}\n" + renamed(entry.text, taken, keys, names)
    dest.write_text(text, encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def doc_examples(site_dir: Path) -> list[Example]:
    return examples(site_dir)


def test_the_documents_have_examples_of_every_kind(doc_examples: list[Example]) -> None:
    kinds = {(e.doc, e.language) for e in doc_examples}
    assert ("teachers.rst", "toml") in kinds and ("teachers.rst", "rst") in kinds
    assert ("teachers.rst", "md") in kinds
    assert any(is_table_entry(e) for e in doc_examples if e.language == "toml")


@pytest.mark.parametrize("doc", DOCS)
def test_every_cluster_and_step_example_loads_into_the_course_table(
    doc: str, doc_examples: list[Example], site_dir: Path, tmp_path: Path
) -> None:
    tomls = [e for e in doc_examples if e.doc == doc and e.language == "toml"]
    for example in tomls:
        try:
            tomllib.loads(example.text)
        except tomllib.TOMLDecodeError as error:
            pytest.fail(f"{example.where}: not TOML: {error}")
    entries = [e for e in tomls if is_table_entry(e)]
    table = merged_table(site_dir, tmp_path / "clusters.toml", entries)
    try:
        load_table(table)
    except TableError as error:
        where = ", ".join(e.where for e in entries)
        pytest.fail(f"the examples at {where}, added to clusters.toml, fail: {error}")


@pytest.fixture(scope="module")
def example_course(
    site_dir: Path, doc_examples: list[Example], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, Example]]:
    """A small course: the course's table with every document's entries, and one page
    per page example."""
    course = tmp_path_factory.mktemp("doc-examples") / "course"
    course.mkdir()
    entries = [e for e in doc_examples if e.language == "toml" and is_table_entry(e)]
    merged_table(site_dir, course / "clusters.toml", entries)
    if (site_dir / "standins.toml").exists():
        shutil.copy2(site_dir / "standins.toml", course)
    (course / "conf.py").write_text(
        'project = "Documentation examples"\n'
        'extensions = ["myst_parser", "hpccourse"]\n'
        'myst_enable_extensions = ["colon_fence"]\n'
        'exclude_patterns = ["_build", "parts"]\n',
        encoding="utf-8",
    )
    pages: dict[str, Example] = {}
    for number, example in enumerate(e for e in doc_examples if e.language in PAGE_LANGUAGES):
        name = f"example{number:02d}"
        pages[name] = example
        title = f"Example {number} ({example.where})"
        head = f"# {title}\n\n" if example.language == "md" else f"{title}\n{'=' * len(title)}\n\n"
        page = course / (name + PAGE_LANGUAGES[example.language])
        page.write_text(head + example.text, encoding="utf-8")
        for included in INCLUDE.findall(example.text):
            part = course / included
            part.parent.mkdir(parents=True, exist_ok=True)
            part.write_text("A paragraph of an included file.\n", encoding="utf-8")
    toctree = "\n".join(f"   {name}" for name in pages)
    (course / "index.rst").write_text(
        f"Examples\n========\n\n.. toctree::\n\n{toctree}\n", encoding="utf-8"
    )
    return course, pages


def located(warnings: str, pages: dict[str, Example]) -> str:
    """The warnings, each page named by the document line its example comes from."""
    for name, example in pages.items():
        warnings = warnings.replace(f"{name}.", f"[{example.where}] {name}.")
    return warnings


def test_every_page_example_builds_warning_free(
    example_course: tuple[Path, dict[str, Example]],
) -> None:
    course, pages = example_course
    assert pages
    status, warnings = sphinx_build(course, course / "_build/html", course / "_build/dt", "html")
    assert (status, warnings) == (0, ""), located(warnings, pages)
    for name in pages:
        assert (course / "_build" / "html" / f"{name}.html").exists()


def test_every_page_example_passes_consolecheck(
    example_course: tuple[Path, dict[str, Example]],
) -> None:
    course, pages = example_course
    status, warnings = sphinx_build(
        course, course / "_build/consolecheck", course / "_build/dt", "consolecheck"
    )
    assert (status, warnings) == (0, ""), located(warnings, pages)
