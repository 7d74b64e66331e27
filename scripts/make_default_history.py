"""Generate the demo bank's default history, ``examples/demo_bank/default_history.csv`` (fictional, seeded).

A made-up record of 朔方银行's compute-chain lending: one row per borrower and fiscal year 2016–2024, the
financial ratios the bank computed from that year's statements, a few categorical fields, and whether the
borrower defaulted within the next 12 months. No real company or default is meant; the point is a data set
with a known truth on which the PD models can be measured (``benchmarks/rating_models.py --datasets demo``).

Run: ``.venv/bin/python scripts/make_default_history.py [--out PATH]`` (writes the file; commit it). The
same seed gives the same file; each borrower has its own random stream, so the first *k* borrowers of
:func:`make_history` are the same for any ``borrowers >= k``.

How the borrowers and their statements are made
-----------------------------------------------
- Borrowers join the book in a year from 2016 to 2024 (more in later years: the book grew with the AI
  boom); each year a client leaves with 8 % probability; a borrower that defaults leaves after that year.
- Segment (book shares in :data:`SEGMENT_SHARES`), province (its hub follows; Hubei, Shaanxi and Qinghai lie
  outside the eight 东数西算 hubs), ownership and size (first-year revenue, log-normal around 1.5亿) are drawn;
  listed and state-owned firms and private ones above 1亿 revenue are audited, smaller private ones with
  probability 0.4.
- Each borrower's economics are its segment's profile from ``scripts/make_demo_bank.py`` with every field
  scaled by a random factor (:func:`random_profile`); the statements come from that script's
  ``generate``, so they balance, driven by a financial-health value per year
  ``h[t] = quality + 0.6 (h[t-1] - quality) + TECH_CYCLE[t] + N(0, 0.45)`` with
  ``quality ~ N(0, 0.5)`` (see ``generate`` for what health does to revenue, margins, collection and equity).
- Ratios are :func:`computecredit.rating.ratios.compute_ratios` on each year with the year before.

Missing values, as a bank's files have them: a ratio is blank where the platform leaves it undefined (no
interest-bearing debt, negative equity, ...); unaudited small firms hand in no cash-flow statement in 40 % of
years (cash-flow and EBITDA ratios blank); a borrower's first year on the book has no prior-year statement in
35 % of cases (growth ratios blank).

The truth: default within 12 months of the fiscal year end
----------------------------------------------------------
``defaulted ~ Bernoulli(1 / (1 + exp(-z)))``, computed from the firm's full statements (before any values
were blanked), where ``z`` is the sum of

- ``-4.7``, the base;
- segment (:data:`SEGMENT_EFFECT`): compute leasing and cloud +0.7, AI software +0.3, data centres +0.2,
  servers +0.1, chip design 0, chip manufacturing -0.1, equipment leasing -0.2;
- ownership: state -0.6, listed -0.3, private 0 (support from owners and the market);
- the technology/credit cycle of the year the default would fall in: ``-0.8 TECH_CYCLE[t + 1]``
  (not visible in year ``t``'s statements);
- leverage (debt to assets ``L``), with thresholds: ``+6 max(0, L - T)`` and ``+0.8`` if ``L > T + 0.15``,
  with ``T = 0.70`` (0.90 for equipment lessors, whose profile leverage is 0.84: a leasing book runs on debt);
- interest coverage ``C`` (EBIT / interest): ``+1.3`` if ``C < 1``, ``+0.6`` if ``1 <= C < 2``, 0 otherwise
  or without interest;
- ``+0.6`` if the operating cash flow is negative;
- revenue growth ``g``: ``+2 max(0, -g)`` and ``+0.4`` if ``g < -0.2``;
- interaction, leverage x shrinking revenue: ``+4 max(0, L - 0.6) x max(0, -g) / 0.1`` (debt that was
  affordable on growing revenue is not on falling revenue);
- size: ``-0.2 ln(revenue / 1亿)``, clipped to [-0.6, 0.6] (small firms are more fragile);
- unobserved: a borrower frailty ``N(0, 0.5)`` (governance, related-party dealings, guarantee chains) and
  ``-0.8`` times next year's health shock (what happens after the statements).

The base was set once so the overall default rate lands between 3 % and 5 %; nothing else was fitted.
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path

import pandas as pd
from make_demo_bank import PROFILES, Profile, Spec, generate

from computecredit.domain.borrowers import ChainSegment, Province, hub_of
from computecredit.domain.statements import ITEMS, StatementKind, complete_values
from computecredit.rating.ratios import compute_ratios

SEED = 20250301
BORROWERS = 1700
OUT = Path(__file__).resolve().parents[1] / "examples" / "demo_bank" / "default_history.csv"
FIRST_YEAR, LAST_YEAR = 2016, 2024

# Industry conditions in health units (negative: a bad year for the compute chain), fictionalised from the
# cycle's broad shape: the 2018–19 private-firm credit squeeze and first export controls, the 2021 boom, the
# 2022–23 chip export controls and mining/cloud slump, the 2024 AI build-out, 2025 compute-leasing oversupply.
TECH_CYCLE = {
    2014: 0.0,
    2015: 0.0,
    2016: 0.1,
    2017: 0.2,
    2018: -0.2,
    2019: -0.4,
    2020: 0.0,
    2021: 0.3,
    2022: -0.3,
    2023: -0.5,
    2024: 0.1,
    2025: -0.3,
}

SEGMENT_SHARES = {
    ChainSegment.CHIP_DESIGN: 0.15,
    ChainSegment.CHIP_MANUFACTURING: 0.10,
    ChainSegment.SERVERS_HARDWARE: 0.20,
    ChainSegment.DATACENTER_OPERATOR: 0.18,
    ChainSegment.COMPUTE_LEASING_CLOUD: 0.17,
    ChainSegment.EQUIPMENT_LEASING: 0.08,
    ChainSegment.AI_SOFTWARE_SERVICES: 0.12,
}
SEGMENT_EFFECT = {
    ChainSegment.CHIP_DESIGN: 0.0,
    ChainSegment.CHIP_MANUFACTURING: -0.1,
    ChainSegment.SERVERS_HARDWARE: 0.1,
    ChainSegment.DATACENTER_OPERATOR: 0.2,
    ChainSegment.COMPUTE_LEASING_CLOUD: 0.7,
    ChainSegment.EQUIPMENT_LEASING: -0.2,
    ChainSegment.AI_SOFTWARE_SERVICES: 0.3,
}
OWNERSHIP_SHARES = {"state": 0.25, "private": 0.60, "listed": 0.15}
OWNERSHIP_EFFECT = {"state": -0.6, "private": 0.0, "listed": -0.3}
# The provinces where the demo bank lends (those with a division code in make_demo_bank).
PROVINCES = (
    Province.BEIJING,
    Province.TIANJIN,
    Province.HEBEI,
    Province.SHANGHAI,
    Province.JIANGSU,
    Province.ZHEJIANG,
    Province.ANHUI,
    Province.GUANGDONG,
    Province.SICHUAN,
    Province.CHONGQING,
    Province.INNER_MONGOLIA,
    Province.GUIZHOU,
    Province.GANSU,
    Province.NINGXIA,
    Province.HUBEI,
    Province.QINGHAI,
    Province.SHAANXI,
)

RATIO_COLUMNS = (
    "debt_to_assets",
    "interest_bearing_debt_to_assets",
    "debt_to_ebitda",
    "interest_coverage",
    "ebitda_interest_coverage",
    "cfo_to_debt",
    "cfo_to_current_liabilities",
    "current_ratio",
    "quick_ratio",
    "cash_to_short_term_debt",
    "gross_margin",
    "operating_margin",
    "net_margin",
    "roa",
    "roe",
    "asset_turnover",
    "receivable_days",
    "inventory_days",
    "revenue_growth",
    "capex_to_revenue",
    "rd_intensity",
)
COLUMNS = (
    "borrower_id",
    "fiscal_year",
    "segment",
    "hub",
    "ownership",
    "audited",
    "revenue_wan",
    *RATIO_COLUMNS,
    "defaulted",
)
CASH_FLOW_LINES = frozenset(code for code, item in ITEMS.items() if item.statement is StatementKind.CASH_FLOW)


def random_profile(segment: ChainSegment, rng: random.Random) -> Profile:
    """The segment's profile with each field scaled by its own factor (leverage target shifted instead)."""
    base = PROFILES[segment]
    scaled = {f.name: getattr(base, f.name) * rng.uniform(0.75, 1.3) for f in fields(base)}
    scaled["growth"] = base.growth * rng.uniform(0.2, 1.0)  # the demo's growth is the boom's; a decade is calmer
    # at most 0.85: generate's equity injection tops equity up to (1 - target - 0.05) of assets
    scaled["liabilities_to_assets"] = min(0.85, max(0.1, base.liabilities_to_assets + rng.uniform(-0.15, 0.1)))
    return replace(base, **scaled)


def default_logit(
    segment: ChainSegment, ownership: str, truth: dict[str, float | None], revenue_wan: float
) -> float:
    """The DGP's ``z`` without its unobserved and cycle terms (see the module docstring)."""
    leverage = truth["debt_to_assets"] or 0.0
    coverage = truth["interest_coverage"]
    growth = truth["revenue_growth"] or 0.0
    threshold = 0.90 if segment is ChainSegment.EQUIPMENT_LEASING else 0.70
    z = -4.7 + SEGMENT_EFFECT[segment] + OWNERSHIP_EFFECT[ownership]
    z += 6 * max(0.0, leverage - threshold) + (0.8 if leverage > threshold + 0.15 else 0.0)
    if coverage is not None:
        z += 1.3 if coverage < 1 else 0.6 if coverage < 2 else 0.0
    z += 0.6 if (truth["cfo_to_current_liabilities"] or 0.0) < 0 else 0.0
    z += 2 * max(0.0, -growth) + (0.4 if growth < -0.2 else 0.0)
    z += 4 * max(0.0, leverage - 0.6) * max(0.0, -growth) / 0.1
    z += min(0.6, max(-0.6, -0.2 * math.log(revenue_wan / 10_000)))
    return z


def borrower_rows(index: int, seed: int = SEED) -> list[dict[str, object]]:
    """The rows of borrower ``index``, from its own random stream."""
    rng = random.Random(f"{seed}:{index}")
    segment = rng.choices(list(SEGMENT_SHARES), weights=list(SEGMENT_SHARES.values()))[0]
    province = rng.choice(PROVINCES)
    hub = hub_of(province)
    ownership = rng.choices(list(OWNERSHIP_SHARES), weights=list(OWNERSHIP_SHARES.values()))[0]
    revenue_wan = min(500_000.0, max(500.0, 15_000 * math.exp(rng.gauss(0, 1.2))))
    audited = ownership != "private" or revenue_wan > 10_000 or rng.random() < 0.4
    years = list(range(FIRST_YEAR, LAST_YEAR + 1))
    first = rng.choices(years, weights=[1.2**i for i in range(len(years))])[0]

    quality, frailty = rng.gauss(0, 0.5), rng.gauss(0, 0.5)
    # Health from two years before the first row (generate's opening-balance year, then the prior year of
    # the first row) to the year after the last row, whose shock moves the default of the last row.
    health: dict[int, float] = {}
    shocks: dict[int, float] = {}
    level = quality
    for year in range(first - 2, LAST_YEAR + 2):
        shocks[year] = rng.gauss(0, 0.45)
        level = quality + 0.6 * (level - quality) + TECH_CYCLE[year] + shocks[year]
        health[year] = level
    spec = Spec(
        f"history-{index}",
        segment,
        province,
        revenue_wan,
        ownership=ownership,
        audited=audited,
        profile=random_profile(segment, rng),
    )
    statements, _ = generate(spec, rng, [health[y] for y in range(first - 2, LAST_YEAR + 1)])

    rows: list[dict[str, object]] = []
    prior: dict[str, Decimal] | None = None
    for year, values in zip(range(first - 1, LAST_YEAR + 1), statements, strict=True):
        current, problems = complete_values(values, "万元")
        if problems:
            raise RuntimeError(f"borrower {index} {year}: {problems}")
        if prior is None:  # the year before the first row: the bank saw it only as the prior year
            prior = current
            continue
        truth = {code: r.value for code, r in compute_ratios(current, prior).items()}
        reported, reported_prior = current, prior
        if not audited and rng.random() < 0.4:
            reported = {k: v for k, v in current.items() if k not in CASH_FLOW_LINES}
        if not rows and rng.random() < 0.35:
            reported_prior = None
        shown = compute_ratios(reported, reported_prior)
        revenue = float(current["operating_revenue"])
        z = default_logit(segment, ownership, truth, revenue) + frailty
        z += -0.8 * TECH_CYCLE[year + 1] - 0.8 * shocks[year + 1]
        defaulted = rng.random() < 1 / (1 + math.exp(-z))
        rows.append(
            {
                "borrower_id": f"B{index:04d}",
                "fiscal_year": year,
                "segment": segment.value,
                "hub": hub.value if hub else "none",
                "ownership": ownership,
                "audited": audited,
                "revenue_wan": round(revenue, 2),
                **{code: _round(shown[code].value) for code in RATIO_COLUMNS},
                "defaulted": int(defaulted),
            }
        )
        prior = current
        if defaulted or rng.random() < 0.08:  # a defaulter leaves the book; others leave now and then
            break
    return rows


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def make_history(borrowers: int = BORROWERS, seed: int = SEED) -> pd.DataFrame:
    """The default history of the first ``borrowers`` fictional borrowers.

    >>> frame = make_history(3)
    >>> list(frame.columns[:4]), set(frame["defaulted"]) <= {0, 1}
    (['borrower_id', 'fiscal_year', 'segment', 'hub'], True)
    """
    rows = [row for index in range(borrowers) for row in borrower_rows(index, seed)]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def main(out: Path = OUT) -> None:
    frame = make_history()
    frame.to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {len(frame)} rows, {frame['defaulted'].mean():.2%} defaulted, to {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="file to write (default: examples/demo_bank)")
    main(parser.parse_args().out)
