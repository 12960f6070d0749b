"""The checker on other centres' courses (issue 11): scripts read whole, the language tag,
environments proven per path, user-name guesses, copy-button advice, and the new codes
CC002, CC003, CC107, CC108, CC207. Block records in, results out; no Sphinx."""

from __future__ import annotations

import pytest
from hpccourse.console import codes
from hpccourse.console.check import check_document
from hpccourse.console.language import guess_language, looks_like_pseudo_code
from hpccourse.console.model import Block, BlockResult, Command, CopyButton, RuleContext
from hpccourse.console.rules import env_change, is_path_only, uncommented
from hpccourse.console.syntax import is_plain_command, parse_and_check
from hypothesis import given, settings
from hypothesis import strategies as st

NO_TABLE = RuleContext()
U, H = "uppmax", "hpc2n"
TABLE = RuleContext(
    placeholder={U: "[username]", H: "[username]"},
    storage_roots={U: "/proj/r-py-jl-m-rackham", H: "/proj/nobackup/r-py-jl-m"},
    modules={U: frozenset({"python/3.11.8"}), H: frozenset({"GCC/12.3.0", "Python/3.11.3"})},
)


def block(text: str, language: str = "console", **fields: object) -> Block:
    return Block(docname="page", source="page.rst", line=1, language=language, text=text, **fields)  # type: ignore[arg-type]


def results(*blocks: Block, ctx: RuleContext = NO_TABLE) -> list[BlockResult]:
    return check_document(blocks, ctx)


def found(result: BlockResult) -> list[tuple[str, int]]:
    return [(p.code, p.offset) for p in result.problems]


# ------------------------------------------------------------ 1: scripts read whole

SCRIPTS = {
    "loop": 'for f in *.py; do\n    python "$f"\ndone',
    "case": 'case "$1" in\n  a) echo a ;;\n  *) echo other ;;\nesac',
    "function": "greet() {\n  echo hi\n}\ngreet",
    "batch": '#!/bin/bash\n#SBATCH -A proj\n#SBATCH -n 4\nif [ -n "$X" ]; then\n  srun a.out\nfi',
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
@pytest.mark.parametrize("language", ["bash", "sh"])
def test_a_script_block_is_one_program(name: str, language: str) -> None:
    [result] = results(block(SCRIPTS[name], language))
    assert result.problems == [], result.problems
    assert len(result.commands) == 1


def test_a_script_error_is_reported_at_its_own_line() -> None:
    text = "#!/bin/bash\necho start\nfor i in 1 2; do\n  echo $i\necho end"
    [result] = results(block(text, "bash"))
    assert found(result) == [(codes.SHELL_SYNTAX, 4)]
    assert "`done`" in result.problems[0].message


def test_a_stray_keyword_in_a_script_is_at_its_line() -> None:
    [result] = results(block("echo a\necho b\nfi\necho c", "bash"))
    assert found(result) == [(codes.STRAY_KEYWORD, 2)]


# ------------------------------------------------------------ 2: the language tag


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ('results <- read.csv("r.csv")\nsummary(results)', "r"),
        ("library(ggplot2)\nggplot(df)", "r"),
        ("(@v1.8) pkg> add IJulia", "julia-repl"),
        ("julia> using Pkg", "julia-repl"),
        ("import numpy as np\nprint(np.pi)", "python"),
        ("for i start at 1 end at 4\n    do the work\nend", "text"),
    ],
)
def test_other_languages_tagged_as_shell_get_cc107_naming_the_tag(text: str, tag: str) -> None:
    [result] = results(block(text, "sh"))
    assert found(result) == [(codes.NOT_SHELL, 0)]
    assert f"tag it `{tag}`" in result.problems[0].message
    assert "quotes" not in result.problems[0].message


def test_a_script_writing_r_into_a_file_is_shell() -> None:
    text = "cat > fit.R <<EOF\nx <- 1\nlibrary(broom)\nEOF\nRscript fit.R"
    assert results(block(text, "bash"))[0].problems == []


def test_a_real_shell_error_without_shell_punctuation_is_still_cc101() -> None:
    [result] = results(block("for i in 1 2 3\necho hi", "bash"))
    assert [p.code for p in result.problems] == [codes.SHELL_SYNTAX]
    assert not looks_like_pseudo_code("for i in 1 2 3\ndo work")


def test_batch_scripts_are_shell_not_another_language() -> None:
    assert guess_language("#!/bin/bash\n#SBATCH -n 1\nsrun a.out").tag == "bash"  # type: ignore[union-attr]
    assert guess_language("module load x\npython y.py") is None


# ------------------------------------------------------------ 3: environments proven


def test_a_placeholder_activation_proves_nothing() -> None:
    for command in (
        "source <path/>Example/bin/activate",
        "conda activate <conda-env-name>",
        "source $VENV/bin/activate",
        "conda activate [env]",
    ):
        changed, state = env_change(command.split())
        assert changed and state is not None and not isinstance(state, str), command


def test_another_tabs_activation_proves_nothing_on_this_tab() -> None:
    blocks = [
        block("$ source a/bin/activate", tab="venv"),
        block("(b) $ ls", tab="conda"),
        block("(b) $ ls", tab="venv"),
    ]
    checked = results(*blocks)
    assert [found(r) for r in checked] == [[], [], [(codes.ENV_PROMPT, 0)]]
    assert "in the `venv` tab" in checked[2].problems[0].message


def test_a_new_part_of_the_page_proves_nothing() -> None:
    blocks = [block("$ source a/bin/activate", scope="s1"), block("(b) $ ls", scope="s2")]
    assert [found(r) for r in results(*blocks)] == [[], []]


def test_prose_that_tells_to_activate_proves_nothing_unless_it_shows_the_command() -> None:
    first = block("$ source a/bin/activate\n(a) $ deactivate")
    told = block("(b) $ ls", prose=(("", True),))
    shown = block("(c) $ ls", prose=(("source b/bin/activate", True),))
    assert [found(r) for r in results(first, told)] == [[], []]
    assert [found(r) for r in results(first, shown)] == [[], [(codes.ENV_PROMPT, 0)]]


# ------------------------------------------------------------ 4: user-name guesses


@pytest.mark.parametrize(
    "text",
    [
        "$ cd /proj/snic2022-22-641/nobackup/[user]/work",
        "$ cd /home/u/username/work",
        "$ ls /home/user/data",
        "$ ls /proj/nobackup/r-py-jl-m/[username]   # e.g. /proj/nobackup/r-py-jl-m/sven",
        "b-an01 [/proj/nobackup/support/alice]$ ls",
        "[<user>@cosmos2 /]$ ml avail",
    ],
)
def test_placeholders_comments_and_displayed_prompts_are_not_user_names(text: str) -> None:
    assert results(block(text))[0].problems == []
    # With a table (placeholder `[username]`), `[user]` may be CC203, never CC204.
    with_table = [p.code for p in results(block(text), ctx=TABLE)[0].problems]
    assert codes.REAL_USER not in with_table, with_table


def test_a_real_user_name_in_a_command_is_still_found() -> None:
    declared = RuleContext(project_roots=("/proj", "/proj/nobackup"))
    [result] = results(block("$ cd /proj/nobackup/support/alice"), ctx=declared)
    assert found(result) == [(codes.REAL_USER, 0)]


def test_comments_are_cut_outside_quotes_only() -> None:
    assert uncommented("ls /x  # a comment") == "ls /x"
    assert uncommented("echo 'a # b'") == "echo 'a # b'"
    assert uncommented("echo a#b") == "echo a#b"


# ------------------------------------------------------------ 5: CC001's advice


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("#!/bin/bash\n#SBATCH -n 1\npython x.py", "tag the block `bash`"),
        ('install.packages("x")\nlibrary(x)', "tag the block `r`"),
        ("!pip install seaborn", "tag the block `ipython`"),
        ("module load python", "Write `$ `"),
    ],
)
def test_cc001_advice_fits_the_lines(text: str, advice: str) -> None:
    [problem] = results(block(text))[0].problems
    assert problem.code == codes.NO_PROMPT and advice in problem.message


@pytest.mark.parametrize(
    ("button", "said"),
    [
        (None, None),
        (CopyButton(prompt_text="$ ", exclude=".linenos"), "copies every line as shown"),
        (CopyButton(prompt_text="$ ", exclude=".linenos, .gp, .go"), "copies nothing"),
    ],
)
def test_cc001_says_what_the_copy_button_does(button: CopyButton | None, said: str | None) -> None:
    [problem] = results(block("ls"), ctx=RuleContext(copy_button=button))[0].problems
    if said is None:
        assert "copy" not in problem.message
    else:
        assert said in problem.message


# ------------------------------------------------------------ 6: no table, no table rules


def test_without_a_table_modules_and_project_folders_are_not_judged() -> None:
    text = "$ module load R/4.1.2 GCC/11.2.0\n$ cd /proj/lu2024-7-80/[username]"
    assert results(block(text))[0].problems == []


def test_a_tab_the_table_does_not_know_is_not_judged_by_it() -> None:
    text = "$ module load R/4.1.2\n$ cd /proj/lu2024-7-80/[username]"
    assert results(block(text, tab="LUNARC"), ctx=TABLE)[0].problems == []
    assert results(block(text, cluster=U), ctx=TABLE)[0].problems != []


def test_a_block_for_no_cluster_is_judged_only_on_software_the_table_lists() -> None:
    assert results(block("$ module load R/4.1.2"), ctx=TABLE)[0].problems == []
    [result] = results(block("$ module load python/3.9.5"), ctx=TABLE)
    assert found(result) == [(codes.UNKNOWN_MODULE, 0)]


# ------------------------------------------------------------ 7 to 10: what it missed


def test_a_prompt_glued_to_a_bracket_is_cc002_not_cc001() -> None:
    [result] = results(block("$[alice@pelle2 ~] salloc -A p\nsalloc: Granted"))
    assert found(result) == [(codes.GLUED_PROMPT, 0)]
    assert "`[alice@pelle2 ~]$ salloc -A p`" in result.problems[0].message


def test_a_second_prompt_after_the_first_is_cc002_not_a_syntax_error() -> None:
    """Blind batch W: `$ (env) [user@box /]$ echo "x" >> f` was told to fix its quotes
    and brackets; it is a container's prompt written after the page's own."""
    text = '$ (tools) [me@c0ffee /]$ echo "from the box" >> /tmp/notes.txt\n$ me@box:~$ exit'
    [result] = results(block(text))
    assert found(result) == [(codes.GLUED_PROMPT, 0), (codes.GLUED_PROMPT, 1)]
    assert '`(tools) [me@c0ffee /]$ echo "from the box" >> /tmp/notes.txt`' in (
        result.problems[0].message
    )
    # a glob in brackets is no prompt
    assert found(results(block("$ ls [ab]* /tmp"))[0]) == []


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["/proj/nobackup/course/alice/"], True),
        (["/proj/nobackup/course/alice"], True),
        (["~/work/"], True),
        (["./run.sh"], False),
        (["/usr/bin/python3"], False),
        (["/proj/x/bin/tool"], False),
        (["/proj/x/run.py"], False),
        (["ls", "/proj/x/"], False),
    ],
)
def test_a_command_that_is_only_a_path(words: list[str], expected: bool) -> None:
    assert is_path_only(words) is expected


def test_source_activate_on_a_venv_is_cc207() -> None:
    [result] = results(
        block("$ python -m venv --system-site-packages ~/envs/myenv\n$ source activate myenv")
    )
    assert found(result) == [(codes.CONDA_ACTIVATE_VENV, 1)]
    [result] = results(block("$ conda create -n myenv\n$ source activate myenv"))
    assert result.problems == []


@pytest.mark.parametrize("script", ["./venv/bin/activate", "~/envs/work/bin/activate"])
def test_an_activation_script_run_not_sourced_is_cc207(script: str) -> None:
    """Blind batch AK: `$ ./venv/bin/activate` runs the script in a shell that ends at
    once; the environment is not active afterwards."""
    [result] = results(block(f"$ python -m venv venv\n$ {script}"))
    assert found(result) == [(codes.CONDA_ACTIVATE_VENV, 1)]
    assert f"`source {script}`" in result.problems[0].message
    for sourced in (f"source {script}", f". {script}"):
        assert results(block(f"$ {sourced}"))[0].problems == []


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200b", "\ufeff", "\u00ad", "\x1b"])
def test_hidden_characters_in_a_command_are_cc003(character: str) -> None:
    [result] = results(block(f"$ echo a\n$ rm -rf x{character} y"))
    assert found(result) == [(codes.HIDDEN_CHARACTER, 1)]
    assert f"U+{ord(character):04X}" in result.problems[0].message


def test_a_no_break_space_is_cc003_in_a_command_only() -> None:
    [result] = results(block("$ ls\u00a0-l\nsize\u00a0100"))
    assert found(result) == [(codes.HIDDEN_CHARACTER, 0)]


def test_accented_letters_are_not_hidden_characters() -> None:
    assert results(block('$ echo "Grüße från Umeå"'))[0].problems == []


# ------------------------------------------------------------ the fast path

PLAIN = st.text(alphabet="abcfdiotnes ./:=,+@%~[]{}*?^-_019", max_size=30) | st.lists(
    st.sampled_from(["module", "load", "pip", "-m", "[username]", "a=b", "==", "=~", "do", "x@"]),
    min_size=1,
    max_size=5,
).map(" ".join)


@settings(max_examples=1500, deadline=None)
@given(PLAIN | st.sampled_from(["if x", "done", "{ a", "[[ a", "for i", "x }", "a ]]"]))
def test_plain_commands_skip_only_what_the_parse_would_not_report(text: str) -> None:
    if is_plain_command(text):
        command = Command(offset=0, language="shell", text=text, lines=(0,), last_offset=0)
        assert parse_and_check(command) == []
