"""Reading a CSV or XLSX file into the mapping sheet's rows, keyed by column.

A file that cannot be read as a sheet at all (not CSV or XLSX, no header, unknown or
missing columns, no rows, too many rows) is refused as a whole with `SheetFormatError`.
Checking the rows against a project is `sheet_import`'s work.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from blueprint.interchange.sheet_columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    HEADERS,
    csv_unescape,
    newlines,
    normalise,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX is a zip: refuse one that would unpack to far more than any real sheet.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
EXTENSIONS = (".csv", ".xlsx")

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


def header_key(text: str) -> str | None:
    name = normalise(re.sub(r"\(.*?\)|[?*:]", "", text))
    aliases = {
        "transformation": "transformation",
        "direction": "direction",
        "attribute it carries": "attribute",
    }
    for column in COLUMNS:
        if name == normalise(column.header):
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
            yield [newlines(csv_unescape(value.strip()).strip()) for value in row]
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
            yield [newlines(_cell_text(value).strip()) for value in row]
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
        key = header_key(text)
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
