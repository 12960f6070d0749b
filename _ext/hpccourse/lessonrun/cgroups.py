"""A memory and process cap per session: one kernel cgroup per session, where the
machine lets the builder make one (issue 19 item 2).

``prlimit`` caps each process (:mod:`.boundary`); a session of many processes could still
take the machine's memory. As root, the builder makes a child of its own cgroup for each
session (cgroup v2: one folder with ``memory.max`` and ``pids.max``; v1: one in the
memory hierarchy, with ``memory.memsw`` when swap is counted, one in the pids hierarchy),
the session's launcher joins it before ``bwrap`` starts, and at the session's end
everything in it is killed and the folders removed. The folders are under
``/sys/fs/cgroup``, which no session mounts. Where no writable controller is found (a
container, a non-root run), :func:`discover` says why, and only the per-process limits hold.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CONTROLLERS = ("memory", "pids")
KILL_TRIES = 200  # looks at cgroup.procs (50 ms apart) before a cgroup is left behind


@dataclass(frozen=True)
class Hierarchy:
    """Where one controller is: the builder's own cgroup folder, and its version."""

    controller: str
    folder: Path
    version: int


def _mounts(mountinfo: str) -> list[tuple[str, Path, str, set[str]]]:
    """(root inside the hierarchy, mount point, file system type, options) of each cgroup."""
    found = []
    for line in mountinfo.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        after = line.split(" - ", 1)[1].split()
        if len(after) < 3 or after[0] not in ("cgroup", "cgroup2"):
            continue
        point = fields[4].replace("\\040", " ")
        found.append((fields[3], Path(point), after[0], set(after[2].split(","))))
    return found


def _inside(path: str, root: str) -> str | None:
    """``path`` (a cgroup as /proc/self/cgroup names it) relative to a mount's root."""
    if root == "/":
        return path.lstrip("/")
    if path == root or path.startswith(root.rstrip("/") + "/"):
        return path[len(root) :].lstrip("/")
    return None


def discover(proc_cgroup: str, mountinfo: str) -> dict[str, Hierarchy]:
    """The folder of the builder's cgroup for each of :data:`CONTROLLERS` that a mount
    shows (v1 first: a controller bound to v1 is absent from the v2 hierarchy)."""
    own: dict[str, str] = {}  # controller (or "" for v2) -> path
    for line in proc_cgroup.splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            own[""] = parts[2]
        for name in parts[1].split(","):
            if name:
                own[name] = parts[2]
    found: dict[str, Hierarchy] = {}
    mounts = _mounts(mountinfo)
    for root, point, kind, options in mounts:
        for controller in CONTROLLERS:
            if kind == "cgroup" and controller in options and controller in own:
                rel = _inside(own[controller], root)
                if rel is not None and controller not in found:
                    found[controller] = Hierarchy(controller, point / rel, 1)
    for root, point, kind, _ in mounts:
        if kind != "cgroup2" or "" not in own:
            continue
        rel = _inside(own[""], root)
        if rel is None:
            continue
        folder = point / rel
        try:
            offered = (folder / "cgroup.controllers").read_text(encoding="utf-8").split()
        except OSError:
            continue
        for controller in CONTROLLERS:
            if controller in offered and controller not in found:
                found[controller] = Hierarchy(controller, folder, 2)
    return found


def probe() -> dict[str, Hierarchy] | str:
    """The writable hierarchies holding both controllers here, or why there are none."""
    if os.geteuid() != 0:
        return "only a root run makes cgroups"
    try:
        found = discover(
            Path("/proc/self/cgroup").read_text(encoding="utf-8"),
            Path("/proc/self/mountinfo").read_text(encoding="utf-8"),
        )
    except OSError as exc:
        return f"cannot read /proc/self: {exc}"
    missing = [c for c in CONTROLLERS if c not in found]
    if missing:
        return f"no cgroup controller {', '.join(missing)} is mounted"
    for hierarchy in found.values():
        if not os.access(hierarchy.folder, os.W_OK):
            return f"{hierarchy.folder} is not writable"
        if hierarchy.version == 2 and not _delegated(hierarchy):
            return f"{hierarchy.folder} does not pass the {hierarchy.controller} controller on"
    return found


def sweep(found: Iterable[Hierarchy]) -> None:
    """Remove the empty session cgroups a killed builder left (its pid is gone; its
    sessions died with it). A cgroup still holding a process cannot be removed."""
    for hierarchy in found:
        for folder in hierarchy.folder.glob("lessonrun-*-*-*"):
            pid = folder.name.rsplit("-", 2)[1]
            if not pid.isdigit() or _alive(int(pid)):
                continue
            with contextlib.suppress(OSError):
                folder.rmdir()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _delegated(hierarchy: Hierarchy) -> bool:
    """Whether children of the v2 cgroup get the controller (tried once if not)."""
    control = hierarchy.folder / "cgroup.subtree_control"
    with contextlib.suppress(OSError):
        if hierarchy.controller in control.read_text(encoding="utf-8").split():
            return True
        control.write_text(f"+{hierarchy.controller}", encoding="utf-8")
        return True
    return False  # v2 forbids it in a cgroup holding processes: the builder's own


@dataclass
class SessionCgroup:
    """One session's cgroup folders (one for v2, one per controller for v1)."""

    folders: list[Path]
    version: dict[Path, int]

    @classmethod
    def create(
        cls, found: Iterable[Hierarchy], name: str, memory: int, processes: int
    ) -> SessionCgroup:
        """New child cgroups named ``name``, the builder's pid and a random part (a
        later run removes those of a builder that was killed: :func:`sweep`), with the
        caps set."""
        leaf = f"{name}-{os.getpid()}-{secrets.token_hex(4)}"
        folders: dict[Path, int] = {}
        found = list(found)
        for hierarchy in found:
            folders.setdefault(hierarchy.folder / leaf, hierarchy.version)
        group = cls(list(folders), folders)
        try:
            for folder in group.folders:
                folder.mkdir(mode=0o755)
            for hierarchy in found:
                folder = hierarchy.folder / leaf
                if hierarchy.controller == "pids":
                    _write(folder / "pids.max", processes)
                elif hierarchy.version == 2:
                    _write(folder / "memory.max", memory)
                    with contextlib.suppress(FileNotFoundError):
                        _write(folder / "memory.swap.max", 0)
                else:
                    _write(folder / "memory.limit_in_bytes", memory)
                    with contextlib.suppress(FileNotFoundError):
                        _write(folder / "memory.memsw.limit_in_bytes", memory)
        except OSError:
            group.remove()
            raise
        return group

    @property
    def procs(self) -> list[Path]:
        """The files the session's launcher writes its pid to (before ``bwrap``)."""
        return [folder / "cgroup.procs" for folder in self.folders]

    def launcher(self, argv: list[str]) -> list[str]:
        """``argv`` started by a shell that first joins every folder of this cgroup
        (and runs nothing when it cannot)."""
        joins = " && ".join(f'echo $$ >"${i + 1}"' for i in range(len(self.procs)))
        code = f'{joins} && shift {len(self.procs)} && exec "$@"'
        return ["/bin/sh", "-c", code, "lessonrun-cgroup", *map(str, self.procs), *argv]

    def memory_cap_reached(self) -> bool:
        """Whether the kernel killed a process of this session for its memory cap."""
        for folder, version in self.version.items():
            name = "memory.events" if version == 2 else "memory.oom_control"
            with contextlib.suppress(OSError, ValueError):
                text = (folder / name).read_text(encoding="utf-8")
                counts = dict(line.split()[:2] for line in text.splitlines() if " " in line)
                if int(counts.get("oom_kill", "0")) > 0:
                    return True
        return False

    def kill(self) -> None:
        """Kill every process in the cgroup: ``cgroup.kill`` (v2), else SIGKILL each pid
        listed, until none is left (or :data:`KILL_TRIES` looks)."""
        for folder in self.folders:
            if self.version[folder] == 2:
                with contextlib.suppress(OSError):
                    _write(folder / "cgroup.kill", 1)
            for _ in range(KILL_TRIES):
                try:
                    pids = (folder / "cgroup.procs").read_text(encoding="utf-8").split()
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    with contextlib.suppress(OSError):
                        os.kill(int(pid), signal.SIGKILL)
                time.sleep(0.05)

    def remove(self) -> None:
        """Kill what is left, then remove the folders."""
        self.kill()
        for folder in self.folders:
            with contextlib.suppress(OSError):  # still busy: left, never a failed run
                folder.rmdir()


def _write(path: Path, value: int) -> None:
    """Write to a control file that exists (never create one: FileNotFoundError)."""
    fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
    try:
        os.write(fd, f"{value}\n".encode())
    finally:
        os.close(fd)
