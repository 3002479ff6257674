"""The stock CSV file desks keep in Excel: write it, read it back. Pure (no database).

Writing: UTF-8 with a BOM (Excel on Japanese Windows reads a BOM-less file as Shift-JIS), CRLF,
one row per depot × item. Text cells that Excel would run as a formula (``=``, ``+``, ``-``,
``@``) get a leading apostrophe: depot names are typed by desks, and one desk's name must not
execute in another desk's spreadsheet. Those cells are never read back.

Reading: a header row (any order, names as exported; case and spaces ignored), then rows; blank
lines ignored; ``depot_id``, ``item_code`` and ``on_hand`` required, ``reserve_floor`` optional
(a blank cell keeps the stored floor), every other exported column ignored, unknown columns
refused (a misspelt ``reserve_flor`` must not be silently dropped). Text that is not valid
UTF-8 arrives with U+FFFD in it and is refused, naming the encoding. Every problem is reported
with its 1-based line number in the file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

BOM = "\ufeff"
MAX_ROWS = 5_000
MAX_VALUE = 1_000_000_000
EXPORT_COLUMNS = (
    "depot_id",
    "depot_name",
    "item_code",
    "item_name_ja",
    "item_name_en",
    "unit",
    "on_hand",
    "reserve_floor",
    "reserved",
    "available",
)
REQUIRED = ("depot_id", "item_code", "on_hand")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_DIGITS = re.compile(r"[0-9]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    depot_id: int
    item_code: str
    on_hand: int
    reserve_floor: int | None  # None: keep what is stored


@dataclass(frozen=True, slots=True)
class CsvError:
    line: int
    column: str | None
    msg: str
    type: str

    def to_dict(self) -> dict[str, object]:
        loc = ["body", "csv", self.line] + ([self.column] if self.column else [])
        return {
            "line": self.line,
            "column": self.column,
            "msg": self.msg,
            "type": self.type,
            "loc": loc,
        }


def short(text: str, limit: int = 40) -> str:
    """A cell as quoted back in an error: long values cut (a message must stay readable)."""
    return text if len(text) <= limit else text[:limit] + "…"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def render(rows: Iterable[Sequence[object]]) -> str:
    """The export: BOM, header, one line per row in :data:`EXPORT_COLUMNS` order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(v if isinstance(v, int | float) else _cell(v) for v in row)
    return BOM + buffer.getvalue()


SHIFT_JIS = (
    "this line holds characters that are not UTF-8 (shown as '\ufffd'): the file was probably "
    "saved as Shift-JIS (Excel's plain 'CSV' on Japanese Windows); save it as "
    "'CSV UTF-8 (comma delimited)' and import it again"
)
UTF_16 = (
    "this line holds NUL characters: the file was probably saved as UTF-16 (Excel's "
    "'Unicode text'); save it as 'CSV UTF-8 (comma delimited)' and import it again"
)

SURROGATE = "this line holds a broken character (a lone UTF-16 surrogate); retype or re-save it"


def encoding_errors(text: str) -> list[CsvError]:
    """Lines holding U+FFFD (bytes that were not UTF-8 when the file was read) or NUL."""
    errors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "\ufffd" in line:
            errors.append(CsvError(number, None, SHIFT_JIS, "encoding"))
        elif "\x00" in line:
            errors.append(CsvError(number, None, UTF_16, "encoding"))
        elif not line.isascii() and _SURROGATE.search(line):
            errors.append(CsvError(number, None, SURROGATE, "encoding"))
    return errors


def _header(cells: list[str], line: int) -> tuple[dict[str, int], list[CsvError]]:
    names = [c.strip().lower() for c in cells]
    errors: list[CsvError] = []
    if len(names) == 1 and (";" in names[0] or "\t" in names[0]):
        msg = "the header has one column: separate columns with commas, not ';' or tabs"
        return {}, [CsvError(line, None, msg, "separator")]
    for i, name in enumerate(names):
        if name and name not in EXPORT_COLUMNS:
            known = ", ".join(EXPORT_COLUMNS)
            msg = f"unknown column '{short(cells[i].strip())}'; the columns are: {known}"
            errors.append(CsvError(line, short(cells[i].strip()), msg, "unknown_column"))
        elif name and names.index(name) != i:
            errors.append(CsvError(line, name, f"column '{name}' appears twice", "duplicate"))
    for name in REQUIRED:
        if name not in names:
            errors.append(CsvError(line, name, f"the header lacks '{name}'", "missing_column"))
    return {name: i for i, name in enumerate(names) if name}, errors


def _number(raw: str, column: str, line: int) -> tuple[int | None, CsvError | None]:
    """A whole number ≥ 0 (full-width digits accepted: they are what IMEs type)."""
    value = unicodedata.normalize("NFKC", raw).strip()
    if _DIGITS.fullmatch(value):
        if len(value) <= len(str(MAX_VALUE)) and int(value) <= MAX_VALUE:
            return int(value), None
        msg = f"{short(value)} is larger than {MAX_VALUE:,}"
        return None, CsvError(line, column, msg, "too_large")
    if value.startswith("-") and _DIGITS.fullmatch(value[1:]):
        return None, CsvError(line, column, f"{value} is negative", "negative")
    msg = f"'{short(raw)}' is not a whole number (write digits only, e.g. 1200)"
    return None, CsvError(line, column, msg, "not_integer")


def _value(cells: list[str], columns: dict[str, int], name: str) -> str:
    i = columns.get(name)
    return cells[i] if i is not None and i < len(cells) else ""


def _row(cells: list[str], header: Header, line: int) -> tuple[CsvRow | None, list[CsvError]]:
    errors: list[CsvError] = []
    if any(c.strip() for c in cells[header.width :]):
        msg = f"{len(cells)} values but the header has {header.width} columns"
        errors.append(CsvError(line, None, msg, "extra_values"))
    numbers: dict[str, int | None] = {}
    for name in ("depot_id", "on_hand", "reserve_floor"):
        raw = _value(cells, header.columns, name)
        if not raw.strip():
            numbers[name] = None
            if name != "reserve_floor":
                errors.append(CsvError(line, name, f"'{name}' is empty", "missing"))
            continue
        numbers[name], error = _number(raw, name, line)
        errors += [error] if error else []
    item_code = _value(cells, header.columns, "item_code").strip()
    if not item_code:
        errors.append(CsvError(line, "item_code", "'item_code' is empty", "missing"))
    depot_id, on_hand = numbers["depot_id"], numbers["on_hand"]
    if errors or depot_id is None or on_hand is None:
        return None, errors
    return CsvRow(line, depot_id, item_code, on_hand, numbers["reserve_floor"]), []


@dataclass(frozen=True, slots=True)
class Header:
    columns: dict[str, int]  # column name → position
    width: int


class _Reader:
    """CSV records with the file line each starts on (a quoted cell may span lines)."""

    def __init__(self, text: str) -> None:
        self._reader = csv.reader(io.StringIO(text.removeprefix(BOM)), strict=True)
        self.line = 1  # where the record being read starts

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        for cells in self._reader:
            yield self.line, cells
            self.line = self._reader.line_num + 1


def parse(text: str) -> tuple[list[CsvRow], list[CsvError]]:
    """Every row of the file, or every problem in it (then the rows are not to be used)."""
    if bad := encoding_errors(text):
        return [], bad
    rows: list[CsvRow] = []
    errors: list[CsvError] = []
    header: Header | None = None
    seen = 0
    reader = _Reader(text)
    try:
        for line, cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                columns, header_errors = _header(cells, line)
                if header_errors:
                    return [], header_errors
                header = Header(columns, len(cells))
                continue
            seen += 1
            if seen > MAX_ROWS:
                msg = f"more than {MAX_ROWS:,} rows; split the file and import each part"
                return [], [CsvError(line, None, msg, "too_many_rows")]
            row, row_errors = _row(cells, header, line)
            rows += [row] if row else []
            errors += row_errors
    except csv.Error as exc:
        errors.append(CsvError(reader.line, None, f"the CSV cannot be read: {exc}", "csv"))
    if header is None and not errors:
        errors.append(CsvError(1, None, "the file is empty: a header row is required", "empty"))
    return rows, errors
