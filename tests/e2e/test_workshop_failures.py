"""A save that fails is shown to the person, and what they typed is still there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from blueprint.models import Project, Role, System
from tests.e2e.workshop import action, assert_no_reload, shot, sign_in_and_open
from tests.factories import MembershipFactory, ProjectFactory, SystemFactory, UserFactory

pytestmark = pytest.mark.e2e

SAVE_URL = re.compile(r"/items/system/\d+/edit/$")
TYPED = "Tickets, chat and the help centre."


@pytest.fixture
def workshop(transactional_db) -> Project:
    project = ProjectFactory(name="Lead-to-cash")
    MembershipFactory(
        project=project,
        user=UserFactory(email="fiona@example.com", display_name="Fiona Facilitator"),
        role=Role.FACILITATOR,
    )
    SystemFactory(project=project, name="Support desk", description="Tickets.")
    return project


def fail_saves(how: str):
    """A route handler that breaks POSTs (the save) and lets GETs through."""

    def handle(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
        elif how == "500":
            route.fulfill(status=500, content_type="text/html", body="<h1>Server error</h1>")
        else:
            route.abort("connectionrefused")

    return handle


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("500", "The server could not save this (error 500). Your input is kept; try again."),
        ("abort", "Cannot reach the server. Your input is kept"),
    ],
)
def test_a_failed_save_shows_an_alert_keeps_the_input_and_can_be_retried(
    page: Page, live_server, workshop: Project, how: str, message: str
):
    sign_in_and_open(page, live_server, "fiona@example.com", f"/p/{workshop.pk}/")
    action(page, "Edit Support desk").click()
    form = page.locator("#systems-table form.item-edit-form")
    form.get_by_label("Description").fill(TYPED)

    handler = fail_saves(how)
    page.route(SAVE_URL, handler)
    form.get_by_role("button", name="Save").click()

    toast = page.locator("#toasts").get_by_role("alert")
    expect(toast).to_contain_text(message)
    expect(form.get_by_label("Description")).to_have_value(TYPED)
    expect(form.get_by_role("button", name="Save")).to_be_enabled()
    shot(page, f"04-failed-save-{how}")
    assert System.objects.get(project=workshop).description == "Tickets."

    # The connection is back: the same form saves.
    page.unroute(SAVE_URL, handler)
    form.get_by_role("button", name="Save").click()
    row = page.locator("#systems-table").get_by_role("row").filter(has_text="Support desk")
    expect(row).to_contain_text(TYPED)
    expect(page.locator("#systems-table form.item-edit-form")).to_have_count(0)
    assert_no_reload(page)
    assert System.objects.get(project=workshop).description == TYPED
