"""Rating use cases: train a model file, score a table, write a model card, rate a borrower.

File use cases read tables already loaded by the shell and write their outputs completely or not at all
(to a temporary name, then renamed). :func:`rate_borrower` rates a stored borrower with the compute-chain
expert model and stores the :class:`~computecredit.domain.ratings.RatingRecord` in one transaction.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from computecredit.rating.training import ScoringModel, TrainOptions, load_model, train


def _write_atomically(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def train_model_file(frame: pd.DataFrame, options: TrainOptions, model: str, out: Path) -> ScoringModel:
    """Train a ``model`` kind on ``frame`` and write its JSON to ``out``."""
    fitted = train(frame, options, model)
    _write_atomically(out, fitted.to_json() + "\n")
    return fitted


def score_file(
    model_path: Path, frame: pd.DataFrame, out: Path, reasons: int = 3, source: str | None = None
) -> dict[str, Any]:
    """Score ``frame`` with the model at ``model_path``; write the rows plus score, pd, grade, reasons."""
    model = load_model(model_path)
    result = model.predict(frame, reasons=reasons, source=source)
    scored = pd.concat([frame.reset_index(drop=True), result.to_frame()], axis=1)
    _write_atomically(out, scored.to_csv(index=False, float_format=None))
    grades = pd.Series(result.grade).value_counts()
    return {
        "model": str(model_path),
        "out": str(out),
        "rows": len(scored),
        "mean_pd": float(result.pd.mean()) if len(scored) else None,
        "grades": {g: int(grades[g]) for g in model.master_scale.codes if g in grades},
    }


def model_card_files(
    model_path: Path,
    frame: pd.DataFrame,
    target: str | None = None,
    source: str | None = None,
    baseline: pd.DataFrame | None = None,
    html: Path | None = None,
    card_json: Path | None = None,
) -> dict[str, Any]:
    """Build the model card of a model on a sample; write it as HTML and/or JSON where asked."""
    from computecredit.cli.common import to_jsonable
    from computecredit.reports.model_card import build_model_card, render_html

    model = load_model(model_path)
    card = build_model_card(model, frame, target=target, baseline=baseline, source=source)
    card["model"]["file"] = str(model_path)
    if html:
        _write_atomically(html, render_html(card))
    if card_json:
        _write_atomically(card_json, json.dumps(to_jsonable(card), ensure_ascii=False, indent=1) + "\n")
    return card


__all__ = ["model_card_files", "score_file", "train_model_file"]
