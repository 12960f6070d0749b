"""Syntax checks of console commands: shell with tree-sitter-bash, Python with compile()."""

from __future__ import annotations

import shutil

import pytest
from hpccourse.console import codes
from hpccourse.console.bash import parse
from hpccourse.console.check import check_text
from hpccourse.console.model import Command
from hpccourse.console.syntax import check_shell


def found(text: str, placeholder: str = "[username]") -> list[tuple[str, int]]:
    return [(p.code, p.offset) for p in check_text(text, placeholder=placeholder)]


@pytest.mark.parametrize(
    "text",
    [
        "$ ls -l",
        "$ for i in 1 2; do echo $i; done",
        "$ for i in 1 2; do\n> echo $i\n> done",
        "$ if [[ -d x ]]; then echo yes; fi",
        "$ case $x in a) echo a;; esac",
        "$ echo $((1 << 2))",
        "$ cat > requirements.txt <<'EOF'\nnumpy==1.22.3\nEOF",
        "$ cat <<-EOF\n\tbody\n\tEOF",
        "$ python -m venv \\\n   /proj/x/[username]/python/vpyenv",
        "$ sort <in.txt >out.txt",
        "$ cat <in.txt>out.txt",
        "$ sort <data/in.txt>data/out.txt",  # redirections both ways, paths with folders
        "$ wc -l <logs/run.log",
        "$ echo done fi then",
        "$ { echo a; }",
        "$ pip freeze > requirements.txt",
        ">>> import spacy\n>>>",
        ">>> for x in range(3):\n...     print(x)\n...",
        ">>> x = (1,\n... 2)",
        "C:\\> dir /w <x>",  # Windows: never parsed as bash
        "Output only, (not a command",
    ],
)
def test_valid_commands_have_no_syntax_problem(text):
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ echo 'abc", [(codes.SHELL_SYNTAX, 0)]),
        ("$ ls\n$ echo )", [(codes.SHELL_SYNTAX, 1)]),
        ("$ if true; then", [(codes.SHELL_SYNTAX, 0)]),
        ("$ ls |", [(codes.SHELL_SYNTAX, 0)]),
    ],
)
def test_commands_bash_cannot_parse_are_syntax_errors(text, expected):
    assert found(text) == expected


def test_a_missing_keyword_is_named():
    [problem] = check_text("$ if true; then echo")
    assert "`fi`" in problem.message


@pytest.mark.parametrize(
    ("text", "offset", "word"),
    [
        ("$ done", 0, "done"),
        ("$ ls\n$ fi", 1, "fi"),
        ("$ then echo x", 0, "then"),
        ("$ ls; esac", 0, "esac"),
        ("$ do echo", 0, "do"),
        ("$ elif x", 0, "elif"),
        ("$ else", 0, "else"),
        ("$ }", 0, "}"),
        ("$ echo a && fi", 0, "fi"),
    ],
)
def test_stray_keywords_tree_sitter_accepts_are_reported(text, offset, word):
    [problem] = check_text(text)
    assert (problem.code, problem.offset) == (codes.STRAY_KEYWORD, offset)
    assert f"`{word}`" in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ ls \\", [(codes.DANGLING_CONTINUATION, 0)]),
        ("$ python -m venv \\\n  /x \\", [(codes.DANGLING_CONTINUATION, 1)]),
        ("$ ls \\\\", []),  # an escaped backslash, not a continuation
    ],
)
def test_a_dangling_backslash_at_the_end_of_the_block(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ cat > f <<EOF\nnumpy", [(codes.UNTERMINATED_HEREDOC, 0)]),
        ("$ cat <<'END'", [(codes.UNTERMINATED_HEREDOC, 0)]),
        ("$ cat > f <<EOF\nnumpy\nEOF", []),
    ],
)
def test_an_unterminated_here_document(text, expected):
    assert found(text) == expected


def test_an_unterminated_here_document_names_its_delimiter():
    [problem] = check_text("$ cat <<'END'\nbody")
    assert "`END`" in problem.message


@pytest.mark.parametrize(
    ("text", "token", "instead"),
    [
        ("$ sbatch <batch script>", "<batch script>", "[batch-script]"),
        ("$ module spider Python/<version>", "<version>", "[version]"),
        ("$ mkdir /lunarc/nobackup/projects/<yourdir>", "<yourdir>", "[yourdir]"),
        ("$ ls /proj/x/<user>/python", "<user>", "[username]"),
        ("$ cd <dir>/x", "<dir>", "[dir]"),  # valid bash, but clearly a placeholder
        ("$ cat <input.txt>", "<input.txt>", "[input.txt]"),
        # blind batch V (pkginfo): bash would write git's output into a file `v1.0`
        ("$ git tag -s -F <notes-body.txt> v1.0", "<notes-body.txt>", "[notes-body.txt]"),
        # a path placeholder with a file suffix after it: bash reads `<` and `>.c`
        ("$ cc -c <path/to/source>.c", "<path/to/source>", "[path/to/source]"),
    ],
)
def test_angle_bracket_placeholders_are_reported_as_placeholders(text, token, instead):
    problems = check_text(text)
    assert [p.code for p in problems] == [codes.ANGLE_PLACEHOLDER]
    message = problems[0].message
    assert f"`{token}`" in message
    assert "redirection" in message
    assert f"`{instead}`" in message
    assert "`[username]`" in message  # names the project's convention


def test_the_placeholder_message_follows_the_projects_convention():
    [problem] = check_text("$ sbatch <script>", placeholder="{user}")
    assert "`{script}`" in problem.message and "`{user}`" in problem.message


def test_a_placeholder_and_another_error_are_both_reported():
    assert found("$ sbatch <script> )") == [
        (codes.ANGLE_PLACEHOLDER, 0),
        (codes.SHELL_SYNTAX, 0),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ # Usage: run.sh <time> <device>", []),  # a remark: bash reads no comment
        ("$ run.sh 10 sda  # Run as run.sh <time> <device>", []),
        ("$ run.sh <time>  # The <time> in seconds", [(codes.ANGLE_PLACEHOLDER, 0)]),
        # a command left for the reader to uncomment: its placeholder will be pasted
        ("$ # cd /proj/<mydir>", [(codes.ANGLE_PLACEHOLDER, 0)]),
        ("$ # myprog --input <file>", [(codes.ANGLE_PLACEHOLDER, 0)]),
        # a sentence in lower case, starting with no command (blind batch K, neurodocker)
        ("$ docker build .  # building it here (use --file <name> if it is other)", []),
        ('$ echo "# <x>" <y>', [(codes.ANGLE_PLACEHOLDER, 0)]),  # a quoted # opens none
        ("$ echo a#b <y>", [(codes.ANGLE_PLACEHOLDER, 0)]),  # nor one inside a word
    ],
)
def test_a_placeholder_in_a_remark_is_none_a_reader_pastes(text, expected):
    problems = check_text(text)
    assert [(p.code, p.offset) for p in problems] == expected
    assert all("<time>" not in p.message or "<device>" not in p.message for p in problems)
    if expected and "<y>" in text:
        assert "`<y>`" in problems[0].message


def test_angle_brackets_in_a_here_document_body_are_file_content():
    assert found("$ cat > f <<EOF\n<user>\nEOF") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (">>> import spacy (", [(codes.PYTHON_SYNTAX, 0)]),
        (">>> for x in y:\n...   print(x)\n... print(2", [(codes.PYTHON_SYNTAX, 2)]),
        (">>> x = 1\n>>> y = = 2", [(codes.PYTHON_SYNTAX, 1)]),
        (">>> for x in y:", [(codes.PYTHON_SYNTAX, 0)]),  # the body is missing
    ],
)
def test_python_repl_syntax_errors_carry_their_line(text, expected):
    assert found(text) == expected


def test_syntax_problems_say_what_to_do():
    [problem] = check_text(">>> print('x'")
    assert problem.message.startswith("Python cannot compile this statement")


@pytest.mark.parametrize("char", ["\U000f0000", "\U000aa56b", "\U00060000", "\U0010fffd"])
def test_code_points_that_crash_tree_sitter_bash_are_parsed_safely(char):
    # Run in a child process: before the fix, tree-sitter-bash 0.25.1 ended
    # the whole interpreter with a segmentation fault on these inputs.
    import subprocess
    import sys
    from pathlib import Path

    ext = Path(__file__).resolve().parents[2] / "_ext"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from hpccourse.console.check import check_text;"
        "print(len(check_text(sys.argv[2])))"
    )
    text = f"$ echo '{char}' {{{char}}}v | cat"
    result = subprocess.run(
        [sys.executable, "-c", code, str(ext), text], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().isdigit()


# ------------------------------------------ CC106: what the REPL takes, and why it fails


@pytest.mark.parametrize(
    "text",
    [
        ">>> # the total of two numbers\n>>> total = 2 + 3",  # a comment row: no statement
        ">>> # first, the imports\n...\n>>> import os",  # the REPL's own `...` after it
        ">>> # a note\n... # and another\n>>> n = 1",
        ">>> # a note before a statement that goes on\n... n = (1 +\n...      2)",
    ],
)
def test_a_comment_at_the_repl_prompt_is_no_error(text):
    assert found(text) == []


def test_a_body_left_out_with_an_ellipsis_is_a_sketch_not_an_error():
    assert found(">>> for row in table.rows():\n....") == []
    assert found(">>> while busy():\n…\n>>> done = True") == []
    # without the ellipsis the missing body is still reported, as is a real error
    assert found(">>> for row in table.rows():") == [(codes.PYTHON_SYNTAX, 0)]
    assert found(">>> x = (1))\n....") == [(codes.PYTHON_SYNTAX, 0)]


def _cc106(text: str) -> tuple[int, str]:
    [problem] = check_text(text)
    assert problem.code == codes.PYTHON_SYNTAX
    return problem.offset, problem.message


def test_a_statement_going_on_without_its_prompts_is_told_to_use_them():
    offset, message = _cc106(">>> total = add(1,\n              2)\n>>> total")
    assert offset == 0 and "with `... ` before each further line" in message
    # a decorator whose function follows on a new `>>> ` row
    offset, message = _cc106(">>> @cache\n>>> def area(r):\n...     return r * r")
    assert offset == 0 and "which starts with `>>> ` where the REPL shows `... `" in message


def test_rows_without_prompts_that_close_the_statement_are_named_despite_a_second_slip():
    # the dict goes on without `... ` and a comma is missing after "small": both real, the
    # rows without prompts are what the page shows wrong first
    text = ">>> sizes = {'a': 'small',\n             'b': 'large'\n             'c': 'huge'}\n"
    offset, message = _cc106(text)
    assert offset == 0 and "with `... ` before each further line" in message


def test_an_unclosed_bracket_followed_by_output_is_incomplete_not_unprompted():
    offset, message = _cc106(">>> squares = list(map(abs, [-1, 2])\n[1, 2]")
    assert offset == 0 and "`... `" not in message and "incomplete as shown" in message


def test_python_s_question_is_not_followed_by_a_full_stop():
    _, message = _cc106(">>> print 'total'")
    assert "Did you mean print(...)? Fix the statement" in message


def test_a_placeholder_in_a_python_statement_is_named_as_one():
    offset, message = _cc106(">>> db = connect(host=<host name>, port=5432)")
    assert offset == 0 and "`<host name>` looks like a placeholder" in message
    assert "(`host_name`)" in message
    offset, message = _cc106('>>> page = render("<title>", ]')  # in a string: no placeholder
    assert "placeholder" not in message


def test_a_sentence_a_traced_program_prints_after_its_arrows_is_no_statement():
    """Blind batch N, trio: a `>>> `-prefixed sentence naming a task is a line the
    traced program prints; a statement of Python words is still checked."""
    assert found(">>> now starting the next queued job: <main>\n### job queued") == []
    assert found(">>> for x in range(3) print(x)") == [(codes.PYTHON_SYNTAX, 0)]
    assert found(">>> import os as x y") == [(codes.PYTHON_SYNTAX, 0)]


def test_a_statement_going_on_over_rows_prompted_with_chevrons_is_one_alarm():
    """Blind batch AC (pygithub, mwclient): a triple-quoted string or a loop's body whose
    rows start with `>>> ` where the REPL shows `... ` gave an alarm on every row, each
    naming another error ("add its body" where the body is there). One alarm, at the
    statement's first row, naming the cause."""
    text = '>>> body = """\n>>> SUMMARY\n>>>\n>>>   - [x] done\n>>> """\n>>> len(body)\n27'
    [problem] = check_text(text)
    assert problem.code == codes.PYTHON_SYNTAX and problem.offset == 0
    assert "the next 4 rows, which start with `>>> `" in problem.message
    [problem] = check_text(">>> for page in pages:\n>>>     print(page)\nMain Page")
    assert "the next row, which starts with `>>> `" in problem.message
    # a statement nothing after it completes keeps its own error, and the rows after it
    # are checked as they are
    assert found(">>> x = (1,\n>>> y = 2\n>>> z = (") == [
        (codes.PYTHON_SYNTAX, 0),
        (codes.PYTHON_SYNTAX, 2),
    ]


def test_a_newer_pythons_syntax_is_no_error_of_the_page():
    """Blind batch V, mypy: `>>> class Stack[T]: ...` is Python 3.12's syntax (type
    parameters); the checker's own Python may be older, the reader's is not."""
    session = ">>> class Box[T]: ...\n>>> def first[T](xs: list[T]) -> T: ...\n"
    session += ">>> type Pair[T] = tuple[T, T]\n>>> Box[int]\n__main__.Box[int]"
    assert found(session) == []
    assert found(">>> class Box(: ...") == [(codes.PYTHON_SYNTAX, 0)]


def test_a_shell_command_at_a_python_prompt_is_named_one():
    """Blind batch O, spectral-cube: `>>> TMPDIR=... python ...` was told only "invalid
    syntax"; it is a shell command shown at the wrong prompt."""
    # blind batch R: `>>> pip install x`, IPython's automagic in no session but IPython's
    shell = [">>> pip install tool", ">>> conda install -c forge tool"]
    for text in (">>> TMPDIR=/scratch/me python run.py", ">>> python -m venv env", *shell):
        [problem] = check_text(text)
        assert problem.code == codes.PYTHON_SYNTAX and "a shell command at a Python" in (
            problem.message
        )
    [problem] = check_text(">>> x = 1 +")  # Python gone wrong is not
    assert "shell command" not in problem.message


def test_output_elided_in_words_on_a_continuation_row_is_no_statement():
    """Blind batch L, passlib: a `... ` row of words ending in `...` after a print is
    output left out, said in words; a real second statement there is still named."""
    assert found(">>> print(make_code(uri))\n... a long picture of the code goes here...") == []
    assert found(">>> print(make_code(uri))\n... show(uri)") == [(codes.PYTHON_SYNTAX, 1)]


def test_a_continuation_prompt_without_its_blank_is_named():
    offset, message = _cc106(">>> settings.update(\n...     debug=True,\n...)")
    assert offset == 0 and "`...)`, lacks the blank after `...`" in message
    assert found(">>> settings.update(\n...     debug=True,\n... )") == []


def test_a_mismatched_bracket_is_fixed_in_place_not_with_more_prompts():
    offset, message = _cc106(">>> point = dict(x=1, y=2}")
    assert offset == 0 and "`... `" not in message and "Fix the statement" in message


def test_a_second_statement_behind_continuation_prompts_needs_its_own_prompt():
    offset, message = _cc106(">>> a = (1 +\n...      2)\n... b = a * 2")
    assert offset == 2 and "write `>>> ` before it" in message


# ------------------------------------------ CC106: IPython's own input at a `>>> ` prompt


@pytest.mark.parametrize(
    "text",
    [
        ">>> %load_ext mytool.magics",  # a line magic
        ">>> %run --help          ## options and arguments",
        ">>> %timeit sum(range(10))\n1.2 µs ± 3 ns per loop",
        ">>> !ls -l data/",  # a shell escape
        ">>> names = !ls *.csv",  # its output assigned
        ">>> found = %who_ls",
        ">>> %%bash\n... echo $HOME\n... for f in *; do echo $f; done",  # a cell magic
        ">>> len?",  # help
        ">>> ?sorted",
        ">>> handlers = [print]\n>>> handlers[0]??",
        ">>> words = ['a', 'b']\n... words[0].<tab>",  # a completion shown: Tab pressed
        ">>> path.split().in<TAB>    # doctest: +SKIP\n..dex   ..sert",  # a remark after it
        ">>> ^D\nnow exiting the shell",  # Ctrl-D pressed to leave the REPL
        ">>> for name in names:\n...     !wc -l {name}\n...",  # Python around a shell escape
        ">>> run examples/diffusion/mesh1D.py",  # a magic without its `%` (blind batch O)
        ">>> cd data/",
    ],
)
def test_ipython_input_at_a_repl_prompt_is_an_ipython_session_not_an_error(text):
    assert found(text) == []


def test_python_around_ipython_input_is_still_checked_and_never_told_to_fix_the_magic():
    # a function whose body goes on without `... `, between two magics of one session
    text = ">>> %reload_ext mytool\n\n>>> def task():\n        return 1\n\n>>> %mytool list"
    [(offset, message)] = [(p.offset, p.message) for p in check_text(text)]
    assert offset == 2 and "with `... `" in message
    # a real error on the row after a shell escape names that row, and never the magic
    [problem] = check_text(">>> for name in names:\n...     !wc -l {name}\n...     x = (")
    assert problem.offset == 2 and "Fix the statement" not in problem.message
    # a `!=` row or a `%` string are Python: checked as Python
    assert found(">>> x = 1\n>>> != 2") == [(codes.PYTHON_SYNTAX, 1)]
    assert found('>>> s = """\n... %s and %d"""\n>>> s % ("a", 1)') == []


# ------------------------------------------ CC101: a word `export` refuses


@pytest.mark.parametrize(
    ("text", "row", "advice"),
    [
        ("$ export BUILD_FLAGS=--enable-fast --quiet", 0, 'BUILD_FLAGS="--enable-fast --quiet"'),
        ("$ export CFLAGS=-O2 -g -Wall && make", 0, 'CFLAGS="-O2 -g -Wall"'),
        ("$ export PATH=$PATH:/opt/a /opt/b", 0, 'PATH="$PATH:/opt/a /opt/b"'),
        ("$ export DEPTH = 3", 0, "export DEPTH=3"),
        ("$ cd x && \\\n  export A=1 \\\n  -v", 2, 'A="1 -v"'),  # at the -v
        ("#!/bin/bash\nexport X=1\nexport LEVEL=high -v", 2, 'LEVEL="high -v"'),
    ],
)
def test_an_export_of_a_word_that_is_no_name_is_refused_by_bash(text, row, advice):
    if text.startswith("$"):
        [problem] = check_text(text)
    else:  # a script, read whole
        rows = tuple(range(text.count("\n") + 1))
        [problem] = check_shell(Command(0, "shell", text, last_offset=rows[-1], lines=rows))
    assert problem.code == codes.SHELL_SYNTAX and problem.offset == row
    assert "not a valid identifier" in problem.message and advice in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "$ export A=1 B=2",
        "$ export -n X",
        "$ export -f f",
        "$ export -p",
        "$ export -- A=1",
        "$ export A+=more",
        '$ export A="--a --b" C',
        "$ export PATH=$HOME/bin:$PATH",
        '$ export "$@"',  # decided by what it expands to
        "$ export {A,B}",
        "$ export X=1 > log.txt",
        "$ echo export A=--a --b",  # a word, not the builtin
    ],
)
def test_exports_bash_takes_are_quiet(text):
    assert found(text) == []


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash decides what it accepts")
def test_a_line_bash_reads_is_no_syntax_error_even_when_tree_sitter_rejects_it():
    # A usage line naming the short and long command at once: tree-sitter-bash reads
    # `run[ner]` as the start of an array assignment, bash as a word (a glob).
    assert parse("run[ner] [--opts] job [--").root_node.has_error
    assert found("$ run[ner] [--opts] job [--\n  more-opts]") == []
    assert found("$ run[ner] [--opts] )") == [(codes.SHELL_SYNTAX, 0)]  # bash rejects this


@pytest.mark.parametrize(
    "text",
    [
        ">>> reply = await client.fetch('/status')\n>>> reply.code\n200",
        ">>> await store.put('count', 1)",
        ">>> async with pool.lease() as conn:\n...     await conn.ping()",
        ">>> async for row in query.stream():\n...     print(row)",
    ],
)
def test_top_level_await_at_the_prompt_compiles_as_the_asyncio_repl_takes_it(text):
    # `python -m asyncio` and IPython run `await` at the `>>>` prompt: no CC106.
    assert found(text) == []


def test_await_outside_the_top_level_is_still_an_error():
    # inside a plain function `await` is an error in every REPL
    text = ">>> def poll():\n...     await ticker.tick()\n..."
    assert found(text) == [(codes.PYTHON_SYNTAX, 1)]
    assert found(">>> await store.put('count', 1") == [(codes.PYTHON_SYNTAX, 0)]


def test_an_ellipsis_in_angle_brackets_is_a_placeholder_for_arguments_left_out():
    [problem] = check_text("$ LD_PRELOAD=/opt/lib/libfast.so runner start <...>")
    assert problem.code == codes.ANGLE_PLACEHOLDER
    assert "arguments left out" in problem.message and "Fix the quotes" not in problem.message
    assert found("$ runner start <\u2026> --fast") == [(codes.ANGLE_PLACEHOLDER, 0)]


def test_a_problem_in_a_continued_command_is_on_its_own_line():
    # blind batch F: CC105 on a command's first row in console blocks, on the token's
    # row in scripts; bash joins the lines, the reader reads them apart
    text = "$ openstack token issue \\\n    --os-token <token> \\\n    --format <fmt>"
    assert found(text) == [(codes.ANGLE_PLACEHOLDER, 1), (codes.ANGLE_PLACEHOLDER, 2)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a completion transcript shows the key pressed: nothing typed, nothing redirected
        ("$ repo <TAB><TAB>", []),
        ("$ repo clone -<Tab><Tab>", []),
        # a placeholder may start with a digit, when a letter follows (swift's runbook)
        ("$ OBJNO=<3 Length Object No.>", [(codes.ANGLE_PLACEHOLDER, 0)]),
        ("$ cat <3>", [(codes.SHELL_SYNTAX, 0)]),  # no word: no placeholder
    ],
)
def test_keys_pressed_and_placeholders_that_start_with_a_digit(text, expected):
    # blind batch G: four false CC105 on click's <TAB><TAB>; three CC101 told to fix
    # the quotes for swift's VAR=<3 Length ...>
    assert found(text) == expected


def test_here_document_marks_inside_quotes_open_none():
    # blind batch H: nova's `sed "s/<<server>>/..."` was told to end a here-document
    assert found('$ sed -i "s/<<server>>/$HOST/" keepalived.conf\n$ ls') == []
    assert found("$ cat <<EOF > f\nx") == [(codes.UNTERMINATED_HEREDOC, 0)]


def test_a_here_document_mark_in_a_comment_opens_none():
    # quotes and comments read by one scan (lines.scan_quotes) for both rules
    assert found("$ echo hi  # then cat <<EOF\n$ ls") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ pip install Cython>=0.16", [(codes.UNQUOTED_REQUIREMENT, 0)]),
        ("$ python -m pip install numpy<2 scipy", [(codes.UNQUOTED_REQUIREMENT, 0)]),
        ("$ conda create -n work python>=3.11", [(codes.UNQUOTED_REQUIREMENT, 0)]),
        ("$ module load Python\n$ pip install \\\n    pandas<=2.2", [("CC109", 2)]),
        # quoted, a redirection of the output, an operator with blanks: no requirement cut
        ('$ pip install "Cython>=0.16"', []),
        ("$ pip install 'numpy<2'", []),
        ("$ pip install numpy > install.log", []),
        ("$ pip install -r requirements.txt 2>errors.txt", []),
        ("$ pip freeze>requirements.txt", []),
        ("$ echo numpy>=1.26 > requirements.txt", []),
    ],
)
def test_an_unquoted_version_requirement_is_a_redirection(text, expected) -> None:
    """Blind batch AG: `pip install Cython>=0.16` installs any Cython and writes pip's
    output into a file `=0.16`; it was missed."""
    assert found(text) == expected
    for code, _ in expected:
        [problem] = [p for p in check_text(text) if p.code == code]
        assert "is not quoted" in problem.message and "Quote the requirement" in problem.message
