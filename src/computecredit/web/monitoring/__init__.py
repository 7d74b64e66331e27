"""Monitoring in the workbench: ingest periodic data files, run the monitoring, work the alerts."""
