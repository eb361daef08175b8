"""A big data model in the browser: entity cards open as they are reached, and a link to
an attribute deep in the page (as readiness findings make) opens its entity and lands on
the row."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from blueprint.models import Attribute, Entity, Membership, Project, Role
from tests.blueprint.blueprints import large_blueprint_create
from tests.e2e.workshop import sign_in_and_open
from tests.factories import (
    OutcomeFactory,
    ProjectFactory,
    ReasonCodeFactory,
    RelationshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def big(transactional_db) -> tuple[Project, str]:
    project = ProjectFactory(name="Big data model")
    user = UserFactory(email="lead@example.com")
    Membership.objects.create(project=project, user=user, role=Role.FACILITATOR)
    large_blueprint_create(project=project, entities=40, attributes=200, mappings=50)
    return project, user.email


def test_a_deep_link_opens_its_entity_and_lands_on_the_row(page: Page, live_server, big):
    project, email = big
    last = Entity.objects.filter(project=project).order_by("-name", "-pk").first()
    attribute = Attribute.objects.filter(entity=last).order_by("pk").first()
    sign_in_and_open(page, live_server, email, f"/p/{project.pk}/data-model/")
    expect(page.locator("article.entity-summary").first).to_be_attached()
    # Cards in view open by themselves; the last one is in the rest, not on the page yet.
    expect(page.locator(f"#entity-{last.pk}")).to_have_count(0)
    expect(page.locator("#tail-entities")).to_have_count(1)
    page.goto(f"{live_server.url}/p/{project.pk}/data-model/#attribute-{attribute.pk}")
    row = page.locator(f"#attribute-{attribute.pk}")
    expect(row).to_be_visible()
    expect(row).to_be_in_viewport()
    expect(page.locator(f"#entity-{last.pk}.entity-summary")).to_have_count(0)
    expect(page.locator("#tail-entities")).to_have_count(0)


def test_the_rest_of_each_list_loads_when_scrolled_to_without_doubles(page: Page, live_server, big):
    project, email = big
    entities = list(Entity.objects.filter(project=project).order_by("pk"))
    for n in range(30):
        RelationshipFactory(project=project, from_entity=entities[n], to_entity=entities[n + 1])
    for n in range(20):
        ReasonCodeFactory(outcome=OutcomeFactory(project=project, entity=entities[n]))
    sign_in_and_open(page, live_server, email, f"/p/{project.pk}/data-model/")
    expect(page.locator("#tail-relationships")).to_have_count(1)
    page.locator("#tail-entities").scroll_into_view_if_needed()
    expect(page.locator("#tail-entities")).to_have_count(0)
    page.locator("#tail-relationships").scroll_into_view_if_needed()
    expect(page.locator("#tail-relationships")).to_have_count(0)
    expect(page.locator("#relationship-rows tr.item-row")).to_have_count(
        project.relationships.count()
    )
    page.locator("#outcomes").scroll_into_view_if_needed()
    page.mouse.wheel(0, 100_000)
    expect(page.locator("#tail-outcomes")).to_have_count(0)
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))
    assert page.locator("article.entity-card").count() == project.entities.count()
    assert page.locator("article.outcome-card").count() == 20
    assert page.locator("[id^=reason-]").count() == 20
