"""Every facility of the demo bank (朔方银行) yields a memo in Chinese and in English, built from the stored
records: bank, borrower, statements, rating, facility, its project and the book's exposures. Some tests
override the PD by the exposure's 五级分类, as an analyst's named override (``--override pd=...``) does."""

from __future__ import annotations

from decimal import Decimal

import pytest

from computecredit.domain.facilities import AnalystOverride
from computecredit.facilities.proposal import Proposal, assess
from computecredit.money import format_amount
from computecredit.reports.memo import build_memo, render_html
from computecredit.services.facilities import Records, assemble, stored_deal
from computecredit.store import facilities as facility_store

PD_BY_CLASS = {"normal": 0.015, "special_mention": 0.08, "substandard": 0.35, "doubtful": 0.6, "loss": 0.9}


def proposal_from_store(db, reference: str, pd: float | None = None) -> Proposal:  # type: ignore[no-untyped-def]
    """The stored facility's proposal, with the PD overridden when ``pd`` is given."""
    with db.transaction() as session:
        records = Records.load(session)
        deal = stored_deal(records, reference)
        if pd is not None:
            reason = "PD set by the exposure's 五级分类 for this test"
            deal = deal.with_overrides([AnalystOverride(key="pd", value=Decimal(str(pd)), reason=reason)])
        return assemble(records, deal)


def _book(db):  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        exposures = {e.facility_reference: e for e in facility_store.list_exposures(session)}
        return [(f.reference, exposures.get(f.reference)) for f in facility_store.list_facilities(session)]


def test_every_demo_facility_has_a_memo_in_both_languages(demo_db) -> None:  # type: ignore[no-untyped-def]
    book = _book(demo_db)
    assert len(book) >= 40
    for reference, exposure in book:
        pd = PD_BY_CLASS[exposure.classification.value] if exposure else 0.015
        assessment = assess(proposal_from_store(demo_db, reference, pd=pd))
        for lang in ("zh", "en"):
            memo = build_memo(assessment, lang, with_charts=False)
            cells = {
                cell for section in memo.sections for table in section.tables for row in table.rows for cell in row
            }
            assert reference in dict(memo.header).values()
            assert format_amount(assessment.limit.limit, lang=lang) in cells
            assert format_amount(assessment.proposal.bank.net_capital, lang=lang) in " ".join(cells)


def test_ningxia_demo_loan_against_the_demo_banks_capital(demo_db) -> None:  # type: ignore[no-untyped-def]
    """PL-2025-NX-001: 2.8亿 at a bank with 资本净额 108.6亿 (loan book 824.5亿 < 1000亿)."""
    assessment = assess(proposal_from_store(demo_db, "PL-2025-NX-001", pd=0.02))
    single = next(c for c in assessment.structure.concentration if c.key == "single_customer_loans")
    assert single.base_amount == Decimal("10860000000")
    assert single.ratio == pytest.approx(2.8 / 108.6, rel=1e-9)
    assert not single.breach
    # The facility's linked project (ningxia_phase1) is evaluated by the project engine for the memo.
    project = assessment.proposal.project
    assert project is not None and project.monte_carlo is not None and project.max_debt is not None
    keys = {c.key for c in assessment.limit.constraints}
    assert {"project_max_debt", "dscr_capacity"} <= keys
    gpu = next(line for line in assessment.structure.lgd.lines if line.kind == "gpu_servers")
    assert (
        gpu.haircut > project.recommended_haircut
    )  # the engine's haircut plus the decline to a default a year ahead
    html = render_html(assessment, "zh")
    assert "资本净额" in html and "蒙特卡洛模拟 1000 次" in html and html.count("<svg") >= 3


def test_server_maker_line_uses_its_statements_for_the_wc_need(demo_db) -> None:  # type: ignore[no-untyped-def]
    proposal = proposal_from_store(demo_db, "CL-2025-001", pd=0.01)
    wc = proposal.structuring.wc_inputs
    assert wc is not None and wc.revenue > 0 and wc.avg_inventory > 0
    assert [y.year for y in proposal.profile.financials] == [2022, 2023, 2024]
    assert "current_ratio" in proposal.structuring.covenant_test_values


def test_stored_facility_without_rating_asks_for_one(demo_db) -> None:  # type: ignore[no-untyped-def]
    from computecredit.errors import InputError
    from computecredit.store.ratings import RatingRow

    with demo_db.transaction() as session:  # the demo bank arrives rated: forget the ratings
        session.query(RatingRow).delete()
    with pytest.raises(InputError, match="no stored rating"):
        proposal_from_store(demo_db, "SB-2025-001")


def test_cli_memo_of_a_stored_facility(demo_db, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from computecredit.cli.main import app

    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", demo_db.url)
    out = tmp_path / "nx.html"
    result = CliRunner().invoke(app, ["facility", "memo", "PL-2025-NX-001", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "PL-2025-NX-001" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(app, ["facility", "assess", "NO-SUCH-1"])
    assert missing.exit_code == 2 and "NO-SUCH-1" in missing.stderr


def test_cli_wc_need_from_stored_statements(demo_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from computecredit.cli.main import app

    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", demo_db.url)
    runner = CliRunner()
    result = runner.invoke(
        app, ["facility", "wc-need", "--borrower", "91420100MAX6LY0C6L", "--growth", "0.3", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["inputs"]["growth"] == 0.3 and payload["turnover_times"] > 0
    assert runner.invoke(app, ["facility", "wc-need"]).exit_code == 2


def test_a_project_the_engine_refuses_is_refused_naming_project_ref(demo_db) -> None:  # type: ignore[no-untyped-def]
    """A deal linked to a stored project whose inputs the engine refuses (e.g. a monitoring stub) is bad input."""
    from computecredit.domain.projects import Project
    from computecredit.errors import InputError
    from computecredit.services.facilities import Deal
    from computecredit.store import projects as project_store

    with demo_db.transaction() as session:
        project_store.save_project(
            session,
            Project(
                code="aaa-stub", name="partial inputs", borrower_uscc="91640500MA53JLGWU7", inputs={"gpus": 8}
            ),
        )
        records = Records.load(session)
        facility = records.facilities["PL-2025-NX-001"].model_copy(update={"project_code": "aaa-stub"})
        with pytest.raises(InputError) as caught:
            assemble(records, Deal(facility=facility))
    assert caught.value.problems[0].field == "project_ref" and caught.value.problems[0].value == "aaa-stub"
