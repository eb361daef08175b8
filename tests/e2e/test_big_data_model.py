"""A big data model in the browser: entity cards open as they are reached, and a link to
an attribute deep in the page (as readiness findings make) opens its entity and lands on
the row."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import Error as PlaywrightError
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


def troubles(page: Page) -> list[str]:
    """What went wrong in the page while the test ran (requests refused or failed, script
    errors), for the message of a failure."""
    seen: list[str] = []
    page.on("response", lambda r: r.status >= 400 and seen.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: seen.append(f"failed {r.url}: {r.failure}"))
    page.on("pageerror", lambda e: seen.append(f"script error: {e}"))
    page.on("console", lambda m: m.type == "error" and seen.append(f"console: {m.text}"))
    return seen


def scroll_to_the_rest(page: Page, selector: str, seen: list[str]) -> None:
    """Scroll to a list's placeholder as a person does until the rest of the list is
    there: cards above it that open meanwhile can push it out of view again (on a slow
    machine, often), and the person then scrolls on."""
    tail = page.locator(selector)
    for _ in range(40):
        if tail.count() == 0:
            return
        with contextlib.suppress(PlaywrightError):  # it was replaced while scrolling
            tail.scroll_into_view_if_needed(timeout=1_000)
        page.wait_for_timeout(250)
    state = tail.evaluate(
        "t => [t.outerHTML.slice(0, 300), JSON.stringify(t.getBoundingClientRect()),"
        " window.innerHeight, window.scrollY]"
    )
    raise AssertionError(f"{selector} never loaded: {state}; in the page: {seen}")


def test_the_rest_of_each_list_loads_when_scrolled_to_without_doubles(page: Page, live_server, big):
    project, email = big
    entities = list(Entity.objects.filter(project=project).order_by("pk"))
    for n in range(30):
        RelationshipFactory(project=project, from_entity=entities[n], to_entity=entities[n + 1])
    for n in range(20):
        ReasonCodeFactory(outcome=OutcomeFactory(project=project, entity=entities[n]))
    seen = troubles(page)
    sign_in_and_open(page, live_server, email, f"/p/{project.pk}/data-model/")
    expect(page.locator("#tail-relationships")).to_have_count(1)
    scroll_to_the_rest(page, "#tail-entities", seen)
    scroll_to_the_rest(page, "#tail-relationships", seen)
    expect(page.locator("#relationship-rows tr.item-row")).to_have_count(
        project.relationships.count()
    )
    scroll_to_the_rest(page, "#tail-outcomes", seen)
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))
    assert page.locator("article.entity-card").count() == project.entities.count()
    assert page.locator("article.outcome-card").count() == 20
    assert page.locator("[id^=reason-]").count() == 20
