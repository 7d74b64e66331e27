"""Borrower and statement files: CSV and Excel round trips, errors that name file/row/field/value/rule,
and one transaction per import (a failure half-way leaves nothing behind)."""

from __future__ import annotations

import csv
import itertools
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


# An annual report's three statements as printed (合并资产负债表, 合并利润表, 合并现金流量表), in 万元, one
# column per year, the way an analyst pastes them from the PDF: numbering, 其中/加/减, filling notes,
# section headings without amounts, thousands separators, negatives in brackets. Illustrative figures.
PRINTED = [
    ["项目", "2024年12月31日", "2023年12月31日"],
    ["统一社会信用代码", "{uscc}", "{uscc}"],
    ["金额单位", "万元", "万元"],
    ["流动资产：", "", ""],
    ["货币资金", "52,310.25", "40,120.00"],
    ["应收账款", "31,200.00", "28,900.00"],
    ["存货", "18,450.00", "17,300.00"],
    ["流动资产合计", "101,960.25", "86,320.00"],
    ["非流动资产：", "", ""],
    ["固定资产", "60,000.00", "58,000.00"],
    ["无形资产", "8,039.75", "7,680.00"],
    ["非流动资产合计", "68,039.75", "65,680.00"],
    ["资产总计", "170,000.00", "152,000.00"],
    ["短期借款", "20,000.00", "18,000.00"],
    ["应付账款", "25,000.00", "23,000.00"],
    ["流动负债合计", "45,000.00", "41,000.00"],
    ["长期借款", "30,000.00", "30,000.00"],
    ["非流动负债合计", "30,000.00", "30,000.00"],
    ["负债合计", "75,000.00", "71,000.00"],
    ["股本", "40,000.00", "40,000.00"],
    ["资本公积", "30,000.00", "30,000.00"],
    ["未分配利润", "25,000.00", "11,000.00"],
    ["归属于母公司所有者权益（或股东权益）合计", "95,000.00", "81,000.00"],
    ["所有者权益（或股东权益）合计", "95,000.00", "81,000.00"],
    ["负债和所有者权益（或股东权益）总计", "170,000.00", "152,000.00"],
    ["一、营业总收入", "150,000.00", "120,000.00"],
    ["其中：营业收入", "150,000.00", "120,000.00"],
    ["二、营业总成本", "133,500.00", "108,400.00"],
    ["其中：营业成本", "110,000.00", "90,000.00"],
    ["税金及附加", "1,000.00", "800.00"],
    ["销售费用", "6,000.00", "5,000.00"],
    ["管理费用", "7,000.00", "6,000.00"],
    ["研发费用", "8,000.00", "5,400.00"],
    ["财务费用", "1,500.00", "1,200.00"],
    ["其中：利息费用", "2,000.00", "1,800.00"],
    ["加：其他收益", "500.00", "400.00"],
    ["信用减值损失（损失以“－”号填列）", "(300.00)", "(200.00)"],
    ["三、营业利润（亏损以“－”号填列）", "16,700.00", "11,800.00"],
    ["四、利润总额（亏损总额以“－”号填列）", "16,700.00", "11,800.00"],
    ["减：所得税费用", "2,700.00", "1,800.00"],
    ["五、净利润（净亏损以“－”号填列）", "14,000.00", "10,000.00"],
    ["经营活动产生的现金流量净额", "18,000.00", "12,000.00"],
    ["投资活动产生的现金流量净额", "－6,000.00", "(5,000.00)"],
    ["筹资活动产生的现金流量净额", "190.25", "—"],
    ["五、现金及现金等价物净增加额", "12,190.25", "7,000.00"],
]


def _write_printed(path: Path, rows: list[list[str]], uscc: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[c.replace("{uscc}", uscc) for c in r] for r in rows])
    return path


def test_statements_as_printed_in_an_annual_report_import_and_rate(database_url: str, tmp_path: Path) -> None:
    from computecredit.services import rating as rating_service
    from computecredit.store import borrowers as borrower_store

    borrower = next(b for b in borrower_service.read_borrowers(DEMO_BORROWERS) if b.segment.value == "chip_design")
    path = _write_printed(tmp_path / "annual_report.csv", PRINTED, borrower.uscc)
    statements = {s.fiscal_year: s for s in statement_service.read_statements(path)}
    latest = statements[2024]
    assert latest.unit == "万元" and latest.values["cash"] == Decimal("52310.25")
    assert latest.values["credit_impairment_losses"] == Decimal("-300.00")
    assert latest.values["net_profit"] == Decimal("14000.00") and latest.values["interest_expense"] == 2000
    assert statements[2023].values["net_investing_cash_flow"] == Decimal("-5000.00")
    db = migrated(database_url)
    with db.transaction() as session:
        borrower_service.store_borrowers(session, [borrower])
    statement_service.import_statements(db, path)
    with db.transaction() as session:
        stored = borrower_store.list_statements(session, borrower.uscc)
    result, _ = rating_service.rate_borrower_data(borrower, stored)
    assert result.completeness > 0.35 and not {"net_margin", "interest_coverage"} & set(result.missing)


def test_an_unknown_printed_line_names_its_row(tmp_path: Path) -> None:
    rows = [*PRINTED[:5], ["结算备付金", "1,000.00", ""], *PRINTED[5:]]
    path = _write_printed(tmp_path / "report.csv", rows, "91640100MA7X00001X")
    with pytest.raises(InputError) as caught:
        statement_service.read_statements(path)
    problem = caught.value.problems[0]
    assert (problem.field, problem.row) == ("结算备付金", 6) and "headline_only" in problem.rule


def test_a_headline_only_statement_puts_the_rest_in_not_itemised_lines(tmp_path: Path) -> None:
    headline = [
        ["项目", "2024年度"],
        ["统一社会信用代码", "91640100MA7X00001X"],
        ["金额单位", "百万元"],
        ["仅主要项目", "是"],
        ["货币资金", "300"],
        ["资产总计", "2,000"],
        ["负债合计", "900"],
        ["所有者权益合计", "1,100"],
        ["营业收入", "5,000"],
        ["营业成本", "3,800"],
        ["净利润", "420"],
        ["现金及现金等价物净增加额", "-442"],
    ]
    path = _write_printed(tmp_path / "headline.csv", headline, "")
    (statement,) = statement_service.read_statements(path)
    values = statement.values
    assert values["unitemised_non_current_assets"] == 1700  # conservatively non-current
    assert values["unitemised_operating_items"] == -780  # costs the source did not itemise
    assert "cash_at_end" not in values  # no opening cash: the closing cash is not derived
    for suffix in (".csv", ".xlsx"):  # exported with its not-itemised lines, it reads back the same
        exported = tmp_path / f"export{suffix}"
        statement_service.write_statements(exported, [statement])
        (again,) = statement_service.read_statements(exported)
        assert again.values == statement.values
    without_flag = _write_printed(tmp_path / "full.csv", [r for r in headline if r[0] != "仅主要项目"], "")
    with pytest.raises(InputError, match="mark the statement headline_only"):
        statement_service.read_statements(without_flag)


def test_a_derived_negative_closing_cash_is_refused(tmp_path: Path) -> None:
    rows = [
        {
            "borrower_uscc": "91640100MA7X00001X",
            "fiscal_year": "2024",
            "total_assets": "100",
            "total_liabilities": "40",
            "total_equity": "60",
            "operating_revenue": "50",
            "net_profit": "50",
            "net_operating_cash_flow": "-30",
            "cash_at_beginning": "10",
        },
    ]
    with pytest.raises(InputError) as caught:
        statement_service.read_statements(write(tmp_path / "s.csv", rows))
    assert caught.value.problems[0].field == "cash_at_end" and caught.value.problems[0].row == 2


def test_borrowers_are_found_by_stock_code(demo_db, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from computecredit.cli.main import app

    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", demo_db.url)
    runner = CliRunner()
    listed = runner.invoke(app, ["borrower", "list", "--search", "sh688931", "--json"])
    assert listed.exit_code == 0, listed.output
    found = json.loads(listed.stdout)["borrowers"]
    assert [b["ticker"] for b in found] == ["688931.SH"]
    shown = runner.invoke(app, ["borrower", "show", "688931", "--json"])
    assert shown.exit_code == 0, shown.output
    borrower = json.loads(shown.stdout)["borrower"]
    assert (borrower["uscc"], borrower["exchange"]) == ("91310115MA8HADU2D8", "SSE")
    assert runner.invoke(app, ["borrower", "show", "600000"]).exit_code != 0
    rated = runner.invoke(app, ["borrower", "rate", "688931.SH", "--json"])
    assert rated.exit_code == 0, rated.output
    assert json.loads(rated.stdout)["borrower"]["uscc"] == "91310115MA8HADU2D8"


def test_three_statement_sheets_merge_into_one_statement_per_year(tmp_path: Path) -> None:
    from openpyxl import Workbook

    uscc = "91640100MA7X00001X"
    header, facts = PRINTED[0], [[c.replace("{uscc}", uscc) for c in r] for r in PRINTED[1:3]]
    body = PRINTED[3:]
    starts = [
        0,
        next(i for i, r in enumerate(body) if r[0] == "一、营业总收入"),
        next(i for i, r in enumerate(body) if r[0] == "经营活动产生的现金流量净额"),
        len(body),
    ]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (a, b) in zip(
        ("合并资产负债表", "合并利润表", "合并现金流量表"), itertools.pairwise(starts), strict=True
    ):
        sheet = workbook.create_sheet(title)
        for row in [header, *facts, *body[a:b]]:
            sheet.append(row)
    path = tmp_path / "annual_report.xlsx"
    workbook.save(path)
    merged = {s.fiscal_year: s for s in statement_service.read_statements(path)}
    single = {
        s.fiscal_year: s
        for s in statement_service.read_statements(_write_printed(tmp_path / "one.csv", PRINTED, uscc))
    }
    assert merged == single and sorted(merged) == [2023, 2024]


def test_a_line_printed_twice_with_different_amounts_is_refused(tmp_path: Path) -> None:
    rows = [["一、营业总收入", "150,500.00", "120,000.00"] if r[0] == "一、营业总收入" else r for r in PRINTED]
    path = _write_printed(tmp_path / "report.csv", rows, "91640100MA7X00001X")
    with pytest.raises(InputError, match="given twice with different amounts") as caught:
        statement_service.read_statements(path)
    assert caught.value.problems[0].field == "operating_revenue"
