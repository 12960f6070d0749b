"""The sandbox holds: one exercise per way out (tests/roots/test-lessonrun-escape), run with
the static lint off, so that only the kernel boundary stands in the way.

Each payload tries to leave a marker in a folder outside the sandbox, read a decoy secret,
reach a TCP port the test listens on, signal a process the test started, or outlive the
run. None may succeed, and the report must say how each exercise ended.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from hpccourse.lessonrun.boundary import Limits, probe
from sphinx.cmd.build import build_main
from systools import in_ci

ROOTS = Path(__file__).parents[1] / "roots"
SLEEP = 3  # the delayed payloads' sleep, in seconds
GRACE = SLEEP + 4  # how long the test waits after the build for a late write
DECOY = "DECOY-SECRET-7f3a"

# The system tools by the one policy (tools/systools.py); a kernel that refuses
# namespaces skips these tests on a teacher's machine, never under CI=true.
pytestmark = [
    pytest.mark.needs_tools("lessonrun", "bubblewrap", "lmod", "slurm", "munge"),
    pytest.mark.skipif(
        not in_ci() and isinstance(probe(), str),
        reason=f"no kernel sandbox on this machine: {probe()}",
    ),
]


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while self.running:
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


def processes_naming(text: str) -> list[str]:
    """The command lines of the machine's processes that contain ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if text in cmdline:
            found.append(cmdline)
    return found


@pytest.fixture(scope="module")
def escape(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("escape")
    outside = tmp / "outside"
    outside.mkdir()
    outside.chmod(0o777)  # were a payload to reach it, nothing but the sandbox would stop it
    secret = tmp / "secret.txt"
    secret.write_text(f"{DECOY}\n", encoding="utf-8")
    secret.chmod(0o666)
    tag = uuid.uuid4().hex[:12]
    listener = Listener()
    victim = subprocess.Popen(["sleep", "600"])
    values = {
        "@OUT@": str(outside),
        "@SECRET@": str(secret),
        "@PORT@": str(listener.port),
        "@PID@": str(victim.pid),
        "@SLEEP@": str(SLEEP),
        "@TAG@": tag,
    }
    srcdir = tmp / "src"
    shutil.copytree(ROOTS / "test-lessonrun-escape", srcdir)
    index = srcdir / "index.rst"
    text = index.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(name, value)
    index.write_text(text, encoding="utf-8")
    outdir = tmp / "out"
    temp = tmp / "temp"  # the run's temporary folders go here (TMPDIR)
    temp.mkdir()
    saved = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(temp)
    tempfile.tempdir = None
    try:
        status = build_main(["-b", "lessonrun", "-E", "-q", str(srcdir), str(outdir)])
        left_right_after = sorted(p.name for p in outside.iterdir())
        alive_after = processes_naming(str(outside))
        time.sleep(GRACE)
        yield {
            "status": status,
            "report": json.loads((outdir / "report.json").read_text(encoding="utf-8")),
            "output": (outdir / "output.txt").read_text(encoding="utf-8"),
            "outside": outside,
            "left_right_after": left_right_after,
            "alive_after": alive_after,
            "secret": secret,
            "tag": tag,
            "listener": listener,
            "victim": victim,
            "temp": temp,
        }
    finally:
        if saved is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved
        tempfile.tempdir = None
        listener.close()
        victim.kill()
        victim.wait()
        for marker in (f"escape-cd-{tag}", f"escape-nohup-{tag}", f"escape-job-{tag}"):
            Path("/tmp", marker).unlink(missing_ok=True)


def exercises(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (cluster,) = report["clusters"]
    return {e["title"].split(": ", 1)[1]: e for e in cluster["exercises"]}


def test_the_run_was_sandboxed_with_the_lint_off(escape):
    assert escape["report"]["sandbox"] in ("root", "user")
    statuses = {s["status"] for e in exercises(escape["report"]).values() for s in e["steps"]}
    assert "refused" not in statuses  # the lint did not stop them: the sandbox did


def test_no_marker_appears_outside_during_or_after_the_run(escape):
    assert escape["left_right_after"] == []
    assert sorted(p.name for p in escape["outside"].iterdir()) == []  # after the grace period
    tag = escape["tag"]
    assert not Path("/tmp", f"escape-cd-{tag}").exists()
    assert not (escape["temp"] / f"escape-cd-{tag}").exists()
    assert not Path("/tmp", f"escape-nohup-{tag}").exists()
    assert not Path("/tmp", f"escape-job-{tag}").exists()
    assert not Path("/usr", f"escape-{tag}").exists()
    assert not Path("/etc", f"escape-{tag}").exists()


def test_nothing_the_run_started_outlives_it(escape):
    assert escape["alive_after"] == []
    assert processes_naming(str(escape["outside"])) == []


def test_the_decoy_secret_is_neither_read_nor_changed(escape):
    assert DECOY not in escape["output"]
    assert DECOY not in json.dumps(escape["report"])
    assert escape["secret"].read_text(encoding="utf-8") == f"{DECOY}\n"


def test_no_connection_reaches_a_local_port(escape):
    assert escape["listener"].connections == 0


def test_a_process_outside_is_never_signalled(escape):
    assert escape["victim"].poll() is None


def test_the_report_says_how_each_exercise_ended(escape):
    found = exercises(escape["report"])
    assert len(found) >= 29
    for title, exercise in found.items():
        assert exercise["steps"], title
        for step in exercise["steps"]:
            assert step["status"] in ("passed", "failed"), (title, step)
            assert step["exit_status"] is not None or step["reasons"], (title, step)
    # a few, in their own words
    assert "Read-only file system" in found["the system"]["steps"][0]["output"]
    if escape["report"]["sandbox"] == "root":  # Slurm runs: each job says how it ended
        for title in ("a batch job writing outside", "a batch job reaching a local TCP port"):
            (job,) = found[title]["steps"][0]["jobs"]
            assert job["state"] in ("COMPLETED", "FAILED"), job
        (job,) = found["a batch job signalling a process outside"]["steps"][0]["jobs"]
        assert job["state"] == "FAILED"  # kill: no such process
    assert "No such process" in found["signalling a process outside"]["steps"][0]["output"]
    assert found["reading a secret outside"]["steps"][0]["status"] == "failed"
    assert (
        "Read-only file system"
        in found["the wheelhouse every cluster shares"]["steps"][0]["output"]
    )


def test_no_temporary_folder_is_left(escape):
    assert sorted(escape["temp"].iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_signal_to_the_builder_ends_every_session_and_removes_its_folders(tmp_path, signum):
    """SIGINT and SIGTERM: every session ends, every folder goes. SIGKILL leaves the
    builder no say: the sessions still die with it (--die-with-parent), the folders stay."""
    srcdir = tmp_path / "src"
    shutil.copytree(ROOTS / "test-lessonrun-escape", srcdir)
    token = f"lessonrun-wait-{uuid.uuid4().hex[:12]}"
    (srcdir / "index.rst").write_text(
        "Waiting\n=======\n\nExercise 1: wait\n----------------\n\n"
        f".. code-block:: console\n\n   $ sh -c 'sleep 300; echo {token}'\n",
        encoding="utf-8",
    )
    temp = tmp_path / "temp"
    temp.mkdir()
    package = str(Path(__file__).resolve().parents[2] / "_ext")  # hpccourse, for the builder
    env = {**os.environ, "TMPDIR": str(temp), "PYTHONPATH": package}
    builder = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "lessonrun",
            "-q",
            str(srcdir),
            str(tmp_path / "out"),
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        while not processes_naming(token) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert processes_naming(token), "the session never started"
        signalled = time.monotonic()
        builder.send_signal(signum)
        builder.wait(timeout=30)
        assert time.monotonic() - signalled < 15  # at once, not after the 300 s sleep
    finally:
        builder.kill()
        builder.wait()
    assert builder.returncode != 0
    deadline = time.monotonic() + 5  # the kernel takes a moment to end a killed namespace
    while processes_naming(token) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_naming(token) == []
    if signum != signal.SIGKILL:
        assert sorted(temp.iterdir()) == []


def test_each_session_runs_within_its_resource_limits(escape):
    (step,) = exercises(escape["report"])["the limits"]["steps"]
    limits = Limits()
    # "max user processes   (-u) 1024" -> {"-u": "1024"}
    shown = dict(re.findall(r"(-\w)\) (\S+)$", step["output"], re.M))
    assert shown == {
        "-u": str(limits.processes),
        "-f": str(limits.file_size // 1024),  # bash counts 1024-byte blocks here
        "-v": str(limits.memory // 1024),
        "-t": str(limits.cpu_seconds),
    }
