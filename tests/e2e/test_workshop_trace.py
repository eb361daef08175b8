"""Traceability in the browser: a scenario's trace leads to the items it names, a gap
shows when the scenario stops naming what it moves, and the people reword its test."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from blueprint.models import Attribute, Project, Scenario
from tests.e2e.workshop import FACILITATOR, ready_project, shot, sign_in_and_open

pytestmark = pytest.mark.e2e


@pytest.fixture
def project(transactional_db) -> Project:
    return ready_project()


def test_a_scenario_is_traced_and_its_test_reworded(page: Page, live_server, project: Project):
    sign_in_and_open(page, live_server, FACILITATOR[0], f"/p/{project.pk}/scenarios/")
    card = page.locator("article.scenario-card").filter(has_text="A deal is won")
    expect(card.get_by_text("Produces:")).to_be_visible()
    card.get_by_role("link", name="Trace and acceptance test").click()

    expect(page.get_by_role("heading", name="A deal is won", level=1)).to_be_visible()
    expect(page.get_by_text("No gaps in the chain.")).to_be_visible()
    attributes = page.locator("[data-link=attributes]")
    expect(attributes.get_by_role("link", name="Deal · Stage")).to_be_visible()
    shot(page, "14-trace")
    test = page.locator("pre.gherkin")
    expect(test).to_contain_text("Feature: A deal is won")

    # The people say it their way.
    page.get_by_role("link", name="Edit the wording").click()
    box = page.get_by_label("Acceptance test")
    assert box.input_value().startswith("@success")  # the generated test, to start from
    box.fill("Given a won deal\nThen an order")  # no feature: refused at the field
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("not a Gherkin feature")
    box = page.get_by_label("Acceptance test")
    box.fill(
        "Feature: A deal is won\n  Scenario: an order follows\n    Given a won deal\n"
        "    When the ERP hears of it\n    Then a sales order exists\n"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("worded by the people")).to_be_visible()
    expect(page.locator("pre.gherkin")).to_contain_text("Then a sales order exists")
    scenario = Scenario.objects.get(project=project, title="A deal is won")
    assert "Then a sales order exists" in scenario.acceptance_text

    # Following the attribute's link goes to its row on the data model.
    page.locator("[data-link=attributes]").get_by_role("link", name="Deal · Stage").click()
    stage = Attribute.objects.get(project=project, name="Stage")
    expect(page).to_have_url(f"{live_server.url}/p/{project.pk}/data-model/#attribute-{stage.pk}")


def test_the_suggestions_are_ticked_on_request(page: Page, live_server, project: Project):
    lost = Scenario.objects.get(project=project, title="A deal is lost")
    lost.entities.clear()
    lost.attributes.clear()
    lost.outcomes.clear()
    from tests.conftest import touched

    touched(project)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in_and_open(page, live_server, FACILITATOR[0], f"/p/{project.pk}/scenarios/")
    page.get_by_role("button", name="Edit A deal is lost").or_(
        page.get_by_role("link", name="Edit A deal is lost")
    ).click()
    form = page.locator("form.item-edit-form")
    entities = form.locator("#div_id_entities")
    expect(entities).to_contain_text("Suggested from its words and systems: Deal")
    deal = entities.get_by_label("Deal")
    expect(deal).not_to_be_checked()  # nothing is chosen for the people
    entities.get_by_role("button", name="Tick the suggestions").click()
    expect(deal).to_be_checked()
    form.get_by_role("button", name="Save").click()
    expect(page.locator("form.item-edit-form")).to_have_count(0)
    assert [e.name for e in lost.entities.all()] == ["Deal"]
    assert errors == []  # no script broke on the form (a field called "attributes" did)
