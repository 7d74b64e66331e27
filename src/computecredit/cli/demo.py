"""``computecredit demo``: load the demo bank (users, bank, borrowers, statements, facilities, projects)."""

from __future__ import annotations

import typer
from rich.table import Table

from computecredit.cli.common import console, print_json, report_errors
from computecredit.cli.db import open_database, shown_url
from computecredit.services.demo import load_demo_bank

app = typer.Typer(
    help="The demo bank: a fictional regional bank and its compute-chain book.", no_args_is_help=True
)


@app.command()
@report_errors
def load(
    password: str | None = typer.Option(
        None, help="One password for every demo user (default: a random one each, printed once)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Migrate the database and load the demo bank into it; refuses a database that already holds data."""
    db = open_database(migrated=False)
    result = load_demo_bank(db, password=password)
    db.dispose()
    if as_json:
        print_json({"database": shown_url(db), **result})
        return
    console.print(
        f"loaded {result['bank']} ({result['bank_en']}) into {shown_url(db)}: {result['borrowers']} borrowers, "
        f"{result['statements']} statements, {result['facilities']} facilities, {result['exposures']} exposures, "
        f"{len(result['projects'])} projects"
    )
    table = Table(title="demo users — passwords are shown only now / 演示用户（密码仅显示一次）")
    for header in ("username", "role", "branch 机构", "display name", "password", "log in to"):
        table.add_column(header)
    for user in result["users"]:
        table.add_row(
            user["username"],
            user["role"],
            user["branch"],
            user["display_name"],
            user["password"],
            user["log_in_to"],
        )
    console.print(table)
