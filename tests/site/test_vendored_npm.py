"""Every file vendored from npm (tools/vendor-npm) carries the registry's integrity.

Offline, each vendored file is checked against its manifest's SHA-256, and the manifest
must record the SHA-512 integrity the npm registry publishes for the tarball, which
tools/vendor-npm checked before extracting. Re-checking that integrity against the
registry needs the network: `make verify-vendor`, whose folders are checked here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".git", ".venv", "_build", "node_modules", "__pycache__", "test-results", "build"}
FIELDS = {"package", "version", "path", "file", "sha256", "integrity"}


def vendored_dirs() -> list[Path]:
    """Folders holding a manifest.json written by tools/vendor-npm."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        if "manifest.json" in files:
            manifest = json.loads(Path(folder, "manifest.json").read_text(encoding="utf-8"))
            if isinstance(manifest, dict) and "package" in manifest:
                found.append(Path(folder))
    return found


VENDORED = vendored_dirs()


def manifest_of(folder: Path) -> dict[str, str]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_the_vendored_files_are_found() -> None:
    packages = {manifest_of(folder)["package"] for folder in VENDORED}
    assert {"mermaid", "axe-core"} <= packages


@pytest.mark.parametrize("folder", VENDORED, ids=lambda p: str(p.relative_to(ROOT)))
def test_manifest_records_the_registry_integrity(folder: Path) -> None:
    manifest = manifest_of(folder)
    assert set(manifest) == FIELDS, f"{folder}: re-vendor with tools/vendor-npm"
    algorithm, _, digest = manifest["integrity"].partition("-")
    assert algorithm == "sha512"
    assert len(base64.b64decode(digest, validate=True)) == hashlib.sha512().digest_size
    assert manifest["path"].split("/")[-1] == manifest["file"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])


@pytest.mark.parametrize("folder", VENDORED, ids=lambda p: str(p.relative_to(ROOT)))
def test_vendored_file_matches_the_manifest_sha256(folder: Path) -> None:
    manifest = manifest_of(folder)
    data = (folder / manifest["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == manifest["sha256"]
    assert (folder / "LICENSE").is_file(), f"{folder}: the package's LICENSE is not beside it"


def test_verify_vendor_checks_every_vendored_folder() -> None:
    done = subprocess.run(
        ["make", "-s", "-n", "verify-vendor"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    command = done.stdout.split()
    assert command[:2] == ["tools/vendor-npm", "--verify"]
    assert sorted(command[2:]) == sorted(str(f.relative_to(ROOT)) for f in VENDORED)
