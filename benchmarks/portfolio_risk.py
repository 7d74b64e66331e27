"""Benchmark: 99.9% VaR of 10,000 obligors in five correlated sectors to ±1% relative standard error.

Runs, in one process: (0) the yardstick, the time NumPy takes to draw 20 million standard normals on this
machine; (1) importance-sampled Monte Carlo (Glasserman–Li factor shift + conditional default sampling)
with ``target_error = 0.01`` on the honest (lumpy-loss) standard error, reported also as a multiple of the
yardstick (targets: ≤ 10× for 10,000 obligors, ≤ 60× for 100,000); (2) plain Monte Carlo with a fixed number
of scenarios, whose time to reach the same precision is extrapolated by the 1/√N law (time × (error / 1%)²),
because running it to 1% would take minutes (``--plain-simulations 0`` skips it); (3) CreditRisk+ on the same
book, one sector per obligor and with per-obligor sector weights plus an idiosyncratic share (target for
100,000 obligors: < 5 s); (4) Pykhtin's analytic multi-factor VaR.

    .venv/bin/python benchmarks/portfolio_risk.py [--obligors 10000] [--plain-simulations 100000] [--workers 2]
    .venv/bin/python benchmarks/portfolio_risk.py --obligors 100000 --plain-simulations 0
    .venv/bin/python benchmarks/portfolio_risk.py --backend cupy    # the GPU path (CuPy and a GPU needed)
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from computecredit.portfolio.creditriskplus import creditriskplus_loss
from computecredit.portfolio.inputs import FactorModel
from computecredit.portfolio.mc import CopulaModel, mc_loss
from computecredit.portfolio.pykhtin import multi_factor_loss

SECTORS = ("servers", "chips", "idc", "compute_leasing", "cloud")


def synthetic_book(obligors: int, seed: int = 2025) -> tuple[np.ndarray, np.ndarray, np.ndarray, FactorModel]:
    """Exposures (lognormal, 元), PDs (log-uniform 0.2%–5%), sector of each obligor, and a 5-sector model."""
    rng = np.random.default_rng(seed)
    sector = rng.integers(0, len(SECTORS), obligors)
    pd = np.exp(rng.uniform(np.log(0.002), np.log(0.05), obligors))
    exposure = rng.lognormal(np.log(5e6), 1.0, obligors) * rng.uniform(0.3, 0.6, obligors)
    correlation = np.array(
        [
            [1.00, 0.60, 0.55, 0.50, 0.45],
            [0.60, 1.00, 0.45, 0.40, 0.40],
            [0.55, 0.45, 1.00, 0.70, 0.50],
            [0.50, 0.40, 0.70, 1.00, 0.55],
            [0.45, 0.40, 0.50, 0.55, 1.00],
        ]
    )
    model = FactorModel(
        SECTORS, np.array([0.20, 0.24, 0.22, 0.26, 0.18]), np.array([0.75, 0.7, 0.9, 1.0, 0.6]), correlation
    )
    return exposure, pd, sector, model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--obligors", type=int, default=10_000)
    parser.add_argument("--plain-simulations", type=int, default=100_000)
    parser.add_argument("--target-error", type=float, default=0.01)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--backend", default="auto", help="auto | numpy | cupy (the array library of mc)")
    args = parser.parse_args()

    exposure, pd, sector, factors = synthetic_book(args.obligors)
    print(f"book: {args.obligors} obligors, {len(SECTORS)} correlated sectors, EL {exposure @ pd:,.0f}")
    print(f"machine: {os.cpu_count()} cores, {args.workers} worker threads, backend {args.backend}")

    rng = np.random.default_rng(0)
    start = time.perf_counter()
    rng.standard_normal(20_000_000)
    yardstick = time.perf_counter() - start
    print(f"yardstick: NumPy draws 20 million normals in {yardstick:.3f} s")

    model = CopulaModel.build(exposure, pd, sector, factors.loadings(), factors.rho)
    # a short untimed run first: on a GPU the first call compiles kernels and sets up the BLAS handle
    mc_loss(
        model, 0.999, simulations=2000, seed=0, workers=args.workers, contributions=False, backend=args.backend
    )

    start = time.perf_counter()
    shifted = mc_loss(
        model,
        0.999,
        target_error=args.target_error,
        seed=args.seed,
        workers=args.workers,
        contributions=False,
        backend=args.backend,
    )
    is_time = time.perf_counter() - start
    is_error = shifted.var_std_error / shifted.var
    print(
        f"importance sampling: VaR99.9 {shifted.var:,.0f} ± {shifted.var_std_error:,.0f} ({is_error:.2%}), "
        f"{shifted.simulations} scenarios (+ {shifted.details['pilot_simulations']} pilot), {is_time:.2f} s "
        f"on {shifted.details['backend']} = {is_time / yardstick:.1f}× the yardstick"
    )

    if args.plain_simulations > 0:
        _plain(model, args, is_time)

    start = time.perf_counter()
    crp = creditriskplus_loss(exposure, pd, sector, factors.volatility, factors.correlation, 0.999)
    crp_time = time.perf_counter() - start
    print(
        f"CreditRisk+: VaR99.9 {crp.var:,.0f}, ES {crp.es:,.0f}, {crp.details['grid_points']} grid points, {crp_time:.3f} s"
    )
    # Each obligor split over its own sector (60–100%) and one other, the rest idiosyncratic.
    weights = np.zeros((args.obligors, len(SECTORS)))
    split = np.random.default_rng(7).uniform(0.6, 1.0, args.obligors)
    weights[np.arange(args.obligors), sector] = split * 0.8
    weights[np.arange(args.obligors), (sector + 1) % len(SECTORS)] = (1.0 - split) * 0.8
    start = time.perf_counter()
    weighted = creditriskplus_loss(
        exposure, pd, sector, factors.volatility, np.eye(len(SECTORS)), 0.999, sector_weights=weights
    )
    weighted_time = time.perf_counter() - start
    print(
        f"CreditRisk+ with per-obligor sector weights (20% idiosyncratic, independent sectors): VaR99.9 "
        f"{weighted.var:,.0f}, ES {weighted.es:,.0f}, {weighted.details['grid_points']} grid points, "
        f"{weighted_time:.3f} s"
    )
    start = time.perf_counter()
    analytic = multi_factor_loss(exposure, pd, sector, factors.rho, factors.loadings(), 0.999)
    print(
        f"Pykhtin multi-factor adjustment: VaR99.9 {analytic.var:,.0f} (MC {shifted.var:,.0f}), "
        f"{time.perf_counter() - start:.3f} s"
    )


def _plain(model: CopulaModel, args: argparse.Namespace, is_time: float) -> None:
    start = time.perf_counter()
    plain = mc_loss(
        model,
        0.999,
        simulations=args.plain_simulations,
        seed=args.seed,
        workers=args.workers,
        contributions=False,
        importance_sampling=False,
        backend=args.backend,
    )
    plain_time = time.perf_counter() - start
    plain_error = plain.var_std_error / plain.var
    plain_needed = plain_time * (plain_error / args.target_error) ** 2
    print(
        f"plain Monte Carlo: VaR99.9 {plain.var:,.0f} ± {plain.var_std_error:,.0f} ({plain_error:.2%}), "
        f"{plain.simulations} scenarios, {plain_time:.2f} s → {plain_needed:.1f} s for {args.target_error:.0%}"
    )
    print(f"speed-up at equal precision: {plain_needed / is_time:.0f}×")


if __name__ == "__main__":
    main()
