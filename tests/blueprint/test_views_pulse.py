from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from blueprint.models import Presence, Project
from tests.factories import SystemFactory

pytestmark = pytest.mark.django_db

SYSTEM = {
    "kind": "crm",
    "api_maturity": "mature",
    "api_documentation": "complete",
    "test_environment": "yes",
}


def pulse(client: Client, project: Project, **data: str) -> dict:
    response = client.post(reverse("blueprint:project_pulse", args=[project.pk]), data)
    assert response.status_code == 200
    return response.json()


def test_it_says_who_is_in_the_workshop(alice: Client, bob: Client, project: Project) -> None:
    pulse(alice, project, where="scenarios")
    people = pulse(bob, project, where="data_model")["people"]
    assert [(p["name"], p["where"], p["me"]) for p in people] == [
        ("Alice", "scenarios", False),
        ("Bob", "data_model", True),
    ]
    assert Presence.objects.filter(project=project).count() == 2


def test_people_who_left_are_not_listed(alice: Client, bob: Client, project: Project) -> None:
    pulse(alice, project)
    Presence.objects.filter(project=project).update(seen_at="2020-01-01T00:00:00Z")
    assert [p["name"] for p in pulse(bob, project)["people"]] == ["Bob"]


def test_it_lists_what_others_changed_with_the_row_to_refresh(
    alice: Client, bob: Client, project: Project
) -> None:
    system = SystemFactory(project=project, name="CRM")
    last = pulse(alice, project)["last"]
    edit = reverse("blueprint:item_update", args=[project.pk, "system", system.pk])
    bob.post(edit, {"name": "Salesforce", "revision": system.revision, **SYSTEM})
    data = pulse(alice, project, after=str(last))
    [change] = data["changes"]
    assert change["who"] == "Bob" and change["action"] == "updated"
    assert change["slug"] == "system" and change["pk"] == system.pk
    assert change["row_url"] == reverse(
        "blueprint:item_hx_row", args=[project.pk, "system", system.pk]
    )
    assert data["last"] > last
    # My own changes are not news to me.
    assert pulse(bob, project, after=str(last))["changes"] == []


def test_a_deleted_item_has_no_row_to_fetch(alice: Client, bob: Client, project: Project) -> None:
    system = SystemFactory(project=project, name="CRM")
    last = pulse(alice, project)["last"]
    bob.post(reverse("blueprint:item_delete", args=[project.pk, "system", system.pk]))
    [change] = pulse(alice, project, after=str(last))["changes"]
    assert change["action"] == "deleted" and change["row_url"] == ""


def test_the_first_beat_only_learns_where_the_log_is(
    alice: Client, bob: Client, project: Project
) -> None:
    bob.post(
        reverse("blueprint:item_create", args=[project.pk, "system"]), {"name": "CRM", **SYSTEM}
    )
    data = pulse(alice, project)
    assert data["changes"] == [] and data["last"] > 0 and data["state"] == "draft"


def test_viewers_are_present_too(vera: Client, project: Project) -> None:
    assert pulse(vera, project)["people"][0]["name"] == "Vera"


def test_every_project_page_carries_the_heartbeat(alice: Client, project: Project) -> None:
    body = alice.get(reverse("blueprint:scenarios", args=[project.pk])).content.decode()
    assert 'id="presence"' in body and f"/p/{project.pk}/pulse/" in body


def test_a_beat_soon_after_another_does_not_write(alice: Client, project: Project) -> None:
    pulse(alice, project, where="scenarios")
    first = Presence.objects.get(project=project).seen_at
    pulse(alice, project, where="scenarios")
    assert Presence.objects.get(project=project).seen_at == first
    pulse(alice, project, where="data_model")
    moved = Presence.objects.get(project=project)
    assert moved.where == "data_model" and moved.seen_at > first


def test_a_move_is_news_with_the_row_it_moved(alice: Client, bob: Client, project: Project) -> None:
    from tests.factories import JourneyStepFactory, ScenarioFactory

    journey = ScenarioFactory(project=project, title="Lead to customer")
    first = JourneyStepFactory(scenario=journey, position=1, description="Lead arrives")
    JourneyStepFactory(scenario=journey, position=2, description="Deal is won")
    last = pulse(alice, project)["last"]
    move = reverse("blueprint:item_hx_move", args=[project.pk, "step", first.pk, "down"])
    assert bob.post(move, HTTP_HX_REQUEST="true").status_code == 200
    [change] = pulse(alice, project, after=str(last))["changes"]
    assert change["action"] == "moved" and change["verb"] == "moved"
    assert change["slug"] == "step" and change["pk"] == first.pk
    assert change["row_url"] == reverse(
        "blueprint:item_hx_row", args=[project.pk, "step", first.pk]
    )
