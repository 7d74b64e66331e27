"""Storage: SQLAlchemy 2 tables, repositories and Alembic migrations (SQLite by default, PostgreSQL for teams).

Only the shells and :mod:`computecredit.services` use this package; the engines never touch storage.
"""
