"""Use cases that tie the engines to the store: one module per topic, one transaction per use case."""
