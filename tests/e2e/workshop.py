"""Helpers shared by the workshop browser tests: more browsers, a ready project, screenshots.

Set ``E2E_SHOTS=/tmp/e2e-shots`` to save screenshots of key states while the tests run;
they are for people to look at, never asserted on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import Browser, Locator, Page, expect

from accounts.models import User
from blueprint.interchange.json import project_import
from blueprint.models import Project
from tests.blueprint.blueprints import ready_document
from tests.e2e.conftest import TIMEOUT_MS, login, quiet_close
from tests.factories import PASSWORD, UserFactory

# The role holders of ready_document(), as (email, display name).
FACILITATOR = ("alice@example.com", "Alice Moreau")
BUSINESS_LEADER = ("bianca@example.com", "Bianca Rossi")
PROCESS_OWNER = ("pedro@example.com", "Pedro Alves")
SYSTEMS_OWNER = ("sven@example.com", "Sven Berg")
SIGNERS = (BUSINESS_LEADER, PROCESS_OWNER, SYSTEMS_OWNER)

# Every page of a project, by URL name, for the tests that visit them all.
PROJECT_PAGES = (
    "project_detail",
    "project_edit",
    "scenarios",
    "data_model",
    "mappings",
    "mappings_import",
    "governance",
    "requirements",
    "delivery",
    "readiness",
    "signoff",
    "versions",
    "activity",
    "diff",
)


def ready_project() -> Project:
    """The complete lead-to-cash blueprint, with an account for each of its members."""
    users = [UserFactory(email=email, display_name=name) for email, name in (FACILITATOR, *SIGNERS)]
    return project_import(doc=ready_document(), user=users[0], with_members=True).project


@contextmanager
def second_browser(browser: Browser) -> Iterator[Page]:
    """A page in a separate browser context: another person, with their own session."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        quiet_close(context)


def sign_in_and_open(page: Page, live_server, user: User | str, path: str) -> None:
    """Sign in, open a project page and plant a marker that only a full page load removes."""
    email = user if isinstance(user, str) else user.email
    login(page, live_server, email, PASSWORD)
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("#project-nav")).to_be_visible()
    page.evaluate("window.__marker = 1")


def pdf_download_link(page: Page, live_server, project: Project) -> tuple[Locator, Locator]:
    """The facilitator on the project's overview: its "Download PDF" link, by its name and
    (while its words say how the render is going) by what it is."""
    sign_in_and_open(
        page, live_server, FACILITATOR[0], reverse("blueprint:project_detail", args=[project.pk])
    )
    link = page.locator("main").get_by_role("link", name="Download PDF")
    busy = page.locator("main a.btn[data-busy-download][href$='export.pdf']")
    return link, busy


def assert_pdf_downloaded(download, link: Locator) -> None:
    """What a "Download PDF" click ends with: a PDF file, and the link at rest again."""
    assert download.value.suggested_filename.endswith(".pdf")
    expect(link).to_have_text("Download PDF")
    expect(link).not_to_have_attribute("aria-busy", "true")


def assert_no_reload(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def action(scope: Page | Locator, name: str) -> Locator:
    """An inline action ("Edit …", "Delete …"), whether it is drawn as a link or a button."""
    exact = re.compile(rf"^{re.escape(name)}$")
    return scope.get_by_role("link", name=exact).or_(scope.get_by_role("button", name=exact))


def nav_badge(page: Page, artifact_link: str) -> Locator:
    """The readiness badge next to one artifact in the project's left navigation."""
    nav = page.get_by_role("navigation", name="Project sections")
    return nav.get_by_role("link", name=re.compile(re.escape(artifact_link))).locator(".nav-badge")


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot when E2E_SHOTS names a folder; otherwise do nothing."""
    folder = os.environ.get("E2E_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    # Let the debounced badge refresh and the presence list settle first.
    page.wait_for_timeout(800)
    page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
