"""The field mapping sheet written from the document: rows of text, then CSV or XLSX.

Systems, entities and attributes appear by name and choices by their labels, so that a
business reader recognises them; see `sheet_columns` for why some CSV cells get a
leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from blueprint.document import Document, MappingDoc
from blueprint.interchange.sheet_columns import COLUMNS, HEADERS, choice_label, csv_escape, newlines
from blueprint.models import FieldMapping


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
                newlines(m.transformation),
                "yes" if m.required else "no",
                choice_label(FieldMapping.ConflictRule, m.conflict_rule),
                choice_label(FieldMapping.Direction, m.direction),
                doc.name_of("entities", attribute.entity_id) if attribute else "",
                attribute.name if attribute else "",
            ]
        )
    return rows


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
