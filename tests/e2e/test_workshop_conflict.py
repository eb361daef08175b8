"""Two people edit the same system at once; the second sees both versions and chooses."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from blueprint.models import Project, Role, System
from tests.e2e.workshop import (
    FACILITATOR,
    PROCESS_OWNER,
    action,
    assert_no_reload,
    ready_project,
    second_browser,
    shot,
    sign_in_and_open,
)
from tests.factories import MembershipFactory, ProjectFactory, SystemFactory, UserFactory

pytestmark = pytest.mark.e2e

CONFLICT = "Someone else saved this item after you opened it."


@pytest.fixture
def workshop(transactional_db) -> Project:
    project = ProjectFactory(name="Lead-to-cash")
    MembershipFactory(
        project=project,
        user=UserFactory(email="fiona@example.com", display_name="Fiona Facilitator"),
        role=Role.FACILITATOR,
    )
    MembershipFactory(
        project=project,
        user=UserFactory(email="carl@example.com", display_name="Carl Contributor"),
        role=Role.CONTRIBUTOR,
    )
    SystemFactory(project=project, name="Sales CRM", description="Where sales works.")
    return project


def open_system_form(page: Page, live_server, email: str, project: Project) -> None:
    sign_in_and_open(page, live_server, email, f"/p/{project.pk}/")
    action(page, "Edit Sales CRM").click()
    expect(page.locator("#systems-table form.item-edit-form")).to_be_visible()


def test_the_second_save_shows_both_versions_and_save_mine_wins(
    page: Page, browser: Browser, live_server, workshop: Project
):
    system = System.objects.get(project=workshop)
    with second_browser(browser) as carl:
        open_system_form(page, live_server, "fiona@example.com", workshop)
        open_system_form(carl, live_server, "carl@example.com", workshop)

        # Fiona saves first.
        fiona_form = page.locator("#systems-table form.item-edit-form")
        fiona_form.get_by_label("Description").fill("Leads and deals; the pipeline lives here.")
        fiona_form.get_by_role("button", name="Save").click()
        expect(page.locator("#systems-table")).to_contain_text("the pipeline lives here")
        system.refresh_from_db()
        assert system.description == "Leads and deals; the pipeline lives here."

        # Carl, whose form still shows the old text, saves over it.
        carl_form = carl.locator("#systems-table form.item-edit-form")
        carl_form.get_by_label("Description").fill("Accounts, contacts and the sales pipeline.")
        carl_form.get_by_role("button", name="Save").click()

        panel = carl_form.get_by_role("alert")
        expect(panel).to_contain_text(CONFLICT)
        row = panel.get_by_role("row").filter(has_text="description")
        expect(row).to_contain_text("Leads and deals; the pipeline lives here.")
        expect(row).to_contain_text("Accounts, contacts and the sales pipeline.")
        expect(carl_form.get_by_label("Description")).to_have_value(
            "Accounts, contacts and the sales pipeline."
        )
        expect(carl_form.get_by_role("link", name="Keep theirs")).to_be_visible()
        shot(carl, "03-conflict-panel")
        # Nothing was overwritten silently.
        system.refresh_from_db()
        assert system.description == "Leads and deals; the pipeline lives here."

        carl_form.get_by_role("button", name="Save mine").click()

        systems = carl.locator("#systems-table")
        expect(systems.locator("form.item-edit-form")).to_have_count(0)
        expect(systems.get_by_role("row").filter(has_text="Sales CRM")).to_contain_text(
            "Accounts, contacts and the sales pipeline."
        )
        assert_no_reload(carl)
        system.refresh_from_db()
        assert system.description == "Accounts, contacts and the sales pipeline."


def test_a_scenario_conflict_compares_the_answers_question_by_question(
    page: Page, browser: Browser, live_server, transactional_db
):
    project = ready_project()
    question = "Where is the record created first?"
    with second_browser(browser) as pedro:
        for person, email in ((page, FACILITATOR[0]), (pedro, PROCESS_OWNER[0])):
            sign_in_and_open(person, live_server, email, f"/p/{project.pk}/scenarios/")
            action(person, "Edit A web lead").click()

        page.locator("form.item-edit-form").get_by_label(question).fill("In the web form.")
        page.locator("form.item-edit-form").get_by_role("button", name="Save").click()
        expect(page.locator("form.item-edit-form")).to_have_count(0)

        form = pedro.locator("form.item-edit-form")
        form.get_by_label(question).fill("In the CRM, by a sales rep.")
        form.get_by_role("button", name="Save").click()

        panel = form.get_by_role("alert")
        expect(panel).to_contain_text(CONFLICT)
        row = panel.get_by_role("row").filter(has_text=question)
        expect(row).to_contain_text("In the web form.", timeout=2_000)
        expect(row).to_contain_text("In the CRM, by a sales rep.", timeout=2_000)
        # Unchanged fields and raw stored values stay out of the comparison.
        expect(panel).not_to_contain_text("{'", timeout=2_000)
        expect(panel.get_by_role("row").filter(has_text="category")).to_have_count(0)
