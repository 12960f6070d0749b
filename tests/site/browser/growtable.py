"""A copy of a course whose data table is grown to N clusters, for the budget tests.

The copy's table keeps every cluster it has and adds copies of them (in turn) under new
keys, labels and machine names, with everything the steps say of the copied cluster
(``override.KEY``, ``skip.KEY``, ``note.KEY``, ``only``) said of the copy too: what a
teacher adding a correct cluster gets. Nothing here depends on which clusters the table
holds, nor how many: a table of seven already is copied as it is.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from sitekit import copy_site
from testroots import toml_text

# Names no cluster of a real table uses (made up, checked against the table anyway).
NAME_STEM = "Qzx"
PER_CLUSTER = ("override", "skip", "note")


def _fresh(stem: str, taken: set[str]) -> str:
    n = 1
    while f"{stem}{n}".casefold() in taken:
        n += 1
    return f"{stem}{n}"


def grown_table(table: dict[str, Any], clusters: int) -> dict[str, Any]:
    """``table`` (as TOML data) with copies of its clusters added until it has ``clusters``."""
    table = copy.deepcopy(table)
    existing = list(table["clusters"].items())
    assert existing, "the table has no cluster to copy"
    taken = {
        str(name).casefold()
        for key, facts in existing
        for name in (key, facts.get("label", ""), facts.get("cluster", ""))
    }
    index = 0
    while len(table["clusters"]) < clusters:
        source_key, source = existing[index % len(existing)]
        index += 1
        name = _fresh(NAME_STEM, taken)
        taken.add(name.casefold())
        key = name.lower()
        facts = copy.deepcopy(source)
        facts["label"] = name
        if "cluster" in facts:
            facts["cluster"] = f"{name}m"
            taken.add(facts["cluster"].casefold())
        table["clusters"][key] = facts
        for step in table.get("steps", {}).values():
            for field in PER_CLUSTER:
                values = step.get(field)
                if isinstance(values, dict) and source_key in values:
                    values[key] = copy.deepcopy(values[source_key])
            if source_key in step.get("only", []):
                step["only"].append(key)
    return table


def grow_site(site_dir: Path, dest: Path, clusters: int) -> Path:
    """A copy of the course at ``site_dir`` in ``dest`` whose table has ``clusters``
    clusters (at least the ones it has)."""
    srcdir = copy_site(site_dir, dest)
    table_file = srcdir / "clusters.toml"
    data = tomllib.loads(table_file.read_text(encoding="utf-8"))
    grown = grown_table(data, clusters)
    table_file.write_text(toml_text(grown, "Grown by the budget tests."), encoding="utf-8")
    return srcdir
