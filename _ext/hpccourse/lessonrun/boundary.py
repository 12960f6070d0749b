"""The kernel boundary around every session: Debian's ``bubblewrap`` (``bwrap``), no daemon.

What a session sees and may do:

- a read-only view of the system (``/usr``, ``/etc`` and the folders of the Pythons the
  module system offers), a fresh empty ``/tmp`` and no ``/home``, ``/root``, ``/work``
  or project folder: only the run's own folders are mounted writable;
- no network: its own network namespace (with Slurm's loopback only, when the run started
  one), its own PID namespace (it sees and signals only its own processes), its own IPC
  and host name; a new session (no terminal to inject into), killed with its parent;
- a non-root user: as root, the session drops to a uid of its own (one per cluster's
  sandbox, never a user of the machine, so a process limit counts that session's
  processes alone) with every capability gone; as another user, a user namespace maps
  that user to 1000;
- no new user namespace (where a process would regain every capability): as another
  user, bwrap's ``--disable-userns``; as root, a seccomp filter (:func:`userns_filter`)
  refuses ``unshare``/``clone`` with ``CLONE_NEWUSER`` (and ``clone3``, whose flags a
  filter cannot read: the C library then falls back to ``clone``);
- resource limits (``prlimit``): processes (counted per session: its uid is its own),
  file size, memory, CPU time; in-memory folders of a fixed size; the disk its writable
  folders use, watched by :mod:`.diskuse` (a session past the cap is stopped); as root,
  where the kernel's cgroups allow it, the memory and processes of the whole session
  (:mod:`.cgroups`).

When its first process ends, the PID namespace ends, and the kernel kills everything left
in it (``nohup``, ``setsid``, double forks). ``probe`` tells whether the kernel allows all
this here; if not, the run says why and runs nothing unless asked to run unsandboxed.
"""

from __future__ import annotations

import contextlib
import os
import platform
import pwd
import secrets
import shutil
import struct
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from . import cgroups

#: The uid a root run's sessions run as when none of their own was chosen.
NOBODY = 65534
#: Where a root run's session uids are drawn from: no machine user, far from any range
#: a system gives out, one per cluster's sandbox (and so per concurrent run).
SESSION_UIDS = range(1_600_000_000, 1_700_000_000)
#: The uid and gid a non-root run maps its user to inside the user namespace.
INSIDE_UID = 1000
#: What `setpriv` needs to change user and empty the bounding set; gone after it.
_SETPRIV_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP")


@dataclass(frozen=True)
class Limits:
    """Resource limits of each process of a session (``prlimit``)."""

    processes: int = 1024  # RLIMIT_NPROC: a fork bomb stops here
    file_size: int = 2 * 1024**3  # RLIMIT_FSIZE, bytes: no file larger
    memory: int = 8 * 1024**3  # RLIMIT_AS, bytes of address space per process
    cpu_seconds: int = 600  # RLIMIT_CPU, per process
    disk: int = 4 * 1024**3  # bytes in the sandbox's writable folders (:mod:`.diskuse`)
    scratch: int = 256 * 1024**2  # bytes of each in-memory folder: /tmp, /dev/shm, /run
    session_memory: int = 4 * 1024**3  # bytes of memory of a whole session (:mod:`.cgroups`)
    session_processes: int = 2048  # processes of a whole session (:mod:`.cgroups`)

    def prlimit(self) -> list[str]:
        return [
            "prlimit",
            f"--nproc={self.processes}",
            f"--fsize={self.file_size}",
            f"--as={self.memory}",
            f"--cpu={self.cpu_seconds}",
            "--core=0",
            "--",
        ]


@dataclass(frozen=True)
class Boundary:
    """How sessions are wrapped: ``root`` (bwrap as root, then down to the sandbox's own
    uid, :meth:`for_sandbox`), ``user`` (bwrap in a user namespace) or ``none``
    (unsandboxed, on request only)."""

    mode: str
    limits: Limits = Limits()
    session_uid: int = NOBODY  # root mode: the uid sessions drop to
    cgroup_at: tuple[cgroups.Hierarchy, ...] = ()  # where each session's cgroup is made
    cgroup_note: str = "only a root run makes cgroups"  # why sessions have none ("": they do)

    @property
    def memory_line(self) -> str:
        """The summary's line on the memory cap of a session."""
        if self.cgroup_note:
            return f"Memory per session: not capped here: {self.cgroup_note}\n"
        cap = self.limits.session_memory / 1024**3
        return f"Memory per session: capped at {cap:g} GiB by a cgroup\n"

    @property
    def sandboxed(self) -> bool:
        return self.mode != "none"

    @property
    def uid(self) -> int:
        """The real uid a session's files are written by (what its folders must allow)."""
        return self.session_uid if self.mode == "root" else os.getuid()

    def for_sandbox(self) -> Boundary:
        """This boundary with a uid of its own for one sandbox's sessions (root mode)."""
        return replace(self, session_uid=free_uid()) if self.mode == "root" else self

    @contextlib.contextmanager
    def filter(self) -> Iterator[tuple[int, ...]]:
        """The descriptors to pass on to :meth:`wrap` (``pass_fds``): in root mode, the
        seccomp program that keeps user namespaces closed."""
        if self.mode != "root":
            yield ()
            return
        fd = os.memfd_create("lessonrun-seccomp", 0)
        try:
            os.write(fd, userns_filter())
            os.lseek(fd, 0, os.SEEK_SET)
            yield (fd,)
        finally:
            os.close(fd)

    def wrap(
        self,
        argv: Sequence[str],
        *,
        writable: Iterable[Path],
        readable: Iterable[Path] = (),
        chdir: Path | None = None,
        hostname: str = "",
        net_of: int | None = None,
        extra: Sequence[str] = (),
        pass_fds: Sequence[int] = (),
    ) -> list[str]:
        """``argv`` as run inside the boundary.

        ``writable``/``readable``: the folders mounted at their own paths; ``net_of``: the
        PID whose network namespace the session joins (Slurm's) instead of an empty one;
        ``pass_fds``: what :meth:`filter` gave (the seccomp program, in root mode).
        """
        if not self.sandboxed:
            return list(argv)
        command = [*self.limits.prlimit()]
        if net_of is not None:
            command += ["nsenter", f"--net=/proc/{net_of}/ns/net", "--"]
        command += ["bwrap", *system_view(self.limits.scratch), *_namespaces(net_of is None)]
        if hostname:
            command += ["--hostname", hostname]
        command += mounts(readable, writable)
        command += list(extra)
        if chdir is not None:
            command += ["--chdir", str(chdir)]
        if self.mode == "root":
            if not pass_fds:
                raise ValueError("a root session needs its seccomp filter (Boundary.filter)")
            command += ["--seccomp", str(pass_fds[0]), "--cap-drop", "ALL"]
            command += [arg for cap in _SETPRIV_CAPS for arg in ("--cap-add", cap)]
            command += ["--", *drop_to_nobody(self.session_uid)]
        else:
            command += ["--unshare-user", "--disable-userns"]
            command += ["--uid", str(INSIDE_UID), "--gid", str(INSIDE_UID), "--"]
        return command + list(argv)


def system_view(scratch: int = Limits.scratch) -> list[str]:
    """The read-only system: ``/usr`` and ``/etc``, the merged-usr links, ``/proc``,
    ``/dev``, an empty ``/tmp``; nothing of the machine's homes or projects. The
    in-memory folders (``/tmp``, ``/run``, ``/dev/shm``) hold ``scratch`` bytes each."""
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    size = ["--size", str(scratch)]
    shm = ["--perms", "1777", *size, "--tmpfs", "/dev/shm"]  # writable, as /dev/shm is
    args += ["--proc", "/proc", "--dev", "/dev", *shm]
    return [*args, *size, "--tmpfs", "/tmp", *size, "--tmpfs", "/run"]


def mounts(readable: Iterable[Path], writable: Iterable[Path]) -> list[str]:
    """Mount each path at its own place, read-only or writable, reachable through
    traversable parent folders."""
    readable, writable = list(readable), list(writable)
    args = _parents([*readable, *writable])
    for path in readable:
        args += ["--ro-bind", str(path), str(path)]
    for path in writable:
        args += ["--bind", str(path), str(path)]
    return args


def _parents(paths: Sequence[Path]) -> list[str]:
    """Traversable folders above each mounted path (``/root`` is 0700 on the machine; its
    stand-in in the sandbox holds only what is mounted below it)."""
    args: list[str] = []
    made: set[Path] = {Path("/"), Path("/tmp"), Path("/run")}
    system = (Path("/usr"), Path("/etc"))  # mounted whole: their folders exist
    for path in paths:
        if any(other != path and other in path.parents for other in paths):
            continue  # inside another mounted path: already there
        for parent in reversed(path.parents):
            if parent not in made and not any(parent.is_relative_to(s) for s in system):
                args += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
    return args


def _namespaces(own_net: bool) -> list[str]:
    args = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if own_net:
        args.append("--unshare-net")
    return [*args, "--die-with-parent", "--new-session"]


def drop_to_nobody(uid: int = NOBODY) -> list[str]:
    """Become ``uid`` with no capability left, nor a way to regain one."""
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--no-new-privs",
    ]


def probe(unsandboxed: bool = False) -> Boundary | str:
    """The boundary this machine allows, or why there is none (``unsandboxed``: run
    without one, as the user asked)."""
    if unsandboxed:
        return Boundary("none")
    missing = [tool for tool in ("bwrap", "prlimit", "setpriv") if not shutil.which(tool)]
    if missing:
        return f"{', '.join(missing)} not found (Debian: apt-get install bubblewrap util-linux)"
    boundary = Boundary("root" if os.geteuid() == 0 else "user")
    if boundary.mode == "root" and platform.machine() not in _SYSCALLS:
        return f"no filter closing user namespaces for this machine ({platform.machine()})"
    try:
        with boundary.filter() as fds:
            command = boundary.for_sandbox().wrap(["/bin/true"], writable=[], pass_fds=fds)
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=30, check=False, pass_fds=fds
            )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap could not start: {exc}"
    if result.returncode != 0:
        said = result.stderr.strip().splitlines()
        return f"the kernel refused the sandbox's namespaces: {said[-1] if said else 'no reason'}"
    if boundary.mode != "root":
        return boundary
    found = cgroups.probe()
    if isinstance(found, str):
        return replace(boundary, cgroup_note=found)
    cgroups.sweep(found.values())  # what a killed build left
    return replace(boundary, cgroup_at=tuple(found.values()), cgroup_note="")


def free_uid() -> int:
    """A uid no user of the machine has, for one sandbox's sessions."""
    while True:
        uid = SESSION_UIDS.start + secrets.randbelow(len(SESSION_UIDS))
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


#: Per machine: (the audit architecture, clone, unshare, clone3).
_SYSCALLS = {
    "x86_64": (0xC000003E, 56, 272, 435),
    "aarch64": (0xC00000B7, 220, 97, 435),
}
_CLONE_NEWUSER = 0x10000000
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_EPERM, _ENOSYS = 1, 38


def userns_filter(machine: str | None = None) -> bytes:
    """A classic-BPF seccomp program: no new user namespace (``unshare``/``clone`` with
    ``CLONE_NEWUSER``: EPERM), no ``clone3`` (ENOSYS), no other ABI (EPERM: an i386 or
    x32 system call could pass the flag unseen); everything else allowed."""
    arch, clone, unshare, clone3 = _SYSCALLS[machine or platform.machine()]
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    deny, nosys, allow = 11, 12, 13  # the three return instructions below
    program = [
        (ld, 0, 0, 4),  # 0: the architecture
        (jeq, 1, 0, arch),  # 1
        (ret, 0, 0, _ERRNO | _EPERM),  # 2: another ABI
        (ld, 0, 0, 0),  # 3: the system call's number
        (jge, deny - 5, 0, 0x40000000),  # 4: x32
        (jeq, nosys - 6, 0, clone3),  # 5
        (jeq, 1, 0, unshare),  # 6
        (jeq, 0, allow - 8, clone),  # 7
        (ld, 0, 0, 16),  # 8: its first argument (the flags), low 32 bits
        (jset, deny - 10, allow - 10, _CLONE_NEWUSER),  # 9
        (ret, 0, 0, _ALLOW),  # 10: (not reached)
        (ret, 0, 0, _ERRNO | _EPERM),  # 11: deny
        (ret, 0, 0, _ERRNO | _ENOSYS),  # 12: no clone3
        (ret, 0, 0, _ALLOW),  # 13: allow
    ]
    return b"".join(struct.pack("<HBBI", *instruction) for instruction in program)
