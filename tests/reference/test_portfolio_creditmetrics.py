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


def test_a_matrix_of_equal_correlations_reproduces_the_one_factor_joint_table(inputs) -> None:
    """The same two bonds with ρ = 0.30 given as an asset correlation matrix: exact enumeration by
    bivariate-normal rectangles and the reported pair table give Table 3.2's figures."""
    instruments, transitions, curves, recovery = inputs
    matrix = pd.DataFrame(
        {"obligor_id": ["OBLIGOR-1", "OBLIGOR-2"], "OBLIGOR-1": [1.0, 0.3], "OBLIGOR-2": [0.3, 1.0]}
    )
    by_matrix = migration_risk(instruments, transitions, curves, recovery, confidence=0.99, correlation=matrix)
    one_factor = migration_risk(instruments, transitions, curves, recovery, 0.3, 0.99)
    assert by_matrix.method == "exact" and by_matrix.details["dependence"] == "matrix"
    assert by_matrix.mean_value == pytest.approx(one_factor.mean_value, abs=1e-6)
    assert by_matrix.std_value == pytest.approx(one_factor.std_value, rel=1e-5)
    assert by_matrix.value_quantile == pytest.approx(one_factor.value_quantile, abs=1e-9)
    pair = by_matrix.details["joint_migration"][0]
    table = np.array(pair["probabilities"])  # best first: row BBB = 3, columns AAA, AA, A, BBB = 0..3
    assert pair["obligors"] == ["OBLIGOR-1", "OBLIGOR-2"] and pair["states"][3] == "BBB"
    assert 100 * table[3, :4] == pytest.approx([0.06, 1.81, 79.69, 4.55], abs=0.006)
    assert table.sum() == pytest.approx(1.0, abs=1e-9)
    assert np.array(one_factor.details["joint_migration"][0]["probabilities"]) == pytest.approx(table, abs=1e-7)


def test_three_obligors_with_two_factor_loadings_exact_against_simulation(inputs) -> None:
    """A third (BB) bond and two factors: enumeration by trivariate-normal rectangles agrees with the
    simulation of the same model, and each pair table is the marginal of the joint distribution."""
    _, transitions, curves, recovery = inputs
    data = Path(__file__).parent / "data"
    instruments = pd.read_csv(data / "creditmetrics_three_obligors.csv")
    loadings = pd.read_csv(data / "creditmetrics_three_loadings.csv")
    mean_recovery = {"senior_unsecured": (recovery["senior_unsecured"][0], 0.0)}  # both use mean recoveries
    args = (instruments, transitions, curves, mean_recovery)
    exact = migration_risk(*args, confidence=0.99, loadings=loadings, method="exact")
    simulated = migration_risk(
        *args, confidence=0.99, loadings=loadings, method="simulation", simulations=200_000, seed=5
    )
    assert exact.details["dependence"] == "loadings"
    assert simulated.mean_value == pytest.approx(exact.mean_value, abs=4 * exact.std_value / np.sqrt(200_000))
    assert simulated.std_value == pytest.approx(exact.std_value, rel=0.03)
    assert simulated.value_quantile == pytest.approx(exact.value_quantile, abs=1.0)
    pairs = {tuple(p["obligors"]): p for p in exact.details["joint_migration"]}
    assert len(pairs) == 3
    assert pairs[("OBLIGOR-1", "OBLIGOR-3")]["asset_correlation"] == pytest.approx(0.5 * 0.2 + 0.3 * 0.6)
    _, thresholds, values, _ = obligor_state_values(
        instruments_from_frame(instruments), transitions, curves, recovery
    )
    from computecredit.portfolio.migration import asset_dependence, exact_value_distribution_correlated

    dependence = asset_dependence(["OBLIGOR-1", "OBLIGOR-2", "OBLIGOR-3"], loadings=loadings)
    _, joint = exact_value_distribution_correlated(thresholds, values, dependence.matrix)
    marginal = joint.reshape(8, 8, 8).sum(axis=1)[::-1, ::-1]  # obligors 1 and 3, best first
    assert marginal == pytest.approx(np.array(pairs[("OBLIGOR-1", "OBLIGOR-3")]["probabilities"]), abs=2e-6)


def test_loadings_must_leave_an_idiosyncratic_share(inputs) -> None:
    from computecredit.errors import InputError

    instruments, transitions, curves, recovery = inputs
    loadings = pd.DataFrame({"obligor_id": ["OBLIGOR-1", "OBLIGOR-2"], "f": [0.9, 0.5], "g": [0.5, 0.0]})
    with pytest.raises(InputError, match="Σ loading² must be < 1"):
        migration_risk(instruments, transitions, curves, recovery, loadings=loadings)
