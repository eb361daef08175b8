"""The field mapping sheet as CSV and XLSX, both ways.

Export turns the document's mappings into rows a business reader recognises: systems,
entities and attributes by name, choices by their labels. Import reads such a file back,
checks every row against the project's document and reports each problem by the row and
column a spreadsheet shows (the header is row 1), and creates nothing unless every row
is good.

The work lives in four modules, and this one names their public parts in one place:

- `sheet_columns`: the columns, how values are written, CSV formula-injection escaping;
- `sheet_export`: the document's mappings as rows, then as CSV or XLSX;
- `sheet_read`: a CSV or XLSX file read into rows, or refused as a whole;
- `sheet_import`: every row checked against the document, and the import service.

A test that patches a constant patches it in the module that uses it, not here.
"""

from __future__ import annotations

from blueprint.interchange.sheet_columns import (
    COLUMN_BY_KEY,
    COLUMNS,
    CONFLICT_RULES,
    DIRECTIONS,
    FORMULA_TRIGGERS,
    HEADERS,
    NO,
    YES,
    Column,
    csv_escape,
    csv_unescape,
)
from blueprint.interchange.sheet_export import sheet_csv, sheet_rows, sheet_xlsx
from blueprint.interchange.sheet_import import (
    ATTRIBUTE_REQUIRED,
    BAD_CHOICE,
    BAD_REQUIRED,
    DUPLICATE_IN_FILE,
    DUPLICATE_ON_SHEET,
    ENTITY_REQUIRED,
    FIELD_LIMIT,
    FIELD_REQUIRED,
    SAME_SYSTEM,
    SHEET_REJECTED,
    SYSTEM_REQUIRED,
    TOO_LONG,
    UNKNOWN_ATTRIBUTE,
    UNKNOWN_ENTITY,
    UNKNOWN_SYSTEM,
    MappingDraft,
    RowError,
    SheetApplied,
    SheetRejected,
    mapping_import_apply,
    sheet_validate,
)
from blueprint.interchange.sheet_read import (
    DUPLICATE_COLUMN,
    EMPTY_FILE,
    EXTENSIONS,
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    MISSING_COLUMNS,
    NO_HEADER,
    NO_ROWS,
    NOT_CSV,
    NOT_XLSX,
    TOO_BIG_UNPACKED,
    TOO_MANY_ROWS,
    UNKNOWN_COLUMN,
    ParsedSheet,
    SheetFormatError,
    SheetRow,
    sheet_parse,
)

__all__ = [
    "ATTRIBUTE_REQUIRED",
    "BAD_CHOICE",
    "BAD_REQUIRED",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "CONFLICT_RULES",
    "DIRECTIONS",
    "DUPLICATE_COLUMN",
    "DUPLICATE_IN_FILE",
    "DUPLICATE_ON_SHEET",
    "EMPTY_FILE",
    "ENTITY_REQUIRED",
    "EXTENSIONS",
    "FIELD_LIMIT",
    "FIELD_REQUIRED",
    "FORMULA_TRIGGERS",
    "HEADERS",
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "MISSING_COLUMNS",
    "NO",
    "NOT_CSV",
    "NOT_XLSX",
    "NO_HEADER",
    "NO_ROWS",
    "SAME_SYSTEM",
    "SHEET_REJECTED",
    "SYSTEM_REQUIRED",
    "TOO_BIG_UNPACKED",
    "TOO_LONG",
    "TOO_MANY_ROWS",
    "UNKNOWN_ATTRIBUTE",
    "UNKNOWN_COLUMN",
    "UNKNOWN_ENTITY",
    "UNKNOWN_SYSTEM",
    "YES",
    "Column",
    "MappingDraft",
    "ParsedSheet",
    "RowError",
    "SheetApplied",
    "SheetFormatError",
    "SheetRejected",
    "SheetRow",
    "csv_escape",
    "csv_unescape",
    "mapping_import_apply",
    "sheet_csv",
    "sheet_parse",
    "sheet_rows",
    "sheet_validate",
    "sheet_xlsx",
]
