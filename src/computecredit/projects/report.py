"""HTML report of a project result: key figures, cash-flow table, DSCR chart, tornado, Monte Carlo
histogram, LTV path and green assessment. Charts are inline SVG drawn with matplotlib (no files, no network).

>>> from computecredit import projects
>>> result = projects.evaluate(projects.example_path("ningxia_phase1"), simulations=200, seed=1)
>>> page = html_report(result)
>>> page.startswith("<!DOCTYPE html>"), page.count("<svg") >= 4
(True, True)
"""

from __future__ import annotations

import html
import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from computecredit.money import format_amount
from computecredit.projects.result import ProjectResult

plt.rcParams["svg.fonttype"] = "none"
plt.rcParams["svg.hashsalt"] = "computecredit"  # stable ids: the same result gives the same page


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _dscr_chart(result: ProjectResult) -> str:
    case = result.case
    months = case.debt.payment_months
    dscr = case.dscr
    tested = ~np.isnan(dscr)
    figure, axis = plt.subplots(figsize=(8, 3))
    axis.bar(months[tested], np.minimum(dscr[tested], 5), width=2.0, color="#4477aa")
    axis.axhline(result.inputs.financing.target_min_dscr, color="#cc6677", linestyle="--", label="target")
    axis.axhline(1.0, color="black", linewidth=0.8)
    axis.set_xlabel("month")
    axis.set_ylabel("DSCR (capped at 5)")
    axis.legend()
    return _svg(figure)


def _tornado_chart(result: ProjectResult) -> str:
    bars = [b for b in result.tornado if b["min_dscr_low"] is not None and b["min_dscr_high"] is not None]
    figure, axis = plt.subplots(figsize=(8, 0.45 * len(bars) + 1))
    base = bars[0]["min_dscr_base"] if bars else 0.0
    for i, bar in enumerate(reversed(bars)):
        low, high = bar["min_dscr_low"], bar["min_dscr_high"]
        axis.barh(i, low - base, left=base, color="#cc6677")
        axis.barh(i, high - base, left=base, color="#117733")
    axis.set_yticks(range(len(bars)), [b["driver"] for b in reversed(bars)])
    axis.axvline(base, color="black", linewidth=0.8)
    axis.set_xlabel("min DSCR (red: first change, green: second)")
    return _svg(figure)


def _histogram_chart(result: ProjectResult) -> str:
    simulation = result.simulation
    assert simulation is not None
    edges = np.array(simulation.histogram["edges"])
    counts = np.array(simulation.histogram["counts"])
    figure, axis = plt.subplots(figsize=(8, 3))
    if edges.size:
        axis.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="#4477aa")
    axis.axvline(1.0, color="#cc6677", linestyle="--")
    axis.set_xlabel("min DSCR per path")
    axis.set_ylabel("paths")
    return _svg(figure)


def _ltv_chart(result: ProjectResult) -> str:
    ltv = result.ltv
    months = np.arange(ltv.size)
    shown = np.isfinite(ltv) & (result.case.debt.balance > 0)
    figure, axis = plt.subplots(figsize=(8, 3))
    axis.plot(months[shown], np.minimum(ltv[shown], 5), color="#4477aa")
    axis.axhline(1.0, color="#cc6677", linestyle="--")
    axis.set_xlabel("month")
    axis.set_ylabel("LTV on GPU servers (capped at 5)")
    return _svg(figure)


def _rows(pairs: list[tuple[str, str]]) -> str:
    return "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in pairs)


def _fmt(value: float | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "x":
        return f"{value:.2f}x"
    if kind == "%":
        return f"{value:.1%}"
    return format_amount(value)


def html_report(result: ProjectResult) -> str:
    """A self-contained HTML page."""
    m = result.metrics
    key = [
        ("senior debt", _fmt(m["senior_debt"], "CNY")),
        ("gearing", _fmt(m["gearing"], "%")),
        ("min / average DSCR", f"{_fmt(m['min_dscr'], 'x')} / {_fmt(m['avg_dscr'], 'x')}"),
        ("LLCR / PLCR", f"{_fmt(m['llcr'], 'x')} / {_fmt(m['plcr'], 'x')}"),
        ("project / equity IRR", f"{_fmt(m['project_irr'], '%')} / {_fmt(m['equity_irr'], '%')}"),
        ("NPV", _fmt(m["npv"], "CNY")),
        ("break-even utilisation", _fmt(result.breakeven_utilization, "%")),
        (
            "break-even price (CNY/card-hour)",
            "—" if result.breakeven_price is None else f"{result.breakeven_price:.2f}",
        ),
        ("max debt at target DSCR and gearing cap", _fmt(result.max_debt, "CNY")),
    ]
    annual = result.annual()
    columns = [
        "date",
        "revenue",
        "electricity",
        "fixed_opex",
        "income_tax",
        "cfads",
        "debt_service",
        "dscr",
        "debt_balance",
        "dsra_balance",
        "distributions",
    ]
    head = "".join(f"<th>{c}</th>" for c in columns)
    body = ""
    for row in annual[columns].itertuples(index=False):
        cells = []
        for name, value in zip(columns, row, strict=True):
            if name == "date":
                cells.append(str(value)[:7])
            elif name == "dscr":
                cells.append("—" if not np.isfinite(value) else f"{value:.2f}")
            else:
                cells.append(f"{value / 1e4:,.0f}")
        body += "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
    sections = [
        f"<h1>{html.escape(result.inputs.name)}</h1>",
        f"<p>{html.escape(result.inputs.borrower or '')}</p>",
        "<h2>Key figures</h2><table>" + _rows(key) + "</table>",
        "<h2>Annual cash flows (万元)</h2><table><tr>" + head + "</tr>" + body + "</table>",
        "<h2>DSCR by payment period</h2>" + _dscr_chart(result),
    ]
    if result.tornado:
        sections.append("<h2>Tornado: min DSCR</h2>" + _tornado_chart(result))
    if result.simulation is not None:
        s = result.simulation
        sim = [
            ("paths / seed", f"{s.paths:,} / {s.seed}"),
            ("p_default (loan life)", _fmt(s.p_default, "%")),
            ("annual PD / master-scale grade", f"{s.pd_annual:.3%} / {s.grade}"),
            ("expected loss", _fmt(s.expected_loss, "CNY")),
            ("LGD", _fmt(s.lgd, "%")),
            ("min DSCR p05 / p50", f"{_fmt(s.min_dscr['p05'], 'x')} / {_fmt(s.min_dscr['p50'], 'x')}"),
        ]
        sections.append("<h2>Monte Carlo</h2><table>" + _rows(sim) + "</table>" + _histogram_chart(result))
    c = result.collateral
    sections.append(
        "<h2>GPU collateral</h2><table>"
        + _rows(
            [
                ("collateral cost", _fmt(c["collateral_cost"], "CNY")),
                ("rental price decline used", _fmt(c["annual_price_decline"], "%")),
                ("max LTV over the loan", _fmt(c["max_ltv"], "x")),
                ("recommended haircut", _fmt(c["recommended_haircut"], "%")),
            ]
        )
        + "</table>"
        + _ltv_chart(result)
    )
    g = result.green
    checks = "".join(
        f"<tr><td>{html.escape(k.rule)}</td><td>{'pass' if k.passed else 'fail'}</td>"
        f"<td>{html.escape(k.detail)}</td><td>{html.escape(k.citation)}</td></tr>"
        for k in g.checks
    )
    sections.append(
        "<h2>Green assessment</h2><table>"
        + _rows(
            [
                ("PUE / limit", f"{g.pue:.2f} / {g.pue_limit:.2f}"),
                ("GB 40879-2021 grade", str(g.gb40879_grade or "above grade 3")),
                ("facility energy", f"{g.annual_facility_mwh:,.0f} MWh/year"),
                ("CO2", f"{g.annual_co2_t:,.0f} t/year (grid factor {g.grid_factor_kg_per_kwh} kg/kWh)"),
                ("kgCO2 per PFLOPS-hour", f"{g.kg_co2_per_pflops_hour:.3f}"),
                ("green-loan eligible", "yes" if g.eligible else "no"),
            ]
        )
        + "</table><table><tr><th>rule</th><th>result</th><th>detail</th><th>source</th></tr>"
        + checks
        + "</table>"
    )
    if result.warnings:
        sections.append(
            "<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in result.warnings) + "</ul>"
        )
    style = (
        "body{font-family:sans-serif;max-width:960px;margin:2em auto}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{text-align:left;background:#f4f4f4}"
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(result.inputs.name)}</title><style>{style}</style></head><body>"
        + "".join(sections)
        + "</body></html>"
    )


__all__ = ["html_report"]
