"""Without a chromium the browser tests skip, saying how to install it; in CI they fail."""

from __future__ import annotations

import browserkit
import pytest


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(browserkit.shutil, "which", lambda name: None)
    monkeypatch.setattr(browserkit.os, "access", lambda path, mode: False)


def test_no_chromium_is_found_when_none_is_installed(no_chromium: None) -> None:
    assert browserkit.find_chromium() is None


def test_chromium_named_by_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMIUM", "/bin/sh")  # any executable
    assert browserkit.find_chromium() == "/bin/sh"


def test_missing_browser_skips_outside_ci_with_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        browserkit.no_browser("no chromium found")


def test_missing_browser_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI=true.*apt-get install chromium"):
        browserkit.no_browser("no chromium found")


def test_only_loopback_and_local_schemes_count_as_local() -> None:
    assert browserkit.is_local("http://127.0.0.1:8000/isolated.html")
    assert browserkit.is_local("file:///tmp/site/isolated.html")
    assert browserkit.is_local("data:image/png;base64,AAAA")
    assert not browserkit.is_local("https://cdn.jsdelivr.net/npm/mermaid")
    assert not browserkit.is_local("http://localhost.example.org/")
