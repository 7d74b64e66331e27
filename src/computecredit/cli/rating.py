"""``computecredit rating``: train PD models, score tables, validate and write model cards.

- ``rating train DATA.csv --target COL [--model additive|scorecard|gbm] [--folds 5] [--group COL]
  [--test-size 0.3] [--compare] [--out MODEL.json] [--json]`` (default ``additive``: the most accurate model
  that is explainable). The saved model is fitted on all rows; performance is estimated by k-fold
  cross-validation (out-of-fold predictions; ``--group`` keeps each firm's rows in one fold); a holdout is
  opt-in with ``--test-size``. ``--compare`` also measures the other kinds on the same folds (or holdout)
  and records their AUC/Gini/KS/Brier in the model, for the model card.
- ``rating score MODEL.json DATA.csv --out SCORED.csv [--reasons 3] [--json]``
- ``rating validate MODEL.json DATA.csv --target COL [--baseline OTHER.csv] [--html CARD.html] [--json]``

Model kinds come from ``rating.training.TRAINERS``: a new kind registered there appears here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from computecredit.cli.common import console, print_json, report_errors
from computecredit.errors import InputError

app = typer.Typer(help="PD models: train, score, validate (model card).", no_args_is_help=True)


def _read_csv(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    try:
        return pd.read_csv(path)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError("file", str(path), f"not a readable CSV file ({exc})", source=str(path)) from None


def _model_kinds() -> list[str]:
    from computecredit.rating.training import TRAINERS

    return list(TRAINERS)


@app.command()
@report_errors
def train(
    data: Path = typer.Argument(..., help="CSV with one row per borrower-period and a 0/1 default flag."),
    target: str = typer.Option(..., "--target", help="Name of the default-flag column."),
    model: str = typer.Option("additive", "--model", help="Model kind: " + " | ".join(_model_kinds())),
    out: Path = typer.Option(Path("model.json"), "--out", help="Where to write the model JSON."),
    exclude: list[str] = typer.Option([], "--exclude", help="Columns that are not features (ids, dates)."),
    test_size: float = typer.Option(
        0.0, "--test-size", help="Share held out of the fit for validation (default 0: fit on all rows)."
    ),
    folds: int = typer.Option(5, "--folds", help="Cross-validation folds for the out-of-fold estimate (0: none)."),
    group: str | None = typer.Option(
        None, "--group", help="Column of firm (or group) ids: all its rows stay in one fold; not a feature."
    ),
    central_tendency: float = typer.Option(None, "--central-tendency", help="Long-run PD to calibrate to."),
    seed: int = typer.Option(42, "--seed"),
    compare: bool = typer.Option(
        False, "--compare", help="Also fit the other model kinds and compare all on the held-out rows."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Train a PD model and write it as portable JSON."""
    from computecredit.rating.training import TrainOptions
    from computecredit.services.rating import train_model_file

    options = TrainOptions(
        target=target,
        exclude=tuple(exclude),
        test_size=test_size,
        folds=folds,
        group=group,
        seed=seed,
        central_tendency=central_tendency,
        source=str(data),
    )
    fitted = train_model_file(_read_csv(data), options, model, out, compare=compare)
    summary = {
        "model": str(out),
        "model_type": fitted.model_type,
        "variables": fitted.variables,
        "metrics": fitted.metrics,
        "fit_seconds": fitted.training.get("fit_seconds"),
        "dropped": fitted.training.get("dropped", {}),
    }
    comparison = fitted.training.get("comparison")
    if comparison:
        summary["comparison"] = comparison
    if as_json:
        print_json(summary)
        return
    from rich.table import Table

    table = Table(title=f"{fitted.model_type} → {out}")
    for col in ("sample", "rows", "defaults", "AUC", "Gini", "KS", "Brier"):
        table.add_column(col)
    for sample in ("train", "out_of_fold", "test"):
        m = fitted.metrics.get(sample)
        if m:
            table.add_row(
                sample,
                str(m["n"]),
                str(m["defaults"]),
                f"{m['auc']:.4f}",
                f"{m['gini']:.4f}",
                f"{m['ks']:.4f}",
                f"{m['brier']:.4f}",
            )
    console.print(table)
    console.print(f"{len(fitted.variables)} variables: {', '.join(fitted.variables)}")
    if comparison:
        _print_comparison(comparison)


def _print_comparison(comparison: dict) -> None:
    from rich.table import Table

    table = Table(title=f"models compared on the {comparison['sample']} rows (n={comparison['rows']})")
    for col in ("model", "explainable", "AUC", "Gini", "KS", "Brier"):
        table.add_column(col)
    for row in comparison["models"]:
        table.add_row(
            row["model"],
            "yes" if row["explainable"] else "no",
            f"{row['auc']:.4f}",
            f"{row['gini']:.4f}",
            f"{row['ks']:.4f}",
            f"{row['brier']:.4f}",
        )
    console.print(table)
    console.print(f"best explainable model: {comparison['best_explainable'] or '—'}")


@app.command()
@report_errors
def score(
    model: Path = typer.Argument(..., help="Model JSON written by `rating train`."),
    data: Path = typer.Argument(..., help="CSV with the model's input columns."),
    out: Path = typer.Option(..., "--out", help="CSV to write: the input rows plus score, pd, grade, reasons."),
    reasons: int = typer.Option(3, "--reasons", help="How many reason codes per row."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Score a table: adds score, pd, grade and the top reason codes to each row."""
    from computecredit.services.rating import score_file

    summary = score_file(model, _read_csv(data), out, reasons=reasons, source=str(data))
    if as_json:
        print_json(summary)
    else:
        console.print(f"scored {summary['rows']} rows → {out}")


@app.command()
@report_errors
def validate(
    model: Path = typer.Argument(..., help="Model JSON."),
    data: Path = typer.Argument(..., help="CSV with inputs and the default flag."),
    target: str = typer.Option(None, "--target", help="Default-flag column (default: the model's target)."),
    baseline: Path = typer.Option(None, "--baseline", help="Earlier sample for PSI (default: none)."),
    html: Path = typer.Option(None, "--html", help="Write the model card as HTML here."),
    card_json: Path = typer.Option(None, "--card-json", help="Write the model card as JSON here."),
    as_json: bool = typer.Option(False, "--json", help="Print the model card as one JSON object."),
) -> None:
    """Validate a model on a sample and write its model card (AUC, KS, calibration by grade, PSI...)."""
    from computecredit.services.rating import model_card_files

    card = model_card_files(
        model,
        _read_csv(data),
        target=target,
        source=str(data),
        baseline=_read_csv(baseline) if baseline else None,
        html=html,
        card_json=card_json,
    )
    if as_json:
        print_json(card)
        return
    d = card["discrimination"]
    console.print(
        f"AUC {d['auc']:.4f}  Gini {d['gini']:.4f}  KS {d['ks']:.4f}  Brier {d['brier']:.4f}  "
        f"(n={d['n']}, defaults={d['defaults']})"
    )
    for path in (html, card_json):
        if path:
            console.print(f"model card → {path}")
