"""Excel downloads of the workbench's tables (openpyxl): one sheet per table, headers in the page's language,
numbers as numbers (amounts in 元, shares as fractions with a percent format), the header row frozen.

>>> import io
>>> from openpyxl import load_workbook
>>> content = workbook([Sheet("预警", ["借款人", "金额（元）"], [["甲公司", 1.5e8]], formats={1: AMOUNT})])
>>> sheet = load_workbook(io.BytesIO(content))["预警"]
>>> [c.value for c in sheet[1]], sheet["B2"].value, sheet["B2"].number_format
(['借款人', '金额（元）'], 150000000, '#,##0.00')
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response

from computecredit.services.spreadsheets import excel_cell

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT = "#,##0.00"
PERCENT = "0.00%"
RATIO = "0.000"


@dataclass(frozen=True)
class Sheet:
    """A table: its title (the sheet's name, at most 31 characters), column headers, rows, and the number
    format of some columns (by index), plus an optional note written under the table."""

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    formats: dict[int, str] = field(default_factory=dict)
    note: str | None = None


def _cell(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # NumPy scalars
        return _cell(value.item())
    return excel_cell(value)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The ``.xlsx`` bytes of ``sheets``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])
        sheet.append(list(spec.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in spec.rows:
            sheet.append([_cell(v) for v in row])
        for index, number_format in spec.formats.items():
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = number_format
        for index, header in enumerate(spec.columns):
            widest = max([len(str(header))] + [len(str(r[index])) for r in spec.rows[:200] if index < len(r)])
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(widest + 4, 10), 60)
        sheet.freeze_panes = "A2"
        if spec.note:
            sheet.append([])
            sheet.append([spec.note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(content: bytes, filename: str) -> Response:
    """An attachment response; the file name may hold Chinese characters (RFC 6266 ``filename*``)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=MEDIA_TYPE, headers={"Content-Disposition": disposition})
