"""Column types beyond :class:`~computecredit.store.base.Money`."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from computecredit.store.base import Money


class Ratio(Money):
    """An exact fraction or rate (PD, hurdle rate, basis points): ``NUMERIC(20, 10)``; text on SQLite."""

    impl = sa.Numeric(20, 10, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Decimal]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(40))  # type: ignore[arg-type]
        return dialect.type_descriptor(sa.Numeric(20, 10, asdecimal=True))
