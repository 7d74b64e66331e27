"""The book through the portfolio engine on the real server: unrated borrowers first, then risk, stress and
a Monte Carlo run as a background job with progress and a result URL."""

from __future__ import annotations

import time

from tests.web.support import Server, browser_login


def _wait(client, job_id: str, timeout: float = 120) -> dict:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        assert 0.0 <= job["progress"] <= 1.0
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job {job_id} did not finish")


def test_book_risk_after_rating_the_book(server: Server) -> None:
    with server.client("t_risk") as client:
        started = client.post("/api/v1/jobs", json={"kind": "rating.batch"})
        assert started.status_code == 202 and started.headers["location"] == f"/api/v1/jobs/{started.json()['id']}"
        job = _wait(client, started.json()["id"])
        assert job["state"] == "done" and job["links"]["result"].endswith("/result")
        # the demo book arrives rated (demo load rates every borrower); the job rates whatever is left
        assert client.get(job["links"]["result"]).json()["rated"] >= 0
        risk = client.get("/api/v1/portfolio/risk").json()
        assert 0 < risk["risk"]["expected_loss"] < risk["risk"]["var"] < risk["ead"]
        assert (
            abs(sum(risk["risk"]["contributions"]["sector"].values()) - risk["risk"]["es"])
            < 1e-6 * risk["risk"]["es"]
        )
        assert client.get("/api/v1/portfolio/risk", params={"rho": 1.5}).status_code == 422
        stress = client.get("/api/v1/portfolio/stress").json()
        assert stress["scenarios"] and "expected_loss" in stress["baseline"]
        # the book's chain segments reach the scenarios' sector sensitivities: every scenario bites
        assert all(scenario["delta_expected_loss"] > 0 for scenario in stress["scenarios"])
        page = client.get("/portfolio")
        assert page.status_code == 200 and "<svg" in page.text
        dashboard = client.get("/api/v1/dashboard").json()
        assert dashboard["book"]["ead"] == risk["ead"]
        book = dashboard["book"]
        for breakdown in ("by_sector", "by_hub", "by_grade", "by_product"):
            assert abs(sum(book[breakdown].values()) - risk["ead"]) < 1e-6 * risk["ead"]
        largest = {row["dimension"]: row for row in book["limits"]}
        assert list(largest) == ["obligor", "group", "sector", "hub"]
        top_name = risk["concentration"]["obligor"]["largest"][0]
        assert largest["obligor"]["name"] == top_name["name"]
        # the tightest regulatory rule of the largest single name, as the portfolio API computes it
        assert largest["obligor"]["use"] == max(top_name["limit_use"].values())
        assert largest["sector"]["limit"] == "net_capital_share" and not largest["sector"]["breach"]

        simulation = client.post(
            "/api/v1/jobs", json={"kind": "portfolio.simulate", "params": {"simulations": 2000}}
        )
        done = _wait(client, simulation.json()["id"])
        assert done["state"] == "done", done
        result = client.get(done["links"]["result"]).json()
        assert result["method"] == "mc" and result["simulations"] == 2000 and result["var"] > 0
        bad = client.post("/api/v1/jobs", json={"kind": "portfolio.simulate", "params": {"simulations": 10}})
        assert _wait(client, bad.json()["id"])["state"] == "failed"

    browser = browser_login(server, "t_risk")
    for lang, heading in (("zh-CN", "限额占用"), ("en", "Limit use against the bank")):
        page = browser.get("/", headers={"Accept-Language": lang}).text
        limits = page[page.index('id="limit-use"') : page.index("</table>", page.index('id="limit-use"'))]
        assert heading in page and limits.count("<tr><td>") == 4
        assert page.count("<svg") >= 4  # EAD by segment, hub, grade and product
    browser.close()
