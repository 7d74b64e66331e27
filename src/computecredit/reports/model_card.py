"""Model card: what a PD model is, how well it separates and calibrates on a sample, how stable it is.

:func:`build_model_card` returns a JSON-ready dict (model identity and training metadata, AUC/Gini/KS/
Brier, calibration by grade with the binomial test, reliability curve, PSI of the score and of each input
between a baseline and the sample, and for points models each term's bin table with points, counts,
event rates, WoE and IV on the sample). :func:`render_html` turns it into one self-contained HTML page
with an inline SVG reliability plot.

>>> import numpy as np, pandas as pd
>>> from computecredit.rating.points import Calibration, NumericBinning, PointsModel, PointsTerm
>>> model = PointsModel(600.0, (PointsTerm(NumericBinning("x", (0.5,)), (20.0, 0.0, 0.0)),),
...                     Calibration(12.0, -0.025), target="bad")
>>> rng = np.random.default_rng(0)
>>> sample = pd.DataFrame({"x": rng.uniform(size=400)})
>>> sample["bad"] = (rng.random(400) < 0.02 + 0.1 * sample["x"]).astype(int)
>>> card = build_model_card(model, sample)
>>> card["discrimination"]["n"], card["bins"]["x"][0]["bin"], "<svg" in render_html(card)
(400, '(-inf, 0.5)', True)
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape

from computecredit.errors import InputError
from computecredit.rating import validation
from computecredit.rating.points import PointsModel, PointsTerm
from computecredit.rating.scorecard import is_categorical
from computecredit.rating.training import ScoringModel, target_flags

TEMPLATES = Path(__file__).parent / "templates"


def build_model_card(
    model: ScoringModel,
    sample: pd.DataFrame,
    target: str | None = None,
    baseline: pd.DataFrame | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The model card as a JSON-ready dict (see the module docstring)."""
    target = target or model.target
    if not target:
        raise InputError("target", None, "name the default-flag column (the model does not record one)")
    y = target_flags(sample, target, source)
    result = model.predict(sample, source=source)
    card: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": {
            "name": model.name,
            "type": model.model_type,
            "target": target,
            "variables": model.variables,
            "master_scale": model.master_scale.name,
            "calibration": model.calibration.to_dict(),
        },
        "training": {k: v for k, v in model.training.items() if k not in ("bins",)},
        "training_metrics": dict(model.metrics),
        "sample": {"source": source, "rows": int(y.size)},
        "discrimination": validation.discrimination(y, result.pd),
        "calibration_by_grade": validation.calibration_by_grade(y, result.pd, model.master_scale),
        "reliability": validation.reliability(y, result.pd),
        "grade_distribution": {
            g: int(n)
            for g, n in pd.Series(result.grade).value_counts().reindex(model.master_scale.codes).dropna().items()
        },
    }
    if baseline is not None:
        base_scores = model.score(baseline)
        card["stability"] = {
            "psi_score": validation.psi(base_scores, result.score),
            "psi_variables": {
                v: (
                    validation.psi_categorical(baseline[v].tolist(), sample[v].tolist())
                    if is_categorical(sample[v]) or is_categorical(baseline[v])
                    else validation.psi(baseline[v], sample[v])
                )
                for v in model.variables
            },
        }
    if isinstance(model, PointsModel):
        card["bins"] = {term.name: _bin_table(term, sample, y) for term in model.terms}
    return card


def _bin_table(term: PointsTerm, sample: pd.DataFrame, y: np.ndarray) -> list[dict[str, Any]]:
    idx = term.binning.index(term.binning.column(sample))
    n = np.bincount(idx, minlength=term.binning.n_bins).astype(float)
    events = np.bincount(idx, weights=y, minlength=term.binning.n_bins)
    non = n - events
    share_e = events / max(events.sum(), 1.0)
    share_n = non / max(non.sum(), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        woe = np.where((events > 0) & (non > 0), np.log(share_n / share_e), np.nan)
    rows = []
    for i, label in enumerate(term.binning.labels()):
        rows.append(
            {
                "bin": label,
                "points": term.points[i],
                "count": int(n[i]),
                "events": int(events[i]),
                "event_rate": float(events[i] / n[i]) if n[i] else None,
                "woe": None if np.isnan(woe[i]) else float(woe[i]),
                "iv": None if np.isnan(woe[i]) else float((share_n[i] - share_e[i]) * woe[i]),
            }
        )
    return rows


def reliability_svg(points: list[dict[str, float]], width: int = 360, height: int = 360) -> str:
    """An inline SVG of observed default rate against mean PD, with the diagonal.

    >>> reliability_svg([{"mean_pd": 0.1, "observed_rate": 0.2, "n": 5}]).startswith("<svg")
    True
    """
    pad = 40
    top = max([0.05] + [max(p["mean_pd"], p["observed_rate"]) for p in points]) * 1.05

    def xy(px: float, py: float) -> tuple[float, float]:
        return pad + px / top * (width - 2 * pad), height - pad - py / top * (height - 2 * pad)

    x0, y0 = xy(0.0, 0.0)
    x1, y1 = xy(top, top)
    dots = "".join(
        f'<circle cx="{xy(p["mean_pd"], p["observed_rate"])[0]:.1f}" cy="{xy(p["mean_pd"], p["observed_rate"])[1]:.1f}" '
        f'r="4" fill="#1f77b4"><title>PD {p["mean_pd"]:.4f} / observed {p["observed_rate"]:.4f} (n={p["n"]})</title></circle>'
        for p in points
    )
    line = " ".join(
        f"{xy(p['mean_pd'], p['observed_rate'])[0]:.1f},{xy(p['mean_pd'], p['observed_rate'])[1]:.1f}"
        for p in points
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="reliability plot">'
        f'<rect x="{pad}" y="{pad}" width="{width - 2 * pad}" height="{height - 2 * pad}" fill="none" stroke="#999"/>'
        f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{x1:.1f}" y2="{y1:.1f}" stroke="#bbb" stroke-dasharray="4"/>'
        f'<polyline points="{line}" fill="none" stroke="#1f77b4"/>{dots}'
        f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle" font-size="12">mean PD (预测违约率)</text>'
        f'<text x="12" y="{height / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 12 {height / 2})">observed default rate (实际违约率)</text>'
        f'<text x="{pad}" y="{height - pad + 14}" font-size="10">0</text>'
        f'<text x="{width - pad}" y="{height - pad + 14}" font-size="10" text-anchor="end">{html.escape(f"{top:.3f}")}</text>'
        "</svg>"
    )


def render_html(card: dict[str, Any]) -> str:
    """The model card as one self-contained HTML page (zh/en labels, inline SVG)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["num"] = lambda v, digits=4: "—" if v is None else f"{v:.{digits}f}"
    return env.get_template("model_card.html").render(
        card=card, reliability_svg=reliability_svg(card["reliability"])
    )


__all__ = ["build_model_card", "reliability_svg", "render_html"]
