"""A private single-node Slurm per cluster: Debian's ``slurm-wlm`` and ``munge``.

Started for a run only when an exercise types a Slurm command, and stopped at its end;
never a system service, no file outside the run's temporary folder. ``munged``,
``slurmctld`` and ``slurmd`` run as root in a sandbox of their own (:mod:`.boundary`'s
system view, its own PID and network namespaces: Slurm's ports exist on that loopback
only), which mounts the cluster's sandbox folders as a session does. A job therefore runs
as the session's user (the sandbox's own uid), sees what a session sees, and reaches
nothing else; the sessions join Slurm's network namespace to reach it, and nothing else.
The seccomp filter of the sessions (:func:`~.boundary.userns_filter`) holds for the
daemons and so for every job: no user namespace regains capabilities.

Slurm tracks a job by its process group (``proctrack/pgid``): a ``setsid`` child leaves
it and would outlive the job. So after each exercise :meth:`Slurm.end_jobs` cancels the
session user's jobs and kills every process of that user in Slurm's PID namespace.

The configuration (``slurm.conf``, a fresh munge key) lies in ``ROOT/.slurm``; Slurm's
accounting database is replaced by its job completion log (``jobcomp/filetxt``), which
``sacct --completion`` reads: the sessions' ``sacct`` is that.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .boundary import Boundary, drop_to_nobody, mounts, system_view
from .lifecycle import Lifecycle, kill_group
from .scheduler import Shape

#: The commands that need a Slurm.
SLURM_COMMAND = re.compile(
    r"(?<![\w./-])(sbatch|srun|salloc|squeue|scancel|sacct|sinfo|scontrol)\b"
)
_DAEMONS = ("munged", "slurmctld", "slurmd")
_START_TIMEOUT = 30.0
#: slurmd's spool inside the daemons' sandbox (their in-memory ``/run``, bound to the
#: run's ``.slurm/spool``): each job step's Unix socket lies there, named
#: ``NODE_JOB.STEP`` (``alpha_1.4294967291`` for a batch script), and a socket's path
#: holds at most 107 bytes. Under a deep temporary folder a batch job could not launch
#: (``launch_failed_requeued_held``) while ``srun`` worked.
_SPOOL = "/run/slurmd"
#: The longest path of a Unix socket (``sun_path`` holds 108 bytes with its NUL).
_SOCKET_PATH_MAX = 107
#: Capabilities the daemons do without (they keep setuid/setgid/kill/chown/...).
_DROPPED_CAPS = (
    "CAP_SYS_ADMIN", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_BOOT", "CAP_SYS_TIME",
    "CAP_MKNOD", "CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH",
)  # fmt: skip

_CONF = """# lessonrun's private Slurm for cluster {cluster} (hpccourse/lessonrun/slurm.py)
ClusterName={cluster}
SlurmctldHost={node}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={socket}
StateSaveLocation={dir}/state
SlurmdSpoolDir={spool}
SlurmctldPidFile={dir}/run/slurmctld.pid
SlurmdPidFile={dir}/run/slurmd.pid
SlurmctldLogFile={dir}/log/slurmctld.log
SlurmdLogFile={dir}/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc={dir}/jobcomp/jobcomp.txt
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=1,sched_min_interval=100000
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
"""

# glibc's getaddrinfo(AI_ADDRCONFIG) sees no IPv4 in a namespace whose only address is
# 127.0.0.1, and Slurm then cannot listen: a second loopback address is enough. Then the
# daemons start with CAP_NET_ADMIN gone.
_START = r"""set -u
ip addr add 127.0.0.2/8 dev lo || exit 1
exec setpriv --bounding-set=-net_admin -- /bin/bash -c '
D={dir}
munged --foreground --force --key-file "$D/munge/munge.key" --socket "$D/munge/munge.socket.2" \
    --pid-file "$D/run/munged.pid" --log-file "$D/log/munged.log" --seed-file "$D/munge/seed" &
for i in $(seq 100); do [ -S "$D/munge/munge.socket.2" ] && break; sleep 0.05; done
slurmctld -D -i -f "$D/etc/slurm.conf" &
slurmd -D -f "$D/etc/slurm.conf" -N {node} &
wait
'
"""


def slurm_missing() -> str | None:
    """Why a private Slurm cannot start on this machine, or None."""
    missing = [d for d in _DAEMONS if not shutil.which(d, path="/usr/sbin:/usr/bin:/sbin")]
    if missing:
        return f"{', '.join(missing)} not found (Debian: apt-get install slurm-wlm munge)"
    if os.geteuid() != 0:
        return "a private Slurm needs root: slurmd starts each job as its user"
    return None


@dataclass
class Slurm:
    """One cluster's running Slurm."""

    folder: Path
    process: subprocess.Popen[bytes]
    pid: int  # a process in Slurm's namespaces (its network is the sessions')

    @property
    def conf(self) -> Path:
        return self.folder / "etc" / "slurm.conf"

    @property
    def socket(self) -> Path:
        return self.folder / "munge" / "munge.socket.2"

    @property
    def jobcomp(self) -> Path:
        """The job completion log's folder (writable by sessions: sacct opens it so)."""
        return self.folder / "jobcomp"

    def environment(self) -> dict[str, str]:
        return {"SLURM_CONF": str(self.conf)}

    def session_options(self) -> dict[str, object]:
        """What a session's boundary needs to reach this Slurm, and nothing else."""
        hosts = str(self.folder / "etc" / "hosts")
        return {"net_of": self.pid, "extra": ["--ro-bind", hosts, "/etc/hosts"]}

    def end_jobs(self, uid: int) -> None:
        """End every job of ``uid`` and every process it left: an exercise's jobs end with
        it, as its processes do. ``kill -9 -1`` as ``uid`` inside Slurm's PID namespace
        reaches that user's processes there and nothing else (the daemons are root's)."""
        env = {"PATH": "/usr/bin:/bin", "SLURM_CONF": str(self.conf), "LANG": "C.UTF-8"}
        # kill(-1) skips no process of the user, and no fork completes during it; swept
        # three times all the same. (Its exit status says nothing: it succeeds whenever
        # the namespace holds a process, the caller's or not.)
        kill_all = "kill -9 -1; kill -9 -1; kill -9 -1; :"
        cancel = ["nsenter", f"--net=/proc/{self.pid}/ns/net", "--", "scancel", f"--user={uid}"]
        for command in (
            cancel,
            [
                "nsenter",
                f"--target={self.pid}",
                "--pid",
                "--",
                *drop_to_nobody(uid),
                "/bin/sh",
                "-c",
                kill_all,
            ],
            cancel,  # a job a process submitted before it was killed
        ):
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                subprocess.run(command, capture_output=True, env=env, timeout=10, check=False)

    def stop(self, life: Lifecycle) -> None:
        kill_group(self.process)
        self.process.wait()
        life.forget(self.process)


def start_slurm(
    folder: Path,
    cluster: str,
    partition: str,
    boundary: Boundary,
    life: Lifecycle,
    *,
    shape: Shape | None = None,
    readable: list[Path],
    writable: list[Path],
    extra: list[str] | None = None,
) -> Slurm | str:
    """Start munged, slurmctld and slurmd in a sandbox; the Slurm, or why it did not start."""
    why = slurm_missing()
    if why:
        return why
    if boundary.mode != "root":
        return "a private Slurm runs only inside the sandbox, as root"
    node = re.sub(r"[^a-z0-9-]", "-", cluster.lower()) or "node"
    for sub in ("etc", "state", "spool", "run", "log", "munge"):
        (folder / sub).mkdir(parents=True, mode=0o755)
    (folder / "munge").chmod(0o711)
    key = folder / "munge" / "munge.key"
    key.write_bytes(os.urandom(1024))
    key.chmod(0o400)
    socket = folder / "munge" / "munge.socket.2"
    if len(os.fsencode(socket)) > _SOCKET_PATH_MAX:
        return (
            f"the run's temporary folder is too deep for munge's socket ({socket}: "
            f"{len(os.fsencode(socket))} bytes, at most {_SOCKET_PATH_MAX}): "
            "set TMPDIR to a shorter folder"
        )
    conf = _CONF.format(cluster=node, node=node, dir=folder, socket=socket, spool=_SPOOL)
    nodes, gres, gpus = node_conf(node, partition, shape or Shape(), folder / "gpus")
    (folder / "etc" / "slurm.conf").write_text(conf + nodes, encoding="utf-8")
    (folder / "etc" / "gres.conf").write_text(gres, encoding="utf-8")
    (folder / "gpus").mkdir(mode=0o755)
    for i in range(gpus):
        (folder / "gpus" / f"gpu{i}").touch(mode=0o444)
    # sacct --completion opens the log for appending: the session's user owns it.
    jobcomp = folder / "jobcomp" / "jobcomp.txt"
    jobcomp.parent.mkdir(mode=0o755)
    jobcomp.touch(mode=0o644)
    for path in (jobcomp.parent, jobcomp):
        os.chown(path, boundary.uid, boundary.uid)
    (folder / "etc" / "hosts").write_text(f"127.0.0.1 localhost {node}\n", encoding="utf-8")
    info_read, info_write = os.pipe()
    command = [
        "bwrap",
        *system_view(),
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
        "--hostname", node, "--die-with-parent", "--new-session",
        "--info-fd", str(info_write),
        "--ro-bind", "/sys", "/sys",  # slurmd reads the hardware and cgroups there
    ]  # fmt: skip
    for cap in _DROPPED_CAPS:
        command += ["--cap-drop", cap]
    command += mounts(readable, [*writable, folder])
    command += ["--bind", str(folder / "spool"), _SPOOL]
    command += ["--ro-bind", str(folder / "etc" / "hosts"), "/etc/hosts", *(extra or [])]
    log = (folder / "log" / "start.log").open("wb")
    try:
        with boundary.filter() as seccomp:
            command += [arg for fd in seccomp for arg in ("--seccomp", str(fd))]
            command += ["--", "/bin/bash", "-c", _START.format(dir=folder, node=node)]
            process = life.start(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(info_write, *seccomp),
                env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"},
            )
    finally:
        os.close(info_write)
        log.close()
    with os.fdopen(info_read, "rb") as info:
        data = info.read()
    try:
        pid = int(json.loads(data)["child-pid"])
    except (ValueError, KeyError):
        kill_group(process)
        return f"bwrap did not start Slurm's sandbox: {_tail(folder / 'log' / 'start.log')}"
    slurm = Slurm(folder, process, pid)
    why = _wait_ready(slurm, node)
    if why:
        slurm.stop(life)
        return why
    return slurm


def node_conf(node: str, partition: str, shape: Shape, gpus: Path) -> tuple[str, str, int]:
    """slurm.conf's node and partition lines, gres.conf, and how many GPU placeholders
    (``gpus/gpuK``) it names, for the cluster's ``shape``: its partitions beside the
    default one, its features, CPUs and memory, and its GPU types. Slurm drops a GPU
    declared without a device file ("Removing file-less GPU"), so each GPU is an empty
    regular file there: slurmd logs that it is no device and counts it all the same, and
    a job asking for a GPU runs on the CPU (task/none constrains no device)."""
    gres = shape.node_gres()
    node_line = (
        f"NodeName={node} NodeAddr=127.0.0.1 CPUs={max(os.cpu_count() or 1, shape.cpus)} "
        f"RealMemory={max(1000, shape.memory_mb)} State=UNKNOWN"
    )
    if gres:
        node_line += " Gres=" + ",".join(f"{n}:{k}:{c}" if k else f"{n}:{c}" for n, k, c in gres)
    if shape.features:
        node_line += " Feature=" + ",".join(shape.features)
    lines = [f"GresTypes={','.join(sorted({n for n, _, _ in gres}))}"] if gres else []
    lines += [node_line]
    for name in [partition, *(p for p in shape.partitions if p != partition)]:
        default = "YES" if name == partition else "NO"
        lines.append(f"PartitionName={name} Nodes=ALL Default={default} MaxTime=INFINITE State=UP")
    gres_conf = ["# lessonrun's GPUs: empty files, no devices", "AutoDetect=off"]
    files = 0
    for name, kind, count in gres:
        typed = f" Type={kind}" if kind else ""
        for _ in range(count):
            gres_conf.append(f"NodeName={node} Name={name}{typed} File={gpus}/gpu{files}")
            files += 1
    return "\n".join(lines) + "\n", "\n".join(gres_conf) + "\n", files


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "(no log)"
    return " / ".join(text[-lines:]) or "(empty log)"


def _wait_ready(slurm: Slurm, node: str) -> str | None:
    """Wait until the node takes jobs; why not, when it does not in time."""
    deadline = time.monotonic() + _START_TIMEOUT
    env = {"PATH": "/usr/bin:/bin", "SLURM_CONF": str(slurm.conf), "LANG": "C.UTF-8"}
    state = ""
    while time.monotonic() < deadline:
        if slurm.process.poll() is not None:
            break
        ask = ["sinfo", "-h", "-n", node, "-o", "%T"]
        try:
            result = subprocess.run(
                ["nsenter", f"--net=/proc/{slurm.pid}/ns/net", "--", *ask],
                capture_output=True,
                text=True,
                env=env,
                timeout=5,
                check=False,
            )
        except subprocess.TimeoutExpired:
            continue
        state = result.stdout.strip() or result.stderr.strip()
        if result.returncode == 0 and state.rstrip("*") in ("idle", "mixed", "allocated"):
            return None
        time.sleep(0.2)
    logs = [f"{name}: {_tail(slurm.folder / 'log' / f'{name}.log', 2)}" for name in _DAEMONS]
    return (
        f"Slurm did not start within {_START_TIMEOUT:g} s (node: {state or '?'}; {'; '.join(logs)})"
    )
