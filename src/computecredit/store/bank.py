"""Table ``banks``: the bank using the platform (one row; the latest ``as_of`` is current)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from computecredit.domain.bank import Bank
from computecredit.errors import NotFoundError
from computecredit.store.base import Base, Money, TimestampMixin
from computecredit.store.columns import Ratio


class BankRow(TimestampMixin, Base):
    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    as_of: Mapped[date | None] = mapped_column(sa.Date)
    net_capital: Mapped[Decimal] = mapped_column(Money)
    tier1_net_capital: Mapped[Decimal] = mapped_column(Money)
    loan_book: Mapped[Decimal] = mapped_column(Money)
    hurdle_rate: Mapped[Decimal] = mapped_column(Ratio)


def to_bank(row: BankRow) -> Bank:
    return Bank(
        name_zh=row.name_zh,
        name_en=row.name_en,
        as_of=row.as_of,
        net_capital=row.net_capital,
        tier1_net_capital=row.tier1_net_capital,
        loan_book=row.loan_book,
        hurdle_rate=row.hurdle_rate,
    )


def save_bank(session: Session, bank: Bank) -> BankRow:
    """Store the bank's parameters as a new row (history is kept; the latest is current)."""
    row = BankRow(**bank.model_dump())
    session.add(row)
    session.flush()
    return row


def get_bank(session: Session) -> Bank:
    """The bank's current parameters; :class:`NotFoundError` before any are stored."""
    row = session.scalars(sa.select(BankRow).order_by(BankRow.as_of.desc(), BankRow.id.desc()).limit(1)).first()
    if row is None:
        raise NotFoundError("no bank parameters stored yet: run `computecredit demo load` or add them")
    return to_bank(row)


__all__ = ["BankRow", "get_bank", "save_bank", "to_bank"]
