"""Rows pasted into the mapping grid from a spreadsheet.

Excel, LibreOffice and Google Sheets put a selection on the clipboard as tab-separated
text: one line a row, and a cell that holds a line break, a tab or a quote in double
quotes. The grid sends that text with the column the paste landed on. Like in a
spreadsheet, the cells fill the sheet's columns from there to the right; the columns the
paste does not cover, and its empty cells, take the values of the grid's new row (its
systems, say). A first
line that is the sheet's own header (copied with the rows) places the columns by their
names instead.

What comes out is a `ParsedSheet`, so pasted rows pass the sheet import's own checks
(`sheet_validate`) and are refused for exactly the reasons a file's rows would be.
"""

from __future__ import annotations

import csv
import io

from openpyxl.utils import get_column_letter

from blueprint.interchange.sheet_columns import COLUMN_BY_KEY, COLUMNS, newlines
from blueprint.interchange.sheet_read import ParsedSheet, SheetFormatError, SheetRow, header_key

MAX_PASTE_ROWS = 1000
PASTE_EMPTY = "There is nothing to paste: copy rows from a spreadsheet first."
PASTE_TOO_WIDE = (
    "Row {row} has {count} cells, but from the column “{start}” the sheet has only {room}. "
    "Paste from a column further left, or copy fewer columns."
)
PASTE_TOO_MANY = "More than {limit:,} rows at once: import them as a file instead."
PASTE_NO_COLUMN = "A paste starts at one of the sheet's columns."

KEYS = tuple(c.key for c in COLUMNS)


def _header(cells: list[str]) -> dict[str, int] | None:
    """The sheet's columns by position, if these cells are its header (two names at least)."""
    named = [(index, header_key(text)) for index, text in enumerate(cells) if text]
    if len(named) < 2 or any(key is None for _, key in named):
        return None
    positions: dict[str, int] = {}
    for index, key in named:
        assert key is not None
        positions.setdefault(key, index)
    return positions


def paste_parse(text: str, *, start: str, preset: dict[str, str]) -> ParsedSheet:
    """The pasted rows as a sheet; refused as a whole with `SheetFormatError`.

    Rows are numbered as they were pasted (the first line is row 1) and columns are
    lettered by their place in the paste, so a message points at the cell the person
    copied; a column filled from the new row has no letter.
    """
    if start not in COLUMN_BY_KEY:
        raise SheetFormatError(PASTE_NO_COLUMN)
    lines = list(csv.reader(io.StringIO(newlines(text), newline=""), delimiter="\t"))
    numbered = [
        (number, [cell.strip() for cell in cells])
        for number, cells in enumerate(lines, start=1)
        if any(cell.strip() for cell in cells)
    ]
    if not numbered:
        raise SheetFormatError(PASTE_EMPTY)
    positions = _header(numbered[0][1])
    if positions is not None:
        numbered = numbered[1:]
        if not numbered:
            raise SheetFormatError(PASTE_EMPTY)
    else:
        first = KEYS.index(start)
        width = max(len(_trimmed(cells)) for _, cells in numbered)
        room = len(KEYS) - first
        if width > room:
            number = next(n for n, cells in numbered if len(_trimmed(cells)) == width)
            raise SheetFormatError(
                PASTE_TOO_WIDE.format(
                    row=number, count=width, start=COLUMN_BY_KEY[start].header, room=room
                )
            )
        positions = {KEYS[first + index]: index for index in range(width)}
    if len(numbered) > MAX_PASTE_ROWS:
        raise SheetFormatError(PASTE_TOO_MANY.format(limit=MAX_PASTE_ROWS))
    rows = []
    for number, cells in numbered:
        values = {key: preset.get(key, "").strip() for key in KEYS}
        for key, index in positions.items():
            if index < len(cells) and cells[index]:
                values[key] = cells[index]
        rows.append(SheetRow(number=number, values=values))
    letters = dict.fromkeys(KEYS, "")
    letters.update({key: get_column_letter(index + 1) for key, index in positions.items()})
    return ParsedSheet(rows=tuple(rows), letters=letters)


def _trimmed(cells: list[str]) -> list[str]:
    """A row without the empty cells at its end (a selection wider than its text)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]
