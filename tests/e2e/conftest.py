"""Browser fixtures: one Debian chromium for the e2e package, a fresh context per test.

Each page fixture gives a new browser context (no shared cookies) at a chosen
width against pytest-django's ``live_server``. ``visit`` opens a path, saves a
full-page screenshot to test-artifacts/screenshots/ and fails if the
stylesheet did not apply or any file the page asked for failed to load.
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright

from tests.e2e.scripting import turn_scripts_off

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
FORCE_BLUE = "rgb(11, 45, 91)"


@pytest.fixture(scope="package")
def browser() -> Browser:
    """One chromium for every e2e test, closed when the e2e package is done.

    Playwright's sync API keeps an asyncio loop running in the main thread, and
    Django then refuses ORM calls there (pytest-django flushes the database
    between live-server tests). DJANGO_ALLOW_ASYNC_UNSAFE lifts that check only
    while the browser is open, and the browser is package-scoped rather than
    session-scoped so the loop stops before the other test folders run: their
    async-safety checks stay on.
    """
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"e2e tests need Debian's chromium at {CHROMIUM} "
            "(apt-get install chromium); they never download a browser"
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture(params=[PHONE, DESKTOP], ids=["375px", "1280px"])
def viewport(request) -> dict:
    """Ask for this fixture to run a test at phone and desktop widths."""
    return request.param


@dataclass
class PageLog:
    """What went wrong in the browser while a test ran."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _open_page(browser: Browser, request, page_log: PageLog, *, javascript: bool):
    # Tests that do not ask for the viewport fixture run at desktop width.
    size = (
        request.getfixturevalue("viewport")
        if "viewport" in request.fixturenames
        else DESKTOP
    )
    context = browser.new_context(viewport=size, locale="en-GB")
    page = context.new_page()
    if not javascript:
        turn_scripts_off(page)
    page.on(
        "console",
        lambda message: (
            page_log.console_errors.append(message.text)
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: page_log.console_errors.append(str(error)))
    page.on(
        "requestfailed",
        lambda failed: page_log.failed_requests.append(
            f"{failed.url} ({failed.failure})"
        ),
    )
    # A page may itself be an error page (404); every file it asks for must load.
    page.on(
        "response",
        lambda response: (
            page_log.failed_requests.append(f"{response.url} ({response.status})")
            if response.status >= 400 and not response.request.is_navigation_request()
            else None
        ),
    )
    return context, page


@pytest.fixture
def js_page(browser, request, page_log, live_server) -> Page:
    context, page = _open_page(browser, request, page_log, javascript=True)
    yield page
    context.close()


@pytest.fixture
def no_js_page(browser, request, page_log, live_server) -> Page:
    context, page = _open_page(browser, request, page_log, javascript=False)
    yield page
    context.close()


@pytest.fixture(params=[True, False], ids=["js-on", "js-off"])
def either_page(browser, request, page_log, live_server) -> Page:
    """The same test with JavaScript on and with it off."""
    context, page = _open_page(browser, request, page_log, javascript=request.param)
    yield page
    context.close()


@pytest.fixture
def visit(live_server, request, page_log):
    """Open a path in a page, screenshot it, and check the page's files loaded."""
    visits = 0

    def open_path(page: Page, path: str, *, status: int = 200) -> Response:
        nonlocal visits
        visits += 1
        response = page.goto(live_server.url + path)
        name = re.sub(r"[^\w.\[\]-]+", "_", request.node.name)
        suffix = f"-{visits}" if visits > 1 else ""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}{suffix}.png", full_page=True)
        assert response is not None and response.status == status, (
            f"{path} answered {response and response.status}, expected {status}"
        )
        assert not page_log.failed_requests, (
            "files the page asked for did not load: "
            + ", ".join(page_log.failed_requests)
        )
        # The header is force blue only when our stylesheet loaded and applied.
        expect(page.get_by_role("banner")).to_have_css("background-color", FORCE_BLUE)
        return response

    return open_path
