"""Covenants as data, tested against a period's figures with headroom and breach.

Financial covenants bound a metric from below (DSCR, interest cover, current ratio, utilisation,
contracted share) or above (leverage); information covenants bound the days taken to deliver
statements after period end. Statement metrics (leverage, interest cover, current ratio, debt to assets,
...) are tested on the values :func:`computecredit.domain.metrics.statement_figures` defines. A covenant within ``warning_headroom`` of its threshold is a warning.

>>> cov = Covenant(key="dscr", metric="dscr", bound="min", threshold=1.2)
>>> r = check_covenant(cov, 1.25)
>>> r.status, round(r.headroom, 4)
('warning', 0.0417)
>>> check_covenant(cov, 1.1).status
'breach'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from computecredit.domain.metrics import FIGURE_LABELS

METRICS: dict[str, tuple[str, str, str]] = {
    # metric: (中文, English, kind); the statement figures are those of computecredit.domain.metrics
    "dscr": ("偿债备付率 DSCR", "debt service coverage ratio", "financial"),
    **{name: (zh, en, "financial") for name, (zh, en) in FIGURE_LABELS.items()},
    "utilisation": ("算力利用率", "compute utilisation", "financial"),
    "contracted_share": ("已签约算力占比", "contracted share of capacity", "financial"),
    "sub_ig_customer_share": (
        "非投资级客户收入占比",
        "revenue share of sub-investment-grade customers",
        "financial",
    ),
    "statements_delay_days": ("财务报表报送天数", "days to deliver statements after period end", "information"),
}

Status = Literal["pass", "warning", "breach", "missing"]


class Covenant(BaseModel):
    """One covenant: the metric, which side it bounds, the threshold and how often it is tested."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    metric: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="a key of METRICS or any metric the data names")
    bound: Literal["min", "max"]
    threshold: float
    frequency: Literal["monthly", "quarterly", "semiannual", "annual"] = "semiannual"
    warning_headroom: float = Field(default=0.10, ge=0)

    @property
    def kind(self) -> str:
        return METRICS.get(self.metric, ("", "", "financial"))[2]

    @property
    def label_zh(self) -> str:
        return METRICS.get(self.metric, (self.metric,))[0]

    @property
    def label_en(self) -> str:
        return METRICS.get(self.metric, (self.metric, self.metric))[1]


@dataclass(frozen=True)
class CovenantResult:
    """A covenant tested on one value: relative headroom (negative when breached) and status."""

    key: str
    metric: str
    kind: str
    bound: str
    threshold: float
    value: float | None
    headroom: float | None
    status: Status


def check_covenant(covenant: Covenant, value: float | None) -> CovenantResult:
    """Test one covenant; headroom is relative to the threshold, signed so that negative means breach."""
    if value is None:
        return CovenantResult(
            covenant.key, covenant.metric, covenant.kind, covenant.bound, covenant.threshold, None, None, "missing"
        )
    scale = abs(covenant.threshold) or 1.0
    gap = value - covenant.threshold if covenant.bound == "min" else covenant.threshold - value
    headroom = gap / scale
    if headroom < 0:
        status: Status = "breach"
    elif headroom < covenant.warning_headroom:
        status = "warning"
    else:
        status = "pass"
    return CovenantResult(
        covenant.key, covenant.metric, covenant.kind, covenant.bound, covenant.threshold, value, headroom, status
    )


def check_covenants(covenants: list[Covenant], values: dict[str, float | None]) -> list[CovenantResult]:
    """Test every covenant against a period's figures keyed by metric; absent figures are 'missing'.

    >>> covs = [Covenant(key="lev", metric="leverage", bound="max", threshold=3.5),
    ...         Covenant(key="info", metric="statements_delay_days", bound="max", threshold=120)]
    >>> [r.status for r in check_covenants(covs, {"leverage": 4.0})]
    ['breach', 'missing']
    """
    return [check_covenant(c, values.get(c.metric)) for c in covenants]


def check_domain_covenant(covenant: Any, value: float | None, warning_headroom: float = 0.10) -> CovenantResult:
    """Test a :class:`computecredit.domain.Covenant` (``metric operator threshold``) on one value.

    This is the ``covenant_test`` the monitoring engine takes (``monitoring.rules.CovenantTest``).

    >>> from decimal import Decimal
    >>> from computecredit.domain import Covenant as DomainCovenant
    >>> c = DomainCovenant(metric="debt_to_assets", operator="<=", threshold=Decimal("0.7"))
    >>> r = check_domain_covenant(c, 0.68)
    >>> r.status, round(r.headroom, 4)
    ('warning', 0.0286)
    """
    bound: Literal["min", "max"] = "min" if covenant.operator.value == ">=" else "max"
    return check_covenant(
        Covenant(
            key=covenant.metric,
            metric=covenant.metric,
            bound=bound,
            threshold=float(covenant.threshold),
            frequency=covenant.frequency,
            warning_headroom=warning_headroom,
        ),
        value,
    )


__all__ = ["METRICS", "Covenant", "CovenantResult", "check_covenant", "check_covenants", "check_domain_covenant"]
