"""Reading a spreadsheet's clipboard into the mapping sheet's rows (no database)."""

from __future__ import annotations

import pytest

from blueprint.interchange.sheet_paste import (
    MAX_PASTE_ROWS,
    PASTE_EMPTY,
    PASTE_NO_COLUMN,
    PASTE_TOO_MANY,
    PASTE_TOO_WIDE,
    paste_parse,
)
from blueprint.interchange.sheet_read import SheetFormatError

PRESET = {"source_system": "CRM", "target_system": "ERP", "direction": "one_way"}


def test_cells_fill_the_columns_from_the_one_they_land_on() -> None:
    sheet = paste_parse("Email\tERP2\tEMAIL\r\n", start="source_field", preset=PRESET)
    [row] = sheet.rows
    assert row.number == 1
    assert row.values["source_system"] == "CRM"  # not pasted: the new row's
    assert row.values["source_field"] == "Email"
    assert row.values["target_system"] == "ERP2"
    assert row.values["target_field"] == "EMAIL"
    assert row.values["direction"] == "one_way" and row.values["transformation"] == ""
    assert sheet.letters["source_field"] == "A" and sheet.letters["target_field"] == "C"
    assert sheet.letters["source_system"] == ""


def test_an_empty_cell_takes_the_new_rows_value_and_blank_lines_are_skipped() -> None:
    sheet = paste_parse("a\t\tA\n\n\t\t\nb\t\tB\n", start="source_field", preset=PRESET)
    assert [r.number for r in sheet.rows] == [1, 4]
    assert {r.values["target_system"] for r in sheet.rows} == {"ERP"}


def test_quoted_cells_keep_line_breaks_tabs_and_quotes() -> None:
    text = 'x\t\ty\t"Won → WON\r\nLost → ""LOST"""\n'
    [row] = paste_parse(text, start="source_field", preset=PRESET).rows
    assert row.values["transformation"] == 'Won → WON\nLost → "LOST"'


def test_a_header_copied_along_places_columns_by_name() -> None:
    text = "Target field\tSource field (as the source calls it)\nEMAIL\tEmail\n"
    sheet = paste_parse(text, start="attribute", preset=PRESET)
    [row] = sheet.rows
    assert row.number == 2
    assert row.values["source_field"] == "Email" and row.values["target_field"] == "EMAIL"
    assert row.values["source_system"] == "CRM"


def test_one_word_on_the_first_line_is_data_not_a_header() -> None:
    # "Required" alone could be a header name, but one cell is not a header row.
    sheet = paste_parse("Required\nOptional\n", start="transformation", preset=PRESET)
    assert [r.values["transformation"] for r in sheet.rows] == ["Required", "Optional"]


def test_trailing_empty_cells_do_not_make_a_row_too_wide() -> None:
    sheet = paste_parse("Customer\tStatus\t\t\t\n", start="entity", preset=PRESET)
    assert sheet.rows[0].values["attribute"] == "Status"


@pytest.mark.parametrize(
    ("text", "start", "message"),
    [
        ("", "source_field", PASTE_EMPTY),
        ("\n\t\n", "source_field", PASTE_EMPTY),
        ("Source field\tTarget field\n", "source_field", PASTE_EMPTY),
        ("a\tb\tc\n", "entity", PASTE_TOO_WIDE.format(row=1, count=3, start="Entity", room=2)),
        ("a\n", "scenarios", PASTE_NO_COLUMN),
        ("a\n" * (MAX_PASTE_ROWS + 1), "source_field", PASTE_TOO_MANY.format(limit=MAX_PASTE_ROWS)),
    ],
)
def test_a_paste_that_cannot_be_read_is_refused_whole(text: str, start: str, message: str) -> None:
    with pytest.raises(SheetFormatError) as refused:
        paste_parse(text, start=start, preset=PRESET)
    assert str(refused.value) == message
