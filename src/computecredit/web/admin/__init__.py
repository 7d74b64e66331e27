"""Administration: users and roles, reference-data versions, the audit log."""
