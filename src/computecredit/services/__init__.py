"""Use cases that tie the engines to the store (one transaction per use case)."""
