"""Live for everything: what one person adds reaches the others' open pages within
seconds, marked so they notice, without touching the form someone is typing in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from blueprint.models import Guardrail, Project
from tests.e2e.workshop import (
    BUSINESS_LEADER,
    FACILITATOR,
    action,
    assert_no_reload,
    assert_pdf_downloaded,
    pdf_download_link,
    ready_project,
    second_browser,
    sign_in_and_open,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def blueprint(transactional_db) -> Project:
    return ready_project()


def test_a_row_added_by_one_person_appears_on_the_others_page_while_they_type(
    page: Page, browser: Browser, live_server, blueprint: Project
) -> None:
    governance = reverse("blueprint:governance", args=[blueprint.pk])
    sign_in_and_open(page, live_server, FACILITATOR[0], governance)
    with second_browser(browser) as bianca:
        sign_in_and_open(bianca, live_server, BUSINESS_LEADER[0], governance)
        # Bianca is in the middle of writing an exception rule.
        action(bianca, "Add exception rule").click()
        typing = bianca.locator("#exception-rows form.item-edit-form")
        words = typing.locator("textarea[name=manual_handling]")
        words.fill("Half a sentence she is still writing")

        # Alice adds a guardrail.
        action(page, "Add guardrail").click()
        form = page.locator("#guardrail-rows form.item-edit-form")
        form.get_by_label("Kind").select_option(label="This data must not cross into some systems")
        form.get_by_label("Which data").fill("Health data")
        form.locator("input[name=forbidden_systems]").first.check()
        form.get_by_label("Rationale").fill("Privacy law.")
        form.get_by_role("button", name="Save").click()
        expect(page.locator("#guardrail-rows")).to_contain_text("Health data")
        guard = Guardrail.objects.get(project=blueprint, data_description="Health data")

        # It reaches Bianca's page within 3 seconds, marked as new, her typing untouched.
        row = bianca.locator(f"#guardrail-{guard.pk}")
        expect(row).to_be_visible(timeout=3_000)
        expect(row).to_contain_text("Health data")
        assert "just-added" in (row.get_attribute("class") or "")
        expect(words).to_have_value("Half a sentence she is still writing")
        expect(words).to_be_focused()
        assert_no_reload(bianca)


def test_forms_show_only_what_the_choice_needs_and_say_saved(
    page: Page, live_server, blueprint: Project
) -> None:
    sign_in_and_open(
        page, live_server, FACILITATOR[0], reverse("blueprint:governance", args=[blueprint.pk])
    )
    action(page, "Add guardrail").click()
    form = page.locator("#guardrail-rows form.item-edit-form")
    kind = form.get_by_label("Kind")
    kind.select_option(label="Never overwrite this attribute")
    expect(form.locator("select[name=attribute]")).to_be_visible()
    expect(form.locator("input[name=data_description]")).to_be_hidden()
    expect(form.locator("input[name=forbidden_systems]").first).to_be_hidden()
    kind.select_option(label="This data must not cross into some systems")
    expect(form.locator("select[name=attribute]")).to_be_hidden()
    expect(form.locator("input[name=data_description]")).to_be_visible()
    expect(form.locator("input[name=forbidden_systems]").first).to_be_visible()
    form.locator("input[name=data_description]").fill("Card numbers")
    form.locator("input[name=forbidden_systems]").first.check()
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#toasts").get_by_role("status")).to_contain_text("Saved.")

    page.goto(live_server.url + reverse("blueprint:requirements", args=[blueprint.pk]))
    action(page, "Add automation").click()
    automation = page.locator("#automation-rows form.item-edit-form")
    automation.locator("select[name=trigger_type]").select_option("scenario")
    expect(automation.locator("select[name=trigger_scenario]")).to_be_visible()
    expect(automation.locator("select[name=trigger_outcome]")).to_be_hidden()
    expect(automation.locator("select[name=trigger_attribute]")).to_be_hidden()


def test_an_item_deleted_while_someone_edits_it_keeps_their_text_as_a_new_item(
    page: Page, browser: Browser, live_server, blueprint: Project
) -> None:
    from blueprint.models import System

    spare = System.objects.create(project=blueprint, name="Legacy billing", kind="erp")
    overview = reverse("blueprint:project_detail", args=[blueprint.pk])
    sign_in_and_open(page, live_server, FACILITATOR[0], overview)
    action(page.locator(f"#system-{spare.pk}"), "Edit Legacy billing").click()
    form = page.locator("#systems-table form.item-edit-form")
    form.get_by_label("Description").fill("Invoices before 2020; read-only from next year.")

    with second_browser(browser) as bianca:
        sign_in_and_open(bianca, live_server, BUSINESS_LEADER[0], overview)
        action(bianca.locator(f"#system-{spare.pk}"), "Delete Legacy billing").click()
        bianca.get_by_role("button", name="Delete").last.click()
        expect(bianca.locator(f"#system-{spare.pk}")).to_have_count(0)

    note = form.locator(".item-deleted-note")
    expect(note).to_be_visible(timeout=4_000)
    expect(form.get_by_label("Description")).to_have_value(
        "Invoices before 2020; read-only from next year."
    )
    form.get_by_role("button", name="Save as a new item").click()
    expect(page.locator("#systems-table")).to_contain_text("Invoices before 2020")
    again = System.objects.get(project=blueprint, name="Legacy billing")
    assert again.pk != spare.pk
    assert again.description == "Invoices before 2020; read-only from next year."


def test_the_pdf_download_says_it_is_being_prepared_then_saves_the_file(
    page: Page, live_server, blueprint: Project
) -> None:
    link, busy = pdf_download_link(page, live_server, blueprint)
    with page.expect_download() as download:
        link.click()
        expect(busy).to_have_attribute("aria-busy", "true")
    assert_pdf_downloaded(download, link)


def test_a_step_moved_by_one_person_moves_on_the_others_page(
    page: Page, browser: Browser, live_server, blueprint: Project
) -> None:
    from blueprint.models import JourneyStep

    step = (
        JourneyStep.objects.filter(scenario__project=blueprint, position=1)
        .order_by("scenario_id")
        .first()
    )
    assert step is not None
    siblings = f"#steps-{step.scenario_id}-items > li"
    scenarios = reverse("blueprint:scenarios", args=[blueprint.pk])
    sign_in_and_open(page, live_server, FACILITATOR[0], scenarios)
    with second_browser(browser) as bianca:
        sign_in_and_open(bianca, live_server, BUSINESS_LEADER[0], scenarios)
        expect(bianca.locator(siblings).first).to_have_id(f"step-{step.pk}")
        page.get_by_role("button", name=f"Move step “{step.description}” down").click()
        expect(page.locator(siblings).nth(1)).to_have_id(f"step-{step.pk}")
        # Within the feed's 3 seconds Bianca's list has the new order too, without a reload.
        expect(bianca.locator(siblings).nth(1)).to_have_id(f"step-{step.pk}", timeout=3_000)
        assert_no_reload(bianca)
