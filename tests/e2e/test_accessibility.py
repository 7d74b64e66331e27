"""Every page in a real browser, in Chinese and in English: axe-core finds no serious or critical accessibility
violation, and a screenshot of each goes to test-artifacts/pages/.

axe-core is vendored in tests/e2e/vendor/ (from the npm registry; see its README) and injected through the
browser's debugging protocol, so the pages keep their Content-Security-Policy and nothing loads from outside.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.web.support import PASSWORD, ROLE_USER, Server, browser_login
from tests.web.test_translations import pages_of

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-4.10.2.min.js"
# Who walks which pages: the risk manager sees all but administration, the admin the rest.
WALKERS = {"risk_manager": None, "admin": ("/admin",)}


def _slug(path: str) -> str:
    return re.sub(r"[^\w]+", "-", path.strip("/")).strip("-") or "dashboard"


def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_every_page_is_accessible(browser, server: Server, demo_uscc: str, artifacts: Path, lang: str) -> None:  # type: ignore[no-untyped-def]
    folder = artifacts / "pages"
    folder.mkdir(exist_ok=True)
    found: dict[str, list[str]] = {}
    for role, only in WALKERS.items():
        client = browser_login(server, ROLE_USER[role])
        paths = list(only) if only else ["/login", *pages_of(client, role, demo_uscc)]
        client.close()
        context = browser.new_context(
            locale=lang, extra_http_headers={"Accept-Language": lang}, viewport={"width": 1280, "height": 900}
        )
        page = context.new_page()
        page.goto(f"{server.url}/login")
        if "/login" in paths:
            found.update({f"{role} /login": _violations(page)})
            page.screenshot(path=str(folder / f"login-{lang}.png"), full_page=True)
            paths.remove("/login")
        page.fill("#username", ROLE_USER[role])
        page.fill("#password", PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server.url}/")
        for path in dict.fromkeys(paths):
            page.goto(f"{server.url}{path}")
            found[f"{role} {path}"] = _violations(page)
            page.screenshot(path=str(folder / f"{_slug(path)}-{lang}.png"), full_page=True)
        context.close()
    problems = {where: v for where, v in found.items() if v}
    assert len(found) > 15
    assert not problems, "\n".join(f"{where}: {'; '.join(v)}" for where, v in problems.items())
