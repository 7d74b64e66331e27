"""Model card: what a PD model is, how well it separates and calibrates on a sample, how stable it is.

:func:`build_model_card` returns a JSON-ready dict (model identity and training metadata, AUC/Gini/KS/
Brier, calibration by grade with the binomial test, reliability curve, PSI of the score and of each input
between a baseline and the sample, and for points models each term's bin table with points, counts,
event rates, WoE and IV on the sample plus each interaction's 2-D points table). :func:`render_html` turns
it into one self-contained HTML page with an inline SVG reliability plot, an SVG shape plot (points by
bin) per term, a shaded heat-map table per interaction (each cell also shows its number) and, when the
model was trained with ``--compare``, the table comparing the model kinds on the held-out rows.

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
from computecredit.rating.additive_compare import interaction_tables
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
        card["interactions"] = interaction_tables(model)
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


def shape_svg(name: str, rows: list[dict[str, Any]], width: int = 480, height: int = 240) -> str:
    """An inline SVG step chart of a term's points by bin (bins in table order, equal widths), drawn like
    :func:`reliability_svg`; each step carries its bin label and points as a tooltip.

    >>> svg = shape_svg("x", [{"bin": "(-inf, 0.5)", "points": 20.0}, {"bin": "[0.5, inf)", "points": 0.0}])
    >>> svg.startswith("<svg") and svg.count("<title>")
    2
    """
    pad = 40
    points = [float(r["points"]) for r in rows]
    low, high = min([0.0, *points]), max([0.0, *points])
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(points), 1)

    def y(value: float) -> float:
        return height - pad - (value - low) / span * (height - 2 * pad)

    path = " ".join(
        f"{pad + i * step:.1f},{y(p):.1f} {pad + (i + 1) * step:.1f},{y(p):.1f}" for i, p in enumerate(points)
    )
    hover = "".join(
        f'<rect x="{pad + i * step:.1f}" y="{pad}" width="{step:.1f}" height="{height - 2 * pad}" '
        f'fill="transparent"><title>{html.escape(str(r["bin"]))}: {float(r["points"]):.2f}</title></rect>'
        for i, r in enumerate(rows)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="shape plot {html.escape(name)}" class="shape">'
        f'<rect x="{pad}" y="{pad}" width="{width - 2 * pad}" height="{height - 2 * pad}" fill="none" stroke="#999"/>'
        f'<line x1="{pad}" y1="{y(0.0):.1f}" x2="{width - pad}" y2="{y(0.0):.1f}" stroke="#bbb" stroke-dasharray="4"/>'
        f'<polyline points="{path}" fill="none" stroke="#1f77b4" stroke-width="2"/>{hover}'
        f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle" font-size="12">'
        f"{html.escape(name)} bins 分箱 (table order)</text>"
        f'<text x="12" y="{height / 2}" text-anchor="middle" font-size="12" '
        f'transform="rotate(-90 12 {height / 2})">points 分值</text>'
        f'<text x="{pad - 4}" y="{y(high) + 4:.1f}" font-size="10" text-anchor="end">{high:.1f}</text>'
        f'<text x="{pad - 4}" y="{y(low) + 4:.1f}" font-size="10" text-anchor="end">{low:.1f}</text>'
        "</svg>"
    )


def heat_colour(value: float, low: float, high: float) -> str:
    """Cell shading for a heat-map table: white at the lowest points, blue at the highest.

    >>> heat_colour(0.0, 0.0, 10.0), heat_colour(10.0, 0.0, 10.0)
    ('rgb(255,255,255)', 'rgb(31,119,180)')
    """
    t = (value - low) / (high - low) if high > low else 0.0
    r, g, b = (round(255 + t * (c - 255)) for c in (31, 119, 180))
    return f"rgb({r},{g},{b})"


def _heatmap(table: dict[str, Any]) -> dict[str, Any]:
    values = [v for row in table["points"] for v in row]
    low, high = min(values, default=0.0), max(values, default=0.0)
    cells = [
        [
            (v, heat_colour(v, low, high), "#fff" if high > low and v - low > 0.6 * (high - low) else "#222")
            for v in row
        ]
        for row in table["points"]
    ]
    return {**table, "cells": cells}


def render_html(card: dict[str, Any]) -> str:
    """The model card as one self-contained HTML page (zh/en labels, inline SVG)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    env.filters["num"] = lambda v, digits=4: "—" if v is None else f"{v:.{digits}f}"
    return env.get_template("model_card.html").render(
        card=card,
        reliability_svg=reliability_svg(card["reliability"]),
        shape_svgs={name: shape_svg(name, rows) for name, rows in (card.get("bins") or {}).items()},
        heatmaps=[_heatmap(t) for t in card.get("interactions") or []],
        comparison=(card.get("training") or {}).get("comparison"),
    )


__all__ = ["build_model_card", "heat_colour", "reliability_svg", "render_html", "shape_svg"]
