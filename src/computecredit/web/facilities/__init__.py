"""Facilities: the booked facility, its exposure and its drawdowns and repayments."""
