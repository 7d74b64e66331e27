"""Every table of the platform, imported here so that ``Base.metadata`` knows them all (Alembic, tests).

Tables live in modules by domain (``store/borrowers.py``, ``store/workflow.py``...); import each below.
"""

from computecredit.store.bank import BankRow
from computecredit.store.base import Base
from computecredit.store.borrowers import BorrowerRow, StatementLineRow, StatementRow
from computecredit.store.branches import BranchRow
from computecredit.store.facilities import CollateralRow, ExposureRow, FacilityRow, TransactionRow
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
from computecredit.store.programmes import ProgrammeRow, ProgrammeTagRow
from computecredit.store.projects import ProjectRow
from computecredit.store.ratings import RatingRow
from computecredit.store.users import UserRow
from computecredit.store.versions import DataVersionRow
from computecredit.store.workbench import AuditEntry, AuthToken, Decision, Job, Proposal

__all__ = [
    "AlertRow",
    "AuditEntry",
    "AuthToken",
    "BankRow",
    "Base",
    "BorrowerRow",
    "BranchRow",
    "ClassificationRow",
    "CollateralRow",
    "DataVersionRow",
    "Decision",
    "EventRow",
    "ExposureRow",
    "FacilityRow",
    "Job",
    "MarketObservationRow",
    "MonitoringRunRow",
    "OperatingReportRow",
    "PaymentRow",
    "ProgrammeRow",
    "ProgrammeTagRow",
    "ProjectRow",
    "Proposal",
    "RatingRow",
    "SignalRow",
    "StatementLineRow",
    "StatementRow",
    "TransactionRow",
    "UserRow",
    "WatchListRow",
]
