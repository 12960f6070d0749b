"""Line classification and command joining in the console core (no Sphinx involved)."""

from __future__ import annotations

import pytest
from hpccourse.console.lines import apply_prompt, classify, commands
from hpccourse.console.model import LineKind

K = LineKind


def kinds(text: str, extra: tuple[str, ...] = ()) -> list[LineKind]:
    return [line.kind for line in classify(text, extra)]


@pytest.mark.parametrize(
    ("raw", "prompt", "typed", "env"),
    [
        ("$ ls -l", "$ ", "ls -l", None),
        ("$", "$", "", None),
        ("(vpyenv) $ pip list", "(vpyenv) $ ", "pip list", "vpyenv"),
        ("user@host:~$ pwd", "user@host:~$ ", "pwd", None),
        ("user@host:~/work$ pwd", "user@host:~/work$ ", "pwd", None),
        ("[user@host dir]$ ls", "[user@host dir]$ ", "ls", None),
        ("(env) [user@rackham1 ~]$ ls", "(env) [user@rackham1 ~]$ ", "ls", "env"),
        ("b-an01 [~]$ ml", "b-an01 [~]$ ", "ml", None),
        ("(vpyenv) b-an01 [/proj/x/python]$ python", "(vpyenv) b-an01 [/proj/x/python]$ ",
         "python", "vpyenv"),
    ],
)  # fmt: skip
def test_shell_prompts_are_recognised_with_their_env(raw, prompt, typed, env):
    [line] = classify(raw)
    assert (line.kind, line.prompt, line.text, line.env) == (K.PROMPT, prompt, typed, env)


@pytest.mark.parametrize(
    "raw",
    [
        "# rm -rf /",  # `#` starts a comment, not a root prompt
        "$HOME is your home folder",  # `$` with no space after it
        "module load python/3.11.8",  # no prompt at all
        "Collecting spacy",
        "(vpyenv) pip list",  # env without the `$`
        "",
    ],
)
def test_lines_without_a_prompt_are_output(raw):
    assert kinds(raw) == ([K.OUTPUT] if raw else [])


@pytest.mark.parametrize(
    ("text", "extra", "expected_env"),
    [
        ("(Example-gpu) $ pip list", ("(Example-gpu) $",), "Example-gpu"),
        ("(Example-gpu) $ pip list", ("(Example-gpu) $ ",), "Example-gpu"),
        ("% ls", ("%",), None),
    ],
)
def test_extra_prompts_from_the_project_are_prompts(text, extra, expected_env):
    [line] = classify(text, extra)
    assert line.kind is K.PROMPT
    assert line.text == text.split(" ", 2)[-1] if expected_env else line.text == "ls"
    assert line.env == expected_env


def test_an_extra_prompt_needs_a_space_after_it():
    assert kinds("%ls", ("%",)) == [K.OUTPUT]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ ls \\\n  -l\nfile", [K.PROMPT, K.CONTINUATION, K.OUTPUT]),
        ("$ ls \\\\\n  -l", [K.PROMPT, K.OUTPUT]),  # an escaped backslash continues nothing
        ("$ a \\\n b \\\n c\nout", [K.PROMPT, K.CONTINUATION, K.CONTINUATION, K.OUTPUT]),
    ],
)
def test_a_trailing_backslash_continues_onto_the_next_line(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ for i in 1 2; do\n> echo $i\n> done\n1", [K.PROMPT, K.PS2, K.PS2, K.OUTPUT]),
        ("$ echo 'abc\n> def'\n> x", [K.PROMPT, K.PS2, K.OUTPUT]),
        ("$ ls |\n> wc -l", [K.PROMPT, K.PS2]),
        ("$ ls\n> not a continuation", [K.PROMPT, K.OUTPUT]),  # `ls` is complete
        ("out\n> quoted output", [K.OUTPUT, K.OUTPUT]),
    ],
)  # fmt: skip
def test_ps2_lines_follow_only_an_unfinished_command(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ cat > f <<EOF\na\nb\nEOF\n$ ls", [K.PROMPT, K.HEREDOC, K.HEREDOC, K.HEREDOC, K.PROMPT]),
        ("$ cat <<'EOF'\n$ not a prompt\nEOF", [K.PROMPT, K.HEREDOC, K.HEREDOC]),
        ('$ cat <<"END" > x\nEOF\nEND\nout', [K.PROMPT, K.HEREDOC, K.HEREDOC, K.OUTPUT]),
        ("$ cat <<-EOF\n\tbody\n\tEOF\nout", [K.PROMPT, K.HEREDOC, K.HEREDOC, K.OUTPUT]),
        ("$ cat <<EOF\n\tbody\n\tEOF\nEOF", [K.PROMPT, K.HEREDOC, K.HEREDOC, K.HEREDOC]),  # no `-`
        ("$ cat > f <<EOF\n> a\n> EOF\nout", [K.PROMPT, K.HEREDOC, K.HEREDOC, K.OUTPUT]),
        ("$ echo $((1<<2))\n4", [K.PROMPT, K.OUTPUT]),  # a shift, not a here-document
        ("$ cat <<<word\nword", [K.PROMPT, K.OUTPUT]),  # a here-string
    ],
)  # fmt: skip
def test_here_document_bodies_run_up_to_their_delimiter(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (">>> import spacy\n>>>", [K.REPL, K.REPL]),
        (">>> for x in y:\n...     print(x)\n...\n1", [K.REPL, K.REPL_CONTINUATION,
                                                     K.REPL_CONTINUATION, K.OUTPUT]),
        ("...", [K.OUTPUT]),  # an ellipsis with no statement open is output
        (">>>x", [K.OUTPUT]),
    ],
)  # fmt: skip
def test_python_repl_lines(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    ("raw", "typed"),
    [("C:\\>dir", "dir"), ("C:\\Users\\x>python -V", "python -V"), ("PS C:\\> ls", "ls")],
)
def test_windows_prompts_are_recognised(raw, typed):
    [line] = classify(raw)
    assert (line.kind, line.text) == (K.WINDOWS, typed)
    [command] = commands([line])
    assert command.language == "windows"


def test_implicit_mode_reads_a_prompt_less_block_as_commands():
    lines = classify("module load python\nsource x/bin/activate \\\n  \n\n", implicit=True)
    assert [line.kind for line in lines] == [K.PROMPT, K.PROMPT, K.CONTINUATION, K.OUTPUT]


def test_commands_join_continuations_as_bash_does():
    [command] = commands(classify("$ python -m venv \\\n   /proj/x\nout"))
    assert command.text == "python -m venv    /proj/x"
    assert (command.offset, command.last_offset, command.lines) == (0, 1, (0,))
    assert command.language == "shell"


def test_commands_keep_here_document_bodies_with_newlines():
    [command, after] = commands(classify("$ cat > f <<'EOF'\nnumpy\nEOF\n$ ls"))
    assert command.text == "cat > f <<'EOF'\nnumpy\nEOF"
    assert command.lines == (0, 1, 2)
    assert (after.text, after.offset) == ("ls", 3)


def test_commands_join_repl_statements_and_keep_the_prompt_env():
    text = "(vpyenv) $ python\nPython 3.11\n>>> for x in y:\n...   print(x)\n...\n1"
    shell, python = commands(classify(text))
    assert (shell.text, shell.env, shell.prompt) == ("python", "vpyenv", "(vpyenv) $ ")
    assert (python.language, python.text, python.lines) == (
        "python",
        "for x in y:\n  print(x)\n",
        (2, 3, 4),
    )


def test_output_lines_are_not_commands():
    assert commands(classify("Collecting spacy\nDone")) == []


@pytest.mark.parametrize(
    ("text", "language", "shown"),
    [
        ("pip list", "bash", "(e) $ pip list"),
        ("ls \\\n -l\npwd", "bash", "(e) $ ls \\\n -l\n(e) $ pwd"),
        ("a \\\nb", "text", "(e) $ a \\\n(e) $ b"),
    ],
)
def test_apply_prompt_draws_sphinx_prompts_prompt(text, language, shown):
    assert apply_prompt(text, "(e) $", language) == shown


def test_a_logs_banner_with_arrows_both_ways_is_output_not_a_repl_line() -> None:
    text = "$ tool -vv\n>>> report [start] <<<\nload: 0.1s\n>>> report [ end ] <<<"
    assert kinds(text) == [LineKind.PROMPT, LineKind.OUTPUT, LineKind.OUTPUT, LineKind.OUTPUT]
    assert kinds(">>> x = 1 << 2") == [LineKind.REPL]  # Python's shift: still a statement
    assert kinds(">>> print('<<<')") == [LineKind.REPL]


def test_a_command_is_read_a_bounded_number_of_rows_on() -> None:
    """Each `> ` row is parsed with the rows before it: a hostile block of 3,000 took 12 s
    in the checker's line reader (and in the course's lexer, which shares the rule)."""
    from hpccourse.console.lines import MOST_ROWS_GOING_ON

    rows = classify("$ for i in 1 2; do\n" + "> echo $i\n" * (MOST_ROWS_GOING_ON + 50))
    kinds = [line.kind for line in rows]
    assert kinds.count(LineKind.PS2) == MOST_ROWS_GOING_ON
    assert kinds[MOST_ROWS_GOING_ON + 1 :] == [LineKind.OUTPUT] * 50
