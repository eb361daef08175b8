"""The delivery plan page: phases, API contract checklist per system, audit record."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.delivery import (
    CONTRACT_PROMPTS,
    DONE_NEEDS_NOTE,
    AuditForm,
    ContractForm,
    PhaseForm,
)
from blueprint.membership import phases_create
from blueprint.models import (
    AuditItem,
    AuditTopic,
    ContractItem,
    ContractTopic,
    DeliveryPhase,
    Phase,
    Project,
    System,
)
from blueprint.rules import AUDIT_TOPIC_TAKEN, CONTRACT_TOPIC_TAKEN, PHASE_ALREADY_PLANNED
from tests.conftest import HX
from tests.factories import (
    AuditItemFactory,
    ContractItemFactory,
    SystemFactory,
)
from tests.html import element, elements, is_full_page, oob_ids, root, root_classes

pytestmark = pytest.mark.django_db


def page(project: Project) -> str:
    return reverse("blueprint:delivery", args=[project.pk])


def url(name: str, project: Project, kind: str, *args: object) -> str:
    return reverse(f"blueprint:{name}", args=[project.pk, kind, *args])


def group(body: str, group_id: str) -> str:
    """The HTML of one checklist cell (its <tbody>)."""
    match = re.search(rf'<tbody class="topic-group" id="{group_id}">(.*?)</tbody>', body, re.S)
    assert match, f"no cell {group_id}"
    return match.group(1)


@pytest.fixture
def crm(project: Project) -> System:
    return SystemFactory(project=project, name="Salesforce")


@pytest.fixture
def phases(project: Project) -> dict[str, DeliveryPhase]:
    phases_create(project=project)
    return {p.phase: p for p in DeliveryPhase.objects.filter(project=project)}


class TestPage:
    def test_a_member_sees_the_advisory_plan(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase], crm: System
    ) -> None:
        response = alice.get(page(project))
        body = response.content.decode()
        assert response.status_code == 200 and is_full_page(response)
        assert "advisory" in body and "never blocks sign-off" in body
        assert "API contract checklist" in body and "Audit record" in body

    def test_the_four_phases_come_in_order(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        body = alice.get(page(project)).content.decode()
        positions = [body.index(f'id="phase-{phases[p].pk}"') for p in Phase]
        assert positions == sorted(positions)
        assert "0 of 4 with exit criteria" in body
        assert body.count("no exit criteria yet") == 4

    def test_a_phase_shows_scope_exit_criteria_and_date(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        phase = phases[Phase.WRITE_PATH]
        phase.scope = "Create leads in the ERP"
        phase.exit_criteria = "A week of clean leads"
        phase.target_date = "2026-03-01"
        phase.save()
        body = alice.get(page(project)).content.decode()
        row = group(body, "phase-group-write_path")
        assert "Create leads in the ERP" in row and "A week of clean leads" in row
        assert "1 Mar 2026" in row
        assert "1 of 4 with exit criteria" in body

    def test_phases_have_no_add_or_delete_buttons(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        body = alice.get(page(project)).content.decode()
        assert url("item_update", project, "phase", phases[Phase.ROLLOUT].pk) in body
        assert "/items/phase/new/" not in body
        assert not re.search(r"/items/phase/\d+/delete/", body)
        assert "/delete/" not in group(body, "phase-group-rollout")

    def test_a_missing_phase_is_shown_as_not_planned_yet(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        phases[Phase.EXCEPTIONS].delete()
        body = alice.get(page(project)).content.decode()
        cell = group(body, "phase-group-exceptions")
        assert "not planned yet" in cell
        assert url("item_create", project, "phase") + "?initial_phase=exceptions" in cell
        assert "not planned yet" not in group(body, "phase-group-rollout")

    def test_each_system_gets_the_six_contract_topics(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        erp = SystemFactory(project=project, name="NetSuite")
        ContractItemFactory(system=crm, topic=ContractTopic.RATE_LIMITS, note="100/min", done=True)
        ContractItemFactory(system=crm, topic=ContractTopic.AUTH, note="OAuth", done=False)
        body = alice.get(page(project)).content.decode()
        for system in (crm, erp):
            for topic in ContractTopic:
                group(body, f"contract-cell-{system.pk}-{topic.value}")
        rate = group(body, f"contract-cell-{crm.pk}-rate_limits")
        assert "100/min" in rate and "✓ done" in rate
        assert "open" in group(body, f"contract-cell-{crm.pk}-auth")
        assert re.search(rf'id="contract-progress-{crm.pk}"[^>]*>1 of 6 done<', body)
        assert re.search(rf'id="contract-progress-{erp.pk}"[^>]*>0 of 6 done<', body)

    def test_an_undiscussed_topic_offers_to_add_a_note_in_its_cell(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        body = alice.get(page(project)).content.decode()
        cell = unescape(group(body, f"contract-cell-{crm.pk}-versioning"))
        assert "not discussed" in cell and CONTRACT_PROMPTS[ContractTopic.VERSIONING] in cell
        create = url("item_create", project, "contract")
        assert elements(
            cell,
            hx_get=f"{create}?initial_system={crm.pk}&initial_topic=versioning",
            hx_target="closest tbody",
            hx_swap="beforeend",
        )

    def test_a_discussed_topic_keeps_its_placeholder_for_after_a_delete(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        item = ContractItemFactory(system=crm, topic=ContractTopic.PAYLOADS)
        cell = group(alice.get(page(project)).content.decode(), f"contract-cell-{crm.pk}-payloads")
        # The placeholder comes first and is hidden by CSS while the item sits next to it.
        assert cell.index("item-placeholder") < cell.index(f'id="contract-{item.pk}"')

    def test_the_audit_checklist_lists_the_seven_topics(
        self, alice: Client, project: Project
    ) -> None:
        item = AuditItemFactory(project=project, topic=AuditTopic.OUTCOME, note="Logged")
        body = alice.get(page(project)).content.decode()
        for topic in AuditTopic:
            group(body, f"audit-cell-{topic.value}")
        assert f'id="audit-{item.pk}"' in group(body, "audit-cell-outcome")
        retry = unescape(group(body, "audit-cell-retry_history"))
        assert "not decided" in retry
        assert url("item_create", project, "audit") + "?initial_topic=retry_history" in retry
        assert re.search(r'id="audit-progress"[^>]*>1 of 7 done<', body)

    def test_without_systems_it_says_where_to_add_them(
        self, alice: Client, project: Project
    ) -> None:
        body = alice.get(page(project)).content.decode()
        assert "No systems yet" in body
        assert reverse("blueprint:project_detail", args=[project.pk]) in body

    def test_an_editor_gets_the_progress_refresher(
        self, bob: Client, project: Project, crm: System
    ) -> None:
        body = bob.get(page(project)).content.decode()
        # The refresher asks for the "delivery-progress" piece, which carries every
        # count, this system's included, out of band (and nothing else of the page).
        refresher = element(body, "delivery-progress")
        assert refresher["hx-trigger"] == "blueprint-changed from:body"
        assert refresher["hx-get"] == page(project)
        piece = bob.get(page(project), HTTP_HX_TARGET="delivery-progress", **HX)
        piece_body = piece.content.decode()
        assert {f"contract-progress-{crm.pk}", "phase-progress", "audit-progress"} <= oob_ids(
            piece_body
        )
        assert not is_full_page(piece) and not elements(piece_body, "table")

    def test_the_htmx_refresh_gets_the_page_with_the_counts(
        self, bob: Client, project: Project, crm: System
    ) -> None:
        body = bob.get(page(project), **HX).content.decode()
        assert f'id="contract-progress-{crm.pk}"' in body and 'id="audit-progress"' in body

    def test_a_viewer_sees_everything_but_no_edit_controls(
        self, vera: Client, project: Project, phases: dict[str, DeliveryPhase], crm: System
    ) -> None:
        ContractItemFactory(system=crm, note="OAuth client credentials")
        AuditItemFactory(project=project, note="Kept 90 days")
        response = vera.get(page(project))
        body = response.content.decode()
        assert response.status_code == 200
        assert "OAuth client credentials" in body and "Kept 90 days" in body
        assert "not discussed" in body and "not decided" in body
        assert "/items/" not in body and "Add note" not in body and ">Edit<" not in body
        assert "delivery-progress-refresh" not in body

    def test_a_frozen_project_shows_no_edit_controls(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase], crm: System
    ) -> None:
        Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
        body = alice.get(page(project)).content.decode()
        assert "/items/" not in body and "Add note" not in body

    def test_it_refuses_post(self, alice: Client, project: Project) -> None:
        assert alice.post(page(project)).status_code == 405

    @staticmethod
    def _add_systems(project: Project, count: int) -> None:
        for _ in range(count):
            system = SystemFactory(project=project)
            for topic in ContractTopic:
                ContractItemFactory(system=system, topic=topic)

    def test_the_page_loads_in_a_fixed_number_of_queries(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        for topic in AuditTopic:
            AuditItemFactory(project=project, topic=topic)
        self._add_systems(project, 5)
        with CaptureQueriesContext(connection) as small:
            assert alice.get(page(project)).status_code == 200
        self._add_systems(project, 45)
        with CaptureQueriesContext(connection) as large:
            response = alice.get(page(project))
        assert response.status_code == 200
        assert response.content.decode().count("✓ done") == 50 * 6 + 7
        assert len(small) == len(large)


class TestPhaseEditor:
    def test_the_edit_form_has_no_phase_field(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        phase = phases[Phase.READ_ONLY]
        response = alice.get(url("item_update", project, "phase", phase.pk), **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body)[0] == "tr" and "item-form" in root_classes(body) and 'colspan="5"' in body
        assert 'name="scope"' in body and 'name="exit_criteria"' in body
        assert 'name="phase"' not in body and 'type="date"' in body
        assert "proves connectivity" in body

    def test_saving_answers_with_the_row(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        phase = phases[Phase.ROLLOUT]
        data = {
            "scope": "All entities",
            "exit_criteria": "Ops signs off",
            "target_date": "2026-09-30",
            "revision": phase.revision,
            "phase": Phase.READ_ONLY,  # ignored: a phase keeps its place
        }
        response = alice.post(url("item_update", project, "phase", phase.pk), data, **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tr", f"phase-{phase.pk}") and "item-row" in root_classes(body)
        assert "Ops signs off" in body and "30 Sep 2026" in body
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]
        phase.refresh_from_db()
        assert phase.phase == Phase.ROLLOUT and phase.exit_criteria == "Ops signs off"

    def test_a_bad_date_is_refused_at_the_field(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        phase = phases[Phase.WRITE_PATH]
        data = {"scope": "Leads only", "target_date": "soon", "revision": phase.revision}
        response = alice.post(url("item_update", project, "phase", phase.pk), data, **HX)
        body = response.content.decode()
        assert response.status_code == 422
        assert "Enter a valid date." in body and 'value="soon"' in body and "is-invalid" in body
        assert "Leads only" in body
        phase.refresh_from_db()
        assert phase.scope == "" and phase.target_date is None

    def test_a_missing_phase_can_be_planned_again(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        phases[Phase.EXCEPTIONS].delete()
        form = alice.get(url("item_create", project, "phase") + "?initial_phase=exceptions", **HX)
        assert elements(form.content.decode(), "option", value="exceptions", selected=None)
        data = {"phase": "exceptions", "scope": "Dead letters", "exit_criteria": "Alerts work"}
        response = alice.post(url("item_create", project, "phase"), data, **HX)
        created = DeliveryPhase.objects.get(project=project, phase=Phase.EXCEPTIONS)
        assert response.status_code == 200
        assert root(response.content.decode()) == ("tr", f"phase-{created.pk}")

    def test_a_phase_that_exists_cannot_be_added_twice(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        data = {"phase": "rollout", "scope": "Again"}
        response = alice.post(url("item_create", project, "phase"), data, **HX)
        assert response.status_code == 422
        assert PHASE_ALREADY_PLANNED in response.content.decode()
        assert DeliveryPhase.objects.filter(project=project).count() == 4

    def test_a_viewer_cannot_edit_a_phase(
        self, vera: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        phase = phases[Phase.READ_ONLY]
        assert vera.get(url("item_update", project, "phase", phase.pk), **HX).status_code == 403
        data = {"scope": "Viewer's scope", "revision": phase.revision}
        response = vera.post(url("item_update", project, "phase", phase.pk), data, **HX)
        assert response.status_code == 403
        phase.refresh_from_db()
        assert phase.scope == ""

    def test_cancel_returns_the_row(
        self, alice: Client, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        phase = phases[Phase.READ_ONLY]
        response = alice.get(url("item_hx_row", project, "phase", phase.pk), **HX)
        assert root(response.content.decode()) == ("tr", f"phase-{phase.pk}")


class TestContractEditor:
    def test_the_new_form_is_preset_to_its_cell(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        query = f"?initial_system={crm.pk}&initial_topic=retries"
        response = alice.get(url("item_create", project, "contract") + query, **HX)
        body = unescape(response.content.decode())
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body)[0] == "tr" and "item-form" in root_classes(body) and 'colspan="4"' in body
        assertInHTML(f'<option value="{crm.pk}" selected>Salesforce</option>', body)
        assert elements(body, "option", value="retries", selected=None)
        assert CONTRACT_PROMPTS[ContractTopic.RETRIES] in body

    def test_saving_answers_with_the_row_for_the_cell(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        data = {"system": crm.pk, "topic": "retries", "note": "3 tries, back-off", "done": "on"}
        response = alice.post(url("item_create", project, "contract"), data, **HX)
        item = ContractItem.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tr", f"contract-{item.pk}") and "item-row" in root_classes(body)
        assert "3 tries, back-off" in body and "✓ done" in body
        assert "blueprint-changed" in response["HX-Trigger-After-Settle"]
        assert item.system == crm and item.topic == ContractTopic.RETRIES and item.done

    def test_without_htmx_saving_redirects_to_the_item(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        data = {"system": crm.pk, "topic": "auth", "note": ""}
        response = alice.post(url("item_create", project, "contract"), data)
        item = ContractItem.objects.get(project=project)
        assert response.status_code == 302
        assert response["Location"].endswith(f"{page(project)}#contract-{item.pk}")

    def test_a_topic_already_discussed_is_refused_at_the_field(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        ContractItemFactory(system=crm, topic=ContractTopic.VERSIONING)
        data = {"system": crm.pk, "topic": "versioning", "note": "v2 only"}
        response = alice.post(url("item_create", project, "contract"), data, **HX)
        body = unescape(response.content.decode())
        assert response.status_code == 422
        expected = CONTRACT_TOPIC_TAKEN.format(system="Salesforce", topic="Versioning")
        assert expected in body and "v2 only" in body and "is-invalid" in body
        assert ContractItem.objects.count() == 1

    def test_the_same_topic_for_another_system_is_fine(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        ContractItemFactory(system=crm, topic=ContractTopic.VERSIONING)
        erp = SystemFactory(project=project, name="NetSuite")
        data = {"system": erp.pk, "topic": "versioning", "note": "v2 only"}
        assert alice.post(url("item_create", project, "contract"), data, **HX).status_code == 200

    def test_done_without_a_note_is_refused(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        data = {"system": crm.pk, "topic": "payloads", "note": "  ", "done": "on"}
        response = alice.post(url("item_create", project, "contract"), data, **HX)
        body = unescape(response.content.decode())
        assert response.status_code == 422
        assert DONE_NEEDS_NOTE in body and "checked" in body
        assert not ContractItem.objects.exists()

    def test_an_unknown_topic_is_refused(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        data = {"system": crm.pk, "topic": "pagination", "note": "Cursor based"}
        response = alice.post(url("item_create", project, "contract"), data, **HX)
        assert response.status_code == 422 and "Select a valid choice" in response.content.decode()
        assert not ContractItem.objects.exists()

    def test_another_projects_system_is_refused(self, alice: Client, project: Project) -> None:
        foreign = SystemFactory(name="Foreign CRM")
        data = {"system": foreign.pk, "topic": "auth", "note": "Stolen"}
        response = alice.post(url("item_create", project, "contract"), data, **HX)
        assert response.status_code == 422
        assert CROSS_PROJECT_CHOICE in unescape(response.content.decode())
        assert not ContractItem.objects.exists()

    def test_the_edit_form_keeps_the_item_in_its_cell(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        item = ContractItemFactory(system=crm, topic=ContractTopic.AUTH, note="OAuth")
        response = alice.get(url("item_update", project, "contract", item.pk), **HX)
        body = unescape(response.content.decode())
        assert response.status_code == 200 and not is_full_page(response)
        assert 'name="system"' not in body and 'name="topic"' not in body
        assert "OAuth" in body and CONTRACT_PROMPTS[ContractTopic.AUTH] in body

    def test_editing_saves_note_and_done(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        item = ContractItemFactory(system=crm, topic=ContractTopic.AUTH, note="OAuth", done=True)
        data = {"note": "OAuth, rotate yearly", "revision": item.revision, "topic": "payloads"}
        response = alice.post(url("item_update", project, "contract", item.pk), data, **HX)
        body = response.content.decode()
        assert response.status_code == 200
        assert root(body) == ("tr", f"contract-{item.pk}") and "item-row" in root_classes(body)
        assert "open" in body
        item.refresh_from_db()
        assert item.note == "OAuth, rotate yearly" and not item.done
        assert item.topic == ContractTopic.AUTH

    def test_deleting_asks_then_removes_the_row(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        item = ContractItemFactory(system=crm, topic=ContractTopic.AUTH)
        confirm = alice.get(url("item_delete", project, "contract", item.pk), **HX)
        body = unescape(confirm.content.decode())
        assert confirm.status_code == 200 and not is_full_page(confirm)
        assert "Delete API contract item “Salesforce: Authentication lifecycle”?" in body
        assert "Nothing else in the blueprint refers to it." in body
        response = alice.post(url("item_delete", project, "contract", item.pk), **HX)
        assert response.status_code == 200 and response.content == b""
        assert not ContractItem.objects.exists()

    def test_a_viewer_is_refused(self, vera: Client, project: Project, crm: System) -> None:
        data = {"system": crm.pk, "topic": "auth", "note": "x"}
        assert vera.get(url("item_create", project, "contract"), **HX).status_code == 403
        assert vera.post(url("item_create", project, "contract"), data, **HX).status_code == 403
        item = ContractItemFactory(system=crm, topic=ContractTopic.PAYLOADS, note="JSON")
        edit = {"note": "Changed", "revision": item.revision}
        update = url("item_update", project, "contract", item.pk)
        assert vera.post(update, edit, **HX).status_code == 403
        delete = url("item_delete", project, "contract", item.pk)
        assert vera.post(delete, **HX).status_code == 403
        item.refresh_from_db()
        assert item.note == "JSON" and ContractItem.objects.count() == 1


class TestAuditEditor:
    def test_the_new_form_is_preset_to_its_topic(self, alice: Client, project: Project) -> None:
        response = alice.get(url("item_create", project, "audit") + "?initial_topic=outcome", **HX)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert elements(body, "option", value="outcome", selected=None)

    def test_saving_answers_with_the_row(self, alice: Client, project: Project) -> None:
        data = {"topic": "failure_reason", "note": "Plain words", "done": "on"}
        response = alice.post(url("item_create", project, "audit"), data, **HX)
        item = AuditItem.objects.get(project=project)
        body = response.content.decode()
        assert response.status_code == 200 and not is_full_page(response)
        assert root(body) == ("tr", f"audit-{item.pk}") and "item-row" in root_classes(body)
        assert "Plain words" in body and item.topic == AuditTopic.FAILURE_REASON

    def test_a_topic_already_decided_is_refused(self, alice: Client, project: Project) -> None:
        AuditItemFactory(project=project, topic=AuditTopic.ACTION)
        data = {"topic": "action", "note": "Create or update"}
        response = alice.post(url("item_create", project, "audit"), data, **HX)
        body = unescape(response.content.decode())
        assert response.status_code == 422
        assert AUDIT_TOPIC_TAKEN.format(topic="Action taken") in body
        assert "Create or update" in body
        assert AuditItem.objects.count() == 1

    def test_the_same_topic_in_another_project_is_fine(
        self, alice: Client, project: Project
    ) -> None:
        AuditItemFactory(topic=AuditTopic.ACTION)
        data = {"topic": "action", "note": "Create or update"}
        assert alice.post(url("item_create", project, "audit"), data, **HX).status_code == 200

    def test_done_without_a_note_is_refused(self, alice: Client, project: Project) -> None:
        data = {"topic": "outcome", "note": "", "done": "on"}
        response = alice.post(url("item_create", project, "audit"), data, **HX)
        assert response.status_code == 422
        assert DONE_NEEDS_NOTE in unescape(response.content.decode())
        assert not AuditItem.objects.exists()

    def test_editing_saves_the_note(self, alice: Client, project: Project) -> None:
        item = AuditItemFactory(project=project, topic=AuditTopic.RETRY_HISTORY, done=False)
        form = alice.get(url("item_update", project, "audit", item.pk), **HX).content.decode()
        assert 'name="topic"' not in form
        data = {"note": "Each retry with time", "done": "on", "revision": item.revision}
        response = alice.post(url("item_update", project, "audit", item.pk), data, **HX)
        assert response.status_code == 200 and "✓ done" in response.content.decode()
        item.refresh_from_db()
        assert item.done and item.note == "Each retry with time"

    def test_deleting_removes_it(self, alice: Client, project: Project) -> None:
        item = AuditItemFactory(project=project)
        confirm = alice.get(url("item_delete", project, "audit", item.pk), **HX)
        assert "Delete audit record item “Source record ID”?" in unescape(confirm.content.decode())
        response = alice.post(url("item_delete", project, "audit", item.pk), **HX)
        assert response.status_code == 200 and not AuditItem.objects.exists()

    def test_a_viewer_is_refused(self, vera: Client, project: Project) -> None:
        data = {"topic": "outcome", "note": "x"}
        assert vera.post(url("item_create", project, "audit"), data, **HX).status_code == 403
        assert not AuditItem.objects.exists()


class TestForms:
    def test_a_phase_keeps_its_phase_when_edited(
        self, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        form = PhaseForm(project=project, instance=phases[Phase.READ_ONLY])
        assert "phase" not in form.fields
        assert "proves connectivity" in form.fields["scope"].help_text

    def test_a_new_phase_must_be_missing(
        self, project: Project, phases: dict[str, DeliveryPhase]
    ) -> None:
        form = PhaseForm({"phase": "read_only"}, project=project)
        assert form.errors["phase"] == [PHASE_ALREADY_PLANNED]

    def test_a_contract_item_keeps_its_cell_when_edited(
        self, project: Project, crm: System
    ) -> None:
        item = ContractItemFactory(system=crm)
        form = ContractForm(project=project, instance=item)
        assert "system" not in form.fields and "topic" not in form.fields

    def test_the_note_prompt_follows_the_topic(self, project: Project) -> None:
        form = ContractForm(project=project, initial={"topic": "values"})
        assert form.fields["note"].help_text == CONTRACT_PROMPTS[ContractTopic.VALUES]
        bound = ContractForm({"topic": "auth"}, project=project)
        assert bound.fields["note"].help_text == CONTRACT_PROMPTS[ContractTopic.AUTH]

    def test_a_duplicate_contract_topic_is_a_topic_error(
        self, project: Project, crm: System
    ) -> None:
        ContractItemFactory(system=crm, topic=ContractTopic.PAYLOADS)
        form = ContractForm({"system": crm.pk, "topic": "payloads", "note": "x"}, project=project)
        assert list(form.errors) == ["topic"]

    def test_an_open_item_needs_no_note(self, project: Project) -> None:
        assert AuditForm({"topic": "outcome", "note": ""}, project=project).is_valid()

    def test_a_done_item_needs_a_note(self, project: Project) -> None:
        form = AuditForm({"topic": "outcome", "note": "", "done": "on"}, project=project)
        assert form.errors["note"] == [DONE_NEEDS_NOTE]


def test_a_phase_cannot_be_deleted_even_by_a_forged_post(alice, project) -> None:  # noqa: ANN001
    from blueprint.membership import phases_create
    from blueprint.models import DeliveryPhase

    phases_create(project=project)
    phase = DeliveryPhase.objects.filter(project=project).first()
    url = reverse("blueprint:item_delete", args=[project.pk, "phase", phase.pk])
    assert alice.post(url).status_code == 403
    assert DeliveryPhase.objects.filter(pk=phase.pk).exists()
