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
    .run/            the session's script, each command, its input, output and status

Only ``home``, ``tmp``, ``.run`` and the mapped storage root are writable in a session
(:mod:`.boundary`); the module tree and Pythons are read-only, as on a cluster.

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

_PRELUDE = r"""# lessonrun: the simulated cluster's shell (see hpccourse/lessonrun/sandbox.py)
PS1='$ '
source "$__LR_LMOD_INIT"
"""

_SLURM = r"""
# Slurm: its accounting is the job completion log; lessonrun waits for each job a step
# submits, within the session's time limit, and writes down how it ended.
sacct() { command sacct --completion "$@"; }
__lr_deadline=$(( $(date +%s) + __LR_TIMEOUT - 3 ))
__lr_wait_jobs() {
    local i=$1 id line state
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
        printf '%s\n' "$line" >>"$__LR/jobs.$i"
    done
}
"""

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
    def mapped_root(self) -> Path | None:
        """Where the storage root lives in the sandbox."""
        if not self.spec.storage_root.startswith("/"):
            return None
        return self.root / "roots" / self.spec.storage_root.lstrip("/")

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
        root.chmod(0o755)
        for folder in (box.home, box.root / "bin", box.root / "tmp", box.run_dir):
            folder.mkdir(parents=True, exist_ok=True)
        if box.mapped_root is not None:
            box.mapped_root.mkdir(parents=True)
        for folder in box.writable:
            if box.boundary.uid != os.getuid():
                os.chown(folder, box.boundary.uid, box.boundary.uid)
            folder.chmod(0o755)
        box.modules = write_tree(spec.tree, box.root / "modules", wheelhouse, spec.key, spec.table)
        box.note = "; ".join(filter(None, map(check_module_python, box.python_bins)))
        for name in ("python", "python3", "pip", "pip3"):
            stub = box.root / "bin" / name
            stub.write_text(_STUB, encoding="utf-8")
            stub.chmod(0o755)
        return box

    def session_options(self) -> dict[str, object]:
        """What a session's boundary adds for this cluster (Slurm's network, its host)."""
        return self.slurm.session_options() if self.slurm is not None else {}

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
        script = re.escape(str(self.run_dir / "session.sh"))
        return re.sub(rf"{script}: (?:line \d+: )?", "bash: ", text)
