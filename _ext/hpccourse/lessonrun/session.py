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

import contextlib
import doctest
import json
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from ..console.lines import env_of_prompt
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
            'printf \'%s\\n%s\\n%s\\n%s\\n%s\\n\' "$__lr_rc" "${VIRTUAL_ENV:-}" "$PS1" '
            f'"${{LOADEDMODULES:-}}" "$__lr_t0 $EPOCHREALTIME" >"$__LR/status.{i}"\n'
        )
    return "".join(parts)


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def run_script(sandbox: Sandbox, text: str, timeout: float) -> tuple[bool, str]:
    """Run the session; (timed out, what bash itself printed)."""
    path = sandbox.run_dir / "session.sh"
    path.write_text(text, encoding="utf-8")
    process = subprocess.Popen(
        ["/bin/bash", "--noprofile", "--norc", str(path)],
        cwd=sandbox.home,
        env=sandbox.environment(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        return True, ""
    return False, out.decode("utf-8", "replace")


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
            said = [line for line in output.splitlines() if line.strip()]
            last = f": {said[-1].strip()}" if said else ""
            result.reasons.append(f"exited with status {result.exit_status}{last}")
            if _NOT_FOUND in output:
                result.reasons.append(_standins_note(sandbox))
        if step.exact:
            mismatch = exact_mismatch(
                [sandbox.to_lesson(sandbox.to_sandbox(line)) for line in step.expected], output
            )
            if mismatch:
                result.reasons.append(mismatch)
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
    else:
        timed_out = False
    return judge(sandbox, steps, timed_out, timeout), round(time.monotonic() - started, 2)
