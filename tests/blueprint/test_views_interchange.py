"""The field mapping sheet as a file: CSV and XLSX exports, and the import page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from accounts.models import User
from blueprint.document import document_load
from blueprint.forms.interchange import EMPTY_UPLOAD, WRONG_EXTENSION
from blueprint.interchange.sheet import HEADERS, sheet_rows
from blueprint.models import ActivityEntry, FieldMapping, Project, Role, System
from tests.conftest import HX
from tests.factories import (
    AttributeFactory,
    EntityFactory,
    FieldMappingFactory,
    MembershipFactory,
    ProjectFactory,
    SystemFactory,
)
from tests.html import is_full_page, visible_text

pytestmark = pytest.mark.django_db

Url = Callable[[Project], str]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build(project: Project) -> dict[str, object]:
    """Systems, an entity with two attributes: what a sheet refers to by name."""
    crm = SystemFactory(project=project, name="Salesforce")
    erp = SystemFactory(project=project, name="NetSuite", kind=System.Kind.ERP)
    desk = SystemFactory(project=project, name="Zendesk")
    customer = EntityFactory(project=project, name="Customer", home_system=crm)
    status = AttributeFactory(entity=customer, project=project, name="Lifecycle status")
    limit = AttributeFactory(entity=customer, project=project, name="Credit limit")
    return {"crm": crm, "erp": erp, "desk": desk, "status": status, "limit": limit}


def fill(project: Project, parts: dict[str, object]) -> None:
    """A sheet with every kind of value, formula-like text and blanks included."""
    FieldMappingFactory(
        project=project,
        source_system=parts["crm"],
        source_field="Lead_Status__c",
        target_system=parts["erp"],
        target_field="CUSTOMER_STATUS",
        transformation="Closed Won becomes WON\r\nanything else: PROSPECT",
        required=True,
        conflict_rule=FieldMapping.ConflictRule.SOURCE_WINS,
        direction=FieldMapping.Direction.BIDIRECTIONAL,
        attribute=parts["status"],
    )
    FieldMappingFactory(
        project=project,
        source_system=parts["erp"],
        source_field="CREDIT_LIMIT",
        target_system=parts["crm"],
        target_field="Credit_Limit__c",
        transformation="=ROUND(x, 2) in EUR",
        required=False,
        conflict_rule=FieldMapping.ConflictRule.NEVER_OVERWRITE,
        direction=FieldMapping.Direction.ONE_WAY,
        attribute=parts["limit"],
    )
    FieldMappingFactory(
        project=project,
        source_system=parts["crm"],
        source_field="-Email",
        target_system=parts["desk"],
        target_field="@requester.email",
        transformation="",
        required=False,
        conflict_rule="",
        direction="",
        attribute=None,
    )


@pytest.fixture
def parts(project: Project) -> dict[str, object]:
    return build(project)


@pytest.fixture
def sheet(project: Project, parts: dict[str, object]) -> Project:
    fill(project, parts)
    return project


def csv_url(project: Project) -> str:
    return reverse("blueprint:mappings_csv", args=[project.pk])


def xlsx_url(project: Project) -> str:
    return reverse("blueprint:mappings_xlsx", args=[project.pk])


def import_url(project: Project) -> str:
    return reverse("blueprint:mappings_import", args=[project.pk])


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def csv_file(*rows: list[str], header: tuple[str, ...] = HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def good(**changes: str) -> list[str]:
    values = {
        "Source system": "Salesforce",
        "Source field": "Lead_Status__c",
        "Target system": "NetSuite",
        "Target field": "CUSTOMER_STATUS",
        "Transformation rule": "",
        "Required": "yes",
        "Conflict rule": "Source wins",
        "Sync direction": "One-way",
        "Entity": "",
        "Attribute": "",
    }
    values.update({k.replace("_", " ").capitalize(): v for k, v in changes.items()})
    return [values[h] for h in HEADERS]


def post(
    client: Client, project: Project, content: bytes, *, name: str = "sheet.csv", mode: str = "add"
) -> Any:
    return client.post(import_url(project), {"file": upload(name, content), "mode": mode})


# --- exports -----------------------------------------------------------------------


def test_csv_export_is_an_attachment_named_after_the_project(alice: Client, sheet: Project) -> None:
    response = alice.get(csv_url(sheet))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="lead-to-cash-v1-field-mappings.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(HEADERS)
    assert rows[1] == [
        "NetSuite",
        "CREDIT_LIMIT",
        "Salesforce",
        "Credit_Limit__c",
        "'=ROUND(x, 2) in EUR",
        "no",
        "Never overwrite",
        "One-way",
        "Customer",
        "Credit limit",
    ]


def test_csv_export_protects_every_formula_like_cell(alice: Client, sheet: Project) -> None:
    rows = list(csv.reader(io.StringIO(alice.get(csv_url(sheet)).content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'-Email" in cells and "'@requester.email" in cells
    assert not [c for c in cells if c[:1] in {"=", "+", "-", "@"}]


def test_xlsx_export_is_a_workbook_attachment(alice: Client, sheet: Project) -> None:
    response = alice.get(xlsx_url(sheet))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="lead-to-cash-v1-field-mappings.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert rows[1][4] == "=ROUND(x, 2) in EUR"
    assert book.worksheets[0]["E2"].data_type == "s"
    assert [r[0] for r in book["Systems"].iter_rows(values_only=True)] == [
        "NetSuite",
        "Salesforce",
        "Zendesk",
    ]


def test_a_viewer_can_export_both(vera: Client, sheet: Project) -> None:
    assert vera.get(csv_url(sheet)).status_code == 200
    assert vera.get(xlsx_url(sheet)).status_code == 200


def test_an_empty_sheet_exports_just_the_header(alice: Client, project: Project) -> None:
    content = alice.get(csv_url(project)).content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content))) == [list(HEADERS)]


def test_an_outsider_cannot_import(
    charlie: Client, project: Project, parts: dict[str, object]
) -> None:
    assert post(charlie, project, csv_file(good())).status_code == 404
    assert not FieldMapping.objects.exists()


@pytest.mark.parametrize("url", [csv_url, xlsx_url])
def test_exports_refuse_post(alice: Client, project: Project, url: Url) -> None:
    assert alice.post(url(project)).status_code == 405


def test_import_refuses_other_methods(alice: Client, project: Project) -> None:
    assert alice.put(import_url(project)).status_code == 405
    assert alice.delete(import_url(project)).status_code == 405


@pytest.mark.parametrize("url", [csv_url, xlsx_url])
def test_export_queries_do_not_grow_with_the_sheet(
    alice: Client, project: Project, parts: dict[str, object], url: Url
) -> None:
    def count(n: int) -> int:
        FieldMapping.objects.filter(project=project).delete()
        for i in range(n):
            FieldMappingFactory(
                project=project,
                source_system=parts["crm"],
                target_system=parts["erp"],
                attribute=parts["status"] if i % 2 else None,
            )
        with CaptureQueriesContext(connection) as queries:
            assert alice.get(url(project)).status_code == 200
        return len(queries)

    assert count(5) == count(200)


# --- the import page ---------------------------------------------------------------


def test_the_import_page_shows_the_form_and_the_columns(alice: Client, sheet: Project) -> None:
    response = alice.get(import_url(sheet))
    assert response.status_code == 200
    html = response.content.decode()
    assert is_full_page(response)
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert "Add to the existing sheet" in html and "Replace the whole sheet" in html
    assert "The sheet holds 3 mappings now" in html
    for header in HEADERS:
        assert header in html


def test_the_sheet_links_exports_for_everyone_and_import_for_editors(
    alice: Client, vera: Client, project: Project
) -> None:
    page = reverse("blueprint:mappings", args=[project.pk])
    for_alice = alice.get(page).content.decode()
    for_vera = vera.get(page).content.decode()
    for html in (for_alice, for_vera):
        assert csv_url(project) in html and xlsx_url(project) in html
    assert import_url(project) in for_alice
    assert import_url(project) not in for_vera


def test_a_viewer_cannot_import(vera: Client, project: Project, parts: dict[str, object]) -> None:
    assert vera.get(import_url(project)).status_code == 403
    assert post(vera, project, csv_file(good())).status_code == 403
    assert not FieldMapping.objects.exists()


def test_a_frozen_project_refuses_an_import(
    alice: Client, project: Project, parts: dict[str, object]
) -> None:
    Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
    response = post(alice, project, csv_file(good()))
    assert response.status_code == 403
    assert not FieldMapping.objects.exists()


def test_a_contributor_imports_and_returns_to_the_sheet(
    bob: Client, contributor: User, project: Project, parts: dict[str, object]
) -> None:
    content = csv_file(
        good(entity="Customer", attribute="Lifecycle status"),
        good(**{"Source field": "Email", "Target field": "EMAIL"}),
    )
    response = post(bob, project, content, name="leads.csv")
    assert response.status_code == 302
    assert response["Location"] == reverse("blueprint:mappings", args=[project.pk])
    assert FieldMapping.objects.filter(project=project).count() == 2
    entry = ActivityEntry.objects.get(project=project)
    assert entry.item_label == "2 field mappings from leads.csv" and entry.user == contributor
    page = bob.get(response["Location"]).content.decode()
    assert "Imported 2 field mappings from leads.csv." in page
    activity = bob.get(reverse("blueprint:activity", args=[project.pk])).content.decode()
    assert "imported 2 field mappings from leads.csv" in visible_text(activity)
    assert "field mapping 2 field mappings" not in activity


def test_bad_rows_are_listed_by_row_and_column_and_nothing_is_saved(
    alice: Client, project: Project, parts: dict[str, object]
) -> None:
    content = csv_file(
        good(),
        good(**{"Source field": "Email", "Target system": "SAP"}),
        good(**{"Source field": "Phone", "Conflict rule": "Loudest wins"}),
        good(),
    )
    response = post(alice, project, content)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "3 rows of the file need fixing (3 problems)" in html
    errors = {(e.row, e.letter, e.column): e.message for e in response.context["errors"]}
    assert {(3, "C", "Target system"), (4, "G", "Conflict rule"), (5, "D", "Target field")} <= set(
        errors
    )
    sap = errors[3, "C", "Target system"]
    assert sap.startswith("There is no system called “SAP” in this project.")
    assertInHTML(
        '<tr><td class="text-nowrap">Row 3</td><td class="text-nowrap">C · Target system</td>'
        f"<td>{sap}</td></tr>",
        html,
    )
    assert "Row 2 already maps this source field" in html
    assert not FieldMapping.objects.exists()
    assert not ActivityEntry.objects.exists()


def test_add_refuses_a_pair_already_on_the_sheet_and_replace_takes_it(
    alice: Client, sheet: Project
) -> None:
    content = csv_file(good(), good(**{"Source field": "Phone", "Target field": "PHONE"}))
    response = post(alice, sheet, content, mode="add")
    assert response.status_code == 422
    assert "This pair is already on the sheet" in response.content.decode()
    assert FieldMapping.objects.filter(project=sheet).count() == 3

    response = post(alice, sheet, content, mode="replace")
    assert response.status_code == 302
    assert sorted(
        FieldMapping.objects.filter(project=sheet).values_list("source_field", flat=True)
    ) == [
        "Lead_Status__c",
        "Phone",
    ]


def test_add_keeps_the_sheet_and_adds_the_rows(alice: Client, sheet: Project) -> None:
    content = csv_file(good(**{"Source field": "Phone", "Target field": "PHONE"}))
    assert post(alice, sheet, content, mode="add").status_code == 302
    assert FieldMapping.objects.filter(project=sheet).count() == 4


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sheet.txt", b"whatever", WRONG_EXTENSION),
        ("sheet.xls", b"whatever", WRONG_EXTENSION),
        ("sheet.csv", b"", EMPTY_UPLOAD),
        ("sheet.csv", b"Name,Value\nA,B\n", "The first row must be the header"),
        ("sheet.csv", csv_file(), "The file has a header but no mappings under it."),
        ("sheet.xlsx", b"this is no workbook", "not an Excel workbook (.xlsx)"),
        ("sheet.csv", b"\x00\x01binary\x00", "not a CSV file that can be read"),
    ],
)
def test_files_that_are_not_a_sheet_are_refused_at_the_file_field(
    alice: Client,
    project: Project,
    parts: dict[str, object],
    name: str,
    content: bytes,
    message: str,
) -> None:
    response = post(alice, project, content, name=name)
    assert response.status_code == 422
    form = response.context["form"]
    assert any(message in error for error in form.errors["file"])
    assert message in response.content.decode()
    assert not FieldMapping.objects.exists()


def test_a_file_over_5_mb_is_refused(
    alice: Client, project: Project, parts: dict[str, object]
) -> None:
    big = csv_file(good()) + b"," * (5 * 1024 * 1024)
    response = post(alice, project, big)
    assert response.status_code == 422
    assert "the most allowed is 5 MB" in response.context["form"].errors["file"][0]


def test_more_than_5000_rows_are_refused(
    alice: Client, project: Project, parts: dict[str, object]
) -> None:
    rows = [good(**{"Source field": f"F{i}"}) for i in range(5001)]
    response = post(alice, project, csv_file(*rows))
    assert response.status_code == 422
    assert "more than 5,000 mappings" in response.context["form"].errors["file"][0]


def test_a_post_without_a_file_asks_for_one(alice: Client, project: Project) -> None:
    response = alice.post(import_url(project), {"mode": "add"})
    assert response.status_code == 422
    assert response.context["form"].errors["file"] == ["This field is required."]


# --- round trips -------------------------------------------------------------------


@pytest.fixture
def other(facilitator: User) -> Project:
    """Another project with the same systems, entity and attributes, and no mappings."""
    project = ProjectFactory(name="Copy of lead-to-cash")
    MembershipFactory(project=project, user=facilitator, role=Role.FACILITATOR)
    build(project)
    return project


@pytest.mark.parametrize(("url", "name"), [(csv_url, "sheet.csv"), (xlsx_url, "sheet.xlsx")])
def test_export_then_import_into_another_project_gives_the_same_sheet(
    alice: Client, sheet: Project, other: Project, url: Url, name: str
) -> None:
    exported = alice.get(url(sheet)).content
    response = post(alice, other, exported, name=name)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert FieldMapping.objects.filter(project=other).count() == 3
    assert sheet_rows(document_load(other)) == sheet_rows(document_load(sheet))
    copied = FieldMapping.objects.get(project=other, source_field="CREDIT_LIMIT")
    assert copied.transformation == "=ROUND(x, 2) in EUR"
    assert FieldMapping.objects.get(project=other, source_field="-Email").target_field == (
        "@requester.email"
    )


def test_importing_the_export_back_into_the_same_project_is_all_duplicates(
    alice: Client, sheet: Project
) -> None:
    response = post(alice, sheet, alice.get(csv_url(sheet)).content)
    assert response.status_code == 422
    assert response.content.decode().count("This pair is already on the sheet") == 3
    assert (
        post(
            alice, sheet, alice.get(xlsx_url(sheet)).content, name="s.xlsx", mode="replace"
        ).status_code
        == 302
    )
    assert FieldMapping.objects.filter(project=sheet).count() == 3


def test_an_htmx_request_gets_the_same_page(alice: Client, project: Project) -> None:
    response = alice.get(import_url(project), **HX)
    assert response.status_code == 200
    assert "Import field mappings" in response.content.decode()
