"""The extension on MyST Markdown pages, and on pages that mix both formats.

Testroot ``test-myst-commands``: the same lesson written in RST (``rst.rst``) and in
MyST (``md.md``), a MyST page including an RST file through ``{eval-rst}``
(``mixed-md.md``) and an RST page including a Markdown file (``mixed-rst.rst``).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docutils import nodes
from hpccourse.directives.fences import is_fence_opening
from hpccourse.doctree.collect import collect_blocks
from hpccourse.table import load_table

#: The lesson's body, which must be the same HTML from either format.
SECTION = re.compile(r'<section id="a-lesson">.*</section>', re.S)

#: Per page: (file, line, first line of text) of every console block, in page order.
BLOCKS = {
    "rst": [
        ("rst.rst", 10, "$ module load python/3.11.8"),
        ("rst.rst", 10, "$ module load GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07 ..."),
        ("rst.rst", 12, "(vpyenv) $ pip install spacy seaborn"),
        ("rst.rst", 12, "(vpyenv) $ pip install --no-cache-dir --no-build-isolation ..."),
        ("rst.rst", 16, "(analysis) $ cat > requirements.txt <<'EOF'"),
        ("rst.rst", 16, "(analysis) $ cat > requirements.txt <<'EOF'"),
        ("rst.rst", 19, "$ module load python/3.9.5"),
        ("rst.rst", 21, "$ python -m venv --system-site-packages ..."),
        ("rst.rst", 21, "$ python -m venv --system-site-packages ..."),
        ("rst.rst", 28, "$ echo done"),  # a code-block in a lesson box
    ],
    "md": [
        ("md.md", 10, "$ module load python/3.11.8"),
        ("md.md", 10, "$ module load GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07 ..."),
        ("md.md", 13, "(vpyenv) $ pip install spacy seaborn"),
        ("md.md", 13, "(vpyenv) $ pip install --no-cache-dir --no-build-isolation ..."),
        ("md.md", 18, "(analysis) $ cat > requirements.txt <<'EOF'"),  # :::{cluster-commands}
        ("md.md", 18, "(analysis) $ cat > requirements.txt <<'EOF'"),
        ("md.md", 22, "$ module load python/3.9.5"),
        ("md.md", 25, "$ python -m venv --system-site-packages ..."),
        ("md.md", 25, "$ python -m venv --system-site-packages ..."),
        ("md.md", 31, "$ echo done"),  # a fence in a ::::{keypoints}
    ],
    "mixed-md": [
        ("mixed-md.md", 4, "$ echo before"),
        ("parts/part.rst", 4, "$ module load python/3.11.8"),  # the included RST file's lines
        ("parts/part.rst", 4, "$ module load GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07 ..."),
        ("parts/part.rst", 8, "$ echo from rst"),
        ("mixed-md.md", 12, "$ echo after"),
    ],
    "mixed-rst": [
        ("mixed-rst.rst", 6, "$ echo before"),
        ("parts/part.md", 3, "$ module load python/3.11.8"),  # the included Markdown's lines
        ("parts/part.md", 3, "$ module load GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07 ..."),
        ("parts/part.md", 7, "$ echo from markdown"),
        ("mixed-rst.rst", 13, "$ echo after"),
    ],
    # sphinx-tabs' directives hand myst-parser their content less the title's line
    "tabs-md": [
        ("tabs-md.md", 9, "$ echo first"),
        ("tabs-md.md", 18, "$ echo second"),
        ("tabs-md.md", 26, "$ echo third"),
    ],
}


def copy_root(rootdir: Path, tmp_path: Path) -> Path:
    """A private copy of the testroot (each build reads its own)."""
    target = tmp_path / "src"
    shutil.copytree(rootdir / "test-myst-commands", target)
    return target


def shortened(text: str) -> str:
    """The block's first line, cut after 60 characters at a word."""
    first = text.splitlines()[0]
    if len(first) <= 63:
        return first
    return first[: first.rindex(" ", 0, 60)] + " ..."


def blocks(app, docname: str) -> list[tuple[str, int, str]]:
    table = load_table(Path(app.srcdir) / "clusters.toml")

    def lookup(label: str) -> str | None:
        cluster = table.cluster_for_label(label)
        return cluster.key if cluster else None

    found = collect_blocks(
        app.env.get_doctree(docname), docname, app.srcdir, cluster_for_label=lookup
    )
    return [(b.source, b.line, shortened(b.text)) for b in found]


@pytest.mark.sphinx("html", testroot="myst-commands", srcdir="myst-commands-html")
def test_the_same_lesson_in_rst_and_in_myst_gives_the_same_html(app):
    app.build()
    assert app.warning.getvalue() == ""
    rst = SECTION.search((app.outdir / "rst.html").read_text(encoding="utf-8")).group(0)
    md = SECTION.search((app.outdir / "md.html").read_text(encoding="utf-8")).group(0)
    assert md == rst
    # Five steps on two clusters, the task's tab too; one step is the same on both, shown once.
    assert rst.count('class="sphinx-tabs-panel') == 2 * 4 + 1
    assert rst.count('class="hpccourse-same-everywhere') == 1
    # The task is parsed in the page's markup: **bold** and `code` in Markdown.
    task = re.search(r'<div [^>]*data-tab="Task"[^>]*>(.*?)</div>', md, re.S)
    assert "<strong>three</strong>" in task.group(1)
    assert '<span class="pre">requirements.txt</span>' in task.group(1)


#: A reader registering ``.md`` as myst-nb does (and sphinx-lesson, which sets myst-nb up):
#: myst-parser's parser under the file type ``myst-nb``.
NB_LIKE = """from myst_parser.parsers.sphinx_ import MystParser
from myst_parser.sphinx_ext.main import setup_sphinx


class NotebookMarkdownParser(MystParser):
    supported = ("myst-nb",)


def setup(app):
    setup_sphinx(app, load_parser=False)  # as myst-nb does: myst-parser's settings only
    app.add_source_suffix(".md", "myst-nb", override=True)
    app.add_source_parser(NotebookMarkdownParser, override=True)
    return {"parallel_read_safe": True}
"""


def registered_as(srcdir: Path, kind: str) -> Path:
    """The testroot copy with ``.md`` registered as ``kind`` (``markdown``: myst-parser's
    own; ``myst-nb``: as myst-nb and sphinx-lesson register it). ``conf.py`` names its
    own ``source_suffix``: Sphinx's default is one dict that an earlier app in the same
    process has filled with its ``.md``."""
    conf = srcdir / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8") + '\nsource_suffix = {".rst": "restructuredtext"}\n'
    )
    if kind == "myst-nb":
        (srcdir / "nb_like.py").write_text(NB_LIKE, encoding="utf-8")
        text = conf.read_text(encoding="utf-8").replace('"myst_parser"', '"nb_like"')
        conf.write_text(f"import sys\nsys.path.insert(0, {str(srcdir)!r})\n{text}")
    return srcdir


@pytest.mark.parametrize("kind", ["markdown", "myst-nb"])
@pytest.mark.parametrize("page", ["md", "mixed-md", "mixed-rst", "tabs-md"])
def test_markdown_lines_are_exact_whoever_registers_md(
    make_app, rootdir: Path, tmp_path: Path, kind: str, page: str
) -> None:
    app = make_app("consolecheck", srcdir=registered_as(copy_root(rootdir, tmp_path), kind))
    assert app.config.source_suffix[".md"] == kind
    app.build()
    assert blocks(app, page) == BLOCKS[page]


@pytest.mark.parametrize("builder", ["html", "text", "consolecheck"])
@pytest.mark.parametrize("page", sorted(BLOCKS))
def test_blocks_are_found_at_their_line_in_their_own_file(
    make_app, rootdir: Path, tmp_path: Path, builder: str, page: str
) -> None:
    app = make_app(builder, srcdir=copy_root(rootdir, tmp_path))
    app.build()
    assert blocks(app, page) == BLOCKS[page]


@pytest.mark.sphinx("consolecheck", testroot="myst-commands", srcdir="myst-commands-check")
def test_consolecheck_passes_every_block_of_both_formats(app):
    app.build()
    assert app.warning.getvalue() == ""
    text = (app.outdir / "output.txt").read_text(encoding="utf-8")
    total = sum(len(found) for found in BLOCKS.values())
    assert f"{total:5} blocks checked" in text
    assert f"{total:5} passed" in text


def test_fence_openings_are_told_from_directive_fences() -> None:
    for line in ["```console", "```", "~~~~ sh", "   ```console", "> ```console", "````"]:
        assert is_fence_opening(line), line
    directives = ["```{code-block} console", "````{group-tab} A", "~~~~ {note}", ":::{note}"]
    for line in [*directives, "``inline``", "$ ```", "text"]:
        assert not is_fence_opening(line), line


def test_every_markdown_block_of_the_mixed_pages_is_a_literal_of_its_file(
    make_app, rootdir: Path, tmp_path: Path
) -> None:
    """A fence's recorded line is the line after its opening fence, in the file it is in."""
    app = make_app("html", srcdir=copy_root(rootdir, tmp_path))
    app.build()
    for docname in ("md", "mixed-md", "mixed-rst", "tabs-md"):
        for node in app.env.get_doctree(docname).findall(nodes.literal_block):
            if "hpc_cluster" in node or not str(node.source).endswith(".md"):
                continue
            lines = Path(node.source).read_text(encoding="utf-8").splitlines()
            first = node.astext().splitlines()[0]
            assert lines[node["hpc_content_line"] - 1] == first, (docname, first)
            assert is_fence_opening(lines[node["hpc_content_line"] - 2])


def test_a_broken_table_is_one_located_warning_naming_the_markdown_pages_too(
    rootdir: Path, tmp_path: Path
) -> None:
    """A table error on a site with MyST pages: once, at the table's line, counting the
    Markdown pages that use it as it counts the RST ones; no traceback, every page built."""
    from sphinx.cmd.build import build_main

    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-myst-commands", srcdir)
    table = srcdir / "clusters.toml"
    text = table.read_text(encoding="utf-8")
    broken = text.replace("[steps.", "[steps.\n", 1)  # a section header cut in two
    table.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("[steps.") + 1
    warnings = tmp_path / "warnings.txt"
    status = build_main(
        ["-b", "html", "-q", "-w", str(warnings), str(srcdir), str(tmp_path / "out")]
    )
    text = warnings.read_text(encoding="utf-8")
    table_warnings = [w for w in text.splitlines() if "WARNING" in w]
    assert len(table_warnings) == 1, text
    (warning,) = table_warnings
    assert warning.startswith(f"{table}:{line}: WARNING: malformed TOML"), warning
    assert re.search(r"\(\d+ pages affected: [^)]*\bmd\b", warning), warning
    assert "Traceback" not in text
    assert status == 0  # a warning, not an error: every page is still written
    assert (tmp_path / "out" / "md.html").is_file()
