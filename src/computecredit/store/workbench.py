"""Workbench tables: login sessions and API tokens, the hash-chained audit log, proposals and their
decisions, and background jobs (migration ``0002_workbench``), and the queries over them.

JSON payloads are stored as canonical text (sorted keys, exact decimals as strings) so that a stored
decision hashes to the same digest a year later, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.errors import NotFoundError
from computecredit.store.base import Base, Money, TimestampMixin, utcnow
from computecredit.store.borrowers import BorrowerRow, of_borrowers_in
from computecredit.store.facilities import FacilityRow

if TYPE_CHECKING:
    from computecredit.store.programmes import ProgrammeTagRow


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
    programme_tags: Mapped[list[ProgrammeTagRow]] = relationship(viewonly=True, order_by="ProgrammeTagRow.id")

    @property
    def programme_codes(self) -> list[str]:
        """The codes of the programmes the proposal is tagged with."""
        return sorted(tag.programme.code for tag in self.programme_tags)


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


# --- proposals ------------------------------------------------------------------------------------------


def _in(scope: Scope) -> sa.ColumnElement[bool]:
    """Proposals of borrowers in ``scope`` (a proposal belongs to its borrower's branch)."""
    return of_borrowers_in(Proposal.borrower_ref, scope, BorrowerRow.uscc)


def get_proposal(session: Session, proposal_id: int, scope: Scope = WHOLE_BANK) -> Proposal:
    """The proposal with ``proposal_id`` in ``scope``; :class:`NotFoundError` if there is none."""
    proposal = session.get(Proposal, proposal_id)
    if proposal is not None and not scope.whole_bank:
        proposal = session.scalars(sa.select(Proposal).where(Proposal.id == proposal_id, _in(scope))).first()
    if proposal is None:
        raise NotFoundError(f"no proposal {proposal_id}")
    return proposal


def list_proposals(
    session: Session, *, state: str | None = None, offset: int = 0, limit: int = 50, scope: Scope = WHOLE_BANK
) -> tuple[list[Proposal], int]:
    """Proposals (in ``scope``) newest first (of one ``state`` if given), and how many there are in all."""
    query = sa.select(Proposal).where(_in(scope))
    counter = sa.select(sa.func.count()).select_from(Proposal).where(_in(scope))
    if state:
        query = query.where(Proposal.state == state)
        counter = counter.where(Proposal.state == state)
    # What a listed proposal shows, read for the whole page at once (not a query per proposal and relation);
    # decisions without their snapshots, which the list does not show and which are large.
    query = query.options(
        sa.orm.joinedload(Proposal.facility),
        sa.orm.selectinload(Proposal.decisions).defer(Decision.snapshot_json),
        sa.orm.selectinload(Proposal.programme_tags).joinedload(
            computecredit.store.programmes.ProgrammeTagRow.programme
        ),
    )
    # How many there are in all comes with the page (a window), counted apart only for a page past the end.
    counted = query.add_columns(sa.func.count().over().label("total")).order_by(Proposal.id.desc())
    rows = session.execute(counted.offset(offset).limit(limit)).unique().all()
    total = rows[0].total if rows else session.execute(counter).scalar_one()
    return [row[0] for row in rows], int(total)


def proposals_in_state(session: Session, state: str, scope: Scope = WHOLE_BANK) -> list[Proposal]:
    """Every proposal (in ``scope``) in ``state``, oldest first."""
    query = sa.select(Proposal).where(Proposal.state == state, _in(scope)).order_by(Proposal.id)
    return list(session.scalars(query))


def proposals_of_borrower(session: Session, uscc: str) -> list[Proposal]:
    """The borrower's proposals, newest first."""
    query = sa.select(Proposal).where(Proposal.borrower_ref == uscc).order_by(Proposal.id.desc())
    return list(session.scalars(query))


def proposal_counts(session: Session, scope: Scope = WHOLE_BANK) -> dict[str, int]:
    """How many proposals (in ``scope``) are in each state (states without any are absent)."""
    query = sa.select(Proposal.state, sa.func.count()).where(_in(scope)).group_by(Proposal.state)
    rows = session.execute(query)
    return {state: int(count) for state, count in rows}


# --- audit log --------------------------------------------------------------------------------------------


def lock_audit_log(session: Session, key: int) -> None:
    """Serialise appends across processes on PostgreSQL (an advisory lock held until the transaction ends)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def last_audit_entry(session: Session) -> AuditEntry | None:
    """The newest entry of the audit log (the chain's head), None while it is empty."""
    return session.execute(sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).scalar_one_or_none()


def audit_entries_after(session: Session, seq: int, limit: int) -> list[AuditEntry]:
    """Up to ``limit`` entries after ``seq``, oldest first (to walk the chain in batches)."""
    query = sa.select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq).limit(limit)
    return list(session.execute(query).scalars().all())


def recent_audit_entries(
    session: Session,
    limit: int = 50,
    *,
    offset: int = 0,
    entity_type: str | None = None,
    entity_id: object = None,
    action: str | None = None,
) -> list[AuditEntry]:
    """The latest entries, newest first, optionally of one entity or one action."""
    query = sa.select(AuditEntry).order_by(AuditEntry.seq.desc()).offset(offset).limit(limit)
    if entity_type is not None:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == str(entity_id))
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return list(session.execute(query).scalars())


def audit_entries_of(session: Session, entity_type: str, entity_ids: list[str]) -> list[AuditEntry]:
    """Every entry about these entities, oldest first."""
    query = (
        sa.select(AuditEntry)
        .where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id.in_(entity_ids))
        .order_by(AuditEntry.seq)
    )
    return list(session.scalars(query))


def count_audit_entries(session: Session) -> int:
    """How many entries the audit log holds."""
    return int(session.execute(sa.select(sa.func.count()).select_from(AuditEntry)).scalar_one())


# --- background jobs ----------------------------------------------------------------------------------------


def find_job(session: Session, job_id: str) -> Job | None:
    return session.get(Job, job_id)


def unfinished_jobs(session: Session) -> list[Job]:
    """Jobs still queued or running."""
    return list(session.scalars(sa.select(Job).where(Job.state.in_(("queued", "running")))))


# --- login sessions and API tokens -------------------------------------------------------------------------


def find_token(session: Session, token_hash: str) -> AuthToken | None:
    return session.get(AuthToken, token_hash)


def revoke_tokens_of(session: Session, username: str, at: datetime) -> None:
    """Mark every live session and token of ``username`` revoked at ``at``."""
    session.execute(
        sa.update(AuthToken)
        .where(AuthToken.username == username, AuthToken.revoked_at.is_(None))
        .values(revoked_at=at)
    )


# Proposal.programme_tags names ProgrammeTagRow: load its module with this one, so that the mappers configure
# even where nothing else loads it (the CLI's `facility assess` did not, and failed).
import computecredit.store.programmes  # noqa: E402
