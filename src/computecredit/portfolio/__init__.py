"""Portfolio credit risk of a compute book: loss distributions, risk contributions, concentration, rating
migration, stress tests and expected credit loss. Pure functions on validated inputs and NumPy arrays.

>>> from computecredit.portfolio import Portfolio, portfolio_risk
>>> book = Portfolio.from_records([
...     {"obligor_id": "A", "group_id": "G", "sector": "idc", "region": "宁夏", "ead": 1e8, "pd": 0.02,
...      "lgd": 0.45, "maturity": 3},
...     {"obligor_id": "B", "group_id": "G", "sector": "chips", "region": "上海", "ead": 5e7, "pd": 0.01,
...      "lgd": 0.6, "maturity": 2}])
>>> risk = portfolio_risk(book, "vasicek", rho=0.2)
>>> round(risk.result.expected_loss)
1200000
"""

from computecredit.portfolio.concentration import concentration, gini, hhi, top_share
from computecredit.portfolio.creditriskplus import creditriskplus_loss
from computecredit.portfolio.ecl import EclResult, MacroScenario, expected_credit_loss, load_macro_scenarios
from computecredit.portfolio.inputs import (
    FactorModel,
    Portfolio,
    factor_model_from_mapping,
    load_factor_model,
    load_portfolio_csv,
)
from computecredit.portfolio.mc import CopulaModel, dask_mapper, glasserman_li_shift, local_mapper, mc_loss
from computecredit.portfolio.migration import MigrationResult, migration_risk
from computecredit.portfolio.pykhtin import multi_factor_loss
from computecredit.portfolio.results import LossResult
from computecredit.portfolio.risk import PortfolioRisk, loss_result, portfolio_risk
from computecredit.portfolio.stress import StressOutcome, load_scenarios, run_stress, stressed_parameters
from computecredit.portfolio.vasicek import vasicek_loss

__all__ = [
    "CopulaModel",
    "EclResult",
    "FactorModel",
    "LossResult",
    "MacroScenario",
    "MigrationResult",
    "Portfolio",
    "PortfolioRisk",
    "StressOutcome",
    "concentration",
    "creditriskplus_loss",
    "dask_mapper",
    "expected_credit_loss",
    "factor_model_from_mapping",
    "gini",
    "glasserman_li_shift",
    "hhi",
    "load_factor_model",
    "load_macro_scenarios",
    "load_portfolio_csv",
    "load_scenarios",
    "local_mapper",
    "loss_result",
    "mc_loss",
    "migration_risk",
    "multi_factor_loss",
    "portfolio_risk",
    "run_stress",
    "stressed_parameters",
    "top_share",
    "vasicek_loss",
]
