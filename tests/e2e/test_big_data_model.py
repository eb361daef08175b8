"""A big data model in the browser: entity cards open as they are reached, and a link to
an attribute deep in the page (as readiness findings make) opens its entity and lands on
the row."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from blueprint.models import Attribute, Entity, Membership, Project, Role
from tests.blueprint.blueprints import large_blueprint_create
from tests.e2e.workshop import sign_in_and_open
from tests.factories import ProjectFactory, UserFactory

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
    # Cards in view open by themselves; the last one is still a summary.
    expect(page.locator(f"#entity-{last.pk}.entity-summary")).to_have_count(1)
    page.goto(f"{live_server.url}/p/{project.pk}/data-model/#attribute-{attribute.pk}")
    row = page.locator(f"#attribute-{attribute.pk}")
    expect(row).to_be_visible()
    expect(row).to_be_in_viewport()
    expect(page.locator(f"#entity-{last.pk}.entity-summary")).to_have_count(0)
