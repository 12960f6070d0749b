"""Issue 15, point 4: messages name the likely fix and use no programmers' jargon."""

from __future__ import annotations

from pathlib import Path

import pytest
from hpccourse.console.model import Command
from hpccourse.console.syntax import check_shell
from hpccourse.table import TableError, load_table

TWO = Path(__file__).resolve().parents[1] / "roots" / "test-cluster-two" / "clusters.toml"


def broken(tmp_path: Path, old: str, new: str) -> TableError:
    text = TWO.read_text()
    assert old in text
    path = tmp_path / "clusters.toml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(TableError) as error:
        load_table(path)
    assert error.value.line
    return error.value


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        ("explain = true", 'explain = true\nonly = ["uppmx"]', "did you mean `uppmax`?"),
        ("explain = true", "explain = true\nskip.hpcn2 = 'x'", "did you mean `hpc2n`?"),
        ("explain = true", "explain = true\noverride.UPPMAX = ['x']", "did you mean `uppmax`?"),
        ("explain = true", "explain = true\ncomands = ['x']", "did you mean `commands`?"),
        ("[placeholders]", "[placeholder]", "did you mean `placeholders`?"),
        ("{venv_flags} {venv_path}", "{venv_flag} {venv_path}", "did you mean `{venv_flags}`?"),
        ("{modules.python}", "{modules.pyton}", "did you mean `{modules.python}`?"),
    ],
)
def test_a_misspelled_name_in_the_table_gets_did_you_mean(tmp_path, old, new, hint):
    assert hint in broken(tmp_path, old, new).message


def test_without_a_close_name_the_known_ones_are_listed(tmp_path):
    message = broken(tmp_path, "explain = true", 'explain = true\nonly = ["cosmos"]').message
    assert message.endswith("clusters: uppmax, hpc2n")


def test_an_unknown_step_gets_did_you_mean():
    with pytest.raises(TableError, match="did you mean `create-venv`"):
        load_table(TWO).render("creat-venv", "uppmax")


@pytest.mark.parametrize("command", ["echo 'abc", "echo $(ls", "echo ${HOME", "echo `ls"])
def test_shell_syntax_messages_say_what_is_open_without_jargon(command):
    (problem,) = check_shell(Command(0, "console", command))
    assert "EOF" not in problem.message
    assert "end of file" not in problem.message
    assert "opened here is never closed" in problem.message


def test_a_here_document_delimiter_named_eof_is_still_named():
    (problem,) = check_shell(Command(0, "console", "cat > f <<EOF\nx"))
    assert "`EOF`" in problem.message  # the teacher's own word, not jargon
