"""Entry point of the ``computecredit`` command: one Typer group per module, imported only when used.

Each group lives in its own module of this package (``db.py``, ``borrower.py``, ``project.py``...) and
exposes ``app``. The groups are registered in :data:`GROUPS` with their one-line help, so that
``computecredit capital irb`` imports the capital engine alone instead of every engine of the platform
(importing them all takes seconds: SciPy, pandas, LightGBM, the web stack).

>>> from typer.testing import CliRunner
>>> result = CliRunner().invoke(app, ["--help"])
>>> result.exit_code, "portfolio" in result.output
(0, True)
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from computecredit import __version__

# name -> (module, attribute, one-line help). The attribute is a Typer app (a group) or a function (a command).
GROUPS: dict[str, tuple[str, str, str]] = {
    "audit": ("computecredit.cli.audit", "app", "The append-only, hash-chained audit log."),
    "borrower": ("computecredit.cli.borrower", "app", "Borrowers (借款人): import, list, show, export, rate."),
    "branch": ("computecredit.cli.branch", "app", "Branches (分支机构): list, add, book a borrower at one."),
    "capital": (
        "computecredit.cli.capital",
        "app",
        "Regulatory capital: IRB corporate function, risk weights, CCFs.",
    ),
    "db": (
        "computecredit.cli.db",
        "app",
        "Database: migrate the schema, back up and restore (COMPUTECREDIT_DATABASE_URL).",
    ),
    "demo": (
        "computecredit.cli.demo",
        "app",
        "The demo bank: a fictional regional bank and its compute-chain book.",
    ),
    "facility": (
        "computecredit.cli.facility",
        "app",
        "Facilities: working-capital need, structuring, credit memo.",
    ),
    "monitor": (
        "computecredit.cli.monitor",
        "app",
        "Post-loan monitoring (贷后管理): data, early warnings, 五级分类.",
    ),
    "portfolio": ("computecredit.cli.portfolio", "app", "Portfolio credit risk: loss distribution, stress, ECL."),
    "programme": (
        "computecredit.cli.programme",
        "app",
        "Programmes (专项计划): AI-chain programmes, relending quotas, product lines.",
    ),
    "project": (
        "computecredit.cli.project",
        "app",
        "智算中心 projects: cash flows, DSCR, debt sizing, Monte Carlo.",
    ),
    "rating": ("computecredit.cli.rating", "app", "PD models: train, score, validate (model card)."),
    "serve": (
        "computecredit.cli.serve",
        "serve",
        "Serve the workbench and the REST API (--demo loads the demo bank).",
    ),
    "statements": (
        "computecredit.cli.statements",
        "app",
        "Financial statements (财务报表): Excel template, import, export.",
    ),
}


class LazyGroup(TyperGroup):
    """A group whose sub-commands are imported on first use; help lists them from :data:`GROUPS`."""

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(GROUPS))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in GROUPS:
            return super().get_command(ctx, cmd_name)
        if getattr(ctx, "_listing_commands", False):
            # Listing for --help needs only the one-line help: do not import the engine behind it.
            return TyperCommand(cmd_name, help=GROUPS[cmd_name][2], short_help=GROUPS[cmd_name][2])
        return _load(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        ctx._listing_commands = True
        try:
            super().format_help(ctx, formatter)
        finally:
            ctx._listing_commands = False


def _load(name: str) -> Any:
    module_name, attribute, _help = GROUPS[name]
    target: Any = getattr(importlib.import_module(module_name), attribute)
    if isinstance(target, typer.Typer):
        # a group stays a group even when it has a single command (``demo load``)
        command: Any = typer.main.get_group(target)
    else:
        single = typer.Typer()
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


app = typer.Typer(
    cls=LazyGroup,
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


if __name__ == "__main__":  # pragma: no cover
    app()
