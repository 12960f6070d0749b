"""The offline wheelhouse: tiny stand-in wheels with the lesson's package names and versions.

``pip install spacy`` in CI must not download gigabytes. The run builds, with the standard
library only, one pure-Python wheel per (name, version) listed in ``standins.toml``: a zip
holding the import package (``__version__`` only) and ``NAME-VERSION.dist-info/`` with
``METADATA`` (name, version, ``Requires-Dist``), ``WHEEL`` and ``RECORD``. pip then
installs, lists, freezes and resolves them as it would the real ones
(``--no-index --find-links WHEELHOUSE``). No network.
"""

from __future__ import annotations

import base64
import hashlib
import re
import tomllib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: The stand-ins the lesson needs, shipped beside this module.
DEFAULT_STANDINS = Path(__file__).with_name("standins.toml")
#: A fixed time in every zip entry: the same wheel bytes on every run.
_EPOCH = (2024, 1, 1, 0, 0, 0)


class StandinError(ValueError):
    """A malformed stand-in list (names the file and the entry)."""


@dataclass(frozen=True)
class Standin:
    """One stand-in distribution: a name, one version, its requirements."""

    name: str
    version: str
    requires: tuple[str, ...] = ()
    import_name: str = ""

    @property
    def module(self) -> str:
        """The import name: ``import`` from the list, else the name with ``-`` -> ``_``."""
        return self.import_name or re.sub(r"[-.]+", "_", self.name).lower()

    @property
    def wheel_name(self) -> str:
        """``NAME-VERSION-py3-none-any.whl`` with the name normalised as wheels require."""
        return f"{self.dist_name}-{self.version}-py3-none-any.whl"

    @property
    def dist_name(self) -> str:
        return re.sub(r"[-_.]+", "_", self.name).lower()


def load_standins(path: str | Path = DEFAULT_STANDINS) -> list[Standin]:
    """Every (name, version) of the stand-in list at ``path``."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StandinError(f"{path}: cannot read the stand-in list: {exc}") from None
    packages = data.get("packages")
    if not isinstance(packages, dict) or not packages:
        raise StandinError(f"{path}: no [packages.NAME] entries")
    out: list[Standin] = []
    for name, entry in packages.items():
        versions = entry.get("versions") if isinstance(entry, dict) else None
        if not versions or not all(isinstance(v, str) for v in versions):
            raise StandinError(f'{path}: [packages.{name}] needs versions = ["X.Y", ...]')
        requires = entry.get("requires", [])
        if not all(isinstance(r, str) for r in requires):
            raise StandinError(f"{path}: [packages.{name}] requires must be strings")
        import_name = entry.get("import", "")
        for version in versions:
            out.append(Standin(name, version, tuple(requires), str(import_name)))
    return out


def _digest(data: bytes) -> str:
    raw = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def wheel_files(standin: Standin) -> dict[str, bytes]:
    """The files of the stand-in's wheel, RECORD last."""
    info = f"{standin.dist_name}-{standin.version}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {standin.name}",
        f"Version: {standin.version}",
        f"Summary: Stand-in for {standin.name} (lessonrun's offline wheelhouse)",
        *(f"Requires-Dist: {requirement}" for requirement in standin.requires),
    ]
    wheel = [
        "Wheel-Version: 1.0",
        "Generator: hpccourse-lessonrun",
        "Root-Is-Purelib: true",
        "Tag: py3-none-any",
    ]
    files = {
        f"{standin.module}/__init__.py": (
            f'"""Stand-in for {standin.name} {standin.version}."""\n'
            f'__version__ = "{standin.version}"\n'
        ).encode(),
        f"{info}/METADATA": ("\n".join(metadata) + "\n").encode(),
        f"{info}/WHEEL": ("\n".join(wheel) + "\n").encode(),
    }
    record = [f"{name},{_digest(data)},{len(data)}" for name, data in files.items()]
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    return files


def build_wheel(standin: Standin, folder: Path) -> Path:
    """Write the stand-in's wheel into ``folder`` (same bytes every time)."""
    target = folder / standin.wheel_name
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in wheel_files(standin).items():
            entry = zipfile.ZipInfo(name, date_time=_EPOCH)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def build_wheelhouse(folder: str | Path, standins: Iterable[Standin]) -> list[Path]:
    """A ``--find-links`` folder with one wheel per stand-in."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [build_wheel(standin, folder) for standin in standins]
