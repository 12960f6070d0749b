"""The console checker's entry points: a document's blocks in, one result per block out.

``check_document`` reads a document's console blocks in order: each block's lines are
classified, joined into commands, syntax-checked, then run through the session rules
(see :mod:`.rules`; codes in :mod:`.codes`). ``check_text`` is the cheap per-block path
(classification, joining and parsing only) for benchmarks and quick use.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Iterable, Sequence

from . import codes
from .bash import parse
from .copying import (
    arrow_harm,
    arrow_prompt,
    doubled_prompt,
    extra_chevrons,
    glued_prompts,
    hidden_characters,
    no_prompt,
    script_prompts,
    short_chevrons,
)
from .language import (
    ARROW_SESSION,
    BATCH,
    MARKUP,
    OUTPUT,
    PSEUDO,
    SETTINGS_FILE,
    TREE,
    VALUES,
    Guess,
    guess_language,
    ini_language,
    looks_like_prose,
    looks_like_pseudo_code,
    looks_like_values,
    printed_python,
    session_language,
    settings_language,
)
from .lines import apply_prompt, classify, commands, split_lines, unfinished
from .model import (
    PROMPT_KINDS,
    Block,
    BlockResult,
    Command,
    CopyButton,
    Line,
    LineKind,
    Problem,
    RuleContext,
)
from .promptless import continued_without_prompt, dropped_commands
from .rules import RuleChecker, Sessions, program_name
from .shape import (
    KNOWN_COMMANDS,
    WORDLIKE,
    command_rows,
    folder_tree,
    holds_output,
    indented_prompts,
    name_list,
    output_after_command,
    output_alone,
    output_rows,
    program_message,
    root_transcript,
    settings_rows,
    transcript_prompt,
    without_comments,
)
from .syntax import (
    MOST_GOING_ON,
    bash_accepts,
    check_command,
    check_python,
    goes_on_over,
    printed_row,
)

# Highlight languages whose blocks show a terminal session: a line without a prompt is output.
CONSOLE_LANGUAGES = frozenset(
    {"console", "shell-session", "sh-session", "shellsession", "doscon", "ps1con", "pycon"}
)
# Highlight languages whose blocks are scripts: every line is typed, no prompt expected.
SCRIPT_LANGUAGES = frozenset({"bash", "sh", "shell", "zsh", "ksh"})
#: An environment's name glued to the prompt, `(env)$ `: a prompt in a console block only.
_GLUED_ENV = re.compile(r"\([^()\s]+\)\$")
DEFAULT_PLACEHOLDER = "[username]"


def check_text(
    text: str, extra_prompts: Iterable[str] = (), placeholder: str = DEFAULT_PLACEHOLDER
) -> list[Problem]:
    """Syntax problems of one block's text: classify, join, parse. No session rules."""
    problems: list[Problem] = []
    lines = classify(text, extra_prompts)
    found = commands(lines)
    going_on = 0  # statements still to come that go on with one reported above
    for index, command in enumerate(found):
        if going_on:
            going_on -= 1
            continue
        checked = check_command(command, placeholder)
        if checked and command.language == "python":
            checked = check_python(command, _rows_after(command, lines))
            if checked and (going_on := _going_on(found, index)):
                checked = [_prompted_on(command, going_on)]
        problems.extend(checked)
    return problems


def shown_text(block: Block) -> str:
    """The block as readers see it. sphinx-prompt draws its prompt without it being in the
    text; when no line starts with one of the block's prompts, draw it as sphinx-prompt does."""
    if not block.prompts:
        return block.text
    prompts = [p.rstrip() for p in block.prompts if p.strip()]
    if not prompts:
        return block.text
    for row in split_lines(block.text):
        if any(row.startswith(p) for p in prompts):
            return block.text
    return apply_prompt(block.text, prompts[0], block.language)


def _placeholder(ctx: RuleContext, cluster: str | None) -> str:
    """The placeholder convention the course declares here; "" when it declares none (the
    messages then name none)."""
    if cluster is not None and ctx.placeholder.get(cluster):
        return ctx.placeholder[cluster]
    values = sorted(set(filter(None, ctx.placeholder.values())))
    if not values:
        return ""
    return values[0] if len(values) == 1 else DEFAULT_PLACEHOLDER


def script_command(lines: Sequence[Line]) -> Command | None:
    """A prompt-less script block as one command: bash reads a script whole, so a loop,
    a ``case`` or a function spanning lines is one program (blank rows at its end left out)."""
    rows = [line for line in lines]
    while rows and not rows[-1].raw.strip():
        rows.pop()
    if not any(line.raw.strip() for line in rows):
        return None
    return Command(
        offset=0,
        language="shell",
        text="\n".join(line.raw for line in rows),
        last_offset=rows[-1].offset,
        lines=tuple(line.offset for line in rows),
    )


#: Pages whose blocks are Markdown code fences (MyST pages, a notebook's cells).
_MARKDOWN_PAGES = (".md", ".markdown", ".ipynb")


def tag_form(block: Block, tag: str) -> str:
    """How the block's page writes a block tagged ``tag``: a code fence on a Markdown
    page, a ``code-block`` directive on an RST one."""
    if block.source.endswith(_MARKDOWN_PAGES):
        return f"open its fence with ```{tag}"
    return f"`.. code-block:: {tag}`"


def _not_shell(block: Block, guess: Guess) -> Problem:
    """CC107: the block's language tag says shell, its text says otherwise."""
    # `> cmd`: no console lexer draws `>` either
    arrow = f" {arrow_harm(block.text)} too." if guess is ARROW_SESSION else ""
    return Problem(
        codes.NOT_SHELL,
        f"This block is tagged `{block.language}`, but its text looks like {guess.language}, "
        f"not shell commands: tag it `{guess.tag}` ({tag_form(block, guess.tag)}), so that "
        f"it is highlighted as what it is and copied as such.{arrow}",
        0,
    )


#: A code directive alone as a block's text: docutils read it as a "quoted" literal block
#: (unindented rows after `::` that start with punctuation), its content as a quote.
_QUOTED_DIRECTIVE = re.compile(r"\s*\.\. (?:code-block|code|sourcecode|prompt)::[^\n]*\s*\Z")


def _quoted_directive(text: str) -> Problem:
    """CC107 for a block that is a code directive's line alone (``.. code-block::
    console``): the paragraph above ends in ``::``, so docutils shows the directive's
    line as a literal block and the commands under it as a quoted paragraph. (A markup
    example written on purpose holds the directive's content too.)"""
    directive = text.strip()
    return Problem(
        codes.NOT_SHELL,
        f"This block is `{directive}` alone, shown as text, and the commands under it as "
        f"a quoted paragraph: the paragraph above ends in `::`, which makes the "
        f"directive's line a literal block. End that paragraph with `:`.",
        0,
    )


#: A path alone with `<field>` parts: a pattern the page describes.
_PATH_PATTERN = re.compile(r"^\s*(?:~|\.{1,2})?/[^\s<>]*<[\w -]+>[^\s]*\s*$")


def _check_script(
    block: Block, text: str, lines: list[Line], placeholder: str, problems: list[Problem]
) -> tuple[list[Line], list[Command]]:
    """A prompt-less bash/sh block: parsed whole, or reported as another language."""
    if all(_PATH_PATTERN.match(row) for row in text.split("\n") if row.strip()):
        return [], []  # `/tmp/app-<user>/<file>`: where something goes, not a command
    guess = guess_language(text) or settings_language(text) or ini_language(text)
    if guess is None and session_language(text) is ARROW_SESSION:
        guess = ARROW_SESSION  # `$> cmd` parses (a command named `$`), but is a prompt
    if guess is not None and guess.certain and guess is not BATCH:
        problems.append(_not_shell(block, guess))
        return [], []
    split = output_after_command(text)  # (a guess here is an uncertain one, or none)
    if split is None and guess is None and output_alone(text):
        # Output alone (a test report, a listing), a settings file, a folder tree: the
        # tag is wrong whether or not bash happens to parse it.
        shown = (
            SETTINGS_FILE
            if settings_rows(text) and not program_message(text)
            else TREE
            if folder_tree(text)
            else OUTPUT
        )
        problems.append(_not_shell(block, shown))
        return [], []
    if split is not None:
        # A command, then what it printed: a convention of many projects' `bash` blocks
        # that a reader follows as a terminal. Its command is checked, its output is not.
        lines = command_then_output(text, block.prompts, split)
    else:
        lines = classify(text, block.prompts, implicit=True)
    command = script_command([line for line in lines if line.kind is not LineKind.OUTPUT])
    if command is None:
        return lines, []
    found = check_command(command, placeholder)
    syntax = any(p.code == codes.SHELL_SYNTAX for p in found)
    angle = any(p.code == codes.ANGLE_PLACEHOLDER for p in found)
    if split is None and (syntax or (angle and guess is MARKUP)):  # XML's tags are no `<x>`
        guess = guess or _unparsed_language(text)
        if guess is VALUES:  # notation nobody runs, harmless in any tag: nothing to say
            return [], []
        if guess is not None and guess is not BATCH:
            problems.append(_not_shell(block, guess))
            return [], []
    problems.extend(found)
    return lines, [command]


def command_then_output(text: str, prompts: tuple[str, ...], split: int) -> list[Line]:
    """A prompt-less block's lines when a command's output starts at row ``split``
    (:func:`~.shape.output_after_command`): the command's rows classified, the rest output."""
    rows = split_lines(text)
    lines = classify("\n".join(rows[:split]), prompts, implicit=True)
    return lines + [Line(at, LineKind.OUTPUT, row) for at, row in enumerate(rows) if at >= split]


def _unparsed_language(text: str) -> Guess | None:
    """What a script block that bash cannot parse is instead: a session, pseudo-code or
    prose, output (its comment rows left out: no heading); None when it reads as shell."""
    shown = without_comments(text)
    output = holds_output(shown) and output_rows(shown) > 0
    guess = session_language(text)
    if guess is None and looks_like_values(text):
        guess = VALUES  # `(a6, a5) (a4, a3)`: an order of axes, no subshells
    elif guess is None and looks_like_pseudo_code(text):
        guess = PSEUDO
    elif guess is None and output and output_rows(shown) >= 2:
        guess = OUTPUT  # a test report may hold a sentence; its rows say output
    elif guess is None and looks_like_prose(text):
        guess = PSEUDO
    elif guess is None and output:
        guess = OUTPUT  # a git log, a program's output: not a script
    return guess


def _shows_output(lines: Sequence[Line]) -> bool:
    """Whether a block with prompts shows rows that are output: not those that go on
    with a command bash would still wait for more of (a loop's body without ``> ``)."""
    typed: str | None = None
    for line in lines:
        if line.kind is LineKind.PROMPT:
            typed = line.text
        elif line.kind is LineKind.OUTPUT and line.raw.strip():
            if typed is None or not unfinished(typed):
                return True
            typed += "\n" + line.raw
    return False


def _shown_as_output(block: Block) -> bool:
    """Whether prose in a prompt-less block is output as the reader sees it: a ``::``
    block under a console default, or a ``pycon`` block (the REPL shows what a program
    printed without a prompt, a calendar's text or a message)."""
    return block.implicit or block.language == "pycon"


def _console_without_prompt(
    block: Block,
    text: str,
    lines: list[Line],
    copy_button: CopyButton | None,
    problems: list[Problem],
    programs: frozenset[str] = frozenset(),
) -> tuple[list[Line], bool] | None:
    """A console block with no prompt the checker knows: what its lines are.

    None when they are not commands (output, a log, markup, a transcript under a prompt
    Pygments does not know): nothing to report, nothing typed. Else the lines to follow,
    with CC001 reported when the copy button and the reader see no command, and whether
    they hold commands whose placeholders are still worth checking.
    """
    if transcript_prompt(text) or root_transcript(text) or name_list(text):
        return None
    if block.language == "pycon" and (short := short_chevrons(lines)) is not None:
        problems.append(short)  # `>> x = 1`: Python's prompt a chevron short
        return [], False
    if session_language(text) is ARROW_SESSION:  # `> cmd`: output here, a redirection pasted
        problems.append(arrow_prompt(lines))
        return [], False
    guess = guess_language(text)
    if guess is not None and guess.tag == "python" and printed_python(text):
        guess = None  # `3 names imported:` over the imports: what a program printed
    words_only = command_rows(text) == 0 and output_rows(text) == 0
    if guess is None and words_only and looks_like_pseudo_code(text):
        guess = PSEUDO  # prose or pseudo-code in a console block
    # Output, a log, markup: quiet. Code that is surely R, Python... (most rows say so)
    # is not, nor prose the author tagged console; a `def` in a test report is output.
    if holds_output(text, implicit=block.implicit, programs=programs) and (
        guess is None or (not guess.certain and (guess is not PSEUDO or _shown_as_output(block)))
    ):
        return None
    if not any(p.code == codes.GLUED_PROMPT for p in problems):
        problems.append(no_prompt(lines, guess, copy_button))
    if guess is not None and guess is not BATCH:
        return [], False
    # Follow what the lines would do, without parsing what may be output; a command,
    # then what it printed (`tool --help` and its options): only the command's rows.
    split = output_after_command(text)
    if split is not None:
        lines = command_then_output(text, block.prompts, split)
        return lines, guess is None
    return classify(text, block.prompts, implicit=True), guess is None


@functools.lru_cache(maxsize=4096)
def _classified(text: str, prompts: tuple[str, ...]) -> tuple[Line, ...]:
    """:func:`classify` once per distinct block text (lines are immutable records): the
    same commands recur across a course's pages."""
    return tuple(classify(text, prompts))


def _check_block(
    block: Block, ctx: RuleContext, rules: RuleChecker, programs: frozenset[str] = frozenset()
) -> BlockResult:
    rules.begin_block(block)
    lines, found, problems = _block_syntax(
        block.text,
        block.prompts,
        block.language.lower(),
        block.implicit,
        block.source.endswith(_MARKDOWN_PAGES),
        _placeholder(ctx, block.cluster),
        ctx.copy_button,
        programs if _reads_programs(block) else frozenset(),
    )
    return _finish(block, ctx, rules, lines, list(found), list(problems))


def _reads_programs(block: Block) -> bool:
    """Whether the page's own programs (:func:`page_programs`) can change what the block
    is: only in a console block with no prompt, where they tell commands from output."""
    return block.language.lower() in CONSOLE_LANGUAGES and not any(
        line.kind in PROMPT_KINDS
        for line in _shown_lines(block.text, block.prompts, block.language)
    )


@functools.lru_cache(maxsize=4096)
def _shown_lines(text: str, prompts: tuple[str, ...], language: str) -> tuple[Line, ...]:
    """The lines of a block as :func:`shown_text` draws it, once per text."""
    block = Block(docname="", source="", line=1, language=language, text=text, prompts=prompts)
    return _classified(shown_text(block), prompts)


@functools.lru_cache(maxsize=4096)
def _block_syntax(
    text: str,
    prompts: tuple[str, ...],
    language: str,
    implicit: bool,
    markdown: bool,
    placeholder: str,
    copy_button: CopyButton | None,
    programs: frozenset[str],
) -> tuple[tuple[Line, ...], tuple[Command, ...], tuple[Problem, ...]]:
    """A block's lines, commands and syntax problems: everything but the session rules,
    which depend on the blocks before it. Once per distinct block and setting: the same
    commands recur across a course's pages and clusters (all records are immutable)."""
    block = Block(
        docname="",
        source="page.md" if markdown else "page.rst",  # all tag_form reads of it
        line=1,
        language=language,
        text=text,
        prompts=prompts,
        implicit=implicit,
    )
    text = shown_text(block)
    if _QUOTED_DIRECTIVE.match(text):
        return (), (), (_quoted_directive(text),)
    lines = list(_classified(text, prompts))
    problems: list[Problem] = hidden_characters(text, lines)
    has_prompt = any(line.kind in PROMPT_KINDS for line in lines)
    if has_prompt and language in SCRIPT_LANGUAGES and _GLUED_ENV.match(text.lstrip()):
        has_prompt = False  # `(env)$ cmd` in a script: no prompt to bash (a session, CC107)
    if not has_prompt and language in CONSOLE_LANGUAGES:
        dedented = indented_prompts(text)  # `   $ cmd`: a prompt to Pygments and readers
        if dedented is None and ">>>" in text:
            # ` >>> x`, every row indented alike (a directive's options indented less
            # than its content): the REPL session doctest runs, as readers take it
            dedented = textwrap.dedent(text) if text[:1] in " \t" else None
        if dedented is not None:
            text, lines = dedented, classify(dedented, prompts)
            has_prompt = any(line.kind in PROMPT_KINDS for line in lines)
    syntax, placeholders_only = has_prompt, False
    if (
        has_prompt
        and language not in CONSOLE_LANGUAGES
        and not prompts  # sphinx-prompt's block draws its prompts itself, never copied
        and (language in SCRIPT_LANGUAGES or not _shows_output(lines))
    ):
        # (a transcript in a `text` or `::` block, commands and what they printed, is a
        # record shown: a changelog's `$ git shortlog`, an error quoted; a `bash` block
        # holding one is still tagged wrong)
        problems.extend(script_prompts(lines, language, copy_button))
    if "$[" in text:
        problems.extend(glued_prompts(lines))
    if not has_prompt and any(line.raw.strip() for line in lines):
        if language in SCRIPT_LANGUAGES:
            lines, found = _check_script(block, text, lines, placeholder, problems)
            return tuple(lines), tuple(found), tuple(problems)
        if language in CONSOLE_LANGUAGES:
            seen = _console_without_prompt(block, text, lines, copy_button, problems, programs)
            if seen is None:
                return (), (), tuple(problems)
            lines, placeholders_only = seen
            syntax = placeholders_only
    found = commands(lines)
    if syntax:
        failed = False  # the last Python statement did not compile
        going_on = 0  # statements still to come that go on with one reported above
        for index, command in enumerate(found):
            if going_on:
                going_on -= 1
                continue  # `>>> ` rows of a statement reported at its first row
            doubled = (
                doubled_prompt(command) if has_prompt and command.language != "python" else None
            )
            if doubled is not None:
                problems.append(doubled)  # its own syntax is the second prompt's
                continue
            checked = check_command(command, placeholder)
            if checked and command.language == "python":
                checked = check_python(command, _rows_after(command, lines))
                printed = printed_row(found[index - 1], command) if checked and index else None
                if printed is not None:  # `>>> total()` then `>>>      2`: its value
                    checked = [printed]
            if command.language == "python":
                if checked and failed and command.text[:1] in " \t":
                    checked = []  # `>>>     body`: the rest of the statement reported above
                failed = bool(checked) or (failed and command.text[:1] in " \t")
                if checked and (going_on := _going_on(found, index)):
                    checked = [_prompted_on(command, going_on)]
            if has_prompt and any(p.code == codes.SHELL_SYNTAX for p in checked):
                checked = _gone_on(command, lines, placeholder, checked)
                if copy_button is None and language not in CONSOLE_LANGUAGES:
                    # no console highlighting shows its rows as output, and no copy
                    # button leaves them out: the command reads whole as shown
                    checked = [p for p in checked if p.code != codes.DROPPED_COMMAND]
            if command.language != "python" and any(p.code == codes.SHELL_SYNTAX for p in checked):
                going_on = _shell_going_on(found, index)
                if going_on:  # `$ cmd 'spam` then `$ ham'`: copied without `$ `, one command
                    checked = [p for p in checked if p.code != codes.SHELL_SYNTAX]
            if placeholders_only:  # what may be output is not parsed: only `<x>` counts
                checked = [p for p in checked if p.code == codes.ANGLE_PLACEHOLDER]
            problems.extend(checked)
    if has_prompt and language in CONSOLE_LANGUAGES:
        problems.extend(dropped_commands(lines))
        problems.extend(extra_chevrons(lines))
    return tuple(lines), tuple(found), tuple(problems)


def _going_on(found: Sequence[Command], index: int) -> int:
    """How many statements after ``found[index]`` (which does not compile) go on with it
    (:func:`~.syntax.goes_on_over`); 0 when none do."""
    following = []
    for command in found[index : index + MOST_GOING_ON]:
        if command.language != "python":
            break
        following.append(command.text)
    going_on = max(goes_on_over(following) - 1, 0)
    if going_on or not following or not following[0].rstrip().endswith(":"):
        return going_on
    # `>>> try:` then its body and clauses, each after `>>> `, that do not compile read
    # together for another reason (a Python 2 `print x` in the body): they go on all the same
    return _block_rows(following[1:])


#: A clause that goes on with the compound statement above it.
_CLAUSE = re.compile(r"^(?:except\b|else\s*:|elif\b|finally\s*:)")


def _block_rows(rows: Sequence[str]) -> int:
    """How many of ``rows`` go on with a compound statement opened above: indented rows
    (its body) and its clauses (`except ...:`, `else:`) with theirs."""
    count = 0
    for row in rows:
        if not (row[:1] in " \t" and row.strip()) and not _CLAUSE.match(row):
            break
        count += 1
    return count


#: How many prompted rows after a shell command that does not parse are read to see
#: whether it goes on over them.
MOST_SHELL_GOING_ON = 5


def _shell_going_on(found: Sequence[Command], index: int) -> int:
    """How many shell commands after ``found[index]`` (which does not parse) complete
    it read together, as the copy button gives them without their prompts (a quote
    opened on one `$ ` row and closed on the next); 0 when none do."""
    texts = [found[index].text]
    for command in found[index + 1 : index + 1 + MOST_SHELL_GOING_ON]:
        if command.language == "python":
            break
        texts.append(command.text)
        joined = "\n".join(texts)
        if not parse(joined).root_node.has_error or bash_accepts(joined):
            return len(texts) - 1
    return 0


def _prompted_on(command: Command, rows: int) -> Problem:
    """CC106 for a statement that goes on over ``rows`` more rows prompted ``>>> ``."""
    return Problem(
        codes.PYTHON_SYNTAX,
        f"Python cannot compile this statement as shown: it goes on over {_rows(rows)} "
        f"with `>>> ` where the REPL shows `... `: write `... ` there, so that the session "
        f"reads as one statement.",
        command.offset,
    )


def _rows(count: int) -> str:
    return f"the next {count} rows, which start" if count > 1 else "the next row, which starts"


def _rows_after(command: Command, lines: Sequence[Line]) -> list[str]:
    """The rows after a REPL statement, as the REPL would read them if they went on with
    it: output rows as shown, REPL rows without their prompt; a shell prompt ends them."""
    rows: list[str] = []
    for line in lines:
        if line.offset <= command.last_offset:
            continue
        if line.kind is LineKind.OUTPUT:
            rows.append(line.raw)
        elif line.kind in (LineKind.REPL, LineKind.REPL_CONTINUATION):
            rows.append(line.text)
        else:
            break
    return rows


def _gone_on(
    command: Command, lines: Sequence[Line], placeholder: str, checked: list[Problem]
) -> list[Problem]:
    """``checked``, with the syntax error replaced by CC004 when the command goes on over
    prompt-less lines that complete it (its real cause)."""
    gone_on = continued_without_prompt(
        command, lines, lambda trial: check_command(trial, placeholder)
    )
    if gone_on is None:
        return checked
    return [p for p in checked if p.code != codes.SHELL_SYNTAX] + [gone_on]


def _finish(
    block: Block,
    ctx: RuleContext,
    rules: RuleChecker,
    lines: tuple[Line, ...],
    found: list[Command],
    problems: list[Problem],
) -> BlockResult:
    """The session and line rules, then the block's result."""
    angle = {p.offset for p in problems if p.code == codes.ANGLE_PLACEHOLDER}
    problems.extend(rules.check_commands(block, found))
    problems.extend(rules.check_lines(block, lines, angle))
    if block.skip:
        return BlockResult(block, "skipped", found, [])
    if not problems:
        return BlockResult(block, "ok", found, problems)
    problems = [p for p in problems if p.code not in ctx.disabled]
    problems.sort(key=lambda p: (p.offset, p.code))
    return BlockResult(block, "failed" if problems else "ok", found, problems)


def check_document(blocks: Sequence[Block], ctx: RuleContext) -> list[BlockResult]:
    """Check one document's console blocks, given in document order.

    Sessions (the active environment) are kept per cluster; a block with ``cluster=None``
    reads and changes them all. A skipped block still changes them. Nothing is executed.
    """
    rules = RuleChecker(ctx, Sessions.for_document(blocks, ctx))
    programs = page_programs(blocks)
    return [_check_block(block, ctx, rules, programs) for block in blocks]


#: A program's name as a prompt runs it: no path, no variable, no quote.
_PROGRAM = re.compile(r"[A-Za-z][\w.+-]+\Z")


def page_programs(blocks: Sequence[Block]) -> frozenset[str]:
    """The programs a document runs at a prompt (``$ django-admin check``), which no
    list knows: in a prompt-less console block of that page, a row starting with one is
    a command too (``django-admin runserver``), not output."""
    names: set[str] = set()
    for block in blocks:
        if "$" in block.text or block.prompts:
            names |= _prompted_programs(block.text, block.prompts, block.language)
    return frozenset(names)


@functools.lru_cache(maxsize=4096)
def _prompted_programs(text: str, prompts: tuple[str, ...], language: str) -> frozenset[str]:
    """:func:`page_programs` of one block, once per text."""
    names: set[str] = set()
    for line in _shown_lines(text, prompts, language):
        if line.kind is LineKind.PROMPT:
            name = program_name(line.text)
            if _PROGRAM.match(name) and name not in KNOWN_COMMANDS and name not in WORDLIKE:
                names.add(name)
    return frozenset(names)
