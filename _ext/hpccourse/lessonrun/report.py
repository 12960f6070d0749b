"""``output.txt`` and ``report.json``: per cluster and exercise, each command, its exit
status, its output and pass or fail with the reasons. Pure formatting, no Sphinx.
Everything is text: control characters (a lesson's own included) are shown escaped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import ExerciseResult, StepResult
from .results import shown


def location(result: StepResult) -> str:
    """``isolated.rst:170`` (the directive's line for a generated block, the file's own
    line for a row of an included file)."""
    block = result.step.block
    return f"{block.source}:{block.line_at(result.step.offset)}"


def where(result: StepResult) -> str:
    """What a generated block's message adds: its step and data table line."""
    block = result.step.block
    if not block.data_source:
        return ""
    return f" [step {block.step}, {block.data_source}:{block.data_line}]"


def step_entry(result: StepResult, as_run: str) -> dict[str, Any]:
    step = result.step
    block = step.block
    return {
        "location": location(result),
        "data_source": block.data_source,
        "data_line": block.data_line,
        "step": block.step,
        "prompt": shown(step.prompt),
        "command": shown(step.shown),
        "as_run": shown(as_run),
        "stdin": None if step.stdin is None else shown(step.stdin),
        "status": result.status,
        "reasons": result.reasons,
        "exit_status": result.exit_status,
        "output": result.output,
        "expected": list(step.expected),
        "exact": step.exact,
        "env_after": result.env_after,
        "modules_after": list(result.modules_after),
        "seconds": result.seconds,
        "resolve": result.resolve,
        "jobs": result.jobs,
    }


def exercise_entry(result: ExerciseResult, as_run: Sequence[str]) -> dict[str, Any]:
    return {
        "docname": result.exercise.docname,
        "title": result.exercise.title,
        "status": result.status,
        "seconds": result.seconds,
        "note": result.note,
        "steps": [step_entry(s, text) for s, text in zip(result.steps, as_run, strict=True)],
    }


def counts(results: Sequence[ExerciseResult]) -> dict[str, int]:
    steps = [step for result in results for step in result.steps]
    out = {"exercises": len(results), "steps": len(steps)}
    for status in ("passed", "failed", "refused", "skipped", "not run"):
        out[status] = sum(step.status == status for step in steps)
    out["failed exercises"] = sum(result.status == "failed" for result in results)
    return out


def _indent(text: str, prefix: str, rest: str | None = None) -> str:
    """``text`` with ``prefix`` before its first line and ``rest`` (or ``prefix``) before
    the others."""
    rows = text.rstrip("\n").splitlines()
    later = prefix if rest is None else rest
    return "".join(f"{prefix if i == 0 else later}{row}\n" for i, row in enumerate(rows))


def transcript(
    cluster: str, label: str, results: Sequence[ExerciseResult], stand_ins: Sequence[str] = ()
) -> str:
    """One cluster's part of ``output.txt`` (``stand_ins``: what stands in for what)."""
    header = f"Cluster {cluster} ({label})"
    parts = [f"{header}\n{'=' * len(header)}\n"]
    parts += [f"stand-in: {line}\n" for line in stand_ins]
    for result in results:
        exercise = result.exercise
        parts.append(
            f"\n{exercise.docname}: {exercise.title}: {result.status} ({result.seconds:g} s)\n"
        )
        if result.note:
            parts.append(f"  {result.note}\n")
        for step in result.steps:
            mark = {"passed": "ok", "failed": "FAILED"}.get(step.status, step.status)
            status = "" if step.exit_status is None else f", exit {step.exit_status}"
            parts.append(f"  [{mark}{status}] {location(step)}{where(step)}\n")
            prompt = step.step.prompt or "$ "
            parts.append(_indent(step.step.shown, f"    {prompt}", " " * (4 + len(prompt))))
            if step.step.stdin:
                parts.append(_indent(step.step.stdin, "    <<< "))
            if step.output.strip():
                parts.append(_indent(step.output, "    | "))
            for job in step.jobs:
                parts.append(
                    f"    job {job['id']}: {job['state']}, exit code {job['exit_code']}, "
                    f"output {job['output_file'] or '(none)'}"
                    f"{'' if job['output_found'] else ' (missing)'}\n"
                )
            for reason in step.reasons:
                parts.append(_indent(reason, "    -> "))
    return shown("".join(parts))


def summary(by_cluster: dict[str, Sequence[ExerciseResult]], seconds: float) -> str:
    """The closing lines of ``output.txt``."""
    header = "Lesson run summary"
    lines = [f"\n{header}\n{'=' * len(header)}\n"]
    for cluster, results in by_cluster.items():
        c = counts(results)
        lines.append(
            f"{cluster}: {c['exercises']} exercises ({c['failed exercises']} failed), "
            f"{c['steps']} commands: {c['passed']} passed, {c['failed']} failed, "
            f"{c['refused']} refused, {c['skipped']} skipped, {c['not run']} not run\n"
        )
    lines.append(f"{seconds:.1f} s in all\n")
    return "".join(lines)


_SANDBOXES = {
    "root": "bubblewrap, each cluster's sessions as a user id of their own, no capability",
    "user": "bubblewrap, each session in a user namespace",
    "none": "NONE: the commands ran as the builder's user, as lessonrun_unsandboxed asks",
}


def sandbox_line(mode: str) -> str:
    """The last line of ``output.txt``: how the sessions were isolated (or why not)."""
    return f"Sandbox: {_SANDBOXES.get(mode, f'none here ({mode}): nothing ran')}\n"
