"""What a credit officer scans and takes away: the borrower list's figures, sorting, filters and pages; names
beside codes; Excel downloads of the list, statements and ratios, a project's cash flows, the book, alerts."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from openpyxl import load_workbook
from tests.web.support import ROLE_USER, Server, browser_login

from computecredit.services.portfolio import book_from_store
from computecredit.store.borrowers import list_borrowers
from computecredit.web import i18n


def test_borrower_list_sorts_filters_and_pages(server: Server) -> None:
    with server.client("t_analyst") as client:
        by_pd = client.get("/api/v1/borrowers", params={"sort": "pd", "desc": "true", "limit": 200}).json()
        pds = [Decimal(str(b["pd"])) for b in by_pd["items"] if b["pd"] is not None]
        assert len(pds) > 10 and pds == sorted(pds, reverse=True)
        assert by_pd["items"][0]["grade"] and Decimal(str(by_pd["items"][0]["exposure"])) >= 0
        by_exposure = client.get("/api/v1/borrowers", params={"sort": "exposure", "desc": "true"}).json()["items"]
        amounts = [Decimal(str(b["exposure"])) for b in by_exposure]
        assert amounts == sorted(amounts, reverse=True) and amounts[0] > 0
        grade = by_pd["items"][0]["grade"]
        graded = client.get("/api/v1/borrowers", params={"grade": grade}).json()
        assert graded["total"] >= 1 and {b["grade"] for b in graded["items"]} == {grade}
        servers = client.get("/api/v1/borrowers", params={"segment": "servers_hardware", "hub": ""}).json()
        assert servers["total"] >= 1 and {b["segment"] for b in servers["items"]} == {"servers_hardware"}
        first, second = (
            client.get("/api/v1/borrowers", params={"sort": "pd", "limit": 5, "offset": offset}).json()
            for offset in (0, 5)
        )
        assert not {b["uscc"] for b in first["items"]} & {b["uscc"] for b in second["items"]}
        refused = client.get("/api/v1/borrowers", params={"grade": "ZZZ"})
        assert refused.status_code == 422 and "grade" in refused.text


def test_borrower_list_page_shows_the_figures(server: Server) -> None:
    client = browser_login(server, ROLE_USER["analyst"])
    client.cookies.set(i18n.COOKIE, "zh-CN")
    page = client.get("/borrowers", params={"sort": "exposure", "desc": "true"}).text
    assert "敞口" in page and "未关闭预警" in page and 'aria-sort="descending"' in page
    assert re.search(r"[\d,.]+(万元|亿元)", page)


def test_dashboard_and_portfolio_show_names_beside_codes(server: Server) -> None:
    with server.db.transaction() as session:
        names = {b.uscc: b.name_zh for b in list_borrowers(session)}
    client = browser_login(server, ROLE_USER["risk_manager"])
    client.cookies.set(i18n.COOKIE, "zh-CN")
    for path, section in (("/", 'id="limit-use"'), ("/portfolio", "集中度")):
        page = client.get(path).text
        table = page[page.index(section) :]
        shown = [uscc for uscc in names if f"<code>{uscc}</code>" in table]
        assert shown and all(names[uscc] in table for uscc in shown), path


def _sheet(content: bytes, index: int = 0):  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(content))
    return book, book.worksheets[index]


def test_excel_downloads(server: Server, demo_uscc: str) -> None:
    client = browser_login(server, ROLE_USER["risk_manager"])
    client.cookies.set(i18n.COOKIE, "zh-CN")
    listed = client.get("/borrowers/export.xlsx", params={"segment": "servers_hardware"})
    assert listed.headers["content-type"].startswith("application/vnd.openxmlformats")
    _book, sheet = _sheet(listed.content)
    total = client.get(
        "/api/v1/borrowers",
        params={"segment": "servers_hardware"},
        headers={"Authorization": f"Bearer {server.tokens['t_risk']}"},
    ).json()["total"]
    assert sheet["A1"].value == "统一社会信用代码" and sheet.max_row >= total + 1

    statements = client.get(f"/borrowers/{demo_uscc}/statements.xlsx")
    book, sheet = _sheet(statements.content)
    assert book.sheetnames == ["财务报表", "财务比率"]
    assert sheet["A2"].value and isinstance(sheet["C2"].value, (int, float))
    ratios = book["财务比率"]
    assert any(
        row[1].value == "debt_to_assets" and row[2].value is not None for row in ratios.iter_rows(min_row=2)
    )

    flows = client.get("/projects/ningxia_phase1/cash-flows.xlsx")
    assert "Annual" in load_workbook(io.BytesIO(flows.content)).sheetnames

    _book, sheet = _sheet(client.get("/portfolio/book.xlsx").content)
    assert sheet["A1"].value == "授信编号" and sheet.max_row - 1 >= book_from_store(server.db).n

    _book, sheet = _sheet(client.get("/monitoring/alerts.xlsx").content)
    assert sheet["A1"].value == "预警"


def test_annual_cash_flows_name_each_project_year_once(server: Server) -> None:
    client = browser_login(server, ROLE_USER["analyst"])
    client.cookies.set(i18n.COOKIE, "zh-CN")
    page = client.get("/projects/ningxia_phase1").text
    table = page[page.index("项目年度") :]
    periods = re.findall(r"<td>(\d{4}-\d{2} – \d{4}-\d{2})</td>", table)
    assert len(periods) > 5 and len(set(periods)) == len(periods)
    assert periods[0].startswith("2025-03") and periods[-1].endswith("2035-11")
