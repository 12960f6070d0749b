"""Every gate with each system tool hidden: one skip line outside CI, a failure under CI=true.

A tool is hidden by a PATH whose one folder holds links to every command of the real
PATH but that tool (the Enchant C library: by $PYENCHANT_LIBRARY_PATH, which PyEnchant
and tools/systools.py read first). Each gate runs as `make` runs it, in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import systools

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
AXE_GATE = (PYTHON, "-m", "pytest", "tests/site/browser/test_accessibility.py")  # make axe


def path_without(commands: set[str], folder: Path) -> str:
    """A PATH of one folder linking every command of $PATH except `commands`."""
    folder.mkdir(parents=True, exist_ok=True)
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        try:
            entries = sorted(Path(directory).iterdir())
        except OSError:
            continue
        for entry in entries:
            link = folder / entry.name
            if entry.name in commands or link.exists() or link.is_symlink():
                continue
            if entry.is_file() and os.access(entry, os.X_OK):
                link.symlink_to(entry)
    return str(folder)


@dataclass(frozen=True)
class Case:
    """A gate, the tool hidden from it, and how `make` runs it."""

    check: str
    tool: str
    argv: tuple[str, ...]

    def run(self, tmp_path: Path, ci: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "CI": ci, "SKIP_LOG": str(tmp_path / "skipped.txt")}
        env.pop("CHROMIUM", None)
        if self.tool == "enchant":
            env["PYENCHANT_LIBRARY_PATH"] = os.devnull  # no C library
        else:
            env["PATH"] = path_without({self.tool}, tmp_path / "bin")
        argv = [arg.replace("TMP", str(tmp_path)) for arg in self.argv]
        (tmp_path / "vnu.jar").write_bytes(b"")  # a jar is there: only Java is needed
        return subprocess.run(
            argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600
        )


CASES = [
    Case("spelling", "enchant", (PYTHON, "tools/spellcheck.py", ".", "TMP/out")),
    Case("vnu", "npm", (PYTHON, "tools/htmlcheck.py", "--fetch", "--jar", "TMP/new/vnu.jar")),
    Case("htmlcheck", "java", (PYTHON, "tools/htmlcheck.py", "--jar", "TMP/vnu.jar", "TMP")),
    Case("htmlcheck", "npm", (PYTHON, "tools/htmlcheck.py", "--jar", "TMP/no/vnu.jar", "TMP")),
    Case("browser tests", "chromium", (*AXE_GATE, "-p", "no:cacheprovider")),
]
IDS = [f"{case.check}-without-{case.tool}" for case in CASES]


def install_line(tool: str) -> str:
    return f"install: sudo apt-get install -y {' '.join(systools.TOOLS[tool].apt)}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gate_without_its_tool_is_skipped_with_one_line_outside_ci(
    case: Case, tmp_path: Path
) -> None:
    done = case.run(tmp_path, ci="")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    lines = [line for line in output.splitlines() if f"{case.check}: SKIPPED: " in line]
    assert lines, output
    assert f"{case.check}: SKIPPED: {case.tool} (" in lines[0]
    assert install_line(case.tool) in lines[0]
    assert "Traceback" not in output
    logged = (tmp_path / "skipped.txt").read_text(encoding="utf-8")  # for make test's summary
    assert f"{case.check}: SKIPPED: {case.tool} (" in logged


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gate_without_its_tool_fails_under_ci(case: Case, tmp_path: Path) -> None:
    done = case.run(tmp_path, ci="true")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert f"{case.check}: FAILED (CI=true, a check may not be skipped): {case.tool} (" in output
    assert install_line(case.tool) in output
    assert "Traceback" not in output
    assert "SKIPPED" not in output


def test_the_skip_line_names_the_tool_and_both_systems() -> None:
    for tool in systools.TOOLS.values():
        line = tool.missing(systools.Probe(None))
        assert line.startswith(f"{tool.name} (") and "\n" not in line
        assert f"sudo apt-get install -y {' '.join(tool.apt)}" in line
        assert f"brew install {tool.brew}" in line if tool.brew else "no Homebrew" in line
        assert tool.checks, f"{tool.name}: no check needs it"


def test_every_tool_the_gates_use_is_in_the_table() -> None:
    used = {"enchant", "npm", "java", "chromium", "bubblewrap", "lmod", "slurm", "munge"}
    assert used <= {name for name, tool in systools.TOOLS.items() if not tool.coming}


def run_cli(*args: str, hide: set[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """tools/systools.py without site-packages (as .ci/run runs it before .venv exists),
    `hide` off PATH."""
    env = {**os.environ, "PATH": path_without(hide, tmp_path / "bin")}
    env.pop("CHROMIUM", None)
    return subprocess.run(
        [PYTHON, "-S", "tools/systools.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_ci_installs_the_packages_of_the_missing_tools_from_the_table(tmp_path: Path) -> None:
    done = run_cli("apt-missing", hide={"java", "bwrap"}, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    packages = done.stdout.split()
    assert "openjdk-17-jre-headless" in packages
    assert "bubblewrap" in packages  # lessonrun's sandbox
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "tools/systools.py apt-missing" in ci_script
    assert "make test" in ci_script


def test_doctor_lists_every_tool_found_or_missing_with_how_to_install(tmp_path: Path) -> None:
    done = run_cli("doctor", hide={"npm"}, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for tool in systools.TOOLS.values():
        start = next(i for i, line in enumerate(lines) if line.startswith(f"{tool.name} "))
        block = "\n".join(lines[start : start + 4])
        assert f"needed by: {', '.join(tool.checks)}" in block
        assert f"install:   {tool.install()}" in block
    npm_line = next(line for line in lines if line.startswith("npm "))
    assert "MISSING" in npm_line


def test_summary_says_what_was_skipped_or_that_nothing_was(tmp_path: Path) -> None:
    log = tmp_path / "skipped.txt"
    env = {**os.environ, "SKIP_LOG": str(log)}
    command = [PYTHON, "tools/systools.py", "summary"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "nothing" in done.stdout
    log.write_text("htmlcheck: SKIPPED: java (...) not found; install: ...\n", encoding="utf-8")
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "1 check(s)" in done.stdout
    assert "  htmlcheck: SKIPPED: java" in done.stdout


def test_make_test_ends_with_the_summary_and_make_doctor_exists() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1].endswith("tools/systools.py summary")
    done = subprocess.run(
        ["make", "-n", "doctor"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "tools/systools.py doctor" in done.stdout


def test_readme_install_lines_install_every_tool_the_checks_use() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    debian = next(line for line in readme.splitlines() if line.startswith("- Debian/Ubuntu: "))
    macos = next(line for line in readme.splitlines() if line.startswith("- macOS: "))
    for tool in systools.TOOLS.values():
        if tool.coming:
            continue
        assert all(f" {package}" in debian for package in tool.apt), tool.name
        if tool.brew is None:  # Linux only: the macOS line says its check is skipped there
            assert tool.name in macos, tool.name
        else:
            assert tool.brew.split()[-1] in macos, tool.name
