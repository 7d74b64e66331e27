"""Borrower use cases: import from CSV/Excel (one transaction, every bad cell reported), list, export.

A borrower file has one row per borrower under a header of :data:`COLUMNS` (a second row of labels, as in
the exported files, is skipped), and may add :data:`BRANCH`, the branch that books the borrower (管户机构;
the import's branch, else the head office, when blank). An Excel workbook may also hold statement sheets
(:mod:`computecredit.services.statements`); they are imported in the same transaction.

>>> COLUMNS[:4], BRANCH
(('uscc', 'name_zh', 'name_en', 'segment'), 'branch_code')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from computecredit.domain.borrowers import Borrower
from computecredit.domain.validation import input_error
from computecredit.errors import InputError, Problem
from computecredit.services import spreadsheets
from computecredit.services.branches import require_branch
from computecredit.store import borrowers as store
from computecredit.store.database import Database

CREDENTIALS = ("high_tech_enterprise", "specialised_level", "invention_patents", "patents", "rd_spend", "rd_staff")
COLUMNS: tuple[str, ...] = (
    "uscc",
    "name_zh",
    "name_en",
    "segment",
    "province",
    "hub",
    "group_name",
    "ownership",
    "ticker",
    "established",
    "employees",
    "revenue",
    "total_assets",
    "sme_industry_override",
    *CREDENTIALS,
)
LABELS: dict[str, str] = {
    "uscc": "统一社会信用代码 USCC",
    "name_zh": "中文名称 Chinese name",
    "name_en": "英文名称 English name",
    "segment": "产业链环节 Chain segment",
    "province": "省份 Province",
    "hub": "东数西算枢纽 Compute hub",
    "group_name": "所属集团 Group",
    "ownership": "所有制 Ownership",
    "ticker": "股票代码 Ticker",
    "established": "成立日期 Established",
    "employees": "从业人员 Employees",
    "revenue": "营业收入(元) Revenue (CNY)",
    "total_assets": "资产总额(元) Total assets (CNY)",
    "sme_industry_override": "划型行业(可选) SME industry (optional)",
    "high_tech_enterprise": "高新技术企业 High-tech enterprise",
    "specialised_level": "专精特新 Specialised level",
    "invention_patents": "发明专利 Invention patents",
    "patents": "专利总数 Patents",
    "rd_spend": "研发投入(元) R&D spend (CNY)",
    "rd_staff": "研发人员 R&D staff",
    "branch_code": "管户机构 Branch",
}
# The optional column naming the branch that books the borrower: the bank's, not the firm's (no Borrower field).
BRANCH = "branch_code"
MAX_REPORTED = 50


def borrower_from_row(values: dict[str, Any], *, source: str | None = None, row: int | None = None) -> Borrower:
    """A borrower from one flat row of :data:`COLUMNS`; :class:`InputError` names the column and rule."""
    unknown = sorted(set(values) - set(COLUMNS))
    if unknown:
        raise InputError(
            unknown[0],
            values[unknown[0]],
            f"unknown column; expected {', '.join(COLUMNS)}",
            source=source,
            row=row,
        )
    data = {k: v for k, v in values.items() if k not in CREDENTIALS}
    credentials = {k: v for k, v in values.items() if k in CREDENTIALS}
    try:
        if "high_tech_enterprise" in credentials:
            credentials["high_tech_enterprise"] = spreadsheets.parse_bool(
                credentials["high_tech_enterprise"], field="high_tech_enterprise"
            )
        return Borrower.model_validate({**data, "credentials": credentials})
    except InputError as exc:
        raise exc.with_source(source, row) from None
    except ValueError as exc:
        error = input_error(exc, source=source, row=row)  # type: ignore[arg-type]
        raise InputError(problems=[_flat(p) for p in error.problems]) from None


def _flat(problem: Problem) -> Problem:
    # The file has flat columns; name them as the file does (rd_staff, not credentials.rd_staff).
    return Problem(
        problem.field.removeprefix("credentials."), problem.value, problem.rule, problem.source, problem.row
    )


def borrower_to_row(borrower: Borrower) -> dict[str, Any]:
    """One flat row of :data:`COLUMNS` (the inverse of :func:`borrower_from_row`)."""
    data = borrower.model_dump(exclude={"credentials", "size_class", "sme_industry"})
    data.update(borrower.credentials.model_dump())
    return {column: data.get(column) for column in COLUMNS}


@dataclass(frozen=True)
class BorrowerFile:
    """The borrowers of a file, and the branch its :data:`BRANCH` column books each at (by USCC)."""

    borrowers: list[Borrower]
    branches: dict[str, str]


def read_borrowers(path: Path) -> list[Borrower]:
    """Every borrower in a CSV file or the ``borrowers`` sheet (else the first sheet) of a workbook
    (:func:`read_borrower_file` without the branches)."""
    return read_borrower_file(path).borrowers


def read_borrower_file(path: Path) -> BorrowerFile:
    """Every borrower in a CSV file or the ``borrowers`` sheet (else the first sheet) of a workbook, with
    the branch its row names, if any.

    All rows are checked before anything is returned; the :class:`InputError` lists every problem found
    (up to 50), each with file, row, column, value and rule. A USCC that appears twice is refused.
    """
    source = path.name
    sheet = _borrower_sheet(path)
    if sheet is None and path.suffix.lower() == ".xlsx":
        return BorrowerFile([], {})
    borrowers: list[Borrower] = []
    branches: dict[str, str] = {}
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row in spreadsheets.read_rows(path, sheet=sheet, skip_if={"uscc": LABELS["uscc"]}):
        values = dict(row.values)
        branch = str(values.pop(BRANCH, None) or "").strip().upper()
        try:
            borrower = borrower_from_row(values, source=source, row=row.number)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if borrower.uscc in seen:
            problems.append(
                Problem(
                    "uscc",
                    borrower.uscc,
                    f"appears twice (first on row {seen[borrower.uscc]})",
                    source,
                    row.number,
                )
            )
            continue
        seen[borrower.uscc] = row.number
        borrowers.append(borrower)
        if branch:
            branches[borrower.uscc] = branch
    if problems:
        raise InputError(problems=problems[:MAX_REPORTED])
    if not borrowers:
        raise InputError("file", source, "holds no borrower rows", source=source)
    return BorrowerFile(borrowers, branches)


def _borrower_sheet(path: Path) -> str | None:
    if spreadsheets.check_suffix(path) != ".xlsx":
        return None
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        names = workbook.sheetnames
        if "borrowers" in names:
            return "borrowers"
        first = workbook[names[0]]
        header = next(first.iter_rows(min_row=1, max_row=1, values_only=True), ())
        return names[0] if header and header[0] == "uscc" else None
    finally:
        workbook.close()


def store_borrowers(
    session: Session,
    borrowers: list[Borrower],
    branches: Mapping[str, str] | None = None,
    branch: str | None = None,
) -> dict[str, int]:
    """Store ``borrowers``, each booked at its branch in ``branches`` (by USCC), else at ``branch``; without
    either a new borrower goes to the head office and a stored one stays where it is. An unknown branch is
    bad input."""
    wanted = {b.uscc: (branches or {}).get(b.uscc) or branch for b in borrowers}
    for code in sorted({code for code in wanted.values() if code}):
        require_branch(session, code)
    created = updated = 0
    for borrower in borrowers:
        _, is_new = store.save_borrower(session, borrower, wanted[borrower.uscc])
        created += is_new
        updated += not is_new
    return {"created": created, "updated": updated}


def import_file(db: Database, path: Path, branch: str | None = None) -> dict[str, Any]:
    """Import borrowers (and, from a workbook or a statements CSV, statements) in one transaction. Borrowers
    are booked at the branch their row names, else at ``branch`` (new ones: the head office by default).

    Returns counts: ``{"file", "borrowers_created", "borrowers_updated", "statements_created",
    "statements_updated"}``. On any bad input nothing is written.
    """
    from computecredit.services import statements as statement_service

    kind = statement_service.file_kind(path)
    read = read_borrower_file(path) if kind in ("borrowers", "workbook") else BorrowerFile([], {})
    statements = statement_service.read_located(path, required=kind == "statements") if kind != "borrowers" else []
    if kind == "workbook" and not read.borrowers and not statements:
        raise InputError("file", path.name, "has neither a borrowers sheet nor statement sheets", source=path.name)
    with db.transaction() as session:
        counts = store_borrowers(
            session, read.borrowers, read.branches, branch.strip().upper() if branch else None
        )
        statement_counts = statement_service.store_statements(session, statements, source=path.name)
    return {
        "file": str(path),
        "borrowers_created": counts["created"],
        "borrowers_updated": counts["updated"],
        "statements_created": statement_counts["created"],
        "statements_updated": statement_counts["updated"],
    }


def list_borrowers(db: Database, search: str | None = None) -> list[Borrower]:
    """All borrowers, ordered by USCC; with ``search`` those whose name, USCC or stock code contains it."""
    with db.transaction() as session:
        if not search:
            return store.list_borrowers(session)
        found, _ = store.search_borrowers(session, search)
        return sorted(found, key=lambda b: b.uscc)


def borrower_with_statements(db: Database, identifier: str) -> tuple[Borrower, list[Any]]:
    """One borrower, named by its USCC or stock code, and its statements (oldest first);
    :class:`NotFoundError` if there is no such borrower."""
    with db.transaction() as session:
        uscc = store.resolve_uscc(session, identifier)
        return store.get_borrower(session, uscc), store.list_statements(session, uscc)


def export_borrowers(db: Database, path: Path) -> int:
    """Write every borrower, with its branch, to ``path`` (.csv or .xlsx) in the import format; returns how
    many."""
    borrowers = list_borrowers(db)
    with db.transaction() as session:
        branches = store.borrower_branches(session)
    spreadsheets.write_rows(
        path,
        (*COLUMNS, BRANCH),
        [{**borrower_to_row(b), BRANCH: branches[b.uscc]} for b in borrowers],
        labels=[LABELS[c] for c in (*COLUMNS, BRANCH)],
        sheet="borrowers",
    )
    return len(borrowers)


__all__ = [
    "BRANCH",
    "COLUMNS",
    "LABELS",
    "BorrowerFile",
    "borrower_from_row",
    "borrower_to_row",
    "borrower_with_statements",
    "export_borrowers",
    "import_file",
    "list_borrowers",
    "read_borrower_file",
    "read_borrowers",
    "store_borrowers",
]
