"""An exercise's console blocks -> the steps one cluster's run types, in page order.

Reuses the console core: ``classify`` and ``commands`` give each command as a learner
types it (prompt stripped, continuations joined, here-document bodies included). Each
shell command becomes a :class:`~.model.Step` carrying the prompt shown before it, the
output lines shown after it, and its input when it is interactive: the ``>>>`` lines after
a bare ``python``, the answers shown after ``rm -i``. An interactive command with no input
shown, or a command that would write outside the sandbox, is planned as skipped or refused
with its reason.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence

from ..console.check import shown_text
from ..console.lines import classify, commands
from ..console.model import Block, Command, Line, LineKind
from ..console.words import simple_commands
from .model import Exercise, Mark, Step

_PYTHON = re.compile(r"^(?:python(?:\d+(?:\.\d+)?)?|ipython3?)$")
_PYTHON_FLAGS = frozenset({"-i", "-q", "-u", "-B", "-E", "-s", "-I", "-b", "-bb", "-O", "-OO"})
_EDITORS = frozenset(
    {"nano", "vi", "vim", "emacs", "less", "more", "top", "htop", "man", "mc", "interactive"}
)
# `rm: remove regular file 'x'? y`: a question and the answer typed after it.
_ANSWER = re.compile(r"\?\s+(\S.*)$")


def applies(block: Block, cluster: str) -> bool:
    """Whether ``block`` is typed on ``cluster``: generated or tabbed for it, or for all."""
    return block.cluster is None or block.cluster == cluster


def _interactive(words: list[str]) -> str | None:
    """What kind of interactive command ``words`` is: "python", "rm" or "program"."""
    if not words:
        return None
    name = words[0].rsplit("/", 1)[-1]
    if _PYTHON.match(name) and all(w in _PYTHON_FLAGS for w in words[1:]):
        return "python"
    if name == "rm" and any(
        w in ("-i", "-I", "--interactive", "--interactive=always", "--interactive=once")
        or (re.match(r"^-[a-zA-Z]+$", w) and ("i" in w or "I" in w))
        for w in words[1:]
    ):
        return "rm"
    if name in _EDITORS:
        return "program"
    return None


def _output_between(lines: Sequence[Line], start: int, stop: int) -> list[str]:
    return [
        line.raw for line in lines if start <= line.offset < stop and line.kind is LineKind.OUTPUT
    ]


def block_steps(
    block: Block, mark: Mark, to_sandbox: Callable[[str], str], refuse: Callable[[str], str | None]
) -> list[Step]:
    """The steps of one block (to_sandbox: map the text to the sandbox; refuse: why not)."""
    if block.file:
        return [file_step(block, mark, to_sandbox)]
    lines = classify(shown_text(block), block.prompts)
    cmds = commands(lines)
    end = max((line.offset for line in lines), default=-1) + 1
    steps: list[Step] = []
    i = 0
    while i < len(cmds):
        command = cmds[i]
        if command.language != "shell":
            steps.append(_stray(block, command))
            i += 1
            continue
        repl: list[Command] = []
        j = i + 1
        while j < len(cmds) and cmds[j].language == "python":
            repl.append(cmds[j])
            j += 1
        stop = cmds[j].offset if j < len(cmds) else end
        expected = _output_between(lines, command.last_offset + 1, stop)
        steps.append(_step(block, mark, command, repl, expected, lines, stop, to_sandbox, refuse))
        if repl and steps[-1].stdin is None:  # not fed to a Python: report them as stray
            steps.extend(_stray(block, c) for c in repl)
        i = j
    return steps


#: Ends the here-document that writes a file step's file (no file line is exactly this).
FILE_END = "HPCCOURSE_END_OF_FILE"


def file_step(block: Block, mark: Mark, to_sandbox: Callable[[str], str]) -> Step:
    """A file step's block: the learner saves it as the file, so the run writes it there."""
    content = to_sandbox(block.text)
    shown = f"(save the file {block.file})"
    base = {"block": block, "offset": 0, "shown": shown, "exact": mark.exact}
    if mark.skip is not None:
        return Step(**base, action="skip", reason=mark.skip or "the lesson asks not to run it")
    if FILE_END in content.splitlines():
        return Step(**base, action="skip", reason=f"the file has a line {FILE_END}")
    text = f"cat > {shlex.quote(str(block.file))} <<'{FILE_END}'\n{content}\n{FILE_END}"
    return Step(**base, text=text)


def _stray(block: Block, command: Command) -> Step:
    return Step(
        block=block,
        offset=command.offset,
        shown=command.text,
        prompt=command.prompt,
        action="skip",
        reason="Python REPL lines with no `python` before them to type them into",
    )


def _step(
    block: Block,
    mark: Mark,
    command: Command,
    repl: list[Command],
    expected: list[str],
    lines: Sequence[Line],
    stop: int,
    to_sandbox: Callable[[str], str],
    refuse: Callable[[str], str | None],
) -> Step:
    text = to_sandbox(command.text)
    base = {
        "block": block,
        "offset": command.offset,
        "shown": command.text,
        "text": text,
        "prompt": command.prompt,
        "env": command.env,
        "expected": tuple(expected),
        "exact": mark.exact,
    }
    if mark.skip is not None:
        return Step(**base, action="skip", reason=mark.skip or "the lesson asks not to run it")
    if block.skip:
        return Step(**base, action="skip", reason="the block is marked `consolecheck: skip`")
    why = refuse(text)
    if why:
        return Step(**base, action="refuse", reason=f"refused, not run: it {why}")
    kinds = [_interactive(words) for words in simple_commands(command)]
    stdin: str | None = None
    if "python" in kinds:
        if not repl:
            return Step(
                **base,
                action="skip",
                reason="starts an interactive Python, and the lesson shows no `>>>` lines "
                "to type into it",
            )
        stdin = "".join(to_sandbox(c.text) + "\n" for c in repl)
        # What the lesson shows after its statements (the banner is the machine's own).
        base["expected"] = tuple(_output_between(lines, repl[0].offset + 1, stop))
    elif "rm" in kinds:
        answers = [m[1] for m in map(_ANSWER.search, expected) if m]
        if not answers:
            return Step(
                **base,
                action="skip",
                reason="`rm` asks before it deletes, and the lesson shows no answer to give it",
            )
        stdin = "".join(answer + "\n" for answer in answers)
    elif "program" in kinds:
        return Step(**base, action="skip", reason="opens an interactive program")
    return Step(**base, stdin=stdin)


def exercise_steps(
    exercise: Exercise,
    cluster: str,
    to_sandbox: Callable[[str], str],
    refuse: Callable[[str], str | None],
) -> list[Step]:
    """Every step of ``exercise`` on ``cluster``, in page order."""
    steps: list[Step] = []
    for block, mark in zip(exercise.blocks, exercise.marks, strict=True):
        if applies(block, cluster):
            steps.extend(block_steps(block, mark, to_sandbox, refuse))
    return steps
