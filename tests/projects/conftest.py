"""Small project inputs for tests, as plain mappings (copied and changed per test)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

CONSTANT = {
    "name": "constant CFADS",
    "site": {
        "province": "宁夏",
        "hub": "ningxia",
        "it_power_mw": 1.0,
        "pue": 1.0,
        "tariff_cny_per_kwh": 0.5,
        "months_to_commissioning": 3,
    },
    "accelerators": [
        {
            "model": "H100",
            "count": 100,
            "capex_per_card": "100万",
            "spare_share": 0.0,
            "annual_failure_rate": 0.0,
            "server_power_factor": 1.0,
        }
    ],
    "capex": {"contingency_share": 0.0, "equipment_vat_rate": 0.0, "construction_vat_rate": 0.0},
    "revenue": {
        "offtake": [
            {
                "customer": "platform",
                "pd": 0.0,
                "cards": 100,
                "price": 10.0,
                "tenor_months": 240,
                "take_or_pay_share": 1.0,
                "utilization": 1.0,
            }
        ]
    },
    "costs": {"om_share_of_capex": 0.0, "insurance_share_of_capex": 0.0, "annual_escalation": 0.0},
    "tax": {"vat_rate_services": 0.0, "electricity_vat_rate": 0.0, "surtax_share": 0.0, "eit_rate": 0.0},
    "financing": {
        "tranches": [
            {
                "name": "senior",
                "amount": "3000万",
                "tenor_months": 63,
                "grace_months": 3,
                "base_rate": 0.048,
                "repayment": "annuity",
            }
        ],
        "payment_frequency_months": 3,
        "dsra_months": 0,
        "lockup_dscr": 0.0,
        "gearing_cap": 1.0,
    },
    "analysis": {"operation_years": 6},
}

# by hand: 100 cards × 730 h × (10 CNY − 0.7 kW × 0.5 CNY/kWh) a month
MONTHLY_CFADS = 100 * 8760 / 12 * (10.0 - 0.7 * 0.5)


@pytest.fixture
def constant() -> dict[str, Any]:
    """A project whose CFADS is the same every month (no taxes, failures, ramp or escalation)."""
    return copy.deepcopy(CONSTANT)
