"""A facilitator edits the project's systems in a real browser, without page reloads."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from blueprint.models import Project, Role, System
from tests.e2e.conftest import login
from tests.factories import PASSWORD, MembershipFactory, ProjectFactory, SystemFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def facilitator(transactional_db) -> User:
    return UserFactory(email="fiona@example.com", display_name="Fiona Facilitator")


@pytest.fixture
def workshop(facilitator: User) -> Project:
    project = ProjectFactory(name="Lead-to-cash")
    MembershipFactory(project=project, user=facilitator, role=Role.FACILITATOR)
    return project


def open_overview(page: Page, live_server, project: Project, user: User) -> None:
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}/p/{project.pk}/")
    expect(page.get_by_role("heading", name="Systems")).to_be_visible()
    # Survives only as long as the document does: a full page load would drop it.
    page.evaluate("window.__marker = 1")


def assert_no_reload(page: Page) -> None:
    assert page.evaluate("window.__marker") == 1, "the page was reloaded"


def test_facilitator_adds_edits_and_deletes_a_system(
    page: Page, live_server, workshop, facilitator
):
    open_overview(page, live_server, workshop, facilitator)
    systems = page.locator("#systems-table")

    # Add through the inline form row.
    page.get_by_role("button", name="Add system").or_(
        page.get_by_role("link", name="Add system")
    ).click()
    form = systems.locator("form.item-edit-form")
    expect(form).to_be_visible()
    form.get_by_label("Name").fill("Zendesk")
    form.get_by_label("Kind").select_option(label="Support platform")
    form.get_by_label("Description").fill("Tickets and customer conversations.")
    form.get_by_label("API maturity").select_option(label="Mature")
    form.get_by_label("API documentation").select_option(label="Partial")
    form.get_by_label("Test environment available").select_option(label="No")
    form.get_by_role("button", name="Save").click()

    row = systems.get_by_role("row").filter(has_text="Zendesk")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Support platform")
    expect(row).to_contain_text("Partial")
    expect(systems.locator("form.item-edit-form")).to_have_count(0)
    assert_no_reload(page)
    system = System.objects.get(project=workshop, name="Zendesk")
    assert system.api_documentation == System.Documentation.PARTIAL

    # Edit it in place.
    page.get_by_role("link", name="Edit Zendesk").or_(
        page.get_by_role("button", name="Edit Zendesk")
    ).click()
    form = systems.locator("form.item-edit-form")
    expect(form.get_by_label("Name")).to_have_value("Zendesk")
    form.get_by_label("Name").fill("Zendesk Suite")
    form.get_by_label("Description").fill("Tickets, chat and the help centre.")
    form.get_by_role("button", name="Save").click()

    row = systems.get_by_role("row").filter(has_text="Zendesk Suite")
    expect(row).to_contain_text("Tickets, chat and the help centre.")
    expect(systems.locator("form.item-edit-form")).to_have_count(0)
    assert_no_reload(page)
    system.refresh_from_db()
    assert system.name == "Zendesk Suite"

    # Delete asks for confirmation first.
    page.get_by_role("link", name="Delete Zendesk Suite").or_(
        page.get_by_role("button", name="Delete Zendesk Suite")
    ).click()
    confirmation = systems.locator(".item-delete")
    expect(confirmation).to_contain_text(re.compile(r"Delete system .Zendesk Suite.\?", re.I))
    confirmation.get_by_role("button", name="Delete", exact=True).click()

    expect(confirmation).to_have_count(0)
    expect(systems.get_by_role("row").filter(has_text="Zendesk")).to_have_count(0)
    assert_no_reload(page)
    assert not System.objects.filter(project=workshop).exists()


def test_duplicate_system_name_is_shown_at_the_name_field(
    page: Page, live_server, workshop, facilitator
):
    SystemFactory(project=workshop, name="Salesforce CRM")
    open_overview(page, live_server, workshop, facilitator)
    systems = page.locator("#systems-table")

    page.get_by_role("button", name="Add system").or_(
        page.get_by_role("link", name="Add system")
    ).click()
    form = systems.locator("form.item-edit-form")
    form.get_by_label("Name").fill("salesforce crm")
    form.get_by_role("button", name="Save").click()

    name = form.get_by_label("Name")
    expect(name).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(form).to_contain_text("This project already has a system called “salesforce crm”.")
    expect(name).to_have_value("salesforce crm")
    assert_no_reload(page)
    assert System.objects.filter(project=workshop).count() == 1
