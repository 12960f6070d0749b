"""Guarded browser contexts for the browser tests: what a page must not do is recorded."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Route

LOCAL_SCHEMES = {"file", "data", "blob", "about"}
LOCAL_HOSTS = {"127.0.0.1"}


@dataclass
class Guard:
    """What a page did that it must not: leave 127.0.0.1, or log an error."""

    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    errors_allowed: bool = False  # a test that plants a fault expects console errors

    def problems(self) -> list[str]:
        errors = [] if self.errors_allowed else self.errors
        return [f"request left 127.0.0.1: {url}" for url in self.outside] + [
            f"console error: {text}" for text in errors
        ]


def is_local(url: str) -> bool:
    """Whether loading ``url`` stays on this machine."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


def guard_context(context: BrowserContext, guard: Guard) -> None:
    """Block and record requests that leave 127.0.0.1; record console errors."""

    def route(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            guard.outside.append(route.request.url)
            route.abort()

    def on_page(page: Page) -> None:
        page.on("console", lambda msg: msg.type == "error" and guard.errors.append(msg.text))
        page.on("pageerror", lambda exc: guard.errors.append(str(exc)))

    context.route("**/*", route)
    context.on("page", on_page)


@dataclass
class Browsing:
    """The test's browser contexts (clipboard allowed), all under one guard."""

    browser: Browser
    guard: Guard = field(default_factory=Guard)
    contexts: list[BrowserContext] = field(default_factory=list)

    def new_context(self, **options: object) -> BrowserContext:
        """A fresh context, like a newly opened browser (``storage_state`` restores one)."""
        context = self.browser.new_context(
            permissions=["clipboard-read", "clipboard-write"],
            **options,  # type: ignore[arg-type]
        )
        guard_context(context, self.guard)
        self.contexts.append(context)
        return context
