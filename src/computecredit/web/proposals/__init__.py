"""Facility proposals: the form, the approval queue, and the workflow API (create, submit, approve, reject)."""
