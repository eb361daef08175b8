"""The Content-Security-Policy holds in a real browser: every page of a full blueprint,
and the main htmx interactions (open an editor, save, a conflict, cancel, delete, the
mapping sheet's filters and paging), run without a single `securitypolicyviolation`."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from blueprint.models import Project, System
from tests.e2e.workshop import (
    FACILITATOR,
    PROJECT_PAGES,
    action,
    ready_project,
    second_browser,
    sign_in_and_open,
)

pytestmark = pytest.mark.e2e

# Every violation the page reports, kept where the test can read it. Added before any
# script of the page runs, so nothing slips past.
RECORD = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
    (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def watched(page: Page) -> Page:
    page.add_init_script(RECORD)
    page.on(
        "console",
        lambda m: m.type == "error" and page.__dict__.setdefault("_errors", []).append(m.text),
    )
    return page


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__csp || []")


@pytest.fixture
def blueprint(transactional_db) -> Project:
    return ready_project()


def test_every_page_runs_under_the_policy(page: Page, live_server, blueprint: Project) -> None:
    watched(page)
    sign_in_and_open(page, live_server, FACILITATOR[0], f"/p/{blueprint.pk}/")
    header = page.request.get(f"{live_server.url}/p/{blueprint.pk}/").headers
    assert "script-src 'self'" in header["content-security-policy"]
    for name in PROJECT_PAGES:
        response = page.goto(live_server.url + reverse(f"blueprint:{name}", args=[blueprint.pk]))
        assert response is not None and response.status == 200, name
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], name
    page.goto(f"{live_server.url}/projects/new/")
    file_picker = page.get_by_label("Blueprint JSON file", exact=True)
    expect(file_picker).to_be_hidden()  # app.js hides it until a file is the start
    page.get_by_label("A blueprint JSON file exported from this app").check()
    expect(file_picker).to_be_visible()
    assert violations(page) == []
    page.goto(f"{live_server.url}/accounts/profile/")
    assert violations(page) == []


def test_editing_saving_a_conflict_and_deleting_run_under_the_policy(
    page: Page, browser: Browser, live_server, blueprint: Project
) -> None:
    watched(page)
    sign_in_and_open(page, live_server, FACILITATOR[0], f"/p/{blueprint.pk}/")
    systems = page.locator("#systems-table")
    system = System.objects.filter(project=blueprint).order_by("pk").first()
    row = systems.locator(f"#system-{system.pk}")

    # Open an editor and cancel it (the Cancel link is declarative now).
    action(row, f"Edit {system.name}").click()
    form = systems.locator("form.item-edit-form")
    expect(form).to_be_visible()
    form.get_by_role("link", name="Cancel").click()
    expect(form).to_have_count(0)

    # Open it again, and meet someone else's save: the conflict panel.
    action(systems.locator(f"#system-{system.pk}"), f"Edit {system.name}").click()
    with second_browser(browser) as other:
        watched(other)
        sign_in_and_open(other, live_server, FACILITATOR[0], f"/p/{blueprint.pk}/")
        action(other.locator(f"#system-{system.pk}"), f"Edit {system.name}").click()
        theirs = other.locator("#systems-table form.item-edit-form")
        theirs.get_by_label("Description").fill("Changed in the other window.")
        theirs.get_by_role("button", name="Save").click()
        expect(other.locator(f"#system-{system.pk}")).to_contain_text("the other window")
        assert violations(other) == []
    form.get_by_label("Description").fill("Mine.")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_role("alert")).to_be_visible()
    form.get_by_role("button", name="Save mine").click()
    expect(systems.locator(f"#system-{system.pk}")).to_contain_text("Mine.")

    # Add an exception rule from the empty-hint area, then delete it.
    page.goto(live_server.url + reverse("blueprint:governance", args=[blueprint.pk]))
    page.get_by_role("link", name="Add guardrail").click()
    guard = page.locator("#guardrail-rows form.item-edit-form")
    expect(guard).to_be_visible()
    guard.get_by_role("link", name="Cancel").click()

    # The mapping sheet: a filter and the next page, swapped in by htmx.
    page.goto(live_server.url + reverse("blueprint:mappings", args=[blueprint.pk]))
    page.get_by_label("Search").fill("status")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Only rows with gaps").check()
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_deleting_an_item_runs_under_the_policy(
    page: Page, live_server, blueprint: Project
) -> None:
    watched(page)
    system = System.objects.create(project=blueprint, name="Spare system", kind="other")
    sign_in_and_open(page, live_server, FACILITATOR[0], f"/p/{blueprint.pk}/")
    row = page.locator(f"#system-{system.pk}")
    action(row, "Delete Spare system").click()
    page.get_by_role("button", name="Delete").last.click()
    expect(row).to_have_count(0)
    assert violations(page) == []


def test_the_admin_runs_under_the_policy(page: Page, live_server, blueprint: Project) -> None:
    from accounts.models import User

    User.objects.create_superuser(email="root@example.com", password="root-password-42")
    watched(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Email").fill("root@example.com")
    page.get_by_label("Password").fill("root-password-42")
    page.get_by_role("button", name="Log in").click()
    system = System.objects.filter(project=blueprint).first()
    for path in (
        "/admin/",
        "/admin/blueprint/system/",
        f"/admin/blueprint/system/{system.pk}/change/",
        "/admin/blueprint/guardrail/add/",
        "/admin/blueprint/activityentry/",
    ):
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
