"""The console checker's entry points: a document's blocks in, one result per block out.

``check_document`` reads a document's console blocks in order: each block's lines are
classified, joined into commands, syntax-checked, then run through the session rules
(see :mod:`.rules`; codes in :mod:`.codes`). ``check_text`` is the cheap per-block path
(classification, joining and parsing only) for benchmarks and quick use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from . import codes
from .lines import apply_prompt, classify, commands, split_lines
from .model import Block, BlockResult, Line, LineKind, Problem, RuleContext
from .rules import RuleChecker, Sessions
from .syntax import check_command

# Highlight languages whose blocks show a terminal session: a line without a prompt is output.
CONSOLE_LANGUAGES = frozenset(
    {"console", "shell-session", "sh-session", "shellsession", "doscon", "ps1con", "pycon"}
)
# Highlight languages whose blocks are scripts: every line is typed, no prompt expected.
SCRIPT_LANGUAGES = frozenset({"bash", "sh", "shell", "zsh", "ksh"})
_PROMPT_KINDS = frozenset({LineKind.PROMPT, LineKind.REPL, LineKind.WINDOWS})
DEFAULT_PLACEHOLDER = "[username]"


def check_text(
    text: str, extra_prompts: Iterable[str] = (), placeholder: str = DEFAULT_PLACEHOLDER
) -> list[Problem]:
    """Syntax problems of one block's text: classify, join, parse. No session rules."""
    problems: list[Problem] = []
    for command in commands(classify(text, extra_prompts)):
        problems.extend(check_command(command, placeholder))
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
    if cluster is not None and ctx.placeholder.get(cluster):
        return ctx.placeholder[cluster]
    values = sorted(set(filter(None, ctx.placeholder.values())))
    return values[0] if len(values) == 1 else DEFAULT_PLACEHOLDER


def _no_prompt(lines: Sequence[Line]) -> Problem:
    first = next((line.offset for line in lines if line.raw.strip()), 0)
    return Problem(
        codes.NO_PROMPT,
        "This console block has no prompt, so it renders as output and a copy button "
        "copies nothing from it: write `$ ` before each command (`(env) $ ` inside an "
        "environment).",
        first,
    )


def _check_block(block: Block, ctx: RuleContext, rules: RuleChecker) -> BlockResult:
    text = shown_text(block)
    lines = classify(text, block.prompts)
    problems: list[Problem] = []
    has_prompt = any(line.kind in _PROMPT_KINDS for line in lines)
    language = block.language.lower()
    syntax = has_prompt
    if not has_prompt and any(line.raw.strip() for line in lines):
        if language in CONSOLE_LANGUAGES:
            problems.append(_no_prompt(lines))
            # Follow what the lines would do, without parsing what may be output.
            lines = classify(text, block.prompts, implicit=True)
        elif language in SCRIPT_LANGUAGES:
            lines = classify(text, block.prompts, implicit=True)
            syntax = True
    found = commands(lines)
    if syntax:
        placeholder = _placeholder(ctx, block.cluster)
        for command in found:
            problems.extend(check_command(command, placeholder))
    angle = {p.offset for p in problems if p.code == codes.ANGLE_PLACEHOLDER}
    problems.extend(rules.check_commands(block, found))
    problems.extend(rules.check_lines(block, lines, angle))
    if block.skip:
        return BlockResult(block, "skipped", found, [])
    problems = [p for p in problems if p.code not in ctx.disabled]
    problems.sort(key=lambda p: (p.offset, p.code))
    return BlockResult(block, "failed" if problems else "ok", found, problems)


def check_document(blocks: Sequence[Block], ctx: RuleContext) -> list[BlockResult]:
    """Check one document's console blocks, given in document order.

    Sessions (the active environment) are kept per cluster; a block with ``cluster=None``
    reads and changes them all. A skipped block still changes them. Nothing is executed.
    """
    rules = RuleChecker(ctx, Sessions.for_document(blocks, ctx))
    return [_check_block(block, ctx, rules) for block in blocks]
