"""CLI: `db upgrade`, `demo load`, `borrower import/list/export`, `statements template/import/export`.

Exit codes: 0 on success, 2 on bad input (message names file, row, field, value, rule), 1 on failure.
`--json` prints exactly one JSON object on stdout.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.services.demo import DEMO_DIR
from computecredit.store.database import Database

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", url)
    return url


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def one_json(text: str) -> dict:  # type: ignore[type-arg]
    payload = json.loads(text)
    assert isinstance(payload, dict)
    return payload


def test_every_group_has_help() -> None:
    for group in ("db", "borrower", "statements", "demo"):
        result = run(group, "--help")
        assert result.exit_code == 0 and "Usage" in result.output


def test_db_upgrade_json(env: str) -> None:
    result = run("db", "upgrade", "--json")
    assert result.exit_code == 0, result.output
    payload = one_json(result.stdout)
    assert payload["from_revision"] is None and payload["revision"]
    assert one_json(run("db", "current", "--json").stdout)["current"] is True


def test_commands_refuse_an_unmigrated_database(env: str) -> None:
    result = run("borrower", "list")
    assert result.exit_code == 1
    assert "computecredit db upgrade" in result.stderr


def test_demo_load_json_then_refuse(env: str) -> None:
    result = run("demo", "load", "--password", "demo-password", "--json")
    assert result.exit_code == 0, result.output
    payload = one_json(result.stdout)
    assert [u["username"] for u in payload["users"]] == [
        "analyst",
        "branch_analyst",
        "branch_approver",
        "approver",
        "risk",
        "admin",
    ]
    branches = {u["username"]: u["branch_code"] for u in payload["users"]}
    assert branches["analyst"] != branches["branch_analyst"] and branches["risk"] == "HO"
    assert all(u["password"] == "demo-password" for u in payload["users"])
    again = run("demo", "load")
    assert again.exit_code == 1 and "already holds data" in again.stderr

    listed = run("borrower", "list", "--json")
    assert listed.exit_code == 0
    assert one_json(listed.stdout)["count"] == 40
    ningxia = one_json(run("borrower", "list", "--hub", "宁夏", "--json").stdout)
    assert ningxia["count"] >= 1 and all(b["hub"] == "ningxia" for b in ningxia["borrowers"])
    assert run("borrower", "list", "--segment", "bakery").exit_code == 2
    human = run("borrower", "list", "--lang", "en")
    assert human.exit_code == 0 and "Borrowers (40)" in human.stdout

    uscc = ningxia["borrowers"][0]["uscc"]
    shown = one_json(run("borrower", "show", uscc, "--json").stdout)
    assert shown["borrower"]["uscc"] == uscc and [s["fiscal_year"] for s in shown["statements"]] == [
        2022,
        2023,
        2024,
    ]
    assert "2024" in run("borrower", "show", uscc.lower()).stdout
    unknown = run("borrower", "show", "91640100MA7X00001X")
    assert unknown.exit_code == 2 and "no borrower" in unknown.stderr


def test_import_list_export_round_trip(env: str, tmp_path: Path) -> None:
    assert run("db", "upgrade").exit_code == 0
    # The demo file books each borrower at a branch (branch_code column): unknown branches are bad input.
    refused = run("borrower", "import", str(DEMO_DIR / "borrowers.csv"), "--json")
    assert refused.exit_code == 2 and "branch_code" in refused.stderr
    for code, level, parent in (("BJ", "branch", "HO"), ("BJ-HD", "sub_branch", "BJ"), ("SZ", "branch", "HO")):
        added = run(
            "branch",
            "add",
            code,
            "--name-zh",
            f"{code}行",
            "--name-en",
            code,
            "--level",
            level,
            "--parent",
            parent,
        )
        assert added.exit_code == 0, added.output
    assert (
        run(
            "branch",
            "add",
            "SZ-NS",
            "--name-zh",
            "南山",
            "--name-en",
            "NS",
            "--level",
            "sub_branch",
            "--parent",
            "HO",
        ).exit_code
        == 2
    )
    assert (
        run(
            "branch",
            "add",
            "SZ-NS",
            "--name-zh",
            "南山",
            "--name-en",
            "NS",
            "--level",
            "sub_branch",
            "--parent",
            "SZ",
        ).exit_code
        == 0
    )
    assert [b["code"] for b in one_json(run("branch", "list", "--json").stdout)["branches"]] == [
        "BJ",
        "BJ-HD",
        "HO",
        "SZ",
        "SZ-NS",
    ]
    result = run("borrower", "import", str(DEMO_DIR / "borrowers.csv"), "--json")
    assert result.exit_code == 0, result.output
    assert one_json(result.stdout)["borrowers_created"] == 40
    result = run("statements", "import", str(DEMO_DIR / "statements.csv"), "--json")
    assert result.exit_code == 0, result.output
    assert one_json(result.stdout)["statements_created"] == 120

    exported = tmp_path / "out.xlsx"
    result = run("statements", "export", str(exported), "--json")
    assert result.exit_code == 0 and one_json(result.stdout)["statements"] == 120
    result = run("statements", "import", str(exported), "--json")
    assert one_json(result.stdout)["statements_updated"] == 120
    borrowers_out = tmp_path / "borrowers.csv"
    assert run("borrower", "export", str(borrowers_out)).exit_code == 0
    with borrowers_out.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == 42  # header, label row, 40 borrowers
    with (DEMO_DIR / "borrowers.csv").open(encoding="utf-8") as handle:
        demo_rows = list(csv.reader(handle))
    booked = {row[0]: row[-1] for row in demo_rows[2:]}
    assert rows[0][-1] == "branch_code" and {row[0]: row[-1] for row in rows[2:]} == booked  # round trip
    # --branch books a file's borrowers without a branch column there; a stored one stays where it is
    plain = tmp_path / "plain.csv"
    with plain.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(row[:-1] for row in demo_rows[:3])
    moved = run("borrower", "import", str(plain), "--branch", "BJ", "--json")
    assert moved.exit_code == 0 and one_json(moved.stdout)["borrowers_updated"] == 1
    kept = run("borrower", "import", str(plain), "--json")
    assert kept.exit_code == 0
    again = tmp_path / "again.csv"
    assert run("borrower", "export", str(again)).exit_code == 0
    with again.open(encoding="utf-8") as handle:
        assert {row[0]: row[-1] for row in list(csv.reader(handle))[2:]}[demo_rows[2][0]] == "BJ"


def test_bad_input_exits_2_naming_file_row_field_value_rule(env: str, tmp_path: Path) -> None:
    assert run("db", "upgrade").exit_code == 0
    with (DEMO_DIR / "borrowers.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:3]
    rows[2]["revenue"] = "many"
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run("borrower", "import", str(bad), "--json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "bad.csv, row 4: field 'revenue' = 'many'" in result.stderr
    assert "must be a number" in result.stderr
    listed = one_json(run("borrower", "list", "--json").stdout)
    assert listed["count"] == 0  # the good row before it was not written either

    missing = run("borrower", "import", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_statements_template(env: str, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    result = run(
        "statements",
        "template",
        str(path),
        "--uscc",
        "91640100MA7X00001X",
        "--year",
        "2023",
        "--year",
        "2024",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert one_json(result.stdout)["years"] == [2023, 2024] and path.exists()
    bad = run("statements", "template", str(path), "--uscc", "91640100MA7X00001Y", "--year", "2024")
    assert bad.exit_code == 2 and "check character" in bad.stderr


def test_postgres_url_is_shown_without_password(monkeypatch: pytest.MonkeyPatch) -> None:
    from computecredit.cli.db import shown_url

    assert "secret" not in shown_url(Database("postgresql+psycopg://u:secret@127.0.0.1:1/x"))
