"""The scheduler shape a cluster's exercises ask of Slurm: partitions, GPUs, features.

lessonrun's private Slurm (:mod:`.slurm`) is one node. So that a cluster's batch
exercise runs as copied, that node and its partitions take what the cluster's commands
ask for: every partition named (``-p X``, ``--partition=X``, ``#SBATCH -p X``), every GPU
type (``--gpus``, ``-G``, ``--gpus-per-node``, ``--gpus-per-task``, ``--gres``) as a
generic resource with no device behind it, every feature (``-C``), and as many CPUs and
as much memory as one job asks for. A GPU job then runs its script on the CPU
(:func:`.slurm.node_conf`).

The options come from the steps as planned (``sbatch``/``srun``/``salloc`` command
lines and ``#SBATCH`` lines, here-document bodies included) and from the cluster's facts
that are option lists (a value starting with ``-``, e.g. ``-p shared -n 1``). The
lesson's text is untrusted and the configuration is read by root's daemons: a name is
declared only when it is a plain name (:data:`NAME`), a count only up to a bound; what
is not becomes no line, and Slurm then refuses that job as the real one would.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field

#: A name that may go into slurm.conf or gres.conf: no space, '=', '#', newline or quote.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}\Z")
_MAX_CPUS = 1024
_MAX_GPUS = 64
_MAX_MEMORY_MB = 16 * 1024 * 1024
_MAX_NAMES = 32  # partitions, GPU types, features: each at most so many

_SUBMIT = frozenset({"sbatch", "srun", "salloc"})
#: Short options of sbatch/srun/salloc that take a value (``-p X`` or ``-pX``).
_SHORT_VALUE = frozenset("aAbBcCdDeFGiJLmMnNopqStwx")
#: Long options that take no value (any other takes one: ``--opt=X`` or ``--opt X``).
_LONG_FLAGS = frozenset(
    {
        "contiguous", "exclusive", "hold", "ignore-pbs", "no-kill", "no-requeue",
        "overcommit", "oversubscribe", "parsable", "quiet", "requeue", "spread-job",
        "test-only", "use-min-nodes", "verbose", "wait", "pty", "x11", "label",
        "unbuffered", "help", "usage", "version", "exact", "overlap", "whole",
        "disable-status", "preserve-env", "no-shell", "mem-per-gpu-default",
    }
)  # fmt: skip
_OPERATORS = frozenset({";", "&&", "||", "|", "&", "(", ")", ";;", "|&"})
_SBATCH_LINE = re.compile(r"^\s*#SBATCH\s+(.*)$")


@dataclass
class Shape:
    """What the node and partitions declare beyond lessonrun's default."""

    partitions: list[str] = field(default_factory=list)  # in the order first named
    gres: dict[str, dict[str, int]] = field(default_factory=dict)  # name -> type ("": none) -> n
    features: list[str] = field(default_factory=list)
    cpus: int = 1
    memory_mb: int = 1000

    def add_partition(self, name: str) -> None:
        if NAME.match(name) and name not in self.partitions:
            self.partitions.append(name)
            del self.partitions[_MAX_NAMES:]

    def add_gres(self, name: str, kind: str, count: int) -> None:
        if not NAME.match(name) or (kind and not NAME.match(kind)):
            return
        counts = self.gres.setdefault(name, {})
        if kind not in counts and len(counts) >= _MAX_NAMES:
            return
        counts[kind] = min(_MAX_GPUS, max(counts.get(kind, 0), count))

    def add_feature(self, name: str) -> None:
        if NAME.match(name) and name not in self.features:
            self.features.append(name)
            del self.features[_MAX_NAMES:]

    def node_gres(self) -> list[tuple[str, str, int]]:
        """(name, type, count) per declared resource: an untyped request is met by the
        typed ones (the first gets what they lack), or by an untyped count of its own."""
        declared = []
        for name, counts in self.gres.items():
            typed = {k: n for k, n in counts.items() if k}
            untyped = counts.get("", 0)
            if typed:
                first = next(iter(typed))
                typed[first] += max(0, untyped - sum(typed.values()))
                declared += [(name, kind, n) for kind, n in typed.items()]
            else:
                declared.append((name, "", untyped))
        return declared


def _words(line: str) -> list[str]:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:  # an unbalanced quote: the line's words as they stand
        return line.split()


def _options(words: list[str]) -> list[tuple[str, str]]:
    """The (option, value) pairs at the start of ``words`` (``-p X``, ``-pX``, ``--o=X``,
    ``--o X``), up to the first word that is no option (the script, the program)."""
    found: list[tuple[str, str]] = []
    i = 0
    while i < len(words) and words[i].startswith("-") and words[i] not in ("-", "--"):
        word = words[i]
        i += 1
        if word.startswith("--"):
            name, eq, value = word[2:].partition("=")
            if not eq and name not in _LONG_FLAGS and i < len(words):
                value, i = words[i], i + 1
            found.append((name, value))
        elif word[1] in _SHORT_VALUE:
            value = word[2:]
            if not value and i < len(words):
                value, i = words[i], i + 1
            found.append((word[1], value))
        else:
            found.append((word[1], ""))
    return found


def requests(text: str) -> list[list[tuple[str, str]]]:
    """Each Slurm request in ``text``: the options of each ``sbatch``/``srun``/``salloc``
    command and of each run of ``#SBATCH`` lines (one script's)."""
    found: list[list[tuple[str, str]]] = []
    script: list[tuple[str, str]] | None = None
    for line in text.splitlines():
        directive = _SBATCH_LINE.match(line)
        if directive:
            if script is None:
                script = []
                found.append(script)
            script += _options(_words(directive[1]))
            continue
        if line.strip() and not line.lstrip().startswith("#"):
            script = None
        words = _words(line)
        for i, word in enumerate(words):
            if word.rsplit("/", 1)[-1] in _SUBMIT and (i == 0 or words[i - 1] in _OPERATORS):
                rest = words[i + 1 :]
                stop = next((j for j, w in enumerate(rest) if w in _OPERATORS), len(rest))
                found.append(_options(rest[:stop]))
    return found


def _count(text: str, default: int = 1) -> int:
    return int(text) if text.isdigit() else default


def _gpus(shape: Shape, value: str, times: int) -> None:
    """``[type:]count`` (``--gpus``, ``--gpus-per-node``, ``--gpus-per-task``)."""
    for item in value.split(","):
        kind, _, count = item.rpartition(":")
        shape.add_gres("gpu", kind, _count(count) * times)


def _memory_mb(value: str) -> int:
    match = re.fullmatch(r"(\d+)([KMGT]?)B?", value.strip().upper())
    if not match:
        return 0
    scale = {"K": 1 / 1024, "": 1, "M": 1, "G": 1024, "T": 1024 * 1024}[match[2]]
    return int(int(match[1]) * scale)


def add_request(shape: Shape, options: list[tuple[str, str]]) -> None:
    """Widen ``shape`` so that the one request ``options`` fits."""
    given = dict(options)
    tasks = _count(given.get("n", given.get("ntasks", "")), 0) or _count(
        given.get("ntasks-per-node", "")
    )
    per_task = _count(given.get("c", given.get("cpus-per-task", "")))
    shape.cpus = max(shape.cpus, min(_MAX_CPUS, tasks * per_task))
    for name, value in options:
        if name in ("p", "partition"):
            for partition in value.split(","):
                shape.add_partition(partition)
        elif name in ("G", "gpus", "gpus-per-node"):
            _gpus(shape, value, 1)
        elif name == "gpus-per-task":
            _gpus(shape, value, tasks)
        elif name == "gres":
            for item in value.split(","):
                parts = item.split(":")
                count = _count(parts[-1]) if len(parts) > 1 and parts[-1].isdigit() else 1
                kinds = parts[1:-1] if len(parts) > 1 and parts[-1].isdigit() else parts[1:]
                if parts[0] == "gpu":  # another generic resource is no GPU: not declared
                    shape.add_gres("gpu", kinds[0] if kinds else "", count)
        elif name in ("C", "constraint"):
            for feature in re.findall(r"[A-Za-z_][A-Za-z0-9_.+-]*", value):
                shape.add_feature(feature)
        elif name == "mem":
            shape.memory_mb = max(shape.memory_mb, min(_MAX_MEMORY_MB, _memory_mb(value)))


def scheduler_shape(texts: Iterable[str], option_lists: Iterable[str] = ()) -> Shape:
    """The shape that takes every request in ``texts`` (the steps as run) and in
    ``option_lists`` (option strings such as a cluster's ``-p shared -n 1``)."""
    shape = Shape()
    for text in texts:
        for options in requests(text):
            add_request(shape, options)
    for value in option_lists:
        add_request(shape, _options(_words(value)))
    return shape
