"""The dashboard: the compute book at a glance, pending work, recent activity."""
