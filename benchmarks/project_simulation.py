"""Benchmark: Monte Carlo of a 15-year monthly project model.

Runs the Ningxia phase-1 example with 15 operating years (plus 9 months of construction: 189 monthly
periods) for 100,000 paths by default, after one small warm-up run, and prints the wall time, the paths per
second and the headline results. Goal (issue 3): under 3 seconds on a 2-core machine.

    .venv/bin/python benchmarks/project_simulation.py [--paths N] [--seed S] [--workers W] [--example NAME]
"""

from __future__ import annotations

import argparse
import os
import time

from computecredit.projects.engine import make_plan, solve
from computecredit.projects.examples import example_inputs
from computecredit.projects.simulation import simulate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--workers", type=int, default=None, help="threads (default: up to 2)")
    parser.add_argument("--example", default="ningxia_phase1")
    parser.add_argument("--operation-years", type=int, default=15)
    args = parser.parse_args()

    inputs = example_inputs(args.example)
    analysis = inputs.analysis.model_copy(update={"operation_years": args.operation_years})
    inputs = inputs.model_copy(update={"analysis": analysis})
    plan = make_plan(inputs)
    debt = solve(plan).debt
    simulate(plan, debt, paths=1_000, seed=args.seed, workers=args.workers)  # warm-up
    start, cpu_start = time.perf_counter(), time.process_time()
    result = simulate(plan, debt, paths=args.paths, seed=args.seed, workers=args.workers)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(f"example            {args.example} ({plan.months} monthly periods)")
    print(f"paths              {args.paths:,}")
    print(f"cpu cores visible  {os.cpu_count()}")
    print(f"wall time          {seconds:.2f} s")
    print(f"cpu time           {cpu:.2f} s (all threads)")
    print(f"paths per second   {args.paths / seconds:,.0f}")
    print(f"p_default          {result.p_default:.4f}")
    print(f"expected_loss      {result.expected_loss:,.0f} CNY")
    print(f"min_dscr_p05       {result.min_dscr['p05']:.3f}")


if __name__ == "__main__":
    main()
