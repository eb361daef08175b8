"""The mapping grid's writes: a cell in place, the new row, ticked rows, pasted rows."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from blueprint.forms.base import CROSS_PROJECT_CHOICE
from blueprint.forms.field_mappings import (
    BULK_NOTHING_CHOSEN,
    BULK_NOTHING_TICKED,
    SOURCE_FIELD_REQUIRED,
)
from blueprint.interchange.sheet_paste import PASTE_TOO_WIDE
from blueprint.models import ActivityEntry, Attribute, FieldMapping, Project, System
from blueprint.rules import MAPPING_TAKEN, SAME_SYSTEM
from blueprint.views.mapping_grid import CELL_CHANGED
from tests.conftest import HX
from tests.factories import (
    AttributeFactory,
    EntityFactory,
    FieldMappingFactory,
    ProjectFactory,
    SystemFactory,
)
from tests.html import element, elements, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm(project: Project) -> System:
    return SystemFactory(project=project, name="Salesforce")


@pytest.fixture
def erp(project: Project) -> System:
    return SystemFactory(project=project, name="NetSuite")


@pytest.fixture
def status(project: Project, crm: System) -> Attribute:
    customer = EntityFactory(project=project, name="Customer", home_system=crm)
    return AttributeFactory(entity=customer, name="Lifecycle status")


@pytest.fixture
def mapping(project: Project, crm: System, erp: System) -> FieldMapping:
    return FieldMappingFactory(
        project=project,
        source_system=crm,
        source_field="Lead_Status__c",
        target_system=erp,
        target_field="CUSTOMER_STATUS",
        transformation="Copied.",
        required=True,
        conflict_rule="source_wins",
        direction="one_way",
    )


def grid_url(name: str, project: Project, *args: object) -> str:
    return reverse(f"blueprint:mapping_hx_{name}", args=[project.pk, *args])


def chosen(body: str, name: str) -> str:
    """The value of the selected option of the select called `name`."""
    select = re.search(rf'<select name="{re.escape(name)}".*?</select>', body, re.S)
    assert select, name
    option = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(0))
    return option.group(1) if option else ""


def inner(body: str, tag: str, **attrs: str) -> str:
    """The markup inside the first `tag` element whose opening tag has these attributes."""
    wanted = "".join(rf'(?=[^>]*\b{k}="{re.escape(v)}")' for k, v in attrs.items())
    found = re.search(rf"<{tag}\b{wanted}[^>]*>(.*?)</{tag}>", body, re.S)
    assert found, (tag, attrs)
    return found.group(1)


def answer(response: Any) -> dict[str, Any]:
    assert response["Content-Type"] == "application/json", response.content[:200]
    return json.loads(response.content)


def edit(
    client: Client, mapping: FieldMapping, field: str, value: str, original: str | None = None
) -> Any:
    data = {"field": field, "value": value}
    if original is not None:
        data["original"] = original
    return client.post(grid_url("cell", mapping.project, mapping.pk), data, **HX)


class TestThePage:
    def test_an_editor_gets_the_grid_with_its_new_row_and_tools(
        self, alice: Client, project: Project, mapping: FieldMapping
    ) -> None:
        body = alice.get(reverse("blueprint:mappings", args=[project.pk])).content.decode()
        table = element(body, "mapping-table")
        assert table["role"] == "grid" and "data-editable" in table
        row = inner(body, "tr", id=f"mapping-{mapping.pk}")
        cells = {td["data-field"]: td for td in elements(row, "td") if td.get("data-field")}
        assert list(cells) == [
            "source_system",
            "source_field",
            "target_system",
            "target_field",
            "transformation",
            "required",
            "conflict_rule",
            "direction",
            "attribute",
        ]
        assert cells["source_system"]["data-value"] == str(mapping.source_system_id)
        assert cells["required"]["data-value"] == "true"
        assert cells["attribute"]["data-value"] == ""
        # The new row starts with the last mapping's systems, rule and direction.
        new = inner(body, "tr", id="mapping-new")
        assert chosen(new, "new-source_system") == str(mapping.source_system_id)
        assert chosen(new, "new-conflict_rule") == "source_wins"
        [field] = elements(new, "input", name="new-source_field")
        assert field["form"] == "mapping-new-form"
        assert field["aria-label"] == "New mapping: Source field"
        assert elements(body, "form", id="mapping-bulk")
        assert elements(body, "form", id="mapping-paste-form")
        assert elements(body, "input", type="checkbox", name="ids", value=str(mapping.pk))

    def test_a_viewer_gets_the_sheet_without_any_editing(
        self, vera: Client, project: Project, mapping: FieldMapping
    ) -> None:
        body = vera.get(reverse("blueprint:mappings", args=[project.pk])).content.decode()
        assert "data-editable" not in element(body, "mapping-table")
        assert not elements(body, "tr", id="mapping-new")
        assert not elements(body, "form", id="mapping-bulk")
        assert not elements(body, "input", name="ids")


class TestCell:
    def test_a_text_cell_is_saved_and_its_row_comes_back(
        self, alice: Client, mapping: FieldMapping
    ) -> None:
        response = edit(alice, mapping, "transformation", "Trimmed.", original="Copied.")
        assert response.status_code == 200
        row = inner(answer(response)["rows"], "tr", id=f"mapping-{mapping.pk}")
        assert "Trimmed." in visible_text(row)
        mapping.refresh_from_db()
        assert mapping.transformation == "Trimmed." and mapping.revision == 2
        entry = ActivityEntry.objects.get(item_pk=mapping.pk)
        assert entry.action == "updated" and entry.kind_slug == "mapping"

    def test_choices_and_the_yes_no_cell(
        self, alice: Client, mapping: FieldMapping, status: Attribute
    ) -> None:
        assert edit(alice, mapping, "conflict_rule", "manual_review").status_code == 200
        assert edit(alice, mapping, "required", "false").status_code == 200
        assert edit(alice, mapping, "attribute", str(status.pk)).status_code == 200
        assert edit(alice, mapping, "direction", "").status_code == 200
        mapping.refresh_from_db()
        assert mapping.conflict_rule == "manual_review" and mapping.required is False
        assert mapping.attribute == status and mapping.direction == ""
        # The other values of the row are untouched.
        assert mapping.source_field == "Lead_Status__c" and mapping.transformation == "Copied."

    def test_the_forms_rules_refuse_a_bad_value_at_the_cell(
        self, alice: Client, project: Project, mapping: FieldMapping, erp: System
    ) -> None:
        response = edit(alice, mapping, "source_field", "")
        assert response.status_code == 422
        assert answer(response)["error"] == SOURCE_FIELD_REQUIRED
        assert answer(response)["field"] == "source_field"
        response = edit(alice, mapping, "source_system", str(erp.pk))
        assert response.status_code == 422 and SAME_SYSTEM in answer(response)["error"]
        foreign = SystemFactory(project=ProjectFactory())
        response = edit(alice, mapping, "target_system", str(foreign.pk))
        assert response.status_code == 422 and answer(response)["error"] == CROSS_PROJECT_CHOICE
        response = edit(alice, mapping, "conflict_rule", "whoever_shouts")
        assert response.status_code == 422
        response = edit(alice, mapping, "target_system", "9" * 30)
        assert response.status_code == 422
        mapping.refresh_from_db()
        assert mapping.revision == 1 and mapping.source_field == "Lead_Status__c"
        assert not ActivityEntry.objects.filter(item_pk=mapping.pk).exists()

    def test_a_pair_already_on_the_sheet_is_refused(
        self, alice: Client, project: Project, mapping: FieldMapping, crm: System, erp: System
    ) -> None:
        other = FieldMappingFactory(
            project=project,
            source_system=crm,
            source_field="Email",
            target_system=erp,
            target_field="customer_status",
        )
        response = edit(alice, other, "source_field", "lead_status__c")
        assert response.status_code == 422
        assert answer(response)["error"].startswith(MAPPING_TAKEN.split("{")[0])

    def test_someone_elses_change_to_the_same_cell_is_not_overwritten(
        self, alice: Client, bob: Client, mapping: FieldMapping
    ) -> None:
        assert edit(bob, mapping, "transformation", "Bob's rule.", "Copied.").status_code == 200
        response = edit(alice, mapping, "transformation", "Alice's rule.", original="Copied.")
        assert response.status_code == 409
        data = answer(response)
        assert data["error"] == CELL_CHANGED.format(who="Bob", theirs="Bob's rule.")
        assert "Bob&#x27;s rule." in data["rows"] or "Bob's rule." in data["rows"]
        mapping.refresh_from_db()
        assert mapping.transformation == "Bob's rule."

    def test_a_change_to_another_cell_of_the_row_is_kept(
        self, alice: Client, bob: Client, mapping: FieldMapping
    ) -> None:
        assert edit(bob, mapping, "transformation", "Bob's rule.", "Copied.").status_code == 200
        response = edit(alice, mapping, "target_field", "STATUS", original="CUSTOMER_STATUS")
        assert response.status_code == 200
        mapping.refresh_from_db()
        assert mapping.transformation == "Bob's rule." and mapping.target_field == "STATUS"

    def test_only_the_grids_columns_can_be_edited(
        self, alice: Client, mapping: FieldMapping
    ) -> None:
        assert edit(alice, mapping, "scenarios", "1").status_code == 404
        assert edit(alice, mapping, "project", "1").status_code == 404

    def test_another_projects_mapping_is_not_found(
        self, alice: Client, project: Project, mapping: FieldMapping
    ) -> None:
        theirs = FieldMappingFactory()
        url = grid_url("cell", project, theirs.pk)
        response = alice.post(url, {"field": "source_field", "value": "x"}, **HX)
        assert response.status_code == 404

    def test_a_viewer_and_a_frozen_blueprint_are_refused(
        self, alice: Client, vera: Client, project: Project, mapping: FieldMapping
    ) -> None:
        assert edit(vera, mapping, "source_field", "x").status_code == 403
        Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
        assert edit(alice, mapping, "source_field", "x").status_code == 403
        mapping.refresh_from_db()
        assert mapping.source_field == "Lead_Status__c"

    def test_a_save_costs_a_fixed_number_of_queries(
        self, alice: Client, project: Project, mapping: FieldMapping
    ) -> None:
        edit(alice, mapping, "transformation", "warm-up")
        with CaptureQueriesContext(connection) as queries:
            assert edit(alice, mapping, "transformation", "Once more.").status_code == 200
        assert len(queries) <= 36, [q["sql"] for q in queries]


class TestNewRow:
    def data(self, crm: System, erp: System, **changes: Any) -> dict[str, Any]:
        values = {
            "new-source_system": crm.pk,
            "new-source_field": "Email",
            "new-target_system": erp.pk,
            "new-target_field": "EMAIL",
            "new-transformation": "",
            "new-conflict_rule": "target_wins",
            "new-direction": "bidirectional",
            "new-attribute": "",
        }
        values.update(changes)
        return values

    def test_it_adds_a_row_and_the_next_new_row_keeps_its_systems(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        response = alice.post(grid_url("add", project), self.data(erp, crm), **HX)
        assert response.status_code == 200
        data = answer(response)
        added = FieldMapping.objects.get(project=project)
        assert added.source_system == erp and added.conflict_rule == "target_wins"
        assert elements(data["rows"], "tr", id=f"mapping-{added.pk}")
        draft = data["draft"]
        assert chosen(draft, "new-source_system") == str(erp.pk)
        assert chosen(draft, "new-direction") == "bidirectional"
        [field] = elements(draft, "input", name="new-source_field")
        assert field.get("value") is None

    def test_a_refusal_is_shown_at_the_field(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        response = alice.post(grid_url("add", project), self.data(crm, crm), **HX)
        assert response.status_code == 422
        draft = answer(response)["draft"]
        [target] = elements(draft, "select", name="new-target_system")
        assert target["aria-invalid"] == "true"
        assert visible_text(inner(draft, "div", id=target["aria-describedby"])) == SAME_SYSTEM
        response = alice.post(
            grid_url("add", project), self.data(crm, erp, **{"new-source_field": ""}), **HX
        )
        assert SOURCE_FIELD_REQUIRED in answer(response)["draft"]
        # What was typed stays in the new row.
        [typed] = elements(answer(response)["draft"], "input", name="new-target_field")
        assert typed["value"] == "EMAIL"
        assert not FieldMapping.objects.exists()

    def test_without_script_it_redirects_or_shows_the_page_with_the_error(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        response = alice.post(grid_url("add", project), self.data(crm, erp))
        assert response.status_code == 302
        response = alice.post(grid_url("add", project), self.data(crm, erp))
        assert response.status_code == 422
        assert "<html" in response.content.decode()
        assert MAPPING_TAKEN.split("{")[0] in response.content.decode()
        assert FieldMapping.objects.count() == 1


class TestBulk:
    @pytest.fixture
    def rows(self, project: Project, crm: System, erp: System) -> list[FieldMapping]:
        return [
            FieldMappingFactory(
                project=project,
                source_system=crm,
                source_field=f"Field_{n}",
                target_system=erp,
                target_field=f"FIELD_{n}",
                conflict_rule="",
                direction="",
            )
            for n in range(3)
        ]

    def test_the_ticked_rows_change_together(
        self, alice: Client, project: Project, rows: list[FieldMapping]
    ) -> None:
        ticked = [rows[0].pk, rows[2].pk]
        data = {"ids": ticked, "bulk-conflict_rule": "manual_review", "bulk-direction": ""}
        response = alice.post(grid_url("bulk", project), data, **HX)
        assert response.status_code == 200
        answered = answer(response)
        assert answered["message"] == "Conflict rule “Manual review” set on 2 mappings."
        assert {tr["id"] for tr in elements(answered["rows"], "tr")} == {
            f"mapping-{pk}" for pk in ticked
        }
        rules = dict(FieldMapping.objects.values_list("pk", "conflict_rule"))
        assert rules == {rows[0].pk: "manual_review", rows[1].pk: "", rows[2].pk: "manual_review"}
        # Each row's change is in the log (and in the live feed) on its own.
        assert ActivityEntry.objects.filter(action="updated").count() == 2

    def test_nothing_ticked_or_nothing_chosen_is_said(
        self, alice: Client, project: Project, rows: list[FieldMapping]
    ) -> None:
        response = alice.post(grid_url("bulk", project), {"bulk-direction": "one_way"}, **HX)
        assert response.status_code == 422 and answer(response)["error"] == BULK_NOTHING_TICKED
        response = alice.post(grid_url("bulk", project), {"ids": [rows[0].pk]}, **HX)
        assert response.status_code == 422 and answer(response)["error"] == BULK_NOTHING_CHOSEN

    def test_another_projects_rows_or_garbage_are_refused(
        self, alice: Client, project: Project, rows: list[FieldMapping]
    ) -> None:
        theirs = FieldMappingFactory()
        for ids in ([rows[0].pk, theirs.pk], [rows[0].pk, "x"], ["9" * 30]):
            data = {"ids": ids, "bulk-direction": "one_way"}
            response = alice.post(grid_url("bulk", project), data, **HX)
            assert response.status_code == 422, ids
        data = {"ids": [rows[0].pk], "bulk-direction": "sideways"}
        assert alice.post(grid_url("bulk", project), data, **HX).status_code == 422
        assert not FieldMapping.objects.filter(direction="one_way").exclude(pk=theirs.pk).exists()

    def test_all_or_none(
        self, alice: Client, project: Project, rows: list[FieldMapping], crm: System, erp: System
    ) -> None:
        # A row the form would refuse as it is (no source field) stops the whole change.
        broken = FieldMappingFactory(
            project=project, source_system=crm, source_field="", target_system=erp
        )
        data = {"ids": [rows[0].pk, broken.pk], "bulk-conflict_rule": "target_wins"}
        response = alice.post(grid_url("bulk", project), data, **HX)
        assert response.status_code == 422
        assert str(broken) in answer(response)["error"]
        assert SOURCE_FIELD_REQUIRED in answer(response)["error"]
        assert not FieldMapping.objects.filter(conflict_rule="target_wins").exists()
        assert not ActivityEntry.objects.exists()

    def test_a_viewer_is_refused(
        self, vera: Client, project: Project, rows: list[FieldMapping]
    ) -> None:
        data = {"ids": [rows[0].pk], "bulk-direction": "one_way"}
        assert vera.post(grid_url("bulk", project), data, **HX).status_code == 403


class TestPaste:
    def preset(self, crm: System, erp: System) -> dict[str, Any]:
        return {
            "new-source_system": crm.pk,
            "new-target_system": erp.pk,
            "new-conflict_rule": "source_wins",
            "new-direction": "one_way",
        }

    def test_cells_fill_the_columns_from_where_they_land_and_the_rest_comes_from_the_new_row(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        # As the grid's columns run: source field, target system, target field, rule.
        text = (
            "Email\tNetSuite\tEMAIL\r\nPhone\t\tPHONE\r\n"
            "Lead_Status__c\tnetsuite\tSTATUS\tClosed Won becomes WON\r\n"
        )
        data = {"text": text, "start": "source_field", **self.preset(crm, erp)}
        response = alice.post(grid_url("paste", project), data, **HX)
        assert response.status_code == 200
        answered = answer(response)
        assert answered["message"] == "3 mappings created from the pasted rows."
        created = FieldMapping.objects.filter(project=project).order_by("pk")
        assert [(m.source_field, m.target_field) for m in created] == [
            ("Email", "EMAIL"),
            ("Phone", "PHONE"),
            ("Lead_Status__c", "STATUS"),
        ]
        assert {(m.source_system, m.target_system, m.conflict_rule) for m in created} == {
            (crm, erp, "source_wins")
        }
        assert created[2].transformation == "Closed Won becomes WON"
        assert len(elements(answered["rows"], "tr")) == 3
        # One entry in the log for the whole paste.
        [entry] = ActivityEntry.objects.all()
        assert (
            entry.action == "imported" and "3 field mappings from pasted rows" in entry.item_label
        )

    def test_rows_with_the_sheets_header_and_quoted_cells(
        self, alice: Client, project: Project, crm: System, erp: System, status: Attribute
    ) -> None:
        text = (
            "Source system\tSource field\tTarget system\tTarget field\tTransformation rule\t"
            "Required\tConflict rule\tSync direction\tEntity\tAttribute\n"
            'Salesforce\tStage\tNetSuite\tSTATUS\t"Won → WON\nLost → LOST"\tyes\tManual review\t'
            "Bidirectional\tCustomer\tLifecycle status\n"
        )
        response = alice.post(
            grid_url("paste", project), {"text": text, "start": "target_field"}, **HX
        )
        assert response.status_code == 200
        made = FieldMapping.objects.get(project=project)
        assert made.transformation == "Won → WON\nLost → LOST" and made.required
        assert made.conflict_rule == "manual_review" and made.attribute == status

    def test_bad_rows_create_nothing_and_are_listed_by_row(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        text = "Email\t\tEMAIL\n\t\tPHONE\nEmail\t\tEMAIL\n"
        data = {"text": text, "start": "source_field", **self.preset(crm, erp)}
        response = alice.post(grid_url("paste", project), data, **HX)
        assert response.status_code == 422
        panel = answer(response)["panel"]
        assert "open" in element(panel, "mapping-paste")
        problems = [visible_text(li) for li in re.findall(r"<li>(.*?)</li>", panel, re.S)]
        assert problems[0].startswith("Row 2, Source field (pasted column A):")
        assert problems[1].startswith("Row 3, Target field (pasted column C): Row 1 already")
        # The pasted text stays, to be fixed in place.
        assert inner(panel, "textarea", name="text").startswith("Email\t\tEMAIL")
        assert not FieldMapping.objects.exists()

    def test_a_paste_too_wide_for_its_column_is_refused_whole(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        data = {"text": "a\tb\tc\n", "start": "attribute", **self.preset(crm, erp)}
        response = alice.post(grid_url("paste", project), data, **HX)
        assert response.status_code == 422
        expected = PASTE_TOO_WIDE.format(row=1, count=3, start="Attribute", room=1)
        assert expected in visible_text(answer(response)["panel"])

    def test_a_system_in_the_new_row_from_another_project_is_ignored(
        self, alice: Client, project: Project, crm: System
    ) -> None:
        foreign = SystemFactory(project=ProjectFactory(), name="Theirs")
        data = {
            "text": "Email\t\tEMAIL\n",
            "start": "source_field",
            "new-source_system": crm.pk,
            "new-target_system": foreign.pk,
        }
        response = alice.post(grid_url("paste", project), data, **HX)
        assert response.status_code == 422
        assert "Write the name of the target system." in answer(response)["panel"]

    def test_forty_rows_in_a_fixed_number_of_queries(
        self, alice: Client, project: Project, crm: System, erp: System
    ) -> None:
        text = "".join(f"Field_{n}\t\tFIELD_{n}\n" for n in range(40))
        data = {"text": text, "start": "source_field", **self.preset(crm, erp)}
        with CaptureQueriesContext(connection) as queries:
            response = alice.post(grid_url("paste", project), data, **HX)
        assert response.status_code == 200
        assert FieldMapping.objects.count() == 40
        assert len(queries) <= 45, len(queries)

    def test_without_script_and_for_a_viewer(
        self, alice: Client, vera: Client, project: Project, crm: System, erp: System
    ) -> None:
        data = {"text": "Email\t\tEMAIL\n", "start": "source_field", **self.preset(crm, erp)}
        assert vera.post(grid_url("paste", project), data, **HX).status_code == 403
        response = alice.post(grid_url("paste", project), {"text": "", "start": "source_field"})
        assert response.status_code == 422 and "<html" in response.content.decode()
        assert alice.post(grid_url("paste", project), data).status_code == 302
        assert FieldMapping.objects.count() == 1
