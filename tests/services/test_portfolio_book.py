"""The book read from the database (demo bank) feeds the portfolio engines."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from computecredit.cli.main import app
from computecredit.errors import InputError
from computecredit.portfolio import portfolio_risk
from computecredit.services.demo import load_demo_bank
from computecredit.services.facilities import analyst_rating
from computecredit.services.portfolio import book_from_store
from computecredit.store import ratings as rating_store
from computecredit.store.database import Database
from computecredit.store.facilities import list_exposures, list_facilities
from computecredit.store.ratings import RatingRow


def _forget_ratings(db: Database) -> None:
    """The demo bank arrives rated; drop the ratings to test a book with unrated borrowers."""
    with db.transaction() as session:
        session.query(RatingRow).delete()


def test_book_from_the_demo_bank(database_url: str) -> None:
    db = Database(database_url)
    load_demo_bank(db, password="demo-password-1")
    assert (book_from_store(db).pd > 0).all()  # every demo borrower is rated at load
    _forget_ratings(db)
    with pytest.raises(InputError, match="has no stored rating"):
        book_from_store(db)
    with db.transaction() as session:
        exposures = list_exposures(session)
        products = {f.reference: f.product.value for f in list_facilities(session)}
    book = book_from_store(db, missing_pd=0.02)
    latest = {}
    for exposure in exposures:
        latest[exposure.facility_reference] = exposure
    assert book.n == len(latest)
    # CCFs of the 2023 rules: 40% for undrawn commitments, 50% for advance-payment and performance guarantees
    expected_ead = sum(
        0.5 * float(e.total) if products[ref].endswith("_guarantee") else float(e.drawn) + 0.4 * float(e.undrawn)
        for ref, e in latest.items()
    )
    assert float(book.ead.sum()) == pytest.approx(expected_ead)
    uscc = str(book.obligor_id[0])
    with db.transaction() as session:
        rating_store.add_rating(session, analyst_rating(uscc, Decimal("0.031"), "analyst"))
    rated = book_from_store(db, missing_pd=0.02)
    assert set(rated.pd[rated.obligor_id == uscc]) == {0.031}
    risk = portfolio_risk(rated, "vasicek", rho=0.2)
    assert risk.result.var > risk.result.expected_loss > 0
    db.dispose()


def test_export_book_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    db = Database(url)
    load_demo_bank(db, password="demo-password-1")
    _forget_ratings(db)
    db.dispose()
    monkeypatch.setenv("COMPUTECREDIT_DATABASE_URL", url)
    out = tmp_path / "book.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["portfolio", "export-book", str(out), "--missing-pd", "0.02", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["exposures"] > 0
    risk = runner.invoke(app, ["portfolio", "risk", str(out), "--rho", "0.2", "--json"])
    assert risk.exit_code == 0, risk.output
    missing = runner.invoke(app, ["portfolio", "export-book", str(out)])
    assert missing.exit_code == 2 and "has no stored rating" in missing.stderr
