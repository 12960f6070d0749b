"""Every pinned package of the course's steps has a wheel for each Python of the clusters
that run the step, as the committed wheel record (wheels.lock.json) says: offline."""

from __future__ import annotations

import json
from pathlib import Path

from hpccourse.lessonrun.wheelrecord import needs, problems
from hpccourse.table import load_table

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "clusters.toml"
RECORD = ROOT / "wheels.lock.json"


def test_every_pin_of_every_step_has_a_wheel_for_its_clusters_pythons() -> None:
    table = load_table(TABLE)
    assert needs(table), "the course pins no package: nothing to check"
    assert problems(table, RECORD) == []


def test_the_record_names_a_wheel_file_for_each_python_it_vouches_for() -> None:
    wheels = json.loads(RECORD.read_text(encoding="utf-8"))["wheels"]
    for pin, by_python in wheels.items():
        name, version = pin.split("==")
        for python, wheel in by_python.items():
            tag = "cp" + python.replace(".", "")
            assert wheel is None or (
                wheel.lower().startswith(f"{name.replace('-', '_')}-{version}-".lower())
                and f"-{tag}-" in wheel
                and wheel.endswith(".whl")
            ), (pin, python, wheel)
