"""Post-loan monitoring (贷后管理): periodic data, early-warning rules, five-category classification.

Pure: domain objects in, results out. The use cases that read and write the store are in
:mod:`computecredit.services.monitoring`.

>>> from computecredit.monitoring import load_rules, monitor
>>> len(load_rules().rules) > 20
True
"""

from computecredit.monitoring.book import BorrowerBook, MarketData
from computecredit.monitoring.classification import (
    Classification,
    ClassificationFacts,
    apply_debtor_rule,
    classify,
    ecl_stage,
)
from computecredit.monitoring.data import (
    Event,
    EventKind,
    MarketObservation,
    MarketSeries,
    OperatingReport,
    PaymentRecord,
    parse_rows,
)
from computecredit.monitoring.rules import Rule, RuleSet, Signal, evaluate, load_rules
from computecredit.monitoring.run import Alert, FacilityClass, MonitoringResult, WatchEntry, monitor

__all__ = [
    "Alert",
    "BorrowerBook",
    "Classification",
    "ClassificationFacts",
    "Event",
    "EventKind",
    "FacilityClass",
    "MarketData",
    "MarketObservation",
    "MarketSeries",
    "MonitoringResult",
    "OperatingReport",
    "PaymentRecord",
    "Rule",
    "RuleSet",
    "Signal",
    "WatchEntry",
    "apply_debtor_rule",
    "classify",
    "ecl_stage",
    "evaluate",
    "load_rules",
    "monitor",
    "parse_rows",
]
