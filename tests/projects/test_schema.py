"""Bad input is refused with the field path and the rule; good input parses."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from computecredit.errors import InputError
from computecredit.projects import parse_inputs
from computecredit.projects.examples import example_inputs, example_names


def _problem(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        parse_inputs(data)
    return [(p.field, p.rule) for p in caught.value.problems]


@pytest.mark.parametrize("name", example_names())
def test_examples_parse(name: str) -> None:
    inputs = example_inputs(name)
    assert inputs.accelerators and inputs.financing.tranches


def test_negative_count_names_the_field(constant: dict[str, Any]) -> None:
    constant["accelerators"][0]["count"] = -4
    fields = _problem(constant)
    assert fields[0][0] == "accelerators[0].count"
    assert "greater than or equal to 1" in fields[0][1]


def test_utilization_above_one(constant: dict[str, Any]) -> None:
    constant["revenue"]["offtake"][0]["utilization"] = 1.2
    assert _problem(constant)[0][0] == "revenue.offtake[0].utilization"


def test_unknown_accelerator(constant: dict[str, Any]) -> None:
    constant["accelerators"][0]["model"] = "H9000"
    field, rule = _problem(constant)[0]
    assert field == "accelerators[0].model"
    assert rule.startswith("unknown accelerator")


def test_tenor_shorter_than_grace(constant: dict[str, Any]) -> None:
    constant["financing"]["tranches"][0]["tenor_months"] = 3
    constant["financing"]["tranches"][0]["grace_months"] = 6
    problems = dict(_problem(constant))
    assert problems["financing.tranches[0].tenor_months"] == "must exceed grace_months (6)"


def test_unknown_field_is_refused(constant: dict[str, Any]) -> None:
    constant["site"]["pue_target"] = 1.1
    assert _problem(constant)[0][0] == "site.pue_target"


def test_amount_units_and_bad_amounts(constant: dict[str, Any]) -> None:
    assert parse_inputs(constant).financing.tranches[0].amount == 30_000_000
    bad = copy.deepcopy(constant)
    bad["financing"]["tranches"][0]["amount"] = "lots"
    field, rule = _problem(bad)[0]
    assert field == "financing.tranches[0].amount" and "number" in rule


def test_cross_field_rules(constant: dict[str, Any]) -> None:
    constant["site"]["it_power_mw"] = 0.01
    constant["revenue"]["offtake"][0]["cards"] = 500
    constant["financing"]["tranches"][0]["grace_months"] = 1
    fields = {f for f, _ in _problem(constant)}
    assert {"site.it_power_mw", "revenue.offtake[0].cards", "financing.tranches[0].grace_months"} <= fields


def test_correlation_names_are_checked(constant: dict[str, Any]) -> None:
    constant["simulation"] = {"correlations": [{"a": "price_decline", "b": "weather", "rho": 0.2}]}
    assert _problem(constant)[0][0] == "simulation.correlations[0].b"


def test_correlations_must_be_positive_definite(constant: dict[str, Any]) -> None:
    constant["simulation"] = {
        "correlations": [
            {"a": "price_decline", "b": "utilization", "rho": 0.9},
            {"a": "utilization", "b": "tariff", "rho": 0.9},
            {"a": "price_decline", "b": "tariff", "rho": -0.9},
        ]
    }
    field, rule = _problem(constant)[0]
    assert field == "simulation.correlations" and "positive definite" in rule


def test_offtaker_pd_from_its_rating(constant: dict[str, Any]) -> None:
    contract = constant["revenue"]["offtake"][0]
    del contract["pd"]
    contract["rating"] = "AA"
    inputs = parse_inputs(constant)
    assert inputs.revenue.offtake[0].annual_pd == pytest.approx(0.000616)  # master-scale mid-point of AA
    contract["rating"] = "AAA+"
    assert _problem(constant)[0][0] == "revenue.offtake[0].rating"
    del contract["rating"]
    assert _problem(constant)[0][0] == "revenue.offtake[0].pd"
