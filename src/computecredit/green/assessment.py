"""Green assessment of a data centre: PUE against its hub's rule and GB 40879-2021 grades, energy, CO2,
kgCO2 per PFLOPS-hour, and green-loan eligibility with the rules it rests on.

Each check names its rule and source (``reference/data/pue_rules.yaml``); rules marked ``U`` there were not
verified in the primary text.

>>> result = assess(province="宁夏", hub="ningxia", pue=1.15, annual_facility_kwh=20e6,
...                 green_power_share=0.4, pflops=770.0, utilization=0.7)
>>> result.pue_meets_hub_rule, result.gb40879_grade
(True, 1)
>>> round(result.annual_co2_t)
7708
>>> result.eligible, [c.rule for c in result.checks if not c.passed]
(False, ['green_power_share_min_new_hub'])
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from computecredit.reference import load_yaml
from computecredit.reference.energy import gb40879_grades, grid_factor, pue_rule, rule


@dataclass(frozen=True)
class Check:
    """One rule applied: passed or not, what was compared, and the rule's source."""

    rule: str
    passed: bool
    required_for_green_loan: bool
    detail: str
    citation: str
    verification: str


@dataclass(frozen=True)
class GreenAssessment:
    """Energy, carbon and eligibility of one data centre (energy in kWh/MWh a year, CO2 in tonnes a year)."""

    province: str
    hub: str | None
    pue: float
    pue_limit: float
    pue_meets_hub_rule: bool
    gb40879_grade: int | None  # 1 best; None when above the grade-3 limit
    annual_facility_mwh: float
    annual_it_mwh: float
    grid_factor_kg_per_kwh: float
    grid_factor_year: int
    green_power_share: float
    annual_co2_t: float
    pflops: float
    kg_co2_per_pflops_hour: float  # per installed PFLOPS-hour
    kg_co2_per_delivered_pflops_hour: float | None  # per PFLOPS-hour actually used
    eligible: bool
    checks: list[Check]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def gb40879_grade(pue: float) -> int | None:
    """GB 40879-2021 energy-efficiency grade of a PUE (1 best); ``None`` above the grade-3 limit.

    >>> gb40879_grade(1.18), gb40879_grade(1.3), gb40879_grade(1.45), gb40879_grade(1.6)
    (1, 2, 3, None)
    """
    for grade in gb40879_grades():
        if pue <= grade["pue_max"]:
            return int(grade["grade"])
    return None


def assess(
    *,
    province: str,
    hub: str | None,
    pue: float,
    annual_facility_kwh: float,
    green_power_share: float,
    pflops: float,
    utilization: float | None = None,
    racks: int | None = None,
    new_build: bool = True,
    grid_year: int = 2022,
) -> GreenAssessment:
    """Assess a centre drawing ``annual_facility_kwh`` (IT × PUE) with ``pflops`` installed (dense BF16).

    CO2 = facility energy × (1 − green-power share) × the province's grid factor (MEE/NBS). Green loan:
    PUE within the hub's (or the national) limit, PUE ≤ 1.30 (2025 green data-centre criteria), and for a
    new hub data centre a green-power share above 80% (2024 action plan).
    """
    factor = grid_factor(province, year=grid_year)
    co2_t = annual_facility_kwh * (1.0 - green_power_share) * factor.kg_co2_per_kwh / 1000
    hours = 8760.0
    limit = pue_rule(hub)
    grade = gb40879_grade(pue)
    green_dc = rule("green_data_centre_2025")
    green_power = rule("green_power_share_min_new_hub")
    limit_text = f"PUE {pue:.2f} {'<' if limit.strict else '≤'} {limit.pue_max:.2f} ({limit.scope})"
    checks = [
        Check(
            "hub_pue_limit",
            limit.passes(pue),
            True,
            limit_text,
            limit.citation,
            limit.verification,
        ),
        Check(
            "green_data_centre_pue",
            pue <= green_dc["pue_max"],
            True,
            f"PUE {pue:.2f} ≤ {green_dc['pue_max']:.2f}",
            green_dc["citation"],
            str(green_dc["verification"]),
        ),
        Check(
            "gb_40879_grade",
            grade is not None,
            False,
            f"GB 40879-2021 grade {grade}" if grade else f"PUE {pue:.2f} above the grade-3 limit",
            rule_citation("gb_40879_2021"),
            "grade 2 V; grades 1 and 3 U",
        ),
    ]
    if hub is not None and new_build:
        checks.append(
            Check(
                "green_power_share_min_new_hub",
                green_power_share > green_power["value"],
                True,
                f"green power {green_power_share:.0%} > {green_power['value']:.0%}",
                green_power["citation"],
                str(green_power["verification"]),
            )
        )
    if racks is not None:
        use = utilization if utilization is not None else 0.0
        checks.append(
            Check(
                "national_green_data_centre_scale",
                racks >= green_dc["racks_min"] and use >= green_dc["rack_use_min"],
                False,
                f"{racks} racks (≥ {green_dc['racks_min']}), use {use:.0%} (≥ {green_dc['rack_use_min']:.0%})",
                green_dc["citation"],
                str(green_dc["verification"]),
            )
        )
    installed = pflops * hours
    delivered = installed * utilization if utilization else None
    return GreenAssessment(
        province=province,
        hub=hub,
        pue=pue,
        pue_limit=limit.pue_max,
        pue_meets_hub_rule=limit.passes(pue),
        gb40879_grade=grade,
        annual_facility_mwh=annual_facility_kwh / 1000,
        annual_it_mwh=annual_facility_kwh / pue / 1000,
        grid_factor_kg_per_kwh=factor.kg_co2_per_kwh,
        grid_factor_year=grid_year,
        green_power_share=green_power_share,
        annual_co2_t=co2_t,
        pflops=pflops,
        kg_co2_per_pflops_hour=co2_t * 1000 / installed if installed > 0 else float("nan"),
        kg_co2_per_delivered_pflops_hour=co2_t * 1000 / delivered if delivered else None,
        eligible=all(c.passed for c in checks if c.required_for_green_loan),
        checks=checks,
    )


def rule_citation(source: str) -> str:
    """The citation text of a source key in ``pue_rules.yaml``.

    >>> rule_citation("gb_40879_2021").startswith("GB 40879-2021")
    True
    """
    return str(load_yaml("pue_rules.yaml")["sources"][source])


__all__ = ["Check", "GreenAssessment", "assess", "gb40879_grade", "rule_citation"]
