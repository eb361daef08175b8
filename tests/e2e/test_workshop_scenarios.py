"""A facilitator writes the business scenarios in a real browser, without page reloads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from blueprint.models import Category, CategoryNotApplicable, Project, Role, Scenario, System
from tests.e2e.workshop import action, assert_no_reload, shot, sign_in_and_open
from tests.factories import MembershipFactory, ProjectFactory, SystemFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def facilitator(transactional_db) -> User:
    return UserFactory(email="fiona@example.com", display_name="Fiona Facilitator")


@pytest.fixture
def workshop(facilitator: User) -> Project:
    project = ProjectFactory(name="Lead-to-cash")
    MembershipFactory(project=project, user=facilitator, role=Role.FACILITATOR)
    SystemFactory(project=project, name="Sales CRM", kind=System.Kind.CRM)
    SystemFactory(project=project, name="Finance ERP", kind=System.Kind.ERP)
    return project


def test_facilitator_writes_scenarios_marks_a_category_and_orders_a_journey(
    page: Page, live_server, workshop: Project, facilitator: User
):
    sign_in_and_open(page, live_server, facilitator, f"/p/{workshop.pk}/scenarios/")

    # A creation story, with every question of its category answered.
    creation = page.get_by_role("region", name="Creation and flow of new records")
    creation.get_by_role("link", name="Add scenario to Creation and flow of new records").click()
    form = creation.locator("form.item-edit-form")
    form.get_by_label("Title").fill("A web lead")
    form.get_by_label("The story in plain language").fill(
        "A visitor fills in the demo form; sales calls back within a day."
    )
    form.get_by_label("Sales CRM").check()
    form.get_by_label("Where is the record created first?").fill("In the CRM, as a lead.")
    form.get_by_label("When should it appear in the other systems?").fill("When it is won.")
    form.get_by_label("Which data must travel with it?").fill("Name, email, company.")
    form.get_by_label("What triggers the movement?").fill("The stage changes to won.")
    shot(page, "01-scenario-form")
    form.get_by_role("button", name="Save").click()

    card = creation.get_by_role("article", name="A web lead")
    expect(card).to_contain_text("In the CRM, as a lead.")
    expect(card).to_contain_text("The stage changes to won.")
    expect(card).to_contain_text("Sales CRM")
    expect(card.get_by_text("not answered yet")).to_have_count(0)
    expect(creation.locator("form.item-edit-form")).to_have_count(0)
    assert_no_reload(page)
    scenario = Scenario.objects.get(project=workshop, title="A web lead")
    assert scenario.category == Category.CREATION
    assert scenario.answers == {
        "created_first": "In the CRM, as a lead.",
        "appears_when": "When it is won.",
        "data_travels": "Name, email, company.",
        "trigger": "The stage changes to won.",
    }
    assert [s.name for s in scenario.systems.all()] == ["Sales CRM"]

    # A category that does not happen in this project is marked so, with a reason.
    negative = page.get_by_role("region", name="Negative or exception events")
    negative.get_by_role("link", name="Mark not applicable").click()
    negative.get_by_label(
        "Why does “Negative or exception events” not apply to this project?"
    ).fill("Leads are never denied; lost deals are handled by the success story.")
    negative.get_by_role("button", name="Save").click()

    note = negative.get_by_role("note")
    expect(note).to_contain_text("Marked not applicable")
    expect(note).to_contain_text("Leads are never denied")
    expect(negative.get_by_role("link", name="Mark not applicable")).to_have_count(0)
    assert_no_reload(page)
    assert CategoryNotApplicable.objects.filter(
        project=workshop, category=Category.NEGATIVE, reason__startswith="Leads are never"
    ).exists()

    # A journey, told step by step; the second step turns out to come first.
    journeys = page.get_by_role("region", name="Multi-system journeys")
    journeys.get_by_role("link", name="Add scenario to Multi-system journeys").click()
    form = journeys.locator("form.item-edit-form")
    form.get_by_label("Title").fill("Lead to invoice")
    form.get_by_label("Sales CRM").check()
    form.get_by_label("Finance ERP").check()
    form.get_by_role("button", name="Save").click()
    journey = journeys.get_by_role("article", name="Lead to invoice")
    expect(journey.get_by_text("Steps, in order")).to_be_visible()

    for system, description, actor in (
        ("Finance ERP", "Finance raises the invoice.", "Automation"),
        ("Sales CRM", "Sales wins the deal.", "A person"),
    ):
        journey.get_by_role("link", name="Add step to Lead to invoice").click()
        step_form = journey.locator("form.item-edit-form")
        step_form.get_by_label("System").select_option(label=system)
        step_form.get_by_label("What happens").fill(description)
        step_form.get_by_label(actor).check()
        step_form.get_by_role("button", name="Save").click()
        expect(journey.locator("form.item-edit-form")).to_have_count(0)

    steps = journey.get_by_role("listitem")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_contain_text("Finance raises the invoice.")
    journey.get_by_role("button", name="Move step “Sales wins the deal.” up").click()
    expect(steps.nth(0)).to_contain_text("Sales wins the deal.")
    expect(steps.nth(1)).to_contain_text("Finance raises the invoice.")
    shot(page, "02-scenarios-after")
    assert_no_reload(page)

    journey_obj = Scenario.objects.get(project=workshop, title="Lead to invoice")
    ordered = list(journey_obj.steps.order_by("position").values_list("description", flat=True))
    assert ordered == ["Sales wins the deal.", "Finance raises the invoice."]
    # The journey is still editable in place after the move.
    expect(action(journey, "Edit Lead to invoice")).to_be_visible()
