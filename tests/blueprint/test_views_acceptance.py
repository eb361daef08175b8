"""The trace page of a scenario, the acceptance test plan, editing a test's wording, and
the feature files as a zip."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from blueprint.acceptance import gherkin_error
from blueprint.document import document_load
from blueprint.interchange.json import project_import
from blueprint.models import ActivityEntry, Attribute, ExceptionRule, Project, Role, Scenario
from tests.blueprint.blueprints import ready_document
from tests.conftest import client_for, touched
from tests.factories import MembershipFactory, UserFactory
from tests.html import assert_error_at, elements, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead() -> User:
    return UserFactory()


@pytest.fixture
def ready(lead: User) -> Project:
    return project_import(doc=ready_document(), user=lead, with_members=False).project


def scenario_of(project: Project, title: str) -> Scenario:
    return Scenario.objects.get(project=project, title=title)


def test_the_trace_page_shows_the_chain_findings_and_the_test(lead: User, ready: Project) -> None:
    scenario = scenario_of(ready, "A deal is won")
    url = reverse("blueprint:scenario_trace", args=[ready.pk, scenario.pk])
    response = client_for(lead).get(url)
    assert response.status_code == 200
    assert "blueprint/trace.html" in [t.name for t in response.templates]
    chain = {link["key"]: link for link in response.context["chain"]}
    assert list(chain) == [
        "systems",
        "entities",
        "attributes",
        "mappings",
        "exceptions",
        "automations",
        "reports",
    ]
    assert {i["label"] for i in chain["entities"]["items"]} == {"Customer", "Deal"}
    stage = next(i for i in chain["attributes"]["items"] if i["label"] == "Deal · Stage")
    stage_pk = Attribute.objects.get(project=ready, name="Stage").pk
    assert stage["url"] == f"/p/{ready.pk}/data-model/#attribute-{stage_pk}"
    assert all(not link["gaps"] for link in chain.values())
    body = response.content.decode()
    assert elements(body, "li", class_="trace-gap") == []
    feature = response.context["feature"]
    assert feature.text.startswith("@success") and response.context["feature_error"] is None
    assert "Feature: A deal is won" in visible_text(body)


def test_the_trace_page_highlights_gaps_and_readiness_findings(lead: User, ready: Project) -> None:
    scenario = scenario_of(ready, "A deal is lost")
    scenario.entities.clear()
    scenario.attributes.clear()
    scenario.outcomes.clear()
    touched(ready)
    url = reverse("blueprint:scenario_trace", args=[ready.pk, scenario.pk])
    response = client_for(lead).get(url)
    body = response.content.decode()
    gaps = {li["data-link"] for li in elements(body, "li", class_="trace-gap")}
    assert gaps == {"entities", "attributes", "exceptions"}
    findings = response.context["findings"]
    negative = [f for f in findings if f.check == "scenarios.negative_without_handling"]
    assert negative and negative[0].link.endswith(f"#scenario-{scenario.pk}")
    assert any(a.get("href") == negative[0].link for a in elements(body, "a"))


def test_an_unknown_scenario_is_not_found(lead: User, ready: Project) -> None:
    url = reverse("blueprint:scenario_trace", args=[ready.pk, 999999])
    assert client_for(lead).get(url).status_code == 404


def test_the_plan_lists_every_feature_and_the_zip_holds_them(lead: User, ready: Project) -> None:
    client = client_for(lead)
    response = client.get(reverse("blueprint:acceptance", args=[ready.pk]))
    doc = document_load(ready)
    rows = response.context["features"]
    assert len(rows) == len(doc.scenarios) + len(doc.exceptions)
    assert all(row["error"] is None for row in rows)
    body = response.content.decode()
    assert len(elements(body, "section", class_="acceptance-feature")) == len(rows)
    response = client.get(reverse("blueprint:acceptance_zip", args=[ready.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert len(names) == len(rows)
    assert all(gherkin_error(archive.read(n).decode()) is None for n in names)


EDITED = (
    "Feature: A deal is won\n  Scenario: the order follows\n    Given a won deal\n"
    "    Then an order\n"
)


def test_the_people_can_word_a_test_and_it_becomes_part_of_the_document(
    lead: User, ready: Project
) -> None:
    client = client_for(lead)
    scenario = scenario_of(ready, "A deal is won")
    url = reverse("blueprint:acceptance_edit", args=[ready.pk, "scenario", scenario.pk])
    form = client.get(url).context["form"]
    assert form["acceptance_text"].value().startswith("@success")  # generated, to start from
    response = client.post(url, {"acceptance_text": EDITED, "revision": scenario.revision})
    assert response.status_code == 302
    assert response["Location"] == reverse("blueprint:scenario_trace", args=[ready.pk, scenario.pk])
    scenario.refresh_from_db()
    assert scenario.acceptance_text.replace("\r\n", "\n") == EDITED.strip()
    doc = document_load(ready)
    assert doc.get("scenarios", scenario.pk).acceptance_text == scenario.acceptance_text
    assert ActivityEntry.objects.filter(project=ready, item_pk=scenario.pk).exists()


def test_wording_that_is_not_gherkin_is_refused_at_the_field(lead: User, ready: Project) -> None:
    client = client_for(lead)
    rule = ExceptionRule.objects.filter(project=ready).first()
    url = reverse("blueprint:acceptance_edit", args=[ready.pk, "exception", rule.pk])
    response = client.post(url, {"acceptance_text": "Given nothing", "revision": rule.revision})
    assert response.status_code == 422
    message = response.context["form"].errors["acceptance_text"][0]
    assert message.startswith("This is not a Gherkin feature")
    assert_error_at(response.content.decode(), "acceptance_text", message)
    rule.refresh_from_db()
    assert rule.acceptance_text == ""


def test_saving_the_generated_text_unchanged_keeps_following_the_blueprint(
    lead: User, ready: Project
) -> None:
    client = client_for(lead)
    scenario = scenario_of(ready, "A web lead")
    url = reverse("blueprint:acceptance_edit", args=[ready.pk, "scenario", scenario.pk])
    generated = client.get(url).context["form"]["acceptance_text"].value()
    client.post(url, {"acceptance_text": generated, "revision": scenario.revision})
    scenario.refresh_from_db()
    assert scenario.acceptance_text == ""


def test_a_viewer_reads_the_plan_but_cannot_word_a_test(ready: Project) -> None:
    viewer = UserFactory()
    MembershipFactory(project=ready, user=viewer, role=Role.VIEWER)
    client = client_for(viewer)
    body = client.get(reverse("blueprint:acceptance", args=[ready.pk])).content.decode()
    assert elements(body, "section", class_="acceptance-feature")
    assert not [a for a in elements(body, "a") if "/acceptance/scenario/" in (a.get("href") or "")]
    scenario = scenario_of(ready, "A web lead")
    url = reverse("blueprint:acceptance_edit", args=[ready.pk, "scenario", scenario.pk])
    assert client.post(url, {"acceptance_text": EDITED}).status_code == 403


def test_an_outsider_sees_nothing(ready: Project) -> None:
    client = Client()
    client.force_login(UserFactory())
    scenario = scenario_of(ready, "A web lead")
    for url in (
        reverse("blueprint:scenario_trace", args=[ready.pk, scenario.pk]),
        reverse("blueprint:acceptance", args=[ready.pk]),
        reverse("blueprint:acceptance_zip", args=[ready.pk]),
    ):
        assert client.get(url).status_code == 404


def test_on_the_demo_every_scenario_shows_its_whole_chain(db: None) -> None:
    import json
    from pathlib import Path

    from django.conf import settings

    from blueprint.demo import demo_load

    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo.json").read_text())
    demo_load(data=data)
    project = Project.objects.get(name="Lead-to-cash: CRM and ERP")
    user = project.memberships.get(role=Role.FACILITATOR).user
    client = client_for(user)
    for scenario in Scenario.objects.filter(project=project):
        response = client.get(reverse("blueprint:scenario_trace", args=[project.pk, scenario.pk]))
        assert response.status_code == 200
        chain = {link["key"]: link for link in response.context["chain"]}
        for key in ("systems", "entities", "attributes", "mappings"):
            assert chain[key]["items"], f"{scenario.title}: no {key}"
        assert not any(link["gaps"] for link in chain.values()), scenario.title
        assert response.context["feature_error"] is None


def test_the_scenario_form_saves_what_it_moves_and_produces(lead: User, ready: Project) -> None:
    scenario = scenario_of(ready, "A deal is lost")
    client = client_for(lead)
    url = reverse("blueprint:item_update", args=[ready.pk, "scenario", scenario.pk])
    form = client.get(url, HTTP_HX_REQUEST="true").context["form"]
    # The attributes list is not called "attributes": that name would hide the form
    # element's own attributes from scripts.
    assert "attributes" not in form.fields and "moved_attributes" in form.fields
    assert set(form["moved_attributes"].value()) == set(
        scenario.attributes.values_list("pk", flat=True)
    )
    stage = Attribute.objects.get(project=ready, name="Stage")
    amount = Attribute.objects.get(project=ready, name="Amount")
    data = {
        "category": scenario.category,
        "title": scenario.title,
        "narrative": scenario.narrative,
        "systems": list(scenario.systems.values_list("pk", flat=True)),
        "entities": list(scenario.entities.values_list("pk", flat=True)),
        "moved_attributes": [stage.pk, amount.pk],
        "outcomes": list(scenario.outcomes.values_list("pk", flat=True)),
        "revision": scenario.revision,
        **{f"answer_{k}": v for k, v in scenario.answers.items()},
    }
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content.decode()[:500]
    assert set(scenario.attributes.values_list("name", flat=True)) == {"Stage", "Amount"}
