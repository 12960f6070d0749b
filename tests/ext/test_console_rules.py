"""Session rules of the console checker, over documents given as block records.

The last part checks the lesson's source as the authors wrote it (its console blocks copied
here as literals): errors 4, 5 and 6 of the facts sheet are found, its fine blocks are not.
"""

from __future__ import annotations

import dataclasses

import pytest
from hpccourse.console import codes
from hpccourse.console.check import check_document
from hpccourse.console.model import Block, BlockResult, CopyButton, RuleContext

U, H = "uppmax", "hpc2n"
CTX = RuleContext(
    placeholder={U: "[username]", H: "[username]"},
    storage_roots={U: "/proj/r-py-jl-m-rackham", H: "/proj/nobackup/r-py-jl-m"},
    modules={
        U: frozenset({"python/3.11.8", "python/3.9.5"}),
        H: frozenset({"GCC/12.3.0", "Python/3.11.3", "SciPy-bundle/2023.07", "matplotlib/3.7.2"}),
    },
)


def block(
    text: str,
    cluster: str | None = None,
    language: str = "console",
    prompts: tuple[str, ...] = (),
    skip: bool = False,
    line: int = 1,
) -> Block:
    return Block(
        docname="lesson",
        source="lesson.rst",
        line=line,
        language=language,
        text=text,
        prompts=prompts,
        cluster=cluster,
        skip=skip,
    )


def codes_of(result: BlockResult) -> list[str]:
    return [p.code for p in result.problems]


def last(*blocks: Block, ctx: RuleContext = CTX) -> BlockResult:
    """The result of the last block of a document made of ``blocks``."""
    return check_document(blocks, ctx)[-1]


# ------------------------------------------------------------------ CC001


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("module load python/3.11.8", "console", [codes.NO_PROMPT]),
        ("$ module load python/3.11.8", "console", []),
        (">>> import spacy", "pycon", []),
        ("C:\\> dir", "console", []),
        ("numpy==1.22.3\npandas==1.4.2", "sh", []),  # a script, not a session
        ("\n  \n", "console", []),  # nothing to copy at all
    ],
)
def test_a_console_block_without_any_prompt_is_reported(text, language, expected):
    assert codes_of(last(block(text, language=language))) == expected


def test_the_no_prompt_message_says_what_to_write():
    # The copy button is named only where the course has one (issue 11: it depends on the
    # course's copybutton settings; tests/ext/test_console_corpus_rules.py covers them).
    [problem] = last(block("\nls")).problems
    assert problem.offset == 1
    assert "`$ `" in problem.message and "copy" not in problem.message
    ctx = RuleContext(copy_button=CopyButton(prompt_text="$ "))
    [problem] = last(block("\nls"), ctx=ctx).problems
    assert "`$ `" in problem.message and "copies every line as shown" in problem.message


def test_a_prompt_less_block_is_not_parsed_as_shell():
    # Its lines may be output: never a syntax error. Output shown as output is no defect
    # (issue 20); commands without a prompt are (CC001), and still not parsed as shell.
    assert codes_of(last(block("Package    Version\n---------- -------\n(x"))) == []
    assert codes_of(last(block("pip list\nPackage    Version\n(x"))) == [codes.NO_PROMPT]


# ------------------------------------------------------------------ CC201


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["$ source /x/vpyenv/bin/activate", "(vpyenv) $ pip list"], []),
        (["$ source /x/vpyenv/bin/activate", "(other) $ pip list"], [codes.ENV_PROMPT]),
        (["$ . /x/vpyenv/bin/activate", "(vpyenv) $ pip list"], []),
        (["$ . /x/vpyenv/bin/activate", "(other) $ pip list"], [codes.ENV_PROMPT]),
        (["$ source /x/vpyenv/bin/activate", "$ pip list"], []),  # plain `$`: another shell
        (["$ source /x/a/bin/activate\n(a) $ deactivate", "(a) $ ls"], [codes.ENV_PROMPT]),
        (["$ source /x/a/bin/activate\n(a) $ deactivate", "$ ls"], []),
        (["(vpyenv) $ pip list"], []),  # nothing activated yet in this document
        (["$ conda activate myenv", "(myenv) $ python"], []),
        (["$ conda activate myenv", "(base) $ python"], [codes.ENV_PROMPT]),
        (["$ conda activate -n myenv && ls", "(myenv) $ python"], []),
        (["$ conda activate myenv\n(myenv) $ conda deactivate", "(base) $ ls"], []),
        (["$ source x/vpyenv/bin/activate\n(vpyenv) $ source y/b/bin/activate", "(b) $ ls"], []),
        (["$ cat > f <<EOF\nsource /x/a/bin/activate\nEOF", "(b) $ ls"], []),  # file content
        # `exit` ends the shell that had the environment (an ssh session): the shell
        # under it has its own, which the page never showed
        (["(a) $ ssh node1", "(b) $ source /x/b/bin/activate", "(b) $ exit", "(a) $ ls"], []),
        (["$ source /x/b/bin/activate", "(b) $ logout", "(a) $ ls"], []),
        (["$ source /x/b/bin/activate", "(b) $ exit", "(b) $ ls"], []),
        (["$ exit", "$ source /x/b/bin/activate", "(a) $ ls"], [codes.ENV_PROMPT]),
    ],
)
def test_the_prompt_env_must_be_the_active_one(texts, expected):
    blocks = [block(text) for text in texts]
    assert codes_of(last(*blocks)) == expected


def test_the_env_prompt_message_names_both_environments():
    [problem] = last(block("$ source /x/right/bin/activate"), block("$ ls\n(wrong) $ ls")).problems
    assert problem.offset == 1
    assert "`(wrong)`" in problem.message and "`(right) $ `" in problem.message


def test_the_env_prompt_message_after_deactivate():
    [problem] = last(
        block("$ source /x/a/bin/activate\n(a) $ deactivate"), block("(a) $ ls")
    ).problems
    assert "deactivated" in problem.message


def test_activation_inside_a_block_applies_to_its_later_lines():
    result = last(block("$ source /x/a/bin/activate\n(a) $ pip list\n(b) $ ls"))
    assert [(p.code, p.offset) for p in result.problems] == [(codes.ENV_PROMPT, 2)]


def test_sessions_are_kept_per_cluster():
    blocks = [
        block("$ source /x/a/bin/activate", U),
        block("$ source /x/b/bin/activate", H),
        block("(a) $ ls", U),
        block("(b) $ ls", H),
        block("(b) $ ls", U),
    ]
    assert [codes_of(r) for r in check_document(blocks, CTX)] == [
        [],
        [],
        [],
        [],
        [codes.ENV_PROMPT],
    ]


def test_a_block_for_no_cluster_changes_every_session():
    blocks = [block("$ source /x/a/bin/activate"), block("(a) $ ls", U), block("(a) $ ls", H)]
    assert [codes_of(r) for r in check_document(blocks, CTX)] == [[], [], []]


@pytest.mark.parametrize(("shown", "expected"), [("a", []), ("b", []), ("c", [codes.ENV_PROMPT])])
def test_a_block_for_no_cluster_accepts_any_sessions_env(shown, expected):
    blocks = [
        block("$ source /x/a/bin/activate", U),
        block("$ source /x/b/bin/activate", H),
        block(f"({shown}) $ ls"),
    ]
    results = check_document(blocks, CTX)
    assert codes_of(results[-1]) == expected  # reported once, not once per cluster


def test_the_activation_in_a_prompt_less_block_still_counts():
    result = last(block("source /x/a/bin/activate"), block("(b) $ ls"))
    assert codes_of(result) == [codes.ENV_PROMPT]


def test_a_skipped_block_is_not_reported_but_still_changes_the_state():
    results = check_document(
        [block("$ source /x/a/bin/activate\n(zz) $ ls )", skip=True), block("(b) $ ls")], CTX
    )
    assert (results[0].status, results[0].problems) == ("skipped", [])
    assert codes_of(results[1]) == [codes.ENV_PROMPT]


def test_sphinx_prompt_blocks_show_their_prompt_env():
    blocks = [
        block("$ source /x/a/bin/activate"),
        block("pip list", language="bash", prompts=("(b) $",)),
        block("(a) $ pip list", language="bash", prompts=("(a) $",)),
    ]
    assert [codes_of(r) for r in check_document(blocks, CTX)] == [[], [codes.ENV_PROMPT], []]


# ------------------------------------------------------------------ CC202


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("pip install --user spacy", [codes.PIP_USER]),
        ("pip3 install --user spacy", [codes.PIP_USER]),
        ("pip3.11 install spacy --user", [codes.PIP_USER]),
        ("python -m pip install --user spacy", [codes.PIP_USER]),
        ("python3 -m pip install --user spacy", [codes.PIP_USER]),
        (
            "module load python/0.1 && pip install --user spacy",
            [codes.PIP_USER, codes.UNKNOWN_MODULE],
        ),
        ("pip install spacy", []),
        ("pip list --user", []),
        ("pip install --no-cache-dir --no-build-isolation spacy", []),
    ],
)
def test_pip_install_user_inside_an_active_environment(command, expected):
    result = last(block("$ source /x/a/bin/activate"), block(f"$ {command}"))
    assert sorted(codes_of(result)) == sorted(expected)


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("$ source /x/a/bin/activate\n(a) $ deactivate", []),  # no environment active
        ("$ ls", []),  # nothing known
    ],
)
def test_pip_install_user_outside_an_environment_is_fine(before, expected):
    assert codes_of(last(block(before), block("$ pip install --user spacy"))) == expected


def test_pip_install_user_under_an_env_prompt_is_reported_even_with_no_activation_seen():
    assert codes_of(last(block("(a) $ pip install --user spacy"))) == [codes.PIP_USER]


def test_the_pip_user_message_says_to_drop_the_flag():
    [problem] = last(block("$ source /x/a/bin/activate"), block("$ pip install --user x")).problems
    assert "drop `--user`" in problem.message and "`a`" in problem.message


# ------------------------------------------------------------------ CC203, CC204


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ ls /proj/r-py-jl-m-rackham/[username]/python", []),
        ("$ ls /proj/r-py-jl-m-rackham/$USER/python", []),
        ("$ ls /proj/r-py-jl-m-rackham/${USER}/python", []),
        ("$ echo $USERNAME", []),
        ("$ ls /proj/r-py-jl-m-rackham/{user}/python", [codes.WRONG_PLACEHOLDER]),
        ("$ ls /proj/r-py-jl-m-rackham/[user]/python", [codes.WRONG_PLACEHOLDER]),
        ("$ ls /proj/r-py-jl-m-rackham/USERNAME/python", [codes.WRONG_PLACEHOLDER]),
        ("$ ls /proj/r-py-jl-m-rackham/USER/python", [codes.WRONG_PLACEHOLDER]),
        ("$ ls /proj/r-py-jl-m-rackham/{username}", [codes.WRONG_PLACEHOLDER]),
        # without a prompt as with one: the angle brackets said once, naming the convention
        ("ls /proj/r-py-jl-m-rackham/<user>/x", [codes.NO_PROMPT, codes.ANGLE_PLACEHOLDER]),
        ("$ ls /proj/r-py-jl-m-rackham/<username>/x", [codes.ANGLE_PLACEHOLDER]),  # said once
        ("$ whoami\nUSERNAME", []),  # output is not checked
    ],
)
def test_user_placeholders_follow_the_convention(text, expected):
    assert codes_of(last(block(text, U))) == expected


def test_the_placeholder_message_names_the_convention():
    [problem] = last(block("$ ls /proj/r-py-jl-m-rackham/{user}", U)).problems
    assert "`{user}`" in problem.message and "`[username]`" in problem.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$ cd /proj/nobackup/r-py-jl-m/bbrydsoe/python", [codes.REAL_USER]),
        ("$ cd /proj/nobackup/r-py-jl-m/[username]/python", []),
        ("$ cd /proj/nobackup/r-py-jl-m/$USER", []),
        ("$ cd /proj/nobackup/r-py-jl-m", []),
        ("$ cd /home/s/sven/python", [codes.REAL_USER]),
        ("$ cd /home/sven", [codes.REAL_USER]),
        ("$ cd /home/[username]/python", []),
        ("$ cd /home/s/$USER", []),
        # A displayed prompt is not typed (issue 11): its path is the teacher's, not advice.
        ("b-an01 [/proj/nobackup/r-py-jl-m/bbrydsoe]$ ls", []),
        ("$ module load Python/3.11.3", []),  # not an absolute path
        # the names an example gives anything are no one's user name
        ("$ sudo /home/foo/venv/bin/python3 x.py", []),
        ("$ ls /home/jdoe/data", []),
        ("$ ls /home/foody/data", [codes.REAL_USER]),  # a word that starts like one is not
        # a folder for all right under /home (blind batch AU: `/home/data/afile.h5`)
        ("$ ls /home/data/afile.h5", []),
        ("$ cp run.sh /home/shared/tools/", []),
        ("$ cp run.sh /home/sven/tools/", [codes.REAL_USER]),
        # the account a service runs as, named after its program: the same in every install
        ("$ queued --state /home/queued/var/state.db", []),
        ("$ sudo /usr/bin/queued -s /home/queued/db", []),
        ("$ queued --state /home/sven/state.db", [codes.REAL_USER]),  # another name still is
        ("$ sudo -u sven ls /home/sven", [codes.REAL_USER]),  # `-u`'s value runs nothing
        # an account the page creates, or runs a service as (user and group alike)
        ("$ sudo useradd -m webapp\n$ ls /home/webapp", []),
        ("$ sudo /home/webapp/env/bin/serve \\\n    --user webapp --group webapp", []),
        ("$ serve --user sven --group staff /home/sven/site", [codes.REAL_USER]),
        # a system's own account, and the user a server is started with (blind batch L)
        ("$ ftpd --anonymous-home /home/nobody", []),
        # a file right under /home is no user's home (blind batch K, neurodocker)
        ("$ fit -a /home/func.nii.gz -o /home/func_avg.nii.gz", []),
        ("$ ls /home/john.doe.sven", [codes.REAL_USER]),  # a dotted name still is
        ("$ ftpd --username=bob --password=x\n$ ftpd --directory=/home/bob", []),
        ("$ ftpd --username=bob\n$ ftpd --directory=/home/sven", [codes.REAL_USER]),
        # a folder a container sees under /home, mounted there (blind batch W, wradlib)
        ("$ docker run -v /srv/x:/home/notes img --dir=/home/notes", []),
        ("$ apptainer exec -B $PWD:/home/data img.sif ls /home/data", []),
        ("$ docker run --mount type=bind,src=/x,target=/home/work img", []),
        ("$ docker run -v /home/sven/x:/data img", [codes.REAL_USER]),  # the host's side is
    ],
)
def test_real_user_names_in_paths(text, expected):
    assert codes_of(last(block(text, H))) == expected


def test_a_folder_named_after_the_project_is_no_real_user():
    """Blind batch AA (projectq): `cd /home/projectq`, where the page clones the project,
    was told to write the user placeholder."""
    ctx = dataclasses.replace(CTX, project="quantumkit")
    for path in ("/home/quantumkit", "/home/QuantumKit/examples", "/home/quantum-kit"):
        assert codes_of(last(block(f"$ cd {path}", H), ctx=ctx)) == [], path
    assert codes_of(last(block("$ cd /home/sven", H), ctx=ctx)) == [codes.REAL_USER]
    assert codes_of(last(block("$ cd /home/quantumkit", H))) == [codes.REAL_USER]


def test_an_account_an_earlier_block_of_the_page_creates_is_no_real_user():
    """A deployment page creates its service account in one block and uses its home in
    the next ones (blind batch J, falcon's nginx-uwsgi page: 8 false CC204)."""
    created = block("$ sudo useradd --home-dir /home/myproject myproject", H)
    later = block("$ sudo -u myproject ls /home/myproject/venv", H)
    assert codes_of(last(created, later)) == []
    assert codes_of(last(later)) == [codes.REAL_USER]  # on a page that creates nothing
    named_first = block("$ useradd myproject --create-home", H)  # falcon's order
    assert codes_of(last(named_first, later)) == []
    other = block("$ ls /home/sven/venv", H)
    assert codes_of(last(created, other)) == [codes.REAL_USER]  # only the created name
    # a folder an earlier block mounts into a container, used inside it later
    mounted = block("$ docker run -it -v $PWD/in:/home/shared-in img sh", H)
    inside = block("(env) [me@c0ffee /]$ wc -l /home/shared-in/list.csv", H)
    assert codes_of(last(mounted, inside)) == []


def test_the_real_user_message_names_the_name_and_the_placeholder():
    [problem] = last(block("$ cd /proj/nobackup/r-py-jl-m/bbrydsoe/python", H)).problems
    assert "`bbrydsoe`" in problem.message and "`[username]`" in problem.message


# ------------------------------------------------------------------ CC205


@pytest.mark.parametrize(
    ("text", "cluster", "expected"),
    [
        ("$ ls /proj/r-py-jl-m-rackham/[username]", U, []),
        ("$ ls /proj/r-py-jl/[username]", U, [codes.OUTSIDE_STORAGE]),
        ("$ ls /proj/nobackup/r-py-jl-m/[username]", U, [codes.OUTSIDE_STORAGE]),
        ("$ ls /proj/nobackup/r-py-jl-m/[username]", H, []),
        ("$ ls /proj/nobackup/hpc2n2024-025/[username]", H, [codes.OUTSIDE_STORAGE]),
        ("$ ls /proj/nobackup", H, []),  # a parent of the storage root
        ("$ ls /proj/nobackup/r-py-jl-m/[username]", None, []),  # some cluster's root
        ("$ ls /proj/r-py-jl-m-rackham/[username]", None, []),
        ("$ ls /proj/r-py-jl/[username]", None, [codes.OUTSIDE_STORAGE]),
        ("$ ls ~/my_venvs /tmp/x /home/[username]", U, []),  # not under a project root
        ("$ ls /proj/r-py-jl/[username]", "cosmos", []),  # nothing known about it
    ],
)
def test_paths_under_a_project_root_stay_in_the_clusters_storage(text, cluster, expected):
    assert codes_of(last(block(text, cluster))) == expected


def test_a_cluster_without_workshop_storage_gets_no_project_paths():
    ctx = RuleContext(storage_roots={U: "/proj/r-py-jl-m-rackham", "cosmos": "~/my_venvs"})
    result = last(block("$ ls /proj/r-py-jl-m-rackham/[username]", "cosmos"), ctx=ctx)
    assert codes_of(result) == [codes.OUTSIDE_STORAGE]


def test_the_storage_message_gives_the_path_to_write():
    text = "$ python -m venv /proj/nobackup/hpc2n2024-025/bbrydsoe/python/vpyenv"
    problems = last(block(text, H)).problems
    assert [p.code for p in problems] == [codes.REAL_USER, codes.OUTSIDE_STORAGE]
    assert "`/proj/nobackup/r-py-jl-m/[username]/python/vpyenv`" in problems[1].message


# ------------------------------------------------------------------ CC206


@pytest.mark.parametrize(
    ("text", "cluster", "expected"),
    [
        ("$ module load python/3.11.8", U, []),
        ("$ module load python/3.10.8", U, [codes.UNKNOWN_MODULE]),
        ("$ module load python", U, [codes.UNKNOWN_MODULE]),
        ("$ ml python/3.11.8", U, []),
        ("$ ml python/3.12.1", U, [codes.UNKNOWN_MODULE]),
        ("$ ml load python/3.12.1", U, [codes.UNKNOWN_MODULE]),
        ("$ ml spider python", U, []),
        ("$ ml -python/3.12.1", U, []),  # unloads
        ("$ module avail python", U, []),
        ("$ module load GCC/12.3.0 Python/3.11.3", U, [codes.UNKNOWN_MODULE] * 2),
        ("$ module load GCC/12.3.0 Python/3.11.3", H, []),
        ("$ module load GCC/12.3.0 python/3.9.5", None, []),  # some cluster has each
        ("$ module load GCC/12.3.0 python/3.9.4", None, [codes.UNKNOWN_MODULE]),
        ("$ module load anything/1.0", "cosmos", []),  # nothing known about it
    ],
)
def test_loaded_modules_are_in_the_data_table(text, cluster, expected):
    assert codes_of(last(block(text, cluster))) == expected


def test_the_module_message_lists_the_known_modules():
    [problem] = last(block("$ module load python/3.10.8", U)).problems
    assert "`python/3.10.8`" in problem.message and "`python/3.11.8`" in problem.message


# ------------------------------------------------------------------ switches


def test_rules_can_be_switched_off_by_code():
    ctx = RuleContext(
        placeholder=CTX.placeholder,
        storage_roots=CTX.storage_roots,
        modules=CTX.modules,
        disabled=frozenset({codes.NO_PROMPT, codes.UNKNOWN_MODULE}),
    )
    result = last(block("module load python/3.10.8", U), ctx=ctx)
    assert (result.status, result.problems) == ("ok", [])


def test_every_rule_code_is_documented():
    import hpccourse.console.codes as module

    for code, description in codes.RULES.items():
        assert code in module.__doc__
        assert description


# ------------------------------------------------------------------ the seed lesson

BANNER_U = (
    "Python 3.11.8 (main, Feb  8 2024, 11:48:52) [GCC 12.3.0] on linux\n"
    'Type "help", "copyright", "credits" or "license" for more information.\n'
    ">>> import spacy\n"
    ">>> "
)
BANNER_H = BANNER_U.replace(
    "3.11.8 (main, Feb  8 2024, 11:48:52)", "3.11.3 (main, Oct 30 2023, 16:00:15)"
)
# (label, cluster, language, prompts, text): the seed's console, prompt and sh blocks in order.
SEED = [
    ("0", None, "console", (), "rm -Ir ~/.local/lib/python3.11"),
    ("1.1", U, "console", (), "module load python/3.11.8"),
    ("1.1", H, "console", (),
     "module load GCC/12.3.0 Python/3.11.3 SciPy-bundle/2023.07"
     " matplotlib/3.7.2"),
    ("1.2", U, "console", (),
     "$ python -m venv --system-site-packages"
     " /proj/r-py-jl/[username]/python/vpyenv"),
    ("1.2", H, "console", (),
     "$ python -m venv --system-site-packages"
     " /proj/nobackup/hpc2n2024-025/[username]/python/vpyenv"),
    ("1.3", U, "console", (), "source /proj/r-py-jl/[username]/python/vpyenv/bin/activate"),
    ("1.3", H, "console", (),
     "source"
     " /proj/nobackup/hpc2n2024-025/[username]/python/vpyenv/bin/activate"),
    ("1.4", U, "console", (), "pip install --user spacy seaborn"),
    ("1.4", H, "console", (), "pip install --no-cache-dir --no-build-isolation spacy seaborn "),
    ("1.5", U, "console", (), "pip list"),
    ("1.5", U, "console", (), "pip list --user"),
    ("1.5", H, "console", (), "pip list"),
    ("1.5", H, "console", (), "pip list --user"),
    ("1.6", U, "console", (), "(vpyenv) $ python\n" + BANNER_U),
    ("1.6", H, "console", (),
     "(vpyenv) b-an01"
     " [/proj/nobackup/hpc2n2024-025/bbrydsoe/python]$ python\n" + BANNER_H),
    ("1.7", U, "console", (), "deactivate"),
    ("1.7", H, "console", (), "deactivate"),
    ("2.1", None, "console", (), "module load python/3.9.5"),
    ("2.2", None, "console", (),
     "python -m venv --system-site-packages"
     " /proj/r-py-jl/<user>/python/Example-gpu"),
    ("2.3", None, "console", (), "source /proj/r-py-jl/<user>/python/Example-gpu/bin/activate"),
    ("2.4", None, "bash", ("(Example-gpu) $",), "pip install --upgrade numpy scipy numba torch"),
    ("2.5", None, "bash", ("(vpyenv) $",), "pip list"),
    ("2.7", None, "bash", ("(Example-gpu) $",), "deactivate"),
    ("3.1", U, "console", (), "module load python/3.11.8"),
    ("3.1", H, "console", (), "module load GCC/12.3.0 Python/3.11.3 "),
    ("3.2", U, "console", (),
     "python -m venv --system-site-packages"
     " /proj/r-py-jl/[username]/python/analysis"),
    ("3.2", H, "console", (),
     "python -m venv --system-site-packages"
     " /proj/nobackup/hpc2n2024-025/[username]/python/analysis "),
    ("3.3", U, "console", (), "source /proj/r-py-jl/[username]/python/analysis/bin/activate"),
    ("3.3", H, "console", (),
     "source"
     " /proj/nobackup/hpc2n2024-025/[username]/python/analysis/bin/activate"),
    ("3.4", None, "sh", (), "numpy==1.22.3\nmatplotlib==3.5.2\npandas==1.4.2"),
    ("3.4", None, "console", (), "pip install -r requirements.txt"),
    ("3.4", U, "console", (), "pip install -r requirements.txt"),
    ("3.4", H, "console", (), "pip install -r requirements.txt"),
    ("3.5", U, "console", (), "pip list"),
    ("3.5", H, "console", (), "pip list"),
    ("3.6", None, "console", (), "pip freeze > requirements.txt"),
    ("3.6", U, "console", (), "cat requirements.txt"),
    ("3.6", H, "console", (), "cat requirements.txt"),
    ("3.7", U, "console", (), "deactivate"),
    ("3.7", H, "console", (), "deactivate"),
]  # fmt: skip


@pytest.fixture(scope="module")
def seed() -> list[tuple[str, BlockResult]]:
    blocks = [
        block(text, cluster, language, prompts, line=index)
        for index, (_, cluster, language, prompts, text) in enumerate(SEED)
    ]
    results = check_document(blocks, CTX)
    return [(label, result) for (label, *_), result in zip(SEED, results, strict=True)]


def find(seed, label: str, cluster: str | None, language: str = "console") -> BlockResult:
    [result] = [
        r
        for lab, r in seed
        if lab == label and r.block.cluster == cluster and r.block.language == language
    ][:1]
    return result


def test_seed_has_its_36_console_and_3_prompt_blocks(seed):
    languages = [r.block.language for _, r in seed]
    assert (languages.count("console"), languages.count("bash")) == (36, 3)


def test_seed_error_4_the_vpyenv_prompt_while_example_gpu_is_active(seed):
    result = find(seed, "2.5", None, "bash")
    assert codes_of(result) == [codes.ENV_PROMPT]
    assert "`(vpyenv)`" in result.problems[0].message
    assert "`(Example-gpu) $ `" in result.problems[0].message
    # The activation it contradicts sits in 2.3, a block without a prompt.
    assert codes.NO_PROMPT in codes_of(find(seed, "2.3", None))


def test_seed_error_5_pip_install_user_inside_the_venv(seed):
    assert codes.PIP_USER in codes_of(find(seed, "1.4", U))
    assert codes.PIP_USER not in codes_of(find(seed, "1.4", H))
    assert all(
        codes.PIP_USER not in codes_of(r)
        for label, r in seed
        if (label, r.block.cluster) != ("1.4", U)
    )


def test_seed_error_6_console_blocks_without_a_prompt(seed):
    no_prompt = [r for _, r in seed if codes.NO_PROMPT in codes_of(r)]
    assert len(no_prompt) == 32
    for result in no_prompt:
        assert result.block.language == "console"
        assert "$ " not in result.block.text


def test_seed_fine_blocks_pass(seed):
    fine = [find(seed, "1.6", U), find(seed, "2.4", None, "bash"), find(seed, "2.7", None, "bash")]
    assert [(r.status, r.problems) for r in fine] == [("ok", [])] * 3
    assert find(seed, "3.4", None, "sh").status == "ok"


def test_seed_blocks_with_a_prompt_and_only_fine_content_have_no_session_problems(seed):
    # Modules match the data table; the other blocks fail only for the seed's other errors.
    assert all(codes.UNKNOWN_MODULE not in codes_of(r) for _, r in seed)
    assert all(codes.SHELL_SYNTAX not in codes_of(r) for _, r in seed)


def test_seed_old_workshop_folders_and_mixed_placeholders_are_found(seed):
    # Errors 1 and 3 of the facts sheet, as a side effect of the same rules.
    assert codes.OUTSIDE_STORAGE in codes_of(find(seed, "1.2", U))
    assert codes.OUTSIDE_STORAGE in codes_of(find(seed, "1.2", H))
    # `<user>` in commands shown without a prompt: CC105, which names the convention
    assert codes.ANGLE_PLACEHOLDER in codes_of(find(seed, "2.2", None))
    [angle] = [p for p in find(seed, "2.2", None).problems if p.code == codes.ANGLE_PLACEHOLDER]
    assert "`[username]`" in angle.message
    # 1.6's user name is in a displayed prompt, which the learner does not type (issue 11).
    assert codes.REAL_USER not in codes_of(find(seed, "1.6", H))
