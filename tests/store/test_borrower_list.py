"""The borrower list's query on both backends: latest rating (override first), exposure of each facility's
latest record, filters, order (numbers as numbers) and pages."""

from __future__ import annotations

from decimal import Decimal

from computecredit.services import demo
from computecredit.store.borrower_list import BorrowerFilter, borrower_list, borrower_names
from computecredit.store.database import Database
from computecredit.store.facilities import list_exposures, list_facilities


def test_borrower_list_on_the_demo_bank(database_url: str) -> None:
    db = Database(database_url)
    demo.load_demo_bank(db, password="test-password-1")
    with db.transaction() as session:
        rows, total = borrower_list(session, sort="exposure", descending=True, limit=500)
        assert total == len(rows) > 10
        amounts = [r.exposure for r in rows]
        assert amounts == sorted(amounts, reverse=True)
        latest: dict[str, Decimal] = {}
        for exposure in list_exposures(session):  # oldest first: the last one per facility wins
            latest[exposure.facility_reference] = exposure.drawn + exposure.undrawn
        owner = {f.reference: f.borrower_uscc for f in list_facilities(session)}
        top = rows[0].borrower.uscc
        assert rows[0].exposure == sum(v for ref, v in latest.items() if owner[ref] == top)
        by_pd, _ = borrower_list(session, sort="pd", limit=500)
        pds = [r.pd for r in by_pd if r.pd is not None]
        assert pds == sorted(pds) and all(r.grade for r in by_pd if r.pd is not None)
        grade = by_pd[0].grade
        graded, count = borrower_list(session, BorrowerFilter(grade=grade))
        assert count >= 1 and {r.grade for r in graded} == {grade}
        named, count = borrower_list(session, BorrowerFilter(q=rows[0].borrower.name_zh[:4]))
        assert top in {r.borrower.uscc for r in named}
        page_one, _ = borrower_list(session, sort="name", limit=3)
        page_two, _ = borrower_list(session, sort="name", offset=3, limit=3)
        assert not {r.borrower.uscc for r in page_one} & {r.borrower.uscc for r in page_two}
        assert borrower_names(session, [top])[top][0] == rows[0].borrower.name_zh
    db.dispose()
