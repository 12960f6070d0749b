"""Run one exercise's steps in one bash session in a sandbox, and judge each step.

The steps go into one script that bash runs from the start: each command is ``eval``-ed
in the session's own shell (so ``source .../activate`` and ``module load`` last, and a
syntax error fails that step only), with its output and input redirected to files of its
own; after it, its exit status, ``$VIRTUAL_ENV``, the prompt (``$PS1``) and the loaded
modules are written down. The whole session has a time limit; its process group is killed
when it runs out.

A step fails when it exits non-zero, when the prompt the lesson shows before it names
another environment than the one the shell really has active, when its block is marked
exact and its output differs (``...`` matches anything, as doctest's ELLIPSIS), or, in
resolve mode, when its ``pip install`` does not resolve to wheels for the cluster's Python.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from ..console.lines import env_of_prompt
from .lifecycle import Lifecycle, kill_group
from .model import Step, StepResult
from .sandbox import Sandbox

MAX_OUTPUT = 20_000  # characters of a command's output kept in the report
_CHECKER = doctest.OutputChecker()


def script(sandbox: Sandbox, steps: Sequence[Step]) -> str:
    """The session's bash script: the prelude, then each step that runs."""
    run = sandbox.run_dir
    parts = [sandbox.prelude(), 'cd "$HOME" || exit 99\n']
    for i, step in enumerate(steps):
        if step.action != "run":
            continue
        (run / f"cmd.{i}").write_text(step.text + "\n", encoding="utf-8")
        stdin = "/dev/null"
        if step.stdin is not None:
            (run / f"in.{i}").write_text(step.stdin, encoding="utf-8")
            stdin = f'"$__LR/in.{i}"'
        parts.append(
            f"__LR_STEP={i}; __lr_t0=$EPOCHREALTIME\n"
            f'{{ eval "$(<"$__LR/cmd.{i}")"\n}} >"$__LR/out.{i}" 2>&1 <{stdin}\n'
            "__lr_rc=$?\n"
            + (f"__lr_wait_jobs {i}\n" if sandbox.slurm is not None else "")
            + 'printf \'%s\\n%s\\n%s\\n%s\\n%s\\n\' "$__lr_rc" "${VIRTUAL_ENV:-}" "$PS1" '
            f'"${{LOADEDMODULES:-}}" "$__lr_t0 $EPOCHREALTIME" >"$__LR/status.{i}"\n'
        )
    return "".join(parts)


def session_command(sandbox: Sandbox, path: Path) -> list[str]:
    """bash running ``path``, inside the sandbox's kernel boundary (when it has one)."""
    bash = ["/bin/bash", "--noprofile", "--norc", str(path)]
    return sandbox.boundary.wrap(
        bash,
        writable=sandbox.writable,
        readable=sandbox.readable,
        chdir=sandbox.home,
        hostname=sandbox.spec.key,
        **sandbox.session_options(),
    )


def run_script(sandbox: Sandbox, text: str, timeout: float) -> tuple[bool, str]:
    """Run the session; (timed out, what bash itself printed).

    Whatever the session started ends with it: the sandbox's PID namespace ends when bash
    does, and on the time limit the whole sandbox is killed.
    """
    path = sandbox.run_dir / "session.sh"
    path.write_text(text, encoding="utf-8")
    readable(sandbox.run_dir)
    life = sandbox.life or Lifecycle()
    process = life.start(
        session_command(sandbox, path),
        cwd=sandbox.home,
        env=sandbox.environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(process)
        process.communicate()
        return True, ""
    finally:
        if not sandbox.boundary.sandboxed:
            kill_group(process)  # leftovers in its process group (a sandbox kills them all)
        life.forget(process)
    return False, out.decode("utf-8", "replace")


def readable(folder: Path) -> None:
    """Let the session's user read what the builder wrote for it."""
    for entry in folder.iterdir():
        if entry.is_file():
            entry.chmod(0o644)


def active_env(prompt: str, virtual_env: str) -> str | None:
    """The environment the shell shows active: from its prompt, else ``$VIRTUAL_ENV``."""
    shown = env_of_prompt(prompt)
    if shown:
        return shown
    return os.path.basename(virtual_env.rstrip("/")) if virtual_env else None


def _describe(env: str | None) -> str:
    return f"`({env}) $ ` (`{env}` is active)" if env else "`$ ` (no environment is active)"


def exact_mismatch(expected: Sequence[str], got: str) -> str | None:
    """Why ``got`` does not match the lines shown (``...`` a wildcard), or None."""
    want = "".join(line.rstrip() + "\n" for line in expected).rstrip("\n")
    have = "\n".join(line.rstrip() for line in got.splitlines()).rstrip("\n")
    want, have = (want + "\n" if want else ""), (have + "\n" if have else "")
    if _CHECKER.check_output(want, have, doctest.ELLIPSIS):
        return None
    return (
        "the output differs from what the lesson shows (block marked exact):\n"
        + "".join(f"  expected: {line}\n" for line in want.splitlines())
        + "".join(f"  got:      {line}\n" for line in have.splitlines())
    )


_LMOD_ERROR = re.compile(r"Lmod has detected the following error:\s*(.+?)(?:\n\s*\n|\Z)", re.S)


def what_it_said(output: str, sandbox: Sandbox) -> str:
    """``: LAST LINE`` of a failed command; Lmod's error itself, with the modules the data
    table gives the cluster, when ``module`` failed."""
    lmod = _LMOD_ERROR.search(output)
    if lmod:
        error = " ".join(lmod[1].split())
        tree = ", ".join(
            entry.name + (f" (after {entry.after})" if entry.after else "")
            for entry in sandbox.spec.tree.modules
        )
        return f": Lmod: {error} (the data table {sandbox.spec.table} gives " + (
            f"{sandbox.spec.key} the modules: {tree})"
        )
    said = [line for line in output.splitlines() if line.strip()]
    return f": {said[-1].strip()}" if said else ""


_FIELD = re.compile(r"(\w+)=(\S*)")


def job_entry(line: str, sandbox: Sandbox) -> dict[str, object]:
    """A batch job as ``scontrol show job -o`` left it: state, exit code, output file, and
    what is wrong (not COMPLETED, a non-zero exit code, no output file, the time limit)."""
    fields = dict(_FIELD.findall(line))
    job = fields.get("JobId", "?")
    state, code = fields.get("JobState", "UNKNOWN"), fields.get("ExitCode", "?")
    out = fields.get("StdOut", "")
    found = bool(out) and Path(out).is_file()
    problem = ""
    if "JobState" not in fields:
        problem = f"batch job {job}: Slurm cannot say how it ended: {line.strip()}"
    elif fields.get("LessonrunTimedOut"):
        problem = f"batch job {job} did not end within the run's time limit: canceled"
    elif state != "COMPLETED" or code != "0:0":
        problem = f"batch job {job} ended {state} with exit code {code}"
    elif not found:
        problem = f"batch job {job} completed, but its output file {out} did not appear"
    return {
        "id": job,
        "state": state,
        "exit_code": code,
        "output_file": sandbox.to_lesson(out),
        "output_found": found,
        "problem": sandbox.to_lesson(problem),
    }


def _resolve_findings(run: Path, index: int) -> list[dict[str, object]]:
    """The resolve mode's dry runs of step ``index``: one finding per ``pip install``."""
    findings = []
    for rc_file in sorted(run.glob(f"resolve.{index}.*.rc")):
        stem = str(rc_file).removesuffix(".rc")
        python = Path(stem + ".python").read_text(encoding="utf-8").strip()
        code = int(rc_file.read_text(encoding="utf-8").strip() or 1)
        log = Path(stem + ".log").read_text(encoding="utf-8", errors="replace")
        finding: dict[str, object] = {"python": python, "ok": code == 0}
        report = Path(stem + ".json")
        if code == 0 and report.exists():
            data = json.loads(report.read_text(encoding="utf-8"))
            finding["install"] = [
                f"{item['metadata']['name']}=={item['metadata']['version']}"
                for item in data.get("install", [])
            ]
        else:
            errors = [line for line in log.splitlines() if line.startswith("ERROR")]
            finding["error"] = errors[-1] if errors else log.strip()[-500:]
        findings.append(finding)
    return findings


#: What pip says when the wheelhouse has no such package (or version).
_NOT_FOUND = "No matching distribution found"


def _standins_note(sandbox: Sandbox) -> str:
    """Why pip found nothing: lessonrun installs only the course's stand-ins."""
    if not sandbox.standins_file:
        return (
            "lessonrun has no stand-in packages (conf.py names no lessonrun_standins file), "
            "so pip, which runs offline here, finds no package to install"
        )
    return (
        f"pip runs offline here and finds only the stand-ins of {sandbox.standins_file}: "
        "list the package and version there"
    )


def judge(
    sandbox: Sandbox, steps: Sequence[Step], timed_out: bool, timeout: float
) -> list[StepResult]:
    """Read what each step left behind and decide pass or fail."""
    run = sandbox.run_dir
    results: list[StepResult] = []
    env: str | None = None  # the environment active before the next command
    ended = False
    for i, step in enumerate(steps):
        if step.action == "skip":
            results.append(StepResult(step, "skipped", reasons=[step.reason]))
            continue
        if step.action == "refuse":
            results.append(StepResult(step, "refused", reasons=[step.reason]))
            continue
        status_file = run / f"status.{i}"
        out_file = run / f"out.{i}"
        output = ""
        if out_file.exists():
            output = sandbox.to_lesson(out_file.read_text(encoding="utf-8", errors="replace"))
            if len(output) > MAX_OUTPUT:
                output = output[:MAX_OUTPUT] + "\n[... output cut ...]\n"
        if not status_file.exists():
            if ended:
                reason = "not run: the session stopped before it"
            elif timed_out:
                reason = f"did not finish within the run's time limit ({timeout:g} s)"
            else:
                reason = "the session ended during this command (an `exit`?)"
            ended = True
            results.append(
                StepResult(
                    step,
                    "failed" if reason[0] != "n" else "not run",
                    output=output,
                    reasons=[reason],
                )
            )
            continue
        rc, virtual_env, prompt, modules, times = status_file.read_text(encoding="utf-8").split(
            "\n"
        )[:5]
        start, _, stop = times.partition(" ")
        result = StepResult(
            step,
            "passed",
            exit_status=int(rc),
            output=output,
            env_after=active_env(prompt, virtual_env),
            prompt_after=prompt,
            modules_after=tuple(m for m in modules.split(":") if m),
            seconds=round(float(stop) - float(start), 3) if stop else 0.0,
        )
        if step.prompt and step.env != env:
            result.reasons.append(
                f"the lesson shows the prompt `{step.prompt.strip()}` before this command, but "
                f"the shell's prompt there is {_describe(env)}"
            )
        if result.exit_status:
            result.reasons.append(
                f"exited with status {result.exit_status}{what_it_said(output, sandbox)}"
            )
            if _NOT_FOUND in output:
                result.reasons.append(_standins_note(sandbox))
        if step.exact:
            mismatch = exact_mismatch(
                [sandbox.to_lesson(sandbox.to_sandbox(line)) for line in step.expected], output
            )
            if mismatch:
                result.reasons.append(mismatch)
        jobs_file = run / f"jobs.{i}"
        if jobs_file.exists():
            result.jobs = [job_entry(line, sandbox) for line in jobs_file.read_text().splitlines()]
            result.reasons += [job["problem"] for job in result.jobs if job["problem"]]
        findings = _resolve_findings(run, i) if sandbox.resolve else []
        if findings:
            result.resolve = {"installs": findings}
            for finding in findings:
                if not finding["ok"]:
                    result.reasons.append(
                        f"no wheel for this cluster's Python ({finding['python']}): "
                        f"{finding['error']}: pip would build from source (slow) or fail"
                    )
        if result.reasons:
            result.status = "failed"
        env = result.env_after
        results.append(result)
    return results


def run_exercise(
    sandbox: Sandbox, steps: Sequence[Step], timeout: float
) -> tuple[list[StepResult], float]:
    """Run ``steps`` in a fresh bash session in ``sandbox``; the results and seconds taken."""
    for old in sandbox.run_dir.iterdir():
        old.unlink()
    started = time.monotonic()
    if any(step.action == "run" for step in steps):
        timed_out, _ = run_script(sandbox, script(sandbox, steps), timeout)
        if sandbox.slurm is not None:
            sandbox.slurm.cancel_all(sandbox.boundary.uid)
    else:
        timed_out = False
    return judge(sandbox, steps, timed_out, timeout), round(time.monotonic() - started, 2)
