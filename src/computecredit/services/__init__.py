"""Use cases that tie the engines to files and the store."""
