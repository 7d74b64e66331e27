"""Both languages are complete: same keys in both catalogs, every key the pages use exists, and the
language follows Accept-Language until the switch on the page sets a cookie."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.support import Server

from computecredit.services.workflow import ROLES, Action, State
from computecredit.web import i18n

WEB = Path(i18n.__file__).parent.parent


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    zh, en = i18n.catalog("zh-CN"), i18n.catalog("en")
    assert set(zh) == set(en)
    for key in zh:
        assert set(re.findall(r"\{(\w+)\}", zh[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key


def test_every_key_used_by_pages_and_code_exists() -> None:
    used: set[str] = set()
    for path in list(WEB.rglob("*.html")) + list(WEB.rglob("*.py")):
        used.update(
            k
            for k in re.findall(r"""\bt\(\s*["']([a-z_][\w.-]*)["']""", path.read_text(encoding="utf-8"))
            if not k.endswith(".")
        )
    used.update(f"state.{s.value}" for s in State)
    used.update(f"action.{a.value}" for a in Action)
    used.update(f"do.{a.value}" for a in Action)
    used.update(f"dimension.{d}" for d in ("obligor", "group", "sector", "region", "hub"))
    used.update(f"recommendation.{r}" for r in ("approve", "approve_with_conditions", "decline"))
    used.update(f"role.{r}" for r in ROLES)
    used.update(f"lang.{code}" for code in i18n.LANGUAGES)
    used.update(f"job.state.{s}" for s in ("queued", "running", "done", "failed"))
    assert len(used) > 50
    missing = sorted(k for k in used if k not in i18n.catalog("en"))
    assert missing == []


def test_language_from_accept_language_then_cookie(server: Server) -> None:
    with server.client() as client:
        assert "登录" in client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
        english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
        assert "Sign in" in english.text and english.headers["content-language"] == "en"
        switched = client.get("/lang/zh-CN?next=/login", headers={"Accept-Language": "en"})
        assert switched.status_code == 303 and switched.headers["location"] == "/login"
        assert "登录" in client.get("/login", headers={"Accept-Language": "en"}).text
        assert client.get("/lang/en?next=https://evil.example").headers["location"] == "/"


def test_pages_render_in_both_languages(server: Server) -> None:
    for lang, word in (("zh-CN", "授信方案"), ("en", "Facility proposals")):
        with server.client("t_analyst") as client:
            client.cookies.set(i18n.COOKIE, lang)
            page = client.get("/proposals")
            assert page.status_code == 200 and word in page.text
            assert f'<html lang="{lang}">' in page.text
