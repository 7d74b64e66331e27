"""The project engine through the real server: a bundled example, edited inputs, bad inputs."""

from __future__ import annotations

import json

import yaml
from tests.web.support import Server, csrf_of

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
