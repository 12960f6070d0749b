"""lessonrun's copying ensurepip (hpccourse.lessonrun.venvpip): a module Python's
``python -m venv`` gets the same pip, files and scripts as the real ensurepip gives it,
without installing pip anew each time."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hpccourse.lessonrun.pythons import builder_python, make_module_python


def tree(root: Path) -> set[str]:
    return {
        str(path.relative_to(root))
        for path in root.rglob("*")
        if "__pycache__" not in path.parts and path.name != "RECORD"
    }


@pytest.fixture(scope="module")
def venvs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    tmp = tmp_path_factory.mktemp("venvpip")
    pips = tmp / "pips"
    pips.mkdir()
    python = builder_python()
    shimmed = make_module_python(python, tmp / "shimmed", pips) / "python"
    real = make_module_python(python, tmp / "real") / "python"
    for binary, venv in ((shimmed, tmp / "a"), (real, tmp / "b")):
        subprocess.run([str(binary), "-m", "venv", str(venv)], check=True, capture_output=True)
    return tmp / "a", tmp / "b", pips


def test_the_shim_replaces_ensurepip_only_with_a_template(tmp_path: Path):
    python = builder_python()
    plain = make_module_python(python, tmp_path / "plain").parent
    assert (plain / "lib" / f"python{python.series}" / "ensurepip").is_symlink()


def test_a_venv_gets_the_same_pip_as_the_real_ensurepip_gives(venvs):
    copied, installed, _pips = venvs
    series = builder_python().series
    site = f"lib/python{series}/site-packages"
    assert tree(copied / site) == tree(installed / site)
    assert sorted(p.name for p in (copied / "bin").glob("pip*")) == sorted(
        p.name for p in (installed / "bin").glob("pip*")
    )
    for venv in venvs[:2]:
        script = (venv / "bin" / "pip").read_text(encoding="utf-8").splitlines()
        assert script[0] == f"#!{venv}/bin/python"
        assert os.access(venv / "bin" / "pip", os.X_OK)
    result = subprocess.run(
        [str(copied / "bin" / "pip"), "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("pip ") and f"{copied}/{site}/pip" in result.stdout


def test_pip_is_installed_once_per_python_series(venvs):
    _copied, _installed, pips = venvs
    assert sorted(p.name for p in pips.iterdir()) == [f"python{builder_python().series}"]
