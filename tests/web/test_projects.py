"""The project engine through the real server: a bundled example, edited inputs, bad inputs."""

from __future__ import annotations

import json
import re

import yaml
from tests.web.support import Server, browser_login, csrf_of

from computecredit import projects


def test_evaluate_an_example_and_edited_inputs(server: Server) -> None:
    with server.client("t_analyst") as client:
        listed = {p["code"] for p in client.get("/api/v1/projects").json()}
        assert "ningxia_phase1" in listed
        base = client.post("/api/v1/projects/evaluate", json={"code": "ningxia_phase1", "simulations": 50})
        assert base.status_code == 200, base.text
        result = base.json()
        assert result["min_dscr"] > 0 and result["simulation"]["paths"] == 50 and result["annual"]
        document = yaml.safe_load(projects.example_path("ningxia_phase1").read_text(encoding="utf-8"))
        inputs = json.loads(json.dumps(document, default=str))
        edited = client.post("/api/v1/projects/evaluate", json={"inputs": inputs, "simulations": 0})
        assert edited.json()["min_dscr"] == result["min_dscr"]
        both = client.post("/api/v1/projects/evaluate", json={"code": "ningxia_phase1", "inputs": inputs})
        assert both.status_code == 422
        assert client.post("/api/v1/projects/evaluate", json={"code": "nope"}).status_code == 404
        assert client.post("/api/v1/projects/evaluate", json={"inputs": {"name": "x"}}).status_code == 422


def test_project_page_with_edited_inputs(server: Server) -> None:
    from tests.web.support import browser_login

    client = browser_login(server, "t_analyst")
    page = client.get("/projects/ningxia_phase1")
    assert page.status_code == 200 and page.text.count("<svg") >= 5
    bad = client.post(
        "/projects/ningxia_phase1", data={"inputs_text": "- not a mapping", "csrf_token": csrf_of(client)}
    )
    assert bad.status_code == 422 and "YAML mapping" in bad.text


def test_saving_a_stored_projects_inputs_is_validated_audited_and_kept(server: Server) -> None:
    """The demo bank stores ``ningxia_phase1``: an analyst's saved edit changes what the project page
    evaluates and leaves the earlier inputs in the audit log; bad inputs change nothing, and only the
    roles that prepare credit may save."""
    from tests.web.support import browser_login

    from computecredit.services import audit
    from computecredit.store import projects as project_store
    from computecredit.store.workbench import AuditEntry

    with server.db.transaction() as session:
        before = project_store.get_project(session, "ningxia_phase1").inputs
    with server.client("t_analyst") as client:
        base = client.post("/api/v1/projects/evaluate", json={"code": "ningxia_phase1", "simulations": 0}).json()
        rejected = client.put("/api/v1/projects/ningxia_phase1/inputs", json={"inputs": {"name": "x"}})
        assert rejected.status_code == 422 and "site" in rejected.text
        unknown = client.put("/api/v1/projects/no_such_project/inputs", json={"inputs": before})
        assert unknown.status_code == 404  # only stored projects take edits; engine examples stay as shipped
        renamed = json.loads(json.dumps(before))
        renamed["name"] = before["name"] + " (what-if saved)"
        saved = client.put("/api/v1/projects/ningxia_phase1/inputs", json={"inputs": renamed})
        assert saved.status_code == 200, saved.text
        assert saved.json()["inputs"]["name"].endswith("(what-if saved)")
        again = client.post("/api/v1/projects/evaluate", json={"code": "ningxia_phase1", "simulations": 0}).json()
        assert again["min_dscr"] == base["min_dscr"]  # only the name changed: the figures stand
    with server.db.transaction() as session:
        assert project_store.get_project(session, "ningxia_phase1").inputs["name"].endswith("(what-if saved)")
        entry = (
            session.query(AuditEntry).filter_by(action="project.inputs").order_by(AuditEntry.seq.desc()).first()
        )
        assert entry is not None and entry.actor == "t_analyst" and json.loads(entry.before_json) == before
        assert audit.verify(session).ok

    browser = browser_login(server, "t_analyst")
    page = browser.get("/projects/ningxia_phase1")
    assert 'id="save-inputs"' in page.text
    text = yaml.safe_dump(before, allow_unicode=True, sort_keys=False)
    done = browser.post(
        "/projects/ningxia_phase1",
        data={"inputs_text": text, "action": "save", "csrf_token": csrf_of(browser)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/projects/ningxia_phase1?saved=1"
    assert 'id="inputs-saved"' in browser.get(done.headers["location"]).text
    browser.close()
    with server.db.transaction() as session:
        assert project_store.get_project(session, "ningxia_phase1").inputs == before
    approver = browser_login(server, "t_approver")
    refused = approver.post(
        "/projects/ningxia_phase1",
        data={"inputs_text": text, "action": "save", "csrf_token": csrf_of(approver)},
    )
    assert refused.status_code == 403
    approver.close()


def test_structured_form_evaluates_and_shows_errors_beside_fields(server: Server) -> None:
    browser = browser_login(server, "t_analyst")
    browser.cookies.set("cc_lang", "zh-CN")
    page = browser.get("/projects/inner_mongolia_merchant").text
    for legend in ("选址与机房", "算力设备", "资本开支", "收入", "运营成本", "税收", "融资"):
        assert f"<legend>{legend}</legend>" in page
    assert "PUE（倍）" in page and 'name="f:accelerators.0.count"' in page and 'id="advanced"' in page
    csrf = csrf_of(browser, "/projects/inner_mongolia_merchant")
    base = browser.post("/projects/inner_mongolia_merchant/form?action=evaluate", data={"csrf_token": csrf}).text
    worse = browser.post(
        "/projects/inner_mongolia_merchant/form?action=evaluate",
        data={"csrf_token": csrf, "f:site.pue": "1.6", "f:revenue.merchant.price": "6.5"},
    )
    assert worse.status_code == 200 and 'value="1.6"' in worse.text

    def min_dscr(html: str) -> float:
        return float(re.search(r'id="min-dscr">([\d.,-]+)<', html).group(1).replace(",", ""))

    assert min_dscr(worse.text) < min_dscr(base)
    refused = browser.post(
        "/projects/inner_mongolia_merchant/form?action=evaluate",
        data={"csrf_token": csrf, "f:site.pue": "abc", "f:accelerators.0.count": "-5"},
    )
    assert refused.status_code == 422
    assert 'id="f-site-pue-error"' in refused.text and 'id="f-accelerators-0-count-error"' in refused.text
    assert 'aria-invalid="true"' in refused.text and 'value="abc"' in refused.text
    browser.close()
