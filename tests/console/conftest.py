"""Fixtures of the console tests: Debian's Chromium driven by Playwright (never a downloaded
browser), launched once per test session and xdist worker with a fresh temporary profile, a
fresh browser context (its own cookies) per reader, and a real server per test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.console.server import ConsoleServer, console_server

CHROMIUM = os.environ.get("BCM_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

OpenPage = Callable[..., Page]
# The console errors of each open page (see ``open_page``).
console_errors: dict[Page, list[str]] = {}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Playwright gives each launch a fresh temporary user-data dir)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ConsoleServer]:
    """A fresh server of one's own."""
    with console_server(tmp_path) as live:
        yield live


@pytest.fixture
def open_page(browser: Browser, server: ConsoleServer) -> Iterator[OpenPage]:
    """``open_page(login=None, locale="en-US")``: a tab in a context of its own, signed in
    through the sign-in form when ``login`` is given."""
    contexts = []

    def make(login: str | None = None, *, locale: str = "en-US") -> Page:
        context = browser.new_context(
            base_url=server.url,
            viewport={"width": 1280, "height": 800},
            locale=locale,
            timezone_id="Asia/Tokyo",
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        # Script errors and CSP violations show up as console errors: a test may assert none.
        errors: list[str] = []
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.on("pageerror", lambda error: errors.append(str(error)))
        console_errors[page] = errors
        if login is not None:
            sign_in(page, login, server.passwords[login])
        return page

    try:
        yield make
    finally:
        for context in contexts:
            for page in context.pages:
                console_errors.pop(page, None)
            context.close()


def sign_in(page: Page, login: str, password: str) -> None:
    """Sign in through the form and land on the bodies page."""
    page.goto("/sign-in")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/bodies")


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot of a main view under test-artifacts/console/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
