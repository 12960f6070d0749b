"""The report every checking builder writes: ``output.txt``, ``report.json``, warnings.

Both files are written before any warning is raised, so that ``-W`` (which may stop at
the first warning) never loses the report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.util import logging

OUTPUT = "output.txt"
REPORT = "report.json"


class Encoded(list):
    """A top-level list of ``report.json`` whose items are already JSON text (one line
    each, e.g. kept from an earlier run): :func:`json_text` writes them as they are."""


@dataclass(frozen=True)
class Finding:
    """One warning of a report: its message and where it points."""

    message: str
    location: str | None
    type: str
    subtype: str


def write_report(
    outdir: str | Path,
    text: str,
    data: dict[str, Any],
    findings: Iterable[Finding] = (),
    *,
    logger: logging.SphinxLoggerAdapter,
) -> None:
    """Write ``text`` to ``output.txt`` and ``data`` to ``report.json``, then warn."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    (out / OUTPUT).write_text(text, encoding="utf-8")
    (out / REPORT).write_text(json_text(data), encoding="utf-8")
    for finding in findings:
        logger.warning(
            "%s",
            finding.message,
            location=finding.location,
            type=finding.type,
            subtype=finding.subtype,
        )


def json_text(data: dict[str, Any]) -> str:
    """``data`` as JSON with each item of a top-level list on a line of its own: readable
    and diffable, and written by json's C encoder (``indent`` would use its pure-Python
    one, a quarter of consolecheck's time on a 10,000-block course)."""
    lines = ["{"]
    for i, (key, value) in enumerate(data.items()):
        comma = "," if i < len(data) - 1 else ""
        if isinstance(value, list) and value:
            lines.append(f"  {json.dumps(key)}: [")
            last = len(value) - 1
            lines += [
                f"    {item if isinstance(value, Encoded) else json.dumps(item)}"
                f"{',' if j < last else ''}"
                for j, item in enumerate(value)
            ]
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
