"""Issue 15, points 1, 2, 4, 6 (pages) and 7: warnings a teacher can rely on.

Testroot ``test-editloop-warnings``: ``broken.rst`` misspells a step, ``included.rst``
includes ``_inc/part.inc`` which misspells another, ``index`` and ``table`` use the table,
``plain`` does not. Each test copies the testroot and runs the real ``sphinx-build`` the
way ``make html`` does (``-W --keep-going``), so the exit status is tested too.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPHINX = [sys.executable, "-m", "sphinx"]


@pytest.fixture
def site(rootdir: Path, tmp_path: Path) -> Path:
    """A copy of the testroot, its table composed (the ``rootdir`` fixture)."""
    copy = tmp_path / "site"
    shutil.copytree(rootdir / "test-editloop-warnings", copy)
    return copy


def build(site: Path, builder: str = "html", *extra: str) -> tuple[int, str]:
    """Run sphinx-build like ``make html``: (exit status, warnings without colours)."""
    done = subprocess.run(
        [
            *SPHINX,
            *extra,
            "-b",
            builder,
            "-d",
            str(site / "_build" / "doctrees"),
            "-W",
            "--keep-going",
            "-n",
            "-q",
            str(site),
            str(site / "_build" / builder),
        ],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "_ext"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        check=False,
        timeout=300,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, re.sub(r"\x1b\[[0-9;]*m", "", done.stderr)


def warning_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "WARNING" in line]


def test_a_warning_is_reported_on_every_build_until_the_page_is_fixed(site: Path) -> None:
    first_status, first = build(site)
    second_status, second = build(site)  # nothing changed: Sphinx reads no page
    broken = f"{site / 'broken.rst'}:6: WARNING: clusters.toml: no step 'create-vnev'"
    assert broken in first
    assert broken in second, second
    assert first_status == second_status == 1
    assert sorted(warning_lines(first)) == sorted(warning_lines(second))
    # The checks see it too, reading the same environment.
    status, checked = build(site, "consolecheck")
    assert broken in checked
    assert status == 1
    # Fixed pages stop being reported; the other broken page still is.
    for name, good in (("broken.rst", "create-venv"), ("_inc/part.inc", "load-python")):
        page = site / name
        page.write_text(re.sub(r"create-vnev|load-pyton", good, page.read_text()))
    status, fixed = build(site)
    assert warning_lines(fixed) == []
    assert status == 0
    status, again = build(site)
    assert (status, warning_lines(again)) == (0, [])


def test_a_docutils_error_at_a_directive_is_also_reported_until_fixed(site: Path) -> None:
    page = site / "broken.rst"
    page.write_text(page.read_text().replace(":venv: vpyenv", ":vnev: vpyenv"))
    _, first = build(site)
    status, second = build(site)
    message = f'{page}:6: ERROR: Error in "cluster-commands" directive:'
    assert message in first
    assert message in second, second
    assert "unknown option :vnev: - did you mean `venv`?" in second
    assert status == 1


def test_a_warning_in_an_included_file_names_that_file_and_its_line(site: Path) -> None:
    _, warnings = build(site)
    assert f"{site / '_inc' / 'part.inc'}:3: WARNING: clusters.toml: no step 'load-pyton'" in (
        warnings
    )
    assert "included.rst:" not in warnings


def test_did_you_mean_names_the_closest_step_and_option(site: Path) -> None:
    (site / "broken.rst").write_text(
        (site / "broken.rst").read_text().replace(":venv: vpyenv", ":vnev: vpyenv")
    )
    (site / "plain.rst").write_text(
        (site / "plain.rst").read_text() + "\n.. cluster-facts:: allocaton\n"
    )
    _, warnings = build(site)
    assert "no step 'load-pyton' in the data table: did you mean `load-python`?" in warnings
    assert "unknown option :vnev: - did you mean `venv`?" in warnings
    assert "unknown cluster-facts kind 'allocaton': did you mean `allocation`?" in warnings


def test_a_broken_table_is_one_warning_at_its_line_on_every_build(site: Path) -> None:
    table = site / "clusters.toml"
    text = table.read_text()
    table.write_text(text.replace('label = "HPC2N"', 'labl = "HPC2N"'))
    line = text.splitlines().index("[clusters.hpc2n]") + 1
    for _ in range(2):  # the second build reads no page: still reported
        status, warnings = build(site)
        table_warnings = [w for w in warning_lines(warnings) if "clusters.toml:" in w]
        assert table_warnings == [
            f"{table}:{line}: WARNING: cluster 'hpc2n' lacks the required fact 'label' "
            "(4 pages affected: broken, included, index, table) [hpccourse.table]"
        ], warnings
        assert status == 1


def test_a_page_that_is_not_utf8_is_a_located_warning_and_the_site_builds(site: Path) -> None:
    (site / "plain.rst").write_bytes(b"No table here\n=============\n\nCaf\xe9 prose.\n")
    for _ in range(2):
        status, warnings = build(site)
        assert f"{site / 'plain.rst'}:4: WARNING: this file is not saved as UTF-8 text" in (
            warnings
        )
        assert status == 1
    page = (site / "_build" / "html" / "plain.html").read_text(encoding="utf-8")
    assert "Caf\ufffd prose." in page
    assert (site / "_build" / "html" / "table.html").exists()


#: Pages whose warnings come from others than the extension: myst-parser (an unknown
#: option), Sphinx (a toctree entry naming a missing page), sphinx-prompt (a language
#: given twice), and docutils (an unknown role). Orphans: no toctree warning of their own.
OTHERS = {
    "options.md": "---\norphan: true\n---\n# Options\n\n```{note}\n:colour: red\n\nA note.\n```\n",
    "others.rst": (
        ":orphan:\n\nOthers\n======\n\n.. toctree::\n\n   no-such-page\n\n"
        ".. prompt:: bash\n   :language: bash\n\n   echo hi\n\n"
        "A :unknownrole:`x` role.\n"
    ),
}
FIXED = {
    "options.md": ("\n:colour: red\n", "\n:class: tip\n"),
    "others.rst": ("   no-such-page\n", "   plain\n"),
}


def others_site(site: Path) -> dict[str, str]:
    """The pages of OTHERS in ``site``, myst-parser loaded; the warnings expected."""
    conf = site / "conf.py"
    conf.write_text(conf.read_text() + '\nextensions.append("myst_parser")\n')
    for name, text in OTHERS.items():
        (site / name).write_text(text, encoding="utf-8")
    return {
        "myst": f"{site / 'options.md'}:7: WARNING: 'note': Unknown option key: 'colour'",
        "toctree": f"{site / 'others.rst'}:6: WARNING: toctree contains reference to "
        "nonexisting document 'no-such-page'",
        "prompt": f"{site / 'others.rst'}:10: WARNING: language is already passed as an option",
        "docutils": f'{site / "others.rst"}:15: ERROR: Unknown interpreted text role "unknownrole"',
    }


@pytest.mark.parametrize("jobs", [[], ["-j", "2"]], ids=["serial", "parallel"])
def test_every_warning_about_a_page_is_kept_whoever_raises_it(site: Path, jobs: list[str]) -> None:
    expected = others_site(site)
    builds = [build(site, "html", *jobs) for _ in range(2)]  # the second reads no page
    plain = site / "plain.rst"
    plain.write_text(plain.read_text() + "\nAnother page was saved.\n")
    builds.append(build(site, "html", *jobs))
    for status, warnings in builds:
        for who, line in expected.items():
            assert line in warnings, f"{who}: {line}\n{warnings}"
        assert status == 1
    assert sorted(warning_lines(builds[0][1])) == sorted(warning_lines(builds[1][1]))
    # Fixed, they are gone on this build and the next.
    for name, (wrong, right) in FIXED.items():
        page = site / name
        page.write_text(page.read_text().replace(wrong, right))
    page = site / "others.rst"
    page.write_text(
        page.read_text()
        .replace("   :language: bash\n", "")
        .replace("A :unknownrole:`x` role.", "No role.")
    )
    for _ in range(2):
        _, warnings = build(site, "html", *jobs)
        for line in expected.values():
            assert line.split(": ", 1)[1] not in warnings, warnings


def test_kept_warnings_reach_the_live_banner_of_a_page_saved_later(site: Path) -> None:
    """The live preview's banner lists them on every page, also after another page is
    saved (a build that reads only that page)."""
    expected = others_site(site)
    live = ["-D", "hpccourse_live=1"]
    build(site, "html", *live)
    plain = site / "plain.rst"
    plain.write_text(plain.read_text() + "\nAnother page was saved.\n")
    build(site, "html", *live)
    banner = (site / "_build" / "html" / "plain.html").read_text(encoding="utf-8")
    banner = banner.split("hpccourse-build-problems", 1)[1].split("</div>", 1)[0]
    for who, line in expected.items():
        message = line.split("WARNING: ", 1)[-1].split("ERROR: ", 1)[-1]
        assert html.escape(message) in banner, f"{who}: {message}\n{banner}"


def test_a_reference_warning_from_the_write_phase_is_kept_until_fixed(site: Path) -> None:
    """``-n``'s and Sphinx's reference warnings come while a page is resolved (written):
    a build that writes nothing reports them again, and fixing the page ends them."""
    page = site / "refs.rst"
    page.write_text(":orphan:\n\nRefs\n====\n\nSee :ref:`no-such-label`.\n", encoding="utf-8")
    said = f"{page}:6: WARNING: undefined label: 'no-such-label'"
    first, second = build(site), build(site)  # the second writes no page
    plain = site / "plain.rst"
    plain.write_text(plain.read_text() + "\nAnother page was saved.\n")
    third = build(site)
    for status, warnings in (first, second, third):
        assert said in warnings, warnings
        assert warnings.count(said) == 1
        assert status == 1
    page.write_text(page.read_text().replace(":ref:`no-such-label`", "the index"))
    for _ in range(2):
        _, warnings = build(site)
        assert "no-such-label" not in warnings, warnings
