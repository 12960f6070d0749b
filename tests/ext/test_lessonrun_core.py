"""lessonrun's Sphinx-free parts: stand-in wheels, the sandbox refusal rules, planning a
block's steps, path mapping, exact output and the module's isolated Python."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hpccourse.console.model import Block
from hpccourse.lessonrun.model import ClusterSpec, Mark
from hpccourse.lessonrun.plan import block_steps
from hpccourse.lessonrun.results import records
from hpccourse.lessonrun.safety import refusal
from hpccourse.lessonrun.sandbox import Sandbox
from hpccourse.lessonrun.session import Session, exact_mismatch, judge
from hpccourse.lessonrun.wheelrecord import needs
from hpccourse.lessonrun.wheels import Standin, build_wheel, load_standins, wheel_files
from hpccourse.table import load_table

PROJECT = Path(__file__).resolve().parents[2]
SANDBOX = "/tmp/lessonrun-x"
HOME = f"{SANDBOX}/home"
SPEC = ClusterSpec(
    key="alpha",
    label="Alpha",
    storage_root="/proj/alpha-course",
    placeholder="[username]",
    user="ada",
    modules=frozenset({"python/3.11.8"}),
)


# ------------------------------------------------------------------- wheels
def test_a_stand_in_wheel_has_metadata_wheel_and_a_correct_record(tmp_path):
    standin = Standin("python-dateutil", "2.9.0", ("six>=1.5",), "dateutil")
    path = build_wheel(standin, tmp_path)
    assert path.name == "python_dateutil-2.9.0-py3-none-any.whl"
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        record = archive.read("python_dateutil-2.9.0.dist-info/RECORD").decode()
        metadata = archive.read("python_dateutil-2.9.0.dist-info/METADATA").decode()
        for row in record.splitlines():
            name, digest, size = row.split(",")
            if name.endswith("RECORD"):
                assert digest == size == ""
                continue
            data = archive.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode()
            assert int(size) == len(data)
    assert "dateutil/__init__.py" in names
    assert "Name: python-dateutil\nVersion: 2.9.0\n" in metadata
    assert "Requires-Dist: six>=1.5" in metadata


def test_stand_in_wheels_are_the_same_bytes_every_time(tmp_path):
    standin = Standin("numpy", "1.22.3")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = build_wheel(standin, tmp_path / "a")
    second = build_wheel(standin, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    assert wheel_files(standin) == wheel_files(standin)


def test_the_sites_stand_ins_cover_every_package_the_lesson_installs():
    # The list is the course's file now (lessonrun_standins), not the package's.
    offered = {(s.name.lower(), s.version) for s in load_standins(PROJECT / "standins.toml")}
    names = {name for name, _ in offered}
    assert {"spacy", "seaborn", "numpy", "scipy", "numba", "torch"} <= names
    # Every version a step pins, so that offline `pip install -r requirements.txt` works.
    pinned = {tuple(need.pin.split("==")) for need in needs(load_table(PROJECT / "clusters.toml"))}
    assert pinned and pinned <= offered, pinned - offered


# ------------------------------------------------------------------- safety
@pytest.mark.parametrize(
    "command",
    [
        "echo hi > /etc/motd",
        "cat x >> /var/log/x",
        "mkdir -p /proj/other-project/ada",
        "touch ~/../../../etc/x",
        "rm -rf /tmp/elsewhere",
        "cp notes.txt /opt/",
        "pip install --target /opt/site numpy",
        "python -m venv /scratch/env",
        "source /work/main/.venv/bin/activate",
        f"{sys.base_prefix}/bin/python3 -m pip install numpy",
        "echo x | tee ~bob/file",
        "cd / && touch x",
        "ls > ../../escape.txt",
    ],
)
def test_writes_outside_the_sandbox_are_refused(command):
    assert refusal(command, SANDBOX, HOME, "/root") is not None


def test_the_real_home_is_named_in_the_refusal():
    assert "real home" in refusal("touch /root/.bashrc", SANDBOX, HOME, "/root")


@pytest.mark.parametrize(
    "command",
    [
        "pip freeze > requirements.txt",
        f"python -m venv --system-site-packages {SANDBOX}/roots/proj/a/ada/python/vpyenv",
        f"source {SANDBOX}/roots/proj/a/ada/python/vpyenv/bin/activate",
        "rm -Ir ~/.local/lib/python3.11",
        "cat /etc/os-release",
        "ls 2>/dev/null",
        "cat > requirements.txt <<'EOF'\n/etc/passwd > /etc/x\nEOF",
        "mkdir -p $HOME/a && cd ~/a",
        "pip install -r requirements.txt",
    ],
)
def test_reads_and_writes_inside_the_sandbox_run(command):
    assert refusal(command, SANDBOX, HOME, "/root") is None


# ------------------------------------------------------------------- planning
def block(text: str, cluster: str | None = "alpha") -> Block:
    return Block("index", "index.rst", 10, "console", text, cluster=cluster)


def plan(text: str, mark: Mark | None = None) -> list:
    box = Sandbox(Path(SANDBOX), SPEC, Path("/nowhere"))
    return block_steps(
        block(text), mark or Mark(), box.to_sandbox, lambda t: refusal(t, SANDBOX, HOME, "/root")
    )


def test_a_bare_python_is_fed_the_repl_lines_and_expects_their_output():
    (step,) = plan(
        "(vpyenv) $ python\nPython 3.11.8 (main)\n>>> import spacy\n>>> print(1)\n1\n>>> exit()"
    )
    assert step.stdin == "import spacy\nprint(1)\nexit()\n"
    assert step.expected == ("1",)
    assert step.env == "vpyenv"


def test_a_bare_python_with_no_repl_lines_is_skipped_with_a_reason():
    (step,) = plan("$ python")
    assert step.action == "skip"
    assert "interactive Python" in step.reason


def test_rm_asking_with_no_answer_shown_is_skipped():
    (step,) = plan("$ rm -Ir ~/.local/lib/python3.11")
    assert step.action == "skip"
    assert "no answer" in step.reason


def test_commands_are_mapped_into_the_sandbox_but_shown_as_written():
    (step,) = plan("$ python -m venv /proj/alpha-course/[username]/python/vpyenv")
    assert step.shown == "python -m venv /proj/alpha-course/[username]/python/vpyenv"
    assert step.text == f"python -m venv {SANDBOX}/roots/proj/alpha-course/ada/python/vpyenv"


def test_a_here_document_is_one_step_with_its_body():
    (step,) = plan("$ cat > r.txt <<'EOF'\nnumpy==1.22.3\nEOF")
    assert step.text == "cat > r.txt <<'EOF'\nnumpy==1.22.3\nEOF"


def test_marks_make_steps_exact_or_skipped():
    assert plan("$ echo a\na", Mark(exact=True))[0].exact
    skipped = plan("$ echo a", Mark(skip="needs a GPU"))[0]
    assert (skipped.action, skipped.reason) == ("skip", "needs a GPU")


def test_storage_root_mapping_keeps_path_boundaries():
    box = Sandbox(Path(SANDBOX), SPEC, Path("/nowhere"))
    assert box.to_sandbox("/proj/alpha-course-old/x") == "/proj/alpha-course-old/x"
    mapped = box.to_sandbox("ls /proj/alpha-course")
    assert mapped == f"ls {SANDBOX}/roots/proj/alpha-course"
    assert box.to_lesson(mapped) == "ls /proj/alpha-course"
    assert box.to_lesson(f"{HOME}/x") == "/home/ada/x"


def test_exact_output_uses_doctest_ellipsis():
    assert exact_mismatch(["a", "...", "z"], "a\nb\nc\nz\n") is None
    assert exact_mismatch(["Version ..."], "Version 1.2  \n") is None
    assert exact_mismatch([], "") is None
    assert exact_mismatch([], "noise\n") is not None
    assert exact_mismatch(["a"], "b\n") is not None


# ------------------------------------------------------------------- sandbox
def test_the_modules_python_has_its_own_empty_site_packages(tmp_path):
    box = Sandbox.create(SPEC, tmp_path / "wheels", parent=tmp_path)
    try:
        assert box.note == ""
        (python_bin,) = box.python_bins  # SPEC has one Python module
        result = subprocess.run(
            [
                str(python_bin / "python"),
                "-c",
                "import site, sys; print(site.getsitepackages())",
            ],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin"},
            check=True,
        )
        (site,) = eval(result.stdout)  # a list of one path
        assert Path(site).is_relative_to(box.root)
        assert list(Path(site).iterdir()) == []
        assert box.mapped_root is not None and box.mapped_root.is_dir()
        env = box.environment()
        assert env["HOME"] == str(box.home)
        assert ".venv" not in env["PATH"] and "pyenv" not in env["PATH"]
        assert env["PIP_NO_INDEX"] == "1"
    finally:
        box.remove()
    assert not box.root.exists()


def test_resolve_mode_reports_a_pin_with_no_wheel_for_the_cluster_s_python(tmp_path):
    """What the resolve dry run left behind for a `pip install` is judged offline here."""
    (step,) = plan("$ pip install numpy==1.22.3")
    box = Sandbox.create(SPEC, tmp_path / "wheels", parent=tmp_path, resolve=True)
    try:
        run = box.run_dir
        (run / "out.0").write_text("", encoding="utf-8")
        (run / "resolve.0.1.python").write_text("3.11\n", encoding="utf-8")
        (run / "resolve.0.1.rc").write_text("1\n", encoding="utf-8")
        (run / "resolve.0.1.log").write_text(
            "ERROR: No matching distribution found for numpy==1.22.3\n", encoding="utf-8"
        )
        session = Session(
            report=records("\0".join(["S", "0", "0", "", "$ ", "", "1.0", "1.5", ""]).encode())
        )
        (result,) = judge(box, [step], session, 10)
    finally:
        box.remove()
    assert result.status == "failed"
    (reason,) = result.reasons
    assert reason.startswith("no wheel for this cluster's Python (3.11): ERROR: No matching")
    assert result.resolve == {
        "installs": [
            {
                "python": "3.11",
                "ok": False,
                "error": ("ERROR: No matching distribution found for numpy==1.22.3"),
            }
        ]
    }


def test_a_step_of_an_included_file_is_reported_at_that_files_own_line():
    """lessonrun's report names the same line consolecheck does: a row of a file whose
    ``:lines:`` were picked apart is at its own line, not the block's first line + offset;
    a generated block at the directive; a hand-written one at its line."""
    from hpccourse.lessonrun.model import Step, StepResult
    from hpccourse.lessonrun.report import location

    picked = Block("index", "job.sh", 3, "console", "$ a\n$ b", rows=(3, 9))
    generated = Block("index", "index.rst", 12, "console", "$ a\n$ b", data_source="t.toml")
    written = Block("index", "index.rst", 12, "console", "$ a\n$ b")
    shown = [location(StepResult(Step(b, 1, "b"), "passed")) for b in (picked, generated, written)]
    assert shown == ["job.sh:9", "index.rst:12", "index.rst:13"]
