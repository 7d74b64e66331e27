"""Regulatory capital: the IRB corporate risk-weight function and standardised risk weights / CCFs.

IRB corporate function (Basel II ¶272–273; carried unchanged into Basel III CRE31.5 and into
《商业银行资本管理办法》(国家金融监督管理总局令2023年第4号) annex "信用风险内部评级法风险加权资产计量规则"):

    R = 0.12·w + 0.24·(1 − w),  w = (1 − e^(−50·PD)) / (1 − e^(−50))
    b = (0.11852 − 0.05478·ln PD)²
    K = [LGD·N((G(PD) + √R·G(0.999)) / √(1 − R)) − PD·LGD] · (1 + (M − 2.5)·b) / (1 − 1.5·b)
    risk weight = 12.5·K            (no 1.06 scaling factor: it is not part of the function)

SME firm-size adjustment in China's convention: R − 0.04·(1 − (S − 3)/27), where S is the borrower's
annual sales in units of 千万元 (10 million RMB), clamped to [3, 30], i.e. sales between 0.3亿 and 3亿 元;
a corporate with sales above 3亿 gets no adjustment (the term is zero at S = 30). This is the Basel
¶273 adjustment (S in €m, clamped to [5, 50]) re-expressed in RMB by the China rules' IRB annex; the
SME exposure class under IRB is "annual sales ≤ 3亿元". See ``reference/data/regulatory_parameters.yaml``
for the sources we checked and what is still unverified.

PD floor: the function is evaluated at max(PD, 0.05%), the corporate floor of the 2023 rules' IRB annex
(Basel III CRE32.4; Basel II ¶285 had 0.03%). Every capital figure in computecredit (facility proposals,
pricing, portfolio stress) goes through :func:`irb_terms`, so they all apply the same floor.

>>> r = irb_capital(pd=0.01, lgd=0.45, maturity=2.5)
>>> round(r.k, 6), round(r.risk_weight, 4)
(0.073853, 0.9232)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import overload

import numpy as np
from scipy.special import ndtr, ndtri

from computecredit.errors import InputError
from computecredit.reference import load_csv, load_yaml, version

PARAMETERS_TABLE = "regulatory_parameters.yaml"
RISK_WEIGHTS_TABLE = "risk_weights_cn2023.csv"
CCF_TABLE = "ccf_cn2023.csv"
_G_999 = float(ndtri(0.999))


@dataclass(frozen=True)
class IRBResult:
    """Capital per unit of EAD under the IRB corporate function, with its intermediate terms.

    ``pd`` is the PD the function used: ``max(pd_estimate, pd_floor)``."""

    pd: float
    pd_estimate: float
    pd_floor: float
    lgd: float
    maturity: float
    sales: float | None
    correlation: float
    sme_adjustment: float
    maturity_adjustment: float
    k: float
    risk_weight: float
    source: str
    pd_floor_source: str


@dataclass(frozen=True)
class IRBTerms:
    """The IRB corporate function's terms for arrays of exposures (one entry each)."""

    pd: np.ndarray
    correlation: np.ndarray
    maturity_adjustment: np.ndarray
    k: np.ndarray


def _irb_parameters() -> dict:
    return load_yaml(PARAMETERS_TABLE)["irb_corporate"]


def corporate_pd_floor() -> float:
    """The regulatory PD floor for corporate exposures of the rules in force (0.05%, 2023 rules 附件5).

    >>> corporate_pd_floor()
    0.0005
    """
    return float(_irb_parameters()["pd_floor"]["corporate"])


def _check_floor(pd_floor: float | None) -> float:
    floor = corporate_pd_floor() if pd_floor is None else float(pd_floor)
    if not 0.0 < floor < 1.0:
        raise InputError("pd_floor", pd_floor, "must lie strictly between 0 and 1 (a fraction, not %)")
    return floor


def floored_pd(pd: float | np.ndarray, pd_floor: float | None = None) -> np.ndarray:
    """The PD that enters the capital function: max(PD, floor); the corporate floor unless one is given.

    >>> floored_pd(np.array([0.0001, 0.02])).tolist()
    [0.0005, 0.02]
    >>> float(floored_pd(0.0001, pd_floor=0.0003))
    0.0003
    """
    return np.maximum(np.asarray(pd, dtype=float), _check_floor(pd_floor))


def _maturity_adjustment(pd: np.ndarray) -> np.ndarray:
    """b = (0.11852 − 0.05478·ln PD)² (Basel II ¶272)."""
    return (0.11852 - 0.05478 * np.log(pd)) ** 2


def irb_terms(
    pd: float | np.ndarray,
    lgd: float | np.ndarray,
    maturity: float | np.ndarray,
    sme_adjustment: float | np.ndarray = 0.0,
    pd_floor: float | None = None,
) -> IRBTerms:
    """The IRB corporate function on arrays: PD floored, R, b and K per unit of EAD (K ≥ 0).

    The one implementation of the function in computecredit: :func:`irb_capital` (one exposure, validated,
    with the SME adjustment from sales) and the portfolio engines (whole books) call it. ``maturity`` is the
    effective maturity (see :func:`effective_maturity`). A defaulted exposure (PD = 1) gets K = 0: its
    unexpected loss is LGD − best-estimate EL, which the book does not carry.

    >>> t = irb_terms(np.array([0.0001, 0.01, 1.0]), 0.45, 2.5)
    >>> t.pd.tolist(), (12.5 * t.k).round(4).tolist()
    ([0.0005, 0.01, 1.0], [0.1965, 0.9232, 0.0])
    """
    pd = floored_pd(pd, pd_floor)
    lgd = np.asarray(lgd, dtype=float)
    maturity = np.asarray(maturity, dtype=float)
    weight = (1.0 - np.exp(-50.0 * pd)) / (1.0 - math.exp(-50.0))
    correlation = 0.12 * weight + 0.24 * (1.0 - weight) - np.asarray(sme_adjustment, dtype=float)
    b = _maturity_adjustment(pd)
    with np.errstate(divide="ignore", invalid="ignore"):
        conditional_pd = ndtr((ndtri(pd) + np.sqrt(correlation) * _G_999) / np.sqrt(1.0 - correlation))
        k = (lgd * conditional_pd - pd * lgd) * (1.0 + (maturity - 2.5) * b) / (1.0 - 1.5 * b)
    k = np.where(pd >= 1.0, 0.0, np.maximum(k, 0.0))
    return IRBTerms(pd=pd, correlation=correlation, maturity_adjustment=b, k=k)


def sme_correlation_adjustment(sales: float | Decimal | None) -> float:
    """The reduction of R for an SME with annual ``sales`` in 元 (China: S in 千万元 clamped to [3, 30]).

    >>> sme_correlation_adjustment(30_000_000)  # 0.3亿: the full reduction
    0.04
    >>> round(sme_correlation_adjustment(165_000_000), 4)  # S = 16.5 → 0.04·(1 − 13.5/27)
    0.02
    >>> sme_correlation_adjustment(500_000_000)  # above 3亿: not an SME, no adjustment
    0.0
    >>> sme_correlation_adjustment(None)
    0.0
    """
    if sales is None:
        return 0.0
    params = _irb_parameters()["sme"]
    value = float(sales)
    if value < 0:
        raise InputError("sales", sales, "annual sales must not be negative (元)")
    unit = float(params["sales_unit_yuan"])
    low, high = float(params["s_min"]), float(params["s_max"])
    if value / unit > high:
        return 0.0
    s = min(max(value / unit, low), high)
    return float(params["max_reduction"]) * (1.0 - (s - low) / (high - low))


def irb_capital(
    pd: float,
    lgd: float,
    maturity: float,
    sales: float | Decimal | None = None,
    pd_floor: float | None = None,
) -> IRBResult:
    """IRB corporate capital requirement ``k`` per unit of EAD and ``risk_weight`` = 12.5·k.

    ``pd`` and ``lgd`` are fractions, ``maturity`` the effective maturity M in years (1 to 5,
    Basel II ¶318–320), ``sales`` the borrower's annual sales in 元 for the SME adjustment. The PD is
    floored at ``pd_floor`` (default: the corporate floor of the 2023 rules, 0.05%); ``result.pd`` is the
    floored PD, ``result.pd_estimate`` the one given.

    >>> round(irb_capital(0.01, 0.45, 2.5, sales=30_000_000).risk_weight, 4)
    0.7239
    >>> r = irb_capital(0.0003, 0.45, 2.5)
    >>> r.pd, round(r.risk_weight, 4), round(irb_capital(0.0003, 0.45, 2.5, pd_floor=0.0003).risk_weight, 4)
    (0.0005, 0.1965, 0.1444)
    >>> irb_capital(1.5, 0.45, 2.5)
    Traceback (most recent call last):
    ...
    computecredit.errors.InputError: field 'pd' = 1.5: must lie strictly between 0 and 1 (a fraction, not %)
    """
    if not 0.0 < pd < 1.0:
        raise InputError("pd", pd, "must lie strictly between 0 and 1 (a fraction, not %)")
    if not 0.0 <= lgd <= 1.0:
        raise InputError("lgd", lgd, "must lie in [0, 1] (a fraction, not %)")
    if not 1.0 <= maturity <= 5.0:
        raise InputError("maturity", maturity, "effective maturity must lie in [1, 5] years (Basel II ¶320)")
    floor = _check_floor(pd_floor)
    sme = sme_correlation_adjustment(sales)
    terms = irb_terms(pd, lgd, maturity, sme, floor)
    k = float(terms.k)
    params = _irb_parameters()
    return IRBResult(
        pd=float(terms.pd),
        pd_estimate=pd,
        pd_floor=floor,
        lgd=lgd,
        maturity=maturity,
        sales=None if sales is None else float(sales),
        correlation=float(terms.correlation),
        sme_adjustment=sme,
        maturity_adjustment=float(terms.maturity_adjustment),
        k=k,
        risk_weight=12.5 * k,
        source=params["source"],
        pd_floor_source=params["pd_floor"]["article"] if pd_floor is None else "given (--pd-floor)",
    )


@overload
def effective_maturity(tenor_years: float) -> float: ...
@overload
def effective_maturity(tenor_years: np.ndarray) -> np.ndarray: ...
def effective_maturity(tenor_years: float | np.ndarray) -> float | np.ndarray:
    """Effective maturity M for the IRB function: the tenor clamped to [1, 5] years (Basel II ¶320).

    >>> effective_maturity(8), effective_maturity(0.5), effective_maturity(2)
    (5.0, 1.0, 2.0)
    >>> effective_maturity(np.array([0.2, 3.0])).tolist()
    [1.0, 3.0]
    """
    clamped = np.clip(np.asarray(tenor_years, dtype=float), 1.0, 5.0)
    return float(clamped) if clamped.ndim == 0 else clamped


def double_default_capital(pd_obligor: float, pd_guarantor: float, lgd_guarantee: float, maturity: float) -> float:
    """Capital per unit of EAD for a guaranteed exposure under double default (Basel II ¶284(i)–(ii)).

    K_DD = K_0·(0.15 + 160·PD_g), where K_0 is the IRB requirement at PD_o and the guarantee's LGD,
    with the maturity adjustment b taken at min(PD_o, PD_g).

    >>> k_dd = double_default_capital(0.02, 0.001, 0.45, 2.5)
    >>> round(k_dd, 4), k_dd < irb_capital(0.02, 0.45, 2.5).k
    (0.0377, True)
    """
    for field, value in (("pd_obligor", pd_obligor), ("pd_guarantor", pd_guarantor)):
        if not 0.0 < value < 1.0:
            raise InputError(field, value, "must lie strictly between 0 and 1")
    base = irb_capital(pd_obligor, lgd_guarantee, maturity)
    b = float(_maturity_adjustment(floored_pd(min(pd_obligor, pd_guarantor))))
    unadjusted = (
        base.k * (1.0 - 1.5 * base.maturity_adjustment) / (1.0 + (maturity - 2.5) * base.maturity_adjustment)
    )
    k0 = unadjusted * (1.0 + (maturity - 2.5) * b) / (1.0 - 1.5 * b)
    return k0 * (0.15 + 160.0 * pd_guarantor)


@dataclass(frozen=True)
class TableEntry:
    """One row of a regulatory table: the value, the article it comes from and how sure we are."""

    key: str
    value: float
    label_zh: str
    label_en: str
    article: str
    source: str
    verified: str
    table_version: str


@cache  # the tables are bundled and immutable; a proposal looks up its book's CCFs dozens of times
def _entry(table: str, key: str, column: str) -> TableEntry:
    frame = load_csv(table)
    rows = frame[frame["key"] == key]
    if rows.empty:
        raise InputError(column, key, f"unknown; known: {', '.join(frame['key'])}")
    row = rows.iloc[0]
    return TableEntry(
        key=key,
        value=float(row[column]),
        label_zh=str(row["label_zh"]),
        label_en=str(row["label_en"]),
        article=str(row["article"]),
        source=str(row["source"]),
        verified=str(row["verified"]),
        table_version=version(table),
    )


def standardised_risk_weight(exposure_class: str) -> TableEntry:
    """Risk weight of an exposure class under the 2023 rules' 权重法 (weighted approach), as a fraction.

    >>> standardised_risk_weight("project_finance_pre_operational").value
    1.3
    >>> standardised_risk_weight("corporate_sme").value
    0.85
    """
    return _entry(RISK_WEIGHTS_TABLE, exposure_class, "risk_weight")


def credit_conversion_factor(item: str) -> TableEntry:
    """Credit conversion factor of an off-balance-sheet item under the 2023 rules, as a fraction.

    >>> credit_conversion_factor("performance_guarantee").value
    0.5
    >>> credit_conversion_factor("financial_guarantee").value
    1.0
    """
    return _entry(CCF_TABLE, item, "ccf")


def exposure_classes() -> list[str]:
    """Keys of the standardised risk-weight table."""
    return list(load_csv(RISK_WEIGHTS_TABLE)["key"])


def ccf_items() -> list[str]:
    """Keys of the credit-conversion-factor table."""
    return list(load_csv(CCF_TABLE)["key"])


__all__ = [
    "IRBResult",
    "IRBTerms",
    "TableEntry",
    "ccf_items",
    "corporate_pd_floor",
    "credit_conversion_factor",
    "double_default_capital",
    "effective_maturity",
    "exposure_classes",
    "floored_pd",
    "irb_capital",
    "irb_terms",
    "sme_correlation_adjustment",
    "standardised_risk_weight",
]
