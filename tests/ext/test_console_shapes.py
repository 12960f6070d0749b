"""Alarms a teacher believes (issue 20): what a prompt-less console block holds decides
CC001; output in a script block is named as output; commands that lost their prompt among
prompted ones (CC004); placeholders in prompt-less commands; messages that claim no
placeholder convention the course never declared. Block records in, results out."""

from __future__ import annotations

import pytest
from hpccourse.console import codes, language
from hpccourse.console.check import check_document
from hpccourse.console.model import Block, BlockResult, CopyButton, RuleContext
from hpccourse.console.shape import holds_output, indented_prompts, is_command_row

NO_TABLE = RuleContext(copy_button=CopyButton(exclude=".linenos, .gp, .go"))
WITH_CONVENTION = RuleContext(placeholder={"c": "{user}"})


def block(text: str, language: str = "console", *, implicit: bool = False) -> Block:
    return Block("page", "page.rst", 10, language, text, cluster="c", implicit=implicit)


def check(text: str, language: str = "console", *, implicit: bool = False, ctx=NO_TABLE):
    return check_document([block(text, language, implicit=implicit)], ctx)[-1]


def codes_of(result: BlockResult) -> list[str]:
    return [p.code for p in result.problems]


# ------------------------------------------------ CC001: what a prompt-less block holds


@pytest.mark.parametrize(
    "text",
    [
        ".\n├── Project.toml  # Julia environment\n└── submit.sh",  # a folder tree
        '[deps]\nAMDGPU = "21141c5a-9bdb-4563"',  # a file's text (TOML)
        "-------------\n  polars:\n-------------\n    Description:\n      A library",
        "ab12cd3 fix the loop\n9f8e7d6 add the data",  # a git log
        "sacct: error: no job\nJobID    State\n-----    -----\n1234     FAILED",
        "alice@login1:~> salloc -n 4\nsalloc: Granted job allocation 1",  # a transcript
        "  [alice@pelle1 ~]$ interactive -A x\nsalloc: Pending job allocation 2",
    ],
)
def test_output_logs_markup_and_transcripts_are_no_cc001(text: str) -> None:
    assert codes_of(check(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "module load Python/3.11.3",
        "cd sven\nwget https://example.org/x.tar.gz",
        "export OMP_NUM_THREADS=2\nsrun -n 1 python dot.py",
        "salloc -A p -t 1:00:00\nsalloc: Granted job allocation 1",  # the command, prompt-less
        'eval "$(jobtool completion bash)"',  # a shell setup line, no option to tell it by
    ],
)
def test_commands_without_a_prompt_are_cc001(text: str) -> None:
    assert codes_of(check(text)) == [codes.NO_PROMPT]


def test_a_root_prompt_transcript_has_a_prompt_as_pygments_draws_it() -> None:
    # Pygments' console lexer takes a leading `#` for root's prompt: the block has one
    transcript = "# cloudctl --list-images acct\nacct:\n    packing:\n        gzip\n    id: 7"
    assert codes_of(check(transcript)) == []
    # a comment over a command typed without a prompt is still CC001
    assert codes_of(check("# Load the module\nmodule load x")) == [codes.NO_PROMPT]
    assert codes_of(check("# cloudctl --list acct\nmodule load x")) == [codes.NO_PROMPT]


def test_the_pages_highlight_default_asks_for_commands_before_cc001() -> None:
    # `.. highlight:: console` makes every `::` block console: an error message or a
    # table shown that way is what it is; commands still lack their prompt.
    assert codes_of(check("Error: the job failed\nexit code 1", implicit=True)) == []
    assert codes_of(check("JobID  State\n1234   FAILED", implicit=True)) == []
    assert codes_of(check("squeue -u alice", implicit=True)) == [codes.NO_PROMPT]
    # a line with no sign either way: a session when the author tagged it `console`
    assert codes_of(check("projtool --list", implicit=True)) == []
    assert codes_of(check("projtool --list")) == [codes.NO_PROMPT]
    assert codes_of(check("Error: the job failed\nexit code 1")) == []  # output either way
    # a make target, then a variable set (blind batch J, python-ldap): a command too
    assert codes_of(check("make valgrind PYTHON_SUPP=/x/py.supp", implicit=True)) == [
        codes.NO_PROMPT
    ]
    assert codes_of(check("make sure the job failed", implicit=True)) == []  # prose


def test_python_code_that_compiles_whole_is_python_even_with_few_signal_rows() -> None:
    # one `import` and one `def` among eight rows: under half say Python, but the block
    # compiles as a module: code shown in a `::` block of a `highlight:: console` page
    text = (
        "import shop\n\n@cached(\n    size=10,\n    ttl=60,\n)\n"
        "def total(items):\n    return sum(i.price for i in items)\n"
    )
    for implicit in (True, False):
        [problem] = check(text, implicit=implicit).problems
        assert problem.code == codes.NO_PROMPT and "tag the block `python`" in problem.message
    # a test report quoting a `def` does not compile: output, quiet
    report = "    def test_total():\n>       assert total([]) == 1\nE       assert 0 == 1\n"
    assert codes_of(check(report, implicit=True)) == []


def test_prose_in_a_console_block_is_named_as_prose() -> None:
    [problem] = check("You can also find the tarball in the folder of the course.").problems
    assert problem.code == codes.NO_PROMPT and "prose" in problem.message


def test_indented_dollar_prompts_are_prompts_as_pygments_reads_them() -> None:
    assert indented_prompts("   $ ls\n   out") == "$ ls\n   out"
    assert codes_of(check("    $ module load x\n    $ python -m venv e")) == []
    # an indented `(env) $` is output to Pygments: the copy button drops the line
    assert codes_of(check("    (e) $ pip install numpy")) == [codes.NO_PROMPT]


# ------------------------------------------------ CC101 names output, CC107 says so


@pytest.mark.parametrize(
    "text",
    [
        "b135ec8 add features A, B (and C)\n6f0d49f fix it",  # a git log
        "Status `~/env/Project.toml`\n  [7876af07] Example v0.5.3 (pinned)",  # a package list
        "Step Temp E_pair (kJ)\n  0 1.44 -6.77\n 50 0.70 -5.67",  # a simulation's table
    ],
)
def test_output_in_a_script_block_is_named_output_not_a_syntax_error(text: str) -> None:
    [problem] = check(text, "shell").problems
    assert problem.code == codes.NOT_SHELL and "output" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "jobctl '*' queue.drain()",  # a call's brackets typed at a shell
        "jobctl node1 disk.stats /dev/sdb fields=(4,9,12)",
    ],
)
def test_a_command_of_an_unknown_program_that_bash_rejects_is_cc101_not_output(text: str):
    # no row reads as output (a key: value, a hash, numbers, a tree...): a command
    [problem] = check(text, "bash").problems
    assert problem.code == codes.SHELL_SYNTAX


@pytest.mark.parametrize(
    ("text", "named", "tag"),
    [
        ("(gdb) break solve\n(gdb) run --steps 3\n(gdb) print $rip", "debugger session", "text"),
        ("(Pdb) p counts\n{'a': 2}\n(Pdb) continue", "debugger session", "text"),
        ("(work)$ pip install scipy\n(work)$ python fit.py", "terminal session", "console"),
        ("$> jobctl start --workers=4", "terminal session", "console"),  # bash would run `$`
        # blind batch R: the environment named in words, not told to fix its brackets
        ("(your env's name)$ pip install tool[extra] pytest", "terminal session", "console"),
        # blind batch Y: a site's own `>> ` prompt, then the output
        (">> pip install tool\nCollecting tool\nInstalled tool-1.0", "terminal session", "console"),
        # blind batch AA: `> ` drawn as the prompt before a program bash knows, one row
        ("> pip install tool", "terminal session", "console"),
        (  # blind batch V: a user's name glued to the prompt, then the tool's report
            "kim$ lintr -q src/jobs.py\nsrc/jobs.py:12: unused name 'tmp' (W401)",
            "terminal session",
            "console",
        ),
        (  # a `> ` prompt and the program's log after it
            "> webapp serve\n\n[I 10:00 App] Serving files from: /home/u\n"
            "    http://localhost:8000/?token=abc&x=1 (y)",
            "terminal session",
            "console",
        ),
    ],
)
def test_a_session_in_a_script_block_is_named_as_a_session(text: str, named: str, tag: str):
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL
    assert named in problem.message and f"tag it `{tag}`" in problem.message
    assert "output" not in problem.message
    assert f"(`.. code-block:: {tag}`)" in problem.message


def test_the_tag_advice_on_a_markdown_page_is_a_fence() -> None:
    """Blind batch X: on a MyST page CC107 gave the RST form of the tag."""
    on_md = Block("page", "guide/page.md", 10, "bash", "(gdb) break solve\n(gdb) run")
    [problem] = check_document([on_md], NO_TABLE)[-1].problems
    assert "(open its fence with ```text)" in problem.message


def test_the_same_block_on_another_page_gets_that_pages_advice() -> None:
    """A block's syntax is checked once per distinct text and setting: the same text on an
    RST page after a MyST page, or under a cluster with another placeholder, gets its own."""
    text = "(gdb) break solve\n(gdb) run"
    on_md, on_rst = (Block("page", f"page.{ext}", 10, "bash", text) for ext in ("md", "rst"))
    assert "open its fence" in check_document([on_md], NO_TABLE)[0].problems[0].message
    assert "`.. code-block:: text`" in check_document([on_rst], NO_TABLE)[0].problems[0].message
    clusters = RuleContext(placeholder={"a": "<user>", "b": "[user]"})
    angle = "$ ssh <name>@login.example.org"
    for cluster, named in (("a", "<user>"), ("b", "[user]"), ("a", "<user>")):
        block = Block("page", "page.rst", 10, "console", angle, cluster=cluster)
        [problem] = check_document([block], clusters)[0].problems
        assert problem.code == codes.ANGLE_PLACEHOLDER and f"`{named}`" in problem.message
    assert "code-block" not in problem.message


def test_a_redirection_alone_in_a_script_block_is_no_session() -> None:
    assert codes_of(check("> empty.txt", "bash")) == []  # bash's way to empty a file
    assert codes_of(check("> out.txt\necho done >> out.txt", "bash")) == []
    assert codes_of(check("$> jobctl start")) != [codes.NOT_SHELL]  # console: not CC107


# ------------------------------------------------ CC004: a command that lost its prompt


def test_a_command_without_prompt_among_prompted_ones_is_cc004() -> None:
    result = check("$ module load python/3.11\npython -m venv env\n$ source env/bin/activate")
    assert codes_of(result) == [codes.DROPPED_COMMAND]
    assert result.problems[0].offset == 1
    assert "copy button leaves it out" in result.problems[0].message
    # one blank in front hides the command, and an empty prompt line above it hid CC001
    assert codes_of(check("$\n module load python/3.11")) == [codes.DROPPED_COMMAND]


@pytest.mark.parametrize(
    "text",
    [
        "$ cat job.sh\nmodule load python\npython run.py\n$ sbatch job.sh",  # a script shown
        "$ ls\npython  results\n$ cd results",  # a listing
        "$ salloc -n 1\nsalloc: Granted job allocation 1\n$ srun hostname",
        "$ conda list\npython 3.11.5\n$ deactivate",
        "$ module load x \\\n  y\n$ ls",  # a continuation, not output
        # what a pipe into grep printed (keystone's federation page, blind batch G)
        "$ curl -s https://idp.example/meta | grep -o 'entityID=\".*\"'\n"
        'entityID="https://idp.example/meta"\n$ ls',
        # what an older `systemctl enable` printed (twisted's page, blind batch H)
        "$ sudo systemctl enable web.socket\n"
        "ln -s '/etc/systemd/system/web.socket' '/etc/systemd/system/sockets.target.wants'\n"
        "$ sudo systemctl start web.socket",
    ],
)
def test_output_between_prompts_is_not_cc004(text: str) -> None:
    assert codes.DROPPED_COMMAND not in codes_of(check(text))


def test_command_rows_and_output_rows() -> None:
    assert is_command_row("module load x") and is_command_row("./a.out")
    assert not is_command_row("python 3.11.5") and not is_command_row("salloc: job 1")
    assert holds_output("├── a\n└── b") and not holds_output("ls -l\n├── a")


# ------------------------------------------------ placeholders: found, and said neutrally


def test_an_angle_placeholder_without_prompt_is_found_too() -> None:
    result = check("ml matplotlib/<version>")
    assert codes_of(result) == [codes.NO_PROMPT, codes.ANGLE_PLACEHOLDER]


def test_the_placeholder_message_claims_no_convention_the_course_lacks() -> None:
    [problem] = check("$ cd /proj/<user-dir>").problems
    assert "convention" not in problem.message and "`[user-dir]`" in problem.message
    [problem] = check("$ cd /proj/<user-dir>", ctx=WITH_CONVENTION).problems
    assert "this project's placeholder convention is `{user}`" in problem.message


# ------------------------------------------------ state kept across list items


def test_a_caption_announcing_a_blocks_deactivation_keeps_what_is_known() -> None:
    made = Block("page", "page.rst", 1, "console", "$ python -m venv venv1")
    active = Block("page", "page.rst", 3, "console", "$ source venv1/bin/activate")
    # a list item reading "Deactivate", then the block that does it under another name
    captioned = Block("page", "page.rst", 7, "console", "(venv2) $ deactivate", prose=(("", True),))
    result = check_document([made, active, captioned], NO_TABLE)[-1]
    assert codes_of(result) == [codes.ENV_PROMPT]
    # an earlier paragraph that tells to activate (in words only) still counts
    both = Block(
        "page", "page.rst", 7, "console", "(venv2) $ deactivate", prose=(("", True), ("", True))
    )
    assert codes_of(check_document([made, active, both], NO_TABLE)[-1]) == []
    # prose that deactivates with no command of its own still makes the state unknown
    told = Block("page", "page.rst", 7, "console", "(venv2) $ ls", prose=(("", True),))
    assert codes_of(check_document([made, active, told], NO_TABLE)[-1]) == []


def test_a_plural_notation_is_named_as_a_placeholder_not_as_bad_brackets() -> None:
    [problem] = check("$ git add FILE(S)\n$ git commit").problems
    assert (
        problem.code == codes.SHELL_SYNTAX and "`FILE(S)` reads as a placeholder" in problem.message
    )
    [problem] = check("$ echo $(date) )").problems  # real bad brackets keep bash's words
    assert "placeholder" not in problem.message


def test_prose_swallowed_by_a_script_block_is_named_as_prose() -> None:
    text = (
        "module load Python/3.11.3\n"
        "Then run the script (it takes a minute or two) and look at its output.\n"
    )
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL and "prose" in problem.message
    # a command bash cannot parse stays CC101
    assert codes_of(check('echo "unclosed', "bash")) == [codes.SHELL_SYNTAX]


# ------------------------------------------------ CC001 on courses nobody here marked


@pytest.mark.parametrize(
    "text",
    [
        "job.err  job.out  job.sh",  # what `ls` printed, alone in a console block
        "- TestA %x=4 /8804be5d\n    ^Fixture %p=1 ~TestA_3 /f027ee75",  # a listing
        "A.hook_b, B.hook_d, B.hook_c, A.hook_a",  # an order of calls
        "[  PASSED  ] Ran 3/3 test case(s)",
        "FAIL > XPASS > XFAIL > PASS",  # a hierarchy, not a redirection
        "result|time|system\npass|2024-02-21T22:51:16|cluster",  # a pipe-separated log
        "origin  https://example.org/me/tool.git (fetch)",  # `git remote -v` printed
        "~/examples/howto\n├── lib\n│   └── simple.py",  # a folder tree under its root
        "Loading configuration\n[Environment]\n  TOOL_DIR=<not set>\n  TOOL_HOME=/opt/x",
    ],
)
def test_a_console_block_of_output_alone_is_no_cc001(text: str) -> None:
    # the author tagged it `console` to show what a terminal printed: that is what it is
    assert codes_of(check(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "benchtool -n 'osu.*' -S num_tasks=16 -l",  # a program no list knows, with options
        "./test_tool.py --config=settings.py tests/test_x.py -xs",
        "./configure",
        'make latexpdf LATEXMKOPTS="-silent"',  # a word like `make`, then a setting
    ],
)
def test_a_program_nobody_listed_run_with_options_is_still_cc001(text: str) -> None:
    assert codes_of(check(text)) == [codes.NO_PROMPT]


def test_a_windows_prompt_without_a_folder_is_a_prompt() -> None:
    assert codes_of(check("C:> py -m pip download ^\n   --only-binary=:all: ^\n   x")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('$ curl -H "Authorization: token <token>" "http://h/users/<user>/server"', []),
        ("$ echo '<name> is yours'", []),
        ('$ curl -X POST "http://h/api/users/\\\n  <user>/server"', []),  # a string goes on
        ('$ echo "done" > <file>', [codes.ANGLE_PLACEHOLDER]),  # after the quotes close
        ('$ echo \\" <file>', [codes.ANGLE_PLACEHOLDER]),  # an escaped quote opens nothing
        ("$ curl http://h/#top <user>", [codes.ANGLE_PLACEHOLDER]),  # `#` inside a word
    ],
)
def test_a_placeholder_inside_quotes_is_no_redirection(text: str, expected: list[str]) -> None:
    assert codes_of(check(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "server {\n    listen 80;\n    server_name hub.example.org;\n"
        "    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}",  # nginx
        "<VirtualHost *:80>\n  ServerName hub.example.org\n  RewriteEngine On\n"
        "  RewriteRule /hub/(.*) http://127.0.0.1:8000/hub/$1 [P,L]\n</VirtualHost>",  # Apache
        "Cmnd_Alias HUB_CMD = /usr/local/bin/spawner\nhub ALL=(%users) NOPASSWD:HUB_CMD",
        "module my_policy 1.0;\n\nrequire {\n    type user_t;\n    class file { read };\n}",
    ],
)
def test_a_configuration_file_in_a_bash_block_is_named_once(text: str) -> None:
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL and "configuration file" in problem.message


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("TOOL_SETTINGS = {\n    'timeout': 30,\n}", "console"),  # a dict: compiles
        ("TOOL_SETTINGS = {\n    'timeout': <seconds>,\n    'retries': 2\n}", "console"),
        ("settings = dict(\n    timeout=30,\n    retries=2,\n)", "console"),
        ("TOOL_SETTINGS = {\n    'timeout': 30,\n}", "bash"),
    ],
)
def test_a_python_dict_spread_over_rows_is_named_python_not_a_configuration_file(
    text: str, language: str
) -> None:
    [problem] = check(text, language).problems
    assert problem.code in (codes.NO_PROMPT, codes.NOT_SHELL)
    assert "Python" in problem.message and "`python`" in problem.message
    assert "configuration file" not in problem.message


@pytest.mark.parametrize(
    "text",
    [
        'tags = {\n  Name = "web"\n  Owner = "course"\n}',  # HCL: no commas, no Python
        "FILES=(\n  a.txt,\n  b.txt,\n)",  # a bash array: no blanks around `=`
    ],
)
def test_a_block_shaped_like_a_python_assignment_but_not_python_is_not_named_python(
    text: str,
) -> None:
    assert all("Python" not in p.message for p in check(text, "bash").problems)


@pytest.mark.parametrize(
    "text",
    [
        "greet() {\n    echo hello;\n}\ngreet",  # a shell function
        "cd build;\nmake all;",  # statements ended by `;`, no section
        "if [ -d x ]; then\n    cd x\nfi",
    ],
)
def test_a_shell_script_with_braces_or_semicolons_is_still_shell(text: str) -> None:
    assert codes_of(check(text, "bash")) == []


def test_a_command_that_goes_on_over_lines_without_a_ps2_prompt_says_so() -> None:
    text = "$ hostlist -e\nnode1\n\n$ for n in $(hostlist -e); do\n      ping -c1 $n;\n  done"
    [problem] = check(text).problems
    assert problem.code == codes.DROPPED_COMMAND and problem.offset == 4
    assert "`> `" in problem.message and "2 line(s)" in problem.message
    assert codes_of(check("$ for n in a b; do\n>   ping -c1 $n\n> done")) == []
    # output that does not complete the command leaves the syntax error as it was
    assert codes_of(check("$ echo 'unclosed\nunclosed")) == [codes.SHELL_SYNTAX]


def test_a_command_going_on_over_lines_in_a_plain_block_without_copy_buttons_is_whole() -> None:
    """Blind batch O, fipy: a `$ for ... do ... done` loop in a `::` block of a course with
    default highlighting and no copy button: nothing shows its rows as output or leaves
    them out of a copy, so the loop reads whole as shown."""
    text = "$ for s in a b\n  do\n    run $s\n  done"
    no_button = RuleContext()
    # whole as shown; only its `$ `, plain text there, is selected with it (CC005)
    assert codes_of(check(text, "default", ctx=no_button)) == [codes.SCRIPT_PROMPT]
    assert codes_of(check(text, "default")) == [codes.SCRIPT_PROMPT, codes.DROPPED_COMMAND]
    # a console block draws those rows as output
    assert codes_of(check(text, ctx=no_button)) == [codes.DROPPED_COMMAND]


def test_a_note_in_brackets_after_a_command_is_named_as_a_note() -> None:
    [problem] = check("$ export LOG_LEVEL=DEBUG  (default value is INFO)").problems
    assert problem.code == codes.SHELL_SYNTAX
    assert (
        "note to the reader" in problem.message and "`# default value is INFO`" in problem.message
    )


def test_a_list_of_names_in_a_console_block_is_no_command() -> None:
    """Blind batch V: the packages to install, one a row with a remark after some, in a
    prompt-less console block got CC001 "write `$ `"; commands one word a row still do."""
    names = (
        "python\nwinhelper  # only on Windows\nmacbundler\nelfpatcher  # Linux\n# and a C compiler"
    )
    assert codes_of(check(names)) == []
    assert codes_of(check("hostname\nwhoami\nnproc")) == [codes.NO_PROMPT]


def test_the_output_after_a_prompt_less_command_is_not_checked_as_commands() -> None:
    """Blind batch V: `tool --help` and the options it printed, in a console block: CC001
    for the command, and no CC105 for a `<search>=<replace>` the help text shows."""
    text = "tool build --help\nOptions for 'build' command:\n  --out (-o)     folder\n"
    text += "  --replace      paths to replace, in the form <search>=<replace>\n  --path  list"
    assert codes_of(check(text)) == [codes.NO_PROMPT]
    # a placeholder in the command itself is still named
    assert codes.ANGLE_PLACEHOLDER in codes_of(check("tool build --out <folder>\nls"))


def test_the_paths_a_command_printed_are_output_not_typed() -> None:
    """Blind batch V: a checker run over a glob (`tool **/*.py -c -v`), a blank row, then
    its report naming the author's files under `/home/NAME`: output, no CC204."""
    text = "tool **/*.py -c -v\n\nOK: /home/kim/src/app/plugin.py nothing to change"
    text += "\nFAIL: /home/kim/src/app/core.py would be rewritten"
    assert codes_of(check(text, "bash")) == []


def test_a_quote_closed_on_the_next_prompted_row_is_one_command() -> None:
    """Blind batch AD, clize: `$ prog 'one` then `$ two'`: the copy button leaves out
    both prompts and gives one valid command (a word over two lines); no CC101 on either
    row. A quote nothing after it closes is still reported."""
    assert codes_of(check("$ prog --tag t: 'one\n$ two'\nt:one\nt:two")) == []
    assert codes_of(check("$ echo 'open\n$ ls")) == [codes.SHELL_SYNTAX]


def test_a_usage_synopsis_is_no_syntax_error() -> None:
    """Blind batch R: a manual page's synopsis, ``[options]`` and alternatives grouped in
    brackets, shown with a prompt in a ``text`` block, got CC101 "fix the brackets"."""
    synopsis = "$ python -m tool query [options] host port (-q NAME and/or -r FILE)"
    assert codes_of(check(synopsis, "text")) == [codes.SCRIPT_PROMPT]  # its `$ ` copied
    assert codes_of(check("$ tool query [OPTIONS]... (-q NAME | -r FILE)")) == []
    # without its `[options]`, the same brackets are the command's own: still CC101
    assert codes_of(check("$ python -m tool query host port (-q NAME and/or -r FILE)")) == [
        codes.SHELL_SYNTAX
    ]


def test_a_script_template_with_fields_is_no_syntax_error() -> None:
    template = "#!/bin/bash -l\n{preamble}\n{env_cmds}\ncd run\n{launcher} {exe} {exe_opts}"
    assert codes_of(check(template, "bash")) == []
    assert codes_of(check("{preamble}\ncd run (\n", "bash")) == [codes.SHELL_SYNTAX]


def test_a_value_shown_alone_in_a_bash_block_is_no_path_only() -> None:
    assert codes_of(check("# the spec\n'now-1d:now/mean,mean(tasks):/'", "bash")) == []
    assert codes_of(check("/proj/course/data/", "bash")) == [codes.PATH_ONLY]


def test_python_under_a_console_highlight_default_is_told_its_tag() -> None:
    code = "from tools import retry\nfrom web import get\n\n@retry(errors=[Timeout])\n"
    code += "def fetch():\n    return get('https://example.org/')"
    [problem] = check(code, implicit=True).problems
    assert problem.code == codes.NO_PROMPT and "tag the block `python`" in problem.message


def test_a_test_report_with_a_def_line_in_a_console_block_is_output() -> None:
    report = "=========== FAILURES ===========\n____________ test ____________\n\n"
    report += "    def test():\n>       assert fun() == 2\nE       assert 1 == 2\n\n"
    report += "example.py:7: AssertionError\n=========== 1 failed in 0.03s ==========="
    assert codes_of(check(report)) == []


def test_notebook_lines_with_a_blank_after_the_bang_are_no_output() -> None:
    [problem] = check("! pip install --user xarray\n! pip install --user dask").problems
    assert problem.code == codes.NO_PROMPT and "`ipython`" in problem.message


def test_python_rows_a_program_printed_under_a_heading_are_output_no_cc001() -> None:
    # a console block holding what a command printed: a count, then the imports it made
    report = "4 helpers loaded for you:\n\n  from shop.models import Cart, Item\n"
    report += "  from shop.views import show\n  from shop.tax import rate"
    assert codes_of(check(report)) == []
    # the same imports with no heading are code: still told their tag
    [problem] = check("from shop.models import Cart, Item\nfrom shop.views import show").problems
    assert problem.code == codes.NO_PROMPT and "tag the block `python`" in problem.message
    # a Python `else:` over indented rows is no heading, even where the code is cut short
    assert not language.printed_python("else:\n    from shop import tax\nfrom shop import (")
    assert language.printed_python("Imported:\n    from shop import tax\nfrom shop import (")


# ------------------------------------ a command and its output in a prompt-less script block


@pytest.mark.parametrize(
    "text",
    [
        # a program's report: `key = value`, `key: <repr>`, a ruler
        "$ENV/bin/showroutes site.ini /shop\n\nPath = /shop\n\n    target: <shop.Cart at 0x1f>\n"
        "    Handler:\n    --------\n    shop.views.cart",
        # a table whose cells hold `<unknown>` under a ruler
        "$ENV/bin/listroutes site.ini\nName    Path      Handler\n----    ----      -------\n"
        "home    /         <unknown>\nadmin   /admin    <route mismatch>",
        # a log with time stamps, SQL and brackets in it
        "$ENV/bin/makedb site.ini\n\n2024-03-02 10:11:12,001 INFO  [db][Main] SELECT CAST('a' AS"
        " TEXT)\n2024-03-02 10:11:12,002 INFO  [db][Main] ()",
        # paths under someone's home in the printed report, and a folder alone on its row
        "$ENV/bin/pkgreport\nVersion: 2.0\nPackages:\n  shop 1.0\n    /home/alice/src/shop\n"
        "/home/alice/src/lib",
        # a warning after a command, naming a file under the author's home
        "python -W default setup.py check\n# ...\nrunning check\n/home/alice/shop/views.py:3:\n"
        "DeprecationWarning: old_view is gone\n  from shop.views import old_view\n----------\n"
        "Ran 1 test in 0.01s",
    ],
)
def test_a_command_then_its_output_in_a_bash_block_is_quiet(text: str) -> None:
    # a reader follows it as a terminal: the command first, what it printed below. The
    # output's `<x>`, paths and brackets are nobody's to type: no CC105/CC204/CC108/CC101.
    assert codes_of(check(text, "bash")) == []


def test_the_command_over_its_output_is_still_checked() -> None:
    text = "$ENV/bin/showroutes <config file>\n\nPath = /shop\n    Handler:\n    --------"
    [problem] = check(text, "bash").problems
    assert problem.code == codes.ANGLE_PLACEHOLDER and problem.offset == 0
    # a script, whose rows are commands, is still read whole
    script = "for f in *.ini; do\n  showroutes $f\ndone\necho done: all"
    assert codes_of(check(script, "bash")) == []
    assert codes_of(check("cd /proj/x\ncat job.out\nstatus: ok )", "bash")) == [codes.SHELL_SYNTAX]


def test_output_alone_in_a_bash_block_is_named_output_not_its_placeholders() -> None:
    report = "=========== test session starts ===========\nplatform linux -- Python 3.12\n"
    report += "rootdir: <checkout>/shop\nplugins: cov-5.0\ncollected 5 items\n\n..... [100%]"
    [problem] = check(report, "bash").problems
    assert problem.code == codes.NOT_SHELL and "program output or a log" in problem.message


def test_a_test_report_with_a_sentence_in_a_shell_block_is_output_not_prose() -> None:
    report = "Preparing the test database for alias 'main' now...\nF\n" + "=" * 30 + "\n"
    report += "FAIL: test_total (shop.tests.CartTests)\n" + "-" * 30 + "\n"
    report += "Traceback (most recent call last):\nAssertionError: 1 != 2\n\nFAILED (failures=1)"
    [problem] = check(report, "shell").problems
    assert problem.code == codes.NOT_SHELL and "program output or a log" in problem.message


def test_an_xml_file_in_a_shell_block_is_named_as_a_file_not_as_output() -> None:
    feed = '<?xml version="1.0" encoding="UTF-8"?>\n<?xml-stylesheet ...\n'
    feed += '<catalog xmlns="http://example.org/ns"\n         xmlns:x="http://example.org/x">'
    for implicit in (True, False):
        [problem] = check(feed, "sh", implicit=implicit).problems
        assert problem.code == codes.NOT_SHELL and "tag it `xml`" in problem.message
        assert "a file's content" in problem.message and "output" not in problem.message
    # markup a console block shows (a file printed) stays quiet; a placeholder is no tag
    assert codes_of(check(feed)) == []
    assert codes_of(check("ssh <user>@login.example.org", "bash")) == [codes.ANGLE_PLACEHOLDER]


def test_html_in_a_bash_block_is_markup_not_placeholders() -> None:
    page = "<html>\n  <body>\n    <p>Hello</p>\n  </body>\n</html>"
    [problem] = check(page, "bash").problems
    assert problem.code == codes.NOT_SHELL and "tag it `xml`" in problem.message


def test_powershell_in_a_shell_block_is_told_its_tag() -> None:
    script = "$env:TOOL_COMPLETE = 'powershell_source'\ntool | Out-String | Invoke-Expression\n"
    script += "Remove-Item Env:TOOL_COMPLETE"
    for tag in ("shell", "bash"):
        [problem] = check(script, tag).problems
        assert problem.code == codes.NOT_SHELL and "tag it `powershell`" in problem.message
    # a bash line with a hyphenated word is no cmdlet
    assert codes_of(check("git add-on --help\nls -l | tee Out-file.txt", "bash")) == []
    # blind batch R: each system's way side by side, PowerShell's the third of three
    ways = "# on Linux and macOS\nrm -r ~/.tool-cache\nls ~\n\n# or in PowerShell\n"
    ways += 'Remove-Item "$HOME\\.tool-cache" -Recurse'
    assert codes_of(check(ways, "bash")) == []


def test_a_python_settings_line_in_a_shell_block_is_told_its_tag() -> None:
    [problem] = check("TILE_LIBRARY_PATH = '/opt/tiles/lib/libtile.so'", "shell").problems
    assert problem.code == codes.NOT_SHELL and "tag it `python`" in problem.message
    # a bash assignment has no blanks around `=`; a command with `=` as an argument runs
    assert codes_of(check("TILE_PATH=/opt/tiles\nexport TILE_PATH", "shell")) == []
    assert codes_of(check("test $a = $b && echo same", "bash")) == []


def _document(*texts: str) -> list[BlockResult]:
    blocks = [Block("page", "page.rst", 10 * i, "console", t) for i, t in enumerate(texts)]
    return check_document(blocks, NO_TABLE)


def test_a_program_the_page_runs_at_a_prompt_is_a_command_without_one() -> None:
    # `sitectl` is in no list: the page prompts it once, so its bare rows are commands,
    # with an option, a digit option, or none
    usage, *bare = _document(
        "$ sitectl <command> [options]",
        "sitectl serve 10.0.0.1:8000",
        "sitectl serve -6",
        "sitectl flush",
        "sitectl check --tag models",
    )
    assert codes_of(usage) == [codes.ANGLE_PLACEHOLDER]
    assert [codes_of(result) for result in bare] == [[codes.NO_PROMPT]] * 4
    # on a page that never runs it, `sitectl flush` may be anything: output, quiet
    assert [codes_of(result) for result in _document("sitectl flush")] == [[]]
    # output that names the program with a colon, or indented, is still output
    results = _document("$ sitectl check", "sitectl: no issues found\n  sitectl 2.1")
    assert [codes_of(result) for result in results] == [[], []]
    # the program's own log, each row marked with its name: output
    results = _document("$ sitectl", "sitectl > Running check\nsitectl > Check was successful.")
    assert [codes_of(result) for result in results] == [[], []]
    # what `sitectl --version` printed: the name and a version, output
    results = _document("$ sitectl --version", "sitectl 2.1.0")
    assert [codes_of(result) for result in results] == [[], []]


@pytest.mark.parametrize(
    "text",
    [
        # a test session's report, which bash happens to parse: output all the same
        "========= test session starts =========\nplatform linux -- Python 3.12\n"
        "rootdir: /work/shop\nplugins: cov-5.0\ncollected 4 items\n\n"
        "tests/test_cart.py ....     [100%]\n" + "-" * 40 + "\nshop/cart.py    16    0   100%",
        "9c1e2f0 fix the totals",  # one row of a git log
    ],
)
def test_output_alone_in_a_bash_block_is_cc107_whether_or_not_bash_parses_it(text: str) -> None:
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL and "program output or a log" in problem.message


def test_a_settings_file_in_a_bash_block_is_named_a_files_content() -> None:
    env = "name: shop\nchannels:\n  - conda-forge\ndependencies:\n  - numpy\n  - pandas"
    [problem] = check(env, "bash").problems
    assert problem.code == codes.NOT_SHELL and "a settings file's content" in problem.message
    # headers a program printed have the same shape, and the message allows for them
    [problem] = check("content-type: application/json\nallow: GET, OPTIONS", "bash").problems
    assert "headers a program printed" in problem.message


def test_a_compilers_error_message_in_a_bash_block_is_named_output() -> None:
    """`clang: error: ...` has the shape of a `key: value` row, but it is what a program
    printed (blind batch J, falcon: it was named a settings file)."""
    text = "clang: error: unknown argument: '-mno-fused-madd'\nerror: command 'cc' failed"
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL and "program output or a log" in problem.message


@pytest.mark.parametrize(
    "text", ["In [3]: help(app.__call__)", "In [1]: import app\n\nIn [2]: app.Request?"]
)
def test_an_ipython_session_in_a_bash_block_is_named_one(text: str) -> None:
    """IPython's `In [N]:` prompts in a `bash` block: another language, named as such
    (blind batch J, falcon: told to fix quotes, or nothing said when bash parsed it)."""
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL and "an IPython session" in problem.message
    assert "`ipython`" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "# Serve the site\n# on port 8000\nsiteserve site.ini",  # comments, a bare program
        "siteserve site.ini\nStarting server in PID 1234.\nserving on http://0.0.0.0:6543",
    ],
)
def test_a_script_with_comments_or_a_bare_program_is_not_output_alone(text: str) -> None:
    assert codes_of(check(text, "bash")) == []


@pytest.mark.parametrize(
    "tree",
    [
        ".\n├── shop\n│   ├── __init__.py\n│   └── cart.py\n└── pyproject.toml",
        "project/\n|---src/\n|   |---main.c\n|   `---util.c\n`---Makefile",  # an ASCII tree
    ],
)
def test_a_folder_tree_in_a_shell_block_is_named_a_folder_tree(tree: str) -> None:
    for tag in ("bash", "shell"):
        [problem] = check(tree, tag).problems
        assert problem.code == codes.NOT_SHELL and "a folder tree" in problem.message


@pytest.mark.parametrize(
    "text",
    [
        "# shopctl key list\nWaiting keys:\nalpha\nbravo\nAccepted keys:",
        "[root@master ~]# shopctl key list\nWaiting keys:\nalpha\nAccepted keys:\nbravo",
        "# shopctl cart.show web1\nweb1:\n    ----------\n    items:\n        3",
    ],
)
def test_a_root_prompted_command_and_its_output_in_a_bash_block_is_quiet(text: str) -> None:
    # the same convention as a bare command and its output: a transcript, not output alone
    assert codes_of(check(text, "bash")) == []


def test_a_comment_over_output_alone_is_still_output() -> None:
    text = "# What the job printed:\nJobID: 1234\nState: COMPLETED\nElapsed: 00:01:02"
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a usage line wrapped over rows of `[option=N]`: a command with a placeholder
        (
            "shopctl '*' cart.set <cart> [fast=on|off] [size=N]\n    [retries=N] [timeout=N]",
            [codes.ANGLE_PLACEHOLDER],
        ),
        # comments over commands of a program no list knows: still commands
        (
            "# On the web node\nshopctl cache.refresh\n\n# Or for one node\n"
            "shopctl node.refresh node=<node-id>",
            [codes.ANGLE_PLACEHOLDER],
        ),
        # a root prompt's command alone, with a placeholder
        ("# ssh admin@<floating ip>", [codes.ANGLE_PLACEHOLDER]),
        # csh's prompt, a folder's name before `$ `: transcripts, as `# cmd` is
        ("% curl -sS localhost:8000/login\n\nreturn:\n- eauth: pam\n  start: 1.0", []),
        ("src $ ls -R pkg\n__init__.py     core\n\npkg/core:\n__init__.py", []),
    ],
)
def test_commands_with_comments_or_wrapped_usage_are_not_output(text, expected) -> None:
    assert codes_of(check(text, "bash")) == expected


@pytest.mark.parametrize(
    "row",
    [
        "sudo apt update",
        "sudo dnf install git gcc",
        "apt-get install -y make",
        "systemctl start nfs",
    ],
)
def test_package_and_service_managers_are_commands(row: str) -> None:
    # blind batch F: 60 console blocks of kolla-ansible typed such rows without `$ `,
    # quiet beside 156 of the same shape that CC001 found
    assert is_command_row(row)


@pytest.mark.parametrize(
    "text",
    [
        "SET PASSWORD FOR 'root'@'%' = PASSWORD('new');",  # bash cannot parse it
        "SELECT Host,User FROM mysql.user WHERE User='root';",  # bash runs `SELECT`
        "CREATE DATABASE shop;\nGRANT ALL ON shop.* TO 'app'@'%';",
    ],
)
def test_sql_in_a_shell_block_is_named_sql(text: str) -> None:
    # blind batch F: SQL in kolla-ansible's bash blocks was told "fix the quotes", or quiet
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL and "SQL" in problem.message
    assert "`sql`" in problem.message


def test_sql_inside_a_command_stays_a_command() -> None:
    assert codes_of(check('$ mysql -e "SELECT 1 FROM t;"', "console")) == []


def test_a_root_prompted_command_continued_over_lines_is_a_transcript() -> None:
    # blind batch G: swift's `# swift-ring-builder x \` blocks got CC001 ("no prompt")
    # while its one-line `# cmd` blocks stayed quiet
    text = "# ring-builder account.builder \\\n  add --region 1 --zone 1 \\\n  --weight 100"
    assert codes_of(check(text, "console")) == []


def test_a_programs_option_listing_is_output() -> None:
    # blind batch G: keystone's console block of `--help` rows was told to write `$ `
    text = (
        "-h, --help            show this help message and exit\n"
        "--config-dir DIR      Path to a config directory to pull files from.\n"
        "                      This file set is sorted, and read after\n"
        "                      previous --config-file options.\n"
        "--config-file PATH    Path to a config file to use."
    )
    assert codes_of(check(text, "console")) == []


def test_a_table_is_output_not_a_folder_tree() -> None:
    # blind batch H: nova's `openstack ... list` table in a bash block was named a tree
    rule = "+------+--------+"
    text = f"{rule}\n| ID   | Status |\n{rule}\n| 1    | ACTIVE |\n{rule}"
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL and "folder tree" not in problem.message
    assert "output" in problem.message


@pytest.mark.parametrize("prompt", ["((xarray) $ ", "((xarray) bash-3.2$ ", "(venv) host$ "])
def test_a_session_under_an_environments_prompt_in_a_shell_block_is_named_a_session(prompt):
    """A command after a prompt, then its test report, tagged `shell` (blind batch I,
    xarray's contributing guide: named output, when it is a terminal session)."""
    text = f"{prompt}pytest test_feature.py -v\n" + "=" * 20 + " test session starts " + "=" * 20
    text += "\ncollected 11 items\n\ntest_feature.py::test_a PASSED    [  9%]"
    [problem] = check(text, "shell").problems
    assert problem.code == codes.NOT_SHELL and "a terminal session" in problem.message
    assert "tag it `console`" in problem.message


def test_a_fish_function_in_a_shell_block_is_named_fish() -> None:
    """Blind batch L, pygments' terminal tips: fish functions under `highlight:: shell`
    were told to fix their quotes; they are fish, and named so (tag `fish`)."""
    text = 'function cath\n        # an alias\n        alias cath="pygmentize"\nend'
    [problem] = check(text, "shell").problems
    assert problem.code == codes.NOT_SHELL and "fish shell code" in problem.message
    assert "tag it `fish`" in problem.message
    # bash's own function, and a word `end` in a bash block, are bash
    assert codes_of(check('function cath {\n  pygmentize "$@"\n}', "shell")) == []
    assert codes_of(check("echo end\nend=1", "shell")) == []


def test_a_timing_printed_in_a_shell_block_is_named_output() -> None:
    """Blind batch O, astroplan: `%timeit`'s report tagged `shell` was told to fix its
    quotes (CC101); it is output."""
    text = "290 ms ± 4.6 ms per loop (mean ± std. dev. of 7 runs, 1 loop each)"
    [problem] = check(text, "shell").problems
    assert problem.code == codes.NOT_SHELL and "program output or a log" in problem.message
    assert codes_of(check("2>&1 echo done", "shell")) == []  # a redirection is no number


@pytest.mark.parametrize(
    "text",
    [
        "ZGF0YSBmb3IgYSB0ZXN0Cg==",
        "--- begin record ---\nZGF0YSBmb3IgYSB0ZXN0Cg==\n==7== ERROR: target exited early",
    ],
)
def test_a_base64_string_in_a_console_block_is_data(text: str) -> None:
    """Blind batch AI: an encoded record (alone, or in a log between its delimiters) was
    told to write `$ `, as bash would read `NAME==` as a variable set."""
    assert codes_of(check(text, "console")) == []
    # a variable set on its own row is still a command
    assert codes_of(check("BUILD_DIR=/tmp/build", "console")) == [codes.NO_PROMPT]


def test_prose_in_a_pycon_block_without_prompts_is_what_the_repl_printed() -> None:
    """Blind batch AI: a `pycon` block showing a program's text output (`KEY:VALUE`
    rows) was told to tag it `text`; Python code there is still told to tag `python`."""
    shown = "BEGIN:RECORD\nNAME:Weekly meeting about the schedule\nEND:RECORD"
    assert codes_of(check(shown, "pycon")) == []
    [problem] = check("import json\ndata = json.loads(text)", "pycon").problems
    assert problem.code == codes.NO_PROMPT and "tag the block `python`" in problem.message


def test_an_objects_repr_after_the_repl_prompt_is_named_output() -> None:
    """Blind batch AI: `>>> <Name [...]>` gave CC106 naming leading zeros in its date."""
    text = ">>> w = Widget()\n>>> w\n>>> <Widget [2021-04-07T09:30:00]>"
    [problem] = check(text, "pycon").problems
    assert problem.code == codes.PYTHON_SYNTAX and problem.offset == 2
    assert "what Python printed" in problem.message and "zeros" not in problem.message
    # a placeholder is not a repr
    [problem] = check(">>> size = <your size>", "pycon").problems
    assert "placeholder" in problem.message


@pytest.mark.parametrize(
    "text", ["Packet ::= SEQUENCE {\n    kind INTEGER,\n    body ANY\n}", "<digit> ::= 0 | 1 | 2"]
)
def test_a_grammar_in_a_shell_block_is_named_a_grammar(text: str) -> None:
    """Blind batch AH: ASN.1 definitions tagged `bash` were told of a stray `}`."""
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL and "a grammar" in problem.message
    assert "tag it `text`" in problem.message


def test_an_environment_glued_to_the_prompt_is_a_prompt_in_a_console_block() -> None:
    """Blind batch AG: `(env)$ cmd`, which Pygments' console lexer draws as a prompt, was
    taken for output, and its commands went unchecked."""
    results = check('$ mkenv tools\n(tools)$ pip install "tool', "console")
    assert codes_of(results) == [codes.SHELL_SYNTAX]
    assert results.problems[0].offset == 1
    assert codes_of(check("$ mkenv tools\n(tools)$ pip install tool", "console")) == []


def test_a_repl_session_indented_as_a_whole_is_checked() -> None:
    """Blind batch AI: doctest blocks whose `:options:` row is indented less than their
    rows keep a blank before every `>>> `; nothing of them was checked."""
    results = check(" >>> import json\n >>> json.loads('[1'\n [1]", "pycon")
    assert codes_of(results) == [codes.PYTHON_SYNTAX] and results.problems[0].offset == 1
    assert codes_of(check(" >>> import json\n >>> json.loads('[1]')\n [1]", "pycon")) == []


@pytest.mark.parametrize(
    "text",
    [
        "vdb index drop (-n <name> | -f <schema.yaml>) [CONNECTION_OPTIONS]",
        "vdb index make -f <schema.yaml> [OPTIONS]",
        "vdb restore --from <dir> [--only <name>]",
    ],
)
def test_a_usage_line_without_a_prompt_is_its_notation(text: str) -> None:
    """Blind batch AK: 29 alarms on one page's usage lines (under a "Syntax" label) whose
    `<x>` and `( a | b )` are the notation of a form, not a command to paste."""
    assert codes_of(check(text, "bash")) == []
    # at a prompt, a row is a command to type: its `<x>` is still one (CC105)
    assert codes.ANGLE_PLACEHOLDER in codes_of(check(f"$ {text}", "console"))
    # without the notation, a prompt-less row's `<x>` still is too
    assert codes_of(check("vdb status --state <state.yaml>", "bash")) == [codes.ANGLE_PLACEHOLDER]


def test_a_statement_shown_with_its_syntax_error_is_on_purpose() -> None:
    """Blind batch AL: `>>> 3y` followed by the SyntaxError it gives, to show that
    implied multiplication does not compile."""
    shown = ">>> 3y\nTraceback (most recent call last):\n...\nSyntaxError: invalid syntax"
    assert codes_of(check(shown + "\n>>> 3*y\n3*y", "pycon")) == []
    assert codes_of(check(">>> 3y\n>>> 3*y\n3*y", "pycon")) == [codes.PYTHON_SYNTAX]


@pytest.mark.parametrize(
    "text",
    [
        ">>> s = series(k)\n>>> s.transform()\n>>>      3\n    1 + --\n         k",
        ">>> v = space.vector(name='v')\n>>> v1 e\u2081 + v12 e\u2081\u2082",
    ],
)
def test_output_shown_after_the_repl_prompt_is_named_output(text: str) -> None:
    """Blind batch AL: a value the statement above printed (a pretty-printed formula,
    subscripts), written after `>>> `, was told of an indent or an invalid character."""
    [problem] = check(text, "pycon").problems
    assert problem.code == codes.PYTHON_SYNTAX and "reads as output" in problem.message
    # a loop's body prompted `>>> ` is still a statement that goes on
    [problem] = check(">>> for k in range(3):\n>>>     print(k)", "pycon").problems
    assert "goes on" in problem.message
    # a statement typed wrong after an expression is still named by what is wrong with it
    for typo in (">>>  s.invert(k)", ">>> : s.invert(k)"):
        [problem] = check(f">>> s.transform()\n3\n{typo}", "pycon").problems
        assert "reads as output" not in problem.message, typo


@pytest.mark.parametrize(
    "text",
    [
        "=======================\nStep timing (seconds)\n=======================\n"
        "fetch_sources        12\napt-get              295\ngit_clone            168\n"
        "-----------------------\nTotal runtime        475",
        "[build-plugin-cache]\ntype = git\nlocation = https://example.org/cache.git\n"
        "reference = v1.2.0",
    ],
)
def test_a_timing_table_or_a_settings_file_in_a_console_block_is_no_command(text) -> None:
    """Blind batch AM: a timing report (`apt-get   295`) and an INI section (`type = git`)
    were read as commands, and told to write `$ `."""
    assert codes_of(check(text, "console")) == []
    assert codes_of(check("apt-get install -y git", "console")) == [codes.NO_PROMPT]


def test_a_command_substitution_is_a_word_of_its_command() -> None:
    """Blind batch AM: `ln -s $(which tool) /opt/bin/` was split at the substitution, and
    `/opt/bin/` alone was told it is a path, not a command (CC108)."""
    assert codes_of(check("$ mkdir -p /opt/bin\n$ ln -s $(which tool) /opt/bin/")) == []
    assert codes_of(check("$ /opt/bin/")) == [codes.PATH_ONLY]


def test_a_block_prompted_row_by_row_is_named_so_when_its_body_does_not_compile() -> None:
    """Blind batch AO: `>>> try:`, its body and `except` each after `>>> `, with a Python 2
    `print x` inside, was told the `try` has no body."""
    text = (
        ">>> data = load()\n>>> try:\n>>>   item = Item()\n>>>   print item.value\n"
        ">>> except ValueError:\n>>>   print 'not valid'"
    )
    [problem] = check(text, "pycon").problems
    assert problem.offset == 1 and "goes on over the next 4 rows" in problem.message
    # a block opened with nothing indented after it is still incomplete
    [problem] = check(">>> if ready:\n>>> go()", "pycon").problems
    assert "incomplete" in problem.message


def test_a_projects_script_run_by_its_relative_path_is_a_command() -> None:
    """Blind batch AM: `tools/flags.sh <path to source>` in a console block without a
    prompt was taken for output: neither CC001 nor its placeholder (CC105) was named."""
    found = codes_of(check("tools/flags.sh <path to source>", "console"))
    assert found == [codes.NO_PROMPT, codes.ANGLE_PLACEHOLDER]
    assert codes_of(check("ci/release.py --dry-run", "console")) == [codes.NO_PROMPT]
    # a listing of a project's files is output
    assert codes_of(check("docs/conf.py\nsrc/app.py\ntests/test_app.py", "console")) == []


def test_an_ini_file_in_a_shell_block_is_named_an_ini_file() -> None:
    """Blind batch AR: a `.pypirc`'s content tagged `bash` gave one CC105 per `<x>` value
    to fill in, where the cause is the tag."""
    text = "[index]\nservers =\n  main\n\n[main]\nurl=https://example.org/upload/\n"
    text += "username=<your name>\npassword=<your token>"
    [problem] = check(text, "bash").problems
    assert problem.code == codes.NOT_SHELL and "an INI file" in problem.message
    assert "tag it `ini`" in problem.message
    # a test's bracket is bash
    assert codes_of(check("[ -d build ] && ls build", "bash")) == []


# ------------------------------------------- CC005: a prompt the script lexer copies


def test_a_prompt_in_a_script_block_is_copied_with_the_command() -> None:
    """Blind batches (PyNaCl, and the corpus's `sh` blocks): `$ cmd` in a `bash` block
    is no prompt to the script lexer, so a copy button that drops `.gp` copies `$ `."""
    result = check("$ pip install tool\n$ tool --version", "bash")
    assert codes_of(result) == [codes.SCRIPT_PROMPT]
    [problem] = result.problems
    assert problem.offset == 0 and "2 rows" in problem.message
    assert "Tag the block `console`, where the copy button leaves the prompt out" in (
        problem.message
    )
    prompted = check("echo setup\n[me@login ~]$ make", "shell").problems
    assert [(p.code, p.offset) for p in prompted] == [(codes.SCRIPT_PROMPT, 1)]
    assert "`[me@login ~]$`" in prompted[0].message


def test_a_copy_button_that_keeps_prompts_is_told_what_to_exclude() -> None:
    ctx = RuleContext(copy_button=CopyButton(exclude=".linenos"))
    [problem] = check("$ make", "bash", ctx=ctx).problems
    assert problem.code == codes.SCRIPT_PROMPT and "add `.gp` to `copybutton_exclude`" in (
        problem.message
    )


@pytest.mark.parametrize(
    ("text", "language", "ctx"),
    [
        ("$ make", "console", NO_TABLE),  # drawn as a prompt, excluded
        ("$ make", "bash", RuleContext(copy_button=CopyButton(prompt_text="$ "))),
        (
            "$ make\n>>> 1",
            "bash",
            RuleContext(copy_button=CopyButton(prompt_text=r">>> |\$ ", is_regexp=True)),
        ),
        ("echo $HOME\nmake $TARGET", "bash", NO_TABLE),  # variables, no prompt
    ],
)
def test_a_prompt_the_copy_button_leaves_out_is_no_cc005(text, language, ctx) -> None:
    assert codes.SCRIPT_PROMPT not in codes_of(check(text, language, ctx=ctx))


def test_without_a_copy_button_the_prompt_is_selected_with_the_command() -> None:
    """Sphinx's stylesheet makes a console prompt (`.gp`) unselectable; in a `text` or
    `::` block the `$ ` is plain text, selected and copied by hand (blind batch AS)."""
    for tag in ("text", "default", "bash"):
        [problem] = check("$ pip install tool", tag, ctx=RuleContext()).problems
        assert problem.code == codes.SCRIPT_PROMPT, tag
        assert "selecting the text copies `$`" in problem.message
        assert f"highlighted as `{tag}`" in problem.message


def test_a_prompt_directive_draws_its_own_prompts() -> None:
    """sphinx-prompt's `.. prompt:: bash $` shows `$ ` drawn apart, never copied."""
    shown = Block("page", "page.rst", 10, "bash", "$ make", prompts=("$",))
    assert check_document([shown], NO_TABLE)[0].problems == []


def test_values_written_as_tuples_in_a_bash_block_are_no_commands() -> None:
    """Blind batch AU, hyperspy: an order of axes, `(a6, a5) (a4, a3, a2, a1) # chop`,
    tagged `bash` got CC101 "`(` cannot come here": notation nobody runs."""
    axes = "(a1, a2, a3, a4) # original\n(a4, a3, a2, a1) # reverse\n(a4, a3) (a2, a1)  # chop"
    assert codes_of(check(axes, "bash")) == []
    assert codes_of(check("(a6, a5) [a4, a3]", "bash")) == []
    # a subshell's command next to another still is what bash cannot parse
    assert codes_of(check("(cd build; make) (echo a, b)", "bash")) == [codes.SHELL_SYNTAX]


@pytest.mark.parametrize("language", ["shell", "default", "console"])
def test_a_code_directive_quoted_by_a_double_colon_names_the_markup(language: str) -> None:
    """Blind batch AU, dask-image: `with::` above an unindented `.. code-block:: console`
    made its line a "quoted" literal block (the commands a quoted paragraph); CC107 said
    "looks like output, tag it text"."""
    [problem] = check(".. code-block:: console", language).problems
    assert problem.code == codes.NOT_SHELL and problem.offset == 0
    assert "`.. code-block:: console` alone, shown as text" in problem.message
    assert "ends in `::`" in problem.message and "End that paragraph with `:`" in problem.message


def test_a_markup_example_with_its_content_is_no_quoted_directive() -> None:
    """A contributor guide showing how to write a code block (tests/corpus course-c)."""
    example = ".. code-block:: console\n\n   $ module load Python/3.11.3"
    assert codes_of(check(example, "console")) == []


def test_a_hidden_character_in_output_is_not_said_to_be_copied() -> None:
    """Blind batch AT, toil: a control character in the JSON a `curl` printed got CC003,
    "copied with the command"; output rows of a session are not copied."""
    session = '$ curl http://localhost:8080/runs\n{"state": "RUN\x13NING"}'
    assert codes_of(check(session)) == []
    assert codes_of(check('$ echo "RUN\x13NING"')) == [codes.HIDDEN_CHARACTER]
    # a script block has no output rows: every row is typed
    assert codes_of(check('echo "RUN\x13NING"', "bash")) == [codes.HIDDEN_CHARACTER]


@pytest.mark.parametrize(
    "text",
    [
        "(tool_env) $",  # blind batch AW: the prompt as it shows once activated, alone
        # blind batches AV, AX: a record shown in a `text`/`::` block, commands and output
        "$ git shortlog -s | sort -rn\n  12  A Person\n   3  B Person",
        "$ tool -c 1\nTraceback (most recent call last):\nValueError: bad",
    ],
)
def test_a_prompt_alone_or_a_record_shown_as_text_is_no_cc005(text: str) -> None:
    assert codes.SCRIPT_PROMPT not in codes_of(check(text, "default", ctx=RuleContext()))
    assert codes.SCRIPT_PROMPT not in codes_of(check(text, "text"))


def test_a_transcript_in_a_bash_block_is_still_cc005() -> None:
    """Tagged as a script, a session is tagged wrong whatever it shows."""
    session = "$ git shortlog -s | sort -rn\n  12  A Person"
    assert codes.SCRIPT_PROMPT in codes_of(check(session, "bash"))


def test_arrow_prompts_in_a_console_block_are_named() -> None:
    """Blind batch AX, jupyter_server: `> jupyter server` in a console block passed: no
    console lexer draws `> ` as a prompt, and pasted, bash writes into a file."""
    [problem] = check("> jupyter server --port 9999").problems
    assert problem.code == codes.NO_PROMPT
    assert "redirection" in problem.message and "Write `$ ` for `> `" in problem.message
    [tagged] = check("> jupyter server --port 9999", "bash").problems
    assert tagged.code == codes.NOT_SHELL and "tag it `console`" in tagged.message
    assert "Write `$ ` for `> ` too" in tagged.message  # blind batch AX's W: console alone


def test_a_value_written_after_dots_is_named_as_the_printed_value() -> None:
    """Blind batch AU, hyperspy: `>>> type(s.data)` then `... numpy.ndarray` was told to
    write `>>> ` before the value; the value is output, written with no prompt."""
    [problem] = check(">>> type(s.data)\n... numpy.ndarray", "pycon").problems
    assert problem.code == codes.PYTHON_SYNTAX
    assert "looks like the value the statement prints" in problem.message
    [other] = check(">>> x = 1\n... y = 2", "pycon").problems  # a statement: `>>> ` it is
    assert "write `>>> ` before it" in other.message


def test_rows_going_on_with_a_command_are_read_a_bounded_number() -> None:
    """Blind-round fix (CC005 quiet for records shown as text) reads prompt-less rows as
    going on with the command above while bash would wait: bounded, as a hostile page
    may hold thousands."""
    from hpccourse.console.lines import MOST_ROWS_GOING_ON

    loop = "$ for i in 1 2; do\n" + "  echo $i\n" * 3 + "done"
    assert codes.SCRIPT_PROMPT in codes_of(check(loop, "text"))  # rows that go on: no output
    long = "$ for i in 1 2; do\n" + "  echo $i\n" * (MOST_ROWS_GOING_ON + 5) + "done"
    assert codes.SCRIPT_PROMPT not in codes_of(check(long, "text"))  # past it: output


def test_a_path_pattern_alone_in_a_bash_block_is_no_command() -> None:
    """Blind batch BC, labgrid: `/tmp/app-<username>/<sha256sum>/<filename>`, where
    a file is stored, got CC105 three times."""
    assert codes_of(check("/tmp/app-<username>/<sha256sum>/<filename>", "bash")) == []
    # a command with a path of that shape still has its `<x>` read as bash reads it
    assert codes_of(check("/opt/tool/bin/run <file>", "bash")) == [codes.ANGLE_PLACEHOLDER]


def test_pythons_prompt_a_chevron_short_is_named() -> None:
    """Blind batch BB, naima: `>> fit = Fitter(...)` in a pycon block got CC001 "write `$ `"."""
    [problem] = check(">> fit = Fitter(model)\n>> # done\n>> p0 = fit.pars", "pycon").problems
    assert problem.code == codes.NO_PROMPT and "Write `>>> `" in problem.message
    assert "`$ `" not in problem.message


def test_a_percent_and_a_blank_is_zshs_prompt_not_a_magic() -> None:
    """Blind batch BB, pyvo: `% pip install tool` was told to be a notebook cell."""
    assert codes.NOT_SHELL not in codes_of(check("% pip install tool\n% tool check x", "shell"))
    [magic] = check("%pip install numpy", "bash").problems  # IPython's magic, no blank
    assert magic.code == codes.NOT_SHELL and "`ipython`" in magic.message
