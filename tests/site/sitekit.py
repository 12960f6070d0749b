"""A course site built once for the site tests: its pages (from the toctree), its data
table, its doctrees, and what its checking builders report.

Nothing here names a cluster or a page: the tests read them from the project they are
given (the ``site_dir`` fixture, by default this repository; ``--site-dir`` picks
another, e.g. a copy with one more cluster and page, as tests/site/test_follows_the_data.py
does).
"""

from __future__ import annotations

import fcntl
import json
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from docutils import nodes
from hpccourse.table import Table, load_table, table_path

# What `make html` reads of a project folder; the rest is never copied.
NOT_SOURCES = {
    ".venv",
    "_build",
    ".git",
    "tests",
    "node_modules",
    "benchmarks",
    ".pytest_cache",
    "test-results",
}
# As the Makefile builds: warnings are errors, every one reported, every reference checked.
SPHINXOPTS = ("-W", "--keep-going", "-n")


def copy_site(source: Path, dest: Path) -> Path:
    """The project's sources (not its venv, builds or tests) copied to ``dest``."""
    shutil.copytree(
        source,
        dest,
        ignore=lambda folder, names: [
            n for n in names if Path(folder) == source and n in NOT_SOURCES
        ],
    )
    return dest


def once_per_run(
    request: pytest.FixtureRequest, name: str, make: Callable[[Path], dict[str, Any]]
) -> dict[str, Any]:
    """``make(folder)``, run once per test run and shared: under pytest-xdist every worker
    asks, the first makes it (holding a lock), the others wait for it and read its result.

    ``make`` fills ``folder`` and returns a JSON-able result. Without xdist the folder is
    ``tmp_path_factory.mktemp(NAME)``; under xdist it is ``NAME`` in the workers' common
    parent, the run's own temporary folder, so no run sees another's."""
    factory = request.getfixturevalue("tmp_path_factory")
    if not hasattr(request.config, "workerinput"):  # one process: nothing to share
        return make(factory.mktemp(name))
    root = factory.getbasetemp().parent
    folder, result = root / name, root / f"{name}.json"
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not result.exists():
            folder.mkdir(exist_ok=True)
            result.write_text(json.dumps(make(folder)), encoding="utf-8")
    return json.loads(result.read_text(encoding="utf-8"))


def sphinx_build(srcdir: Path, outdir: Path, doctrees: Path, builder: str) -> tuple[int, str]:
    """``sphinx-build -b BUILDER`` as the Makefile runs it: (exit status, warnings)."""
    command = [sys.executable, "-m", "sphinx", "-b", builder, "-q", *SPHINXOPTS]
    done = subprocess.run(
        [*command, "-d", str(doctrees), str(srcdir), str(outdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, re.sub(r"\x1b\[[0-9;]*m", "", done.stderr)


@dataclass
class BuiltSite:
    """The html build of the project at ``srcdir``; its pages in toctree order."""

    srcdir: Path
    out: Path
    status: int
    warnings: str
    _doctrees: dict[str, nodes.document] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, srcdir: Path, out: Path) -> BuiltSite:
        status, warnings = sphinx_build(srcdir, out / "html", out / "doctrees", "html")
        return cls(srcdir, out, status, warnings)

    @classmethod
    def shared(cls, request: pytest.FixtureRequest, srcdir: Path, out: Path | None) -> BuiltSite:
        """The build, made once for the whole run (every xdist worker reads the same one).

        ``out``: a folder ``make html`` has just built into (``make test``), brought up to
        date there (nothing left to read) instead of a fresh build elsewhere."""

        def make(folder: Path) -> dict[str, Any]:
            where = out or folder
            status, warnings = sphinx_build(srcdir, where / "html", where / "doctrees", "html")
            return {"out": str(where), "status": status, "warnings": warnings}

        done = once_per_run(request, "site", make)
        return cls(srcdir, Path(done["out"]), done["status"], done["warnings"])

    @property
    def html(self) -> Path:
        return self.out / "html"

    @property
    def doctree_dir(self) -> Path:
        return self.out / "doctrees"

    @cached_property
    def env(self) -> Any:
        """The build environment Sphinx saved (its config, documents and toctrees)."""
        with (self.doctree_dir / "environment.pickle").open("rb") as file:
            return pickle.load(file)

    @cached_property
    def table(self) -> Table:
        """The project's data table, where its ``conf.py`` says it is."""
        return load_table(self.table_path)

    @property
    def table_path(self) -> Path:
        return Path(table_path(self.srcdir, self.env.config))

    @cached_property
    def pages(self) -> list[str]:
        """Every page reachable from the root document's toctrees, in reading order."""
        order: list[str] = []

        def visit(docname: str) -> None:
            if docname not in order:
                order.append(docname)
                for child in self.env.toctree_includes.get(docname, []):
                    visit(child)

        visit(self.env.config.root_doc)
        return order

    def source(self, docname: str) -> Path:
        return self.srcdir / self.env.doc2path(docname, False)

    def doctree(self, docname: str) -> nodes.document:
        if docname not in self._doctrees:
            with (self.doctree_dir / f"{docname}.doctree").open("rb") as file:
                self._doctrees[docname] = pickle.load(file)
        return self._doctrees[docname]

    def page_html(self, docname: str) -> str:
        return (self.html / f"{docname}.html").read_text(encoding="utf-8")

    def generated(self, docname: str | None = None) -> list[nodes.literal_block]:
        """The literal blocks the table's directives made, on one page or every page."""
        pages = self.pages if docname is None else [docname]
        return [
            block
            for page in pages
            for block in self.doctree(page).findall(nodes.literal_block)
            if "hpc_step" in block
        ]

    def tabbed_pages(self) -> list[str]:
        """The pages with generated tab sets, the one with the most first."""
        counts = {page: len(list(tab_sets(self.doctree(page)))) for page in self.pages}
        return sorted((p for p in self.pages if counts[p]), key=lambda p: -counts[p])

    def uses(self, docname: str, directive: str) -> list[str]:
        """The argument of each ``.. DIRECTIVE::`` of the page's source, in order (not
        those shown as examples inside a literal block)."""
        lines = self.source(docname).read_text(encoding="utf-8").splitlines()
        return [match.group(1) for match in directive_lines(lines, directive)]

    def recorded_uses(self, docname: str) -> set[tuple[str, ...]]:
        """What the page used of the table, as the extension recorded it in the build
        environment: ``("commands", STEP, VENV)``, ``("facts", KIND)``."""
        return set(getattr(self.env, "hpccourse_uses", {}).get(docname, {}))


# A literal block follows a code-like directive, or a paragraph line ending in "::".
_LITERAL_START = re.compile(
    r"^\s*(\.\. (code-block|code|sourcecode|prompt)::.*|(?!\.\. )\S.*::)\s*$"
)


def directive_lines(lines: list[str], directive: str) -> Iterator[re.Match[str]]:
    """The lines that are ``.. DIRECTIVE:: ARG`` (or, on a MyST page, a fence
    ```` ```{DIRECTIVE} ARG ```` or ``:::{DIRECTIVE} ARG``), skipping the bodies of literal
    blocks (after a line ending in ``::`` or a code-block, indented deeper than it)."""
    name = re.escape(directive)
    pattern = re.compile(rf"^\s*(?:\.\. {name}::|(?:```+|:::+)\{{{name}\}})[ \t]*(\S*)")
    literal_indent: int | None = None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None and (not line.strip() or indent > literal_indent):
            continue
        literal_indent = None
        match = pattern.match(line)
        if match:
            yield match
        elif _LITERAL_START.match(line):
            literal_indent = indent


@dataclass
class CheckRun:
    """One run of a checking builder (consolecheck, lessonrun) over the project."""

    status: int
    warnings: str
    report: dict[str, Any]
    output: str

    @classmethod
    def run(cls, site: BuiltSite, builder: str, out: Path) -> CheckRun:
        """Run ``builder`` over ``site``'s sources, reusing its doctrees as the Makefile does."""
        status, warnings = sphinx_build(site.srcdir, out, site.doctree_dir, builder)
        report_file, output_file = out / "report.json", out / "output.txt"
        report = json.loads(report_file.read_text(encoding="utf-8")) if report_file.exists() else {}
        output = output_file.read_text(encoding="utf-8") if output_file.exists() else ""
        return cls(status, warnings, report, output)

    @classmethod
    def shared(cls, request: pytest.FixtureRequest, site: BuiltSite, builder: str) -> CheckRun:
        """The run, made once for the whole test run (every xdist worker reads it)."""

        def make(folder: Path) -> dict[str, Any]:
            return vars(cls.run(site, builder, folder))

        done = once_per_run(request, builder, make)
        return cls(**done)


def step_uses(doctree: nodes.document) -> Iterator[nodes.container]:
    """What each ``cluster-commands`` of the page made, in order: its tab set, or the one
    block of a step the same on every cluster (``hpccourse-same-everywhere``)."""
    for container in doctree.findall(nodes.container):
        if "hpccourse-same-everywhere" in container["classes"] or (
            "sphinx-tabs" in container["classes"]
            and any("hpc_step" in block for block in container.findall(nodes.literal_block))
        ):
            yield container


def tab_sets(doctree: nodes.document) -> Iterator[nodes.container]:
    """The page's tab sets that hold blocks the table's directives made."""
    for container in doctree.findall(nodes.container):
        if "sphinx-tabs" in container["classes"] and any(
            "hpc_step" in block for block in container.findall(nodes.literal_block)
        ):
            yield container
