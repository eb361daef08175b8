"""Many scenarios in the browser: cards open as they are reached, and a link to a journey
step deep in the page (as readiness findings make) opens its scenario and lands on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from blueprint.models import Category, Membership, Project, Role
from tests.e2e.workshop import sign_in_and_open
from tests.factories import JourneyStepFactory, ProjectFactory, ScenarioFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def many(transactional_db) -> tuple[Project, str]:
    project = ProjectFactory(name="Many scenarios")
    user = UserFactory(email="lead@example.com")
    Membership.objects.create(project=project, user=user, role=Role.FACILITATOR)
    for n in range(60):
        scenario = ScenarioFactory(project=project, category=Category.JOURNEY, title=f"J{n:02}")
        for position in (1, 2):
            JourneyStepFactory(
                scenario=scenario, position=position, description=f"Step {n}.{position}"
            )
    return project, user.email


def test_a_deep_link_opens_its_scenario_and_lands_on_the_step(page: Page, live_server, many):
    project, email = many
    from blueprint.models import JourneyStep

    step = JourneyStep.objects.get(scenario__project=project, description="Step 59.2")
    sign_in_and_open(page, live_server, email, f"/p/{project.pk}/scenarios/")
    expect(page.locator("article.scenario-summary").first).to_be_attached()
    # Cards in view open by themselves; the last one is in the rest, not on the page yet.
    expect(page.locator("article.scenario-card:not(.scenario-summary)").first).to_be_visible()
    expect(page.locator(f"#scenario-{step.scenario_id}")).to_have_count(0)
    expect(page.locator("#tail-category-journey")).to_have_count(1)
    page.goto(f"{live_server.url}/p/{project.pk}/scenarios/#step-{step.pk}")
    row = page.locator(f"#step-{step.pk}")
    expect(row).to_be_visible()
    # Cards next to it load as they come into view and push it; the page keeps it in view.
    expect(row).to_be_in_viewport(timeout=10_000)
    expect(page.locator(f"#scenario-{step.scenario_id}.scenario-summary")).to_have_count(0)
