"""Run a site's exercises on every cluster: one sandbox per cluster, one bash session per
exercise, in page order; clusters side by side. Sphinx-free: the builder hands over the
exercises and the clusters, and gets the results back."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..table import Table
from .boundary import Boundary, probe
from .lifecycle import Lifecycle, Stopped
from .lmod import ModuleTreeError, lmod_missing
from .model import ClusterSpec, Exercise, ExerciseResult, Step, StepResult
from .plan import exercise_steps
from .safety import refusal
from .sandbox import Sandbox, SandboxError
from .scheduler import Shape, scheduler_shape
from .session import run_exercise
from .slurm import SLURM_COMMAND, start_slurm
from .wheels import Standin, StandinError, build_wheelhouse

PIP_MODES = ("offline", "resolve")


@dataclass(frozen=True)
class Options:
    pip: str = "offline"  # "offline" or "resolve"
    timeout: float = 300.0  # seconds per exercise session
    jobs: int = 0  # clusters run at once (0: as many as clusters)
    standins: tuple[Standin, ...] = ()  # the packages offline pip finds (the course's list)
    standins_file: str = ""  # where that list is ("": the course has none), for messages
    real_home: str | None = None  # the machine's home (None: ~)
    unsandboxed: bool = False  # run with no kernel boundary (only when asked)
    lint: bool = True  # refuse, before running, commands the static lint flags


def cluster_specs(table: Table, table_name: str = "clusters.toml") -> list[ClusterSpec]:
    """Every cluster of the table, as a run sees it."""
    specs = []
    for cluster in table.clusters:
        specs.append(
            ClusterSpec(
                key=cluster.key,
                label=cluster.label,
                storage_root=(
                    table.fact(cluster, "storage_root") if "storage_root" in cluster.facts else ""
                ),
                placeholder=cluster.placeholder,
                user=cluster.example_user or "learner",
                modules=cluster.all_modules,
                table=table_name,
                module_tree=cluster.module_tree,
                slurm_options=tuple(
                    value for value in cluster.facts.values() if value.startswith("-")
                ),
            )
        )
    return specs


def run_cluster(
    spec: ClusterSpec,
    exercises: Sequence[Exercise],
    wheelhouse: Path,
    options: Options,
    boundary: Boundary | str,
    life: Lifecycle,
) -> tuple[list[ExerciseResult], list[list[str]], str, list[str]]:
    """Every exercise on one cluster, in order, in one fresh sandbox.

    Returns the results, each step's command as run (in the lesson's terms), a note on
    the simulation (empty when the module's Python is isolated as it should be), and
    what stands in for what the machine lacks (a Python version).
    ``boundary`` is why nothing may run, when the kernel refused the sandbox.
    """
    refused = boundary if isinstance(boundary, str) else (lmod_missing() or "")
    try:
        sandbox = Sandbox.create(
            spec,
            wheelhouse,
            resolve=options.pip == "resolve",
            boundary=boundary.for_sandbox() if isinstance(boundary, Boundary) else Boundary("none"),
            life=life,
            standins_file=options.standins_file,
        )
    except (SandboxError, StandinError, ModuleTreeError) as exc:
        failed = _no_sandbox(spec, exercises, str(exc))
        return failed, [[s.step.text for s in r.steps] for r in failed], "", []
    sandbox.timeout = options.timeout
    slurm_why = ""  # why Slurm could not start, once it failed to
    try:
        results, as_run = [], []
        planned = [
            exercise_steps(
                exercise,
                spec.key,
                sandbox.to_sandbox,
                lambda text: (
                    refusal(text, str(sandbox.root), str(sandbox.home), options.real_home)
                    if options.lint
                    else None
                ),
            )
            for exercise in exercises
        ]
        shape = scheduler_shape(
            (s.text for steps in planned for s in steps if s.action == "run"), spec.slurm_options
        )
        for exercise, steps in zip(exercises, planned, strict=True):
            result = ExerciseResult(spec.key, exercise)
            needs_slurm = any(s.action == "run" and SLURM_COMMAND.search(s.text) for s in steps)
            if needs_slurm and not refused and sandbox.slurm is None and not slurm_why:
                slurm_why = _start_slurm(sandbox, life, shape)
            if not steps:
                result.note = f"no console block of this exercise is for `{spec.key}`"
            elif refused:
                result.steps = not_run(steps, f"not run: {refused}")
            elif needs_slurm and slurm_why:
                result.steps = not_run(steps, f"not run: it needs Slurm, and {slurm_why}")
                result.note = f"not run: Slurm could not be started here: {slurm_why}"
            else:
                if life.stopping:
                    raise Stopped("the run is stopping")
                result.steps, result.seconds = run_exercise(sandbox, steps, options.timeout)
            results.append(result)
            as_run.append([sandbox.to_lesson(step.text) if step.text else "" for step in steps])
        stand_ins = sandbox.modules.notes if sandbox.modules is not None else []
        return results, as_run, sandbox.note, stand_ins
    finally:
        if sandbox.slurm is not None:
            sandbox.slurm.stop(life)
        sandbox.remove()


def _no_sandbox(spec: ClusterSpec, exercises: Sequence[Exercise], why: str) -> list[ExerciseResult]:
    """Every exercise of a cluster no sandbox was made for: each command failed, with why
    (the table's name and the value at fault)."""
    results = []
    for exercise in exercises:
        result = ExerciseResult(spec.key, exercise)
        steps = exercise_steps(exercise, spec.key, lambda text: text, lambda _text: None)
        result.steps = [
            StepResult(step, "skipped", reasons=[step.reason])
            if step.action == "skip"
            else StepResult(step, "failed", reasons=[f"no sandbox for {spec.key}: {why}"])
            for step in steps
        ]
        results.append(result)
    return results


def _start_slurm(sandbox: Sandbox, life: Lifecycle, shape: Shape) -> str:
    """Start the cluster's Slurm beside its sandbox, shaped as its exercises ask
    (:mod:`.scheduler`); why it could not, or ""."""
    started = start_slurm(
        sandbox.root / ".slurm",
        sandbox.spec.key,
        "batch",
        sandbox.boundary,
        life,
        shape=shape,
        readable=sandbox.readable,
        writable=sandbox.writable,
        extra=sandbox.user_binds,
    )
    if isinstance(started, str):
        return started
    sandbox.slurm = started
    return ""


def not_run(steps: Sequence[Step], reason: str) -> list[StepResult]:
    """Each step reported "not run" with ``reason`` (a skipped one stays skipped)."""
    return [
        StepResult(step, "skipped", reasons=[step.reason])
        if step.action == "skip"
        else StepResult(step, "not run", reasons=[reason])
        for step in steps
    ]


def run_all(
    specs: Sequence[ClusterSpec],
    exercises: Sequence[Exercise],
    options: Options,
    boundary: Boundary | str | None = None,
) -> tuple[dict[str, tuple[list[ExerciseResult], list[list[str]], str, list[str]]], float]:
    """Every cluster's run (side by side), keyed by cluster, and the seconds taken.

    ``boundary``: the one :func:`~.boundary.probe` found (probed here when None). SIGINT
    and SIGTERM during the run end every session and remove every temporary folder.
    """
    started = time.monotonic()
    if boundary is None:
        boundary = probe(options.unsandboxed)
    life = Lifecycle()
    with life.on_signals():
        wheelhouse = life.folder(Path(tempfile.mkdtemp(prefix="lessonrun-wheels-")))
        try:
            wheelhouse.chmod(0o755)
            build_wheelhouse(wheelhouse, options.standins)
            jobs = options.jobs or len(specs) or 1
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                futures = {
                    spec.key: pool.submit(
                        run_cluster, spec, exercises, wheelhouse, options, boundary, life
                    )
                    for spec in specs
                }
                results = {key: future.result() for key, future in futures.items()}
        finally:
            life.remove(wheelhouse)
    return results, time.monotonic() - started
