"""The append-only, hash-chained audit log: who did what, when, with the state before and after.

Each entry's hash is SHA-256 over its own stored text and the previous entry's hash, so editing,
deleting or re-ordering any past entry breaks the chain from that point on; :func:`verify` finds it.
The ``prev_hash`` column is unique, so two writers can never fork the chain: the second one fails.

>>> from computecredit.store.database import Database
>>> from computecredit.store.base import Base
>>> from computecredit.store.workbench import AuditEntry
>>> db = Database("sqlite:///:memory:")
>>> Base.metadata.create_all(db.engine, tables=[AuditEntry.__table__])
>>> with db.transaction() as s:
...     _ = append(s, "alice", "proposal.create", "proposal", 1, None, {"amount": "5000万"})
...     _ = append(s, "bob", "proposal.approve", "proposal", 1, {"state": "proposal"}, {"state": "approved"})
>>> with db.transaction() as s:
...     verify(s).ok
True
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from computecredit.jsonable import to_jsonable
from computecredit.store import workbench as audit_store
from computecredit.store.database import Database
from computecredit.store.workbench import AuditEntry

GENESIS_HASH = "0" * 64
# Any constant works: it names the PostgreSQL advisory lock that serialises appends across processes.
_PG_AUDIT_LOCK = 7_202_501
# SQLite has one writer at a time; taking turns in-process avoids two writers reading the same chain head.
# A plain Lock, not an RLock: a web request may enter and leave the transaction on different threads.
_WRITE_LOCK = threading.Lock()


@contextmanager
def write_transaction(db: Database) -> Iterator[Session]:
    """A transaction for a use case that writes (and appends to the audit log): one writer at a time."""
    with _WRITE_LOCK, db.write_transaction() as session:
        yield session


def canonical_json(value: Any) -> str:
    """One stable text for ``value``: sorted keys, no spaces, UTF-8 kept.

    >>> from decimal import Decimal
    >>> canonical_json({"b": 1, "a": [Decimal("1.50")]})
    '{"a":["1.50"],"b":1}'
    """
    return json.dumps(to_jsonable(value, exact=True), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(text: str) -> str:
    """SHA-256 hex digest of ``text``.

    >>> digest("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry, computed from its stored fields and its ``prev_hash``."""
    body = canonical_json(
        {
            "seq": entry.seq,
            "at": entry.at,
            "actor": entry.actor,
            "action": entry.action,
            "entity_type": entry.entity_type,
            "entity_id": entry.entity_id,
            "before": entry.before_json,
            "after": entry.after_json,
            "prev_hash": entry.prev_hash,
        }
    )
    return digest(body)


def append(
    session: Session,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: object,
    before: Any,
    after: Any,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it is written, or not, with the change it records)."""
    audit_store.lock_audit_log(session, _PG_AUDIT_LOCK)
    last = audit_store.last_audit_entry(session)
    entry = AuditEntry(
        seq=(last.seq + 1) if last else 1,
        at=datetime.now(UTC).isoformat(timespec="microseconds"),
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        before_json=canonical_json(before),
        after_json=canonical_json(after),
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify` found: how many entries were checked, and the first broken one if any."""

    ok: bool
    entries: int
    broken_seq: int | None = None
    reason: str | None = None
    head_hash: str = GENESIS_HASH


def _entries(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    after = 0
    while True:
        rows = audit_store.audit_entries_after(session, after, batch)
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        session.expunge_all()


def verify(session: Session, progress: Any = None) -> ChainReport:
    """Walk the chain from the first entry; report the first entry that was edited, removed or moved.

    ``progress``, if given, is called with the number of entries checked so far.
    """
    previous = GENESIS_HASH
    expected_seq = 1
    count = 0
    for entry in _entries(session):
        if entry.seq != expected_seq:
            return ChainReport(False, count, expected_seq, f"entry {expected_seq} is missing", previous)
        if entry.prev_hash != previous:
            return ChainReport(False, count, entry.seq, "does not link to the entry before it", previous)
        if entry_hash(entry) != entry.hash:
            return ChainReport(False, count, entry.seq, "its content does not match its hash", previous)
        previous = entry.hash
        expected_seq += 1
        count += 1
        if progress is not None and count % 1000 == 0:
            progress(count)
    return ChainReport(True, count, head_hash=previous)


def recent(
    session: Session, limit: int = 50, entity_type: str | None = None, entity_id: object = None
) -> list[AuditEntry]:
    """The latest entries, newest first, optionally for one entity."""
    return audit_store.recent_audit_entries(session, limit, entity_type=entity_type, entity_id=entity_id)
