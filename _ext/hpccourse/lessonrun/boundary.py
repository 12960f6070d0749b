"""The kernel boundary around every session: Debian's ``bubblewrap`` (``bwrap``), no daemon.

What a session sees and may do:

- a read-only view of the system (``/usr``, ``/etc`` and the folders of the Pythons the
  module system offers), a fresh empty ``/tmp`` and no ``/home``, ``/root``, ``/work``
  or project folder: only the run's own folders are mounted writable;
- no network: its own network namespace (with Slurm's loopback only, when the run started
  one), its own PID namespace (it sees and signals only its own processes), its own IPC
  and host name; a new session (no terminal to inject into), killed with its parent;
- a non-root user: as root, the session drops to ``nobody`` (65534) inside the sandbox
  with every capability gone; as another user, a user namespace maps that user to 1000;
- resource limits (``prlimit``): processes, file size, memory, CPU time.

When its first process ends, the PID namespace ends, and the kernel kills everything left
in it (``nohup``, ``setsid``, double forks). ``probe`` tells whether the kernel allows all
this here; if not, the run says why and runs nothing unless asked to run unsandboxed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

#: The uid a root run's sessions (and their Slurm jobs) run as.
NOBODY = 65534
#: The uid and gid a non-root run maps its user to inside the user namespace.
INSIDE_UID = 1000
#: What `setpriv` needs to become nobody and empty the bounding set; gone after it.
_SETPRIV_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP")


@dataclass(frozen=True)
class Limits:
    """Resource limits of each process of a session (``prlimit``)."""

    processes: int = 1024  # RLIMIT_NPROC: a fork bomb stops here
    file_size: int = 2 * 1024**3  # RLIMIT_FSIZE, bytes: no file larger
    memory: int = 8 * 1024**3  # RLIMIT_AS, bytes of address space per process
    cpu_seconds: int = 600  # RLIMIT_CPU, per process

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
    """How sessions are wrapped: ``root`` (bwrap as root, then down to nobody), ``user``
    (bwrap in a user namespace) or ``none`` (unsandboxed, on request only)."""

    mode: str
    limits: Limits = Limits()

    @property
    def sandboxed(self) -> bool:
        return self.mode != "none"

    @property
    def uid(self) -> int:
        """The real uid a session's files are written by (what its folders must allow)."""
        return NOBODY if self.mode == "root" else os.getuid()

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
    ) -> list[str]:
        """``argv`` as run inside the boundary.

        ``writable``/``readable``: the folders mounted at their own paths; ``net_of``: the
        PID whose network namespace the session joins (Slurm's) instead of an empty one.
        """
        if not self.sandboxed:
            return list(argv)
        command = [*self.limits.prlimit()]
        if net_of is not None:
            command += ["nsenter", f"--net=/proc/{net_of}/ns/net", "--"]
        command += ["bwrap", *system_view(), *_namespaces(net_of is None)]
        if hostname:
            command += ["--hostname", hostname]
        command += mounts(readable, writable)
        command += list(extra)
        if chdir is not None:
            command += ["--chdir", str(chdir)]
        if self.mode == "root":
            command += ["--cap-drop", "ALL"]
            command += [arg for cap in _SETPRIV_CAPS for arg in ("--cap-add", cap)]
            command += ["--", *drop_to_nobody()]
        else:
            command += ["--unshare-user", "--disable-userns"]
            command += ["--uid", str(INSIDE_UID), "--gid", str(INSIDE_UID), "--"]
        return command + list(argv)


def system_view() -> list[str]:
    """The read-only system: ``/usr`` and ``/etc``, the merged-usr links, ``/proc``,
    ``/dev``, an empty ``/tmp``; nothing of the machine's homes or projects."""
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return [*args, "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/run"]


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


def drop_to_nobody() -> list[str]:
    """Become ``nobody`` with no capability left, nor a way to regain one."""
    return [
        "setpriv",
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
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
    command = boundary.wrap(["/bin/true"], writable=[])
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"bwrap could not start: {exc}"
    if result.returncode != 0:
        said = result.stderr.strip().splitlines()
        return f"the kernel refused the sandbox's namespaces: {said[-1] if said else 'no reason'}"
    return boundary
