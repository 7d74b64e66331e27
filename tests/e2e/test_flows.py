"""The main flows in a real browser, in Chinese and in English: log in, find a borrower, open a proposal,
the author cannot approve it, an approver can, and the dashboard shows it. Screenshots of each page."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.web.support import BORROWER_USCC, PASSWORD, Server

from computecredit.services import audit, workflow
from computecredit.services.workflow import Actor

pytestmark = pytest.mark.e2e

TEXT = {
    "zh-CN": {
        "login": "登录",
        "approve": "批准",
        "approved": "已批准",
        "cannot": "您不能审批此方案",
        "proposals": "授信方案",
    },
    "en": {
        "login": "Sign in",
        "approve": "Approve",
        "approved": "Approved",
        "cannot": "You cannot decide",
        "proposals": "Facility proposals",
    },
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
def test_application_to_approval(browser, server: Server, artifacts: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
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
    _shot(page, artifacts, "borrower", lang)

    # Open an application through the form.
    page.goto(f"{server.url}/proposals/new?borrower={BORROWER_USCC}")
    page.select_option("select[name=product]", "working_capital_loan")
    page.fill("input[name=amount]", "4000万")
    page.fill("input[name=tenor_months]", "12")
    _shot(page, artifacts, "proposal-form", lang)
    page.click("form[action='/proposals'] button[type=submit]")
    page.wait_for_url(f"{server.url}/proposals/*")
    proposal_id = int(page.url.rsplit("/", 1)[1])

    # The analysis (engines) and submission, as the analyst's service calls make them.
    with audit.write_transaction(server.db) as session:
        analyst = Actor("t_analyst", "analyst")
        workflow.analyse(session, proposal_id, analyst, {"limit": "4000万"}, {"engine": "e2e"})
        workflow.submit(session, proposal_id, analyst)

    # The author sees no approve button, and the server refuses a forged approval.
    page.reload()
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

    # The dashboard counts it.
    page.click("a[href='/']")
    _shot(page, artifacts, "dashboard-approver", lang)
    assert int(page.inner_text("#kpi-approved")) >= 1
    context.close()
    assert errors == [] and approver_errors == []
