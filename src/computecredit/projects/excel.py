"""Excel export of a project result: summary, sources and uses, monthly/quarterly/annual tables, tornado.

Each table sheet has three header rows: the column name, its unit, and what it means (the formula), so a
credit officer can check any cell by hand.

>>> from computecredit import projects
>>> from openpyxl import load_workbook
>>> import io
>>> result = projects.evaluate(projects.example_path("ningxia_phase1"), simulations=0)
>>> book = load_workbook(io.BytesIO(excel_workbook(result)))
>>> book.sheetnames
['Summary', 'Sources and uses', 'Monthly', 'Quarterly', 'Annual', 'Tornado']
>>> [c.value for c in book["Annual"][2]][:3]
['index', 'date', 'date']
"""

from __future__ import annotations

import io
import math
from datetime import date
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from computecredit.projects.result import COLUMNS, ProjectResult

BOLD = Font(bold=True)
DIM = Font(italic=True, color="666666")


def _cell(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return _cell(value.item())
    return value


def _table(book: Workbook, title: str, frame: pd.DataFrame) -> None:
    sheet = book.create_sheet(title)
    names = list(frame.columns)
    sheet.append(names)
    sheet.append([COLUMNS.get(n, ("", ""))[0] if n != "period" else "index" for n in names])
    sheet.append([COLUMNS.get(n, ("", ""))[1] if n != "period" else "period number" for n in names])
    for cell in sheet[1]:
        cell.font = BOLD
    for row in (2, 3):
        for cell in sheet[row]:
            cell.font = DIM
    for record in frame.itertuples(index=False):
        sheet.append([_cell(v) for v in record])
    for i, name in enumerate(names, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, len(name) + 2)
        if COLUMNS.get(name, ("",))[0] == "CNY":
            for (cell,) in sheet.iter_rows(min_row=4, min_col=i, max_col=i):
                cell.number_format = "#,##0"
    sheet.freeze_panes = "C4"


def excel_workbook(result: ProjectResult) -> bytes:
    """The workbook as bytes (write them to an .xlsx file)."""
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    data = result.to_dict(annual_table=False)
    summary.append(["project", data["name"]])
    summary.append(["borrower", data["borrower"]])
    summary.append(["model version", data["model_version"]])
    summary.append(["evaluated", date.today().isoformat()])
    for key in (
        "senior_debt",
        "gearing",
        "min_dscr",
        "avg_dscr",
        "llcr",
        "plcr",
        "project_irr",
        "equity_irr",
        "npv",
        "payback_years",
        "breakeven_utilization",
        "breakeven_price",
        "max_debt",
    ):
        summary.append([key, _cell(data[key])])
    if data["simulation"]:
        for key, value in data["simulation"].items():
            if not isinstance(value, (dict, list)):
                summary.append([f"simulation.{key}", _cell(value)])
    for note in data["warnings"]:
        summary.append(["note", note])
    for cell in summary["A"]:
        cell.font = BOLD
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["B"].width = 40

    sheet = book.create_sheet("Sources and uses")
    sheet.append(["side", "item", "CNY"])
    for side in ("uses", "sources"):
        for item, value in data["sources_uses"][side].items():
            sheet.append([side, item, value])
    sheet.append(["", "gearing", data["sources_uses"]["gearing"]])

    monthly = result.monthly()
    _table(book, "Monthly", monthly)
    _table(book, "Quarterly", result.quarterly())
    _table(book, "Annual", result.annual())

    sheet = book.create_sheet("Tornado")
    keys = [
        "driver",
        "label",
        "min_dscr_low",
        "min_dscr_base",
        "min_dscr_high",
        "equity_irr_low",
        "equity_irr_high",
    ]
    sheet.append(keys)
    for bar in result.tornado:
        sheet.append([_cell(bar[k]) for k in keys])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = ["excel_workbook"]
