"""Keyboard comfort: an opened form takes the focus, Escape cancels it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from blueprint.membership import project_create
from tests.e2e.conftest import login
from tests.factories import PASSWORD, SystemFactory, UserFactory

pytestmark = [pytest.mark.e2e]


def test_the_edit_form_takes_the_focus_and_escape_cancels_it(
    page: Page, live_server, transactional_db
) -> None:
    user = UserFactory(email="kim@example.com", display_name="Kim")
    project = project_create(user=user, name="Keyboard")
    SystemFactory(project=project, name="Salesforce")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("kim@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/p/{project.pk}/")
    page.get_by_role("link", name="Edit Salesforce").click()
    name = page.get_by_label("Name")
    expect(name).to_be_focused()
    name.fill("Typed but abandoned")
    name.press("Escape")
    expect(page.locator(".item-form")).to_have_count(0)
    expect(page.locator("#systems-table")).to_contain_text("Salesforce")
    expect(page.locator("#systems-table")).not_to_contain_text("Typed but abandoned")


def test_focus_stays_on_the_row_after_save_and_escape_closes_a_delete(
    page: Page, live_server, transactional_db
) -> None:
    user = UserFactory(email="fiona.focus@example.com", display_name="Fiona")
    project = project_create(user=user, name="Focus")
    system = SystemFactory(project=project, name="Salesforce")
    login(page, live_server, user.email, PASSWORD)
    page.goto(f"{live_server.url}/p/{project.pk}/")
    row = page.locator(f"#system-{system.pk}")
    row.get_by_role("link", name="Edit Salesforce").click()
    form = page.locator("#systems-table form.item-edit-form")
    form.get_by_label("Description").fill("Kept after save.")
    form.get_by_role("button", name="Save").click()
    expect(row).to_contain_text("Kept after save.")
    expect(row.get_by_role("link", name="Edit Salesforce")).to_be_focused()

    row.get_by_role("link", name="Delete Salesforce").click()
    confirm = page.locator(f"#system-{system.pk}-delete")
    expect(confirm).to_be_visible()
    cancel = confirm.get_by_role("link", name="Cancel")
    expect(cancel).to_be_focused()
    cancel.press("Escape")
    expect(confirm).to_have_count(0, timeout=10_000)
    expect(row).to_be_visible()
    expect(row.get_by_role("link", name="Delete Salesforce")).to_be_focused()
