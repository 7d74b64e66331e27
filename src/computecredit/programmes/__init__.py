"""Programmes: eligibility of a facility for a programme, and a programme's progress (pure engines)."""

from computecredit.programmes.eligibility import Candidate, Finding, evaluate, failures, quota_left
from computecredit.programmes.progress import Member, Progress, Slice, progress

__all__ = ["Candidate", "Finding", "Member", "Progress", "Slice", "evaluate", "failures", "progress", "quota_left"]
