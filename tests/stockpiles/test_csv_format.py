"""The stock CSV format (pure): line numbers, tolerated and refused shapes, Excel safety."""

from __future__ import annotations

import csv
import io

from ukg_aid.stockpiles import csv_format
from ukg_aid.stockpiles.csv_format import CsvRow


def _types(text: str) -> list[tuple[int, str | None, str]]:
    _rows, errors = csv_format.parse(text)
    return [(e.line, e.column, e.type) for e in errors]


def test_lines_are_counted_in_the_file_even_across_quoted_newlines() -> None:
    text = (
        "\ufeffdepot_id,depot_name,item_code,on_hand\r\n"
        '1,"North\r\nwarehouse",water,5\r\n'  # one record over lines 2-3
        "\r\n"  # 4: blank
        ",,,\r\n"  # 5: Excel's empty row
        "2,South,meals,x\r\n"  # 6
    )
    rows, errors = csv_format.parse(text)
    assert rows == [CsvRow(2, 1, "water", 5, None)]
    assert [(e.line, e.column, e.type) for e in errors] == [(6, "on_hand", "not_integer")]


def test_header_rules() -> None:
    assert _types("") == [(1, None, "empty")]
    assert _types("depot_id;item_code;on_hand\n1;water;5\n") == [(1, None, "separator")]
    assert _types("depot_id,item_code,on_hand,reserve_flor\n") == [
        (1, "reserve_flor", "unknown_column")
    ]
    assert _types("depot_id,item_code\n1,water\n") == [(1, "on_hand", "missing_column")]
    assert _types("depot_id,item_code,on_hand,on_hand\n") == [(1, "on_hand", "duplicate")]
    # Case and spaces in names are forgiven; a header alone is an empty, valid file.
    assert csv_format.parse(" Depot_ID , ITEM_CODE,on_hand \n") == ([], [])


def test_values() -> None:
    rows, errors = csv_format.parse(
        "depot_id,item_code,on_hand,reserve_floor\n"
        "１２,water, ３００ ,\n"  # full-width digits, spaces, blank floor (keep stored)
        "3,meals,0,7\n"
        "4,tents,1,2,3\n"
        "5,tents,2000000000,\n"
        "6,tents,1e3,\n"
    )
    assert rows == [CsvRow(2, 12, "water", 300, None), CsvRow(3, 3, "meals", 0, 7)]
    assert [(e.line, e.column, e.type) for e in errors] == [
        (4, None, "extra_values"),
        (5, "on_hand", "too_large"),
        (6, "on_hand", "not_integer"),
    ]


def test_encoding_problems_are_named_per_line() -> None:
    text = "depot_id,item_code,on_hand\n1,water,5\n2,\ufffd\ufffd,5\n3,x\x00,1\n"
    rows, errors = csv_format.parse(text)
    assert rows == []
    assert [(e.line, e.type) for e in errors] == [(3, "encoding"), (4, "encoding")]
    assert "Shift-JIS" in errors[0].msg and "UTF-16" in errors[1].msg


def test_a_broken_quote_names_where_the_record_starts() -> None:
    text = 'depot_id,item_code,on_hand\n1,water,5\n2,"meals,5\n3,water,1\n'
    assert _types(text) == [(3, None, "csv")]


def test_too_many_rows_stops_at_the_first_row_beyond() -> None:
    body = "".join(f"{i},water,1\n" for i in range(1, csv_format.MAX_ROWS + 2))
    rows, errors = csv_format.parse("depot_id,item_code,on_hand\n" + body)
    assert rows == [] and [(e.line, e.type) for e in errors] == [(5002, "too_many_rows")]


def test_render_has_bom_crlf_and_defuses_formulas() -> None:
    text = csv_format.render([(1, "=SUM(A1)", "water", "飲料水", "water", "L", 5, 1, 0, 4)])
    assert text.startswith("\ufeffdepot_id,depot_name,item_code")
    assert text.endswith("\r\n")
    row = next(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert row["depot_name"] == "'=SUM(A1)" and row["item_name_ja"] == "飲料水"
    assert row["on_hand"] == "5"
    rows, errors = csv_format.parse(text)
    assert (rows, errors) == ([CsvRow(2, 1, "water", 5, 1)], [])


def test_hostile_cells_get_short_clear_errors() -> None:
    header = "depot_id,item_code,on_hand\n"
    huge = "9" * 6000  # int() of this many digits raises; must be a row error, not a crash
    rows, errors = csv_format.parse(header + f"1,water,{huge}\n2,{'x' * 500},oops\n")
    assert rows == [] and [(e.line, e.type) for e in errors] == [
        (2, "too_large"),
        (3, "not_integer"),
    ]
    assert all(len(e.msg) < 120 for e in errors)
    assert _types(header + "1,wa\ud800ter,5\n") == [(2, None, "encoding")]
    assert _types(header + "1,water," + "x" * 200_000 + "\n") == [(2, None, "csv")]
