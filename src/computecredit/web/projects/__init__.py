"""智算中心 projects: inputs, cash flows, DSCR, sensitivities, Monte Carlo, collateral LTV, green assessment."""
