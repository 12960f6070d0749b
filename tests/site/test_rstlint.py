"""The RST lint gate (tools/rstlint.py, sphinx-lint) catches what it is for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitekit import BuiltSite

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ROOT / "tests" / "roots" / "test-rstlint"


def rstlint(*args: str) -> tuple[int, str]:
    """Run the gate as `make rstlint` does; (exit status, its report)."""
    done = subprocess.run(
        [sys.executable, "tools/rstlint.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def test_seed_step4_tab_indentation_is_reported() -> None:
    status, report = rstlint(str(PLANTED / "step4-seed.rst"))
    assert status == 1
    assert "step4-seed.rst:10: content of '.. tab::' (line 8) starts at column 7" in report
    assert "(directive-content-indentation)" in report


def test_tab_with_content_aligned_passes() -> None:
    status, report = rstlint(str(PLANTED / "step4-fixed.rst"))
    assert (status, report.strip()) == (0, "No problems found.")


def test_mistakes_inside_tabs_and_unknown_directives_are_reported() -> None:
    status, report = rstlint(str(PLANTED / "inside-tabs.rst"))
    assert status == 1
    assert "inside-tabs.rst:8: default role used" in report  # inside `.. tab::`
    assert "inside-tabs.rst:10: directive 'challenge' is unknown to sphinx-lint" in report
    assert "inside-tabs.rst:13: trailing whitespace" in report


def test_plain_sphinx_lint_skips_tab_content() -> None:
    """Why the wrapper exists: sphinx-lint alone takes `.. tab::` for a comment."""
    sphinx_lint = Path(sys.executable).with_name("sphinx-lint")
    planted = [str(PLANTED / "inside-tabs.rst"), str(PLANTED / "step4-seed.rst")]
    done = subprocess.run(
        [sphinx_lint, "--enable", "default-role", *planted],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "default role used" not in done.stdout + done.stderr
    assert "inside-tabs.rst:13: trailing whitespace" in done.stdout + done.stderr


def test_gate_lints_every_page_of_the_site_but_no_testroot(site: BuiltSite) -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    import rstlint as gate

    files = gate.rst_files(site.srcdir)
    for docname in site.pages:
        assert str(site.source(docname)) in files, docname
    assert not [f for f in files if "roots" in Path(f).relative_to(site.srcdir).parts]
