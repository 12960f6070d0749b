"""The records lessonrun passes around. Pure data: no Sphinx, no docutils."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..console.model import Block
from ..table.moduletree import ModuleTree, flat_tree


@dataclass(frozen=True)
class ClusterSpec:
    """What a run needs to know of one cluster, from the data table."""

    key: str
    label: str
    storage_root: str  # the real path, e.g. /proj/r-py-jl-m-rackham ("" when none)
    placeholder: str  # [username]
    user: str  # the test user the placeholder becomes
    modules: frozenset[str]  # every module the table lists for the cluster
    table: str = "clusters.toml"  # the data table's name, for messages
    module_tree: ModuleTree | None = None  # how its Lmod shows them (None: all, flat)
    slurm_options: tuple[str, ...] = ()  # its facts that are Slurm options ("-p shared -n 1")

    @property
    def tree(self) -> ModuleTree:
        return self.module_tree or flat_tree(self.modules)


@dataclass(frozen=True)
class Mark:
    """What the author asked of a block (a ``.. lessonrun: ...`` comment before it)."""

    exact: bool = False  # compare its shown output with the real output
    skip: str | None = None  # not run, for this reason


@dataclass(frozen=True)
class Exercise:
    """One section of a page whose console blocks run in one bash session."""

    docname: str
    title: str
    blocks: tuple[Block, ...]
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Step:
    """One command as the run will type it."""

    block: Block
    offset: int  # the command's first line in the block
    shown: str  # the command as the lesson shows it (prompt stripped)
    text: str = ""  # the command as run: storage root mapped, placeholder filled in
    prompt: str = ""  # the prompt the lesson shows before it
    env: str | None = None  # the environment that prompt shows
    stdin: str | None = None  # fed to the command (REPL lines, answers)
    expected: tuple[str, ...] = ()  # output lines the lesson shows after it
    exact: bool = False  # compare ``expected`` with the real output
    action: str = "run"  # "run", "skip" (with reason) or "refuse" (with reason)
    reason: str = ""


@dataclass
class StepResult:
    """What happened to one step."""

    step: Step
    status: str  # "passed", "failed", "skipped", "refused" or "not run"
    exit_status: int | None = None
    output: str = ""
    reasons: list[str] = field(default_factory=list)
    env_after: str | None = None  # the environment active after the command
    prompt_after: str = ""  # PS1 after the command
    modules_after: tuple[str, ...] = ()
    seconds: float = 0.0
    resolve: dict | None = None  # the resolve mode's finding for a `pip install`
    jobs: list[dict] = field(default_factory=list)  # the batch jobs it submitted, as ended


@dataclass
class ExerciseResult:
    """One exercise run on one cluster."""

    cluster: str
    exercise: Exercise
    steps: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""  # why nothing ran (no commands for this cluster)

    @property
    def status(self) -> str:
        if any(step.status in ("failed", "refused") for step in self.steps):
            return "failed"
        if not any(step.status == "passed" for step in self.steps):
            return "skipped"
        return "passed"
