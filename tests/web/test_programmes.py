"""Programmes through the API and the pages of a real server on the demo bank: the list and progress figures
against the stored records, tagging a proposal (refused with 422 naming ``programme``), approval raising
``committed`` at once, admins defining programmes, the Excel export and the report."""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from tests.web.support import Server, browser_login, csrf_of

from computecredit.store import facilities as facility_store
from computecredit.store import programmes as programme_store

YI = Decimal("1e8")
LISTED_CHIP = "91310115MA8HADU2D8"


def buyback(amount: str, **changes: object) -> dict[str, object]:
    return {
        "borrower_ref": LISTED_CHIP,
        "product": "share_buyback_loan",
        "amount": amount,
        "tenor_months": 36,
        "programme": "BUYBACK-RELENDING",
        "deal": {"spread_bp": -75, "structuring": {"buyback_amount": "0.5亿"}},
        **changes,
    }


def test_list_names_code_kind_products_and_segments(server: Server) -> None:
    with server.client("t_analyst") as client:
        items = {p["code"]: p for p in client.get("/api/v1/programmes").raise_for_status().json()["items"]}
    assert {code: p["kind"] for code, p in items.items() if code in {"AI-CHAIN-2025", "BUYBACK-RELENDING", "TECH-SME-EASY"}} == {
        "AI-CHAIN-2025": "lending_programme",
        "BUYBACK-RELENDING": "relending_quota",
        "TECH-SME-EASY": "product_line",
    }  # fmt: skip
    assert items["BUYBACK-RELENDING"]["eligible_products"] == ["share_buyback_loan"]
    assert "advance_payment_guarantee" not in items["AI-CHAIN-2025"]["eligible_products"]
    assert len(items["AI-CHAIN-2025"]["eligible_segments"]) == 7


def test_progress_equals_the_stored_records(server: Server) -> None:
    with server.client("t_risk") as client:
        body = (
            client.get("/api/v1/programmes/AI-CHAIN-2025", params={"as_of": "2025-12-31"})
            .raise_for_status()
            .json()
        )
    with server.db.transaction() as session:
        tagged = [ref for ref, _ in programme_store.programme_facilities(session, "AI-CHAIN-2025")]
        facilities = {f.reference: f for f in facility_store.list_facilities(session)}
        on_date = [e for e in facility_store.list_exposures(session) if e.as_of <= date(2025, 12, 31)]
        exposures = {e.facility_reference: e for e in on_date}  # by date: the latest on or before wins
    counted = [
        r for r in tagged if facilities[r].start_date is not None and str(facilities[r].start_date) <= "2025-12-31"
    ]
    assert Decimal(body["committed"]) == sum(facilities[r].amount for r in counted)
    assert Decimal(body["drawn"]) == sum(exposures[r].drawn for r in counted if r in exposures)
    assert Decimal(body["remaining"]) == 60 * YI - Decimal(body["committed"])
    assert abs(body["share_of_target"] - float(Decimal(body["committed"]) / (60 * YI))) < 1e-6
    assert sum(Decimal(s["committed"]) for s in body["by_segment"]) == Decimal(body["committed"])
    assert {f["facility"] for f in body["facilities"]} == set(counted)
    assert body["risk"]["expected_loss"] > 0 and body["pace"] > 0


def test_an_ineligible_tag_is_refused_naming_programme(server: Server) -> None:
    with server.client("t_analyst") as client:
        before = client.get("/api/v1/proposals").json()["total"]
        refused = client.post("/api/v1/proposals", json=buyback("0.5亿"))  # 0.5亿 > 90% of the 0.5亿 buyback
        wrong_kind = client.post(
            "/api/v1/proposals", json=buyback("0.4亿", product="working_capital_loan", tenor_months=12)
        )
        unknown = client.post("/api/v1/proposals", json=buyback("0.4亿", programme="NO-SUCH"))
        after = client.get("/api/v1/proposals").json()["total"]
    assert refused.status_code == 422 and "purpose_share" in refused.text and "programme" in refused.text
    assert wrong_kind.status_code == 422 and "product" in wrong_kind.text
    assert unknown.status_code == 422 and "NO-SUCH" in unknown.text
    assert after == before


def test_approving_a_tagged_proposal_raises_committed_at_once(server: Server) -> None:
    with server.client("t_analyst") as client:
        created = client.post("/api/v1/proposals", json=buyback("0.45亿")).raise_for_status().json()
        assert created["programmes"] == ["BUYBACK-RELENDING"]
        client.post(f"/api/v1/proposals/{created['id']}/analyse").raise_for_status()
        client.post(f"/api/v1/proposals/{created['id']}/submit").raise_for_status()
    with server.client("t_risk") as client:
        before = Decimal(client.get("/api/v1/programmes/BUYBACK-RELENDING").json()["committed"])
    with server.client("t_approver") as client:
        approved = (
            client.post(f"/api/v1/proposals/{created['id']}/approve", json={"comment": ""})
            .raise_for_status()
            .json()
        )
    with server.client("t_risk") as client:
        after = client.get("/api/v1/programmes/BUYBACK-RELENDING").json()
    limit = Decimal(str(approved["outputs"]["limit"]))
    assert limit > 0 and Decimal(after["committed"]) - before == limit
    assert approved["facility_id"] in {f["facility"] for f in after["facilities"]}


def test_admins_define_programmes_and_bad_input_names_the_field(server: Server) -> None:
    document = {"code": "WEB-LINE", "kind": "product_line", "name_zh": "网页测试产品", "name_en": "Web test line",
                "amount": "1亿", "start": "2025-01-01", "end": "2026-12-31", "eligibility": {"sme_only": True}}  # fmt: skip
    with server.client("t_admin") as client:
        assert client.post("/api/v1/programmes", json=document).status_code == 201
        again = client.post("/api/v1/programmes", json=document)
        changed = client.put("/api/v1/programmes/WEB-LINE", json={**document, "amount": "2亿"})
        bad = client.put("/api/v1/programmes/WEB-LINE", json={**document, "eligibility": {"max_rate": "2.25"}})
        audit = client.get("/api/v1/audit", params={"limit": 5}).json()
    assert again.status_code == 422 and "code" in again.text
    assert changed.status_code == 200 and changed.json()["amount"] == "200000000"
    assert bad.status_code == 422 and "eligibility.max_rate" in bad.text
    assert {"programme.create", "programme.update"} <= {e["action"] for e in audit["items"]}


def test_the_admin_form_and_the_tag_form(server: Server) -> None:
    admin = browser_login(server, "t_admin")
    form = {
        "csrf_token": csrf_of(admin, "/programmes/new"), "code": "FORM-LINE", "kind": "product_line",
        "name_zh": "表单测试产品", "name_en": "Form line", "amount": "3000万", "currency": "CNY",
        "start": "2025-01-01", "end": "2027-12-31", "products": ["working_capital_loan"], "max_rate": "4.5",
    }  # fmt: skip
    created = admin.post("/programmes", data=form)
    assert created.status_code == 303 and created.headers["location"] == "/programmes/FORM-LINE"
    with server.db.transaction() as session:
        assert programme_store.get_programme(session, "FORM-LINE").eligibility.max_rate == Decimal("0.045")
    bad = admin.post("/programmes", data={**form, "code": "FORM-2", "end": "2024-01-01"})
    assert bad.status_code == 422 and "end" in bad.text
    refused = admin.post(
        "/programmes/FORM-LINE/facilities", data={"csrf_token": form["csrf_token"], "facility": "APG-2025-001"}
    )
    assert refused.status_code == 422 and "product" in refused.text


def test_excel_export_and_report(server: Server) -> None:
    with server.client("t_approver") as client:
        body = client.get("/api/v1/programmes/AI-CHAIN-2025").json()
        xlsx = client.get("/api/v1/programmes/AI-CHAIN-2025/export")
        zh = client.get("/api/v1/programmes/AI-CHAIN-2025/report", params={"lang": "zh"})
        en = client.get("/api/v1/programmes/AI-CHAIN-2025/report", params={"lang": "en"})
        page = client.get("/programmes/AI-CHAIN-2025")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.max_row - 1 == len(body["facilities"])
    assert sum(Decimal(str(row[5])) for row in sheet.iter_rows(min_row=2, values_only=True)) == Decimal(
        body["committed"]
    )
    committed_yi = f"{Decimal(body['committed']) / YI:.2f}亿元"
    assert zh.status_code == 200 and "专项计划执行报告" in zh.text and committed_yi in zh.text
    assert en.status_code == 200 and "Programme report" in en.text and "--json" in en.text
    assert page.status_code == 200 and body["code"] in page.text


def test_the_preview_shows_each_rule_against_the_programme(server: Server) -> None:
    with server.client("t_analyst") as client:
        fits = client.post("/api/v1/proposals/preview", json=buyback("0.45亿")).raise_for_status().json()
        dear = {"spread_bp": -50, "structuring": {"buyback_amount": "0.5亿"}}  # LPR 3.00% − 50bp = 2.50%
        over = (
            client.post("/api/v1/proposals/preview", json=buyback("0.45亿", deal=dear)).raise_for_status().json()
        )
    (programme,) = fits["outputs"]["programmes"]
    assert programme["code"] == "BUYBACK-RELENDING" and programme["eligible"] is True
    assert {f["rule"] for f in programme["findings"]} == {
        "listed",
        "product",
        "rate_cap",
        "purpose_share",
        "tenor",
    }
    (programme,) = over["outputs"]["programmes"]
    failed = [f["rule"] for f in programme["findings"] if not f["passed"]]
    assert not programme["eligible"] and failed == ["rate_cap"]


@pytest.mark.e2e
def test_report_pdf_states_the_figures(server: Server) -> None:
    import pypdf

    with server.client("t_risk") as client:
        body = client.get("/api/v1/programmes/BUYBACK-RELENDING", params={"as_of": "2025-12-31"}).json()
        pdf = client.get(
            "/api/v1/programmes/BUYBACK-RELENDING/report", params={"format": "pdf", "as_of": "2025-12-31"}
        )
    assert pdf.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    # Noto CJK glyphs map some ideographs to Kangxi radicals in ToUnicode; NFKC folds them back.
    text = "".join(unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages)).split())
    for figure in ("专项计划执行报告", "BUYBACK-RELENDING", f"{Decimal(body['committed']) / YI:.2f}亿元", "2.25%"):
        assert figure in text, figure
