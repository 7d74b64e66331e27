"""Entry point of the ``computecredit`` command: registers one Typer group per module.

Each group lives in its own module of this package (``db.py``, ``borrower.py``, ``project.py``...);
add a group by importing its ``app`` below.
"""

from __future__ import annotations

import typer

from computecredit import __version__

app = typer.Typer(
    name="computecredit",
    help="Credit origination and credit-risk platform for the AI-compute (算力) industry chain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"computecredit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """computecredit: rate borrowers, model 智算中心 projects, size and price facilities, watch the book."""


# --- command groups (one module each) -------------------------------------------------------------
from computecredit.cli import audit as audit_cli  # noqa: E402
from computecredit.cli import (  # noqa: E402
    borrower,
    capital,
    db,
    demo,
    facility,
    monitor,
    portfolio,
    project,
    rating,
    statements,
)
from computecredit.cli import serve as serve_cli  # noqa: E402

app.add_typer(audit_cli.app, name="audit")
app.add_typer(borrower.app, name="borrower")
app.add_typer(capital.app, name="capital")
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(facility.app, name="facility")
app.add_typer(monitor.app, name="monitor")
app.add_typer(portfolio.app, name="portfolio")
app.add_typer(project.app, name="project")
app.add_typer(rating.app, name="rating")
app.add_typer(statements.app, name="statements")
app.command("serve")(serve_cli.serve)


if __name__ == "__main__":  # pragma: no cover
    app()
