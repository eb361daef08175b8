"""Real-browser tests: Playwright's sync API driving the system Chromium.

The tests run against pytest-django's ``live_server``; mark them ``@pytest.mark.e2e``
(``make e2e`` runs only those). The browser is the system's Chromium, or the one
``playwright install chromium`` put in Playwright's cache (``make test`` tries to provide
one of them); only where there is neither are the tests skipped, and the run says so in
one line at its end.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in the test thread; Django would otherwise
# refuse ORM calls made from the test body ("You cannot call this from an async context").
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SYSTEM_CHROMIUMS = (Path("/usr/bin/chromium"), Path("/usr/bin/chromium-browser"))
NO_BROWSER = (
    "No Chromium here: the browser tests were skipped. Install one with "
    "`apt-get install chromium` or `.venv/bin/playwright install chromium`."
)
# Set when the browser fixture found none, for the summary line at the end of the run.
missing_browser: list[str] = []
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
# What the tests wait for is there or not (a figure of speed says its own timeout, as
# "within 3 s" does): the wait is generous, since CI may share the machine's two cores.
expect.set_options(timeout=TIMEOUT_MS)


def chromium_path(playwright: object) -> Path | None:
    """The browser to drive: $BLUEPRINT_CHROMIUM, the system's, or Playwright's own."""
    wanted = os.environ.get("BLUEPRINT_CHROMIUM")
    candidates = [Path(wanted)] if wanted else []
    candidates += SYSTEM_CHROMIUMS
    with contextlib.suppress(Exception):  # Playwright has no browser of its own
        candidates.append(Path(playwright.chromium.executable_path))  # type: ignore[attr-defined]
    return next((c for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if missing_browser:
        terminalreporter.write_line(missing_browser[0], yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = chromium_path(playwright)
        if chromium is None:
            missing_browser.append(NO_BROWSER)
            pytest.skip(NO_BROWSER)
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, transactional_db) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        quiet_close(context)


def quiet_close(context) -> None:
    """Close a browser context once the live server has answered its last request.

    A heartbeat or an htmx request still being served while the test database is flushed
    can deadlock PostgreSQL (TRUNCATE waits for the request's row lock, and the other way
    round): leave every page first, then give the server a moment to finish.
    """
    for open_page in context.pages:
        with contextlib.suppress(Exception):  # a page that is already gone
            open_page.goto("about:blank")
    time.sleep(0.5)
    context.close()


def login(page, live_server, email: str, password: str) -> None:
    """Sign in through the login form and wait until the app has redirected away."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
