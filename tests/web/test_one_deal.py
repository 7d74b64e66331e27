"""One deal, one set of numbers: the same deal as a CLI deal file, through the API and through the page gives
identical figures; the book carries for each facility what `facility assess` gives; drawdowns and repayments
move the exposure; bad deals are refused naming the field, with nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from tests.web.support import Server, browser_login, csrf_of
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.services.portfolio import book_from_store
from computecredit.store.database import Database

NINGXIA = "91640500MA53JLGWU7"
DEAL_FILE = Path(__file__).parents[2] / "examples" / "facilities" / "ningxia_project.yaml"
FIGURES = ("limit", "binding_constraint", "constraints", "pd", "ead", "lgd", "irb_risk_weight", "booking", "raroc")
runner = CliRunner()

API_DEAL = {
    "borrower_ref": NINGXIA,
    "product": "fixed_asset_project_loan",
    "amount": "2.8亿",
    "tenor_months": 72,
    "project_ref": "ningxia_phase1",
    "deal": {
        "spread_bp": 60,
        "rate_base": "lpr_5y",
        "repayment": "scheduled",
        "collateral": [
            {
                "type": "gpu_servers",
                "description": "一期AI服务器抵押",
                "value": "3.1亿",
                "valuation_date": "2025-02-20",
            },
            {
                "type": "receivables",
                "description": "应收账款质押",
                "value": "0.8亿",
                "valuation_date": "2025-02-20",
            },
        ],
        "covenants": [
            {"metric": "dscr", "operator": ">=", "threshold": "1.20", "frequency": "semiannual"},
            {"metric": "utilisation", "operator": ">=", "threshold": "0.60", "frequency": "quarterly"},
        ],
        "structuring": {"target_dscr": 1.3},
    },
}
PAGE_FORM = {
    "borrower_ref": NINGXIA,
    "product": "fixed_asset_project_loan",
    "amount": "2.8亿",
    "tenor_months": "72",
    "project_ref": "ningxia_phase1",
    "spread_bp": "60",
    "rate_base": "lpr_5y",
    "repayment": "scheduled",
    "collateral_0_type": "gpu_servers",
    "collateral_0_value": "3.1亿",
    "collateral_0_date": "2025-02-20",
    "collateral_1_type": "receivables",
    "collateral_1_value": "0.8亿",
    "collateral_1_date": "2025-02-20",
    "covenant_dscr": "1.20",
    "covenant_utilisation": "0.60",
    "target_dscr": "1.3",
}


def _figures(outputs: dict[str, Any]) -> dict[str, Any]:
    """The headline figures as plain JSON values (the API stores exact decimals as strings)."""
    plain = json.loads(json.dumps({k: outputs[k] for k in FIGURES}, default=str))

    def numbers(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: numbers(v) for k, v in value.items()}
        try:
            return round(float(value), 6)
        except (TypeError, ValueError):
            return value

    return numbers(plain)


def test_the_same_deal_from_cli_api_and_page_gives_identical_numbers(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", server.db.url)
    cli = runner.invoke(app, ["facility", "assess", str(DEAL_FILE), "--json"])
    assert cli.exit_code == 0, cli.output
    from_cli = _figures(json.loads(cli.stdout))
    assert {"project_max_debt", "dscr_capacity"} <= set(from_cli["constraints"])

    with server.client("t_analyst") as client:
        preview = client.post("/api/v1/proposals/preview", json=API_DEAL)
        assert preview.status_code == 200, preview.text
        from_api = _figures(preview.json()["outputs"])

    page = browser_login(server, "t_analyst")
    live = page.post("/proposals/preview", data={**PAGE_FORM, "csrf_token": csrf_of(page, "/proposals/new")})
    assert live.status_code == 200 and "analysis-limit" in live.text, live.text
    assert "project_max_debt" not in live.text  # translated, not a raw key
    created = page.post("/proposals", data={**PAGE_FORM, "csrf_token": csrf_of(page, "/proposals/new")})
    assert created.status_code == 303, created.text
    pid = int(created.headers["location"].rsplit("/", 1)[1])
    analysed = page.post(f"/proposals/{pid}/analyse", data={"csrf_token": csrf_of(page, f"/proposals/{pid}")})
    assert analysed.status_code == 303, analysed.text
    with server.client("t_analyst") as client:
        from_page = _figures(client.get(f"/api/v1/proposals/{pid}").json()["outputs"])
    page.close()

    assert from_cli == from_api == from_page


def test_every_exposure_of_the_book_is_what_facility_assess_gives(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", demo_db.url)
    book = book_from_store(demo_db).frame()
    assert len(book) >= 40
    for row in book.itertuples():
        result = runner.invoke(app, ["facility", "assess", row.facility, "--json"])
        assert result.exit_code == 0, result.output
        assessed = json.loads(result.stdout)
        assert (row.ead, row.lgd, row.pd) == (assessed["ead"], assessed["lgd"], assessed["pd"]), row.facility
    guarantee = book[book["product"] == "advance_payment_guarantee"].iloc[0]
    with demo_db.transaction() as session:
        total = session.execute(
            sa.text(
                "SELECT e.drawn + e.undrawn FROM exposures e JOIN facilities f ON f.id = e.facility_id WHERE f.reference = :r"
            ),
            {"r": guarantee["facility"]},
        ).scalar_one()
    assert guarantee["ead"] == pytest.approx(0.5 * float(total))  # the CCF table's 50%, not the face amount


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.transaction() as session:
        return tuple(
            session.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in ("facility_transactions", "exposures", "audit_log", "proposals")
        )  # type: ignore[return-value]


def test_drawdowns_and_repayments_move_the_exposure_and_the_book(
    demo_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", demo_db.url)
    reference = "CL-2025-001"  # a 5亿 revolving line: 4.5亿 undrawn at the end of 2025 (5000万 is a WC loan)
    before = book_from_store(demo_db).frame().set_index("facility").loc[reference]
    drawn = runner.invoke(app, ["facility", "draw", reference, "1亿", "--date", "2026-01-15", "--json"])
    assert drawn.exit_code == 0, drawn.output
    exposure = json.loads(drawn.stdout)["exposure"]
    assert float(exposure["drawn"]) == 1e8 and float(exposure["undrawn"]) == 3.5e8
    after = book_from_store(demo_db).frame().set_index("facility").loc[reference]
    assert after["ead"] == pytest.approx(before["ead"] + 0.6e8)  # 1亿 moves from 40% CCF to drawn
    assessed = json.loads(runner.invoke(app, ["facility", "assess", reference, "--json"]).stdout)
    assert assessed["booking"]["drawn"] == 1e8 and assessed["ead"] == after["ead"]

    counts = _counts(demo_db)
    too_much = runner.invoke(app, ["facility", "draw", reference, "3.6亿", "--date", "2026-01-20"])
    assert too_much.exit_code == 2 and "amount" in too_much.stderr and "undrawn" in too_much.stderr
    assert _counts(demo_db) == counts  # nothing written
    repaid = runner.invoke(app, ["facility", "repay", reference, "0.5亿", "--date", "2026-02-01", "--json"])
    exposure = json.loads(repaid.stdout)["exposure"]
    assert float(exposure["drawn"]) == 0.5e8 and float(exposure["undrawn"]) == 4e8  # a line revolves


def test_drawdown_through_the_api_and_its_limit(server: Server) -> None:
    with server.client("t_analyst") as client:
        view = client.get("/api/v1/facilities/WC-2025-SME-001").json()
        assert (
            view["assessment"]["booking"]["ead"] is not None and view["facility"]["reference"] == "WC-2025-SME-001"
        )
        undrawn = float(view["exposure"]["undrawn"])
        counts = _counts(server.db)
        refused = client.post(
            "/api/v1/facilities/WC-2025-SME-001/drawdowns",
            json={"amount": undrawn + 1, "value_date": "2026-01-10"},
        )
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "amount"
        assert _counts(server.db) == counts
        repaid = client.post(
            "/api/v1/facilities/WC-2025-SME-001/repayments", json={"amount": "10万", "value_date": "2026-01-10"}
        )
        assert repaid.status_code == 201, repaid.text
    with server.client("t_approver") as client:
        assert (
            client.post(
                "/api/v1/facilities/WC-2025-SME-001/drawdowns", json={"amount": "1万", "value_date": "2026-01-11"}
            ).status_code
            == 403
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"project_ref": "no_such_project"}, "project_ref"),
        ({"project_ref": "inner_mongolia_merchant"}, "project_ref"),  # another borrower's project
        (
            {
                "deal": {
                    **API_DEAL["deal"],
                    "collateral": [{"type": "gpu_servers", "description": "x", "value": "-1"}],
                }
            },
            "collateral.0.value",
        ),
        (
            {
                "deal": {
                    **API_DEAL["deal"],
                    "collateral": [{"type": "gold_bars", "description": "x", "value": "1亿"}],
                }
            },
            "collateral.0.type",
        ),
        (
            {"deal": {**API_DEAL["deal"], "overrides": [{"key": "pd", "value": 0.02, "reason": ""}]}},
            "overrides.0.reason",
        ),
    ],
)
def test_bad_deals_are_refused_naming_the_field_and_nothing_is_written(
    server: Server, change: dict[str, Any], field: str
) -> None:
    counts = _counts(server.db)
    with server.client("t_analyst") as client:
        for path in ("/api/v1/proposals", "/api/v1/proposals/preview"):
            response = client.post(path, json={**API_DEAL, **change})
            assert response.status_code == 422, response.text
            assert response.json()["errors"][0]["field"] == field, response.json()
    assert _counts(server.db) == counts


def test_the_form_lists_the_borrowers_projects_and_the_facility_page_shows_the_book(server: Server) -> None:
    page = browser_login(server, "t_analyst")
    form = page.get(f"/proposals/new?borrower={NINGXIA}").text
    assert 'value="ningxia_phase1"' in form and "PL-2025-NX-001" in form  # the picker and the existing facility
    assert 'value="inner_mongolia_merchant"' not in form  # not another borrower's project
    context = page.get("/proposals/borrower-context", params={"borrower_ref": NINGXIA}).text
    assert 'value="ningxia_phase1"' in context
    facility = page.get("/facilities/PL-2025-NX-001").text
    row = book_from_store(server.db).frame().set_index("facility").loc["PL-2025-NX-001"]
    assert f"{row['lgd'] * 100:.2f}%" in facility and f"{row['pd'] * 100:.2f}%" in facility
    page.close()
