"""The field mapping sheet: the page, its filters and pager, and the mapping editor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertInHTML

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.field_mappings import (
    SOURCE_FIELD_REQUIRED,
    TARGET_FIELD_REQUIRED,
    FieldMappingForm,
    MappingFilterForm,
)
from blueprint.models import Attribute, FieldMapping, Project, System
from blueprint.readiness import readiness_for_project
from blueprint.rules import MAPPING_TAKEN, SAME_SYSTEM
from blueprint.views.field_mappings import MAPPING_KIND, PER_PAGE
from tests.conftest import HX, touched
from tests.factories import (
    AttributeFactory,
    EntityFactory,
    FieldMappingFactory,
    SystemFactory,
)
from tests.html import element, elements, is_full_page, oob_ids, root, visible_text
from tests.queries import get_counting

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm(project: Project) -> System:
    return SystemFactory(project=project, name="Salesforce")


@pytest.fixture
def erp(project: Project) -> System:
    return SystemFactory(project=project, name="NetSuite", kind=System.Kind.ERP)


@pytest.fixture
def support(project: Project) -> System:
    return SystemFactory(project=project, name="Zendesk")


@pytest.fixture
def status(project: Project, crm: System) -> Attribute:
    customer = EntityFactory(project=project, name="Customer", home_system=crm)
    return AttributeFactory(entity=customer, name="Lifecycle status")


def page_url(project: Project) -> str:
    return reverse("blueprint:mappings", args=[project.pk])


def url(name: str, project: Project, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, "mapping", *args])


def valid(crm: System, erp: System, **changes: Any) -> dict[str, Any]:
    data = {
        "source_system": crm.pk,
        "source_field": "Lead_Status__c",
        "target_system": erp.pk,
        "target_field": "CUSTOMER_STATUS",
        "transformation": "Closed Won becomes WON",
        "required": "on",
        "conflict_rule": "source_wins",
        "direction": "one_way",
        "attribute": "",
    }
    data.update(changes)
    return data


def row_ids(body: str) -> list[str]:
    return [part.split('"')[0] for part in body.split('id="mapping-')[1:] if part[0].isdigit()]


class TestPage:
    def test_a_member_sees_the_sheet(
        self, bob: Client, project: Project, crm: System, erp: System, status: Attribute
    ) -> None:
        FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="StageName",
            target_system=erp,
            target_field="status",
            transformation="Closed Won becomes WON",
            conflict_rule=FieldMapping.ConflictRule.MANUAL_REVIEW,
            direction=FieldMapping.Direction.BIDIRECTIONAL,
            attribute=status,
        )
        FieldMappingFactory(project=project, source_system=erp, target_system=crm, required=False)
        response = bob.get(page_url(project))
        body = response.content.decode()
        assert response.status_code == 200 and is_full_page(response)
        assert "StageName" in body and "Closed Won becomes WON" in body
        assert "Manual review" in body and "manual_review" not in visible_text(body)
        assert "⇄" in body and "Bidirectional" in body and "One-way" in body
        assert "Customer · Lifecycle status" in body
        assert "Required" in body and "Optional" in body
        assert response.context["total"] == 2 and not response.context["is_filtered"]
        assert "2 mappings in total" in visible_text(body)
        assert "Add mapping" in body

    def test_missing_values_are_flagged(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="",
            target_system=erp,
            target_field="",
            conflict_rule="",
            direction="",
        )
        body = alice.get(page_url(project)).content.decode()
        for flag in (
            "no source field yet",
            "no target field yet",
            "no conflict rule yet",
            "no direction yet",
        ):
            assert flag in body
        assert "1 with gaps" in body

    def test_an_empty_sheet_says_what_belongs_there(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        body = alice.get(page_url(project)).content.decode()
        assert "No field mappings yet" in body and elements(body, "tr", class_="empty-row")

    def test_without_two_systems_it_points_to_the_overview(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        body = alice.get(page_url(project)).content.decode()
        assert "Add the systems on the overview" in body
        assert "Add mapping" not in body

    def test_a_viewer_sees_everything_read_only(
        self, vera: Client, project: Project, crm: System, erp: System
    ) -> None:
        mapping = FieldMappingFactory(project=project, source_system=crm, target_system=erp)
        body = vera.get(page_url(project)).content.decode()
        assert mapping.source_field in visible_text(body)
        assert "Add mapping" not in body
        assert url("item_update", project, mapping.pk) not in body
        assert url("item_delete", project, mapping.pk) not in body

    def test_a_frozen_project_shows_no_edit_controls(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        mapping = FieldMappingFactory(project=project, source_system=crm, target_system=erp)
        Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
        body = alice.get(page_url(project)).content.decode()
        assert "Add mapping" not in body and url("item_update", project, mapping.pk) not in body

    def test_it_refuses_post(self, alice: Client, project: Project) -> None:
        assert alice.post(page_url(project)).status_code == 405

    def test_it_varies_on_htmx(self, alice: Client, project: Project) -> None:
        assert "HX-Request" in alice.get(page_url(project))["Vary"]

    def test_it_registers_the_mapping_kind(self) -> None:
        assert MAPPING_KIND.page == "blueprint:mappings"
        assert MAPPING_KIND.template == "blueprint/mappings.html"
        assert MAPPING_KIND.artifact == "mapping" and MAPPING_KIND.columns == 11


class TestQueries:
    @pytest.fixture
    def add(self, project: Project) -> Callable[[int], None]:
        systems = [SystemFactory(project=project, name=f"System {i}") for i in range(4)]
        attributes = [
            AttributeFactory(
                entity=EntityFactory(project=project, name=f"Entity {i}", home_system=systems[0])
            )
            for i in range(3)
        ]

        def add(n: int) -> None:
            for i in range(n):
                FieldMappingFactory(
                    project=project,
                    source_system=systems[i % 4],
                    target_system=systems[(i + 1) % 4],
                    attribute=attributes[i % 3] if i % 4 else None,
                    direction=FieldMapping.Direction.BIDIRECTIONAL if i % 2 else "",
                )

        return add

    def _count(self, client: Client, path: str, **headers: str) -> int:
        return get_counting(client, path, **headers)[0]

    def test_the_page_costs_the_same_with_5_and_200_mappings(
        self, alice: Client, project: Project, add: Callable[[int], None]
    ) -> None:
        add(5)
        small = self._count(alice, page_url(project))
        add(195)
        touched(project)
        big = self._count(alice, page_url(project))
        assert small == big

    def test_filtering_and_paging_cost_the_same_with_5_and_200_mappings(
        self, alice: Client, project: Project, add: Callable[[int], None]
    ) -> None:
        add(5)
        system = System.objects.filter(project=project).first()
        path = f"{page_url(project)}?system={system.pk}&q=field&entity=none&page=2"
        small = self._count(alice, path, **HX)
        add(195)
        touched(project)
        big = self._count(alice, path, **HX)
        assert small == big


class TestFilters:
    @pytest.fixture
    def sheet(
        self, project: Project, crm: System, erp: System, support: System, status: Attribute
    ) -> dict[str, FieldMapping]:
        invoice = AttributeFactory(
            entity=EntityFactory(project=project, name="Invoice", home_system=erp), name="Amount"
        )
        return {
            "stage": FieldMappingFactory(
                project=project,
                source_system=crm,
                source_field="StageName",
                target_system=erp,
                target_field="STATUS",
                transformation="Closed Won becomes WON",
                attribute=status,
            ),
            "amount": FieldMappingFactory(
                project=project,
                source_system=erp,
                source_field="AMOUNT",
                target_system=support,
                target_field="invoice_total",
                transformation="Convert to EUR",
                attribute=invoice,
            ),
            "email": FieldMappingFactory(
                project=project,
                source_system=support,
                source_field="requester_email",
                target_system=crm,
                target_field="Email",
                transformation="Lower-case",
                direction="",
            ),
        }

    def _ids(self, client: Client, project: Project, query: str) -> set[int]:
        response = client.get(f"{page_url(project)}?{query}")
        assert response.status_code == 200
        return {int(pk) for pk in row_ids(response.content.decode())}

    def test_by_system_as_source_or_target(
        self, alice: Client, project: Project, erp: System, sheet: dict[str, FieldMapping]
    ) -> None:
        found = self._ids(alice, project, f"system={erp.pk}")
        assert found == {sheet["stage"].pk, sheet["amount"].pk}

    def test_by_entity_of_the_attribute(
        self, alice: Client, project: Project, status: Attribute, sheet: dict[str, FieldMapping]
    ) -> None:
        assert self._ids(alice, project, f"entity={status.entity_id}") == {sheet["stage"].pk}
        assert self._ids(alice, project, "entity=none") == {sheet["email"].pk}

    def test_by_text_in_fields_and_transformation(
        self, alice: Client, project: Project, sheet: dict[str, FieldMapping]
    ) -> None:
        assert self._ids(alice, project, "q=stagename") == {sheet["stage"].pk}
        assert self._ids(alice, project, "q=invoice_total") == {sheet["amount"].pk}
        assert self._ids(alice, project, "q=EUR") == {sheet["amount"].pk}
        assert self._ids(alice, project, "q=nothing-like-this") == set()

    def test_only_rows_with_gaps(
        self, alice: Client, project: Project, sheet: dict[str, FieldMapping]
    ) -> None:
        # "With gaps" is what readiness says: the rows it has a finding on.
        flagged = {
            x.item_id for x in readiness_for_project(project).findings if x.section == "mappings"
        }
        assert sheet["email"].pk in flagged
        assert self._ids(alice, project, "incomplete=on") == flagged
        FieldMapping.objects.exclude(pk=sheet["email"].pk).delete()
        assert self._ids(alice, project, "incomplete=on") == {sheet["email"].pk}

    def test_filters_combine_and_show_both_counts(
        self, alice: Client, project: Project, crm: System, sheet: dict[str, FieldMapping]
    ) -> None:
        response = alice.get(f"{page_url(project)}?system={crm.pk}&q=mail")
        body = response.content.decode()
        assert {int(pk) for pk in row_ids(body)} == {sheet["email"].pk}
        assert response.context["is_filtered"] and response.context["total"] == 3
        assert response.context["page"].paginator.count == 1
        assert "1 of 3 mappings match the filters" in visible_text(body)
        assert elements(body, "input", name="q", value="mail")
        assert elements(body, "option", value=str(crm.pk), selected=None)

    def test_nothing_matching_says_so(
        self, alice: Client, project: Project, sheet: dict[str, FieldMapping]
    ) -> None:
        body = alice.get(f"{page_url(project)}?q=zzz").content.decode()
        assert "No mapping matches these filters" in body

    def test_another_projects_system_or_garbage_is_ignored(
        self, alice: Client, project: Project, sheet: dict[str, FieldMapping]
    ) -> None:
        foreign = SystemFactory(name="Foreign")
        assert len(self._ids(alice, project, f"system={foreign.pk}&entity=abc")) == 3

    def test_the_htmx_answer_is_the_rows_partial_with_counts_and_pager(
        self, alice: Client, project: Project, erp: System, sheet: dict[str, FieldMapping]
    ) -> None:
        response = alice.get(f"{page_url(project)}?system={erp.pk}", **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tbody", "mapping-rows")
        assert oob_ids(body) == {"mapping-summary", "mapping-pager"}
        assert "2 of 3 mappings" in visible_text(body)

    def test_a_history_restore_gets_the_full_page(
        self, alice: Client, project: Project, sheet: dict[str, FieldMapping]
    ) -> None:
        response = alice.get(page_url(project), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)
        assert is_full_page(response)

    def test_the_count_refreshes_itself(
        self, alice: Client, project: Project, sheet: dict[str, FieldMapping]
    ) -> None:
        response = alice.get(f"{page_url(project)}?q=mail", HTTP_HX_TARGET="mapping-summary", **HX)
        body = response.content.decode()
        assert root(body) == ("div", "mapping-summary") and not elements(body, "tbody")
        assert "1 of 3 mappings" in visible_text(body)
        assert element(body, "mapping-summary")["hx-trigger"] == "blueprint-changed from:body"

    def test_the_filter_bar_works_with_and_without_htmx(
        self, alice: Client, project: Project, sheet: dict[str, FieldMapping]
    ) -> None:
        body = alice.get(page_url(project)).content.decode()
        assert elements(
            body,
            "form",
            method="get",
            action=page_url(project),
            hx_get=page_url(project),
            hx_target="#mapping-rows",
            hx_push_url="true",
        )


class TestPagination:
    @pytest.fixture
    def many(self, project: Project, crm: System, erp: System) -> list[FieldMapping]:
        return FieldMapping.objects.bulk_create(
            FieldMapping(
                project=project,
                source_system=crm,
                source_field=f"Field_{i:04d}",
                target_system=erp,
                target_field=f"FIELD_{i:04d}" if i % 2 else f"OTHER_{i:04d}",
                direction=FieldMapping.Direction.ONE_WAY,
                conflict_rule=FieldMapping.ConflictRule.SOURCE_WINS,
            )
            for i in range(1000)
        )

    def test_a_thousand_mappings_show_a_hundred_at_a_time(
        self, alice: Client, project: Project, many: list[FieldMapping]
    ) -> None:
        body = alice.get(page_url(project)).content.decode()
        assert len(row_ids(body)) == PER_PAGE
        assert "Field_0000" in body and "Field_0100" not in body
        assert "1000 mappings in total, showing 1–100" in visible_text(body)
        assert elements(body, "a", href=f"{page_url(project)}?page=2")

    def test_a_later_page(self, alice: Client, project: Project, many: list[FieldMapping]) -> None:
        body = alice.get(f"{page_url(project)}?page=10", **HX).content.decode()
        assert len(row_ids(body)) == PER_PAGE
        assert "Field_0999" in body and "Field_0899" not in body
        assertInHTML(
            '<li class="page-item active" aria-current="page">'
            '<span class="page-link">10</span></li>',
            body,
        )

    def test_an_out_of_range_or_bad_page_is_forgiven(
        self, alice: Client, project: Project, many: list[FieldMapping]
    ) -> None:
        assert "Field_0999" in alice.get(f"{page_url(project)}?page=999").content.decode()
        assert "Field_0000" in alice.get(f"{page_url(project)}?page=abc").content.decode()

    def test_the_pager_keeps_the_filters(
        self, alice: Client, project: Project, many: list[FieldMapping]
    ) -> None:
        body = alice.get(f"{page_url(project)}?q=OTHER", **HX).content.decode()
        text = visible_text(body)
        assert "500 of 1000 mappings match the filters, showing 1–100" in text
        assert elements(body, "a", hx_get=f"{page_url(project)}?q=OTHER&page=2")
        body = alice.get(f"{page_url(project)}?q=OTHER&page=5", **HX).content.decode()
        assert len(row_ids(body)) == PER_PAGE and "FIELD_" not in body


class TestCreate:
    def test_the_new_form_is_a_partial_row(
        self, alice: Client, project: Project, crm: System, erp: System, status: Attribute
    ) -> None:
        foreign = SystemFactory(name="Foreign CRM")
        response = alice.get(url("item_create", project), **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert not is_full_page(response) and root(body)[0] == "tr"
        assert 'colspan="11"' in body
        assert 'name="source_field"' in body and 'name="transformation"' in body
        label = body.split('for="id_required" class="form-check-label">', 1)[1]
        assert label.split("</label>", 1)[0].strip() == "Required"
        assert "Salesforce" in body and foreign.name not in body
        assert elements(body, "optgroup", label="Customer") and "Lifecycle status" in body
        assert "not decided yet" in body

    def test_saving_returns_the_new_row(
        self, alice: Client, project: Project, crm: System, erp: System, status: Attribute
    ) -> None:
        data = valid(crm, erp, attribute=status.pk, direction="bidirectional")
        response = alice.post(url("item_create", project), data, **HX)
        mapping = FieldMapping.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tr", f"mapping-{mapping.pk}")
        assert "item-row" in element(body, f"mapping-{mapping.pk}")["class"].split()
        assert "Lead_Status__c" in body and "⇄" in body and "Customer · Lifecycle status" in body
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]
        assert mapping.required and mapping.attribute == status

    def test_the_conflict_rule_and_direction_may_wait(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        data = valid(crm, erp, conflict_rule="", direction="", required="")
        body = alice.post(url("item_create", project), data, **HX).content.decode()
        mapping = FieldMapping.objects.get(project=project)
        assert mapping.conflict_rule == "" and mapping.direction == "" and not mapping.required
        assert "no conflict rule yet" in body and "no direction yet" in body

    def test_without_htmx_saving_redirects_to_the_page(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        response = alice.post(url("item_create", project), valid(crm, erp))
        mapping = FieldMapping.objects.get(project=project)
        assert response.status_code == 302
        assert response["Location"].endswith(f"/field-mappings/#mapping-{mapping.pk}")

    def test_the_same_system_on_both_sides_is_refused(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        data = valid(crm, erp, target_system=crm.pk, target_field="Typed_By_Me")
        response = alice.post(url("item_create", project), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert SAME_SYSTEM in body and "is-invalid" in body
        assert 'value="Typed_By_Me"' in body
        assert not FieldMapping.objects.exists()

    @pytest.mark.parametrize(
        ("field", "message"),
        [("source_field", SOURCE_FIELD_REQUIRED), ("target_field", TARGET_FIELD_REQUIRED)],
    )
    def test_both_field_names_are_required(
        self,
        alice: Client,
        project: Project,
        crm: System,
        erp: System,
        field: str,
        message: str,
    ) -> None:
        data = valid(crm, erp, **{field: "  ", "transformation": "kept text"})
        response = alice.post(url("item_create", project), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert message in body and "kept text" in body
        assert not FieldMapping.objects.exists()

    def test_a_pair_already_on_the_sheet_is_refused_naming_the_row(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="Lead_Status__c",
            target_system=erp,
            target_field="CUSTOMER_STATUS",
        )
        data = valid(crm, erp, source_field="lead_status__c")
        response = alice.post(url("item_create", project), data, **HX)
        body = response.content.decode()
        existing = "Salesforce.Lead_Status__c → NetSuite.CUSTOMER_STATUS"
        assert response.status_code == 422
        assert MAPPING_TAKEN.format(mapping=existing) in body
        assert FieldMapping.objects.count() == 1

    def test_the_same_fields_between_other_systems_are_fine(
        self, alice: Client, project: Project, crm: System, erp: System, support: System
    ) -> None:
        FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="Lead_Status__c",
            target_system=erp,
            target_field="CUSTOMER_STATUS",
        )
        data = valid(crm, support)
        assert alice.post(url("item_create", project), data, **HX).status_code == 200
        reverse_way = valid(erp, crm, source_field="CUSTOMER_STATUS", target_field="Lead_Status__c")
        assert alice.post(url("item_create", project), reverse_way, **HX).status_code == 200

    @pytest.mark.parametrize("field", ["source_system", "target_system", "attribute"])
    def test_another_projects_choices_are_refused(
        self, alice: Client, project: Project, crm: System, erp: System, field: str
    ) -> None:
        foreign_attribute = AttributeFactory(name="Foreign status")
        foreign = {
            "source_system": SystemFactory(name="Foreign").pk,
            "target_system": SystemFactory(name="Foreign 2").pk,
            "attribute": foreign_attribute.pk,
        }
        data = valid(crm, erp, **{field: foreign[field]})
        response = alice.post(url("item_create", project), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        error = body.split(f'id="error_1_id_{field}"', 1)[1]
        assert error.split("</", 1)[0].strip().endswith(escape(CROSS_PROJECT_CHOICE))
        assert not FieldMapping.objects.exists()

    def test_a_viewer_is_refused(
        self, vera: Client, project: Project, crm: System, erp: System
    ) -> None:
        assert vera.get(url("item_create", project), **HX).status_code == 403
        assert vera.post(url("item_create", project), valid(crm, erp), **HX).status_code == 403
        assert not FieldMapping.objects.exists()


class TestUpdate:
    @pytest.fixture
    def mapping(self, project: Project, crm: System, erp: System) -> FieldMapping:
        return FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="Lead_Status__c",
            target_system=erp,
            target_field="CUSTOMER_STATUS",
        )

    def test_the_edit_form_replaces_the_row(
        self, alice: Client, project: Project, mapping: FieldMapping
    ) -> None:
        response = alice.get(url("item_update", project, mapping.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body)[0] == "tr"
        assert 'value="Lead_Status__c"' in body and 'name="revision"' in body

    def test_saving_replaces_the_form_with_the_row(
        self,
        alice: Client,
        project: Project,
        mapping: FieldMapping,
        crm: System,
        erp: System,
        status: Attribute,
    ) -> None:
        data = valid(
            crm,
            erp,
            transformation="Map stage names",
            attribute=status.pk,
            conflict_rule="never_overwrite",
            revision=mapping.revision,
        )
        response = alice.post(url("item_update", project, mapping.pk), data, **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert root(body) == ("tr", f"mapping-{mapping.pk}")
        assert "Map stage names" in body and "Never overwrite" in body
        mapping.refresh_from_db()
        assert mapping.attribute == status and mapping.revision == 2

    def test_saving_a_row_unchanged_is_not_a_duplicate_of_itself(
        self, alice: Client, project: Project, mapping: FieldMapping, crm: System, erp: System
    ) -> None:
        data = valid(crm, erp, revision=mapping.revision)
        assert alice.post(url("item_update", project, mapping.pk), data, **HX).status_code == 200

    def test_turning_a_row_into_another_rows_pair_is_refused(
        self,
        alice: Client,
        project: Project,
        mapping: FieldMapping,
        crm: System,
        erp: System,
    ) -> None:
        other = FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="Email",
            target_system=erp,
            target_field="EMAIL",
        )
        data = valid(crm, erp, source_field="Email", target_field="EMAIL", revision=1)
        response = alice.post(url("item_update", project, mapping.pk), data, **HX)
        assert response.status_code == 422
        assert MAPPING_TAKEN.format(mapping=other) in response.content.decode()
        mapping.refresh_from_db()
        assert mapping.source_field == "Lead_Status__c"

    def test_a_forged_system_is_refused_on_edit(
        self, alice: Client, project: Project, mapping: FieldMapping, crm: System, erp: System
    ) -> None:
        foreign = SystemFactory(name="Foreign")
        data = valid(crm, erp, target_system=foreign.pk, revision=mapping.revision)
        response = alice.post(url("item_update", project, mapping.pk), data, **HX)
        assert response.status_code == 422
        assert escape(CROSS_PROJECT_CHOICE) in response.content.decode()
        mapping.refresh_from_db()
        assert mapping.target_system == erp

    def test_cancel_returns_the_row(
        self, alice: Client, project: Project, mapping: FieldMapping
    ) -> None:
        response = alice.get(url("item_hx_row", project, mapping.pk), **HX)
        assert root(response.content.decode()) == ("tr", f"mapping-{mapping.pk}")

    def test_a_viewer_cannot_edit(
        self, vera: Client, project: Project, mapping: FieldMapping, crm: System, erp: System
    ) -> None:
        assert vera.get(url("item_update", project, mapping.pk), **HX).status_code == 403
        data = valid(crm, erp, source_field="Changed", revision=mapping.revision)
        assert vera.post(url("item_update", project, mapping.pk), data, **HX).status_code == 403
        mapping.refresh_from_db()
        assert mapping.source_field == "Lead_Status__c"


class TestDelete:
    def test_the_confirmation_names_the_mapping(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        mapping = FieldMappingFactory(
            project=project, source_system=crm, source_field="Email", target_system=erp
        )
        response = alice.get(url("item_delete", project, mapping.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert "Delete field mapping “Salesforce.Email → NetSuite." in body
        assert 'colspan="11"' in body

    def test_deleting_a_system_lists_its_mappings(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        FieldMappingFactory(
            project=project, source_system=crm, source_field="Email", target_system=erp
        )
        delete_system = reverse("blueprint:item_delete", args=[project.pk, "system", erp.pk])
        body = alice.get(delete_system, **HX).content.decode()
        assert "will be deleted with it" in body and "Salesforce.Email → NetSuite." in body

    def test_deleting_removes_the_row(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        mapping = FieldMappingFactory(project=project, source_system=crm, target_system=erp)
        response = alice.post(url("item_delete", project, mapping.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]
        assert not FieldMapping.objects.filter(pk=mapping.pk).exists()

    def test_a_viewer_and_an_outsider_cannot_delete(
        self, vera: Client, charlie: Client, project: Project, crm: System, erp: System
    ) -> None:
        mapping = FieldMappingFactory(project=project, source_system=crm, target_system=erp)
        assert vera.post(url("item_delete", project, mapping.pk), **HX).status_code == 403
        assert charlie.post(url("item_delete", project, mapping.pk), **HX).status_code == 404
        assert FieldMapping.objects.filter(pk=mapping.pk).exists()


class TestMappingForm:
    def _form(self, project: Project, data: dict[str, Any], **kwargs: Any) -> FieldMappingForm:
        return FieldMappingForm(data, project=project, **kwargs)

    def test_a_valid_mapping(self, project: Project, crm: System, erp: System) -> None:
        form = self._form(project, valid(crm, erp))
        assert form.is_valid(), form.errors

    def test_same_system_error_is_at_the_target_system(
        self, project: Project, crm: System, erp: System
    ) -> None:
        form = self._form(project, valid(crm, erp, target_system=crm.pk))
        assert not form.is_valid()
        assert form.errors == {"target_system": [SAME_SYSTEM]}

    def test_field_names_are_required_with_plain_messages(
        self, project: Project, crm: System, erp: System
    ) -> None:
        form = self._form(project, valid(crm, erp, source_field="", target_field=""))
        assert not form.is_valid()
        assert form.errors["source_field"] == [SOURCE_FIELD_REQUIRED]
        assert form.errors["target_field"] == [TARGET_FIELD_REQUIRED]

    def test_duplicate_ignores_case_and_spaces_and_is_at_the_target_field(
        self, project: Project, crm: System, erp: System
    ) -> None:
        existing = FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="Lead_Status__c",
            target_system=erp,
            target_field="CUSTOMER_STATUS",
        )
        form = self._form(project, valid(crm, erp, target_field=" customer_status "))
        assert not form.is_valid()
        assert form.errors == {"target_field": [MAPPING_TAKEN.format(mapping=existing)]}
        assert self._form(project, valid(crm, erp), instance=existing).is_valid()

    def test_a_duplicate_in_another_project_does_not_count(
        self, project: Project, crm: System, erp: System
    ) -> None:
        FieldMappingFactory(source_field="Lead_Status__c", target_field="CUSTOMER_STATUS")
        assert self._form(project, valid(crm, erp)).is_valid()

    def test_attributes_are_grouped_by_entity_in_one_query(
        self, project: Project, status: Attribute, erp: System
    ) -> None:
        invoice = EntityFactory(project=project, name="Invoice", home_system=erp)
        AttributeFactory(entity=invoice, name="Amount")
        AttributeFactory(entity=invoice, name="Due date")
        AttributeFactory(name="Elsewhere")
        form = FieldMappingForm(project=project)
        with CaptureQueriesContext(connection) as queries:
            html = str(form["attribute"])
        assert len(queries) == 1
        assert elements(html, "optgroup", label="Invoice") and "Elsewhere" not in html
        choices = list(form.fields["attribute"].choices)
        groups = {label: [name for _, name in options] for label, options in choices[1:]}
        assert groups == {"Customer": ["Lifecycle status"], "Invoice": ["Amount", "Due date"]}


class TestFilterForm:
    def test_it_keeps_valid_filters_and_drops_unknown_ones(
        self, project: Project, crm: System, status: Attribute
    ) -> None:
        entity = status.entity
        form = MappingFilterForm(
            {"system": str(crm.pk), "entity": "999", "q": " mail ", "incomplete": "on"},
            systems=[crm],
            entities=[entity],
        )
        assert form.filters() == {"system": crm, "entity": None, "text": "mail", "incomplete": True}

    def test_no_attribute_is_a_filter_of_its_own(self, project: Project) -> None:
        form = MappingFilterForm({"entity": "none"}, systems=[], entities=[])
        assert form.filters()["entity"] == "none"


class TestSortingAndLayout:
    def test_the_sheet_sorts_by_any_column_both_ways_and_keeps_filters(
        self, alice: Client, project: Project
    ) -> None:
        crm = SystemFactory(project=project, name="CRM")
        erp = SystemFactory(project=project, name="ERP")
        for field in ("b_field", "a_field", "c_field"):
            FieldMappingFactory(
                project=project, source_system=crm, target_system=erp, target_field=field
            )
        url = page_url(project)
        up = alice.get(url + "?sort=target")
        assert [m.target_field for m in up.context["mappings"]] == ["a_field", "b_field", "c_field"]
        down = alice.get(url + "?sort=-target")
        assert [m.target_field for m in down.context["mappings"]] == [
            "c_field",
            "b_field",
            "a_field",
        ]
        body = up.content.decode()
        [sorted_header] = elements(body, "th", aria_sort="ascending")
        assert elements(body, "a", class_="sort-link", href=f"{url}?sort=-target")
        # Filtering keeps the order: the filter bar carries it.
        assert elements(body, "input", type="hidden", name="sort", value="target")
        assert alice.get(url + "?sort=nonsense").status_code == 200

    def test_field_names_wrap_only_after_their_separators(
        self, alice: Client, project: Project
    ) -> None:
        crm = SystemFactory(project=project, name="CRM")
        erp = SystemFactory(project=project, name="ERP")
        FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="Account.Customer_Tier__c",
            target_system=erp,
            target_field="<b>KNVV</b>-KLABC",
        )
        body = alice.get(page_url(project)).content.decode()
        assert "Account.<wbr>Customer_<wbr>Tier_<wbr>_<wbr>c" in body
        assert "&lt;b&gt;KNVV&lt;/<wbr>b&gt;-<wbr>KLABC" in body  # escaped first


def test_the_next_mapping_starts_with_the_systems_of_the_last_one(
    alice: Client, project: Project
) -> None:
    crm = SystemFactory(project=project, name="CRM")
    erp = SystemFactory(project=project, name="ERP")
    FieldMappingFactory(project=project, source_system=erp, target_system=crm)
    body = alice.get(page_url(project)).content.decode()
    [add] = [a for a in elements(body, "a") if "initial_source_system" in (a.get("href") or "")]
    assert f"?initial_source_system={erp.pk}&initial_target_system={crm.pk}" in add["href"]
    form = alice.get(add["href"], **HX).content.decode()
    assert elements(form, "option", value=str(erp.pk), selected=None)
    assert elements(form, "option", value=str(crm.pk), selected=None)
