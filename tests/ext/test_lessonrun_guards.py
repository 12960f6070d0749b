"""The builder's side of lessonrun, which may run as root: what it reads from a session
(:mod:`hpccourse.lessonrun.results`) and the folders it makes from table values
(storage roots, module names), unit by unit. The escape suite
(test_lessonrun_escape.py) attacks the same from inside a real session."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

import pytest
from hpccourse.console.model import Block
from hpccourse.lessonrun.boundary import NOBODY, Boundary, userns_filter
from hpccourse.lessonrun.diskuse import disk_use, over
from hpccourse.lessonrun.lifecycle import Lifecycle, remove_tree
from hpccourse.lessonrun.lmod import ModuleTreeError, write_tree
from hpccourse.lessonrun.model import ClusterSpec, Exercise, Mark
from hpccourse.lessonrun.plan import block_steps
from hpccourse.lessonrun.results import Unreadable, read_file, read_text, records, shown
from hpccourse.lessonrun.runner import Options, run_cluster
from hpccourse.lessonrun.sandbox import Sandbox, SandboxError
from hpccourse.lessonrun.session import Session, judge
from hpccourse.lessonrun.wheels import StandinError
from hpccourse.table.moduletree import ModuleEntry, ModuleTree

SPEC = ClusterSpec(
    key="alpha",
    label="Alpha",
    storage_root="/proj/alpha-course",
    placeholder="[username]",
    user="ada",
    modules=frozenset({"python/3.11.8"}),
)


# ------------------------------------------------------------------ results
def test_a_result_file_replaced_by_a_symlink_a_fifo_or_a_folder_is_not_read(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    secret = tmp_path / "secret"
    secret.write_text("SECRET", encoding="utf-8")
    (run / "out.0").symlink_to(secret)
    os.mkfifo(run / "out.1")  # opening it for reading would block: never
    (run / "out.2").mkdir()
    for name in ("out.0", "out.1", "out.2"):
        with pytest.raises(Unreadable, match=f"{name} is not a regular file"):
            read_file(run, name, 100)
    assert read_text(run, "out.3", 100) is None  # no file: nothing to say
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked-run").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(Unreadable, match="its folder cannot be opened"):
        read_file(tmp_path / "linked-run", "out.0", 100)


def test_a_result_file_is_read_with_a_cap_head_and_tail(tmp_path):
    path = tmp_path / "out.0"
    with path.open("wb") as handle:
        handle.write(b"head-line\n")
        handle.seek(50 * 1024**2)  # a 50 MB sparse file: read only at its ends
        handle.write(b"\nthe-tail\n")
    data, size = read_file(tmp_path, "out.0", 1000, 100)
    assert size > 50 * 1024**2
    assert len(data) < 1200
    assert data.startswith(b"head-line\n")
    assert b"bytes of output cut" in data and data.endswith(b"the-tail\n")


def test_control_characters_are_escaped_and_newlines_and_tabs_kept():
    raw = "a\x1b]0;title\x07b\x1b[32mc\rd\te\nf\x9b\u202eg\x00"
    assert shown(raw) == "a\\x1b]0;title\\x07b\\x1b[32mc\\rd\te\nf\\x9b\\u202eg\\x00"


def _report(*fields: str) -> bytes:
    return "".join(f"{field}\0" for field in fields).encode()


def test_the_report_pipe_is_parsed_step_by_step_and_forgeries_are_flagged():
    step0 = ("S", "0", "0", "/v", "(v) $ ", "python/3.11.8", "1.0", "1.5")
    step1 = ("S", "1", "2", "", "$ ", "", "2.0", "2.25")
    found = records(_report(*step0, "J", "0", "JobId=1 JobState=COMPLETED", *step1))
    assert found.status[0].rc == 0 and found.status[0].prompt == "(v) $ "
    assert found.status[0].seconds == 0.5
    assert found.status[1].rc == 2
    assert found.jobs == {0: ["JobId=1 JobState=COMPLETED"]}
    assert not found.twice and not found.malformed
    twice = records(_report(*step0, *step0))
    assert twice.twice == {0}
    assert records(_report("0", "", "$ ")).malformed  # a status file's text, forged
    assert records(_report(*step0) + b"trailing").malformed
    assert records(_report("S", "0", "zero", "", "$ ", "", "1", "2")).malformed
    assert records(_report(*step0), dropped=10).malformed  # over the cap


# ------------------------------------------------- folders from table values
@pytest.mark.parametrize("root", ["/proj/../../etc/x", "/proj/./x", "/proj//x", "/"])
def test_a_storage_root_that_would_leave_the_sandbox_is_refused(tmp_path, root):
    spec = dataclasses.replace(SPEC, storage_root=root)
    with pytest.raises(SandboxError, match=r"clusters.toml: \[clusters.alpha\] storage_root"):
        Sandbox.create(spec, tmp_path / "wheels", parent=tmp_path)
    assert list(tmp_path.iterdir()) == []  # no sandbox folder made, none outside


@pytest.mark.parametrize(
    "name", ["../../../../../escape/x", "python/../../x", "/abs/x", "python//x"]
)
def test_a_module_name_that_would_leave_the_tree_is_refused_and_nothing_leaks(tmp_path, name):
    parent = tmp_path / "sandboxes"
    parent.mkdir()
    spec = dataclasses.replace(SPEC, modules=frozenset({name}))
    with pytest.raises(ModuleTreeError, match=rf"clusters.toml: the module name {name!r}"):
        Sandbox.create(spec, tmp_path / "wheels", parent=parent)
    assert list(parent.iterdir()) == []  # the half-made sandbox is removed
    assert [p for p in tmp_path.rglob("*.lua")] == []


def test_an_after_folder_or_python_that_would_leave_the_tree_is_refused(tmp_path):
    for entry in (
        ModuleEntry("tool/1.0", after="../../../x", line=7),
        ModuleEntry("python/3.11.8", python="../../../x", line=8),
    ):
        root = tmp_path / entry.name.replace("/", "-") / "modules"
        root.mkdir(parents=True)
        with pytest.raises(ModuleTreeError, match=rf"clusters.toml:{entry.line}: "):
            write_tree(ModuleTree((entry,)), root, tmp_path / "w", "alpha", "clusters.toml")
    assert [p for p in tmp_path.rglob("*.lua")] == []


def test_a_module_file_is_written_once_as_a_new_file(tmp_path):
    """O_CREAT | O_EXCL | O_NOFOLLOW: a second file of the same name (or anything found in
    its place) is refused, never written through."""
    root = tmp_path / "modules"
    root.mkdir()
    tree = ModuleTree((ModuleEntry("tool/1.0", line=3), ModuleEntry("tool/1.0", line=4)))
    with pytest.raises(
        ModuleTreeError, match=r"clusters\.toml:4: the module tool/1.0 is listed twice"
    ):
        write_tree(tree, root, tmp_path / "w", "alpha", "clusters.toml")


def test_a_bundle_with_no_stand_in_is_a_located_error_and_no_folder_leaks(tmp_path):
    parent = tmp_path / "sandboxes"
    parent.mkdir()
    (tmp_path / "wheels").mkdir()
    tree = ModuleTree((ModuleEntry("bundle/1.0", bundles=("numpy==1.26.4",), line=12),))
    spec = dataclasses.replace(SPEC, module_tree=tree, table="clusters.toml")
    with pytest.raises(StandinError) as caught:
        Sandbox.create(spec, tmp_path / "wheels", parent=parent)
    assert str(caught.value).startswith("clusters.toml:12: bundle/1.0 bundles numpy==1.26.4")
    assert list(parent.iterdir()) == []


def test_the_run_reports_a_cluster_it_made_no_sandbox_for_and_goes_on(tmp_path, monkeypatch):
    """The runner turns a refused sandbox into failed steps with the reason, not a
    traceback, and no folder is left."""
    block = Block("index", "index.rst", 10, "console", "$ echo hi", cluster="alpha")
    exercise = Exercise("index", "Exercise 1", (block,), (Mark(),))
    spec = dataclasses.replace(SPEC, storage_root="/proj/../x")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    results, as_run, _, _ = run_cluster(
        spec, [exercise], tmp_path / "w", Options(), Boundary("none"), Lifecycle()
    )
    ((step,),) = [r.steps for r in results]
    assert step.status == "failed"
    assert "no sandbox for alpha: clusters.toml: [clusters.alpha] storage_root" in step.reasons[0]
    assert as_run == [["echo hi"]]
    assert list(tmp_path.iterdir()) == []


def test_a_session_that_never_started_says_why(tmp_path):
    """A session bash never ran in (setpriv refused: the uid's process limit) names the
    reason in each step's failure, not just "an `exit`?" (issue 22 item 7)."""
    block = Block("index", "index.rst", 10, "console", "$ echo hi", cluster="alpha")
    box = Sandbox(tmp_path, SPEC, Path("/nowhere"))
    box.run_dir.mkdir()
    steps = block_steps(block, Mark(), box.to_sandbox, lambda _text: None)
    said = "setpriv: failed to execute /bin/bash: Resource temporarily unavailable\n"
    (result,) = judge(box, steps, Session(said=said), 10)
    assert result.status == "failed"
    assert result.reasons == [
        "the session ended during this command (an `exit`?): the session said: setpriv: "
        "failed to execute /bin/bash: Resource temporarily unavailable"
    ]


# ------------------------------------------------------------ the boundary
def test_user_namespaces_are_closed_in_both_modes_and_root_sessions_get_their_own_uid():
    """User mode: bwrap's --disable-userns; root mode: the seccomp filter, and a uid that
    is no user of the machine, another for each sandbox. (test_lessonrun_escape.py runs
    ``unshare -r`` in a real session.)"""
    user = Boundary("user").wrap(["true"], writable=[])
    assert "--disable-userns" in user and "--seccomp" not in user
    root = Boundary("root")
    with pytest.raises(ValueError, match="seccomp"):
        root.wrap(["true"], writable=[])  # never a root session without the filter
    first, second = root.for_sandbox(), root.for_sandbox()
    assert first.uid != second.uid
    assert {first.uid, second.uid}.isdisjoint({NOBODY, 0, os.getuid()})
    with first.filter() as fds:
        (fd,) = fds
        command = first.wrap(["true"], writable=[], pass_fds=fds)
        assert command[command.index("--seccomp") + 1] == str(fd)
        assert f"--reuid={first.uid}" in command
        assert os.read(fd, 4096) == userns_filter()
    assert len(userns_filter("x86_64")) % 8 == 0 and userns_filter("aarch64")


def test_folders_nested_thousands_deep_are_measured_and_removed(tmp_path):
    """Python's recursive walks stop at about a thousand levels; a session may nest more."""
    top = tmp_path / "deep"
    top.mkdir()
    fd = os.open(top, os.O_RDONLY)
    try:
        for _ in range(2500):
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with os.fdopen(os.open("data", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "wb") as f:
            f.write(b"x" * 1024 * 1024)
    finally:
        os.close(fd)
    (tmp_path / "link").symlink_to("/usr")  # never followed: /usr is not counted
    assert 1024 * 1024 < disk_use([tmp_path]) < 100 * 1024 * 1024
    assert over([tmp_path], 1024 * 1024) and not over([tmp_path], 100 * 1024 * 1024)
    remove_tree(top)
    assert not top.exists()
