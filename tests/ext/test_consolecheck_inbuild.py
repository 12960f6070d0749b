"""consolecheck inside the html build (``-D hpccourse_consolecheck=1``, what ``make check``
runs): the same report and located warnings as ``-b consolecheck``, exit status 1 on a
failed block; each page's results kept until the page changes (builders/inbuild.py,
builders/resultcache.py)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hpccourse.builders import consolecheck
from sphinx.cmd.build import build_main

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
ON = ("-D", "hpccourse_consolecheck=1")
#: A consolecheck warning: its location and code.
FINDING = re.compile(r"^(\S+:\d+): WARNING: (CC\d+) .*\[consolecheck\.CC\d+\]$", re.M)


def course(tmp_path: Path, name: str = "course-a") -> Path:
    srcdir = tmp_path / name
    shutil.copytree(CORPUS / "course-a", srcdir)
    return srcdir


def sphinx(srcdir: Path, builddir: Path, builder: str, *options: str) -> tuple[int, str]:
    """``sphinx-build`` as the Makefile runs it (shared doctrees); exit status, warnings."""
    warnings = builddir / f"{builder}-warnings.txt"
    status = build_main(
        [
            "-b",
            builder,
            "-d",
            str(builddir / "doctrees"),
            "-q",
            "-n",
            "-w",
            str(warnings),
            *options,
            str(srcdir),
            str(builddir / builder),
        ]
    )
    return status, warnings.read_text(encoding="utf-8")


def reports(builddir: Path) -> tuple[str, str]:
    out = builddir / "consolecheck"
    return (out / "output.txt").read_text(), (out / "report.json").read_text()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages whose blocks are checked (not taken from an earlier check)."""
    pages: list[str] = []
    real = consolecheck.check_document

    def check_document(blocks, context):
        pages.append(blocks[0].docname)
        return real(blocks, context)

    monkeypatch.setattr(consolecheck, "check_document", check_document)
    return pages


def test_the_html_build_reports_what_consolecheck_reports_located_and_fails(
    tmp_path: Path,
) -> None:
    alone = tmp_path / "alone"
    status, warned = sphinx(course(tmp_path), alone, "consolecheck", "-E")
    inside = tmp_path / "inside"
    status_html, warned_html = sphinx(course(tmp_path, "other"), inside, "html", "-E", *ON)

    assert reports(inside) == reports(alone)
    findings = FINDING.findall(warned)
    assert len(findings) >= 10  # course-a's known problems
    # The same codes at the same file:line (the copies sit in folders of other names).
    assert [(loc.replace("/course-a/", "/X/"), code) for loc, code in findings] == [
        (loc.replace("/other/", "/X/"), code) for loc, code in FINDING.findall(warned_html)
    ]
    assert status == status_html == 1
    assert (inside / "html" / "index.html").is_file()


def test_pages_read_in_parallel_are_all_checked(tmp_path: Path) -> None:
    alone = tmp_path / "alone"
    sphinx(course(tmp_path), alone, "consolecheck", "-E")
    inside = tmp_path / "inside"
    sphinx(course(tmp_path, "other"), inside, "html", "-E", "-j", "2", *ON)
    assert reports(inside) == reports(alone)


def test_without_the_setting_the_html_build_checks_nothing(tmp_path: Path, counted) -> None:
    status, warned = sphinx(course(tmp_path), tmp_path / "b", "html", "-E")
    assert status == 0 and not FINDING.findall(warned)
    assert not (tmp_path / "b" / "consolecheck").exists()
    assert counted == []


def test_a_build_checks_only_the_pages_it_read_again(tmp_path: Path, counted) -> None:
    srcdir, builddir = course(tmp_path), tmp_path / "b"
    sphinx(srcdir, builddir, "html", "-E", *ON)
    checked_first = set(counted)
    assert {"batch", "envs"} <= checked_first

    page = srcdir / "envs.rst"
    page.write_text(page.read_text() + "\n.. code-block:: console\n\n   $ echo 'unclosed\n")
    counted.clear()
    written: list[str] = []
    real_entry = consolecheck.report_entry

    def report_entry(result):
        written.append(result.block.docname)
        return real_entry(result)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(consolecheck, "report_entry", report_entry)
        sphinx(srcdir, builddir, "html", *ON)
    assert counted == ["envs"]  # the other pages' results were kept
    assert set(written) == {"envs"}  # and their report.json entries
    kept = reports(builddir)

    # What a fresh check of the edited course says, to the byte.
    fresh = tmp_path / "fresh"
    sphinx(srcdir, fresh, "consolecheck", "-E")
    assert kept == reports(fresh)
    assert "CC101" in kept[0].split("envs.rst")[-1]

    # consolecheck over the same doctrees afterwards checks nothing again.
    counted.clear()
    sphinx(srcdir, builddir, "consolecheck")
    assert counted == []
    assert reports(builddir) == kept


def test_other_rules_or_checker_code_check_every_page_again(
    tmp_path: Path, counted, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hpccourse.builders import resultcache

    srcdir, builddir = course(tmp_path), tmp_path / "b"
    sphinx(srcdir, builddir, "html", "-E", *ON)
    every = sorted(set(counted))

    counted.clear()
    sphinx(srcdir, builddir, "html", *ON, "-D", "consolecheck_disabled_rules=CC001")
    assert sorted(counted) == every
    assert " CC001 " not in reports(builddir)[0]

    counted.clear()
    monkeypatch.setattr(resultcache, "checker_digest", lambda: "another checker")
    sphinx(srcdir, builddir, "html", *ON)
    assert sorted(counted) == every
    assert " CC001 " in reports(builddir)[0]


def test_make_check_runs_one_sphinx_build_that_checks() -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", "check"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    builds = [line for line in done.stdout.splitlines() if "sphinx-build" in line]
    assert len(builds) == 1, done.stdout
    assert "-b html" in builds[0] and "-D hpccourse_consolecheck=1" in builds[0]


def test_no_cyclic_collection_while_checking_and_reporting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    seen: list[bool] = []
    real_check, real_entry = consolecheck.check_document, consolecheck.report_entry

    def check_document(blocks, context):
        seen.append(gc.isenabled())
        return real_check(blocks, context)

    def report_entry(result):
        seen.append(gc.isenabled())
        return real_entry(result)

    monkeypatch.setattr(consolecheck, "check_document", check_document)
    monkeypatch.setattr(consolecheck, "report_entry", report_entry)
    assert gc.isenabled()
    sphinx(course(tmp_path), tmp_path / "b", "html", "-E", *ON)
    assert seen and not any(seen)
    assert gc.isenabled()
