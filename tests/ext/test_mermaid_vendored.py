"""Mermaid is vendored (pinned, checksummed): `make diagrams` draws with it, never a CDN."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from hpccourse.html.assets import STATIC_DIR

ROOT = Path(__file__).resolve().parents[2]
MERMAID_DIR = STATIC_DIR / "mermaid"
# <script src=...> and <link href=...>: what a page loads by itself.
LOADED = re.compile(r"<(?:script|link)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"")


def _manifest() -> dict[str, str]:
    return json.loads((MERMAID_DIR / "manifest.json").read_text(encoding="utf-8"))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_vendored_file_matches_the_manifest_checksum() -> None:
    manifest = _manifest()
    assert manifest["package"] == "mermaid"
    assert _sha256(MERMAID_DIR / manifest["file"]) == manifest["sha256"]


def test_manifest_version_is_the_makefile_pin_and_the_file_says_so() -> None:
    manifest = _manifest()
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pinned = re.search(r"^MERMAID_VERSION \?= (\S+)$", makefile, re.MULTILINE)
    assert pinned is not None
    assert manifest["version"] == pinned.group(1)
    script = (MERMAID_DIR / manifest["file"]).read_text(encoding="utf-8")
    assert f'version:"{manifest["version"]}"' in script.replace(" ", "")


def test_vendored_file_is_the_classic_build_that_loads_from_disk() -> None:
    """ES modules do not load from file://: the classic build sets a global."""
    script = (MERMAID_DIR / _manifest()["file"]).read_text(encoding="utf-8")
    assert script.rstrip().endswith(
        'globalThis["mermaid"] = globalThis.__esbuild_esm_mermaid_nm["mermaid"].default;'
    )
    assert "import(" not in script[:2000]


def test_make_diagrams_draws_with_the_vendored_file() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"--mermaid $(MERMAID_DIR)/{_manifest()['file']}" in makefile
