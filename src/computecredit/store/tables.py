"""Every table of the platform, imported here so that ``Base.metadata`` knows them all (Alembic, tests).

Tables live in modules by domain (``store/borrowers.py``, ``store/workflow.py``...); import each below.
"""

from computecredit.store.base import Base
from computecredit.store.workbench import AuditEntry, AuthToken, Decision, Job, Proposal

__all__ = ["AuditEntry", "AuthToken", "Base", "Decision", "Job", "Proposal"]
