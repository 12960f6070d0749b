"""CC110: commands that fetch from a place that no longer serves them (blind batch AP:
`git clone git://github.com/...` on two pages, quiet)."""

from __future__ import annotations

import pytest
from hpccourse.console import codes
from hpccourse.console.check import check_document
from hpccourse.console.model import Block, CopyButton, RuleContext

CTX = RuleContext(copy_button=CopyButton(exclude=".linenos, .gp, .go"))


def found(text: str, language: str = "console") -> list[tuple[str, int, str]]:
    [result] = check_document([Block("page", "page.rst", 10, language, text)], CTX)
    return [(p.code, p.offset, p.message) for p in result.problems]


def test_github_git_protocol_is_named_with_its_https_address() -> None:
    problems = found(
        "$ git clone git://github.com/org/repo.git\n"
        "Cloning into 'repo'...\n"
        "$ pip install git+git://github.com/org/pkg.git@v1"
    )
    assert [(code, at) for code, at, _ in problems] == [
        (codes.RETIRED_URL, 0),
        (codes.RETIRED_URL, 2),
    ]
    assert "Write `https://github.com/org/repo.git`" in problems[0][2]
    assert "Write `git+https://github.com/org/pkg.git@v1`" in problems[1][2]


def test_a_script_line_continued_is_named_at_its_own_row() -> None:
    problems = found("git clone \\\n  git://github.com/org/repo", "bash")
    assert [(code, at) for code, at, _ in problems] == [(codes.RETIRED_URL, 1)]


@pytest.mark.parametrize(
    "text",
    [
        "$ git clone https://github.com/org/repo",
        "$ git clone git://git.kernel.org/pub/scm/git/git.git",  # still served there
        "$ git fetch\nfatal: git://github.com/org/repo: connection refused",  # output
        "$ git clone git@github.com:org/repo.git",
    ],
)
def test_other_addresses_and_output_are_quiet(text: str) -> None:
    assert found(text) == []
