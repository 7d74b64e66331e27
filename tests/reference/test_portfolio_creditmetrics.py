"""CreditMetrics worked example: J.P. Morgan, *CreditMetrics — Technical Document* (New York, 2 April 1997).

Inputs transcribed into ``examples/portfolio/migration/`` (transition matrix Table 6.3, one-year forward zero
curves of the chapter-1 example, senior unsecured recovery mean 51.13% / std 25.45%). Figures checked:
- single 5-year 6% BBB bond, face 100: horizon values AAA 109.37 … CCC 83.64, default 51.13; mean 107.09,
  standard deviation 2.99 from credit-quality changes alone and 3.18 adding recovery uncertainty; the 1%
  value percentile 98.10;
- the 3-year 5% A bond's values 106.59, 106.49, 106.30, 105.64, 103.15, 101.39, 88.71, 51.13;
- the joint migration probabilities of the BBB and A bonds with asset correlation 0.30 (BBB stays BBB
  while A goes to AAA/AA/A/BBB: 0.06%, 1.81%, 79.69%, 4.55%) and 79.15% for both unchanged when independent.
The document rounds bond values to cents from rates in hundredths of a percent, so values are compared
within 0.03.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from computecredit.portfolio.migration import (
    bond_values,
    exact_value_distribution,
    instruments_from_frame,
    load_curves,
    load_recovery,
    load_transitions,
    migration_risk,
    obligor_state_values,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "portfolio" / "migration"


@pytest.fixture(scope="module")
def inputs():
    return (
        pd.read_csv(EXAMPLE / "instruments.csv"),
        load_transitions(EXAMPLE / "transitions.csv"),
        load_curves(EXAMPLE / "curves.csv"),
        load_recovery(EXAMPLE / "recovery.yaml"),
    )


def test_horizon_values_of_the_two_bonds(inputs) -> None:
    _, transitions, curves, _ = inputs
    forward = np.array([curves[s] for s in transitions.states[:-1]])
    bbb = bond_values(100, 0.06, 5, forward, 0.5113)
    a = bond_values(100, 0.05, 3, forward, 0.5113)
    assert bbb == pytest.approx([109.37, 109.19, 108.66, 107.55, 102.02, 98.10, 83.64, 51.13], abs=0.03)
    assert a == pytest.approx([106.59, 106.49, 106.30, 105.64, 103.15, 101.39, 88.71, 51.13], abs=0.03)


def test_single_bbb_bond_mean_std_and_percentile(inputs) -> None:
    instruments, transitions, curves, recovery = inputs
    bbb = instruments.iloc[:1]
    without_recovery_std = {"senior_unsecured": (recovery["senior_unsecured"][0], 0.0)}
    result = migration_risk(bbb, transitions, curves, without_recovery_std, confidence=0.99)
    assert result.mean_value == pytest.approx(107.09, abs=0.03)
    assert result.std_value == pytest.approx(2.99, abs=0.005)
    assert result.value_quantile == pytest.approx(98.10, abs=0.03)
    with_recovery_std = migration_risk(bbb, transitions, curves, recovery, confidence=0.99)
    assert with_recovery_std.std_value == pytest.approx(3.18, abs=0.005)


def test_joint_migration_probabilities(inputs) -> None:
    instruments, transitions, curves, recovery = inputs
    _, thresholds, values, _ = obligor_state_values(
        instruments_from_frame(instruments), transitions, curves, recovery
    )
    _, correlated = exact_value_distribution(thresholds, values, 0.30)
    table = correlated.reshape(8, 8)  # worst state first: index 4 = BBB, 5 = A, 6 = AA, 7 = AAA
    assert 100 * table[4, [7, 6, 5, 4]] == pytest.approx([0.06, 1.81, 79.69, 4.55], abs=0.006)
    _, independent = exact_value_distribution(thresholds, values, 0.0)
    assert 100 * independent.reshape(8, 8)[4, 5] == pytest.approx(79.15, abs=0.006)


def test_simulation_agrees_with_enumeration(inputs) -> None:
    instruments, transitions, curves, recovery = inputs
    exact = migration_risk(instruments, transitions, curves, recovery, 0.3, 0.99, method="exact")
    simulated = migration_risk(
        instruments, transitions, curves, recovery, 0.3, 0.99, method="simulation", simulations=100_000, seed=2
    )
    assert simulated.mean_value == pytest.approx(exact.mean_value, abs=4 * exact.std_value / np.sqrt(100_000))
    assert simulated.std_value == pytest.approx(exact.std_value, rel=0.05)
