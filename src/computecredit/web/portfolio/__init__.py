"""The compute book: loss distribution, risk contributions, concentration and stress tests."""
