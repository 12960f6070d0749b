"""Issue 22, point 8: no configuration dump on a Sphinx run (myst-parser prints its whole
``MdParserConfig`` at every start unless the extension filters it)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def sphinx_output(source: Path, out: Path, *overrides: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", *overrides, str(source), str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_a_myst_course_builds_without_the_configuration_dump(rootdir: Path, tmp_path: Path) -> None:
    source = rootdir / "test-myst-basic"
    said = sphinx_output(source, tmp_path / "html")
    assert "build succeeded" in said
    assert "MdParserConfig" not in said and "myst v" not in said, said
    # The control: myst-parser alone (no hpccourse) prints it, so the test can fail.
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "conf.py").write_text('extensions = ["myst_parser"]\n')
    (tmp_path / "plain" / "index.md").write_text("# Plain\n\nText.\n")
    assert "MdParserConfig" in sphinx_output(tmp_path / "plain", tmp_path / "plain-html")
