"""The offline wheelhouse: tiny stand-in wheels with the lesson's package names and versions.

``pip install spacy`` in CI must not download gigabytes. The run builds, with the standard
library only, one pure-Python wheel per (name, version) listed in the course's stand-in list
(a TOML file of the course, named by ``lessonrun_standins``): a zip holding the import
package (``__version__`` only) and ``NAME-VERSION.dist-info/`` with ``METADATA`` (name,
version, ``Requires-Dist``), ``WHEEL`` and ``RECORD``. pip then installs, lists, freezes and
resolves them as it would the real ones (``--no-index --find-links WHEELHOUSE``). No
network. A course without a list gets an empty wheelhouse: its exercises' ``pip install``
find nothing, and the run says why.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tomllib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..table.lines import index_lines

#: A fixed time in every zip entry: the same wheel bytes on every run.
_EPOCH = (2024, 1, 1, 0, 0, 0)


class StandinError(ValueError):
    """A malformed or unreadable stand-in list, at ``source:line``."""

    def __init__(self, message: str, source: str, line: int | None = None) -> None:
        super().__init__(message, source, line)
        self.message = message
        self.source = source
        self.line = line

    @property
    def location(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


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


def load_standins(path: str | os.PathLike[str]) -> list[Standin]:
    """Every (name, version) of the stand-in list at ``path``; :class:`StandinError` at
    the list's line when it cannot be read or is malformed."""
    source = os.path.abspath(os.fspath(path))
    try:
        text = Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise StandinError(f"cannot read the stand-in list: {reason}", source) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        line = getattr(exc, "lineno", None) or (int(match[1]) if match else None)
        raise StandinError(f"malformed TOML: {exc}", source, line) from None
    lines = index_lines(text)
    packages = data.get("packages")
    if not isinstance(packages, dict) or not packages:
        raise StandinError("no [packages.NAME] entries", source)
    out: list[Standin] = []
    for name, entry in packages.items():
        line = lines.get(("packages", name))
        versions = entry.get("versions") if isinstance(entry, dict) else None
        if not versions or not isinstance(versions, list):
            raise StandinError(f'[packages.{name}] needs versions = ["X.Y", ...]', source, line)
        if not all(isinstance(v, str) for v in versions):
            raise StandinError(f"[packages.{name}] versions must be strings", source, line)
        requires = entry.get("requires", [])
        if not isinstance(requires, list) or not all(isinstance(r, str) for r in requires):
            raise StandinError(f"[packages.{name}] requires must be strings", source, line)
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
