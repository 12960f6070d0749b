"""consolecheck over a cached build loads no doctree: the blocks were collected while each
page was read (builders/blockcache.py). Same report as a fresh run; a changed setting or
table falls back to the doctrees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sphinx.testing.util import SphinxTestApp

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def build(srcdir: Path, builder: str, **kwargs: Any) -> SphinxTestApp:
    app = SphinxTestApp(builder, srcdir=srcdir, **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app


def blocks(app: SphinxTestApp) -> list[dict[str, Any]]:
    return json.loads((Path(app.outdir) / "report.json").read_text(encoding="utf-8"))["blocks"]


@pytest.fixture
def course(tmp_path: Path) -> Path:
    srcdir = tmp_path / "course-a"
    shutil.copytree(CORPUS / "course-a", srcdir)
    build(srcdir, "html", freshenv=True)
    return srcdir


def no_doctree(*_args: object, **_kwargs: object) -> None:
    raise AssertionError("consolecheck loaded a doctree")


def test_after_html_consolecheck_loads_no_doctree_and_reports_the_same(
    course: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sphinx.environment import BuildEnvironment

    with monkeypatch.context() as patch:
        patch.setattr(BuildEnvironment, "get_doctree", no_doctree)
        cached = build(course, "consolecheck")
    fresh_src = tmp_path / "fresh"
    shutil.copytree(CORPUS / "course-a", fresh_src)
    fresh = build(fresh_src, "consolecheck", freshenv=True)
    assert blocks(cached) == blocks(fresh)
    assert len(blocks(cached)) > 30


def test_another_language_setting_reads_the_doctrees_again(course: Path) -> None:
    before = {b["language"] for b in blocks(build(course, "consolecheck"))}
    after = build(course, "consolecheck", confoverrides={"consolecheck_languages": ["console"]})
    languages = {b["language"] for b in blocks(after)}
    assert "bash" in before and "bash" not in languages


def test_blocks_read_in_parallel_are_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sphinx.environment import BuildEnvironment

    srcdir = tmp_path / "parallel"
    shutil.copytree(CORPUS / "course-a", srcdir)
    build(srcdir, "html", freshenv=True, parallel=2)
    with monkeypatch.context() as patch:
        patch.setattr(BuildEnvironment, "get_doctree", no_doctree)
        merged = build(srcdir, "consolecheck")
    fresh_src = tmp_path / "fresh"
    shutil.copytree(CORPUS / "course-a", fresh_src)
    assert blocks(merged) == blocks(build(fresh_src, "consolecheck", freshenv=True))


def test_after_html_consolecheck_loads_no_table_until_the_table_changes(
    course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules' view of the table is kept in the environment by the html build; a
    consolecheck over the same doctrees uses it, and builds it again from the table once
    the file changed (its findings then follow the new table)."""
    from hpccourse.builders import consolecheck

    loads: list[Path] = []
    real = consolecheck.load_context

    def counting(srcdir: Path, *args: object) -> object:
        loads.append(srcdir)
        return real(srcdir, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(consolecheck, "load_context", counting)
    import hpccourse.table as table_package

    files: list[object] = []
    real_load = table_package.load_table

    def counting_files(path: object) -> object:
        files.append(path)
        return real_load(path)  # type: ignore[arg-type]

    monkeypatch.setattr(table_package, "load_table", counting_files)
    first = blocks(build(course, "consolecheck"))
    assert loads == [] and files == []  # neither the rules' view nor the table's warning
    table = course / "clusters.toml"
    table.write_text(table.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    again = blocks(build(course, "consolecheck"))
    assert loads and files and again == first
