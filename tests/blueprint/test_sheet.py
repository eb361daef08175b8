"""The field mapping sheet as a file: rows from the document, CSV and XLSX both ways,
every row checked, and the import that creates all or nothing."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
import pytest

from blueprint.document import (
    AttributeDoc,
    Document,
    EntityDoc,
    MappingDoc,
    ProjectDoc,
    SystemDoc,
    document_load,
)
from blueprint.interchange import sheet as s
from blueprint.interchange import sheet_read
from blueprint.interchange.sheet import (
    HEADERS,
    ParsedSheet,
    RowError,
    SheetFormatError,
    SheetRejected,
    csv_escape,
    csv_unescape,
    mapping_import_apply,
    sheet_csv,
    sheet_parse,
    sheet_rows,
    sheet_validate,
    sheet_xlsx,
)
from blueprint.models import ActivityEntry, FieldMapping
from tests import factories as f

GOOD = ["Salesforce", "Lead_Status__c", "NetSuite", "STATUS", "", "yes", "", "", "", ""]


def document(*mappings: MappingDoc) -> Document:
    return Document(
        project=ProjectDoc(name="Lead-to-cash"),
        systems=(
            SystemDoc(id="crm", name="Salesforce"),
            SystemDoc(id="erp", name="NetSuite"),
            SystemDoc(id="desk", name="Zendesk"),
        ),
        entities=(EntityDoc(id="customer", name="Customer"), EntityDoc(id="deal", name="Deal")),
        attributes=(
            AttributeDoc(id="status", entity_id="customer", name="Lifecycle status"),
            AttributeDoc(id="amount", entity_id="deal", name="Amount"),
        ),
        mappings=mappings,
    )


def csv_bytes(*rows: list[str], header: tuple[str, ...] | list[str] = HEADERS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def parse(*rows: list[str]) -> ParsedSheet:
    return sheet_parse(filename="sheet.csv", content=csv_bytes(*rows))


def row(**changes: str) -> list[str]:
    values = dict(zip([c.key for c in s.COLUMNS], GOOD, strict=True))
    values.update(changes)
    return [values[c.key] for c in s.COLUMNS]


def errors_of(*rows: list[str], doc: Document | None = None, replace: bool = False) -> list[str]:
    _drafts, errors = sheet_validate(parse(*rows), doc or document(), replace=replace)
    return [str(e) for e in errors]


# --- export ------------------------------------------------------------------------


def test_rows_name_systems_choices_and_attributes_as_the_workshop_reads_them() -> None:
    doc = document(
        MappingDoc(
            id=2,
            source_system_id="erp",
            target_system_id="crm",
            source_field="AMOUNT",
            target_field="Amount",
            required=False,
            attribute_id="amount",
        ),
        MappingDoc(
            id=1,
            source_system_id="crm",
            target_system_id="erp",
            source_field="Lead_Status__c",
            target_field="STATUS",
            transformation="Closed Won becomes WON",
            required=True,
            conflict_rule="source_wins",
            direction="bidirectional",
            attribute_id="status",
        ),
    )
    assert sheet_rows(doc) == [
        ["NetSuite", "AMOUNT", "Salesforce", "Amount", "", "no", "", "", "Deal", "Amount"],
        [
            "Salesforce",
            "Lead_Status__c",
            "NetSuite",
            "STATUS",
            "Closed Won becomes WON",
            "yes",
            "Source wins",
            "Bidirectional",
            "Customer",
            "Lifecycle status",
        ],
    ]


@pytest.mark.parametrize(
    "value", ["=1+1", "+31 20", "-1 day", "@SUM(A1)", "\tx", "\rx", "'quoted", "'=x"]
)
def test_csv_escapes_formula_cells_and_takes_the_apostrophe_off_again(value: str) -> None:
    escaped = csv_escape(value)
    assert escaped == f"'{value}"
    assert csv_unescape(escaped) == value


@pytest.mark.parametrize("value", ["", "plain", "a=b", "Lead-Status", "O'Brien"])
def test_csv_leaves_harmless_cells_alone(value: str) -> None:
    assert csv_escape(value) == value
    assert csv_unescape(value) == value


def test_csv_export_is_utf8_with_a_bom_and_protects_against_formulas() -> None:
    rows = [row(source_field='=HYPERLINK("http://evil")', transformation="Türkçe → ok")]
    content = sheet_csv(rows)
    assert content.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert parsed[0] == list(HEADERS)
    assert parsed[1][1] == '\'=HYPERLINK("http://evil")'
    assert parsed[1][4] == "Türkçe → ok"


def test_xlsx_has_a_bold_frozen_header_widths_and_drop_downs() -> None:
    content = sheet_xlsx([row(conflict_rule="Source wins")], systems=["NetSuite", "Salesforce"])
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width == 48
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation]
    assert '"Source wins,Target wins,Most recent wins,Manual review,Never overwrite"' in lists
    assert '"One-way,Bidirectional"' in lists
    assert "Systems!$A$1:$A$2" in lists
    assert book["Systems"].sheet_state == "hidden"


def test_xlsx_writes_formula_like_text_as_text_never_as_a_formula() -> None:
    content = sheet_xlsx([row(source_field="=cmd|'/c calc'!A0", target_field="@SUM(1)")])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        cells = ET.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    assert not [e for e in cells.iter() if e.tag.rpartition("}")[2] == "f"]
    cell = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]["B2"]
    assert cell.data_type == "s" and cell.value == "=cmd|'/c calc'!A0"


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_export_then_parse_gives_the_same_rows(extension: str) -> None:
    rows = [
        row(source_field="-1", transformation="line one\r\nline two", conflict_rule="Source wins"),
        row(source_field="'quoted", target_field="=A1", direction="One-way", entity="Deal"),
        row(source_field="Größe", target_field="00123", required="no", attribute="Amount"),
    ]
    content = sheet_csv(rows) if extension == "csv" else sheet_xlsx(rows)
    parsed = sheet_parse(filename=f"x.{extension}", content=content)
    rows[0][4] = "line one\nline two"
    assert [[r.values[c.key] for c in s.COLUMNS] for r in parsed.rows] == rows
    assert [r.number for r in parsed.rows] == [2, 3, 4]


# --- parsing -----------------------------------------------------------------------


def test_parse_reads_semicolons_cp1252_any_header_case_and_order() -> None:
    header = [h.upper() for h in reversed(HEADERS)]
    text = ";".join(header) + "\r\n" + ";".join(reversed(row(source_field="Größe"))) + "\r\n"
    parsed = sheet_parse(filename="SHEET.CSV", content=text.encode("cp1252"))
    assert parsed.rows[0].values["source_field"] == "Größe"
    assert parsed.letters["source_system"] == "J"
    assert parsed.letters["attribute"] == "A"


def test_parse_skips_blank_rows_but_keeps_the_spreadsheet_row_numbers() -> None:
    parsed = parse(row(), ["", "", ""], row(source_field="Other"))
    assert [r.number for r in parsed.rows] == [2, 4]


def test_parse_accepts_the_header_with_hints_in_brackets() -> None:
    header = [*HEADERS[:5], "Required (yes/no)", *HEADERS[6:]]
    parsed = sheet_parse(filename="x.csv", content=csv_bytes(row(), header=header))
    assert parsed.rows[0].values["required"] == "yes"


def test_parse_reads_xlsx_numbers_and_booleans_as_text() -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    book.active.append(["Salesforce", 12345, "NetSuite", 1.5, None, True, None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = sheet_parse(filename="x.xlsx", content=buffer.getvalue())
    values = parsed.rows[0].values
    assert (values["source_field"], values["target_field"], values["required"]) == (
        "12345",
        "1.5",
        "yes",
    )


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("x.csv", b"", s.EMPTY_FILE),
        ("x.csv", b"\n\n ,, \n", s.EMPTY_FILE),
        ("x.csv", b"Name,Value\nA,B\n", s.NO_HEADER.split(":")[0]),
        ("x.csv", csv_bytes(header=HEADERS), s.NO_ROWS),
        ("x.csv", b"\x00\x01\x02PK\x00garbage", s.NOT_CSV),
        ("x.xlsx", b"not a zip at all", s.NOT_XLSX),
        ("x.xlsx", csv_bytes(row()), s.NOT_XLSX),
    ],
)
def test_parse_refuses_files_that_are_not_a_sheet(
    filename: str, content: bytes, message: str
) -> None:
    with pytest.raises(SheetFormatError, match=re.escape(message[:30])):
        sheet_parse(filename=filename, content=content)


def test_parse_refuses_a_zip_that_is_not_a_workbook() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(SheetFormatError, match="not an Excel workbook"):
        sheet_parse(filename="x.xlsx", content=buffer.getvalue())


def test_parse_refuses_a_workbook_that_unpacks_to_too_much(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sheet_read, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(SheetFormatError, match="unpacks to more than"):
        sheet_parse(filename="x.xlsx", content=sheet_xlsx([row()]))


def test_parse_names_missing_unknown_and_doubled_columns() -> None:
    with pytest.raises(SheetFormatError, match="no column “Entity”, “Attribute”"):
        sheet_parse(filename="x.csv", content=csv_bytes(header=HEADERS[:8]))
    with pytest.raises(SheetFormatError, match="Column K is called “Notes”"):
        sheet_parse(filename="x.csv", content=csv_bytes(header=[*HEADERS, "Notes"]))
    with pytest.raises(SheetFormatError, match="“Entity” appears twice"):
        sheet_parse(filename="x.csv", content=csv_bytes(header=[*HEADERS, "entity"]))


def test_parse_refuses_more_than_5000_rows() -> None:
    rows = [row(source_field=f"F{i}") for i in range(s.MAX_ROWS)]
    assert len(sheet_parse(filename="x.csv", content=csv_bytes(*rows)).rows) == s.MAX_ROWS
    with pytest.raises(SheetFormatError, match="more than 5,000"):
        sheet_parse(filename="x.csv", content=csv_bytes(*rows, row(source_field="one more")))


# --- validation --------------------------------------------------------------------


def test_a_good_row_becomes_a_draft_with_choices_and_attribute_resolved() -> None:
    drafts, errors = sheet_validate(
        parse(
            row(
                source_system="salesforce",
                target_system="NETSUITE",
                conflict_rule="most_recent",
                direction="ONE WAY",
                required="Required",
                entity="customer",
                attribute="LIFECYCLE STATUS",
            )
        ),
        document(),
        replace=False,
    )
    assert errors == []
    (draft,) = drafts
    assert (draft.source_system_id, draft.target_system_id) == ("crm", "erp")
    assert (draft.conflict_rule, draft.direction, draft.required) == (
        "most_recent",
        "one_way",
        True,
    )
    assert draft.attribute_id == "status"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Source wins", "source_wins"),
        ("target_wins", "target_wins"),
        ("most recent wins", "most_recent"),
        ("Manual Review", "manual_review"),
        ("never-overwrite", "never_overwrite"),
        ("", ""),
    ],
)
def test_conflict_rules_are_read_by_label_or_value(text: str, value: str) -> None:
    drafts, _ = sheet_validate(parse(row(conflict_rule=text)), document(), replace=False)
    assert drafts[0].conflict_rule == value


@pytest.mark.parametrize(
    ("text", "required"),
    [
        ("yes", True),
        ("TRUE", True),
        ("1", True),
        ("required", True),
        ("no", False),
        ("false", False),
        ("0", False),
        ("Optional", False),
        ("", False),
    ],
)
def test_required_reads_yes_no_and_their_synonyms(text: str, required: bool) -> None:
    drafts, _ = sheet_validate(parse(row(required=text)), document(), replace=False)
    assert drafts[0].required is required


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"source_system": ""}, "Row 2, column A (Source system): Write the name of the source"),
        (
            {"target_system": "SAP"},
            "Row 2, column C (Target system): There is no system called “SAP” in this project. "
            "Systems: NetSuite, Salesforce, Zendesk.",
        ),
        (
            {"target_system": "salesforce"},
            "Row 2, column C (Target system): A mapping moves data between two different",
        ),
        (
            {"source_field": ""},
            "Row 2, column B (Source field): Write the field name as the source",
        ),
        (
            {"target_field": ""},
            "Row 2, column D (Target field): Write the field name as the target",
        ),
        ({"target_field": "x" * 201}, "Row 2, column D (Target field): This text has 201 char"),
        ({"required": "maybe"}, "Row 2, column F (Required): “maybe” is not yes or no."),
        (
            {"conflict_rule": "Loudest wins"},
            "Row 2, column G (Conflict rule): “Loudest wins” is not a conflict rule. Use one of: "
            "Source wins, Target wins, Most recent wins, Manual review, Never overwrite",
        ),
        ({"direction": "Sideways"}, "Row 2, column H (Sync direction): “Sideways” is not a sync"),
        ({"entity": "Invoice", "attribute": "Total"}, "Row 2, column I (Entity): There is no ent"),
        ({"attribute": "Amount"}, "Row 2, column I (Entity): Name the entity this attribute"),
        ({"entity": "Deal"}, "Row 2, column J (Attribute): Name the attribute of Deal"),
        (
            {"entity": "Deal", "attribute": "Lifecycle status"},
            "Row 2, column J (Attribute): Deal has no attribute called “Lifecycle status”.",
        ),
    ],
)
def test_each_problem_is_reported_at_its_row_and_column(
    changes: dict[str, str], expected: str
) -> None:
    errors = errors_of(row(**changes))
    assert len(errors) == 1
    assert errors[0].startswith(expected)


def test_every_row_is_checked_and_every_problem_reported() -> None:
    errors = errors_of(
        row(),
        row(source_system="", target_field="", direction="up"),
        row(source_field="Other"),
        row(source_field="Third", target_system="Nope"),
    )
    assert [e.split(":")[0] for e in errors] == [
        "Row 3, column A (Source system)",
        "Row 3, column D (Target field)",
        "Row 3, column H (Sync direction)",
        "Row 5, column C (Target system)",
    ]


def test_a_pair_twice_in_the_file_is_reported_at_the_second_row() -> None:
    errors = errors_of(row(), row(source_field="lead_status__C", target_field="status"))
    assert errors == [
        "Row 3, column D (Target field): Row 2 already maps this source field to this target field."
    ]


def test_a_pair_already_on_the_sheet_is_a_duplicate_when_adding_not_when_replacing() -> None:
    doc = document(
        MappingDoc(
            id=1,
            source_system_id="crm",
            target_system_id="erp",
            source_field="Lead_Status__c",
            target_field="STATUS",
        )
    )
    (error,) = errors_of(row(), doc=doc)
    assert "already on the sheet: “Salesforce.Lead_Status__c → NetSuite.STATUS”" in error
    assert errors_of(row(), doc=doc, replace=True) == []


def test_the_reverse_pair_is_not_a_duplicate() -> None:
    assert (
        errors_of(
            row(),
            row(
                source_system="NetSuite",
                source_field="STATUS",
                target_system="Salesforce",
                target_field="Lead_Status__c",
            ),
        )
        == []
    )


def test_row_error_reads_as_row_and_column() -> None:
    error = RowError(row=7, column="Target system", letter="C", message="Unknown.")
    assert str(error) == "Row 7, column C (Target system): Unknown."


# --- import ------------------------------------------------------------------------


@pytest.fixture
def blueprint(db: None) -> dict[str, object]:
    project = f.ProjectFactory(name="Lead-to-cash")
    crm = f.SystemFactory(project=project, name="Salesforce")
    erp = f.SystemFactory(project=project, name="NetSuite")
    customer = f.EntityFactory(project=project, name="Customer", home_system=crm)
    status = f.AttributeFactory(entity=customer, project=project, name="Lifecycle status")
    user = f.UserFactory()
    return {"project": project, "crm": crm, "erp": erp, "status": status, "user": user}


def test_import_creates_every_row_and_records_one_activity_entry(
    blueprint: dict[str, object],
) -> None:
    project = blueprint["project"]
    sheet = parse(
        row(entity="Customer", attribute="Lifecycle status", conflict_rule="Target wins"),
        row(source_field="Email", target_field="EMAIL", direction="Bidirectional"),
    )
    applied = mapping_import_apply(
        project=project, user=blueprint["user"], sheet=sheet, filename="leads.csv", replace=False
    )
    assert applied.count == 2 and len(applied.created) == 2
    first = FieldMapping.objects.get(project=project, source_field="Lead_Status__c")
    assert first.attribute == blueprint["status"]
    assert first.conflict_rule == "target_wins" and first.required is True
    entry = ActivityEntry.objects.get(project=project)
    assert (entry.action, entry.artifact, entry.item_kind) == ("imported", "mapping", "")
    assert entry.item_label == "2 field mappings from leads.csv"
    assert entry.changes() == [("Field mappings", "0", "2")]
    assert entry.comment == ""
    assert entry.user == blueprint["user"]


def test_import_with_one_bad_row_creates_nothing(blueprint: dict[str, object]) -> None:
    project = blueprint["project"]
    f.FieldMappingFactory(
        project=project, source_system=blueprint["crm"], target_system=blueprint["erp"]
    )
    sheet = parse(row(), row(source_field="Email", target_system="SAP"))
    for replace in (False, True):
        with pytest.raises(SheetRejected) as rejected:
            mapping_import_apply(
                project=project, user=blueprint["user"], sheet=sheet, filename="x", replace=replace
            )
        assert [(e.row, e.letter) for e in rejected.value.errors] == [(3, "C")]
    assert FieldMapping.objects.filter(project=project).count() == 1
    assert not ActivityEntry.objects.filter(project=project).exists()


def test_import_replace_updates_a_matching_mapping_in_place(
    blueprint: dict[str, object],
) -> None:
    project = blueprint["project"]
    old = f.FieldMappingFactory(
        project=project,
        source_system=blueprint["crm"],
        source_field="Lead_Status__c",
        target_system=blueprint["erp"],
        target_field="STATUS",
    )
    mapping_import_apply(
        project=project, user=blueprint["user"], sheet=parse(row()), filename="x", replace=True
    )
    (mapping,) = FieldMapping.objects.filter(project=project)
    # The same pair keeps its identity, so the version diff shows a change, not a swap.
    assert mapping.pk == old.pk and mapping.source_field == "Lead_Status__c"
    entry = ActivityEntry.objects.get(project=project)
    assert entry.before == {"Field mappings": "1"}
    assert entry.after["Field mappings"] == "1" and entry.after["Added"] == "0"
    assert entry.after["Removed"] == "0"
    assert entry.comment == ""


def test_import_replace_removes_mappings_the_sheet_no_longer_lists(
    blueprint: dict[str, object],
) -> None:
    project = blueprint["project"]
    gone = f.FieldMappingFactory(
        project=project,
        source_system=blueprint["crm"],
        source_field="Obsolete__c",
        target_system=blueprint["erp"],
        target_field="OLD",
    )
    mapping_import_apply(
        project=project, user=blueprint["user"], sheet=parse(row()), filename="x", replace=True
    )
    assert not FieldMapping.objects.filter(pk=gone.pk).exists()
    entry = ActivityEntry.objects.get(project=project)
    assert (entry.after["Added"], entry.after["Removed"]) == ("1", "1")


def test_import_then_export_gives_back_the_file(blueprint: dict[str, object]) -> None:
    project = blueprint["project"]
    rows = [
        row(
            entity="Customer",
            attribute="Lifecycle status",
            conflict_rule="Source wins",
            direction="One-way",
            transformation="=UPPER(x)",
        ),
        row(source_field="Email", target_field="EMAIL", required="no"),
    ]
    mapping_import_apply(
        project=project, user=blueprint["user"], sheet=parse(*rows), filename="x", replace=False
    )
    exported = sheet_rows(document_load(project))
    assert exported == sorted(rows, key=lambda r: (r[0], r[1]))


@pytest.mark.django_db
def test_the_import_refuses_a_frozen_blueprint_inside_its_transaction() -> None:
    from blueprint.access import ProjectFrozen
    from blueprint.models import Project
    from tests import factories as f

    project = f.ProjectFactory()
    f.SystemFactory(project=project, name="CRM")
    f.SystemFactory(project=project, name="ERP")
    Project.objects.filter(pk=project.pk).update(state=Project.State.AWAITING)
    raw = (
        b"Source system,Source field,Target system,Target field,Transformation rule,Required,"
        b"Conflict rule,Sync direction,Entity,Attribute\n"
        b"CRM,Stage,ERP,STAGE,,yes,Source wins,One-way,,\n"
    )
    with pytest.raises(ProjectFrozen):
        mapping_import_apply(
            project=project,
            user=f.UserFactory(),
            sheet=sheet_read.sheet_parse(filename="x.csv", content=raw),
            filename="x.csv",
            replace=False,
        )
    assert not FieldMapping.objects.filter(project=project).exists()
