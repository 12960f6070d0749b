"""The simulated cluster one run types into: a temporary folder, Lmod, the module Pythons.

Layout of a sandbox (``root``)::

    home/            HOME and the working directory (fresh, empty)
    roots/proj/...   the cluster's storage root, mapped: /proj/x -> ROOT/roots/proj/x
    modules/lmod/    the cluster's module tree, as Lua modulefiles for Lmod (lmod.py)
    modules/pythons/ the module Pythons: the machine's, copied binary and linked standard
                     library, each with an empty site-packages of its own (pythons.py)
    modules/bundles/ the packages bundle modules put on PYTHONPATH (stand-in wheels)
    bin/             python, python3, pip, pip3 stubs: none before `module load`
    tmp/             TMPDIR
    .run/            each command's output (the session writes it)
    .lr/             the session's script, each command and its input (the builder's
                     alone: a session reads them and cannot replace them)
    .etc/            the passwd and group files naming the session's uid (root mode)

Only ``home``, ``tmp``, ``.run`` and the mapped storage root are writable in a session
(:mod:`.boundary`); the module tree and Pythons are read-only, as on a cluster. The
builder never writes, chmods or follows a path inside a writable folder after it made it
(:mod:`.results` reads what a session left there).

Why a Python of its own: the lesson's venvs use ``--system-site-packages``. A venv made
from the machine's Python would see every package installed there (and one made from the
project's ``.venv`` Python would see the project's); ``pip list``/``pip freeze`` would then
depend on the machine. This Python finds its prefix from where its binary lies, so its
system site-packages are the sandbox's own empty folder.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .boundary import Boundary
from .lifecycle import Lifecycle, remove_tree
from .lmod import LMOD_INIT, ModuleSystem, write_tree
from .model import ClusterSpec
from .results import write_private
from .slurm import Slurm

#: The caller's network settings resolve mode passes on (how to reach the index: proxy,
#: certificates, index address); nothing else of the caller's environment goes in.
NETWORK_VARIABLES = (
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
    "PIP_CERT", "PIP_CLIENT_CERT", "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE",
    "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_TRUSTED_HOST", "PIP_DEFAULT_TIMEOUT",
)  # fmt: skip


def check_module_python(bindir: Path) -> str | None:
    """Why the module's Python is not isolated (its prefix is not its own), or None."""
    result = subprocess.run(
        [str(bindir / "python"), "-c", "import sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    prefix = result.stdout.strip()
    if result.returncode != 0 or Path(prefix).resolve() != bindir.parent.resolve():
        return f"the module's Python reports prefix {prefix!r}: {result.stderr.strip()}"
    return None


_STUB = """#!/bin/sh
echo "$(basename "$0"): command not found (in this simulated cluster there is no Python \
before \\`module load\\`)" >&2
exit 127
"""

# fd 3 is the report pipe to the builder (lessonrun/results.py); bash's own messages go
# to its stderr, which the builder reads too.
_PRELUDE = r"""# lessonrun: the simulated cluster's shell (see hpccourse/lessonrun/sandbox.py)
exec 3>&1 1>&2
PS1='$ '
source "$__LR_LMOD_INIT"
"""

_SLURM = r"""
# Slurm: its accounting is the job completion log.
sacct() { command sacct --completion "$@"; }
__lr_deadline=$(( $(date +%s) + __LR_TIMEOUT - 3 ))
"""

#: Waits for each job step {i} submitted, within the session's time limit, and reports
#: how it ended; defined again before each use (a lesson may have redefined it).
_WAIT_JOBS = r"""__lr_wait_jobs() {
    local i=$1 id line state
    [[ -f $__LR/out.$i && ! -L $__LR/out.$i ]] || return 0  # replaced: fails anyway
    for id in $(sed -n 's/^Submitted batch job \([0-9][0-9]*\).*/\1/p' "$__LR/out.$i"); do
        while :; do
            line=$(command scontrol show job -o "$id" 2>&1)
            state=${line#*JobState=}; state=${state%% *}
            case "$state" in
                PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|RESIZING) ;;
                *) break ;;
            esac
            if (( $(date +%s) >= __lr_deadline )); then
                command scancel "$id"; line="$line LessonrunTimedOut=yes"; break
            fi
            sleep 0.2
        done
        \builtin printf '%s\0' J "$i" "$line" >&3
    done
}
__lr_wait_jobs {i}
"""


class SandboxError(ValueError):
    """A cluster the builder will not make a sandbox for (a table value that would put a
    folder outside it), with the table's name."""


_USER = re.compile(r"[a-z_][a-z0-9_-]{0,31}\Z")

_RESOLVE = r"""
# Resolve mode: each `pip install` is first resolved against the real index for the
# cluster's Python version (wheels only: a failure means pip would build from source).
__lr_resolve() {
    [ "${1:-}" = install ] || return 0
    shift
    __lr_resolves=$(( ${__lr_resolves:-0} + 1 ))
    local f="$__LR/resolve.$__LR_STEP.$__lr_resolves"
    local version="${EBVERSIONPYTHON:-$__LR_DEFAULT_PYVER}"
    version="${version%.*}"; [[ $version == *.* ]] || version="$__LR_DEFAULT_PYVER"
    echo "$version" >"$f.python"
    # --target: pip 23 takes platform options only with it (--dry-run installs nothing).
    env -u PIP_NO_INDEX -u PIP_FIND_LINKS pip install --dry-run --target "$f.target" \
        --quiet --report "$f.json" --only-binary=:all: \
        --python-version "$version" \
        --platform manylinux2014_x86_64 --platform manylinux_2_28_x86_64 \
        --implementation cp "$@" >"$f.log" 2>&1
    echo $? >"$f.rc"
}
pip() { __lr_resolve "$@"; command pip "$@"; }
pip3() { __lr_resolve "$@"; command pip3 "$@"; }
"""


@dataclass
class Sandbox:
    """One run's folders and environment."""

    root: Path
    spec: ClusterSpec
    wheelhouse: Path
    resolve: bool = False
    note: str = ""  # a limit of the simulation worth reporting
    standins_file: str = ""  # the course's stand-in list ("": none, pip finds nothing)
    boundary: Boundary = field(default_factory=lambda: Boundary("none"))
    life: Lifecycle | None = None
    modules: ModuleSystem | None = None  # the Lmod tree written for the cluster
    slurm: Slurm | None = None  # the cluster's private Slurm, once an exercise needs it
    timeout: float = 300.0  # a session's time limit (jobs are waited for within it)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def run_dir(self) -> Path:
        return self.root / ".run"

    @property
    def input_dir(self) -> Path:
        """The builder's folder of what a session runs (read-only in the session)."""
        return self.root / ".lr"

    @property
    def mapped_root(self) -> Path | None:
        """Where the storage root lives in the sandbox."""
        if not self.spec.storage_root.startswith("/"):
            return None
        return self.root / "roots" / self.spec.storage_root.lstrip("/")

    def wait_jobs(self, index: int) -> str:
        """The shell lines that wait for step ``index``'s batch jobs and report them."""
        return _WAIT_JOBS.replace("{i}", str(index))

    @property
    def python_bins(self) -> list[Path]:
        """The ``bin`` folder of each module Python."""
        return sorted((self.root / "modules" / "pythons").glob("*/bin"))

    @property
    def writable(self) -> list[Path]:
        """The folders a session may write to: home, TMPDIR, the mapped storage root and
        its own run folder; the rest of the sandbox (module Python, stubs) is read-only."""
        folders = [self.home, self.root / "tmp", self.run_dir]
        folders += [self.mapped_root] if self.mapped_root is not None else []
        return folders + ([self.slurm.jobcomp] if self.slurm is not None else [])

    @property
    def readable(self) -> list[Path]:
        """What a session reads beside the system: the sandbox, the wheelhouse, and the
        installation the module's Python links its standard library from."""
        prefixes = self.modules.readable if self.modules is not None else []
        return [self.root, self.wheelhouse, *prefixes]

    @classmethod
    def create(
        cls,
        spec: ClusterSpec,
        wheelhouse: Path,
        parent: Path | None = None,
        resolve: bool = False,
        boundary: Boundary | None = None,
        life: Lifecycle | None = None,
        standins_file: str = "",
    ) -> Sandbox:
        """A fresh sandbox for ``spec`` (under ``parent`` or the system's temporary folder)."""
        unsafe = unsafe_storage_root(spec)
        if unsafe:
            raise SandboxError(unsafe)
        root = Path(tempfile.mkdtemp(prefix=f"lessonrun-{spec.key}-", dir=parent)).resolve()
        if life is not None:
            life.folder(root)
        box = cls(
            root,
            spec,
            wheelhouse,
            resolve,
            standins_file=standins_file,
            boundary=boundary or Boundary("none"),
            life=life,
        )
        try:
            box._fill(wheelhouse)
        except BaseException:
            box.remove()
            raise
        return box

    def _fill(self, wheelhouse: Path) -> None:
        """Make the sandbox's folders, module tree and stubs (all before any session:
        nothing here is a path a session could have changed)."""
        self.root.chmod(0o755)
        folders = (self.home, self.root / "bin", self.root / "tmp", self.run_dir)
        for folder in (*folders, self.input_dir, self.root / ".etc"):
            folder.mkdir(mode=0o755)
            folder.chmod(0o755)  # whatever the umask
        if self.mapped_root is not None:
            self.mapped_root.mkdir(parents=True)
        for folder in self.writable:
            if self.boundary.uid != os.getuid():
                os.chown(folder, self.boundary.uid, self.boundary.uid, follow_symlinks=False)
            folder.chmod(0o755)
        self._user_files()
        spec = self.spec
        self.modules = write_tree(
            spec.tree, self.root / "modules", wheelhouse, spec.key, spec.table
        )
        self.note = "; ".join(filter(None, map(check_module_python, self.python_bins)))
        for name in ("python", "python3", "pip", "pip3"):
            stub = self.root / "bin" / name
            stub.write_text(_STUB, encoding="utf-8")
            stub.chmod(0o755)

    def _user_files(self) -> None:
        """passwd and group naming the session's uid (root mode): ``whoami`` answers, and
        Slurm starts a job only for a user it can look up."""
        if self.boundary.mode != "root":
            return
        uid = self.boundary.uid
        user = self.spec.user if _USER.match(self.spec.user) else "learner"
        for name, line in (
            ("passwd", f"{user}:x:{uid}:{uid}:{user}:/home/{user}:/bin/bash\n"),
            ("group", f"{user}:x:{uid}:\n"),
        ):
            system = Path("/etc", name).read_text(encoding="utf-8")
            taken = {entry.split(":", 1)[0] for entry in system.splitlines()}
            if user in taken:
                line = line.replace(f"{user}:", "learner:", 1)
            write_private(self.root / ".etc" / name, system.rstrip("\n") + "\n" + line)

    @property
    def user_binds(self) -> list[str]:
        """bwrap's arguments putting the sandbox's passwd and group in ``/etc``."""
        if self.boundary.mode != "root":
            return []
        etc = self.root / ".etc"
        return [
            arg for n in ("passwd", "group") for arg in ("--ro-bind", str(etc / n), f"/etc/{n}")
        ]

    def session_options(self) -> dict[str, object]:
        """What a session's boundary adds for this cluster (its users; Slurm's network
        and host)."""
        options = self.slurm.session_options() if self.slurm is not None else {}
        extra = [*self.user_binds, *options.get("extra", [])]  # type: ignore[misc]
        return {**options, "extra": extra}

    def remove(self) -> None:
        if self.life is not None:
            self.life.remove(self.root)
        else:
            remove_tree(self.root)

    def environment(self) -> dict[str, str]:
        """The whole environment bash starts with: nothing of the caller's leaks in."""
        env = {
            "PATH": f"{self.root / 'bin'}:/usr/bin:/bin",
            "HOME": str(self.home),
            "USER": self.spec.user,
            "LOGNAME": self.spec.user,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TERM": "dumb",
            "SHELL": "/bin/bash",
            "TMPDIR": str(self.root / "tmp"),
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(self.wheelhouse),
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_INPUT": "1",
            "PIP_PROGRESS_BAR": "off",
            # Lmod: the cluster's tree at login, no system cache, plain output.
            "MODULEPATH": str(self.modules.modulepath) if self.modules else "",
            "LMOD_IGNORE_CACHE": "1",
            "LMOD_COLORIZE": "no",
            "LMOD_PAGER": "none",
        }
        if self.slurm is not None:
            env.update(self.slurm.environment())
        if self.resolve:
            env.update({k: v for k, v in os.environ.items() if k in NETWORK_VARIABLES})
        return env

    def prelude(self) -> str:
        """Shell functions and variables every session starts with."""
        default = f"{sys.version_info.major}.{sys.version_info.minor}"
        values = {
            "__LR": str(self.run_dir),
            "__LR_IN": str(self.input_dir),
            "__LR_LMOD_INIT": str(LMOD_INIT),
            "__LR_DEFAULT_PYVER": default,
            "__LR_TIMEOUT": str(int(self.timeout)),
        }
        lines = [f"{name}={shlex.quote(value)}" for name, value in values.items()]
        slurm = _SLURM if self.slurm is not None else ""
        return "\n".join(lines) + "\n" + _PRELUDE + slurm + (_RESOLVE if self.resolve else "")

    # ------------------------------------------------------------- mapping paths
    def to_sandbox(self, text: str) -> str:
        """The lesson's text as run: storage root mapped, placeholder -> test user."""
        if self.spec.placeholder:
            text = text.replace(self.spec.placeholder, self.spec.user)
        mapped = self.mapped_root
        if mapped is not None:
            root = re.escape(self.spec.storage_root.rstrip("/"))
            text = re.sub(rf"(?<![\w./-]){root}(?![\w.-])", lambda _m: str(mapped), text)
        return text

    def to_lesson(self, text: str) -> str:
        """Real output in the lesson's terms: sandbox paths back to the real ones."""
        mapped = self.mapped_root
        if mapped is not None:
            text = text.replace(str(mapped), self.spec.storage_root.rstrip("/"))
        text = text.replace(str(self.home), f"/home/{self.spec.user}")
        text = text.replace(str(self.root / ".slurm" / "spool"), "/var/spool/slurmd")
        text = text.replace(str(self.root / "modules"), "/sw/modules")  # Lmod's tree
        # bash names the session's script in its messages; a learner's shell says `bash`.
        script = re.escape(str(self.input_dir / "session.sh"))
        return re.sub(rf"{script}: (?:line \d+: )?", "bash: ", text)


def unsafe_storage_root(spec: ClusterSpec) -> str | None:
    """Why the cluster's storage root cannot be mapped into a sandbox (a ``..`` would put
    its folder outside), or None."""
    root = spec.storage_root
    if not root.startswith("/"):
        return None
    parts = root.strip("/").split("/")
    if any(part in ("", ".", "..") for part in parts) or "\0" in root:
        return (
            f"{spec.table}: [clusters.{spec.key}] storage_root {root!r} is not a plain "
            "absolute path (no `.`, `..` or empty part): lessonrun makes no folder for it"
        )
    return None
