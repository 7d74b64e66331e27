"""Reading and writing row tables as CSV (UTF-8, BOM tolerated) or Excel (.xlsx), with spreadsheet row numbers.

Row numbers are those a person sees in the file: the header is row 1, the first data row is row 2.
Cells are read as text (CSV) or as Excel values; empty cells are dropped so model defaults apply.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> write_rows(path, ["a", "b"], [{"a": 1, "b": None}])
>>> [(row.number, row.values) for row in read_rows(path)]
[(2, {'a': '1'})]
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from computecredit.errors import InputError

SUFFIXES = (".csv", ".xlsx")
# Decimals with more significant digits than a double holds exactly are written to Excel as text.
EXACT_DIGITS = 15


@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, Any]


def check_suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("file", str(path), "must be a .csv or .xlsx file", source=str(path))
    if not path.exists():
        raise InputError("file", str(path), "no such file", source=str(path))
    return suffix


def read_rows(path: Path, *, sheet: str | None = None, skip_if: Mapping[str, str] | None = None) -> Iterator[Row]:
    """Rows of a CSV or the ``sheet`` (default: first) of an .xlsx, keyed by the header of row 1.

    A row is skipped when all its cells are empty, or when a column named in ``skip_if`` holds the given
    text (a row of human-readable labels under the code header).
    """
    raw = _csv_rows(path) if check_suffix(path) == ".csv" else _xlsx_rows(path, sheet)
    header: list[str] | None = None
    for number, cells in raw:
        if header is None:
            header = [str(c).strip() if c is not None else "" for c in cells]
            continue
        values = {
            name: clean(cell)
            for name, cell in zip(header, cells, strict=False)
            if name and clean(cell) is not None
        }
        if not values:
            continue
        if skip_if and any(str(values.get(col, "")).strip() == text for col, text in skip_if.items()):
            continue
        yield Row(number, values)


def _csv_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from enumerate(csv.reader(handle), start=1)


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputError(
                "sheet", sheet, f"no such sheet; the workbook has {workbook.sheetnames}", source=str(path)
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, list(cells)
    finally:
        workbook.close()


def clean(cell: Any) -> Any:
    if cell is None:
        return None
    if isinstance(cell, str):
        text = cell.strip()
        return text or None
    if isinstance(cell, datetime):
        return cell.date() if cell.time() == datetime.min.time() else cell
    return cell


def write_rows(
    path: Path,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    labels: Sequence[str] | None = None,
    sheet: str = "data",
) -> None:
    """Write ``rows`` under a header of ``columns`` (and an optional second row of ``labels``)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("file", str(path), "must be a .csv or .xlsx file")
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns)
            if labels:
                writer.writerow(labels)
            for row in rows:
                writer.writerow([text_cell(row.get(col)) for col in columns])
        return
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(list(columns))
    if labels:
        worksheet.append(list(labels))
    for row in rows:
        worksheet.append([excel_cell(row.get(col)) for col in columns])
    worksheet.freeze_panes = "B3" if labels else "B2"
    workbook.save(path)


def text_cell(value: Any) -> str:
    """A value as CSV text: Decimals exactly, booleans as true/false, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def excel_cell(value: Any) -> Any:
    """A value as an Excel cell: numbers stay numbers unless a double would not hold them exactly."""
    if value is None or isinstance(value, (bool, int, date)):
        return value
    if isinstance(value, Decimal):
        digits = len(value.normalize().as_tuple().digits)
        if digits > EXACT_DIGITS:
            return format(value, "f")
        return int(value) if value == value.to_integral_value() else float(value)
    return str(getattr(value, "value", value))


TRUE = {"true", "yes", "y", "1", "是", "有", "t"}
FALSE = {"false", "no", "n", "0", "否", "无", "f"}


def parse_bool(value: Any, *, field: str) -> bool:
    """Read a yes/no cell (true/false, yes/no, 是/否, 1/0).

    >>> parse_bool("是", field="audited"), parse_bool(0, field="audited")
    (True, False)
    """
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise InputError(field, value, "must be yes or no (true/false, 是/否, 1/0)")


__all__ = ["Row", "check_suffix", "clean", "excel_cell", "parse_bool", "read_rows", "text_cell", "write_rows"]
