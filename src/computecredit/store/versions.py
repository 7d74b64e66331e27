"""Table ``data_versions``: a token for a set of tables that changes whenever any of their rows does, so a
process may keep what it read of them and learn, with one read of a primary key, whether it still holds.

The token is a fresh random value at every flush that writes one of the tables (insert, update or delete
through the ORM: every write of the platform), in the writer's transaction: other processes see the new
token exactly when they see the change. Random, not a counter: a token of a transaction that rolled back
never comes back, and a database restored from a backup brings back the token that went with its rows.
A change made to these tables outside the platform (plain SQL) must set a new token too.

>>> sorted(WATCHED[BOOK]), sorted(WATCHED[STATEMENTS])
(['banks', 'borrowers', 'collateral_items', 'exposures', 'facilities'], ['financial_statements', 'statement_lines'])
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column, sessionmaker

from computecredit.store.base import Base

BOOK = "book"
STATEMENTS = "statements"
WATCHED: dict[str, frozenset[str]] = {
    # what computecredit.services.facilities.Records reads of the whole bank: the bank, its borrowers, their
    # facilities with collateral, and exposures
    BOOK: frozenset({"banks", "borrowers", "facilities", "collateral_items", "exposures"}),
    # borrowers' financial statements (computecredit.store.borrowers.list_statements)
    STATEMENTS: frozenset({"financial_statements", "statement_lines"}),
}


class DataVersionRow(Base):
    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))


def token(session: Session, name: str) -> str | None:
    """The current token of ``name`` (None in a database without the row: nothing may be kept)."""
    return session.scalar(sa.select(DataVersionRow.token).where(DataVersionRow.name == name))


T = TypeVar("T")

# What was kept, by (database, name, key): the token it was read under and the value.
_KEPT: dict[tuple[str, str, Hashable], tuple[str, Any]] = {}


def kept(session: Session, name: str, key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, or what it returned before for (this database, ``name``, ``key``) if ``name``'s token has
    not changed since. The value is shared by every caller: keep only what nobody changes (frozen objects)."""
    current = token(session, name)  # first: what ``read`` finds next is at least this new
    slot = (str(session.get_bind().engine.url), name, key)
    found = _KEPT.get(slot)
    if current is not None and found is not None and found[0] == current:
        return found[1]
    value = read()
    if current is not None:
        _KEPT[slot] = (current, value)
    return value


def _tables(objects: Iterable[Any]) -> set[str]:
    return {table.name for obj in objects if (table := getattr(obj, "__table__", None)) is not None}


def _renew(session: Session, written: set[str]) -> None:
    for name, tables in WATCHED.items():
        if written & tables:
            renewal = sa.update(DataVersionRow).where(DataVersionRow.name == name).values(token=uuid.uuid4().hex)
            session.connection().execute(renewal)  # Core on the connection: no flush inside a flush


def renew_after_flush(session: Session, _flush_context: Any) -> None:
    """A session's ``after_flush`` event: a new token for every name whose tables the flush wrote."""
    _renew(session, _tables(session.new) | _tables(session.dirty) | _tables(session.deleted))


def renew_after_bulk(state: ORMExecuteState) -> None:
    """A session's ``do_orm_execute`` event: the same for an ORM bulk insert, update or delete."""
    if state.is_insert or state.is_update or state.is_delete:
        target = getattr(state.statement, "table", None)
        if isinstance(target, sa.Table) and target.name != DataVersionRow.__tablename__:
            _renew(state.session, {target.name})


def watch(factory: sessionmaker[Session]) -> None:
    """Renew the tokens at every write of the sessions ``factory`` makes."""
    sa.event.listen(factory, "after_flush", renew_after_flush)
    sa.event.listen(factory, "do_orm_execute", renew_after_bulk)


__all__ = ["BOOK", "STATEMENTS", "WATCHED", "DataVersionRow", "kept", "token", "watch"]
