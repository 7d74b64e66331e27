"""Borrowers: search, profile, statements (import from Excel/CSV), ratio trends, ratings, facilities."""
