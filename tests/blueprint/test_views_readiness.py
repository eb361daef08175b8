from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from blueprint.demo import demo_load
from blueprint.interchange.json import project_import
from blueprint.models import Attribute, FieldMapping, OwnershipRule, Project, System
from blueprint.readiness import readiness_compute
from tests.blueprint.blueprints import ready_document
from tests.conftest import HX, client_for, touched
from tests.factories import AttributeFactory, FieldMappingFactory, SystemFactory
from tests.html import elements, is_full_page, root

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_project(
    facilitator: User, business_leader: User, process_owner: User, systems_owner: User
) -> Project:
    return project_import(
        doc=ready_document(), user=facilitator, name="Ready", with_members=True
    ).project


def url(name: str, project: Project) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk])


class TestReadinessPage:
    def test_it_lists_findings_per_artifact_with_links(
        self, alice: Client, project: Project
    ) -> None:
        AttributeFactory(project=project, entity__project=project, source_of_truth=None)
        response = alice.get(url("readiness", project))
        body = response.content.decode()
        assert response.status_code == 200 and is_full_page(response)
        for label in (
            "Business scenarios",
            "Data mapping",
            "Ownership and exceptions",
            "Reporting and automation",
        ):
            assert label in body
        assert "has no source of truth" in body
        assert f"/p/{project.pk}/data-model/#attribute-" in body
        assert "Not ready" in body

    def test_a_ready_project_says_so(self, ready_project: Project, facilitator: User) -> None:
        body = client_for(facilitator).get(url("readiness", ready_project)).content.decode()
        assert "Ready for sign-off" in body

    def test_the_htmx_answer_is_a_partial(self, alice: Client, project: Project) -> None:
        response = alice.get(url("readiness", project), **HX)
        assert not is_full_page(response)
        assert root(response.content.decode()) == ("div", "readiness-body")

    def test_a_viewer_can_read_it(self, vera: Client, project: Project) -> None:
        assert vera.get(url("readiness", project)).status_code == 200

    def test_queries_do_not_grow_with_the_blueprint(self, alice: Client, project: Project) -> None:
        crm, erp = SystemFactory(project=project), SystemFactory(project=project)
        FieldMappingFactory.create_batch(3, project=project, source_system=crm, target_system=erp)
        with CaptureQueriesContext(connection) as few:
            alice.get(url("readiness", project))
        FieldMappingFactory.create_batch(60, project=project, source_system=crm, target_system=erp)
        AttributeFactory.create_batch(20, project=project, entity__project=project)
        touched(project)
        with CaptureQueriesContext(connection) as many:
            alice.get(url("readiness", project))
        assert len(few) == len(many)


class TestNavBadges:
    def test_the_nav_shows_a_badge_per_artifact(self, alice: Client, project: Project) -> None:
        response = alice.get(url("readiness_hx_nav", project) + "?nav=scenarios", **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert body.count("nav-badge") == 5
        assert elements(body, "a", aria_current="page", href=f"/p/{project.pk}/scenarios/")
        # Loaded once with the page; afterwards only a change refreshes it.
        assert "load delay" not in body and "blueprint-changed from:body" in body

    def test_every_page_asks_for_its_badges(self, alice: Client, project: Project) -> None:
        body = alice.get(url("project_detail", project)).content.decode()
        assert "load delay:50ms, blueprint-changed from:body" in body

    def test_a_save_tells_the_nav_to_refresh(self, alice: Client, project: Project) -> None:
        response = alice.post(
            reverse("blueprint:item_create", args=[project.pk, "system"]),
            {
                "name": "CRM",
                "kind": "crm",
                "api_maturity": "mature",
                "api_documentation": "complete",
                "test_environment": "yes",
            },
            **HX,
        )
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]


class TestSignoffGate:
    def test_the_button_is_enabled_only_when_ready(
        self, ready_project: Project, facilitator: User
    ) -> None:
        alice = client_for(facilitator)
        body = alice.get(url("signoff", ready_project)).content.decode()
        assert "Readiness is green" in body
        assert not elements(body, disabled=None, aria_disabled="true")
        response = alice.post(url("signoff_request", ready_project))
        assert response.status_code == 302
        ready_project.refresh_from_db()
        assert ready_project.state == Project.State.AWAITING

    def test_one_new_blocker_closes_the_gate(
        self, ready_project: Project, facilitator: User
    ) -> None:
        Attribute.objects.filter(project=ready_project).update(source_of_truth=None)
        alice = client_for(facilitator)
        assert alice.post(url("signoff_request", ready_project)).status_code == 422
        ready_project.refresh_from_db()
        assert ready_project.state == Project.State.DRAFT


def test_the_demo_gaps_are_found_and_filling_them_makes_it_ready() -> None:
    data = json.loads((Path(settings.BASE_DIR) / "fixtures" / "demo.json").read_text())
    demo_load(data=data)
    project = Project.objects.get(name="Lead-to-cash: CRM and ERP")
    blockers = readiness_compute(project).blockers
    assert [f.check for f in blockers] == [
        "mapping.attribute_without_source",
        "governance.owner_missing",
    ]
    assert "Customer tier" in blockers[0].message
    assert "Snowflake" in blockers[1].message
    crm = System.objects.get(project=project, name="Salesforce CRM")
    tier = Attribute.objects.get(project=project, name="Customer tier")
    tier.source_of_truth = crm
    tier.save()
    assert [f.check for f in readiness_compute(project).blockers] == [
        # Deciding the source shows the flow is missing: SAP shows the tier, nothing feeds it.
        "mapping.attribute_not_fed",
        "governance.owner_missing",
    ]
    tier.update_systems.set([crm])
    FieldMapping.objects.create(
        project=project,
        source_system=crm,
        source_field="Account.Customer_Tier__c",
        target_system=System.objects.get(project=project, name="SAP S/4HANA"),
        target_field="KNVV-KLABC",
        required=True,
        conflict_rule="source_wins",
        direction="one_way",
        attribute=tier,
    )
    OwnershipRule.objects.create(
        project=project,
        area=OwnershipRule.Area.SYSTEM_CONFIG,
        system=System.objects.get(project=project, name="Snowflake warehouse"),
        owner_name="Maya Chen",
        owner_role="Data platform lead",
    )
    assert readiness_compute(project).ready
