from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.portfolio.conftest import make_book
from typer.testing import CliRunner

from computecredit.cli.main import app

runner = CliRunner()


def run_json(*args: str) -> dict:
    result = runner.invoke(app, ["portfolio", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("method", ["vasicek", "mc", "creditriskplus"])
def test_risk_json_keys_and_contributions(book_csv: Path, factors_yaml: Path, method: str) -> None:
    extra = ["--simulations", "2000", "--seed", "3"] if method == "mc" else []
    out = run_json(
        "risk", str(book_csv), "--method", method, "--factors", str(factors_yaml), "--confidence", "0.99", *extra
    )
    for key in ("expected_loss", "unexpected_loss", "var", "es"):
        assert out[key] > 0
    assert out["es"] >= out["var"] >= out["expected_loss"]
    assert ("var_std_error" in out) == (method == "mc")
    for dim in ("obligor", "group", "sector", "region", "hub"):
        assert dim in out["contributions"]
        assert out["concentration"][dim]["hhi"] > 0
    assert sum(out["contributions"]["sector"].values()) == pytest.approx(out["es"], rel=1e-9)


def test_risk_with_one_common_factor(book_csv: Path) -> None:
    vasicek = run_json("risk", str(book_csv), "--method", "vasicek", "--rho", "0.2")
    mc = run_json(
        "risk", str(book_csv), "--method", "mc", "--rho", "0.2", "--simulations", "3000", "--confidence", "0.99"
    )
    assert vasicek["var"] > 0 and mc["var_std_error"] > 0


def test_bad_pd_exits_2_naming_the_row(tmp_path: Path) -> None:
    frame = make_book(6)
    frame.loc[4, "pd"] = -0.1
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    result = runner.invoke(app, ["portfolio", "risk", str(path), "--rho", "0.2", "--json"])
    assert result.exit_code == 2
    assert "row 5" in result.stderr and "'pd'" in result.stderr
    assert result.stdout == ""


def test_missing_sector_and_non_psd_exit_2(book_csv: Path, tmp_path: Path) -> None:
    partial = tmp_path / "partial.yaml"
    partial.write_text("sectors:\n  servers: {rho: 0.2, volatility: 0.5}\n", encoding="utf-8")
    result = runner.invoke(app, ["portfolio", "risk", str(book_csv), "--factors", str(partial)])
    assert result.exit_code == 2 and "not in the factor model" in result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "sectors:\n  a: {rho: 0.2}\n  b: {rho: 0.2}\ncorrelation: [[1, 1.5], [1.5, 1]]\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["portfolio", "risk", str(book_csv), "--factors", str(bad)])
    assert result.exit_code == 2 and "positive semi-definite" in result.stderr


def test_concentration_limit_use(book_csv: Path) -> None:
    out = run_json("concentration", str(book_csv), "--tier1-capital", "1e9")
    largest = out["obligor"]["largest"][0]
    assert largest["limit_use"]["single_customer_exposure"] == pytest.approx(largest["ead"] / 1.5e8)
    assert 0 < out["group"]["top_5"] <= 1


def test_human_output(book_csv: Path) -> None:
    result = runner.invoke(app, ["portfolio", "risk", str(book_csv), "--rho", "0.15"])
    assert result.exit_code == 0 and "Loss distribution" in result.stdout


def test_scheduler_option_runs_on_a_dask_cluster(book_csv: Path, factors_yaml: Path) -> None:
    distributed = pytest.importorskip("distributed")
    args = [
        "risk",
        str(book_csv),
        "--method",
        "mc",
        "--factors",
        str(factors_yaml),
        "--simulations",
        "2000",
        "--seed",
        "5",
    ]
    local = run_json(*args, "--workers", "1")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        remote = run_json(*args, "--scheduler", cluster.scheduler_address)
    assert (remote["var"], remote["es"], remote["var_std_error"]) == (
        local["var"],
        local["es"],
        local["var_std_error"],
    )
    assert remote["contributions"] == local["contributions"]


def test_unreachable_scheduler_exits_2(book_csv: Path) -> None:
    result = runner.invoke(
        app,
        [
            "portfolio",
            "risk",
            str(book_csv),
            "--method",
            "mc",
            "--rho",
            "0.2",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--scheduler-timeout",
            "1",
            "--json",
        ],
    )
    assert result.exit_code == 2 and "scheduler" in result.stderr
