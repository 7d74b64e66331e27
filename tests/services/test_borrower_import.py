"""Borrower and statement files: CSV and Excel round trips, errors that name file/row/field/value/rule,
and one transaction per import (a failure half-way leaves nothing behind)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from computecredit.errors import InputError
from computecredit.services import borrowers as borrower_service
from computecredit.services import statements as statement_service
from computecredit.services.demo import DEMO_DIR
from computecredit.store.database import Database

DEMO_BORROWERS = DEMO_DIR / "borrowers.csv"
DEMO_STATEMENTS = DEMO_DIR / "statements.csv"


def migrated(url: str) -> Database:
    db = Database(url)
    db.upgrade()
    return db


def count(db: Database, table: str) -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_borrowers_round_trip_through_a_file(suffix: str, database_url: str, tmp_path: Path) -> None:
    original = borrower_service.read_borrowers(DEMO_BORROWERS)[:6]
    db = migrated(database_url)
    with db.transaction() as session:
        borrower_service.store_borrowers(session, original)
    exported = tmp_path / f"borrowers{suffix}"
    assert borrower_service.export_borrowers(db, exported) == 6
    assert borrower_service.read_borrowers(exported) == sorted(original, key=lambda b: b.uscc)
    db.dispose()
    again = migrated(f"sqlite:///{tmp_path / 'again.db'}")
    result = borrower_service.import_file(again, exported)
    assert (result["borrowers_created"], result["borrowers_updated"]) == (6, 0)
    assert borrower_service.import_file(again, exported)["borrowers_updated"] == 6
    assert borrower_service.list_borrowers(again) == sorted(original, key=lambda b: b.uscc)
    again.dispose()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_statements_round_trip_exactly(suffix: str, tmp_path: Path) -> None:
    original = statement_service.read_statements(DEMO_STATEMENTS)[:9]
    path = tmp_path / f"statements{suffix}"
    statement_service.write_statements(path, original)
    back = statement_service.read_statements(path)
    assert sorted(back, key=_key) == sorted(original, key=_key)
    second = tmp_path / f"second{suffix}"
    statement_service.write_statements(second, back)
    if suffix == ".csv":
        assert second.read_bytes() == path.read_bytes()
    else:
        assert _cells(second) == _cells(path)


def test_exact_digits_survive_excel(tmp_path: Path) -> None:
    # 17 significant digits do not fit a double: they travel as text, still exact.
    statement = statement_service.read_statements(DEMO_STATEMENTS)[0]
    tiny = Decimal("0.000000000001")
    values = {**statement.values, "cash": statement.values["cash"] + tiny}
    values["total_assets"] = values["total_assets"] + tiny
    values.pop("total_current_assets")
    values.pop("total_liabilities_and_equity")
    precise = statement.model_copy(update={"values": values})
    path = tmp_path / "precise.xlsx"
    statement_service.write_statements(path, [precise])
    assert statement_service.read_statements(path)[0].values["cash"] == values["cash"]


def test_the_template_fills_in_and_imports(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    uscc = "91640100MA7X00001X"
    path = tmp_path / "template.xlsx"
    statement_service.template(path, uscc, [2023, 2024], unit="万元")
    workbook = load_workbook(path)
    sheet = workbook[uscc]
    rows = {row[0].value: row[0].row for row in sheet.iter_rows(min_col=1, max_col=1)}
    assert sheet.cell(rows["fiscal_year"], 5).value == 2023 and sheet.cell(rows["unit"], 6).value == "万元"
    assert (
        sheet.cell(rows["cash"], 3).value == "货币资金"
        and sheet.cell(rows["cash"], 4).value == "Cash and bank balances"
    )
    for column in (5, 6):
        for code, value in {
            "cash": 100,
            "paid_in_capital": 80,
            "accounts_payable": 20,
            "operating_revenue": 50,
            "operating_costs": 30,
            "income_tax_expense": 5,
        }.items():
            sheet.cell(rows[code], column, value)
    workbook.save(path)
    statements = statement_service.read_statements(path)
    assert [s.fiscal_year for s in statements] == [2023, 2024]
    assert statements[0].values["net_profit"] == 15 and statements[0].unit == "万元"


def test_every_bad_cell_is_reported_with_file_row_field_value_and_rule(tmp_path: Path) -> None:
    rows = rows_of(DEMO_BORROWERS)[:4]  # the label row, then three borrowers
    rows[2]["employees"] = "-3"
    rows[3]["uscc"] = rows[3]["uscc"][:-1] + ("A" if rows[3]["uscc"][-1] != "A" else "B")
    rows[3]["segment"] = "bakery"
    path = write(tmp_path / "bad.csv", rows)
    with pytest.raises(InputError) as caught:
        borrower_service.read_borrowers(path)
    found = [(p.source, p.row, p.field) for p in caught.value.problems]
    assert found == [("bad.csv", 4, "employees"), ("bad.csv", 5, "uscc"), ("bad.csv", 5, "segment")]
    text = str(caught.value)
    assert "bad.csv, row 4: field 'employees' = '-3': Input should be greater than or equal to 1" in text


def test_a_duplicate_uscc_is_refused(tmp_path: Path) -> None:
    rows = rows_of(DEMO_BORROWERS)[1:3]
    path = write(tmp_path / "dup.csv", [rows[0], rows[1], rows[0]])
    with pytest.raises(InputError, match=r"dup.csv, row 4: field 'uscc' .*appears twice \(first on row 2\)"):
        borrower_service.read_borrowers(path)


def test_an_unknown_column_is_named(tmp_path: Path) -> None:
    rows = [{**rows_of(DEMO_BORROWERS)[1], "credit_score": "700"}]
    with pytest.raises(InputError, match=r"field 'credit_score'.*unknown column"):
        borrower_service.read_borrowers(write(tmp_path / "extra.csv", rows))


def test_an_unbalanced_statement_names_its_column_and_gap(tmp_path: Path) -> None:
    rows = rows_of(DEMO_STATEMENTS)[:3]
    rows[2]["cash"] = str(float(rows[2]["cash"]) + 1000)
    rows[2]["total_current_assets"] = ""
    rows[2]["total_assets"] = ""
    path = write(tmp_path / "fs.csv", rows)
    with pytest.raises(InputError) as caught:
        statement_service.read_statements(path)
    problem = caught.value.problems[0]
    assert (problem.source, problem.row, problem.field) == ("fs.csv", 4, "total_assets")
    assert "does not balance" in problem.rule and "gap 1000" in problem.rule


def test_a_bad_cell_in_a_workbook_names_sheet_column_and_row(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    statements = statement_service.read_statements(DEMO_STATEMENTS)[:3]
    path = tmp_path / "fs.xlsx"
    statement_service.write_statements(path, statements)
    workbook = load_workbook(path)
    sheet = workbook[statements[0].borrower_uscc]
    row = next(c.row for (c,) in sheet.iter_rows(min_col=1, max_col=1) if c.value == "inventories")
    sheet.cell(row, 6, -5)
    workbook.save(path)
    with pytest.raises(InputError) as caught:
        statement_service.read_statements(path)
    problem = caught.value.problems[0]
    assert problem.source == f"fs.xlsx[{statements[0].borrower_uscc}!F]"
    assert (problem.row, problem.field, problem.value) == (row, "inventories", "-5")


def _book(path: Path, *, with_stranger: bool) -> tuple[int, str]:
    """A workbook with a borrowers sheet and statement sheets; optionally a statement of an unknown borrower."""
    from openpyxl import load_workbook

    borrowers = borrower_service.read_borrowers(DEMO_BORROWERS)[:2]
    mine = {b.uscc for b in borrowers}
    statements = [s for s in statement_service.read_statements(DEMO_STATEMENTS) if s.borrower_uscc in mine]
    stranger = statement_service.read_statements(DEMO_STATEMENTS)[-1]
    statement_service.write_statements(path, [*statements, stranger] if with_stranger else statements)
    workbook = load_workbook(path)
    sheet = workbook.create_sheet("borrowers", 0)
    sheet.append(list(borrower_service.COLUMNS))
    for b in borrowers:
        sheet.append([_cell(v) for v in borrower_service.borrower_to_row(b).values()])
    workbook.save(path)
    return len(statements), stranger.borrower_uscc


def test_a_workbook_imports_borrowers_and_statements_together(database_url: str, tmp_path: Path) -> None:
    expected, _ = _book(tmp_path / "book.xlsx", with_stranger=False)
    db = migrated(database_url)
    result = borrower_service.import_file(db, tmp_path / "book.xlsx")
    assert (result["borrowers_created"], result["statements_created"]) == (2, expected)
    assert count(db, "financial_statements") == expected == 6
    db.dispose()


def test_a_failure_half_way_leaves_no_rows(database_url: str, tmp_path: Path) -> None:
    """Borrowers are written first; a statement of an unknown borrower then fails: nothing stays."""
    _, stranger = _book(tmp_path / "book.xlsx", with_stranger=True)
    db = migrated(database_url)
    with pytest.raises(InputError) as caught:
        borrower_service.import_file(db, tmp_path / "book.xlsx")
    problem = caught.value.problems[0]
    assert problem.field == "borrower_uscc" and problem.value == stranger
    assert problem.source is not None and problem.source.startswith("book.xlsx[")
    assert "import the borrower first" in problem.rule
    assert count(db, "borrowers") == count(db, "financial_statements") == count(db, "statement_lines") == 0
    db.dispose()


def test_a_statements_file_is_not_a_borrowers_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a statements file"):
        statement_service.read_statements(DEMO_BORROWERS)
    with pytest.raises(InputError, match=r"must be a \.csv or \.xlsx"):
        borrower_service.read_borrowers(tmp_path / "x.txt")


def _key(statement):  # type: ignore[no-untyped-def]
    return (statement.borrower_uscc, statement.fiscal_year)


def _cells(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    return [[c.value for c in row] for sheet in workbook.worksheets for row in sheet.iter_rows()]


def _cell(value: object) -> object:
    from computecredit.services.spreadsheets import excel_cell

    return excel_cell(value)
