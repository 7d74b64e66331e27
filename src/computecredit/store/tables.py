"""Every table of the platform, imported here so that ``Base.metadata`` knows them all (Alembic, tests).

Tables live in modules by domain (``store/borrowers.py``, ``store/workflow.py``...); import each below.
"""

from computecredit.store.bank import BankRow
from computecredit.store.base import Base
from computecredit.store.borrowers import BorrowerRow, StatementLineRow, StatementRow
from computecredit.store.facilities import CollateralRow, ExposureRow, FacilityRow
from computecredit.store.monitoring import (
    AlertRow,
    ClassificationRow,
    EventRow,
    MarketObservationRow,
    MonitoringRunRow,
    OperatingReportRow,
    PaymentRow,
    SignalRow,
    WatchListRow,
)
from computecredit.store.projects import ProjectRow
from computecredit.store.ratings import RatingRow
from computecredit.store.users import UserRow

__all__ = [
    "AlertRow",
    "BankRow",
    "Base",
    "BorrowerRow",
    "ClassificationRow",
    "CollateralRow",
    "EventRow",
    "ExposureRow",
    "FacilityRow",
    "MarketObservationRow",
    "MonitoringRunRow",
    "OperatingReportRow",
    "PaymentRow",
    "ProjectRow",
    "RatingRow",
    "SignalRow",
    "StatementLineRow",
    "StatementRow",
    "UserRow",
    "WatchListRow",
]
