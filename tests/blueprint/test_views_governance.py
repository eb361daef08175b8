"""Artifact 3 page: ownership, exception rules and guardrails, edited inline."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertInHTML

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.governance import (
    GUARDRAIL_FORBIDDEN_REQUIRED,
    GUARDRAIL_NO_SYSTEMS,
    OWNER_MISSING,
    OWNER_SYSTEM_REQUIRED,
    RETRY_POLICY_REQUIRED,
)
from blueprint.models import ExceptionRule, Guardrail, OwnershipRule, Project, System
from blueprint.rules import OWNER_TAKEN
from tests.conftest import HX, touched
from tests.factories import (
    AttributeFactory,
    ExceptionRuleFactory,
    GuardrailFactory,
    OwnershipRuleFactory,
    SystemFactory,
)
from tests.html import assert_error_at, elements, is_full_page, root, visible_text
from tests.queries import get_counting

pytestmark = pytest.mark.django_db


def url(name: str, project: Project, kind: str, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, kind, *args])


def page(project: Project) -> str:
    return reverse("blueprint:governance", args=[project.pk])


OWNER = {"area": "data_standards", "owner_name": "Priya Raman", "owner_role": "", "notes": ""}


class TestOwnership:
    def test_the_new_form_presets_the_area(self, alice: Client, project: Project) -> None:
        response = alice.get(
            url("item_create", project, "ownership") + "?initial_area=reporting", **HX
        )
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body)[0] == "tr"
        assert elements(body, "option", value="reporting", selected=None)

    def test_saving_returns_the_row(self, alice: Client, project: Project) -> None:
        response = alice.post(url("item_create", project, "ownership"), OWNER, **HX)
        rule = OwnershipRule.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tr", f"ownership-{rule.pk}")
        assert "Priya Raman" in body and "Data standards and definitions" in body
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]

    def test_a_system_owner_names_the_system(self, bob: Client, project: Project) -> None:
        crm = SystemFactory(project=project, name="Salesforce")
        data = {**OWNER, "area": "system_config", "system": crm.pk, "owner_role": "CRM admin"}
        response = bob.post(url("item_create", project, "ownership"), data, **HX)
        assert response.status_code == 200
        assertInHTML(
            "<td>Configuration of <strong>Salesforce</strong></td>", response.content.decode()
        )
        assert OwnershipRule.objects.get(project=project).system == crm

    def test_the_edit_form_and_save(self, alice: Client, project: Project) -> None:
        rule = OwnershipRuleFactory(project=project, owner_name="Priya Raman")
        response = alice.get(url("item_update", project, "ownership", rule.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert 'value="Priya Raman"' in body and 'name="revision"' in body
        data = {**OWNER, "owner_name": "Ana Ortiz", "revision": rule.revision}
        response = alice.post(url("item_update", project, "ownership", rule.pk), data, **HX)
        assert response.status_code == 200 and "Ana Ortiz" in response.content.decode()
        rule.refresh_from_db()
        assert rule.owner_name == "Ana Ortiz" and rule.owner_role == ""

    def test_a_system_is_required_for_configuration(self, alice: Client, project: Project) -> None:
        data = {**OWNER, "area": "system_config"}
        response = alice.post(url("item_create", project, "ownership"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert_error_at(body, "system", OWNER_SYSTEM_REQUIRED)
        assert 'value="Priya Raman"' in body
        assert not OwnershipRule.objects.exists()

    def test_an_owner_is_required(self, alice: Client, project: Project) -> None:
        data = {**OWNER, "owner_name": " ", "notes": "Ask around"}
        response = alice.post(url("item_create", project, "ownership"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert_error_at(body, "owner_name", OWNER_MISSING)
        assert "Ask around" in body
        assert not OwnershipRule.objects.exists()

    def test_a_second_owner_of_an_area_is_refused(self, alice: Client, project: Project) -> None:
        OwnershipRuleFactory(project=project, owner_name="Priya Raman", owner_role="")
        data = {**OWNER, "owner_name": "Ana Ortiz"}
        response = alice.post(url("item_create", project, "ownership"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        message = OWNER_TAKEN.format(scope="Data standards and definitions", owner="Priya Raman")
        assert_error_at(body, "area", message)
        assert OwnershipRule.objects.count() == 1

    def test_another_projects_system_is_refused(self, alice: Client, project: Project) -> None:
        foreign = SystemFactory(name="Foreign CRM")
        data = {**OWNER, "area": "system_config", "system": foreign.pk}
        response = alice.post(url("item_create", project, "ownership"), data, **HX)
        assert response.status_code == 422
        assert_error_at(response.content.decode(), "system", CROSS_PROJECT_CHOICE)
        assert not OwnershipRule.objects.exists()

    def test_a_viewer_is_refused(self, vera: Client, project: Project) -> None:
        assert vera.get(url("item_create", project, "ownership"), **HX).status_code == 403
        assert vera.post(url("item_create", project, "ownership"), OWNER, **HX).status_code == 403
        assert not OwnershipRule.objects.exists()

    def test_delete(self, alice: Client, project: Project) -> None:
        rule = OwnershipRuleFactory(project=project, owner_name="Priya Raman", owner_role="")
        response = alice.get(url("item_delete", project, "ownership", rule.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert "Delete ownership rule “Data standards and definitions: Priya Raman”?" in body
        response = alice.post(url("item_delete", project, "ownership", rule.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not OwnershipRule.objects.exists()


EXCEPTION = {
    "situation": "rejected",
    "situation_other": "",
    "auto_log": "on",
    "auto_retry": "on",
    "retry_policy": "3 times, 5 / 30 / 120 minutes apart",
    "manual_handling": "Fix the payload and resend",
    "manual_owner": "Integration support analyst",
    "tracking": "Weekly review",
}


class TestExceptionRules:
    def test_the_form_groups_automatic_handling(self, alice: Client, project: Project) -> None:
        response = alice.get(
            url("item_create", project, "exception") + "?initial_situation=unmatched", **HX
        )
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert re.search(r"<legend><span[^>]*>What happens automatically</span></legend>", body)
        fieldset = body[body.index("<fieldset") : body.index("</fieldset>")]
        for name in ("auto_log", "auto_alert", "auto_review_queue", "auto_retry", "auto_fail"):
            assert f'name="{name}"' in fieldset
        assert elements(body, "option", value="unmatched", selected=None)

    def test_saving_returns_the_row(self, alice: Client, project: Project) -> None:
        response = alice.post(url("item_create", project, "exception"), EXCEPTION, **HX)
        rule = ExceptionRule.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tr", f"exception-{rule.pk}")
        assert "Target rejects the payload" in body
        assert "retry (3 times, 5 / 30 / 120 minutes apart)" in body
        assert "by Integration support analyst" in body
        assert rule.auto_log and rule.auto_retry and not rule.auto_alert

    def test_a_rule_that_only_fails_is_flagged(self, alice: Client, project: Project) -> None:
        data = {"situation": "missing_data", "auto_fail": "on"}
        response = alice.post(url("item_create", project, "exception"), data, **HX)
        assert response.status_code == 200
        assert "only fails: say what happens next" in response.content.decode()

    def test_the_edit_form_and_save(self, alice: Client, project: Project) -> None:
        rule = ExceptionRuleFactory(project=project)
        response = alice.get(url("item_update", project, "exception", rule.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and "Sales ops matches the record by hand" in body
        data = {**EXCEPTION, "revision": rule.revision}
        response = alice.post(url("item_update", project, "exception", rule.pk), data, **HX)
        assert response.status_code == 200
        rule.refresh_from_db()
        assert rule.situation == "rejected" and not rule.auto_review_queue

    def test_a_retry_needs_a_policy(self, alice: Client, project: Project) -> None:
        data = {**EXCEPTION, "retry_policy": ""}
        response = alice.post(url("item_create", project, "exception"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert_error_at(body, "retry_policy", RETRY_POLICY_REQUIRED)
        assert "Fix the payload and resend" in body
        assert not ExceptionRule.objects.exists()

    def test_another_projects_rule_is_404(self, alice: Client, project: Project) -> None:
        foreign = ExceptionRuleFactory(tracking="Theirs")
        data = {**EXCEPTION, "revision": foreign.revision}
        response = alice.post(url("item_update", project, "exception", foreign.pk), data, **HX)
        assert response.status_code == 404
        foreign.refresh_from_db()
        assert foreign.tracking == "Theirs"

    def test_a_viewer_is_refused(self, vera: Client, project: Project) -> None:
        rule = ExceptionRuleFactory(project=project)
        assert (
            vera.post(url("item_create", project, "exception"), EXCEPTION, **HX).status_code == 403
        )
        data = {**EXCEPTION, "revision": rule.revision}
        response = vera.post(url("item_update", project, "exception", rule.pk), data, **HX)
        assert response.status_code == 403
        assert ExceptionRule.objects.get().situation == "unmatched"

    def test_delete(self, alice: Client, project: Project) -> None:
        rule = ExceptionRuleFactory(project=project)
        response = alice.get(url("item_delete", project, "exception", rule.pk), **HX)
        assert "Delete exception rule “Record cannot be matched”?" in response.content.decode()
        response = alice.post(url("item_delete", project, "exception", rule.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not ExceptionRule.objects.exists()


class TestGuardrails:
    @pytest.fixture
    def systems(self, project: Project) -> tuple[System, System]:
        return (
            SystemFactory(project=project, name="Marketing platform"),
            SystemFactory(project=project, name="Data warehouse"),
        )

    def test_a_field_never_to_overwrite(self, alice: Client, project: Project) -> None:
        attribute = AttributeFactory(project=project, entity__project=project, name="Credit limit")
        data = {"kind": "never_overwrite", "attribute": attribute.pk, "rationale": "Finance"}
        response = alice.post(url("item_create", project, "guardrail"), data, **HX)
        guardrail = Guardrail.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tr", f"guardrail-{guardrail.pk}")
        assert f"{attribute.entity.name} · Credit limit" in body

    def test_data_that_must_not_cross(
        self, alice: Client, project: Project, systems: tuple[System, System]
    ) -> None:
        attribute = AttributeFactory(project=project, entity__project=project)
        data = {
            "kind": "no_crossing",
            "attribute": attribute.pk,
            "data_description": "Health data",
            "forbidden_systems": [s.pk for s in systems],
        }
        response = alice.post(url("item_create", project, "guardrail"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert "Health data" in body and "Marketing platform" in body and "Data warehouse" in body
        guardrail = Guardrail.objects.get(project=project)
        assert guardrail.attribute is None
        assert set(guardrail.forbidden_systems.all()) == set(systems)

    def test_the_edit_form_and_save(
        self, alice: Client, project: Project, systems: tuple[System, System]
    ) -> None:
        guardrail = GuardrailFactory(project=project)
        response = alice.get(url("item_update", project, "guardrail", guardrail.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and "Finance owns it" in body
        assert elements(body, "input", class_="form-check-input", name="forbidden_systems")
        data = {
            "kind": "single_system",
            "attribute": guardrail.attribute_id,
            "system": systems[1].pk,
            "revision": guardrail.revision,
        }
        response = alice.post(url("item_update", project, "guardrail", guardrail.pk), data, **HX)
        assert response.status_code == 200
        assert "changes only in Data warehouse" in visible_text(response.content.decode())
        guardrail.refresh_from_db()
        assert guardrail.kind == "single_system" and guardrail.system == systems[1]

    def test_data_must_name_the_systems(
        self, alice: Client, project: Project, systems: tuple[System, System]
    ) -> None:
        data = {"kind": "no_crossing", "data_description": "Card numbers"}
        response = alice.post(url("item_create", project, "guardrail"), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert_error_at(body, "forbidden_systems", GUARDRAIL_FORBIDDEN_REQUIRED)
        assert 'value="Card numbers"' in body
        assert not Guardrail.objects.exists()

    def test_another_projects_attribute_is_refused(self, alice: Client, project: Project) -> None:
        foreign = AttributeFactory()
        data = {"kind": "never_overwrite", "attribute": foreign.pk}
        response = alice.post(url("item_create", project, "guardrail"), data, **HX)
        assert response.status_code == 422
        assert_error_at(response.content.decode(), "attribute", CROSS_PROJECT_CHOICE)
        assert not Guardrail.objects.exists()

    def test_without_systems_the_form_says_to_add_them(
        self, alice: Client, project: Project
    ) -> None:
        data = {"kind": "no_crossing", "data_description": "Card numbers"}
        response = alice.post(url("item_create", project, "guardrail"), data, **HX)
        assert response.status_code == 422
        assert escape(GUARDRAIL_NO_SYSTEMS) in response.content.decode()
        assert not Guardrail.objects.exists()

    def test_another_projects_system_is_refused(
        self, alice: Client, project: Project, systems: tuple[System, System]
    ) -> None:
        foreign = SystemFactory(name="Foreign")
        data = {"kind": "no_crossing", "data_description": "PII", "forbidden_systems": [foreign.pk]}
        response = alice.post(url("item_create", project, "guardrail"), data, **HX)
        assert response.status_code == 422
        assert_error_at(response.content.decode(), "forbidden_systems", CROSS_PROJECT_CHOICE)
        assert not Guardrail.objects.exists()

    def test_a_viewer_is_refused(self, vera: Client, project: Project) -> None:
        guardrail = GuardrailFactory(project=project)
        assert (
            vera.get(url("item_update", project, "guardrail", guardrail.pk), **HX).status_code
            == 403
        )
        assert (
            vera.post(url("item_delete", project, "guardrail", guardrail.pk), **HX).status_code
            == 403
        )
        assert Guardrail.objects.filter(pk=guardrail.pk).exists()

    def test_delete(self, alice: Client, project: Project) -> None:
        guardrail = GuardrailFactory(project=project)
        response = alice.get(url("item_delete", project, "guardrail", guardrail.pk), **HX)
        assert (
            response.status_code == 200
            and "Delete guardrail “Never overwrite" in response.content.decode()
        )
        response = alice.post(url("item_delete", project, "guardrail", guardrail.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not Guardrail.objects.exists()


class TestPage:
    def test_a_member_sees_the_three_sections(self, bob: Client, project: Project) -> None:
        OwnershipRuleFactory(project=project, owner_name="Priya Raman")
        ExceptionRuleFactory(project=project, manual_owner="Sales operations analyst")
        GuardrailFactory(project=project, rationale="Finance owns credit limits")
        response = bob.get(page(project))
        body = response.content.decode()
        assert response.status_code == 200 and is_full_page(response)
        for text in (
            "Ownership",
            "Exception rules",
            "Guardrails",
            "Priya Raman",
            "Sales operations analyst",
            "Finance owns credit limits",
        ):
            assert text in body
        assert "Add owner" in body and "Add exception rule" in body and "Add guardrail" in body

    def test_owners_are_grouped_by_area(self, alice: Client, project: Project) -> None:
        OwnershipRuleFactory(project=project, area="reporting", owner_name="Rita Reports")
        OwnershipRuleFactory(project=project, area="data_standards", owner_name="Dana Data")
        body = alice.get(page(project)).content.decode()
        data = body.index('id="ownership-rows-data_standards"')
        reporting = body.index('id="ownership-rows-reporting"')
        assert data < body.index("Dana Data") < body.index('id="ownership-rows-system_config"')
        assert reporting < body.index("Rita Reports")

    def test_it_shows_systems_nobody_configures(self, alice: Client, project: Project) -> None:
        owned = SystemFactory(project=project, name="Salesforce")
        SystemFactory(project=project, name="NetSuite")
        OwnershipRuleFactory(project=project, area="system_config", system=owned)
        body = alice.get(page(project)).content.decode()
        gaps = body[body.index('id="ownership-gaps"') : body.index('id="ownership-table"')]
        assert "No configuration owner yet" in gaps
        assert "NetSuite" in gaps and "Salesforce" not in gaps

    def test_it_shows_situations_without_a_rule(self, alice: Client, project: Project) -> None:
        ExceptionRuleFactory(project=project, situation="unmatched")
        body = alice.get(page(project)).content.decode()
        gaps = body[body.index('id="exception-gaps"') : body.index('id="exceptions-table"')]
        assert "Required data missing" in gaps and "Record cannot be matched" not in gaps
        assert "initial_situation=missing_data" in gaps

    def test_the_hints_refresh_as_partials(self, alice: Client, project: Project) -> None:
        SystemFactory(project=project, name="NetSuite")
        headers = {**HX, "HTTP_HX_TARGET": "ownership-gaps"}
        response = alice.get(page(project), **headers)
        body = response.content.decode()
        assert not is_full_page(response) and root(body) == ("div", "ownership-gaps")
        assert "NetSuite" in body
        headers = {**HX, "HTTP_HX_TARGET": "exception-gaps"}
        body = alice.get(page(project), **headers).content.decode()
        assert root(body) == ("div", "exception-gaps")

    def test_it_refuses_post(self, alice: Client, project: Project) -> None:
        assert alice.post(page(project)).status_code == 405

    def test_a_viewer_sees_no_edit_controls(self, vera: Client, project: Project) -> None:
        SystemFactory(project=project, name="NetSuite")
        OwnershipRuleFactory(project=project, owner_name="Priya Raman")
        ExceptionRuleFactory(project=project)
        GuardrailFactory(project=project)
        body = vera.get(page(project)).content.decode()
        assert "Priya Raman" in body and "NetSuite" in body
        assert ">Edit<" not in body and ">Delete<" not in body and "Add " not in body
        assert "/items/" not in body

    def _fill(self, project: Project, count: int) -> None:
        forbidden = System.objects.filter(project=project, name="Marketing platform").first()
        forbidden = forbidden or SystemFactory(project=project, name="Marketing platform")
        for n in range(count):
            system = SystemFactory(project=project)
            OwnershipRuleFactory(project=project, area="system_config", system=system)
            ExceptionRuleFactory(project=project, auto_retry=n % 2 == 0, retry_policy="3 times")
            if n % 2:
                guardrail = GuardrailFactory(
                    project=project, kind="no_crossing", attribute=None, data_description="PII"
                )
                guardrail.forbidden_systems.add(forbidden, system)
            else:
                GuardrailFactory(project=project, kind="single_system", system=system)

    def _count(self, client: Client, project: Project) -> tuple[int, str]:
        return get_counting(client, page(project))

    def test_the_page_loads_in_a_fixed_number_of_queries(
        self, alice: Client, project: Project
    ) -> None:
        self._fill(project, 5)
        small, body = self._count(alice, project)
        assert len(re.findall(r'id="guardrail-\d+"', body)) == 5
        self._fill(project, 195)
        touched(project)
        large, body = self._count(alice, project)
        assert len(re.findall(r'id="ownership-\d+"', body)) == 200
        assert len(re.findall(r'id="exception-\d+"', body)) == 200
        assert len(re.findall(r'id="guardrail-\d+"', body)) == 200
        assert small == large
