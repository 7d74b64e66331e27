"""The credit memo: every demo deal file renders in both languages; one PDF is printed and read back."""

from __future__ import annotations

import io
import re
import unicodedata
from html import escape as html_escape
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.money import format_amount
from computecredit.reports.memo import input_digest, render_html, render_pdf
from computecredit.services.facilities import assess_deal
from computecredit.store.database import Database

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "facilities").glob("*.yaml"))
runner = CliRunner()


@pytest.fixture(scope="module")
def assessments(_demo_bank_file: Path) -> dict[str, object]:
    db = Database(f"sqlite:///{_demo_bank_file}")
    try:
        return {path.stem: assess_deal(db, path) for path in EXAMPLES}
    finally:
        db.dispose()


@pytest.fixture
def demo_env(demo_db: Database, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The CLI pointed at a copy of the demo bank."""
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", demo_db.url)
    return demo_db


def test_there_are_demo_proposals() -> None:
    assert {p.stem for p in EXAMPLES} >= {
        "ningxia_project",
        "server_maker_wc_line",
        "chip_buyback",
        "platform_guarantee",
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
def test_memo_html_carries_the_key_figures(assessments: dict, name: str, lang: str) -> None:
    assessment = assessments[name]
    html = render_html(assessment, lang)
    binding = assessment.limit.binding
    assert format_amount(assessment.limit.limit, lang=lang) in html
    assert html_escape(binding.basis_zh if lang == "zh" else binding.basis_en).replace("&#x27;", "&#39;") in html
    assert assessment.proposal.id in html and input_digest(assessment) in html
    assert ("授信审批报告" if lang == "zh" else "Credit memo") in html
    assert html.count("<svg") >= 1  # at least the limit chart
    for check in assessment.structure.concentration:
        assert f"{check.ratio:.2%}" in html


def test_wc_memo_shows_each_turnover_figure(assessments: dict) -> None:
    html = render_html(assessments["server_maker_wc_line"], "zh")
    for label in ("存货", "应收账款", "应付账款", "预付账款", "预收账款", "营运资金周转次数"):
        assert label in html


def test_project_memo_has_monte_carlo_chart_and_sensitivities(assessments: dict) -> None:
    html = render_html(assessments["ningxia_project"], "en")
    assert "Monte Carlo, 1000 runs" in html
    assert html.count("<svg") >= 3  # trend, Monte Carlo, limit


@pytest.mark.e2e
def test_pdf_embeds_cjk_glyphs_and_key_figures(assessments: dict) -> None:
    import pypdf

    assessment = assessments["ningxia_project"]
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(assessment, "zh")))
    # Noto CJK glyphs map some ideographs to Kangxi radicals in ToUnicode; NFKC folds them back.
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in reader.pages))
    text = "".join(text.split())  # table cells may wrap
    single = next(c for c in assessment.structure.concentration if c.key == "single_customer_loans")
    for figure in (
        "授信审批报告",
        assessment.proposal.id,
        format_amount(assessment.limit.limit),
        format_amount(single.headroom),
        f"{single.ratio:.2%}",
        "RAROC",
        f"{assessment.structure.pricing.at_proposed.raroc:.2%}",
    ):
        assert figure in text, figure
    fonts = [
        font.get_object() for page in reader.pages for font in (page["/Resources"].get("/Font") or {}).values()
    ]
    families = {str(f["/FontDescriptor"].get_object().get("/FontFamily")) for f in fonts if "/FontDescriptor" in f}
    assert any("Noto Sans CJK" in family for family in families)
    # Glyph outlines travel in the file (Type 3 char procs or an embedded font program).
    assert all("/CharProcs" in f or "/DescendantFonts" in f or "/FontFile2" in str(f) for f in fonts)


def test_cli_memo_html_and_bad_options(tmp_path: Path, demo_env: Database) -> None:
    out = tmp_path / "memo.html"
    result = runner.invoke(app, ["facility", "memo", str(EXAMPLES[0]), "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert runner.invoke(app, ["facility", "memo", str(EXAMPLES[0]), "--lang", "fr"]).exit_code == 2
    missing = runner.invoke(app, ["facility", "memo", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "nope.yaml" in missing.stderr


def test_cli_pdf_without_renderer_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_env: Database
) -> None:
    monkeypatch.setenv("COMPUTECREDIT_CHROMIUM", str(tmp_path / "no-chromium"))
    result = runner.invoke(
        app, ["facility", "memo", str(EXAMPLES[0]), "--format", "pdf", "-o", str(tmp_path / "m.pdf")]
    )
    assert result.exit_code == 1
    assert "Chromium" in result.stderr and not (tmp_path / "m.pdf").exists()


def test_bad_deal_names_file_and_field(tmp_path: Path, demo_env: Database) -> None:
    text = re.sub(r"tenor_months: \d+", "tenor_months: 999", EXAMPLES[0].read_text(encoding="utf-8"))
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["facility", "assess", str(path)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr and "facility.tenor_months" in result.stderr


def test_deal_file_without_engine_outputs_gets_the_project_engines(demo_env: Database) -> None:
    """The Ningxia deal names its project by code: max debt and DSCR capacity come from the project engine."""
    import json

    from computecredit import projects
    from computecredit.store.projects import get_project

    path = next(p for p in EXAMPLES if p.stem == "ningxia_project")
    payload = json.loads(runner.invoke(app, ["facility", "assess", str(path), "--json"]).stdout)
    with demo_env.transaction() as session:
        inputs = get_project(session, "ningxia_phase1").inputs
    assert payload["project_code"] == "ningxia_phase1"
    assert payload["constraints"]["project_max_debt"] == pytest.approx(
        projects.evaluate(inputs, simulations=0).max_debt, abs=0.01
    )
    assert {"requested", "project_max_debt", "dscr_capacity", "concentration"} <= set(payload["constraints"])
    assert 0 < payload["pd"] < 1 and payload["ead"] > 0 and 0 < payload["lgd"] < 1


def test_assess_json_with_a_named_override(demo_env: Database) -> None:
    import json

    path = next(p for p in EXAMPLES if p.stem == "server_maker_wc_line")
    plain = json.loads(runner.invoke(app, ["facility", "assess", str(path), "--json"]).stdout)
    overridden = runner.invoke(
        app,
        [
            "facility",
            "assess",
            str(path),
            "--json",
            "--override",
            "pd=0.005",
            "--reason",
            "parent's support letter",
        ],
    )
    payload = json.loads(overridden.stdout)
    assert payload["pd"] == 0.005 != plain["pd"]
    assert payload["overrides"] == [
        {"key": "pd", "value": "0.005", "reason": "parent's support letter", "collateral_index": None}
    ]
    assert any("parent's support letter" in c for c in payload["conditions"])
    unexplained = runner.invoke(app, ["facility", "assess", str(path), "--override", "pd=0.005"])
    assert unexplained.exit_code == 2 and "--reason" in unexplained.stderr
