"""The credit memo: every demo proposal renders in both languages; one PDF is printed and read back."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.money import format_amount
from computecredit.reports.memo import input_digest, render_html, render_pdf
from computecredit.services.facilities import assess_proposal

EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "facilities").glob("*.yaml"))
runner = CliRunner()


@pytest.fixture(scope="module")
def assessments() -> dict[str, object]:
    return {path.stem: assess_proposal(path) for path in EXAMPLES}


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
    assert (binding.basis_zh if lang == "zh" else binding.basis_en).replace("&", "&amp;") in html
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
    assert "Monte Carlo, 2000 runs" in html and "rental price −20%" in html
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
        format_amount(assessment.limit.limit),  # 2.80亿元
        format_amount(single.headroom),  # 9.70亿元 of headroom under 10% of 资本净额
        f"{single.ratio:.2%}",
        "RAROC",
        f"{assessment.structure.pricing.at_proposed.raroc:.2%}",
        "资本净额125.00亿元",
    ):
        assert figure in text, figure
    fonts = [
        font.get_object() for page in reader.pages for font in (page["/Resources"].get("/Font") or {}).values()
    ]
    families = {str(f["/FontDescriptor"].get_object().get("/FontFamily")) for f in fonts if "/FontDescriptor" in f}
    assert any("Noto Sans CJK" in family for family in families)
    # Glyph outlines travel in the file (Type 3 char procs or an embedded font program).
    assert all("/CharProcs" in f or "/DescendantFonts" in f or "/FontFile2" in str(f) for f in fonts)


def test_cli_memo_html_and_bad_options(tmp_path: Path) -> None:
    out = tmp_path / "memo.html"
    result = runner.invoke(app, ["facility", "memo", str(EXAMPLES[0]), "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert runner.invoke(app, ["facility", "memo", str(EXAMPLES[0]), "--lang", "fr"]).exit_code == 2
    missing = runner.invoke(app, ["facility", "memo", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "nope.yaml" in missing.stderr


def test_cli_pdf_without_renderer_fails_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPUTECREDIT_CHROMIUM", str(tmp_path / "no-chromium"))
    result = runner.invoke(
        app, ["facility", "memo", str(EXAMPLES[0]), "--format", "pdf", "-o", str(tmp_path / "m.pdf")]
    )
    assert result.exit_code == 1
    assert "Chromium" in result.stderr and not (tmp_path / "m.pdf").exists()


def test_bad_proposal_names_file_and_field(tmp_path: Path) -> None:
    text = EXAMPLES[0].read_text(encoding="utf-8").replace("hurdle_rate: 0.10", "hurdle_rate: 1.5")
    text = text.replace("hurdle_rate: 0.12", "hurdle_rate: 1.5")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["facility", "assess", str(path)])
    assert result.exit_code == 2
    assert "bad.yaml" in result.stderr and "bank.hurdle_rate" in result.stderr


def test_assess_json(tmp_path: Path) -> None:
    import json

    path = next(p for p in EXAMPLES if p.stem == "server_maker_wc_line")
    payload = json.loads(runner.invoke(app, ["facility", "assess", str(path), "--json"]).stdout)
    assert payload["binding_constraint"] == "wc_need"
    assert payload["limit"] == int(payload["constraints"]["wc_need"])
