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
from .model import ClusterSpec, Exercise, ExerciseResult
from .plan import exercise_steps
from .safety import refusal
from .sandbox import Sandbox
from .session import run_exercise
from .wheels import Standin, build_wheelhouse

PIP_MODES = ("offline", "resolve")


@dataclass(frozen=True)
class Options:
    pip: str = "offline"  # "offline" or "resolve"
    timeout: float = 300.0  # seconds per exercise session
    jobs: int = 0  # clusters run at once (0: as many as clusters)
    standins: tuple[Standin, ...] = ()  # the packages offline pip finds (the course's list)
    standins_file: str = ""  # where that list is ("": the course has none), for messages
    real_home: str | None = None  # the machine's home (None: ~)


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
            )
        )
    return specs


def run_cluster(
    spec: ClusterSpec, exercises: Sequence[Exercise], wheelhouse: Path, options: Options
) -> tuple[list[ExerciseResult], list[list[str]], str]:
    """Every exercise on one cluster, in order, in one fresh sandbox.

    Returns the results, each step's command as run (in the lesson's terms), and a note
    on the simulation (empty when the module's Python is isolated as it should be).
    """
    sandbox = Sandbox.create(
        spec, wheelhouse, resolve=options.pip == "resolve", standins_file=options.standins_file
    )
    try:
        results, as_run = [], []
        for exercise in exercises:
            steps = exercise_steps(
                exercise,
                spec.key,
                sandbox.to_sandbox,
                lambda text: refusal(text, str(sandbox.root), str(sandbox.home), options.real_home),
            )
            result = ExerciseResult(spec.key, exercise)
            if not steps:
                result.note = f"no console block of this exercise is for `{spec.key}`"
            else:
                result.steps, result.seconds = run_exercise(sandbox, steps, options.timeout)
            results.append(result)
            as_run.append([sandbox.to_lesson(step.text) if step.text else "" for step in steps])
        return results, as_run, sandbox.note
    finally:
        sandbox.remove()


def run_all(
    specs: Sequence[ClusterSpec], exercises: Sequence[Exercise], options: Options
) -> tuple[dict[str, tuple[list[ExerciseResult], list[list[str]], str]], float]:
    """Every cluster's run (side by side), keyed by cluster, and the seconds taken."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lessonrun-wheels-") as folder:
        wheelhouse = Path(folder)
        build_wheelhouse(wheelhouse, options.standins)
        jobs = options.jobs or len(specs) or 1
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {
                spec.key: pool.submit(run_cluster, spec, exercises, wheelhouse, options)
                for spec in specs
            }
            results = {key: future.result() for key, future in futures.items()}
    return results, time.monotonic() - started
