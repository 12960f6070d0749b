"""chromium is found as the policy says ($CHROMIUM, else on PATH); pages stay on this host.

What happens without one (skipped outside CI, failed under CI=true) is tested for
every tool in tests/site/test_systools.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import browserkit
import pytest
import systools


def test_no_chromium_is_found_when_none_is_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not systools.TOOLS["chromium"].probe().found


def test_chromium_named_by_the_environment_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\necho 'Chromium 1.2.3 built on here'\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(fake))
    monkeypatch.setenv("PATH", os.defpath)
    probe = systools.TOOLS["chromium"].probe()
    assert (probe.path, probe.version) == (str(fake), "1.2.3")


def test_only_loopback_and_local_schemes_count_as_local() -> None:
    assert browserkit.is_local("http://127.0.0.1:8000/page.html")
    assert browserkit.is_local("file:///tmp/site/page.html")
    assert browserkit.is_local("data:image/png;base64,AAAA")
    assert not browserkit.is_local("https://cdn.jsdelivr.net/npm/mermaid")
    assert not browserkit.is_local("http://localhost.example.org/")
