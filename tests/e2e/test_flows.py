"""The main flows in a real browser, in Chinese and in English: log in, find a borrower, open a proposal with
its live limit and pricing, run the engines, submit; the author cannot approve it, an approver can; download
the credit memo; the dashboard shows it. Screenshots of each page go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.support import BORROWER_USCC, PASSWORD, Server, statements_csv

pytestmark = pytest.mark.e2e

TEXT = {
    "zh-CN": {"login": "登录", "approved": "已批准", "submitted": "待审批"},
    "en": {"login": "Sign in", "approved": "Approved", "submitted": "Awaiting approval"},
}


def _page(browser, lang: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale=lang, extra_http_headers={"Accept-Language": lang}, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return context, page, errors


def _login(page, server: Server, username: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/login")
    assert TEXT[lang]["login"] in page.title()
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")  # the form works from the keyboard
    page.wait_for_url(f"{server.url}/")


def _shot(page, artifacts: Path, name: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(artifacts / f"{name}-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_application_to_approval(
    browser, server: Server, demo_uscc: str, artifacts: Path, tmp_path: Path, lang: str
) -> None:  # type: ignore[no-untyped-def]
    words = TEXT[lang]
    context, page, errors = _page(browser, lang)
    page.goto(f"{server.url}/login")
    _shot(page, artifacts, "login", lang)
    _login(page, server, "t_analyst", lang)
    _shot(page, artifacts, "dashboard-analyst", lang)

    # Find the borrower with the live search.
    page.click("a[href='/borrowers']")
    page.fill("#q", "Test Compute")
    page.wait_for_selector(f"#results a[href='/borrowers/{BORROWER_USCC}']")
    _shot(page, artifacts, "borrowers", lang)
    page.click(f"#results a[href='/borrowers/{BORROWER_USCC}']")

    # Import its statements from a file (the demo statements of a server maker, re-labelled).
    content = statements_csv(server, demo_uscc, BORROWER_USCC, tmp_path)
    page.set_input_files(
        "#statements-file", files=[{"name": "statements.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.click("form[action$='/statements'] button[type=submit]")
    page.wait_for_selector("#statements .notice")
    assert page.locator("#statements svg.chart").count() == 3  # trends, balance sheet, ratios
    _shot(page, artifacts, "borrower", lang)

    # Evaluate a 智算中心 project: cash flows, DSCR, sensitivities, Monte Carlo, collateral, green.
    page.goto(f"{server.url}/projects/ningxia_phase1")
    assert float(page.inner_text("#min-dscr")) > 0
    assert page.locator("svg.chart").count() >= 5
    _shot(page, artifacts, "project", lang)

    # Open an application through the form; the live panel shows limit, pricing and checks as we type.
    page.goto(f"{server.url}/proposals/new?borrower={demo_uscc}")
    page.select_option("select[name=product]", "credit_line")
    page.fill("input[name=amount]", "4000万")
    page.fill("input[name=tenor_months]", "12")
    page.fill("input[name=spread_bp]", "80")
    page.fill("input[name=override_pd]", "2")
    page.fill("input[name=override_reason]", "rating under annual review")
    page.wait_for_selector("#recommendation")
    assert page.inner_text("#analysis-limit")
    _shot(page, artifacts, "proposal-form", lang)
    page.click("form[action='/proposals'] button[type=submit]")
    page.wait_for_url(f"{server.url}/proposals/*")
    proposal_id = int(page.url.rsplit("/", 1)[1])

    # Run the engines, then submit.
    page.click(f"form[action='/proposals/{proposal_id}/analyse'] button")
    page.wait_for_selector("#analysis")
    _shot(page, artifacts, "proposal-analysed", lang)
    page.click(f"form[action='/proposals/{proposal_id}/submit'] button")
    page.wait_for_selector(f"h1 .badge:has-text('{words['submitted']}')")

    # The author sees no approve button, and the server refuses a forged approval.
    assert page.locator(f"form[action='/proposals/{proposal_id}/approve']").count() == 0
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    forged = page.request.post(
        f"{server.url}/proposals/{proposal_id}/approve", form={"csrf_token": csrf, "comment": "mine"}
    )
    assert forged.status == 403
    context.close()

    # An approver approves it from the queue.
    context, page, approver_errors = _page(browser, lang)
    _login(page, server, "t_approver", lang)
    page.click("a[href='/approvals']")
    _shot(page, artifacts, "approval-queue", lang)
    page.click(f"a[href='/proposals/{proposal_id}']")
    page.fill("#comment-approve", "ok")
    _shot(page, artifacts, "proposal-review", lang)
    page.click(f"form[action='/proposals/{proposal_id}/approve'] button")
    page.wait_for_url(f"{server.url}/proposals/{proposal_id}")
    assert words["approved"] in page.inner_text("h1")

    # Download the credit memo attached to the analysis.
    with page.expect_download() as download:
        page.click("#memo-pdf")
    pdf = download.value.path()
    assert pdf is not None and Path(pdf).read_bytes()[:5] == b"%PDF-"
    memo = page.context.request.get(f"{server.url}/proposals/{proposal_id}/memo?lang=zh")
    assert memo.status == 200 and "授信" in memo.text()
    page.goto(f"{server.url}/proposals/{proposal_id}/memo?lang={'zh' if lang == 'zh-CN' else 'en'}")
    _shot(page, artifacts, "credit-memo", lang)

    # The dashboard counts it.
    page.goto(f"{server.url}/")
    _shot(page, artifacts, "dashboard-approver", lang)
    assert int(page.inner_text("#kpi-approved")) >= 1
    context.close()
    assert errors == [] and approver_errors == []
