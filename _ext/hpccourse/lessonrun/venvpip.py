"""A faster ``ensurepip`` for the module Pythons: ``python -m venv`` copies pip, once made.

Every ``python -m venv`` of a lesson runs ``ensurepip``, which installs pip from its
bundled wheel with pip itself: about 5 CPU seconds, byte-compiling pip's thousand files,
for each venv of each cluster (most of a run's time, on 2 cores). So a run installs pip
once per Python series, with that Python's own ``ensurepip``, into a template folder
beside the wheelhouse (read-only in the sandboxes); each module Python gets an
``ensurepip`` of its own (:data:`SHIM`) that, for what ``venv`` asks (``--upgrade
--default-pip`` inside a venv), copies that pip into the venv and writes its ``pip``
scripts with the venv's Python in their first line, as pip does. Anything else (another
option, outside a venv, no template) runs the real ``ensurepip``. The files are pip's
own, as the real one installs them; only the byte-code was compiled elsewhere.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path

#: The module Python's ``ensurepip/__init__.py``: {real} and {template} are filled in.
SHIM = '''"""lessonrun's ensurepip (hpccourse/lessonrun/venvpip.py): copies a pip made once."""
import importlib.util
import os
import shutil
import sys

_REAL = {real!r}
_TEMPLATE = {template!r}


def _real():
    spec = importlib.util.spec_from_file_location(
        "ensurepip", os.path.join(_REAL, "__init__.py"), submodule_search_locations=[_REAL]
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def __getattr__(name):
    return getattr(_real(), name)


def _copy():
    purelib = os.path.join(sys.prefix, "lib", "python%d.%d" % sys.version_info[:2],
                           "site-packages")
    if sys.prefix == sys.base_prefix or not os.path.isdir(purelib):
        return False
    site = os.path.join(_TEMPLATE, "site-packages")
    for name in os.listdir(site):
        source, target = os.path.join(site, name), os.path.join(purelib, name)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        if os.path.isdir(source):
            shutil.copytree(source, target, symlinks=True)
        else:
            shutil.copy2(source, target)
    bindir = os.path.dirname(sys.executable)
    for name in os.listdir(os.path.join(_TEMPLATE, "bin")):
        with open(os.path.join(_TEMPLATE, "bin", name), encoding="utf-8") as script:
            body = script.read().split("\\n", 1)[1]
        path = os.path.join(bindir, name)
        if os.path.lexists(path):
            os.unlink(path)
        with open(path, "w", encoding="utf-8") as script:
            script.write("#!" + sys.executable + "\\n" + body)
        os.chmod(path, 0o777 & ~_umask())
    return True


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if os.path.isdir(_TEMPLATE) and set(args) <= {{"--upgrade", "--default-pip"}} and _copy():
        return 0
    return _real()._main(argv)
'''

_MAIN = "import sys\n\nimport ensurepip\n\nsys.exit(ensurepip._main())\n"
_lock = threading.Lock()


def pip_template(python: Path, series: str, folder: Path) -> Path | None:
    """What ``python``'s own ensurepip adds to a venv (pip, and setuptools where it is
    bundled): ``site-packages`` and ``bin``, under ``folder``, made once per series (the
    difference between a venv and one ``--without-pip``); None when a venv fails."""
    template = folder / f"python{series}"
    with _lock:
        if (template / "bin").is_dir():
            return template
        made = [folder / f"venv{series}", folder / f"bare{series}"]
        for venv, options in zip(made, ([], ["--without-pip"]), strict=True):
            result = subprocess.run(
                [str(python), "-I", "-m", "venv", *options, str(venv)],
                capture_output=True,
                check=False,
            )
            if result.returncode != 0:
                return None
        site = Path("lib", f"python{series}", "site-packages")
        (template / "site-packages").mkdir(parents=True)
        (template / "bin").mkdir()
        for sub, into in ((site, "site-packages"), (Path("bin"), "bin")):
            for entry in (made[0] / sub).iterdir():
                if not (made[1] / sub / entry.name).exists() and not entry.is_symlink():
                    copy = shutil.copytree if entry.is_dir() else shutil.copy2
                    copy(entry, template / into / entry.name)
        for venv in made:
            shutil.rmtree(venv)
        return template


def install_shim(libdir: Path, real: Path, template: Path) -> None:
    """Give the module Python at ``libdir`` (its ``lib/pythonX.Y``) the copying ensurepip."""
    shim = libdir / "ensurepip"
    shim.mkdir()
    (shim / "__init__.py").write_text(
        SHIM.format(real=str(real), template=str(template)), encoding="utf-8"
    )
    (shim / "__main__.py").write_text(_MAIN, encoding="utf-8")
