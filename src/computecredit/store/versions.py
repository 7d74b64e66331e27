"""Table ``data_versions``: a token for a set of tables that changes whenever any of their rows does, so a
process may keep what it read of them and learn, with one read of a primary key, whether it still holds.

The token is a fresh random value at every flush that writes one of the tables (insert, update or delete
through the ORM: every write of the platform), in the writer's transaction: other processes see the new
token exactly when they see the change. Random, not a counter: a token of a transaction that rolled back
never comes back, and a database restored from a backup brings back the token that went with its rows.
A change made to these tables outside the platform (plain SQL) must set a new token too.

A session reads every token at once, at its first :func:`kept` (one query however many names it asks for),
and again after it wrote to a watched table; what it then reads is at least as new as those tokens.

>>> sorted(WATCHED[BOOK]), sorted(WATCHED[STATEMENTS]), sorted(WATCHED[ACCESS])
(['banks', 'borrowers', 'collateral_items', 'exposures', 'facilities'], ['financial_statements', 'statement_lines'], ['auth_tokens', 'branches', 'users'])
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
ACCESS = "access"
WATCHED: dict[str, frozenset[str]] = {
    # what computecredit.services.facilities.Records reads of the whole bank: the bank, its borrowers, their
    # facilities with collateral, and exposures
    BOOK: frozenset({"banks", "borrowers", "facilities", "collateral_items", "exposures"}),
    # borrowers' financial statements (computecredit.store.borrowers.list_statements)
    STATEMENTS: frozenset({"financial_statements", "statement_lines"}),
    # who a login session or API token is, their role and their branch's place in the tree (web/deps.py)
    ACCESS: frozenset({"auth_tokens", "users", "branches"}),
}
# Where a session holds the tokens it read (Session.info), until it writes to a watched table or ends.
_TOKENS = "computecredit.data_versions"


class DataVersionRow(Base):
    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))


def tokens(session: Session) -> dict[str, str]:
    """Every name's current token, read once per transaction of ``session`` (an empty dict in a database
    without the table's rows: nothing may be kept)."""
    found = session.info.get(_TOKENS)
    if found is None:
        found = {
            name: value for name, value in session.execute(sa.select(DataVersionRow.name, DataVersionRow.token))
        }
        session.info[_TOKENS] = found
    return found


T = TypeVar("T")

# What was kept, by (database, name): the token it was read under and the values by key. A new token drops
# all of a name's values at once, so what is kept never outgrows what was read since the last change.
_KEPT: dict[tuple[sa.URL, str], tuple[str, dict[Hashable, Any]]] = {}


def kept(session: Session, name: str, key: Hashable, read: Callable[[], T]) -> T:
    """``read()``, or what it returned before for (this database, ``name``, ``key``) if ``name``'s token has
    not changed since. The value is shared by every caller: keep only what nobody changes (frozen objects).
    None is not kept (what was not found is looked for again).

    >>> from computecredit.store.database import Database
    >>> db = Database("sqlite:///:memory:")
    >>> db.upgrade()
    >>> with db.transaction() as session:  # the second is not read: the token has not changed
    ...     kept(session, BOOK, "k", lambda: 1), kept(session, BOOK, "k", lambda: 2)
    (1, 1)
    >>> with db.transaction() as session:
    ...     renew(session, "borrowers")
    ...     kept(session, BOOK, "k", lambda: 3)
    3
    """
    current = tokens(session).get(name)  # first: what ``read`` finds next is at least this new
    if current is None:
        return read()
    slot = (session.get_bind().engine.url, name)
    held = _KEPT.get(slot)
    if held is None or held[0] != current:
        held = _KEPT[slot] = (current, {})
    if key in held[1]:
        return held[1][key]
    value = read()
    if value is not None:
        held[1][key] = value
    return value


def _tables(objects: Iterable[Any]) -> set[str]:
    return {table.name for obj in objects if (table := getattr(obj, "__table__", None)) is not None}


def renew(session: Session, *written: str) -> None:
    """New tokens for every name watching one of the tables ``written``, in ``session``'s transaction: what a
    change made with plain SQL must do (the platform's own writes renew them by themselves)."""
    _renew(session, set(written))


def _renew(session: Session, written: set[str]) -> None:
    for name, tables in WATCHED.items():
        if written & tables:
            session.info.pop(_TOKENS, None)  # read again: this transaction's own token, and what it wrote
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
    sa.event.listen(factory, "after_transaction_end", _forget_tokens)


def _forget_tokens(session: Session, _transaction: Any) -> None:
    session.info.pop(_TOKENS, None)


__all__ = ["ACCESS", "BOOK", "STATEMENTS", "WATCHED", "DataVersionRow", "kept", "renew", "tokens", "watch"]
