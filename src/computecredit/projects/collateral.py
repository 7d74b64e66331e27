"""GPU collateral: residual value by chip and age, loan-to-value path, and the haircut to apply.

A GPU is worth what it can still earn. With rental prices falling ``d`` a year (fitted on dated rental
observations, ``reference.gpu_rental``) and a running cost that does not fall (power, a share ``c`` of the
first rental price), the net earnings of month ``m`` of its life are ``max((1 − d)^(m/12) − c, 0)`` times
the first month's rent. Its value at age ``a`` is the present value of the months left of its economic
life; the residual share is that value over the value new. Valuing on rental income ties the collateral to
the same market the project sells into: when rents fall, both the cash flows and the collateral fall.

>>> round(float(residual_share(0, annual_price_decline=0.3)), 6)
1.0
>>> round(float(residual_share(24, annual_price_decline=0.3)), 3)
0.334
>>> round(gpu_residual_value("H100", 24, purchase_price=250_000))
77958
"""

from __future__ import annotations

import numpy as np

from computecredit.projects.model import FloatArray
from computecredit.reference.accelerators import accelerator
from computecredit.reference.gpu_rental import fitted_annual_decline
from computecredit.reference.useful_lives import useful_life_range

GENERATION_LIFE_YEARS = 8.0  # a generation rents for about 8 years from release (A100, 2020, still rents in 2026)
OPERATING_COST_SHARE = 0.12  # power and upkeep as a share of the first month's rent (H20/H100 at hub tariffs)
DISCOUNT_RATE = 0.08


def economic_life_years() -> float:
    """Longest disclosed useful life of GPU servers (CoreWeave, Microsoft, Alphabet: 6 years)."""
    return useful_life_range()[1]


def _value(
    age_months: FloatArray, decline: FloatArray, life_years: float, discount_rate: float, cost_share: float
) -> FloatArray:
    """PV at each age of the remaining net rent, in units of the first month's rent: (..., ages)."""
    life = round(life_years * 12)
    m = np.arange(life + 1, dtype=float)
    decline = np.asarray(decline, dtype=float)[..., None]
    net = np.maximum((1.0 - decline) ** (m / 12) - cost_share, 0.0)
    net[..., -1] = 0.0
    monthly = (1.0 + discount_rate) ** (1 / 12) - 1.0
    discount = (1.0 + monthly) ** -m
    tail = np.cumsum((net * discount)[..., ::-1], axis=-1)[..., ::-1]  # PV at 0 of months >= a
    ages = np.clip(np.asarray(age_months, dtype=float), 0, life).astype(np.int64)
    return (
        np.take_along_axis(tail, np.broadcast_to(ages, (*tail.shape[:-1], ages.shape[-1])), axis=-1)
        / (discount[ages])
    )


def residual_share(
    age_months: float | FloatArray,
    *,
    annual_price_decline: float | FloatArray,
    useful_life_years: float | None = None,
    discount_rate: float = DISCOUNT_RATE,
    operating_cost_share: float = OPERATING_COST_SHARE,
) -> FloatArray:
    """Value at ``age_months`` as a share of value new; broadcasts over ages and declines (paths).

    >>> residual_share(np.array([0, 36, 72, 90]), annual_price_decline=0.2).round(3).tolist()
    [1.0, 0.314, 0.0, 0.0]
    """
    life = useful_life_years or economic_life_years()
    ages = np.atleast_1d(np.asarray(age_months, dtype=float))
    decline = np.asarray(annual_price_decline, dtype=float)
    values = _value(ages, decline, life, discount_rate, operating_cost_share)
    new = _value(np.zeros(1), decline, life, discount_rate, operating_cost_share)
    share = values / np.where(new > 0, new, 1.0)
    return share if (np.ndim(age_months) or np.ndim(annual_price_decline)) else share.reshape(-1)[0]


def remaining_life_years(
    chip: str, purchase_year: int | None = None, *, generation_life_years: float = GENERATION_LIFE_YEARS
) -> float:
    """Economic life left to a card of ``chip`` bought in ``purchase_year``: the useful life (6 years), cut
    short when its generation has fewer than that left of ``generation_life_years`` from the chip's release.

    >>> remaining_life_years("H20", 2025), remaining_life_years("H100", 2025), remaining_life_years("A100", 2025)
    (6.0, 5.0, 3.0)
    """
    life = economic_life_years()
    if purchase_year is None:
        return life
    spent = max(purchase_year - accelerator(chip, field="chip").release_year, 0)
    return float(max(min(life, generation_life_years - spent), 0.5))


def gpu_residual_value(
    chip: str,
    age_months: float | FloatArray,
    *,
    purchase_price: float | None = None,
    purchase_year: int | None = None,
    annual_price_decline: float | None = None,
    useful_life_years: float | None = None,
    discount_rate: float = DISCOUNT_RATE,
    usd_cny: float = 7.2,
) -> float | FloatArray:
    """Value of one ``chip`` card at ``age_months``, in CNY.

    ``purchase_price`` defaults to the catalogue's low price hint (USD × ``usd_cny``); the rental decline
    defaults to the fit on H100 rental observations, the only chip with enough of them. With
    ``purchase_year`` the card's life is cut to what its generation has left (:func:`remaining_life_years`):
    an older generation bought late is worth less sooner.

    >>> gpu_residual_value("H20", 0) == 12000 * 7.2
    True
    >>> later = gpu_residual_value("A100", 12, purchase_price=1.0, purchase_year=2025)
    >>> newer = gpu_residual_value("B200", 12, purchase_price=1.0, purchase_year=2025)
    >>> later < newer
    True
    """
    spec = accelerator(chip, field="chip")
    if useful_life_years is None and purchase_year is not None:
        useful_life_years = remaining_life_years(spec.key, purchase_year)
    price = purchase_price if purchase_price is not None else (spec.price_usd_low or 0.0) * usd_cny
    if price <= 0:
        raise ValueError(f"no catalogue price for {spec.key}: pass purchase_price")
    decline = fitted_annual_decline() if annual_price_decline is None else annual_price_decline
    share = residual_share(
        age_months, annual_price_decline=decline, useful_life_years=useful_life_years, discount_rate=discount_rate
    )
    value = price * share
    return float(value) if np.ndim(value) == 0 else value


def ltv_path(
    loan_balance: FloatArray,
    collateral_cost: float,
    commissioning_month: int,
    *,
    annual_price_decline: float | None = None,
    useful_life_years: float | None = None,
) -> FloatArray:
    """Loan-to-value by month: balance / residual value of GPUs that cost ``collateral_cost`` new.

    Before commissioning the GPUs count at cost; ``inf`` once they are worth nothing and debt remains.

    >>> ltv_path(np.array([100.0, 80.0, 60.0]), 200.0, 1, annual_price_decline=0.3).round(3).tolist()
    [0.5, 0.4, 0.312]
    """
    decline = fitted_annual_decline() if annual_price_decline is None else annual_price_decline
    months = np.arange(loan_balance.size)
    share = residual_share(
        np.maximum(months - commissioning_month, 0),
        annual_price_decline=decline,
        useful_life_years=useful_life_years,
    )
    value = collateral_cost * np.where(months < commissioning_month, 1.0, share)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            value > 0, loan_balance / np.where(value > 0, value, 1.0), np.where(loan_balance > 0, np.inf, 0.0)
        )


def recommended_haircut(
    age_months: float = 0.0,
    *,
    annual_price_decline: float | None = None,
    decline_sd: float = 0.06,
    liquidation_months: int = 6,
    sale_cost_share: float = 0.10,
    z_score: float = 1.645,
    useful_life_years: float | None = None,
) -> float:
    """Haircut on the current GPU value: the loss if the bank must sell after ``liquidation_months`` while
    rents fall at a stressed rate (base decline + ``z_score`` × ``decline_sd``, 95% one-sided), less sale costs.

    >>> round(recommended_haircut(12, annual_price_decline=0.3), 3)
    0.564
    """
    decline = fitted_annual_decline() if annual_price_decline is None else annual_price_decline
    stressed = min(decline + z_score * decline_sd, 0.95)
    life = useful_life_years or economic_life_years()
    now = float(_value(np.array([age_months]), np.array(decline), life, DISCOUNT_RATE, OPERATING_COST_SHARE)[0])
    if now <= 0:
        return 1.0
    # the price level reached at age a is known; stress the path from there on
    level = (1.0 - decline) ** (age_months / 12)
    horizon = life * 12 - age_months
    later = float(
        _value(
            np.array([liquidation_months]),
            np.array(stressed),
            max(horizon, 0) / 12,
            DISCOUNT_RATE,
            OPERATING_COST_SHARE / level,
        )[0]
    )
    kept = (1.0 - sale_cost_share) * later * level / now
    return float(np.clip(1.0 - kept, 0.0, 1.0))


__all__ = [
    "OPERATING_COST_SHARE",
    "economic_life_years",
    "gpu_residual_value",
    "ltv_path",
    "recommended_haircut",
    "remaining_life_years",
    "residual_share",
]
