from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tests.portfolio.conftest import make_book

from computecredit.errors import InputError
from computecredit.portfolio.inputs import FactorModel, Portfolio, factor_model_from_mapping, load_portfolio_csv


def test_pd_outside_unit_interval_names_the_row() -> None:
    frame = make_book(5)
    frame.loc[3, "pd"] = 1.2
    with pytest.raises(InputError) as err:
        Portfolio.from_frame(frame, source="book.csv")
    assert "book.csv, row 4: field 'pd' = 1.2: must lie in [0, 1]" in str(err.value)


def test_missing_column_and_non_numbers_are_reported(tmp_path: Path) -> None:
    frame = make_book(3).drop(columns=["lgd"])
    with pytest.raises(InputError, match="missing required column"):
        Portfolio.from_frame(frame)
    frame = make_book(3).astype({"ead": object})
    frame.loc[1, "ead"] = "lots"
    with pytest.raises(InputError, match="row 2: field 'ead' = 'lots'"):
        Portfolio.from_frame(frame)


def test_rows_of_one_obligor_must_agree_on_pd() -> None:
    frame = make_book(3)
    frame.loc[2, "obligor_id"] = frame.loc[0, "obligor_id"]
    frame.loc[2, "sector"] = frame.loc[0, "sector"]
    with pytest.raises(InputError, match="row 3: field 'pd'"):
        Portfolio.from_frame(frame)


def test_obligor_rows_are_aggregated() -> None:
    frame = make_book(3)
    frame.loc[2, ["obligor_id", "sector", "pd"]] = frame.loc[0, ["obligor_id", "sector", "pd"]]
    book = Portfolio.from_frame(frame)
    obligors = book.obligors()
    assert obligors.n == 2
    assert obligors.exposure[0] == pytest.approx(book.exposure[0] + book.exposure[2])
    assert book.row_to_obligor().tolist() == [0, 1, 0]


def test_non_psd_correlation_is_rejected() -> None:
    document = {
        "sectors": {"a": {"rho": 0.2}, "b": {"rho": 0.2}, "c": {"rho": 0.2}},
        "correlation": [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]],
    }
    with pytest.raises(InputError, match="positive semi-definite"):
        factor_model_from_mapping(document, source="f.yaml")


def test_singular_all_ones_correlation_gives_one_factor() -> None:
    model = FactorModel(("a", "b", "c"), np.full(3, 0.2), np.zeros(3), np.ones((3, 3)))
    loadings = model.loadings()
    assert loadings.shape == (3, 1)
    assert np.allclose(loadings @ loadings.T, np.ones((3, 3)))


def test_sector_missing_from_model_names_the_row(book_csv: Path) -> None:
    book = load_portfolio_csv(book_csv)
    model = factor_model_from_mapping({"sectors": {"servers": {"rho": 0.2}}})
    with pytest.raises(InputError, match=r"book.csv, row 2: field 'sector' = 'chips': not in the factor model"):
        model.sector_index(book.sector, source=book.source)


def test_rho_must_be_below_one() -> None:
    with pytest.raises(InputError, match=r"sectors.a.rho"):
        factor_model_from_mapping({"sectors": {"a": {"rho": 1.0}}})
