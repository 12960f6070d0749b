"""The sandbox holds: one exercise per way out (tests/roots/test-lessonrun-escape), run with
the static lint off, so that only the kernel boundary stands in the way.

Each payload tries to leave a marker in a folder outside the sandbox, read a decoy secret,
reach a TCP port the test listens on, signal a process the test started, or outlive the
run. None may succeed, and the report must say how each exercise ended.

The builder's own side is attacked too (it may run as root): result files replaced by
symlinks, FIFOs and folders, forged reports, shell functions named as the report's
commands, user namespaces, control characters and a huge output, batch jobs' children.
No wall clock: the payloads' own delays end with the run (nothing the run started may be
alive after it), and the tests wait for conditions.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import hpccourse.lessonrun.boundary
import pytest
from hpccourse.lessonrun.boundary import Boundary, Limits, probe
from sphinx.cmd.build import build_main
from systools import in_ci

SLEEP = 3  # the delayed payloads' sleep, in seconds
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


#: The session's disk cap in this run: the default (4 GiB) filled up to 6 GiB of a CI
#: machine's disk in exercise 51; the mechanism is the same at any size.
DISK_CAP = 1024**3


def probe_with_a_small_disk_cap(unsandboxed: bool = False) -> Boundary | str:
    boundary = probe(unsandboxed)
    if isinstance(boundary, str):
        return boundary
    return replace(boundary, limits=replace(boundary.limits, disk=DISK_CAP))


@pytest.fixture(scope="module")
def escape(rootdir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
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
    shutil.copytree(rootdir / "test-lessonrun-escape", srcdir)
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
    warnings = tmp / "warnings.txt"
    patch = pytest.MonkeyPatch()
    patch.setattr(hpccourse.lessonrun.boundary, "probe", probe_with_a_small_disk_cap)
    try:
        memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        status = build_main(
            ["-b", "lessonrun", "-E", "-q", "-w", str(warnings), str(srcdir), str(outdir)]
        )
        memory_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        left_right_after = sorted(p.name for p in outside.iterdir())
        alive_after = processes_naming(str(outside))
        yield {
            "status": status,
            "report": json.loads((outdir / "report.json").read_text(encoding="utf-8")),
            "output": (outdir / "output.txt").read_text(encoding="utf-8"),
            "warnings": warnings.read_text(encoding="utf-8"),
            "memory_growth_kib": memory_after - memory_before,
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
        patch.undo()
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
    """Nothing outside right after the run, and nothing the run started is alive to write
    one later (test_nothing_the_run_started_outlives_it)."""
    assert escape["left_right_after"] == []
    assert sorted(p.name for p in escape["outside"].iterdir()) == []
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
    assert len(found) >= 51
    for title, exercise in found.items():
        assert exercise["steps"], title
        for i, step in enumerate(exercise["steps"]):
            after_exit = title == "forged status files" and i > 0  # after its `exit 0`
            assert step["status"] in (("not run",) if after_exit else ("passed", "failed")), (
                title,
                step,
            )
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
def test_a_signal_to_the_builder_ends_every_session_and_removes_its_folders(
    rootdir, tmp_path, signum
):
    """SIGINT and SIGTERM: every session ends, every folder goes. SIGKILL leaves the
    builder no say: the sessions still die with it (--die-with-parent), the folders stay."""
    srcdir = tmp_path / "src"
    shutil.copytree(rootdir / "test-lessonrun-escape", srcdir)
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
        builder.send_signal(signum)
        builder.wait(timeout=150)  # at once, not after the session's 300 s sleep
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


# ------------------------------------------------ the builder's side (issue 19)
def test_result_files_the_session_replaced_are_never_followed(escape):
    """A symlink or a FIFO in place of a result file: a failed step that says so (the
    secret stays unread: test_the_decoy_secret_is_neither_read_nor_changed), no hang."""
    found = exercises(escape["report"])
    (symlink,) = found["a symlinked output file"]["steps"]
    assert symlink["status"] == "failed"
    assert "did not read this command's output: out.0 is not a regular file" in str(
        symlink["reasons"]
    )
    (fifo,) = found["a FIFO for an output file"]["steps"]
    assert fifo["status"] == "failed"
    assert "out.0 is not a regular file" in str(fifo["reasons"])
    (status,) = found["symlinked status and jobs files"]["steps"]
    assert status["status"] == "passed"  # what lessonrun reads is no file of the session


def test_a_folder_left_in_the_run_folder_loses_nothing(escape):
    found = exercises(escape["report"])
    assert [s["status"] for s in found["a folder in the run folder"]["steps"]] == ["passed"]
    (last,) = found["the run goes on after all this"]["steps"]
    assert last["status"] == "passed" and last["output"] == "still-running\n"


def test_forged_reports_make_no_failing_command_pass(escape):
    found = exercises(escape["report"])
    forged = found["forged status files"]["steps"]
    assert [s["status"] for s in forged] == ["failed", "not run"]
    assert "the session ended during this command" in forged[0]["reasons"][0]
    for title in ("a shell function named printf", "a shell function named eval"):
        defined, false = found[title]["steps"]
        assert defined["status"] == "passed", title
        assert false["status"] == "failed" and false["exit_status"] == 1, (title, false)


def test_no_capability_is_regained_in_a_user_namespace(escape):
    """``unshare -r`` (and Python's ``os.unshare``) in a session: refused, or without a
    capability; no tmpfs mounted."""
    steps = exercises(escape["report"])["capabilities regained in a user namespace"]["steps"]
    output = "".join(step["output"] for step in steps)
    capeff = re.findall(r"CapEff:\s*([0-9a-f]+)", output)
    assert capeff, output  # the session's own, at least
    assert set(capeff) == {"0" * 16}, output
    assert "MOUNTED-A-TMPFS" not in output


_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def test_control_characters_are_shown_escaped(escape):
    """ESC, OSC, BEL and carriage returns a command prints reach no terminal or report
    raw: output.txt, report.json and the warnings show them escaped."""
    (step,) = exercises(escape["report"])["control characters in the output"]["steps"]
    assert step["status"] == "failed"
    assert "\\x1b]0;retitled\\x07" in step["output"] and "back\\rover" in step["output"]
    assert "\\x1b[32mGREEN" in escape["warnings"]
    for name, text in (("output.txt", escape["output"]), ("warnings", escape["warnings"])):
        assert not _RAW_CONTROL.search(text), (name, _RAW_CONTROL.search(text))
    for text in _strings(escape["report"]):
        assert not _RAW_CONTROL.search(text), text


def test_a_huge_output_is_read_with_a_cap(escape):
    """300 MB printed: the report keeps its head and tail, the builder's memory does not
    grow with it."""
    (step,) = exercises(escape["report"])["a huge output"]["steps"]
    assert step["status"] == "passed"
    assert len(step["output"]) < 30_000
    assert "bytes of output cut" in step["output"]
    assert step["output"].endswith("the-last-line-is-kept\n")
    assert escape["memory_growth_kib"] < 200 * 1024, escape["memory_growth_kib"]


def test_a_batch_job_s_setsid_child_ends_with_its_exercise(escape):
    """Slurm tracks jobs by process group; the child a job ``setsid``s leaves it. After its
    exercise, it no longer writes its heartbeat in the home the next exercise shares."""
    if escape["report"]["sandbox"] != "root":
        pytest.skip("batch jobs run only in root mode (the private Slurm)")
    found = exercises(escape["report"])
    started = found["a batch job\N{RIGHT SINGLE QUOTATION MARK}s setsid child"]["steps"]
    assert [s["status"] for s in started] == ["passed", "passed"], started
    assert started[1]["output"] == "beating\n"
    (check,) = found["the child ended with its exercise"]["steps"]
    assert check["status"] == "passed" and check["output"] == "child-gone\n", check


def test_each_session_s_disk_use_is_capped(escape):
    """In-memory folders (``/dev/shm``, writable by all as usual) have a size; the writable
    folders' disk use has a cap past which the session is stopped (it would otherwise
    wait here until the time limit)."""
    found = exercises(escape["report"])
    (step,) = found["filling the in-memory folders"]["steps"]
    assert step["status"] == "failed", step
    assert "No space left on device" in step["output"], step
    (step,) = found["filling the disk (the last exercise: what it leaves stays)"]["steps"]
    assert step["status"] == "failed"
    assert Limits().disk > DISK_CAP  # this run's, smaller than a real run's
    cap = DISK_CAP / 1024**3
    assert step["reasons"] == [
        f"stopped: the sandbox's folders passed the disk cap of a session ({cap:g} GiB)"
    ]


def test_folders_nested_deeper_than_python_recurses_are_measured_and_removed(escape):
    """3000 nested folders: the disk watch and the removal of the sandbox (recursive in
    Python) neither crash nor leave them (test_no_temporary_folder_is_left)."""
    (step,) = exercises(escape["report"])["folders nested 3000 deep"]["steps"]
    assert step["status"] == "passed" and step["output"].endswith("deep\n"), (
        step["reasons"],
        step["output"][-300:],
    )
    assert sorted(escape["temp"].iterdir()) == []
