"""The wheel record's core: pins found in step commands, each cluster's Pythons, and the
offline check that names the table's line (no network: the index is a stand-in)."""

from __future__ import annotations

import json
from pathlib import Path

from hpccourse.lessonrun.wheelrecord import (
    DEFAULT_PLATFORM,
    cluster_pythons,
    needs,
    pins_in,
    problems,
    refresh,
    write_record,
)
from hpccourse.table import load_table

TABLE = """\
[clusters.a]
label = "A"
[clusters.a.modules]
python = ["GCC/12.3.0", "Python/3.11.3"]
gpu = ["python/3.9.5"]
[clusters.a.managers]

[clusters.b]
label = "B"
[clusters.b.modules]
python = ["python/3.12.1"]
[clusters.b.managers]

[steps.write]
commands = [\"\"\"cat > requirements.txt <<'EOF'
NumPy==1.26.4
pandas>=2
EOF\"\"\"]

[steps.install]
commands = ["pip install --upgrade torch==2.3.0 scipy"]
only = ["b"]
elsewhere = "not here"
"""


def table_at(tmp_path: Path):
    path = tmp_path / "clusters.toml"
    path.write_text(TABLE, encoding="utf-8")
    return load_table(path)


def test_pins_are_exact_versions_only() -> None:
    text = "pip install a==1.0 'b>=2' c===3 d!=4 E_f==2.0.post1\nnumpy==1.26.4"
    assert pins_in(text) == ["a==1.0", "e_f==2.0.post1", "numpy==1.26.4"]


def test_each_cluster_s_pythons_come_from_its_modules() -> None:
    assert cluster_pythons(["Python/3.11.3", "python/3.9.5", "GCC/12.3.0"]) == ("3.9", "3.11")


def test_needs_follow_the_steps_and_their_clusters(tmp_path: Path) -> None:
    found = {(n.pin, n.step, n.cluster, n.pythons) for n in needs(table_at(tmp_path))}
    assert found == {
        ("numpy==1.26.4", "write", "a", ("3.9", "3.11")),
        ("numpy==1.26.4", "write", "b", ("3.12",)),
        ("torch==2.3.0", "install", "b", ("3.12",)),
    }


def test_the_check_is_offline_and_names_the_step_s_line(tmp_path: Path) -> None:
    table = table_at(tmp_path)
    index = {("numpy==1.26.4", "3.9"): "", ("torch==2.3.0", "3.12"): "torch-2.3.0-cp312.whl"}
    record = tmp_path / "wheels.lock.json"

    def lookup(pin: str, python: str, platform: str) -> str:
        assert platform == DEFAULT_PLATFORM  # no cluster names its own
        return index.get((pin, python), f"{pin}-{python}.whl")

    write_record(record, refresh(table, lookup), table)
    data = json.loads(record.read_text())
    assert data["wheels"]["numpy==1.26.4"][DEFAULT_PLATFORM]["3.9"] is None
    assert data["clusters"]["a"] == {"pythons": ["3.9", "3.11"], "platform": DEFAULT_PLATFORM}
    found = problems(table, record)
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'clusters.toml'}:14: step write, cluster a: ")
    assert "numpy==1.26.4 has no wheel for this cluster's Python (3.9)" in found[0]
    # Told which Python the step runs under there, the check asks nothing of the others.
    assert problems(table, record, {("write", "a"): ("3.11",)}) == []
    assert len(problems(table, record, strict=False)) == 0
    data = json.loads(record.read_text())
    del data["wheels"]["torch==2.3.0"]
    record.write_text(json.dumps(data))
    assert any("torch==2.3.0 is not in wheels.lock.json" in p for p in problems(table, record))
    assert "no readable wheel record" in problems(table, tmp_path / "none.json")[0]
