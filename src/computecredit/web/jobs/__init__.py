"""Background jobs: start, follow progress, fetch the result."""
