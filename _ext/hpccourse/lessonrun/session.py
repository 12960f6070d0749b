"""Run one exercise's steps in one bash session in a sandbox, and judge each step.

The steps go into one script that bash runs from the start: each command is ``eval``-ed
in the session's own shell (so ``source .../activate`` and ``module load`` last, and a
syntax error fails that step only), with its output and input redirected to files of its
own; after it, its exit status, ``$VIRTUAL_ENV``, the prompt (``$PS1``) and the loaded
modules are reported on a pipe (:mod:`.results`: never a file the session could replace;
the names the report uses are freed of any function the lesson defined). The whole session
has a time limit, and a cap on the disk its folders use (:mod:`.diskuse`); its process
group is killed when it passes either. As root, where the kernel allows it, the session
runs in a cgroup of its own capping its memory and processes (:mod:`.cgroups`).

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
import re
import stat
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..console.lines import env_of_prompt
from .cgroups import SessionCgroup
from .diskuse import over
from .lifecycle import Lifecycle, kill_group, remove_tree
from .model import Step, StepResult
from .results import Drain, Records, Unreadable, read_text, records, shown, write_private
from .sandbox import Sandbox

MAX_OUTPUT = 20_000  # characters of a command's output kept in the report
_CHECKER = doctest.OutputChecker()


#: What the session's shell runs before it reports (and before each command): the names
#: it uses as functions are removed in POSIX mode (where ``unset`` is found before any
#: function), so that a lesson's function named ``printf`` or ``eval`` fakes nothing.
_GUARD = (
    "POSIXLY_CORRECT=1\n"
    "\\unset -f eval builtin printf unset set command sed scontrol scancel sleep date\n"
    "\\unset POSIXLY_CORRECT\n"
)
#: The report of step ``{i}`` on the session's fd 3 (see :mod:`.results`).
_REPORT = (
    '\\builtin printf \'%s\\0\' S {i} "$__lr_rc" "${{VIRTUAL_ENV:-}}" "$PS1" '
    '"${{LOADEDMODULES:-}}" "$__lr_t0" "$__lr_t1" >&3\n'
)
MAX_REPORT = 4 * 1024**2  # bytes of the session's report pipe kept
MAX_SAID = 64 * 1024  # bytes of what bash itself printed kept
OUTPUT_TAIL = 2_000  # bytes of a long output's end kept after the cut
DISK_POLL = 1.0  # seconds between two looks at the disk a session uses


def script(sandbox: Sandbox, steps: Sequence[Step]) -> str:
    """The session's bash script: the prelude, then each step that runs.

    Each command and its input are files of the builder's own folder (``$__LR_IN``), which
    the session reads and cannot replace; a command runs with the report pipe (fd 3)
    closed, its output in the run folder (``$__LR``).
    """
    inputs = sandbox.input_dir
    parts = [sandbox.prelude(), 'cd "$HOME" || exit 99\n']
    for i, step in enumerate(steps):
        if step.action != "run":
            continue
        write_private(inputs / f"cmd.{i}", step.text + "\n")
        stdin = "/dev/null"
        if step.stdin is not None:
            write_private(inputs / f"in.{i}", step.stdin)
            stdin = f'"$__LR_IN/in.{i}"'
        parts.append(
            _GUARD + f"__LR_STEP={i}; __lr_t0=$EPOCHREALTIME\n"
            f'{{ \\eval "$(<"$__LR_IN/cmd.{i}")"\n}} >"$__LR/out.{i}" 2>&1 <{stdin} 3>&-\n'
            "__lr_rc=$?; __lr_t1=$EPOCHREALTIME\n"
            + _GUARD
            + (sandbox.wait_jobs(i) if sandbox.slurm is not None else "")
            + _REPORT.format(i=i)
        )
    return "".join(parts)


def session_command(sandbox: Sandbox, path: Path, pass_fds: Sequence[int] = ()) -> list[str]:
    """bash running ``path``, inside the sandbox's kernel boundary (when it has one)."""
    bash = ["/bin/bash", "--noprofile", "--norc", str(path)]
    return sandbox.boundary.wrap(
        bash,
        writable=sandbox.writable,
        readable=sandbox.readable,
        chdir=sandbox.home,
        hostname=sandbox.spec.key,
        pass_fds=pass_fds,
        **sandbox.session_options(),  # type: ignore[arg-type]
    )


@dataclass
class Session:
    """How a session ended: timed out?, its report pipe, and what bash itself printed."""

    timed_out: bool = False
    over_disk: bool = False  # stopped: its folders passed the disk cap
    report: Records = field(default_factory=Records)
    said: str = ""
    #: the kernel killed a process for the session's memory cap: in which steps (from, to)
    over_memory: tuple[int, int] | None = None


def run_script(sandbox: Sandbox, text: str, timeout: float) -> Session:
    """Run the session and take its report.

    Whatever the session started ends with it: the sandbox's PID namespace ends when bash
    does, and on the time limit the whole sandbox is killed. Both pipes are read with a
    cap (a session printing without end costs the builder nothing).
    """
    if over(sandbox.writable, sandbox.boundary.limits.disk):
        return Session(over_disk=True)  # an earlier exercise filled them: nothing starts
    path = sandbox.input_dir / "session.sh"
    write_private(path, text)
    limits = sandbox.boundary.limits
    group = None
    if sandbox.boundary.cgroup_at:
        name = f"lessonrun-{sandbox.spec.key}"
        at = sandbox.boundary.cgroup_at
        with contextlib.suppress(OSError):  # the per-process limits still hold
            group = SessionCgroup.create(at, name, limits.session_memory, limits.session_processes)
    try:
        return _run_in(sandbox, path, timeout, group)
    finally:
        if group is not None:
            group.remove()


def _run_in(sandbox: Sandbox, path: Path, timeout: float, group: SessionCgroup | None) -> Session:
    """:func:`run_script`'s session, started in ``group`` (when there is one)."""
    life = sandbox.life or Lifecycle()
    with sandbox.boundary.filter() as pass_fds:
        command = session_command(sandbox, path, pass_fds)
        process = life.start(
            group.launcher(command) if group is not None else command,
            cwd=sandbox.home,
            env=sandbox.environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=pass_fds,
        )
    assert process.stdout is not None and process.stderr is not None
    report, said = Drain(process.stdout, MAX_REPORT), Drain(process.stderr, MAX_SAID)
    timed_out = over_disk = False
    memory = _MemoryWatch(group, sandbox.run_dir)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                process.wait(timeout=max(0.0, min(DISK_POLL, deadline - time.monotonic())))
                break
            except subprocess.TimeoutExpired:
                memory.look()
                timed_out = time.monotonic() >= deadline
                over_disk = not timed_out and over(sandbox.writable, sandbox.boundary.limits.disk)
                if timed_out or over_disk:
                    kill_group(process)
                    process.wait()
                    break
    finally:
        if not sandbox.boundary.sandboxed:
            kill_group(process)  # leftovers in its process group (a sandbox kills them all)
        life.forget(process)
    memory.look()
    data, printed = report.result(), said.result()
    for stream in (process.stdout, process.stderr):
        stream.close()
    return Session(
        timed_out,
        over_disk,
        records(data, report.dropped),
        shown(sandbox.to_lesson(printed.decode("utf-8", "replace"))),
        over_memory=memory.window,
    )


@dataclass
class _MemoryWatch:
    """When the session's memory cap was first reached, which steps were running: those
    started by the look before (which saw no process killed) to those started by the
    look that saw one (the output file ``out.N`` a step starts by is its sign)."""

    group: SessionCgroup | None
    run_dir: Path
    before: int = -1
    window: tuple[int, int] | None = None

    def look(self) -> None:
        if self.group is None or self.window is not None:
            return
        now = self.started()
        if self.group.memory_cap_reached():
            self.window = (self.before, now)
        else:
            self.before = now

    def started(self) -> int:
        """The last step that started (-1: none)."""
        with contextlib.suppress(OSError):
            found = (re.fullmatch(r"out\.(\d+)", name) for name in os.listdir(self.run_dir))
            return max((int(m[1]) for m in found if m), default=-1)
        return -1


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
_SUBMITTED = re.compile(r"^Submitted batch job (\d+)", re.M)


def _output_found(out: str, sandbox: Sandbox) -> bool:
    """Whether a job's output file is there: looked for only inside the sandbox (a forged
    job line naming a host file learns nothing), never through a symlink."""
    path = Path(out)
    if not out or not path.is_absolute() or ".." in path.parts:
        return False
    with contextlib.suppress(OSError, RuntimeError):
        if path.parent.resolve().is_relative_to(sandbox.root):
            return stat.S_ISREG(os.lstat(path).st_mode)
    return False


def job_entry(line: str, sandbox: Sandbox) -> dict[str, object]:
    """A batch job as ``scontrol show job -o`` left it: state, exit code, output file, and
    what is wrong (not COMPLETED, a non-zero exit code, no output file, the time limit)."""
    fields = dict(_FIELD.findall(line))
    job = fields.get("JobId", "?")
    state, code = fields.get("JobState", "UNKNOWN"), fields.get("ExitCode", "?")
    out = fields.get("StdOut", "")
    found = _output_found(out, sandbox)
    problem = ""
    if "JobState" not in fields:
        problem = f"batch job {job}: Slurm cannot say how it ended: {line.strip()}"
    elif fields.get("LessonrunTimedOut"):
        why = fields.get("Reason", "None")  # why Slurm had not started it, if it had not
        waited = f"still {state}" + (f", Reason={why}" if why != "None" else "")
        problem = f"batch job {job} did not end within the run's time limit ({waited}): canceled"
    elif state != "COMPLETED" or code != "0:0":
        problem = f"batch job {job} ended {state} with exit code {code}"
    elif not found:
        problem = f"batch job {job} completed, but its output file {out} did not appear"
    return {
        "id": job,
        "state": state,
        "exit_code": code,
        "output_file": shown(sandbox.to_lesson(out)),
        "output_found": found,
        "problem": shown(sandbox.to_lesson(problem)),
    }


def _resolve_findings(run: Path, index: int) -> list[dict[str, object]]:
    """The resolve mode's dry runs of step ``index``: one finding per ``pip install``."""
    findings = []
    names = sorted(n for n in os.listdir(run) if re.fullmatch(rf"resolve\.{index}\.\d+\.rc", n))
    for rc_name in names:
        stem = rc_name.removesuffix(".rc")
        try:
            python = shown((read_text(run, stem + ".python", 100) or "").strip())
            code_text = (read_text(run, rc_name, 100) or "").strip()
            code = int(code_text) if code_text.isdigit() else 1
            log = read_text(run, stem + ".log", 200_000, 2_000) or ""
            report = read_text(run, stem + ".json", 4 * 1024**2) if code == 0 else None
        except Unreadable as exc:
            findings.append({"python": "?", "ok": False, "error": str(exc)})
            continue
        finding: dict[str, object] = {"python": python, "ok": code == 0}
        installs = _installs(report) if report is not None else None
        if code == 0 and installs is not None:
            finding["install"] = installs
        elif code == 0 and report is not None:
            finding.update(ok=False, error="pip's --report is not what pip writes")
        else:
            errors = [line for line in log.splitlines() if line.startswith("ERROR")]
            finding["error"] = shown(errors[-1] if errors else log.strip()[-500:])
        findings.append(finding)
    return findings


def _installs(report: str) -> list[str] | None:
    """``NAME==VERSION`` of each package pip's ``--report`` would install (None: malformed)."""
    try:
        data = json.loads(report)
        return [
            shown(f"{item['metadata']['name']}=={item['metadata']['version']}")
            for item in data.get("install", [])
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


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


def _output(sandbox: Sandbox, index: int) -> tuple[str, str]:
    """Step ``index``'s output as the lesson would show it (cut, escaped), and why it
    could not be read ("" when it could)."""
    try:
        text = read_text(sandbox.run_dir, f"out.{index}", MAX_OUTPUT, OUTPUT_TAIL)
    except Unreadable as exc:
        return "", f"lessonrun did not read this command's output: {exc}"
    return shown(sandbox.to_lesson(text or "")), ""


def _ended(sandbox: Sandbox, session: Session, timeout: float, before: bool) -> tuple[str, str]:
    """(status, reason) of a step the session did not report."""
    if before:
        return "not run", "not run: the session stopped before it"
    if session.timed_out:
        return "failed", f"did not finish within the run's time limit ({timeout:g} s)"
    if session.over_disk:
        cap = sandbox.boundary.limits.disk / 1024**3
        return "failed", (
            f"stopped: the sandbox's folders passed the disk cap of a session ({cap:g} GiB)"
        )
    if session.over_memory:
        return "failed", memory_reason(sandbox)
    said = [line.strip() for line in session.said.splitlines() if line.strip()]
    why = f": the session said: {said[-1]}" if said else ""
    return "failed", f"the session ended during this command (an `exit`?){why}"


def memory_reason(sandbox: Sandbox) -> str:
    cap = sandbox.boundary.limits.session_memory / 1024**3
    return (
        f"the session reached its memory cap ({cap:g} GiB, all its processes together): "
        "the kernel killed a process"
    )


def _blame_memory(sandbox: Sandbox, results: list[StepResult], window: tuple[int, int]) -> None:
    """Say where the session's memory cap was reached: on each failed step of the steps
    running then, or (when the lesson hid the killed process's failure) the last of them."""
    reason = memory_reason(sandbox)
    ran = [
        r
        for i, r in enumerate(results)
        if r.status in ("passed", "failed") and window[0] <= i <= window[1]
    ] or [r for r in results if r.status in ("passed", "failed")][-1:]
    failed = [r for r in ran if r.status == "failed"]
    for result in failed or ran[-1:]:
        if reason not in result.reasons:
            result.reasons.append(reason)
        result.status = "failed"


def judge(
    sandbox: Sandbox, steps: Sequence[Step], session: Session, timeout: float
) -> list[StepResult]:
    """Read what each step left behind and decide pass or fail."""
    report = session.report
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
        output, unreadable = _output(sandbox, i)
        status = report.status.get(i)
        if status is None:
            state, reason = _ended(sandbox, session, timeout, ended)
            ended = True
            reasons = [reason] + [unreadable] * bool(unreadable)
            results.append(StepResult(step, state, output=output, reasons=reasons))
            continue
        prompt = shown(status.prompt)
        result = StepResult(
            step,
            "passed",
            exit_status=status.rc,
            output=output,
            env_after=active_env(prompt, shown(status.virtual_env)),
            prompt_after=prompt,
            modules_after=tuple(shown(m) for m in status.modules.split(":") if m),
            seconds=status.seconds,
        )
        if unreadable:
            result.reasons.append(unreadable)
        if i in report.twice:
            result.reasons.append(
                "lessonrun was told twice how this command ended: something else wrote "
                "to the session's report (a process the command left behind?)"
            )
        if report.malformed:
            result.reasons.append(
                f"lessonrun cannot trust this session's report: {report.malformed}"
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
        result.jobs = [job_entry(line, sandbox) for line in report.jobs.get(i, [])]
        result.reasons += [str(job["problem"]) for job in result.jobs if job["problem"]]
        if sandbox.slurm is not None and not unreadable:
            seen = {str(job["id"]) for job in result.jobs}
            result.reasons += [
                f"batch job {job}: lessonrun has no record of how it ended"
                for job in _SUBMITTED.findall(output)
                if job not in seen
            ]
        findings = _resolve_findings(sandbox.run_dir, i) if sandbox.resolve else []
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
    if session.over_memory:
        _blame_memory(sandbox, results, session.over_memory)
    return results


def clear(folder: Path) -> None:
    """Empty a folder a session wrote to, whatever it left there (files, folders,
    symlinks: a symlink is removed, never followed)."""
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            remove_tree(Path(entry.path))
        else:
            os.unlink(entry.path)


def run_exercise(
    sandbox: Sandbox, steps: Sequence[Step], timeout: float
) -> tuple[list[StepResult], float]:
    """Run ``steps`` in a fresh bash session in ``sandbox``; the results and seconds taken.

    Every process the exercise started ends with it: the session's with its PID
    namespace, its batch jobs' (and their children) by :meth:`~.slurm.Slurm.end_jobs`.
    """
    clear(sandbox.run_dir)
    clear(sandbox.input_dir)
    started = time.monotonic()
    session = Session()
    if any(step.action == "run" for step in steps):
        session = run_script(sandbox, script(sandbox, steps), timeout)
        if sandbox.slurm is not None:
            sandbox.slurm.end_jobs(sandbox.boundary.uid)
    return judge(sandbox, steps, session, timeout), round(time.monotonic() - started, 2)
