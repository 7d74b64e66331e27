from __future__ import annotations

import numpy as np
import pytest

from computecredit.portfolio.backend import get_backend
from computecredit.portfolio.inputs import FactorModel
from computecredit.portfolio.mc import CopulaModel, dask_mapper, local_mapper, mc_loss


def small_model(n: int = 300) -> CopulaModel:
    rng = np.random.default_rng(3)
    corr = np.array([[1.0, 0.5, 0.3], [0.5, 1.0, 0.4], [0.3, 0.4, 1.0]])
    factors = FactorModel(("a", "b", "c"), np.array([0.2, 0.25, 0.15]), np.zeros(3), corr)
    return CopulaModel.build(
        rng.uniform(1, 5, n), rng.uniform(0.005, 0.05, n), rng.integers(0, 3, n), factors.loadings(), factors.rho
    )


def test_same_seed_same_answer_whatever_the_number_of_workers() -> None:
    model = small_model()
    one = mc_loss(model, 0.99, simulations=3000, batch_size=500, seed=4, workers=1)
    two = mc_loss(model, 0.99, simulations=3000, batch_size=500, seed=4, workers=2)
    assert (one.var, one.es, one.var_std_error) == (two.var, two.es, two.var_std_error)
    assert np.array_equal(one.contributions, two.contributions)
    other = mc_loss(model, 0.99, simulations=3000, batch_size=500, seed=5, workers=2)
    assert other.var != one.var or other.es != one.es


def test_dask_local_cluster_gives_the_single_machine_answer() -> None:
    distributed = pytest.importorskip("distributed")
    model = small_model()
    local = mc_loss(model, 0.99, simulations=2000, batch_size=500, seed=9, workers=1)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = mc_loss(model, 0.99, simulations=2000, batch_size=500, seed=9, mapper=dask_mapper(client))
    assert (local.var, local.es, local.var_std_error, local.simulations) == (
        remote.var,
        remote.es,
        remote.var_std_error,
        remote.simulations,
    )
    assert np.array_equal(local.contributions, remote.contributions)


def test_target_error_loop_reaches_the_target() -> None:
    model = small_model()
    result = mc_loss(model, 0.99, simulations=1000, batch_size=500, target_error=0.005, seed=1, workers=1)
    assert result.details["converged"]
    assert result.var_std_error / result.var <= 0.005
    assert result.simulations > 1000


def test_importance_sampling_reduces_the_error() -> None:
    model = small_model()
    shifted = mc_loss(model, 0.999, simulations=4000, seed=2, workers=1, contributions=False)
    plain = mc_loss(
        model, 0.999, simulations=4000, seed=2, workers=1, contributions=False, importance_sampling=False
    )
    assert np.linalg.norm(shifted.details["factor_shift"]) > 1.0
    assert shifted.var_std_error < plain.var_std_error
    assert abs(shifted.var - plain.var) < 3 * np.hypot(shifted.var_std_error, plain.var_std_error) + 5


def test_contributions_sum_to_es() -> None:
    result = mc_loss(small_model(), 0.995, simulations=2000, seed=8, workers=1)
    assert result.contributions.sum() == pytest.approx(result.es, rel=1e-9)
    assert np.all(result.contributions >= 0)


def test_backend_dispatch_falls_back_to_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    import computecredit.portfolio.backend as backend

    monkeypatch.setattr(backend, "_cupy_module", lambda: None)
    assert backend.get_backend("auto").name == "numpy"
    with pytest.raises(backend.InputError, match="CuPy"):
        backend.get_backend("cupy")
    with pytest.raises(backend.InputError, match="backend"):
        backend.get_backend("tpu")
    normals = get_backend("numpy").standard_normal(np.random.SeedSequence(1), (2, 3))
    assert normals.dtype == np.float32 and normals.shape == (2, 3)


def test_local_mapper_keeps_batch_order() -> None:
    assert local_mapper(2)(lambda b: b * b, range(6)) == [0, 1, 4, 9, 16, 25]


def test_cupy_code_path_runs_with_a_numpy_stand_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """The GPU branch (its generator, host copies, float matvec) exercised with NumPy standing in for CuPy."""
    from types import SimpleNamespace

    import computecredit.portfolio.mc as mc
    from computecredit.portfolio.backend import Backend

    stand_in = SimpleNamespace(
        asarray=np.asarray,
        zeros=np.zeros,
        float32=np.float32,
        asnumpy=np.asarray,
        random=SimpleNamespace(default_rng=np.random.default_rng),
    )
    monkeypatch.setattr(mc, "get_backend", lambda name="auto": Backend("cupy", stand_in))  # type: ignore[arg-type]
    model = small_model()
    gpu_like = mc_loss(model, 0.99, simulations=3000, seed=4, workers=1)
    again = mc_loss(model, 0.99, simulations=3000, seed=4, workers=2)
    assert gpu_like.details["backend"] == "cupy"
    assert (gpu_like.var, gpu_like.es) == (again.var, again.es)
    monkeypatch.undo()
    reference = mc_loss(model, 0.99, simulations=3000, seed=4, workers=1)
    assert abs(gpu_like.var - reference.var) < 4 * np.hypot(gpu_like.var_std_error, reference.var_std_error) + 5
    assert gpu_like.contributions.sum() == pytest.approx(gpu_like.es, rel=1e-9)


def test_reported_standard_error_matches_the_spread_across_seeds() -> None:
    model = small_model()
    runs = [
        mc_loss(model, 0.995, simulations=2000, batch_size=500, seed=seed, workers=1, contributions=False)
        for seed in range(16)
    ]
    spread = np.std([r.var for r in runs], ddof=1)
    reported = np.mean([r.var_std_error for r in runs])
    assert 0.5 < spread / reported < 2.0
    es_spread = np.std([r.es for r in runs], ddof=1)
    assert 0.5 < es_spread / np.mean([r.es_std_error for r in runs]) < 2.0


def test_cupy_backend_on_a_gpu() -> None:
    """Runs only where CuPy and a GPU are present: the GPU answer agrees with NumPy's within the error."""
    pytest.importorskip("cupy")
    if get_backend("auto").name != "cupy":
        pytest.skip("CuPy is installed but no GPU is visible")
    model = small_model()
    gpu = mc_loss(model, 0.99, simulations=4000, seed=3, backend="cupy")
    cpu = mc_loss(model, 0.99, simulations=4000, seed=3, backend="numpy")
    assert gpu.details["backend"] == "cupy"
    assert abs(gpu.var - cpu.var) < 4 * np.hypot(gpu.var_std_error, cpu.var_std_error) + 5
    assert gpu.contributions.sum() == pytest.approx(gpu.es, rel=1e-9)
