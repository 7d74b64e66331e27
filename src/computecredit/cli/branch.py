"""``computecredit branch``: the bank's offices (总行 → 分行 → 支行), and where a borrower is booked."""

from __future__ import annotations

import typer
from rich.table import Table

from computecredit.cli.common import console, print_json, report_errors
from computecredit.cli.db import open_database
from computecredit.services import audit
from computecredit.services import branches as service

app = typer.Typer(help="Branches (分支机构): list, add, book a borrower at one.", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print one JSON object.")
ACTOR = typer.Option("cli", "--user", help="Who makes the change (recorded in the audit log).")


@app.command("list")
@report_errors
def list_(as_json: bool = JSON) -> None:
    """Every branch with its level and the office it reports to."""
    db = open_database()
    branches = service.list_branches(db)
    db.dispose()
    if as_json:
        print_json({"branches": [b.model_dump(mode="json") for b in branches]})
        return
    table = Table(title=f"分支机构 Branches ({len(branches)})")
    for header in ("code", "名称", "name", "level 层级", "parent 上级"):
        table.add_column(header)
    for b in branches:
        table.add_row(b.code, b.name_zh, b.name_en, f"{b.level.zh} {b.level.en}", b.parent_code or "—")
    console.print(table)


@app.command()
@report_errors
def add(
    code: str = typer.Argument(..., help="Upper-case code, e.g. BJ or BJ-HD"),
    name_zh: str = typer.Option(..., "--name-zh", help="Chinese name, e.g. 北京分行"),
    name_en: str = typer.Option(..., "--name-en", help="English name, e.g. Beijing Branch"),
    level: str = typer.Option(..., help="branch (分行) or sub_branch (支行)"),
    parent: str = typer.Option("HO", help="The office it reports to: HO for a 分行, a 分行 for a 支行"),
    user: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Add a 分行 under the head office or a 支行 under a 分行."""
    db = open_database()
    document = {"code": code, "name_zh": name_zh, "name_en": name_en, "level": level, "parent_code": parent}
    with audit.write_transaction(db) as session:
        branch = service.add_branch(session, user, document)
    db.dispose()
    if as_json:
        print_json(branch.model_dump(mode="json"))
    else:
        console.print(f"added {branch.code} {branch.name_zh} ({branch.level.zh}) under {branch.parent_code}")


@app.command()
@report_errors
def book(
    uscc: str = typer.Argument(..., help="统一社会信用代码 of a stored borrower"),
    branch: str = typer.Argument(..., help="Code of the branch to book it at"),
    user: str = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Book a borrower at another branch; its facilities, proposals, projects and alerts go with it."""
    db = open_database()
    with audit.write_transaction(db) as session:
        left = service.move_borrower(session, user, uscc, branch.strip().upper())
    db.dispose()
    if as_json:
        print_json({"uscc": uscc, "branch_code": branch.strip().upper(), "previous_branch_code": left})
    else:
        console.print(f"{uscc}: booked at {branch.strip().upper()} (was {left})")
