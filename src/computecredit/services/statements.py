"""Statement use cases: the Excel template analysts fill in, import (CSV or Excel) and export, exactly.

Two layouts, both keyed by the line-item codes of :data:`computecredit.domain.statements.LINE_ITEMS`:

- **Excel** (for people): one sheet per borrower. Column A holds the code, B the statement, C and D the
  Chinese and English labels, and each further column one fiscal year. The first rows hold the
  statement's facts (:data:`META`): borrower, year, period end, consolidated, audited, auditor, unit,
  currency. Subtotals may be left blank: they are computed; if filled in they must add up.
- **CSV** (for machines): one row per statement, columns :data:`META` then every line-item code.

Import → export → import gives the same statements, to the last digit.

>>> META[:3]
('borrower_uscc', 'fiscal_year', 'period_end')
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from computecredit.domain.statements import ITEMS, LINE_ITEMS, STATEMENT_LABELS, FinancialStatement
from computecredit.domain.validation import input_error
from computecredit.errors import InputError, NotFoundError, Problem
from computecredit.services import spreadsheets
from computecredit.store import borrowers as store
from computecredit.store.database import Database

META: tuple[str, ...] = (
    "borrower_uscc",
    "fiscal_year",
    "period_end",
    "period_months",
    "consolidated",
    "audited",
    "auditor",
    "unit",
    "currency",
)
META_LABELS: dict[str, tuple[str, str]] = {
    "borrower_uscc": ("统一社会信用代码", "Borrower USCC"),
    "fiscal_year": ("会计年度", "Fiscal year"),
    "period_end": ("报告期末", "Period end"),
    "period_months": ("报告期月数", "Months in period"),
    "consolidated": ("合并报表", "Consolidated"),
    "audited": ("是否经审计", "Audited"),
    "auditor": ("审计机构", "Auditor"),
    "unit": ("金额单位", "Unit"),
    "currency": ("币种", "Currency"),
}
BOOLEAN_META = ("consolidated", "audited")
CSV_COLUMNS: tuple[str, ...] = (*META, *(item.code for item in LINE_ITEMS))
FIRST_YEAR_COLUMN = 5  # column E
HEADER = ("code", "报表 statement", "项目", "Item")
MAX_REPORTED = 50


@dataclass(frozen=True)
class Located:
    """A statement with where it was read from, so later problems can name the file and row."""

    statement: FinancialStatement
    source: str
    row: int | None


def file_kind(path: Path) -> str:
    """``"statements"`` or ``"borrowers"`` for a CSV (by its header), ``"workbook"`` for an .xlsx."""
    if spreadsheets.check_suffix(path) == ".xlsx":
        return "workbook"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    return "statements" if "fiscal_year" in header else "borrowers"


# --- reading ----------------------------------------------------------------------------------------


def statement_from_values(values: dict[str, Any], *, source: str | None, row: int | None) -> FinancialStatement:
    """A statement from facts and line items keyed by code; :class:`InputError` names the code and rule."""
    meta: dict[str, Any] = {}
    lines: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in values.items():
        if key in META:
            meta[key] = value
        elif key in ITEMS:
            lines[key] = value
        else:
            problems.append(Problem(key, value, "unknown line-item code (see domain/statements.py)", source, row))
    for key in BOOLEAN_META:
        if key in meta:
            try:
                meta[key] = spreadsheets.parse_bool(meta[key], field=key)
            except InputError as exc:
                problems.extend(exc.with_source(source, row).problems)
    if problems:
        raise InputError(problems=problems)
    if isinstance(meta.get("fiscal_year"), float) and meta["fiscal_year"].is_integer():
        meta["fiscal_year"] = int(meta["fiscal_year"])
    try:
        return FinancialStatement.model_validate({**meta, "values": lines})
    except InputError as exc:
        raise exc.with_source(source, row) from None
    except ValueError as exc:
        error = input_error(exc, source=source, row=row)  # type: ignore[arg-type]
        raise InputError(problems=[_column_name(p) for p in error.problems]) from None


def _column_name(problem: Problem) -> Problem:
    return Problem(problem.field.removeprefix("values."), problem.value, problem.rule, problem.source, problem.row)


def read_located(path: Path, *, required: bool = True) -> list[Located]:
    """Every statement in a statements CSV or in the statement sheets of a workbook, checked in full.

    With ``required`` a file without statements is bad input; else it gives an empty list.
    """
    kind = file_kind(path)
    if kind == "borrowers":
        raise InputError(
            "file", path.name, "is not a statements file: its header has no fiscal_year", source=path.name
        )
    found: list[Located] = []
    problems: list[Problem] = []
    readings = _read_csv(path) if kind == "statements" else _read_workbook(path)
    for values, source, row, rows_of in readings:
        try:
            found.append(Located(statement_from_values(values, source=source, row=row), source, row))
        except InputError as exc:
            problems.extend(_locate(p, rows_of) for p in exc.problems)
    keys: dict[tuple[str, int, bool], Located] = {}
    for item in found:
        s = item.statement
        key = (s.borrower_uscc, s.fiscal_year, s.consolidated)
        if key in keys:
            problems.append(
                Problem(
                    "fiscal_year",
                    s.fiscal_year,
                    f"statement of {s.borrower_uscc} for this year appears twice",
                    item.source,
                    item.row,
                )
            )
        keys[key] = item
    if problems:
        raise InputError(problems=problems[:MAX_REPORTED])
    if not found and required:
        raise InputError("file", path.name, "holds no statements", source=path.name)
    return found


def read_statements(path: Path) -> list[FinancialStatement]:
    """The statements of ``path`` (see :func:`read_located`)."""
    return [item.statement for item in read_located(path)]


def _locate(problem: Problem, rows_of: dict[str, int] | None) -> Problem:
    if rows_of and problem.field in rows_of:
        return Problem(problem.field, problem.value, problem.rule, problem.source, rows_of[problem.field])
    return problem


Reading = tuple[dict[str, Any], str, int | None, dict[str, int] | None]


def _read_csv(path: Path) -> Iterable[Reading]:
    label_row = {"borrower_uscc": META_LABELS["borrower_uscc"][0]}
    for row in spreadsheets.read_rows(path, skip_if=label_row):
        yield row.values, path.name, row.number, None


def _read_workbook(path: Path) -> Iterable[Reading]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            if not rows or not rows[0] or rows[0][0] != HEADER[0]:
                continue  # instructions, borrowers or other sheets
            codes = {str(r[0]).strip(): number for number, r in enumerate(rows, start=1) if r and r[0]}
            width = max(len(r) for r in rows)
            for column in range(FIRST_YEAR_COLUMN - 1, width):
                values = {}
                for r in rows[1:]:
                    if not r or r[0] is None or column >= len(r):
                        continue
                    cell = spreadsheets.clean(r[column])
                    if cell is not None:
                        values[str(r[0]).strip()] = cell
                if not values:
                    continue
                source = f"{path.name}[{sheet.title}!{get_column_letter(column + 1)}]"
                yield values, source, codes.get("fiscal_year"), codes
    finally:
        workbook.close()


# --- storing ----------------------------------------------------------------------------------------


def store_statements(
    session: Session, statements: Sequence[FinancialStatement | Located], *, source: str | None = None
) -> dict[str, int]:
    """Save statements in ``session``; a statement of an unknown borrower is bad input (nothing is kept)."""
    created = updated = 0
    for entry in statements:
        item = entry if isinstance(entry, Located) else Located(entry, source or "", None)
        try:
            _, is_new = store.save_statement(session, item.statement)
        except NotFoundError:
            raise InputError(
                "borrower_uscc",
                item.statement.borrower_uscc,
                "no borrower with this 统一社会信用代码; import the borrower first",
                source=item.source or source,
                row=item.row,
            ) from None
        created += is_new
        updated += not is_new
    return {"created": created, "updated": updated}


def import_statements(db: Database, path: Path) -> dict[str, Any]:
    """Import every statement of ``path`` in one transaction; returns counts."""
    located = read_located(path)
    with db.transaction() as session:
        counts = store_statements(session, located)
    return {"file": str(path), "statements_created": counts["created"], "statements_updated": counts["updated"]}


# --- writing ----------------------------------------------------------------------------------------


def statement_row(statement: FinancialStatement) -> dict[str, Any]:
    """One CSV row: facts then every line item (blank when not reported)."""
    return {**statement.model_dump(include=set(META)), **statement.values}


def write_csv(path: Path, statements: Sequence[FinancialStatement]) -> None:
    labels = [META_LABELS[c][0] if c in META_LABELS else ITEMS[c].zh for c in CSV_COLUMNS]
    spreadsheets.write_rows(path, CSV_COLUMNS, [statement_row(s) for s in statements], labels=labels)


def write_workbook(
    path: Path, statements: Sequence[FinancialStatement], *, names: dict[str, str] | None = None
) -> None:
    """The analysts' workbook: an instructions sheet, then one sheet per borrower, one column per year."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    guide = workbook.active
    guide.title = "说明 Instructions"
    for line in INSTRUCTIONS:
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    by_borrower: dict[str, list[FinancialStatement]] = {}
    for statement in statements:
        by_borrower.setdefault(statement.borrower_uscc, []).append(statement)
    bold = Font(bold=True)
    meta_fill = PatternFill("solid", fgColor="DDEBF7")
    for uscc, group in by_borrower.items():
        group.sort(key=lambda s: (s.fiscal_year, not s.consolidated))
        sheet = workbook.create_sheet(uscc)
        sheet.append(list(HEADER) + [None] * len(group))
        if names and uscc in names:
            sheet.cell(row=1, column=FIRST_YEAR_COLUMN + len(group), value=names[uscc])
        for key in META:
            zh, en = META_LABELS[key]
            sheet.append([key, "", zh, en, *(spreadsheets.excel_cell(getattr(s, key)) for s in group)])
        for item in LINE_ITEMS:
            zh_statement, en_statement = STATEMENT_LABELS[item.statement]
            sheet.append(
                [
                    item.code,
                    f"{zh_statement} {en_statement}",
                    item.zh,
                    item.en,
                    *(spreadsheets.excel_cell(s.values.get(item.code)) for s in group),
                ]
            )
            if item.is_subtotal:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        for row in sheet.iter_rows(min_row=2, max_row=1 + len(META)):
            for cell in row:
                cell.fill = meta_fill
        for cell in sheet[1]:
            cell.font = bold
        for column, width in zip("ABCD", (34, 24, 36, 44), strict=True):
            sheet.column_dimensions[column].width = width
        for index in range(len(group)):
            letter = get_column_letter(FIRST_YEAR_COLUMN + index)
            sheet.column_dimensions[letter].width = 18
            for (cell,) in sheet.iter_rows(
                min_row=2 + len(META), min_col=FIRST_YEAR_COLUMN + index, max_col=FIRST_YEAR_COLUMN + index
            ):
                cell.number_format = "#,##0.00"
        sheet.freeze_panes = "E2"
    workbook.save(path)


INSTRUCTIONS = (
    "财务报表导入模板 / Financial statements template — computecredit",
    "",
    "每个借款人一张工作表；每一列（E列起）为一个会计年度。A列为代码，请勿修改。",
    "One sheet per borrower; each column from E on is one fiscal year. Column A holds the codes: do not change them.",
    "金额按“金额单位”行所示单位填写（元、千元、万元、百万元、亿元）；费用填正数，减值损失按准则以负数填列。",
    "Enter amounts in the unit of the 'unit' row; expenses as positive numbers, impairment losses negative (CAS format).",
    "合计行可留空，系统自动计算；如填写，须与明细相加一致。资产总计须等于负债和所有者权益总计（容差：资产总计的0.01%，至少1元）。",
    "Subtotals may be left blank and are computed; if filled in they must add up. Total assets must equal total "
    "liabilities and equity within 0.01% of total assets (at least 1 CNY).",
    "导入命令 / import with:  computecredit statements import FILE.xlsx",
)


def write_statements(
    path: Path, statements: Sequence[FinancialStatement], *, names: dict[str, str] | None = None
) -> None:
    """Write ``statements`` as CSV or as the analysts' workbook, by the file's suffix."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(path, statements)
    elif suffix == ".xlsx":
        write_workbook(path, statements, names=names)
    else:
        raise InputError("file", str(path), "must be a .csv or .xlsx file")


def export_statements(db: Database, path: Path, uscc: str | None = None) -> int:
    """Write the stored statements (of one borrower, or all) to ``path``; returns how many."""
    with db.transaction() as session:
        statements = store.list_statements(session, uscc)
        names = {b.uscc: b.name_zh for b in store.list_borrowers(session)}
    if uscc is not None and not statements:
        raise NotFoundError(f"no statements stored for {uscc}")
    write_statements(path, statements, names=names)
    return len(statements)


def template(path: Path, uscc: str, years: Sequence[int], *, unit: str = "万元", audited: bool = False) -> None:
    """A blank workbook for one borrower and ``years``: facts filled in, line items empty."""
    if path.suffix.lower() != ".xlsx":
        raise InputError("file", str(path), "the template is an Excel workbook: use a .xlsx name")
    # The facts (USCC, year, unit) are validated as a statement's would be, with the smallest balancing set of
    # line items; the items are then cleared so the analyst fills them in.
    smallest_balanced = {
        "total_assets": 1,
        "total_liabilities": 0,
        "total_equity": 1,
        "operating_revenue": 0,
        "net_profit": 0,
    }
    blanks = []
    for year in years:
        try:
            statement = FinancialStatement.model_validate(
                {
                    "borrower_uscc": uscc,
                    "fiscal_year": year,
                    "unit": unit,
                    "audited": audited,
                    "values": smallest_balanced,
                }
            )
        except ValueError as exc:
            raise input_error(exc) from None  # type: ignore[arg-type]
        blanks.append(statement.model_copy(update={"values": {}}))
    write_workbook(path, blanks)


__all__ = [
    "CSV_COLUMNS",
    "META",
    "Located",
    "export_statements",
    "file_kind",
    "import_statements",
    "read_located",
    "read_statements",
    "statement_from_values",
    "store_statements",
    "template",
    "write_statements",
]
