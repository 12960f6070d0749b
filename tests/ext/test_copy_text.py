"""What the copy button copies from a generated block: exactly the commands.

Runs sphinx-copybutton's own ``copybutton_funcs.js`` under node, with the
arguments the built site's ``copybutton.js`` passes it (from the project's
``conf.py`` settings), on the text of each generated ``<pre>`` in the HTML.
"""

from __future__ import annotations

import html
import json
import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
import sphinx_copybutton
import systools
from docutils import nodes
from hpccourse.directives.tabset import not_shown
from hpccourse.table import load_table
from sphinx.testing.util import SphinxTestApp

ROOT = Path(__file__).resolve().parents[2]
FUNCS = Path(sphinx_copybutton.__file__).parent / "_static" / "copybutton_funcs.js"
NODE = shutil.which("node")


def copybutton_settings() -> dict[str, object]:
    """The project's copybutton_* settings, read from its conf.py."""
    conf = runpy.run_path(str(ROOT / "conf.py"))
    return {k: v for k, v in conf.items() if k.startswith("copybutton_")}


def pre_texts(page: str, exclude: str = "") -> list[str]:
    """The text of each console ``<pre>`` of ``page``, without the spans of the classes
    ``exclude`` names (``copybutton_exclude``'s ``.CLASS`` selectors, as its filterText
    removes them)."""
    blocks = re.findall(
        r'<div class="highlight-console notranslate"><div class="highlight"><pre>(.*?)</pre>',
        page,
        flags=re.DOTALL,
    )
    for name in re.findall(r"\.([\w-]+)", exclude):
        pattern = rf'<span class="(?:[^"]* )?{re.escape(name)}(?: [^"]*)?">[^<]*</span>'
        blocks = [re.sub(pattern, "", block) for block in blocks]
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


def shown_blocks(doctree: nodes.document) -> list[nodes.literal_block]:
    """The literal blocks a page shows (not those kept for the checkers only)."""
    hidden = {id(b) for n in doctree.findall(not_shown) for b in n.findall(nodes.literal_block)}
    return [b for b in doctree.findall(nodes.literal_block) if id(b) not in hidden]


def copy_texts(built_js: str, texts: list[str], tmp_path: Path) -> list[str]:
    """Run the real formatCopyText on each text, with the built site's arguments."""
    call = re.search(r"return formatCopyText\(text, (.*)\)\s*$", built_js, flags=re.MULTILINE)
    assert call, "the built copybutton.js no longer calls formatCopyText(text, ...)"
    shutil.copy(FUNCS, tmp_path / "copybutton_funcs.mjs")
    (tmp_path / "texts.json").write_text(json.dumps(texts))
    (tmp_path / "run.mjs").write_text(
        'import { readFileSync } from "node:fs";\n'
        'import { formatCopyText } from "./copybutton_funcs.mjs";\n'
        'const texts = JSON.parse(readFileSync(process.argv[2], "utf8"));\n'
        f"const copied = texts.map((text) => formatCopyText(text, {call.group(1)}));\n"
        "process.stdout.write(JSON.stringify(copied));\n"
    )
    result = subprocess.run(
        [NODE, str(tmp_path / "run.mjs"), str(tmp_path / "texts.json")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def venv_option(block: nodes.literal_block) -> dict[str, str]:
    """The ``:venv:`` of the directive that made ``block`` (read from its .rst)."""
    lines = Path(block.source).read_text().splitlines()[block.line :]
    for line in lines:
        if not line.startswith("   :"):
            return {}
        if line.startswith("   :venv: "):
            return {"venv": line.split(":venv:", 1)[1].strip()}
    return {}


def expected_copy(table, block: nodes.literal_block) -> str:
    """The commands of the block's step, from the table: never the lines typed at ``>>>``
    into the Python a command starts (bash would run them)."""
    variables = venv_option(block)
    rendered = table.render(block["hpc_step"], block["hpc_cluster"], variables)
    return "\n".join(rendered.commands)


@pytest.mark.sphinx("html", testroot="cluster-two", srcdir="cluster-two-copy")
def test_copy_button_copies_exactly_the_commands(make_app, app_params, tmp_path):
    if NODE is None:  # a skip outside CI, a failure under CI=true
        systools.not_run_test("the copy-button test", "node (Node.js) runs copybutton's JS")
    args, kwargs = app_params
    overrides = copybutton_settings()
    assert overrides["copybutton_prompt_is_regexp"] is True
    overrides["extensions"] = ["hpccourse", "sphinx_copybutton"]
    app = make_app(*args, **{**kwargs, "confoverrides": overrides})
    app.build()

    blocks = shown_blocks(app.env.get_doctree("index"))
    html_page = (app.outdir / "index.html").read_text()
    texts = pre_texts(html_page)
    assert len(texts) == len(blocks) > 10
    for block, text in zip(blocks, texts, strict=True):
        assert text.rstrip("\n") == block.astext()
    texts = pre_texts(html_page, str(overrides["copybutton_exclude"]))

    built_js = (app.outdir / "_static" / "copybutton.js").read_text()
    copied = dict(zip(blocks, copy_texts(built_js, texts, tmp_path), strict=True))
    table = load_table(Path(app.srcdir, "clusters.toml"))
    for block, text in copied.items():
        assert text == expected_copy(table, block), (block["hpc_step"], block["hpc_cluster"])

    by_step = {(b["hpc_step"], b["hpc_cluster"]): text for b, text in copied.items()}
    # Here-document body kept, prompts gone, output left out.
    assert by_step[("write-requirements", "uppmax")] == (
        "cat > requirements.txt <<'EOF'\nnumpy==1.22.3\npandas==1.4.2\nEOF"
    )
    assert next(t for (step, _), t in by_step.items() if step == "list") == "pip list --local"
    assert by_step[("export", "uppmax")] == "pip freeze > requirements.txt\ncat requirements.txt"
    assert by_step[("install", "uppmax")] == "pip install spacy seaborn"


@pytest.mark.sphinx("html", testroot="reader-pages", srcdir="reader-pages-copy")
def test_a_block_of_two_programs_copies_what_the_first_runs_and_no_script_line_is_a_prompt(
    make_app, app_params, tmp_path
):
    """``$ python`` then ``>>> import spacy``: the copy holds the shell's commands only (bash
    would run ``import``, ImageMagick's); a here-document's ``#!/bin/bash`` and ``#SBATCH``
    are the script's lines, never root prompts; a block that is Python alone copies it."""
    if NODE is None:
        systools.not_run_test("the copy-button test", "node (Node.js) runs copybutton's JS")
    args, kwargs = app_params
    overrides = copybutton_settings()
    overrides["extensions"] = ["hpccourse", "sphinx_copybutton"]
    app = make_app(*args, **{**kwargs, "confoverrides": overrides})
    app.build()
    page = (app.outdir / "last.html").read_text()
    texts = pre_texts(page, str(overrides["copybutton_exclude"]))
    built_js = (app.outdir / "_static" / "copybutton.js").read_text()
    two_programs, job, python = copy_texts(built_js, texts, tmp_path)
    assert two_programs == "python\ndeactivate"
    assert job == (
        "cat > job.sh <<'EOF'\n#!/bin/bash\n#SBATCH -A [project]\n# A comment line\n"
        "python analysis.py\nEOF\nsbatch job.sh"
    )
    assert python == "import sys\nprint(sys.version)"
    prompts = re.findall(r'<span class="gp[^"]*">([^<]*)</span>', page)
    assert not [p for p in prompts if p.startswith("#")], prompts


LOOP_STEP = '''
[steps.chain-jobs]
commands = ["jid=$(sbatch --parsable job.sh)", """
for i in 2 3; do
  jid=$(sbatch --parsable --dependency=afterany:$jid job.sh)
done""", "squeue --me"]
'''


def test_a_command_over_several_rows_is_shown_and_copied_whole(
    rootdir: Path, tmp_path: Path
) -> None:
    """A loop's body and `done` after bash's `> ` (its PS2): drawn as typed, not as output,
    and copied (held-out migrate set 19: they were output rows the copy button dropped,
    leaving `for i in 2 3; do` alone)."""
    if NODE is None:
        systools.not_run_test("the copy-button test", "node (Node.js) runs copybutton's JS")
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-cluster-two", srcdir)
    with (srcdir / "clusters.toml").open("a", encoding="utf-8") as table:
        table.write(LOOP_STEP)
    (srcdir / "index.rst").write_text("Loop\n====\n\n.. cluster-commands:: chain-jobs\n")
    (srcdir / "other.rst").unlink()
    overrides = copybutton_settings()
    overrides["extensions"] = ["hpccourse", "sphinx_copybutton"]
    app = SphinxTestApp("html", srcdir=srcdir, confoverrides=overrides)
    try:
        app.build()
        page = (app.outdir / "index.html").read_text()
        built_js = (app.outdir / "_static" / "copybutton.js").read_text()
    finally:
        app.cleanup()
    assert '<span class="gp">&gt; </span>done' in page
    assert '<span class="go">' not in page  # nothing of the loop is drawn as output
    texts = pre_texts(page, str(overrides["copybutton_exclude"]))
    table = load_table(srcdir / "clusters.toml")
    copied = copy_texts(built_js, texts, tmp_path)
    assert copied  # one block, or a tab per cluster: the same commands
    assert set(copied) == {"\n".join(table.render("chain-jobs", table.clusters[0].key).commands)}
    assert copied[0].split("\n")[1:4] == [
        "for i in 2 3; do",
        "  jid=$(sbatch --parsable --dependency=afterany:$jid job.sh)",
        "done",
    ]


def test_a_command_going_on_over_a_hostile_number_of_rows_stops_being_read() -> None:
    """Each `> ` row is parsed with those before it: a page of thousands would cost their
    square (12 s for 3,000 rows). Past MOST_ROWS_GOING_ON the rows are output."""
    from hpccourse.console.lines import MOST_ROWS_GOING_ON
    from hpccourse.html.consolelexer import CourseConsoleLexer
    from pygments.token import Generic

    text = "$ for i in 1 2; do\n" + "> echo $i\n" * (MOST_ROWS_GOING_ON + 50) + "> done\n"
    tokens = list(CourseConsoleLexer().get_tokens(text))
    assert sum(1 for kind, value in tokens if kind is Generic.Prompt and value == "> ") == (
        MOST_ROWS_GOING_ON
    )
    assert sum(1 for kind, _ in tokens if kind is Generic.Output) == 51
