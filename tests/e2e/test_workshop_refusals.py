"""A save refused by the server (frozen meanwhile, item deleted meanwhile) keeps the page
and what the user typed, also with DEBUG on, where django-htmx would show error pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from blueprint.membership import project_create
from blueprint.models import Project, System
from tests.e2e.workshop import assert_no_reload, sign_in_and_open
from tests.factories import SystemFactory, UserFactory

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def debug_on(settings) -> None:  # noqa: ANN001 - pytest-django's settings fixture
    settings.DEBUG = True


def _open_edit(page: Page, live_server, project: Project) -> None:
    sign_in_and_open(page, live_server, "kim@example.com", f"/p/{project.pk}/")
    page.get_by_role("link", name="Edit Salesforce").click()
    page.get_by_label("Description").fill("Words worth keeping")


def test_a_save_refused_because_the_blueprint_froze_keeps_the_input(
    page: Page, live_server, transactional_db, debug_on: None
) -> None:
    user = UserFactory(email="kim@example.com", display_name="Kim")
    project = project_create(user=user, name="Refusals")
    SystemFactory(project=project, name="Salesforce")
    _open_edit(page, live_server, project)
    Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#toasts [role=alert]")).to_contain_text("frozen")
    expect(page.get_by_label("Description")).to_have_value("Words worth keeping")
    assert_no_reload(page)


def test_a_save_of_an_item_deleted_meanwhile_keeps_the_input(
    page: Page, live_server, transactional_db, debug_on: None
) -> None:
    user = UserFactory(email="kim@example.com", display_name="Kim")
    project = project_create(user=user, name="Refusals")
    SystemFactory(project=project, name="Salesforce")
    _open_edit(page, live_server, project)
    System.objects.filter(project=project).delete()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#toasts [role=alert]")).to_contain_text("no longer exists")
    expect(page.get_by_label("Description")).to_have_value("Words worth keeping")
    assert_no_reload(page)
