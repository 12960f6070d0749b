"""The ``lessonrun`` builder: run the lesson's exercises for real, once per cluster.

Beside ``consolecheck`` and sharing its extraction (:mod:`hpccourse.doctree.collect`): it walks
every document's doctree, groups the console blocks into exercises
(:mod:`.exercises`), runs them per cluster in a sandbox (:mod:`.runner`), and writes
``output.txt`` (a transcript) and ``report.json``. Each failed or refused command is also a
warning at its ``.rst`` line (after both files are written); the exit status is 1 when any
fails. Configuration: ``lessonrun_pip`` (``offline`` or ``resolve``),
``lessonrun_timeout``, ``lessonrun_jobs``, ``lessonrun_clusters``, ``lessonrun_standins``,
``lessonrun_exercises`` (which sections are exercises: ``^Exercise\\b``),
``lessonrun_unsandboxed`` (run with no kernel sandbox) and ``lessonrun_lint``.
When the kernel refuses the sandbox, nothing runs and a warning says why.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Set
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.application import Sphinx
from sphinx.locale import __
from sphinx.util import logging

from ..config import conf_location
from ..table import TableError, project_table
from .base import SiteCheckBuilder, add_check_builder
from .report import Finding, write_report

# The runner, the sandbox and the reports load when this builder runs, not with every
# build of the extension (the html and consolecheck builds never need them).
if TYPE_CHECKING:
    from ..lessonrun.model import ClusterSpec, Exercise
    from ..lessonrun.runner import Options

logger = logging.getLogger(__name__)


class LessonRunBuilder(SiteCheckBuilder):
    """Runs every exercise on every cluster; see the module docstring."""

    name = "lessonrun"
    epilog = __("Lesson run finished, look at the results in %(outdir)s/output.txt.")

    def init(self) -> None:
        from ..lessonrun.runner import cluster_specs

        self.exercises: list[Exercise] = []
        self.failures = 0
        self.specs: list[ClusterSpec] = []
        self.cluster_for_label = lambda _label: None
        table_name = self.config.hpccourse_table
        table = project_table(self.srcdir, self.config)
        if isinstance(table, TableError):
            logger.warning(
                __("lessonrun: no clusters to run the lesson on (%s)"),
                table,
                type="hpccourse",
                subtype="lessonrun",
            )
            return
        wanted = list(self.config.lessonrun_clusters)
        unknown = sorted(set(wanted) - set(table.cluster_keys))
        if unknown:
            logger.warning(
                __("lessonrun_clusters names clusters the table lacks: %s (it has: %s)"),
                ", ".join(unknown),
                ", ".join(table.cluster_keys),
                type="hpccourse",
                subtype="lessonrun",
            )
        self.specs = [
            spec for spec in cluster_specs(table, table_name) if not wanted or spec.key in wanted
        ]

        def cluster_for_label(label: str) -> str | None:
            found = table.cluster_for_label(label)
            return found.key if found is not None else None

        self.cluster_for_label = cluster_for_label  # type: ignore[assignment]

    def write_documents(self, docnames: Set[str]) -> None:
        """Collect each document's exercises, in a stable order."""
        from ..doctree.exercises import collect_exercises

        languages = frozenset(self.config.consolecheck_languages)
        try:
            pattern = re.compile(self.config.lessonrun_exercises)
        except re.error as exc:
            logger.warning(
                __("lessonrun_exercises is not a regular expression: %s"),
                exc,
                type="hpccourse",
                subtype="lessonrun",
            )
            return
        for docname in sorted(docnames):
            found = collect_exercises(
                self.env.get_doctree(docname),
                docname,
                self.srcdir,
                languages=languages,
                default_language=self.config.highlight_language,
                cluster_for_label=self.cluster_for_label,
            )
            self.exercises.extend(e for e in found if pattern.search(e.title))

    def options(self) -> Options | None:
        from ..lessonrun.runner import PIP_MODES, Options
        from ..lessonrun.wheels import Standin, StandinError, load_standins

        pip = self.config.lessonrun_pip
        if pip not in PIP_MODES:
            logger.warning(
                __("lessonrun_pip is %r: use one of %s"),
                pip,
                ", ".join(PIP_MODES),
                type="hpccourse",
                subtype="lessonrun",
            )
            return None
        name = self.config.lessonrun_standins
        standins: list[Standin] = []
        if not name:
            logger.info(
                __(
                    "lessonrun: no stand-in packages (lessonrun_standins is not set): "
                    "an exercise's `pip install` will find nothing to install"
                ),
                location=conf_location(self.confdir, "lessonrun_standins"),
            )
        else:
            try:
                standins = load_standins(Path(self.srcdir) / name)
            except StandinError as exc:
                where = (
                    exc.location if exc.line else conf_location(self.confdir, "lessonrun_standins")
                )
                logger.warning(
                    __("lessonrun_standins: %s: %s"),
                    os.path.relpath(exc.source, self.srcdir),
                    exc.message,
                    location=where,
                    type="hpccourse",
                    subtype="lessonrun",
                )
                return None
        return Options(
            pip=pip,
            timeout=float(self.config.lessonrun_timeout),
            jobs=int(self.config.lessonrun_jobs),
            standins=tuple(standins),
            standins_file=name,
            unsandboxed=bool(self.config.lessonrun_unsandboxed),
            lint=bool(self.config.lessonrun_lint),
        )

    def finish(self) -> None:
        """Run, write both files, then raise the warnings (``-W`` may stop at one)."""
        from ..lessonrun import report
        from ..lessonrun.boundary import probe
        from ..lessonrun.results import shown
        from ..lessonrun.runner import run_all

        options = self.options()
        if options is None or not self.specs:
            self.failures = 1
            return
        logger.info(
            __("lessonrun: %d exercises on %s (pip: %s)"),
            len(self.exercises),
            ", ".join(spec.key for spec in self.specs),
            options.pip,
        )
        boundary = probe(options.unsandboxed)
        if isinstance(boundary, str):
            logger.warning(
                __(
                    "lessonrun: no sandbox on this machine (%s): nothing was run. Where you "
                    "trust the lesson, run it unsandboxed: lessonrun_unsandboxed = True "
                    "(make lessonrun LESSONRUN_UNSANDBOXED=1)"
                ),
                boundary,
                type="hpccourse",
                subtype="lessonrun",
            )
            self.failures += 1
        elif not boundary.sandboxed:
            logger.info(__("lessonrun: running UNSANDBOXED, as lessonrun_unsandboxed asks"))
        try:
            runs, seconds = run_all(self.specs, self.exercises, options, boundary)
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning(
                __("lessonrun: the run could not start: %s"),
                exc,
                type="hpccourse",
                subtype="lessonrun",
            )
            self.failures = 1
            return
        labels = {spec.key: spec.label for spec in self.specs}
        by_cluster = {key: results for key, (results, *_) in runs.items()}
        text = "".join(
            report.transcript(key, labels[key], results, stand_ins) + "\n"
            for key, (results, _, _, stand_ins) in runs.items()
        )
        text += report.summary(by_cluster, seconds)
        if not isinstance(boundary, str) and boundary.sandboxed:
            text += boundary.memory_line  # the cap of a whole session, or why none
            logger.info(__("lessonrun: %s"), boundary.memory_line.strip())
        text += report.sandbox_line(boundary if isinstance(boundary, str) else boundary.mode)
        data = {
            "pip": options.pip,
            "python": platform.python_version(),
            "seconds": round(seconds, 2),
            "sandbox": boundary if isinstance(boundary, str) else boundary.mode,
            "clusters": [
                {
                    "cluster": key,
                    "label": labels[key],
                    "note": note,
                    "stand_ins": stand_ins,
                    "summary": report.counts(results),
                    "exercises": [
                        report.exercise_entry(result, texts)
                        for result, texts in zip(results, as_run, strict=True)
                    ],
                }
                for key, (results, as_run, note, stand_ins) in runs.items()
            ],
        }
        logger.info(report.summary(by_cluster, seconds))
        findings: list[Finding] = []
        for key, (results, _, note, _) in runs.items():
            if note:
                findings.append(
                    Finding(
                        f"lessonrun [{key}]: the module's Python is not isolated: {note}",
                        None,
                        "hpccourse",
                        "lessonrun",
                    )
                )
            for result in results:
                for step in result.steps:
                    if step.status not in ("failed", "refused"):
                        continue
                    self.failures += 1
                    reasons = "; ".join(reason.split("\n")[0] for reason in step.reasons)
                    findings.append(
                        Finding(
                            shown(
                                f"lessonrun [{key}] {result.exercise.title}: "
                                f"`{step.step.shown.split(chr(10))[0]}`: {reasons}"
                                f"{report.where(step)}"
                            ),
                            str(Path(self.srcdir) / report.location(step)),
                            "hpccourse",
                            "lessonrun",
                        )
                    )
        write_report(self.outdir, text, data, findings, logger=logger)


def register(app: Sphinx) -> None:
    """Register the builder and its exit-status hook (from the package's ``setup``)."""
    add_check_builder(app, LessonRunBuilder)


def setup(app: Sphinx) -> dict[str, Any]:
    """The ``sphinx.builders`` entry point: ``-b lessonrun`` loads the whole extension."""
    app.setup_extension("hpccourse")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
