"""Concentration of a book by name, group, sector, region and hub: HHI, top-N shares, Gini, limit use.

Amounts are exposures at default (元). Regulatory limits for names and groups are the ones the facilities
engine checks, from ``reference/data/regulatory_parameters.yaml`` (《商业银行大额风险暴露管理办法》 2018 and
the group-client guideline): fractions of tier-1 capital or net capital. Any other limit (a sector or hub
cap, in 元) can be passed in ``limits``.

>>> hhi(np.array([50.0, 50.0])), round(gini(np.array([1.0, 1.0, 1.0, 97.0])), 4)
(0.5, 0.72)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from computecredit import reference
from computecredit.errors import InputError
from computecredit.portfolio.inputs import Portfolio

LIMITS_TABLE = "regulatory_parameters.yaml"
# Which book dimension each regulatory measure applies to, and our names for the capital bases.
MEASURE_DIMENSION = {"loans": "obligor", "exposure": "obligor", "group_exposure": "group", "group_credit": "group"}
BASE_ARGUMENT = {"net_capital": "net_capital", "tier1_net_capital": "tier1_capital"}
DIMENSIONS = ("obligor", "group", "sector", "region", "hub")


def hhi(amounts: np.ndarray) -> float:
    """Herfindahl–Hirschman index: Σ share², from 1/n (equal) to 1 (one name)."""
    total = float(np.sum(amounts))
    return float(np.sum((np.asarray(amounts) / total) ** 2)) if total > 0 else 0.0


def top_share(amounts: np.ndarray, n: int) -> float:
    """Share of the ``n`` largest amounts in the total.

    >>> top_share(np.array([5.0, 3.0, 2.0]), 2)
    0.8
    """
    total = float(np.sum(amounts))
    return float(np.sort(amounts)[::-1][:n].sum() / total) if total > 0 else 0.0


def gini(amounts: np.ndarray) -> float:
    """Gini coefficient of the amounts: 0 when all equal, → 1 when one holds everything."""
    x = np.sort(np.asarray(amounts, dtype=float))
    n = x.size
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    return float(2.0 * np.sum(np.arange(1, n + 1) * x) / (n * total) - (n + 1.0) / n)


def _aggregate(labels: np.ndarray, amounts: np.ndarray) -> dict[str, float]:
    totals: dict[str, float] = {}
    for label, amount in zip(labels, amounts, strict=True):
        totals[str(label)] = totals.get(str(label), 0.0) + float(amount)
    return totals


def regulatory_limits(tier1_capital: float | None, net_capital: float | None) -> dict[str, list[dict[str, Any]]]:
    """Limits in 元 per dimension from the bundled table, for the capital figures given.

    >>> regulatory_limits(1e9, None)["group"]
    [{'name': 'connected_group_exposure', 'amount': 200000000.0, 'fraction': 0.2, 'base': 'tier1_capital'}]
    """
    bases = {"tier1_capital": tier1_capital, "net_capital": net_capital}
    out: dict[str, list[dict[str, Any]]] = {}
    for rule in reference.load_yaml(LIMITS_TABLE)["concentration"]["limits"]:
        dim = MEASURE_DIMENSION.get(rule["measure"])
        base_name = BASE_ARGUMENT.get(rule["base"])
        if dim is None or base_name is None or bases[base_name] is None:
            continue
        amount = float(rule["limit"]) * float(bases[base_name])  # type: ignore[arg-type]
        entry = {"name": rule["key"], "amount": amount, "fraction": rule["limit"], "base": base_name}
        out.setdefault(dim, []).append(entry)
    return out


def concentration(
    portfolio: Portfolio,
    top_n: tuple[int, ...] = (1, 5, 10),
    tier1_capital: float | None = None,
    net_capital: float | None = None,
    limits: Mapping[str, Mapping[str, float]] | None = None,
    largest: int = 10,
) -> dict[str, dict[str, Any]]:
    """Indices per dimension and the largest names with their limit use (exposure / limit, 1.0 = at limit).

    ``limits`` maps a dimension to {label: limit in 元} (e.g. ``{"sector": {"servers": 5e8}}``).
    """
    for value, name in ((tier1_capital, "tier1_capital"), (net_capital, "net_capital")):
        if value is not None and value <= 0:
            raise InputError(name, value, "must be positive")
    for dim in limits or {}:
        if dim not in DIMENSIONS:
            raise InputError(f"limits.{dim}", dim, f"dimension must be one of {', '.join(DIMENSIONS)}")
    regulatory = regulatory_limits(tier1_capital, net_capital)
    labels = {
        "obligor": portfolio.obligor_id,
        "group": portfolio.group_id,
        "sector": portfolio.sector,
        "region": portfolio.region,
        "hub": portfolio.hub,
    }
    total = float(portfolio.ead.sum())
    out: dict[str, dict[str, Any]] = {}
    for dim, values in labels.items():
        totals = _aggregate(values, portfolio.ead)
        amounts = np.array(list(totals.values()))
        ranked = sorted(totals.items(), key=lambda kv: -kv[1])
        own = (limits or {}).get(dim, {})
        rows = []
        for label, amount in ranked[:largest] + [kv for kv in ranked[largest:] if kv[0] in own]:
            row: dict[str, Any] = {"name": label, "ead": amount, "share": amount / total if total > 0 else 0.0}
            uses = {rule["name"]: amount / rule["amount"] for rule in regulatory.get(dim, [])}
            if label in own:
                uses["limit"] = amount / float(own[label])
            if uses:
                row["limit_use"] = uses
                row["breach"] = any(u > 1.0 for u in uses.values())
            rows.append(row)
        out[dim] = {
            "count": len(totals),
            "hhi": hhi(amounts),
            "effective_number": 1.0 / hhi(amounts) if hhi(amounts) > 0 else 0.0,
            "gini": gini(amounts),
            **{f"top_{n}": top_share(amounts, n) for n in top_n},
            "largest": rows,
        }
    return out
