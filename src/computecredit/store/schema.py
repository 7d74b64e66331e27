"""Whether a database's schema is at the latest migration, so commands fail clearly instead of half-way.

>>> from computecredit.store.database import Database
>>> db = Database("sqlite:///:memory:")
>>> is_current(db)
False
"""

from __future__ import annotations

from alembic.script import ScriptDirectory

from computecredit.errors import WorkflowError
from computecredit.store.database import Database


def head_revisions(db: Database) -> set[str]:
    """The revisions ``upgrade head`` leads to."""
    return set(ScriptDirectory.from_config(db.alembic_config()).get_heads())


def is_current(db: Database) -> bool:
    """Whether every migration has been applied."""
    return db.current_revision() in head_revisions(db)


def require_current(db: Database) -> None:
    """Raise :class:`WorkflowError` telling the user to run ``computecredit db upgrade`` when behind."""
    if not is_current(db):
        current = db.current_revision() or "empty"
        heads = ", ".join(sorted(head_revisions(db)))
        raise WorkflowError(
            f"the database schema is at {current}, not at {heads}: run `computecredit db upgrade` first"
        )


__all__ = ["head_revisions", "is_current", "require_current"]
