"""Energy reference data: hub electricity tariffs, provincial grid CO2 factors and PUE rules.

>>> hub_tariff("ningxia").tariff_cny_per_kwh
0.35
>>> grid_factor("宁夏").kg_co2_per_kwh
0.6423
>>> pue_rule("gansu").pue_max
1.2
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from computecredit.errors import InputError
from computecredit.reference import load_csv, load_yaml

TARIFFS = "hub_electricity_tariffs.csv"
GRID_FACTORS = "grid_co2_factors.csv"
PUE_RULES = "pue_rules.yaml"


@dataclass(frozen=True)
class HubTariff:
    """Electricity tariff (CNY/kWh, excl. VAT) assumed for a 东数西算 hub, with its range and source."""

    hub: str
    name_zh: str
    region: str
    provinces: tuple[str, ...]
    tariff_cny_per_kwh: float
    tariff_low: float
    tariff_high: float
    source: str
    verification: str


@dataclass(frozen=True)
class GridFactor:
    """Grid CO2 emission factor (kgCO2/kWh) of a province, region or the nation, for one year."""

    name_zh: str
    name_en: str
    level: str
    year: int
    kg_co2_per_kwh: float
    source: str
    verification: str


@dataclass(frozen=True)
class PueRule:
    """Maximum PUE (``strict``: PUE must be below, else at most) and minimum rack use for a location."""

    scope: str
    pue_max: float
    strict: bool
    rack_use_min: float | None
    source: str
    citation: str
    verification: str

    def passes(self, pue: float) -> bool:
        """Whether ``pue`` meets the rule.

        >>> pue_rule("beijing_tianjin_hebei").passes(1.25)
        False
        """
        return pue < self.pue_max if self.strict else pue <= self.pue_max


def hubs() -> dict[str, HubTariff]:
    """The eight national compute hubs of 东数西算 with their tariffs."""
    return {
        row.hub: HubTariff(
            hub=row.hub,
            name_zh=row.name_zh,
            region=row.region,
            provinces=tuple(row.provinces.split(";")),
            tariff_cny_per_kwh=float(row.tariff_cny_per_kwh),
            tariff_low=float(row.tariff_low),
            tariff_high=float(row.tariff_high),
            source=row.source,
            verification=row.verification,
        )
        for row in load_csv(TARIFFS).itertuples(index=False)
    }


def hub_tariff(hub: str, *, field: str = "site.hub") -> HubTariff:
    """The tariff row of ``hub``; raise :class:`InputError` naming ``field`` if the hub is unknown."""
    table = hubs()
    if hub not in table:
        raise InputError(field, hub, f"unknown hub; known: {', '.join(sorted(table))}")
    return table[hub]


def grid_factor(province: str, *, year: int = 2022, field: str = "site.province") -> GridFactor:
    """Grid CO2 factor of a province (Chinese or English name), a regional grid, or ``全国电力平均``.

    >>> grid_factor("Qinghai").kg_co2_per_kwh
    0.1567
    >>> grid_factor("全国电力平均", year=2021).kg_co2_per_kwh
    0.5568
    """
    if year not in (2021, 2022):
        raise InputError("grid_factor_year", year, "grid factors are bundled for 2021 and 2022")
    for row in load_csv(GRID_FACTORS).itertuples(index=False):
        if province in (row.name_zh, row.name_en):
            value = float(getattr(row, f"ef_{year}_kgCO2_per_kWh"))
            if math.isnan(value):
                break
            return GridFactor(row.name_zh, row.name_en, row.level, year, value, row.source, row.verification)
    raise InputError(field, province, f"no {year} grid CO2 factor for this province in {GRID_FACTORS}")


def _rules() -> dict[str, Any]:
    rules: dict[str, Any] = load_yaml(PUE_RULES)
    return rules


def pue_rule(hub: str | None) -> PueRule:
    """The PUE rule for a hub, or the national rule for a data centre outside the hubs (``None``).

    >>> pue_rule(None).pue_max, pue_rule(None).strict
    (1.5, True)
    """
    rules = _rules()
    entry = rules["hub_pue_max"].get(hub) if hub else None
    scope = hub if (entry and hub) else "outside_hub"
    entry = entry or rules["outside_hub_pue_max"]
    return PueRule(
        scope=scope,
        pue_max=float(entry["pue_max"]),
        strict=bool(entry["strict"]),
        rack_use_min=entry.get("rack_use_min"),
        source=entry["source"],
        citation=rules["sources"][entry["source"]],
        verification=str(entry["verification"]),
    )


def gb40879_grades() -> list[dict[str, Any]]:
    """GB 40879-2021 grades, best first: ``[{"grade": 1, "pue_max": 1.2, ...}, ...]``.

    >>> [g["pue_max"] for g in gb40879_grades()]
    [1.2, 1.3, 1.5]
    """
    return list(_rules()["gb_40879_grades"])


def rule(name: str) -> dict[str, Any]:
    """A named rule of ``pue_rules.yaml`` with its citation (e.g. ``green_data_centre_2025``).

    >>> rule("green_power_share_min_new_hub")["value"]
    0.8
    """
    rules = _rules()
    entry = dict(rules[name])
    entry["citation"] = rules["sources"][entry["source"]]
    return entry


__all__ = [
    "GRID_FACTORS",
    "PUE_RULES",
    "TARIFFS",
    "GridFactor",
    "HubTariff",
    "PueRule",
    "gb40879_grades",
    "grid_factor",
    "hub_tariff",
    "hubs",
    "pue_rule",
    "rule",
]
