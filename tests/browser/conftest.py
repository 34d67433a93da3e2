"""Real-browser harness: Playwright's sync API driving Debian's Chromium against live_server.

No pytest-playwright and no `playwright install`: desk machines are offline, so the
browser is the system's /usr/bin/chromium.
"""

import re
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.factories import PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Headless in a container without a GPU or network: no sandbox, no background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Remember whether the test body failed, so `page` can keep a screenshot of it.
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="package")
def browser(django_db_setup, django_db_blocker) -> Browser:
    # Package scope, not session: while Playwright runs, the test thread has a running
    # event loop, and Django then hands out a second set of database connections;
    # stopping Playwright after tests/browser keeps later tests out of that state.
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        # Django refuses ORM calls in a thread with a running event loop
        # (SynchronousOnlyOperation); the test's ORM calls are plain synchronous ones
        # and no coroutine shares their connection.
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        with django_db_blocker.unblock():
            # Nothing reaches the loop's connections once it stops; an open one would
            # keep the test database from being dropped.
            connections.close_all()


@pytest.fixture
def page(request, browser, live_server) -> Page:
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768}
    )
    page = context.new_page()
    yield page
    if request.node.stash.get(CALL_FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{re.sub(r'[^\w.-]', '_', request.node.name)}.png")
    context.close()


@pytest.fixture
def console_errors(page) -> list[str]:
    """Console errors (CSP violations among them) and uncaught exceptions of the page."""
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error":
            errors.append(f"{msg.text} {msg.location.get('url', '')}".strip())

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def log_in(page, live_server):
    """Log a user in through the real login form and land on the desk."""

    def log_in(user) -> None:
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(user.username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{live_server.url}/")

    return log_in
