"""Every label on every page comes from the translations: each role walks all its pages (the demo bank loaded)
and a zh-CN page shows no snake_case key and no English word outside code, inputs and proper names; an en page
shows no snake_case key either."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from tests.web.support import ROLE_USER, Server, browser_login
from tests.web.visible import WORD, engine_text, untranslated

from computecredit.web import i18n

# The pages each role reaches from the navigation; the walk adds the pages they link to.
NAV = {
    "analyst": ("/", "/borrowers", "/projects", "/proposals", "/portfolio", "/programmes", "/monitoring"),
    "approver": (
        "/",
        "/borrowers",
        "/projects",
        "/proposals",
        "/approvals",
        "/portfolio",
        "/programmes",
        "/monitoring",
    ),
    "risk_manager": (
        "/",
        "/borrowers",
        "/projects",
        "/proposals",
        "/approvals",
        "/portfolio",
        "/programmes",
        "/monitoring",
        "/audit",
    ),
    "admin": ("/", "/borrowers", "/projects", "/portfolio", "/programmes", "/monitoring", "/admin", "/audit"),
}
SORTS = ("/borrowers?sort=pd&desc=true", "/borrowers?sort=exposure&desc=true&segment=servers_hardware")


def pages_of(client: httpx.Client, role: str, demo_uscc: str) -> list[str]:
    """The role's navigation pages, a few borrower pages (the demo server maker first), every project page,
    every proposal (the demo bank holds one in each state) and the facilities they link to, the new-proposal
    form for analysts, sorted and filtered borrower lists and an error page."""
    listed = client.get("/borrowers?sort=pd&desc=true&limit=4").text
    borrowers = [
        f"/borrowers/{demo_uscc}",
        *dict.fromkeys(re.findall(r'href="(/borrowers/[0-9A-Z]{18})"', listed)),
    ]
    projects = list(dict.fromkeys(re.findall(r'href="(/projects/[\w.-]+)"', client.get("/projects").text)))
    proposals = list(dict.fromkeys(re.findall(r'href="(/proposals/\d+)"', client.get("/proposals?limit=50").text)))
    facilities = list(dict.fromkeys(re.findall(r'href="(/facilities/[^"?#]+)"', client.get(proposals[0]).text)))
    programmes = list(
        dict.fromkeys(re.findall(r'href="(/programmes/[A-Z][\w-]+)"', client.get("/programmes").text))
    )
    extra = ["/proposals/new"] if role == "analyst" else []
    if role == "admin":
        extra += ["/programmes/new", f"{programmes[0]}/edit"]
    return [
        *NAV[role],
        *SORTS,
        *borrowers[:4],
        *projects,
        *programmes,
        *proposals,
        *facilities[:2],
        *extra,
        "/borrowers/91110000MA0000000X",
    ]


PROPOSAL_PAGE = re.compile(r"^/proposals/\d+$")


def walk(server: Server, role: str, lang: str, demo_uscc: str, proposals: bool = False) -> dict[str, list[str]]:
    """What the role's pages show untranslated, by page; ``proposals`` walks the proposal pages alone."""
    client = browser_login(server, ROLE_USER[role])
    client.cookies.set(i18n.COOKIE, lang)
    found: dict[str, list[str]] = {}
    for path in pages_of(client, role, demo_uscc):
        if bool(PROPOSAL_PAGE.match(path)) != proposals:
            continue
        page = client.get(path)
        assert page.status_code in (200, 404), (path, page.status_code)
        words = untranslated(page.text)
        if lang == "en":
            words = [w for w in words if "_" in w]
        if words:
            found[path] = sorted(set(words))
    return found


@pytest.mark.parametrize("role", sorted(NAV))
def test_chinese_pages_show_no_keys_and_no_english(server: Server, demo_uscc: str, role: str) -> None:
    found = walk(server, role, "zh-CN", demo_uscc)
    assert not found, "\n".join(f"{path}: {', '.join(words)}" for path, words in found.items())


@pytest.mark.parametrize("role", ["risk_manager", "admin"])
def test_english_pages_show_no_keys(server: Server, demo_uscc: str, role: str) -> None:
    found = walk(server, role, "en", demo_uscc)
    assert not found, "\n".join(f"{path}: {', '.join(words)}" for path, words in found.items())


@pytest.mark.parametrize("role", ["analyst", "risk_manager"])
def test_chinese_proposal_pages_show_no_keys_and_no_english(server: Server, demo_uscc: str, role: str) -> None:
    found = walk(server, role, "zh-CN", demo_uscc, proposals=True)
    assert not found, "\n".join(f"{path}: {', '.join(words)}" for path, words in found.items())


def test_the_walk_sees_what_it_should(server: Server, demo_uscc: str) -> None:
    """The check can fail: the borrower page holds rating drivers (translated), and a raw key would be caught."""
    client = browser_login(server, ROLE_USER["risk_manager"])
    client.cookies.set(i18n.COOKIE, "zh-CN")
    page = client.get(f"/borrowers/{demo_uscc}").text
    assert "最新评级的主要驱动因素" in page and "算力产业链专家打分卡" in page
    assert set(untranslated(page.replace("算力产业链专家打分卡", "expert_compute"))) == {"expert_compute"}


def test_alert_evidence_is_chinese(server: Server) -> None:
    """Alert titles and evidence are the monitoring engine's text, written in both languages: the Chinese
    page shows no English word (projects by their Chinese names, units in Chinese)."""
    from computecredit.services.monitoring import run_monitoring

    run_monitoring(server.db, date.today(), actor="t_risk")
    client = browser_login(server, ROLE_USER["risk_manager"])
    client.cookies.set(i18n.COOKIE, "zh-CN")
    texts = engine_text(client.get("/monitoring").text)
    assert texts, "the check needs alerts to look at"
    assert [w for t in texts for w in WORD.findall(t) if not w.isupper() and not any(c.isdigit() for c in w)] == []


def test_every_engine_key_the_pages_show_has_words() -> None:
    """Limit constraints, regulatory checks, covenant metrics and states, and tornado drivers all have a label in both
    languages (the facilities and projects engines' keys, read from their source and tables)."""
    from pathlib import Path

    from computecredit.facilities import covenants
    from computecredit.facilities.concentration import PARAMETERS_TABLE
    from computecredit.projects.sensitivity import TORNADO
    from computecredit.reference import load_yaml
    from computecredit.web.templating import term

    facilities = Path(covenants.__file__).parent
    constraints = {
        key
        for path in facilities.glob("*.py")
        for key in re.findall(r'Constraint\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8"))
    } - {"dscr"}  # "dscr" appears only in a docstring example
    assert {"requested", "wc_need", "project_max_debt", "dscr_capacity", "concentration"} <= constraints
    checks = {row["key"] for row in load_yaml(PARAMETERS_TABLE)["concentration"]["limits"]}
    wanted = (
        [("constraint", k) for k in constraints]
        + [("check", k) for k in checks]
        + [("metric", k) for k in covenants.METRICS]
        + [("covenant_status", k) for k in ("pass", "warning", "breach", "missing")]
        + [("driver", k) for k in TORNADO]
    )
    for lang in i18n.LANGUAGES:
        missing = [f"{kind}.{key}" for kind, key in wanted if term(kind, key, lang) == key]
        assert missing == [], lang
