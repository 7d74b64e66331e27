"""Borrowers through the real server: search, profile, statements imported from Excel/CSV, the template."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from tests.web.support import BORROWER_USCC, Server, csrf_of, statements_csv

from computecredit.services import audit
from computecredit.store import ratings as rating_store


def test_search_by_name_and_uscc(server: Server) -> None:
    with server.client("t_approver") as client:
        found = client.get("/api/v1/borrowers", params={"q": "Test Compute"}).json()
        assert [b["uscc"] for b in found["items"]] == [BORROWER_USCC]
        assert client.get("/api/v1/borrowers", params={"q": BORROWER_USCC[:10]}).json()["total"] >= 1
        page = client.get("/api/v1/borrowers", params={"limit": 5, "offset": 5}).json()
        assert len(page["items"]) == 5 and page["total"] >= 30
        by_code = client.get("/api/v1/borrowers", params={"q": "sh688931"}).json()["items"]
        assert [(b["ticker"], b["exchange"]) for b in by_code] == [("688931.SH", "SSE")]


def test_import_statements_from_csv(server: Server, demo_uscc: str, tmp_path: Path) -> None:
    content = statements_csv(server, demo_uscc, BORROWER_USCC, tmp_path)
    with server.client("t_analyst") as client:
        response = client.post(
            f"/api/v1/borrowers/{BORROWER_USCC}/statements", files={"file": ("fy.csv", content, "text/csv")}
        )
        assert response.status_code == 200, response.text
        assert response.json()["created"] >= 2
        detail = client.get(f"/api/v1/borrowers/{BORROWER_USCC}").json()
        assert len(detail["statements"]) == response.json()["created"]
        page = client.get(f"/borrowers/{BORROWER_USCC}")
        assert "<svg" in page.text  # the trend charts are drawn once there are statements


def test_statements_of_another_borrower_or_unbalanced_are_refused(
    server: Server, demo_uscc: str, tmp_path: Path
) -> None:
    with server.client("t_analyst") as client:
        other = statements_csv(server, demo_uscc, demo_uscc, tmp_path)
        refused = client.post(
            f"/api/v1/borrowers/{BORROWER_USCC}/statements", files={"file": ("other.csv", other)}
        )
        assert refused.status_code == 422
        problem = refused.json()["errors"][0]
        assert problem["field"] == "borrower_uscc" and problem["source"] == "other.csv"
        unbalanced = statements_csv(server, demo_uscc, BORROWER_USCC, tmp_path, total_assets="1")
        refused = client.post(
            f"/api/v1/borrowers/{BORROWER_USCC}/statements", files={"file": ("bad.csv", unbalanced)}
        )
        assert refused.status_code == 422 and "bad.csv" in refused.json()["detail"]
        wrong_kind = client.post(f"/api/v1/borrowers/{BORROWER_USCC}/statements", files={"file": ("x.exe", b"MZ")})
        assert wrong_kind.status_code == 422


def test_excel_template(server: Server) -> None:
    with server.client("t_analyst") as client:
        response = client.get(
            f"/api/v1/borrowers/{BORROWER_USCC}/statements/template", params={"years": "2024,2025"}
        )
        assert response.status_code == 200 and response.content[:2] == b"PK"
        assert "attachment" in response.headers["content-disposition"]


def test_rate_a_borrower_and_see_its_history(server: Server, demo_uscc: str) -> None:
    with server.client("t_analyst") as client:
        rated = client.post(f"/api/v1/borrowers/{demo_uscc}/ratings", json={})
        assert rated.status_code == 200, rated.text
        body = rated.json()
        assert body["model_id"] == "expert_compute" and 0 < body["final_pd"] < 1
        history = client.get(f"/api/v1/borrowers/{demo_uscc}/ratings").json()
        assert history[-1]["grade"] == body["grade"]
        page = client.get(f"/borrowers/{demo_uscc}")
        assert body["final_grade"] in page.text and 'id="ratings"' in page.text
        overridden = client.post(
            f"/api/v1/borrowers/{demo_uscc}/ratings", json={"override_grade": "B", "override_reason": "short"}
        )
        assert overridden.status_code == 422  # an override needs a real reason
    with server.client("t_approver") as client:
        assert client.post(f"/api/v1/borrowers/{demo_uscc}/ratings", json={}).status_code == 403


def test_override_a_grade_from_the_borrower_page(server: Server, demo_uscc: str) -> None:
    """The page's override form records the chosen grade beside the model's, with its reason; a reason
    too short to explain anything is refused and nothing is stored."""
    from tests.web.support import browser_login

    browser = browser_login(server, "t_analyst")
    assert 'id="override-form"' in browser.get(f"/borrowers/{demo_uscc}").text
    with server.db.transaction() as session:
        count = len(rating_store.list_ratings(session, demo_uscc))
    short = browser.post(
        f"/borrowers/{demo_uscc}/rate",
        data={"override_grade": "B", "override_reason": "short", "csrf_token": csrf_of(browser)},
    )
    assert short.status_code == 422 and "reason" in short.text
    reason = "Parent guarantee from the group not captured by the model"
    done = browser.post(
        f"/borrowers/{demo_uscc}/rate",
        data={"override_grade": "BB", "override_reason": reason, "csrf_token": csrf_of(browser)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    browser.close()
    with server.db.transaction() as session:
        ratings = rating_store.list_ratings(session, demo_uscc)
    assert len(ratings) == count + 1  # the refused override stored nothing
    latest = ratings[-1]
    assert latest.final_grade == "BB" and latest.override is not None and latest.override.reason == reason


def test_queued_writers_hold_no_worker_thread_and_each_rating_is_audited(server: Server, demo_uscc: str) -> None:
    """More writers than the thread pool has threads queue behind a write in progress; a read is answered
    meanwhile, and then every rating is stored with its own audit entry in one unbroken chain."""
    writers = 45  # the pool has 40 threads
    with server.db.transaction() as session:
        ratings_before = len(rating_store.list_ratings(session, demo_uscc))
        seq_before = audit.recent(session, 1)[0].seq

    async def scenario() -> list[httpx.Response]:
        headers = {"Authorization": f"Bearer {server.tokens['t_analyst']}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=60) as client:
            with audit._WRITE_LOCK:  # a long write elsewhere in the process
                queued = [
                    asyncio.create_task(client.post(f"/api/v1/borrowers/{demo_uscc}/ratings", json={}))
                    for _ in range(writers)
                ]
                await asyncio.sleep(1)
                read = await client.get(f"/api/v1/borrowers/{demo_uscc}", timeout=20)
                assert read.status_code == 200
                assert not any(task.done() for task in queued)
            return await asyncio.gather(*queued)

    # its own thread: a browser test's Playwright may keep an event loop running in this one
    with ThreadPoolExecutor(max_workers=1) as runner:
        responses = runner.submit(asyncio.run, scenario()).result()
    assert [r.status_code for r in responses] == [200] * writers
    with server.db.transaction() as session:
        assert len(rating_store.list_ratings(session, demo_uscc)) == ratings_before + writers
        added = [e for e in audit.recent(session, 200) if e.seq > seq_before]
        assert [e.action for e in added] == ["rating.create"] * writers
        assert audit.verify(session).ok
