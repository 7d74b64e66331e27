"""Reference tables of the project engine against the figures in their sources.

Sources: Epoch AI "Data on Machine Learning Hardware" (CC BY 4.0) for dense BF16 throughput and TDP;
MEE/NBS 2022 electricity CO2 factors (announcement of 2024-12-20) — national 0.5366, Qinghai 0.1567,
Yunnan 0.1073 kgCO2/kWh; GB 40879-2021 grade 2 at PUE 1.30; the 东数西算 hub plan (2021) PUE < 1.25 and
the Qingyang cluster PUE ≤ 1.2; hyperscaler filings for server lives (4-6 years).
"""

from __future__ import annotations

import pytest

from computecredit.reference import load_csv
from computecredit.reference.accelerators import accelerator, catalogue
from computecredit.reference.energy import gb40879_grades, grid_factor, pue_rule
from computecredit.reference.gpu_rental import fitted_annual_decline, observations
from computecredit.reference.useful_lives import useful_life_range


def test_dense_bf16_figures() -> None:
    assert accelerator("H100").bf16_dense_tflops == pytest.approx(989.4)  # NVIDIA sparse 1979 / 2
    assert accelerator("A100").bf16_dense_tflops == 312
    assert accelerator("B200").tdp_w == 1000
    assert len(catalogue()) == 16


def test_every_row_names_its_source() -> None:
    for table in (
        "accelerators.csv",
        "grid_co2_factors.csv",
        "hub_electricity_tariffs.csv",
        "gpu_rental_prices.csv",
        "server_useful_lives.csv",
    ):
        frame = load_csv(table)
        assert frame["source"].notna().all() and (frame["source"].str.len() > 5).all(), table


def test_grid_factors_2022() -> None:
    assert grid_factor("全国电力平均").kg_co2_per_kwh == 0.5366
    assert grid_factor("青海").kg_co2_per_kwh == 0.1567
    assert grid_factor("Yunnan").kg_co2_per_kwh == 0.1073


def test_pue_rules() -> None:
    assert [g["pue_max"] for g in gb40879_grades()][1] == 1.30
    assert pue_rule("gansu").pue_max == 1.2 and not pue_rule("gansu").strict
    assert pue_rule("beijing_tianjin_hebei").pue_max == 1.25 and pue_rule("beijing_tianjin_hebei").strict
    assert pue_rule(None).pue_max == 1.5


def test_useful_lives_and_rental_decline() -> None:
    assert useful_life_range() == (4.0, 6.0)
    assert len(observations()) == 18
    assert 0.2 < fitted_annual_decline() < 0.45  # H100: ~8 USD/h (2023 peak) to ~2-3 USD/h (2025-26)
