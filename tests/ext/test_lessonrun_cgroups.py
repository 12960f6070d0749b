"""lessonrun's cgroup discovery on fake /proc files, and the launcher joining a cgroup
(no kernel needed: plain folders stand in for the cgroup file system)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from hpccourse.lessonrun import cgroups
from hpccourse.lessonrun.boundary import Boundary, Limits

V1_CGROUP = """\
9:name=systemd:/
8:pids:/
4:memory:/process_api/abc
2:cpu,cpuacct:/
0::/
"""
V1_MOUNTS = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""


def test_v1_controllers_are_found_in_their_own_hierarchies():
    found = cgroups.discover(V1_CGROUP, V1_MOUNTS)
    assert found == {
        "memory": cgroups.Hierarchy("memory", Path("/sys/fs/cgroup/memory/process_api/abc"), 1),
        "pids": cgroups.Hierarchy("pids", Path("/sys/fs/cgroup/pids"), 1),
    }


def test_v1_mount_of_a_subtree_and_a_cgroup_outside_it():
    mounts = "35 31 0:32 /process_api /mnt/mem rw - cgroup cgroup rw,memory\n"
    found = cgroups.discover(V1_CGROUP, mounts)
    assert found == {"memory": cgroups.Hierarchy("memory", Path("/mnt/mem/abc"), 1)}
    elsewhere = "35 31 0:32 /other /mnt/mem rw - cgroup cgroup rw,memory\n"
    assert cgroups.discover(V1_CGROUP, elsewhere) == {}


def test_v2_offers_what_its_cgroup_controllers_lists(tmp_path):
    own = tmp_path / "user.slice" / "build.scope"
    own.mkdir(parents=True)
    (own / "cgroup.controllers").write_text("cpu io memory pids\n")
    mounts = f"30 23 0:26 / {tmp_path} rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
    found = cgroups.discover("0::/user.slice/build.scope\n", mounts)
    assert found == {
        "memory": cgroups.Hierarchy("memory", own, 2),
        "pids": cgroups.Hierarchy("pids", own, 2),
    }
    (own / "cgroup.controllers").write_text("cpu io\n")  # memory bound elsewhere
    assert cgroups.discover("0::/user.slice/build.scope\n", mounts) == {}


def test_a_session_cgroup_is_made_capped_joined_and_removed(tmp_path, monkeypatch):
    memory, pids = tmp_path / "memory", tmp_path / "pids"
    memory.mkdir()
    pids.mkdir()
    found = [cgroups.Hierarchy("memory", memory, 1), cgroups.Hierarchy("pids", pids, 1)]
    real_mkdir = Path.mkdir

    def mkdir_with_files(self, *args, **kwargs):  # as the cgroup file system does
        real_mkdir(self, *args, **kwargs)
        for name in ("cgroup.procs", "memory.limit_in_bytes", "pids.max"):
            (self / name).write_text("")

    monkeypatch.setattr(Path, "mkdir", mkdir_with_files)
    group = cgroups.SessionCgroup.create(found, "lessonrun-alpha", 2 * 1024**3, 64)
    monkeypatch.undo()
    (mem_leaf,) = memory.iterdir()
    (pid_leaf,) = pids.iterdir()
    assert mem_leaf.name == pid_leaf.name
    assert mem_leaf.name.startswith(f"lessonrun-alpha-{os.getpid()}-")
    assert (mem_leaf / "memory.limit_in_bytes").read_text() == f"{2 * 1024**3}\n"
    assert not (mem_leaf / "memory.memsw.limit_in_bytes").exists()  # no swap counting here
    assert (pid_leaf / "pids.max").read_text() == "64\n"
    ran = subprocess.run(
        group.launcher(["/bin/sh", "-c", "echo $$"]), capture_output=True, text=True, check=True
    )
    joined = {(leaf / "cgroup.procs").read_text() for leaf in (mem_leaf, pid_leaf)}
    assert joined == {ran.stdout}  # the launcher wrote its pid, then exec'ed (same pid)
    for leaf in (mem_leaf, pid_leaf):
        (leaf / "cgroup.procs").write_text("")
        for child in leaf.iterdir():
            child.unlink()
    group.remove()
    assert list(memory.iterdir()) == [] and list(pids.iterdir()) == []


def test_the_launcher_runs_nothing_when_it_cannot_join(tmp_path):
    group = cgroups.SessionCgroup([tmp_path / "missing"], {tmp_path / "missing": 1})
    ran = subprocess.run(group.launcher(["/bin/echo", "ran"]), capture_output=True, text=True)
    assert ran.returncode != 0 and "ran" not in ran.stdout


def test_no_cgroup_folder_is_mounted_in_a_session():
    for mode in ("root", "user"):
        argv = Boundary(mode).wrap(["/bin/true"], writable=[], pass_fds=(3,))
        assert not any(arg.startswith("/sys") for arg in argv), argv


def test_the_summary_says_why_a_session_has_no_memory_cap():
    boundary = Boundary("user", cgroup_note="only a root run makes cgroups")
    line = "Memory per session: not capped here: only a root run makes cgroups\n"
    assert boundary.memory_line == line
    capped = Boundary("root", Limits(session_memory=3 * 1024**3), cgroup_note="")
    assert capped.memory_line == "Memory per session: capped at 3 GiB by a cgroup\n"


def test_the_cgroups_a_killed_builder_left_are_swept(tmp_path):
    gone = subprocess.Popen(["/bin/true"])
    gone.wait()
    ours = tmp_path / f"lessonrun-alpha-{os.getpid()}-0a1b2c3d"
    stale = tmp_path / f"lessonrun-my-key-{gone.pid}-4e5f6a7b"
    other = tmp_path / "build-7"
    for folder in (ours, stale, other):
        folder.mkdir()
    cgroups.sweep([cgroups.Hierarchy("memory", tmp_path, 1)])
    assert sorted(tmp_path.iterdir()) == sorted([ours, other])
