"""Reports: the credit memo (HTML and PDF, zh and en)."""
