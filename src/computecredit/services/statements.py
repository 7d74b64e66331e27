"""Statement use cases: the Excel template analysts fill in, import (CSV or Excel) and export, exactly.

Two layouts, both keyed by the line-item codes of :data:`computecredit.domain.statements.LINE_ITEMS`:

- **Excel** (for people): one sheet per borrower. Column A holds the code, B the statement, C and D the
  Chinese and English labels, and each further column one fiscal year. The first rows hold the
  statement's facts (:data:`META`): borrower, year, period end, consolidated, audited, auditor, unit,
  currency. Subtotals may be left blank: they are computed; if filled in they must add up.
- **As printed** (Excel sheet or CSV whose first header cell is ``项目``): the statements as an A-share
  annual report prints them (合并资产负债表, 合并利润表, 合并现金流量表, one sheet each or all in one):
  column A the line name as printed (numbering, 其中/加/减 and filling notes are ignored), each further
  column one year (the year read from the header, e.g. ``2024年12月31日``, or from a 会计年度 row); the
  facts as labelled rows (统一社会信用代码, 金额单位 元/万元, …). Amounts as printed: ``1,234.56``,
  ``(1,234.56)`` or ``－1,234.56`` for negatives, ``-``/``—`` for none. The sheets of one borrower and year
  are merged into one statement. A line the model does not have is refused with its row; with
  ``headline_only`` (仅主要项目) leave it out and the totals put it in the "not itemised" lines.
- **CSV** (for machines): one row per statement, columns :data:`META` then every line-item code.

Import → export → import gives the same statements, to the last digit.

>>> META[:3]
('borrower_uscc', 'fiscal_year', 'period_end')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.domain.statements import (
    ITEMS,
    LINE_ITEMS,
    STATEMENT_LABELS,
    FinancialStatement,
    code_for_label,
)
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
    "headline_only",
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
    "headline_only": ("仅主要项目", "Headline only"),
}
BOOLEAN_META = ("consolidated", "audited", "headline_only")
# Facts written on export: ``headline_only`` is read on import only (the gaps are then in the stored
# "not itemised" lines, so an exported statement is itemised as it stands).
EXPORTED_META = tuple(key for key in META if key != "headline_only")
PRINTED_HEADER = "项目"
_META_BY_LABEL = {label.lower(): key for key, labels in META_LABELS.items() for label in (key, *labels)}
CSV_COLUMNS: tuple[str, ...] = (*EXPORTED_META, *(item.code for item in LINE_ITEMS))
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
    """``"statements"`` or ``"borrowers"`` for a CSV (by its header), ``"printed"`` for a CSV laid out as an
    annual report prints it, ``"workbook"`` for an .xlsx."""
    if spreadsheets.check_suffix(path) == ".xlsx":
        return "workbook"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    if header and _is_vertical(header[0]):
        return "printed"
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
        elif key.startswith("row "):
            number, label = key.removeprefix("row ").split(": ", 1)
            problems.append(
                Problem(
                    label,
                    value,
                    "unknown line name: use the name printed in the annual report (e.g. 货币资金) or a code, "
                    "put the amount in the section's 未逐项列示 line, or leave it out and mark 仅主要项目 "
                    "(headline_only)",
                    source,
                    int(number),
                )
            )
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
    readers = {"statements": _read_csv, "printed": _read_printed_csv, "workbook": _read_workbook}
    try:
        readings = _merged(list(readers[kind](path)))
    except InputError as exc:
        raise InputError(problems=exc.problems[:MAX_REPORTED]) from None
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


def _merged(readings: list[Reading]) -> list[Reading]:
    """Readings of one borrower, year and consolidation merged (an annual report's three statements on
    three sheets make one statement); a line given on two sheets with different amounts is refused."""
    merged: dict[tuple[str, ...], Reading] = {}
    out: list[Reading] = []
    for reading in readings:
        values, source, row, rows_of = reading
        key = tuple(str(values.get(k, "")).strip() for k in ("borrower_uscc", "fiscal_year", "consolidated"))
        if rows_of is None or not key[0] or not key[1]:
            out.append(reading)
            continue
        if key not in merged:
            merged[key] = (dict(values), source, row, dict(rows_of))
            out.append(merged[key])
            continue
        into, first_source, _, first_rows = merged[key]
        for code, value in values.items():
            if code in ITEMS and code in into and str(into[code]) != str(value):
                raise InputError(
                    code,
                    value,
                    f"given twice with different amounts ({into[code]} in {first_source})",
                    source=source,
                    row=row,
                )
            into.setdefault(code, value)
        assert first_rows is not None  # merged readings always carry their rows
        first_rows.update({k: v for k, v in rows_of.items() if k not in first_rows})
    return out


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

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            yield from _read_vertical(rows, lambda column, title=sheet.title: f"{path.name}[{title}!{column}]")
    finally:
        workbook.close()


def _read_printed_csv(path: Path) -> Iterable[Reading]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows: list[list[Any]] = [list(r) for r in csv.reader(handle)]
    yield from _read_vertical(rows, lambda column: f"{path.name}[{column}]")


def _is_vertical(first_cell: Any) -> bool:
    text = str(first_cell or "").strip()
    return text == HEADER[0] or text.startswith(PRINTED_HEADER)


def _read_vertical(rows: list[list[Any]], source_of: Any) -> Iterable[Reading]:
    """Statements of a sheet laid out one line per row, one year per column: the template (codes in
    column A, labels in C and D, years from E) or a statement as printed (line names in A, years from B)."""
    from openpyxl.utils import get_column_letter

    if not rows or not rows[0] or not _is_vertical(rows[0][0]):
        return  # instructions, borrowers or other sheets
    template = str(rows[0][0]).strip() == HEADER[0]
    first = FIRST_YEAR_COLUMN - 1 if template else 1
    keys: dict[int, str] = {}  # row number -> code or fact
    unknown: dict[int, str] = {}  # row number -> line name the model does not have
    for number, r in enumerate(rows[1:], start=2):
        if not r or all(spreadsheets.clean(c) is None for c in r[first:]):
            continue  # blank or a section heading such as 流动资产：
        key = _row_key(r, template)
        if key is None:
            unknown[number] = str(r[0] if r[0] is not None else r[2] if len(r) > 2 else "")
        elif key:
            keys[number] = key
    rows_of = {key: number for number, key in keys.items()}
    width = max(len(r) for r in rows)
    for column in range(first, width):
        letter = get_column_letter(column + 1)
        values: dict[str, Any] = {}
        clashes: list[Problem] = []
        for number, key in keys.items():
            r = rows[number - 1]
            raw = r[column] if column < len(r) else None
            cell = _printed_cell(raw) if key in ITEMS else spreadsheets.clean(raw)
            if cell is None:
                continue
            if key in values and values[key] != cell:
                clashes.append(
                    Problem(key, cell, f"given twice with different amounts ({values[key]})", None, number)
                )
            values[key] = cell
        if not values:
            continue
        if clashes:
            raise InputError(
                problems=[Problem(p.field, p.value, p.rule, source_of(letter), p.row) for p in clashes]
            )
        if "fiscal_year" not in values:
            year = _year_of(rows[0][column] if column < len(rows[0]) else None)
            if year is not None:
                values["fiscal_year"] = year
        for number, label in unknown.items():  # refused by statement_from_values, naming the row
            r = rows[number - 1]
            if column < len(r) and _printed_cell(r[column]) is not None:
                values[f"row {number}: {label}"] = r[column]
        yield values, source_of(letter), rows_of.get("fiscal_year"), rows_of


def _row_key(r: list[Any], template: bool) -> str | None:
    """The code or fact a row holds: a code in column A, else the line name (column A, or C in the
    template); ``""`` for a printed sum that is read from its parts; ``None`` when unknown."""
    first = str(r[0]).strip() if r[0] is not None else ""
    if first in ITEMS or first in META:
        return first
    labels = [first] + ([str(r[2]).strip()] if template and len(r) > 2 and r[2] is not None else [])
    for label in labels:
        if not label:
            continue
        fact = _META_BY_LABEL.get(label.lower())
        if fact is not None:
            return fact
        code = code_for_label(label)
        if code is not None:
            return code
    return None


def _printed_cell(cell: Any) -> Any:
    """An amount as annual reports print it: ``1,234.5``; ``(1,234.5)`` and ``－1,234.5`` are negative;
    ``-``/``—`` mean none.

    >>> _printed_cell("(1,234.5)"), _printed_cell("－20"), _printed_cell("—"), _printed_cell(7)
    ('-1234.5', '-20', None, 7)
    """
    cell = spreadsheets.clean(cell)
    if not isinstance(cell, str):
        return cell
    text = cell.replace("－", "-").replace("（", "(").replace("）", ")").replace(",", "").replace("，", "")
    if text in {"-", "--", "—", "——", "/"}:
        return None
    if text.startswith("(") and text.endswith(")"):
        return "-" + text[1:-1].strip()
    return text


def _year_of(header: Any) -> int | None:
    """The fiscal year in a column header such as ``2024``, ``2024年度`` or ``2024年12月31日``."""
    if isinstance(header, (int, float)) and 1990 <= header <= 2100:
        return int(header)
    if isinstance(header, date):
        return header.year
    found = re.search(r"(19|20)\d{2}", str(header or ""))
    return int(found.group(0)) if found else None


# --- storing ----------------------------------------------------------------------------------------


def store_statements(
    session: Session,
    statements: Sequence[FinancialStatement | Located],
    *,
    source: str | None = None,
    scope: Scope = WHOLE_BANK,
) -> dict[str, int]:
    """Save statements in ``session``; a statement of a borrower that is unknown (or outside ``scope``,
    which reads the same) is bad input (nothing is kept)."""
    created = updated = 0
    for entry in statements:
        item = entry if isinstance(entry, Located) else Located(entry, source or "", None)
        try:
            _, is_new = store.save_statement(session, item.statement, scope)
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
    return {**statement.model_dump(include=set(EXPORTED_META)), **statement.values}


def write_csv(path: Path, statements: Sequence[FinancialStatement]) -> None:
    """The machine format: :data:`CSV_COLUMNS`, less the "not itemised" columns when no statement uses them
    (files of fully itemised statements keep the layout they always had)."""
    used = {code for s in statements for code in s.values}
    columns = [c for c in CSV_COLUMNS if not c.startswith("unitemised_") or c in used]
    labels = [META_LABELS[c][0] if c in META_LABELS else ITEMS[c].zh for c in columns]
    spreadsheets.write_rows(path, columns, [statement_row(s) for s in statements], labels=labels)


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
            merged = all(s.consolidated for s in group)
            sheet.append(
                [
                    item.code,
                    f"合并{zh_statement} Consolidated {en_statement.lower()}"
                    if merged
                    else f"{zh_statement} {en_statement}",
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
    "C列为年报中的项目名称（财会〔2019〕6号格式）。来源只列示主要项目时，将“仅主要项目”设为“是”：合计与明细之差记入“未逐项列示”行并如此显示。",
    "Column C holds the line names as annual reports print them. When the source gives headline figures only, set "
    "'headline only' to yes: the gap between each total and its lines goes to the 'not itemised' lines, shown as such.",
    "也可直接导入年报原样的报表：首行首格为“项目”，A列为年报项目名称，其后每列一个年度（表头如“2024年12月31日”）。",
    "Statements as printed also import: first cell '项目', line names in column A, one year per column after it.",
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
