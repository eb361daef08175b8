"""The field mapping sheet as CSV and XLSX, both ways.

Export turns the document's mappings into rows a business reader recognises: systems,
entities and attributes by name, choices by their labels. Import reads such a file back,
checks every row against the project's document and reports each problem by the row and
column a spreadsheet shows (the header is row 1), and creates nothing unless every row
is good.

CSV formula injection: a cell that starts with = + - @ (or a tab or carriage return)
is run as a formula by Excel and LibreOffice. The CSV export therefore writes such a
value with a leading apostrophe ("'=SUM(A1)"), and so does a value that itself starts
with an apostrophe, so that the CSV import can take exactly one apostrophe off again and
a round trip loses nothing. The XLSX export needs no apostrophe: every cell is written
as a text cell, never a formula.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from accounts.models import User
from blueprint.activity import activity_record
from blueprint.document import Document, Key, MappingDoc, document_load
from blueprint.models import FieldMapping, Project


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("source_system", "Source system", 20),
    Column("source_field", "Source field", 28),
    Column("target_system", "Target system", 20),
    Column("target_field", "Target field", 28),
    Column("transformation", "Transformation rule", 48),
    Column("required", "Required", 11),
    Column("conflict_rule", "Conflict rule", 18),
    Column("direction", "Sync direction", 15),
    Column("entity", "Entity", 18),
    Column("attribute", "Attribute", 22),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
HEADERS = tuple(c.header for c in COLUMNS)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX is a zip: refuse one that would unpack to far more than any real sheet.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
YES = frozenset({"yes", "y", "true", "1", "required"})
NO = frozenset({"no", "n", "false", "0", "optional", ""})

# File-level problems: the file is refused as a whole.
NOT_CSV = "This file is not a CSV file that can be read. Save it as “CSV UTF-8” and try again."
NOT_XLSX = "This file is not an Excel workbook (.xlsx) that can be read."
TOO_BIG_UNPACKED = "This workbook unpacks to more than 100 MB, far more than a mapping sheet."
EMPTY_FILE = "The file is empty."
NO_HEADER = (
    "The first row must be the header: {headers}. Start from an export of the sheet to get "
    "the columns right."
)
MISSING_COLUMNS = "The header has no column {missing}. Expected: {headers}."
UNKNOWN_COLUMN = (
    "Column {letter} is called “{name}”, which is not a column of the sheet. Expected: {headers}."
)
DUPLICATE_COLUMN = "The column “{name}” appears twice in the header."
NO_ROWS = "The file has a header but no mappings under it."
TOO_MANY_ROWS = "The file has more than {limit:,} mappings. Split it into several files."

# Row-level problems: reported by row and column.
SYSTEM_REQUIRED = "Write the name of the {which} system."
UNKNOWN_SYSTEM = "There is no system called “{name}” in this project. Systems: {known}."
SAME_SYSTEM = "The source and target system are the same: a mapping connects two systems."
FIELD_REQUIRED = "Write the field name as the {which} system calls it."
TOO_LONG = "This text has {length} characters; the most allowed is {limit}."
BAD_REQUIRED = "“{value}” is not yes or no."
BAD_CHOICE = "“{value}” is not a {what}. Use one of: {labels}, or leave it blank."
UNKNOWN_ENTITY = "There is no entity called “{name}” in this project."
ENTITY_REQUIRED = "Name the entity this attribute belongs to, or leave both blank."
ATTRIBUTE_REQUIRED = "Name the attribute of {entity}, or leave entity and attribute blank."
UNKNOWN_ATTRIBUTE = "{entity} has no attribute called “{name}”."
DUPLICATE_IN_FILE = "Row {other} already maps this source field to this target field."
DUPLICATE_ON_SHEET = (
    "This pair is already on the sheet: “{mapping}”. Remove the row, or choose "
    "“Replace the whole sheet”."
)
SHEET_REJECTED = "Nothing was imported: {count} problem(s) in the file."


class SheetFormatError(ValueError):
    """The file cannot be read as a mapping sheet at all."""


@dataclass(frozen=True)
class SheetRow:
    number: int  # as a spreadsheet shows it; the header is row 1
    values: dict[str, str]  # column key -> text, stripped


@dataclass(frozen=True)
class ParsedSheet:
    rows: tuple[SheetRow, ...]
    letters: dict[str, str]  # column key -> the column's letter in this file


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    letter: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.letter} ({self.column}): {self.message}"


@dataclass(frozen=True)
class MappingDraft:
    """A valid row, ready to become a `FieldMapping`; ids are the document's."""

    source_system_id: Key
    source_field: str
    target_system_id: Key
    target_field: str
    transformation: str
    required: bool
    conflict_rule: str
    direction: str
    attribute_id: Key | None


class SheetRejected(ValidationError):
    """At least one row is wrong; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(SHEET_REJECTED.format(count=len(errors)))
        self.errors = errors


# --- export ------------------------------------------------------------------------


def _choice_label(choices: type[Any], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _newlines(text: str) -> str:
    """One kind of line break: XLSX keeps only \\n, and a textarea sends \\r\\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sheet_rows(doc: Document) -> list[list[str]]:
    """The document's mappings as rows of text, in the order the sheet shows them."""

    def order(m: MappingDoc) -> tuple[str, str, str, bool, int | str]:
        return (
            doc.name_of("systems", m.source_system_id),
            m.source_field,
            doc.name_of("systems", m.target_system_id),
            isinstance(m.id, str),
            m.id if isinstance(m.id, int) else str(m.id),
        )

    rows = []
    for m in sorted(doc.mappings, key=order):
        attribute = doc.get("attributes", m.attribute_id)
        rows.append(
            [
                doc.name_of("systems", m.source_system_id),
                m.source_field,
                doc.name_of("systems", m.target_system_id),
                m.target_field,
                _newlines(m.transformation),
                "yes" if m.required else "no",
                _choice_label(FieldMapping.ConflictRule, m.conflict_rule),
                _choice_label(FieldMapping.Direction, m.direction),
                doc.name_of("entities", attribute.entity_id) if attribute else "",
                attribute.name if attribute else "",
            ]
        )
    return rows


def csv_escape(value: str) -> str:
    """Keep a spreadsheet from running the cell as a formula (see the module docstring)."""
    if value.startswith((*FORMULA_TRIGGERS, "'")):
        return f"'{value}"
    return value


def csv_unescape(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1:2] in (*FORMULA_TRIGGERS, "'"):
        return value[1:]
    return value


def sheet_csv(rows: Iterable[list[str]]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel reads accents and arrows correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow([csv_escape(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _list_validation(values: Iterable[str], *, letter: str, rows: int) -> DataValidation:
    listed = ",".join(values)
    validation = DataValidation(
        type="list",
        formula1=f'"{listed}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Not on the list",
        error=f"Choose one of: {listed.replace(',', ', ')}.",
    )
    validation.add(f"{letter}2:{letter}{rows}")
    return validation


def sheet_xlsx(rows: Iterable[list[str]], *, systems: Iterable[str] = ()) -> bytes:
    """A workbook with a bold, frozen header and drop-down lists for the choice columns."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Field mappings"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E9ECEF")
    count = 1
    for row in rows:
        count += 1
        for index, value in enumerate(row, start=1):
            cell = sheet.cell(row=count, column=index, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            # Text, never a formula, whatever the value starts with.
            cell.data_type = "s"
            if COLUMNS[index - 1].key == "transformation":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count}"
    # Leave room below the data for new rows to get the same drop-downs.
    last = max(count, 1) + 500
    letter = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    sheet.add_data_validation(_list_validation(("yes", "no"), letter=letter["required"], rows=last))
    sheet.add_data_validation(
        _list_validation(
            FieldMapping.ConflictRule.labels, letter=letter["conflict_rule"], rows=last
        )
    )
    sheet.add_data_validation(
        _list_validation(FieldMapping.Direction.labels, letter=letter["direction"], rows=last)
    )
    names = [ILLEGAL_CHARACTERS_RE.sub("", name) for name in systems]
    if names:
        lists = workbook.create_sheet("Systems")
        for name in names:
            lists.append([name])
            lists.cell(row=lists.max_row, column=1).data_type = "s"
        lists.sheet_state = "hidden"
        for key in ("source_system", "target_system"):
            validation = DataValidation(
                type="list",
                formula1=f"Systems!$A$1:$A${len(names)}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="Unknown system",
                error="This system is not in the project yet; add it before importing.",
            )
            validation.add(f"{letter[key]}2:{letter[key]}{last}")
            sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- parsing -----------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Lower case, with _ and - read as spaces: “One-way”, “one_way”, “ONE WAY” agree."""
    return " ".join(re.sub(r"[_\-]", " ", text).casefold().split())


def _header_key(text: str) -> str | None:
    name = _normalise(re.sub(r"\(.*?\)|[?*:]", "", text))
    aliases = {
        "transformation": "transformation",
        "direction": "direction",
        "attribute it carries": "attribute",
    }
    for column in COLUMNS:
        if name == _normalise(column.header):
            return column.key
    return aliases.get(name)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        # Excel's plain “CSV” on Windows is cp1252, its “CSV UTF-8” has a BOM.
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SheetFormatError(NOT_CSV)
    if "\x00" in text:
        raise SheetFormatError(NOT_CSV)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Excel writes ; where the decimal separator is a comma; the header tells which.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            yield [_newlines(csv_unescape(value.strip()).strip()) for value in row]
    except csv.Error as exc:
        raise SheetFormatError(NOT_CSV) from exc


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    buffer = io.BytesIO(content)
    try:
        with zipfile.ZipFile(buffer) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise SheetFormatError(NOT_XLSX) from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetFormatError(TOO_BIG_UNPACKED)
    try:
        # data_only: a formula someone typed gives the value Excel last computed.
        workbook = load_workbook(buffer, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise SheetFormatError(NOT_XLSX) from exc
    try:
        if not workbook.worksheets:
            raise SheetFormatError(EMPTY_FILE)
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_newlines(_cell_text(value).strip()) for value in row]
    except SheetFormatError:
        raise
    except Exception as exc:
        raise SheetFormatError(NOT_XLSX) from exc
    finally:
        workbook.close()


def _read_header(cells: list[str]) -> dict[str, int]:
    headers = ", ".join(HEADERS)
    positions: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for index, text in enumerate(cells):
        if not text:
            continue
        key = _header_key(text)
        if key is None:
            unknown.append((index, text))
        elif key in positions:
            raise SheetFormatError(DUPLICATE_COLUMN.format(name=COLUMN_BY_KEY[key].header))
        else:
            positions[key] = index
    if not positions:
        raise SheetFormatError(NO_HEADER.format(headers=headers))
    if unknown:
        index, text = unknown[0]
        raise SheetFormatError(
            UNKNOWN_COLUMN.format(letter=get_column_letter(index + 1), name=text, headers=headers)
        )
    missing = [c.header for c in COLUMNS if c.key not in positions]
    if missing:
        raise SheetFormatError(
            MISSING_COLUMNS.format(missing=", ".join(f"“{m}”" for m in missing), headers=headers)
        )
    return positions


def sheet_parse(*, filename: str, content: bytes) -> ParsedSheet:
    """Read a CSV or XLSX file into rows keyed by column; blank rows are skipped."""
    if not content:
        raise SheetFormatError(EMPTY_FILE)
    lines = _xlsx_rows(content) if filename.lower().endswith(".xlsx") else _csv_rows(content)
    positions: dict[str, int] | None = None
    rows: list[SheetRow] = []
    for number, cells in enumerate(lines, start=1):
        if not any(cells):
            continue
        if positions is None:
            positions = _read_header(cells)
            continue
        if len(rows) == MAX_ROWS:
            raise SheetFormatError(TOO_MANY_ROWS.format(limit=MAX_ROWS))
        values = {
            key: cells[index] if index < len(cells) else "" for key, index in positions.items()
        }
        rows.append(SheetRow(number=number, values=values))
    if positions is None:
        raise SheetFormatError(EMPTY_FILE)
    if not rows:
        raise SheetFormatError(NO_ROWS)
    letters = {key: get_column_letter(index + 1) for key, index in positions.items()}
    return ParsedSheet(rows=tuple(rows), letters=letters)


# --- validation --------------------------------------------------------------------


def _choices(choices: type[Any]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[_normalise(value)] = value
        lookup[_normalise(str(label))] = value
    return lookup


CONFLICT_RULES = _choices(FieldMapping.ConflictRule)
DIRECTIONS = _choices(FieldMapping.Direction)
FIELD_LIMIT = {
    name: FieldMapping._meta.get_field(name).max_length
    for name in ("source_field", "target_field", "transformation")
}


def _pair(
    source_id: Key, target_id: Key, source_field: str, target_field: str
) -> tuple[Key, Key, str, str]:
    return (source_id, target_id, source_field.casefold(), target_field.casefold())


def sheet_validate(
    sheet: ParsedSheet, doc: Document, *, replace: bool
) -> tuple[list[MappingDraft], list[RowError]]:
    """Check every row against the project's document; drafts only mean something when
    there are no errors. With `replace`, the current mappings are not duplicates."""
    systems = {s.name.casefold(): s.id for s in doc.systems}
    known_systems = ", ".join(s.name for s in sorted(doc.systems, key=lambda s: s.name.casefold()))
    entities = {e.name.casefold(): e for e in doc.entities}
    attributes = {(a.entity_id, a.name.casefold()): a.id for a in doc.attributes}
    existing: dict[tuple[Key, Key, str, str], MappingDoc] = {}
    if not replace:
        for m in doc.mappings:
            existing.setdefault(
                _pair(m.source_system_id, m.target_system_id, m.source_field, m.target_field), m
            )
    seen: dict[tuple[Key, Key, str, str], int] = {}
    drafts: list[MappingDraft] = []
    errors: list[RowError] = []

    for row in sheet.rows:
        values = row.values

        def error(key: str, message: str, row: SheetRow = row) -> None:
            errors.append(
                RowError(
                    row=row.number,
                    column=COLUMN_BY_KEY[key].header,
                    letter=sheet.letters[key],
                    message=message,
                )
            )

        before = len(errors)
        ids: dict[str, Key | None] = {}
        for key, which in (("source_system", "source"), ("target_system", "target")):
            name = values[key]
            ids[key] = systems.get(name.casefold()) if name else None
            if not name:
                error(key, SYSTEM_REQUIRED.format(which=which))
            elif ids[key] is None:
                error(key, UNKNOWN_SYSTEM.format(name=name, known=known_systems or "none yet"))
        if ids["source_system"] is not None and ids["source_system"] == ids["target_system"]:
            error("target_system", SAME_SYSTEM)
        for key, which in (("source_field", "source"), ("target_field", "target")):
            if not values[key]:
                error(key, FIELD_REQUIRED.format(which=which))
        for key, limit in FIELD_LIMIT.items():
            if limit and len(values[key]) > limit:
                error(key, TOO_LONG.format(length=len(values[key]), limit=limit))

        required_text = _normalise(values["required"])
        if required_text not in YES | NO:
            error("required", BAD_REQUIRED.format(value=values["required"]))
        choice: dict[str, str] = {}
        for key, lookup, enum, what in (
            ("conflict_rule", CONFLICT_RULES, FieldMapping.ConflictRule, "conflict rule"),
            ("direction", DIRECTIONS, FieldMapping.Direction, "sync direction"),
        ):
            text = values[key]
            choice[key] = lookup.get(_normalise(text), "") if text else ""
            if text and not choice[key]:
                labels = ", ".join(str(label) for label in enum.labels)
                error(key, BAD_CHOICE.format(value=text, what=what, labels=labels))

        attribute_id: Key | None = None
        entity_name, attribute_name = values["entity"], values["attribute"]
        if entity_name or attribute_name:
            entity = entities.get(entity_name.casefold()) if entity_name else None
            if not entity_name:
                error("entity", ENTITY_REQUIRED)
            elif entity is None:
                error("entity", UNKNOWN_ENTITY.format(name=entity_name))
            elif not attribute_name:
                error("attribute", ATTRIBUTE_REQUIRED.format(entity=entity.name))
            else:
                attribute_id = attributes.get((entity.id, attribute_name.casefold()))
                if attribute_id is None:
                    error(
                        "attribute",
                        UNKNOWN_ATTRIBUTE.format(entity=entity.name, name=attribute_name),
                    )

        if len(errors) > before:
            continue
        source_id, target_id = ids["source_system"], ids["target_system"]
        assert source_id is not None and target_id is not None
        pair = _pair(source_id, target_id, values["source_field"], values["target_field"])
        if pair in seen:
            error("target_field", DUPLICATE_IN_FILE.format(other=seen[pair]))
            continue
        seen[pair] = row.number
        if pair in existing:
            label = doc.name_of("mappings", existing[pair].id)
            error("target_field", DUPLICATE_ON_SHEET.format(mapping=label))
            continue
        drafts.append(
            MappingDraft(
                source_system_id=source_id,
                source_field=values["source_field"],
                target_system_id=target_id,
                target_field=values["target_field"],
                transformation=values["transformation"],
                required=required_text in YES,
                conflict_rule=choice["conflict_rule"],
                direction=choice["direction"],
                attribute_id=attribute_id,
            )
        )
    return drafts, errors


# --- import ------------------------------------------------------------------------


def mapping_import_apply(
    *, project: Project, user: User, sheet: ParsedSheet, filename: str, replace: bool
) -> int:
    """Create every row of the sheet as a mapping, or none: raises `SheetRejected`.

    With `replace`, the project's current mappings are deleted first. The check runs
    inside the transaction, against the blueprint as it is at that moment.
    """
    with transaction.atomic():
        doc = document_load(project)
        drafts, errors = sheet_validate(sheet, doc, replace=replace)
        if errors:
            raise SheetRejected(errors)
        removed = len(doc.mappings) if replace else 0
        if replace:
            FieldMapping.objects.filter(project=project).delete()
        FieldMapping.objects.bulk_create(
            FieldMapping(
                project=project,
                source_system_id=d.source_system_id,
                source_field=d.source_field,
                target_system_id=d.target_system_id,
                target_field=d.target_field,
                transformation=d.transformation,
                required=d.required,
                conflict_rule=d.conflict_rule,
                direction=d.direction,
                attribute_id=d.attribute_id,
            )
            for d in drafts
        )
        activity_record(
            project=project,
            user=user,
            action="imported",
            artifact="mapping",
            item_kind="field mapping",
            item_label=f"{len(drafts)} field mappings from {filename}",
            before={"mappings": len(doc.mappings)},
            after={"mappings": len(doc.mappings) - removed + len(drafts)},
            comment=f"Replaced the whole sheet ({removed} removed)." if replace else "",
        )
    return len(drafts)
