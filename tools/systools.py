"""The system tools the checks use, and one policy for when one is missing.

Every tool a check needs from the machine (not from .venv) is in TOOLS, with the
checks that need it and how to install it. The policy, the same for every check:

- found: the check uses it;
- missing outside CI: the check is skipped, with one line naming the tool and
  the command that installs it; `make test` lists the skips at its end;
- missing under CI=true: the check fails with that line (CI must run every check).

Never a traceback. This module needs the machine's python3 alone (no venv):
`.ci/run` asks it which Debian packages to install before .venv exists, and
`make doctor` lists the tools. The gates (tools/spellcheck.py,
tools/htmlcheck.py) call `gate`; tests call `require_in_test`. As a pytest
plugin (tests/conftest.py loads it) it adds pytest's skips to the skip log.

    python3 tools/systools.py doctor        every tool: found?, version, checks, install
    python3 tools/systools.py apt-missing   Debian packages of the missing tools CI installs
    python3 tools/systools.py summary       what the run skipped ($SKIP_LOG), for `make test`
    python3 tools/systools.py require CHECK TOOL...   the policy, for a shell recipe:
                                                      0 run, 3 skipped, 1 failed (CI)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import pytest

#: The file each skipped check appends its line to; `make test` sets it and prints it last.
SKIP_LOG_VARIABLE = "SKIP_LOG"
SPELLING_LANG = "en_US"


@dataclass(frozen=True)
class Probe:
    """What looking for a tool found: where it is and its version, or why it is missing."""

    path: str | None
    version: str = ""
    reason: str = ""  # why it counts as missing (when path is None)

    @property
    def found(self) -> bool:
        return self.path is not None


@dataclass(frozen=True)
class Tool:
    """A system tool: what it is, the checks that need it, how to install it, how to find it."""

    name: str
    what: str
    checks: tuple[str, ...]
    apt: tuple[str, ...]  # Debian/Ubuntu packages (checked with `apt-cache policy`)
    brew: str | None  # `brew install` arguments on macOS; None: no Homebrew formula
    probe: Callable[[], Probe] = field(compare=False)
    apt_note: str = ""  # where Ubuntu differs from Debian
    brew_note: str = ""
    coming: bool = False  # for work not landed yet: no current check uses it, CI skips it

    def install(self) -> str:
        """How to install it, on one line: Debian/Ubuntu, then macOS."""
        apt = f"sudo apt-get install -y {' '.join(self.apt)}"
        apt += f" (Debian; {self.apt_note})" if self.apt_note else " (Debian/Ubuntu)"
        if self.brew is None:
            brew = "no Homebrew formula (Linux only)"
        else:
            note = f"; {self.brew_note}" if self.brew_note else ""
            brew = f"brew install {self.brew} (macOS{note})"
        return f"{apt}, {brew}"

    def missing(self, probe: Probe) -> str:
        """One line: the tool, why it is missing, and how to install it."""
        why = f": {probe.reason}" if probe.reason else ""
        return f"{self.name} ({self.what}) not found{why}; install: {self.install()}"


def _run_version(command: Sequence[str], pattern: str) -> tuple[bool, str]:
    """Run a version command: (succeeded, the version, or its first line of output)."""
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        return False, str(error)
    output = (done.stdout + "\n" + done.stderr).strip()
    if done.returncode != 0:
        first = next((line for line in output.splitlines() if line.strip()), "")
        return False, f"`{' '.join(command)}` failed: {first}".rstrip(": ")
    match = re.search(pattern, output)
    return True, match.group(1) if match else output.splitlines()[0] if output else ""


def command_probe(
    names: Sequence[str],
    version_args: Sequence[str],
    pattern: str,
    env_var: str | None = None,
    locations: Sequence[str] = (),
) -> Callable[[], Probe]:
    """A probe for a command: $env_var, else the first of `names` on PATH, else `locations`;
    found only when its version command succeeds (macOS's java stub without a JDK fails)."""

    def probe() -> Probe:
        candidates = [os.environ.get(env_var, "") if env_var else ""]
        candidates += [shutil.which(name) or "" for name in names]
        candidates += [os.path.expandvars(location) for location in locations]
        path = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
        if path is None:
            return Probe(None)
        ok, version = _run_version([path, *version_args], pattern)
        return Probe(path, version) if ok else Probe(None, reason=version)

    return probe


def enchant_library() -> str | None:
    """The Enchant C library, found as PyEnchant finds it ($PYENCHANT_LIBRARY_PATH first)."""
    if "PYENCHANT_LIBRARY_PATH" in os.environ:
        return os.environ["PYENCHANT_LIBRARY_PATH"] or None
    names = ["enchant-2", "libenchant-2"]
    if sys.platform == "darwin" and platform.machine() == "arm64":
        names += ["/opt/homebrew/lib/libenchant-2.dylib"]
    for name in names:
        found = ctypes.util.find_library(name) or (name if os.path.isabs(name) else None)
        if found and (not os.path.isabs(found) or os.path.exists(found)):
            return found
    return None


def enchant_probe(lang: str = SPELLING_LANG) -> Probe:
    """The Enchant library loads and has a `lang` dictionary (asked through its C API)."""
    name = enchant_library()
    if name is None:
        return Probe(None, reason="no libenchant-2 library")
    try:
        lib = ctypes.CDLL(name)
    except OSError as error:
        return Probe(None, reason=f"libenchant-2 does not load ({error})")
    lib.enchant_broker_init.restype = ctypes.c_void_p
    lib.enchant_broker_dict_exists.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.enchant_broker_free.argtypes = [ctypes.c_void_p]
    broker = lib.enchant_broker_init()
    try:
        has_lang = lib.enchant_broker_dict_exists(broker, lang.encode()) == 1
    finally:
        lib.enchant_broker_free(broker)
    version = "?"
    if hasattr(lib, "enchant_get_version"):
        lib.enchant_get_version.restype = ctypes.c_char_p
        version = lib.enchant_get_version().decode()
    if not has_lang:
        return Probe(None, reason=f"Enchant {version} has no {lang} dictionary")
    return Probe(name, f"{version}, {lang} dictionary")


TOOLS: dict[str, Tool] = {
    tool.name: tool
    for tool in [
        Tool(
            name="java",
            what="a Java runtime (CI uses 17) to run vnu.jar",
            checks=("htmlcheck",),
            apt=("openjdk-17-jre-headless",),
            brew="openjdk@17",
            brew_note="then put $(brew --prefix openjdk@17)/bin on PATH",
            probe=command_probe(["java"], ["-version"], r'version "([^"]+)"'),
        ),
        Tool(
            name="npm",
            what="fetches vnu.jar, and vendors mermaid and axe-core",
            checks=("vnu", "htmlcheck", "make mermaid", "make axe-core"),
            apt=("npm",),
            brew="node",
            probe=command_probe(["npm"], ["--version"], r"(\d+\.\d+\.\d+)"),
        ),
        Tool(
            name="chromium",
            what="the browser Playwright drives; never `playwright install`",
            checks=("browser tests", "axe"),
            apt=("chromium",),
            apt_note="Ubuntu: sudo snap install chromium",
            brew="--cask chromium",
            brew_note="or set CHROMIUM=/path/to/chromium",
            probe=command_probe(
                ["chromium"], ["--version"], r"Chromium ([\d.]+)", env_var="CHROMIUM"
            ),
        ),
        Tool(
            name="enchant",
            what=f"the Enchant library with an {SPELLING_LANG} dictionary, for PyEnchant",
            checks=("spelling",),
            apt=("libenchant-2-2", "hunspell-en-us"),
            brew="enchant",
            brew_note="its aspell brings the dictionary",
            probe=enchant_probe,
        ),
        # lessonrun: the sandbox, the module system and the scheduler of its sessions.
        Tool(
            name="bubblewrap",
            what="bwrap, the unprivileged sandbox lessonrun runs exercises in",
            checks=("lessonrun (its sandbox)",),
            apt=("bubblewrap",),
            brew=None,
            probe=command_probe(["bwrap"], ["--version"], r"bubblewrap ([\d.]+)"),
        ),
        Tool(
            name="lmod",
            what="Lmod, the module system of the clusters",
            checks=("lessonrun (its module system)",),
            apt=("lmod",),
            brew="lmod",
            probe=command_probe(
                ["lmod"],
                ["--version"],
                r"Version ([\d.]+)",
                env_var="LMOD_CMD",
                locations=[
                    "/usr/share/lmod/lmod/libexec/lmod",
                    "/opt/homebrew/opt/lmod/libexec/lmod",
                    "/usr/local/opt/lmod/libexec/lmod",
                ],
            ),
        ),
        Tool(
            name="slurm",
            what="Slurm's sbatch, slurmctld and slurmd, the clusters' scheduler",
            checks=("lessonrun (batch jobs: its private Slurm)",),
            apt=("slurm-wlm", "iproute2"),
            brew=None,
            probe=command_probe(["sbatch"], ["--version"], r"slurm ([\d.]+)"),
        ),
        Tool(
            name="munge",
            what="MUNGE, the authentication Slurm's daemons use",
            checks=("lessonrun (batch jobs: its private Slurm)",),
            apt=("munge",),
            brew=None,
            probe=command_probe(["munge"], ["--version"], r"munge-([\d.]+)"),
        ),
    ]
}


def in_ci() -> bool:
    """CI sets CI=true: there a check may not be skipped."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_log() -> Path | None:
    """The file skips are appended to ($SKIP_LOG, which `make test` sets), if any."""
    value = os.environ.get(SKIP_LOG_VARIABLE)
    return Path(value) if value else None


def log_skip(line: str) -> None:
    """Append a skip line to the run's skip log, when there is one."""
    log = skip_log()
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as out:
            out.write(line.replace("\n", " ") + "\n")


def verdict(check: str, why: str) -> str:
    """The one line a check that cannot run prints: skipped, or failed under CI=true."""
    if in_ci():
        return f"{check}: FAILED (CI=true, a check may not be skipped): {why}"
    return f"{check}: SKIPPED: {why}"


def first_missing(names: Sequence[str]) -> tuple[Tool, Probe] | None:
    """The first of the named tools that is missing, with its probe, or None."""
    for name in names:
        tool = TOOLS[name]
        probe = tool.probe()
        if not probe.found:
            return tool, probe
    return None


def not_run(check: str, why: str) -> int:
    """A gate that cannot run: print its line; exit status 0 (skipped) or 1 under CI."""
    line = verdict(check, why)
    print(line, file=sys.stderr)
    if in_ci():
        return 1
    log_skip(line)
    return 0


def gate(check: str, *names: str) -> int | None:
    """None when every named tool is there; else `not_run`'s exit status for the gate."""
    missing = first_missing(names)
    if missing is None:
        return None
    tool, probe = missing
    return not_run(check, tool.missing(probe))


def not_run_test(check: str, why: str) -> NoReturn:
    """A test that cannot run: pytest skip with the line, or fail under CI=true."""
    import pytest

    if in_ci():
        pytest.fail(verdict(check, why), pytrace=False)
    pytest.skip(verdict(check, why))


def require_in_test(check: str, *names: str) -> dict[str, Probe]:
    """Every named tool's probe; a missing one skips the test (fails it under CI=true)."""
    probes = {}
    for name in names:
        probe = TOOLS[name].probe()
        if not probe.found:
            not_run_test(check, TOOLS[name].missing(probe))
        probes[name] = probe
    return probes


# -- pytest plugin (tests/conftest.py): pytest's skips go into the run's skip log --------

_run_log: list[Path | None] = [None]


def pytest_configure(config: pytest.Config) -> None:
    """Take $SKIP_LOG for pytest's own summary; gates the tests run must not write to it."""
    _run_log[0] = skip_log()
    os.environ.pop(SKIP_LOG_VARIABLE, None)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """One skip-log line per distinct reason pytest skipped tests for, with the count."""
    log = _run_log[0]
    if log is None:
        return
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    os.environ[SKIP_LOG_VARIABLE] = str(log)
    try:
        for reason, count in sorted(reasons.items()):
            log_skip(f"pytest: {count} test(s) skipped: {reason}")
    finally:
        os.environ.pop(SKIP_LOG_VARIABLE, None)


# -- command line ----------------------------------------------------------------------


def doctor() -> int:
    """Print every tool: found or not, version, the checks that need it, how to install it."""
    for tool in TOOLS.values():
        probe = tool.probe()
        state = f"found    {probe.version}  {probe.path}" if probe.found else "MISSING"
        if not probe.found and probe.reason:
            state += f"  ({probe.reason})"
        print(f"{tool.name:<11}{state}")
        print(f"{'':<11}what:      {tool.what}")
        print(f"{'':<11}needed by: {', '.join(tool.checks)}")
        print(f"{'':<11}install:   {tool.install()}")
    print(
        "A check whose tool is missing is skipped (one line says which and how to install"
        " it);\nunder CI=true it fails. `make test` ends with what it skipped."
    )
    return 0


def apt_missing() -> int:
    """Print the Debian packages of every missing tool a current check uses (for .ci/run)."""
    packages = [
        package
        for tool in TOOLS.values()
        if not tool.coming and not tool.probe().found
        for package in tool.apt
    ]
    print(" ".join(packages))
    return 0


def summary() -> int:
    """Print what the run skipped, from the skip log; say so when nothing was."""
    log = skip_log()
    lines = log.read_text(encoding="utf-8").splitlines() if log and log.exists() else []
    if not lines:
        print("Skipped: nothing; every check ran.")
        return 0
    print(f"Skipped: {len(lines)} check(s) did not run here (`make doctor` lists the tools):")
    for line in lines:
        print(f"  {line}")
    return 0


#: `require`'s exit status when a tool is missing outside CI: the recipe skips its check.
SKIPPED = 3


def main(argv: list[str]) -> int:
    """The command line: doctor, apt-missing, summary, or require CHECK TOOL..."""
    commands = {"doctor": doctor, "apt-missing": apt_missing, "summary": summary}
    if len(argv) == 1 and argv[0] in commands:
        return commands[argv[0]]()
    if len(argv) >= 3 and argv[0] == "require" and all(name in TOOLS for name in argv[2:]):
        status = gate(argv[1], *argv[2:])
        if status is None:
            return 0  # every tool is there: run the check
        return status or SKIPPED  # 1 under CI=true: the check fails
    print(f"usage: systools.py {{{'|'.join(commands)}}} | require CHECK TOOL...", file=sys.stderr)
    print(f"tools: {', '.join(TOOLS)}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:  # `make doctor | head`
        sys.exit(0)
