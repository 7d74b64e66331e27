"""Workbench tables: login sessions and API tokens, the hash-chained audit log, proposals and their
decisions, and background jobs (migration ``0002_workbench``).

JSON payloads are stored as canonical text (sorted keys, exact decimals as strings) so that a stored
decision hashes to the same digest a year later, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from computecredit.store.base import Base, Money, TimestampMixin, utcnow
from computecredit.store.facilities import FacilityRow


class AuthToken(Base):
    """A login session (cookie) or an API bearer token; only the SHA-256 of the secret is stored."""

    __tablename__ = "auth_tokens"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # "session" or "api"
    csrf_token: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class AuditEntry(Base):
    """One line of the append-only audit log; ``hash`` covers the line's text and the previous hash."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(sa.String(40))  # ISO 8601 UTC, hashed exactly as stored
    actor: Mapped[str] = mapped_column(sa.String(64), index=True)
    action: Mapped[str] = mapped_column(sa.String(64))
    entity_type: Mapped[str] = mapped_column(sa.String(64))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    before_json: Mapped[str] = mapped_column(sa.Text)
    after_json: Mapped[str] = mapped_column(sa.Text)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)


class Proposal(TimestampMixin, Base):
    """A facility proposal moving application → analysis → proposal → approved/rejected."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    borrower_ref: Mapped[str] = mapped_column(sa.String(64), index=True)
    project_ref: Mapped[str | None] = mapped_column(sa.String(64))
    product: Mapped[str] = mapped_column(sa.String(48))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(sa.String(3), default="CNY")
    tenor_months: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[str] = mapped_column(sa.String(16), index=True)
    proposer: Mapped[str] = mapped_column(sa.String(64), index=True)
    inputs_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    outputs_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    versions_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    memo_html: Mapped[str | None] = mapped_column(sa.Text)
    facility_id: Mapped[int | None] = mapped_column(sa.ForeignKey("facilities.id", ondelete="RESTRICT"))

    decisions: Mapped[list[Decision]] = relationship(
        back_populates="proposal", order_by="Decision.id", cascade="all, delete-orphan"
    )
    facility: Mapped[FacilityRow | None] = relationship()


class Decision(Base):
    """A workflow step taken on a proposal, with the full snapshot it was taken on and its digest."""

    __tablename__ = "proposal_decisions"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposals.id"), index=True)
    actor: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(16))
    from_state: Mapped[str] = mapped_column(sa.String(16))
    to_state: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    snapshot_json: Mapped[str] = mapped_column(sa.Text)
    snapshot_hash: Mapped[str] = mapped_column(sa.String(64))

    proposal: Mapped[Proposal] = relationship(back_populates="decisions")


class Job(Base):
    """A background job (a large simulation): state, progress in [0, 1], and its result once done."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    owner: Mapped[str] = mapped_column(sa.String(64), index=True)
    state: Mapped[str] = mapped_column(sa.String(16), index=True)
    progress: Mapped[float] = mapped_column(sa.Float, default=0.0)
    params_json: Mapped[str] = mapped_column(sa.Text, default="{}")
    result_json: Mapped[str | None] = mapped_column(sa.Text)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # How many times a worker started it: more than one means a worker died and the cluster ran it again.
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
