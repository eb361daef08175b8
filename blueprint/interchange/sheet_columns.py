"""The field mapping sheet's columns and how its values are written, shared by the
export and the import.

CSV formula injection: a cell that starts with = + - @ (or a tab or carriage return)
is run as a formula by Excel and LibreOffice. The CSV export therefore writes such a
value with a leading apostrophe ("'=SUM(A1)"), and so does a value that itself starts
with an apostrophe, so that the CSV import can take exactly one apostrophe off again and
a round trip loses nothing. The XLSX export needs no apostrophe: every cell is written
as a text cell, never a formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from blueprint.models import FieldMapping


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


# --- value formats -----------------------------------------------------------------

# What the Required column accepts; the export writes "yes" or "no".
YES = frozenset({"yes", "y", "true", "1", "required"})
NO = frozenset({"no", "n", "false", "0", "optional", ""})


def normalise(text: str) -> str:
    """Lower case, with _ and - read as spaces: “One-way”, “one_way”, “ONE WAY” agree."""
    return " ".join(re.sub(r"[_\-]", " ", text).casefold().split())


def newlines(text: str) -> str:
    """One kind of line break: XLSX keeps only \\n, and a textarea sends \\r\\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def choice_label(choices: type[Any], value: str) -> str:
    """The label a reader sees for a stored choice; an unknown value as it is."""
    return str(choices(value).label) if value in choices.values else value


def choice_lookup(choices: type[Any]) -> dict[str, str]:
    """Each choice's value and label, normalised, to the value that is stored."""
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[normalise(value)] = value
        lookup[normalise(str(label))] = value
    return lookup


CONFLICT_RULES = choice_lookup(FieldMapping.ConflictRule)
DIRECTIONS = choice_lookup(FieldMapping.Direction)


# --- formula injection -------------------------------------------------------------

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_escape(value: str) -> str:
    """Keep a spreadsheet from running the cell as a formula (see the module docstring)."""
    if value.startswith((*FORMULA_TRIGGERS, "'")):
        return f"'{value}"
    return value


def csv_unescape(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1:2] in (*FORMULA_TRIGGERS, "'"):
        return value[1:]
    return value
