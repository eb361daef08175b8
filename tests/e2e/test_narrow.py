"""A phone or a narrow window: the project menu folds into one button, no page scrolls
sideways at 390 px (wide tables scroll inside themselves), every action stays reachable."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from blueprint.models import Project
from tests.e2e.conftest import TIMEOUT_MS, login, quiet_close
from tests.e2e.workshop import FACILITATOR, PROJECT_PAGES, ready_project
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


# Elements that reach past the right edge, for the message when a page scrolls sideways.
WIDER_THAN_THE_SCREEN = """
[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 6)
  .map(e => e.tagName + '.' + e.className + '#' + e.id)
"""


@pytest.fixture
def blueprint(transactional_db) -> Project:
    return ready_project()


def test_at_390_px_the_menu_folds_and_nothing_scrolls_sideways(
    browser: Browser, live_server, blueprint: Project
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        login(page, live_server, FACILITATOR[0], PASSWORD)
        for name in PROJECT_PAGES:
            page.goto(live_server.url + reverse(f"blueprint:{name}", args=[blueprint.pk]))
            page.wait_for_load_state("networkidle")
            nav = page.get_by_role("navigation", name="Project sections")
            expect(nav).to_be_hidden()
            wide = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            culprits = page.evaluate(WIDER_THAN_THE_SCREEN)
            assert wide <= 1, f"{name} scrolls sideways by {wide} px: {culprits}"
            expect(page.get_by_role("button", name="Sign out")).to_be_in_viewport()
        page.locator("summary.project-menu-toggle").click()
        expect(page.get_by_role("navigation", name="Project sections")).to_be_visible()
        nav = page.get_by_role("navigation", name="Project sections")
        nav.get_by_role("link", name="Field mapping sheet", exact=True).click()
        expect(page.get_by_role("link", name="Add mapping")).to_be_in_viewport()
    finally:
        quiet_close(context)


def test_at_1440_px_the_menu_stays_beside_the_page(page, live_server, blueprint: Project) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    login(page, live_server, FACILITATOR[0], PASSWORD)
    page.goto(live_server.url + reverse("blueprint:scenarios", args=[blueprint.pk]))
    expect(page.get_by_role("navigation", name="Project sections")).to_be_visible()
    expect(page.locator("summary.project-menu-toggle")).to_be_hidden()
