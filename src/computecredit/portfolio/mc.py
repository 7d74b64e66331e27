"""Monte Carlo loss distribution of a multi-factor Gaussian-copula default model, with importance sampling.

Model: obligor i in sector s has the asset value X_i = √ρ_s·(B_s·Z) + √(1−ρ_s)·ε_i, Z ~ N(0, I_k) the
independent factors (B Bᵀ = the sector correlation matrix, see :meth:`FactorModel.loadings`), ε_i ~ N(0, 1);
it defaults when X_i < Φ⁻¹(PD_i). Given Z the defaults are independent with p_i(Z) = Φ(c_i − a_i·B_s·Z),
c_i = Φ⁻¹(PD_i)/√(1−ρ_s), a_i = √(ρ_s/(1−ρ_s)).

Variance reduction (Glasserman & Li, "Importance sampling for portfolio credit risk", Management Science
51(11), 2005): the factors are drawn from N(μ, I) and each scenario weighted by the likelihood ratio
exp(−μ·Z + ½μ·μ); μ maximises F_x(z) − ½z·z, where F_x(z) = −θ_x(z)·x + ψ(θ_x(z), z) is the log of the
exponential (Chernoff) bound on P(L > x | Z = z) and x the loss level of interest (a pilot estimate of VaR).
Given the factors, defaults are then sampled conditionally (one normal per obligor and scenario).

Errors (valid for lumpy, whole-default loss distributions; see :func:`weighted_tail`): s, the standard
error of the weighted tail-probability estimate at VaR (α = 1 − confidence), gives the 95% order-statistic
interval [Q̂(α + 1.96s), Q̂(α − 1.96s)] and se(VaR), the spread of the empirical quantile over the distinct
loss levels when P(VaR̂ ≤ x) ≈ Φ((α − T̂(x))/s) (the delta method s/f for a continuous loss; never zero for
a finite sample). se(ES) adds VaR's error weighted by the atom at VaR; se(UL) is the delta method on E[L²].

Reproducibility: scenario batch b draws from ``SeedSequence(seed, spawn_key=(stage, b))``; batches run in
any order on any number of threads or Dask workers and are combined in batch order, so the same seed gives
the same answer whatever the number of workers.

>>> model = CopulaModel.build(np.full(50, 1.0), np.full(50, 0.02), np.zeros(50, int), np.ones((1, 1)), np.array([0.2]))
>>> r = mc_loss(model, confidence=0.99, simulations=4000, seed=7, workers=1)
>>> 5 < r.var < 12 and r.var_std_error < 1.0
True
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from scipy.optimize import brentq, minimize
from scipy.special import ndtr, ndtri

from computecredit.errors import InputError
from computecredit.portfolio.backend import Backend, get_backend
from computecredit.portfolio.inputs import check_confidence
from computecredit.portfolio.results import LossResult

MAIN_STAGE = 0
PILOT_STAGE = 1
DEFAULT_BATCH = 1000
DEFAULT_SIMULATIONS = 20_000
TARGET_FIRST_ROUND = 2_000
PILOT_BATCH = 500
DEFAULT_MAX_SIMULATIONS = 2_000_000

# A batch mapper runs ``func`` on each batch index and returns the results in the same order.
BatchMapper = Callable[[Callable[[int], Any], Sequence[int]], list[Any]]


@dataclass(frozen=True)
class CopulaModel:
    """Arrays of the Gaussian-copula default model, obligors grouped by sector (``order`` maps back)."""

    exposure: np.ndarray
    threshold: np.ndarray
    slope: np.ndarray
    loadings: np.ndarray
    blocks: tuple[tuple[int, int, int], ...]
    order: np.ndarray
    pd: np.ndarray

    @property
    def n(self) -> int:
        return len(self.exposure)

    @property
    def factors(self) -> int:
        return self.loadings.shape[1]

    @classmethod
    def build(
        cls,
        exposure: np.ndarray,
        pd: np.ndarray,
        sector_index: np.ndarray,
        loadings: np.ndarray,
        rho_by_sector: np.ndarray,
    ) -> CopulaModel:
        """Group obligors by sector and precompute thresholds and factor slopes."""
        exposure = np.asarray(exposure, dtype=float)
        pd = np.asarray(pd, dtype=float)
        sector_index = np.asarray(sector_index, dtype=np.int64)
        loadings = np.atleast_2d(np.asarray(loadings, dtype=float))
        rho = np.asarray(rho_by_sector, dtype=float)[sector_index]
        order = np.argsort(sector_index, kind="stable")
        sorted_sectors = sector_index[order]
        blocks = []
        for s in np.unique(sorted_sectors):
            hits = np.flatnonzero(sorted_sectors == s)
            blocks.append((int(hits[0]), int(hits[-1]) + 1, int(s)))
        with np.errstate(divide="ignore"):
            threshold = ndtri(pd) / np.sqrt(1.0 - rho)
        return cls(
            exposure=exposure[order],
            threshold=threshold[order],
            slope=np.sqrt(rho / (1.0 - rho))[order],
            loadings=loadings,
            blocks=tuple(blocks),
            order=order,
            pd=pd[order],
        )


def _batch_seed(seed: int, stage: int, batch: int) -> np.random.SeedSequence:
    return np.random.SeedSequence(seed, spawn_key=(stage, batch))


def _default_blocks(
    model: CopulaModel, shift: np.ndarray, seed: int, stage: int, batch: int, size: int, backend: Backend
) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """Factor draws' log-weights, per-block default indicators, and losses for one batch."""
    sequence = _batch_seed(seed, stage, batch)
    factor_seed, idio_seed = sequence.spawn(2)
    z = np.random.Generator(np.random.PCG64(factor_seed)).standard_normal((size, model.factors)) + shift
    log_weight = -z @ shift + 0.5 * float(shift @ shift)
    systematic = z @ model.loadings.T
    xp = backend.xp
    losses = xp.zeros(size, dtype=np.float64)
    defaults = []
    for (start, stop, s), block_seed in zip(model.blocks, idio_seed.spawn(len(model.blocks)), strict=True):
        eps = backend.standard_normal(block_seed, (size, stop - start))
        # float32 thresholds: the comparison needs no more precision and halves the memory traffic.
        level = backend.asarray(model.threshold[start:stop].astype(np.float32))
        slope = backend.asarray(model.slope[start:stop].astype(np.float32))
        thresholds = level[None, :] - slope[None, :] * backend.asarray(systematic[:, [s]].astype(np.float32))
        hit = eps < thresholds
        losses += backend.weighted_sum(hit, backend.asarray(model.exposure[start:stop]))
        defaults.append(hit)
    return log_weight, defaults, backend.to_numpy(losses)


def simulate_batch(
    model: CopulaModel, shift: np.ndarray, seed: int, stage: int, size: int, backend_name: str, batch: int
) -> tuple[np.ndarray, np.ndarray]:
    """Losses and log likelihood-ratio weights of one batch of ``size`` scenarios (pure: same inputs → same
    outputs, on any worker)."""
    backend = get_backend(backend_name)
    log_weight, _, losses = _default_blocks(model, shift, seed, stage, batch, size, backend)
    return losses, log_weight


def tail_contribution_batch(
    model: CopulaModel,
    shift: np.ndarray,
    seed: int,
    size: int,
    backend_name: str,
    var: float,
    scale: float,
    batch: int,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Re-draw a main-stage batch and return, per obligor, Σ w·1{default}·1{L > var}, the same over the
    scenarios with L = var, and Σ w over those scenarios (weights divided by ``scale``)."""
    backend = get_backend(backend_name)
    log_weight, defaults, losses = _default_blocks(model, shift, seed, MAIN_STAGE, batch, size, backend)
    weight = np.exp(log_weight) / scale
    above = np.where(losses > var, weight, 0.0)
    at = np.where(losses == var, weight, 0.0)
    above_x = backend.asarray(above)
    at_x = backend.asarray(at)
    tail = np.concatenate([backend.to_numpy(above_x @ d.astype(np.float64)) for d in defaults])
    tie = np.concatenate([backend.to_numpy(at_x @ d.astype(np.float64)) for d in defaults])
    return tail, tie, float(at.sum())


def _psi(theta: float, p: np.ndarray, e: np.ndarray) -> float:
    """Conditional cumulant generating function ψ(θ) = Σ log(1 + p_i(e^{θ e_i} − 1))."""
    return float(np.log1p(p * np.expm1(theta * e)).sum())


def _psi_slope(theta: float, p: np.ndarray, e: np.ndarray) -> float:
    """ψ'(θ): the mean loss under the exponentially twisted default probabilities."""
    growth = np.expm1(theta * e)
    return float((e * p * (growth + 1.0) / (1.0 + p * growth)).sum())


def _tail_bound_objective(z: np.ndarray, model: CopulaModel, e: np.ndarray) -> tuple[float, np.ndarray]:
    """−(F_x(z) − ½z·z) and its gradient, exposures already scaled so that x = 1 (Glasserman & Li 2005)."""
    systematic = model.loadings @ z
    argument = np.empty(model.n)
    for start, stop, s in model.blocks:
        argument[start:stop] = model.threshold[start:stop] - model.slope[start:stop] * systematic[s]
    p = ndtr(argument)
    if float(e @ p) >= 1.0:
        theta = 0.0
    else:
        upper = 1.0
        while _psi_slope(upper, p, e) < 1.0 and upper < 1e6:
            upper *= 2.0
        if _psi_slope(upper, p, e) < 1.0:  # x is beyond the largest possible loss under this z
            theta = upper
        else:
            theta = brentq(lambda t: _psi_slope(t, p, e) - 1.0, 0.0, upper, xtol=1e-8)
    psi = _psi(theta, p, e)
    value = -theta + psi - 0.5 * float(z @ z)
    # Envelope theorem: θ is optimal, so dF/dz = ∂ψ/∂z at fixed θ.
    growth = np.expm1(theta * e)
    dpsi_dp = growth / (1.0 + p * growth)
    dp_dsys = -model.slope * np.exp(-0.5 * argument**2) / math.sqrt(2.0 * math.pi)
    per_sector = np.zeros(model.loadings.shape[0])
    for start, stop, s in model.blocks:
        per_sector[s] = float(dpsi_dp[start:stop] @ dp_dsys[start:stop])
    gradient = model.loadings.T @ per_sector - z
    return -value, -gradient


def glasserman_li_shift(model: CopulaModel, loss_level: float) -> np.ndarray:
    """Factor mean shift μ = argmax_z F_x(z) − ½z·z for the loss level ``loss_level`` (Glasserman & Li 2005).

    >>> m = CopulaModel.build(np.ones(100), np.full(100, 0.01), np.zeros(100, int), np.ones((1, 1)), np.array([0.3]))
    >>> bool(glasserman_li_shift(m, 10.0)[0] < -2.0)
    True
    """
    if loss_level <= 0 or not np.any(model.slope > 0):
        return np.zeros(model.factors)
    e = model.exposure / loss_level
    result = minimize(_tail_bound_objective, np.zeros(model.factors), args=(model, e), jac=True, method="BFGS")
    return np.asarray(result.x, dtype=float)


@dataclass(frozen=True)
class TailEstimate:
    var: float
    var_std_error: float
    var_interval: tuple[float, float]
    es: float
    es_std_error: float
    tail_probability: float
    second_moment: float
    second_moment_std_error: float


def _estimator_spread(values: np.ndarray, tail: np.ndarray, sigma: float, index: int, alpha: float) -> float:
    """Standard deviation of the empirical quantile over the distinct loss levels ``values``: P(VaR̂ ≤ x_k) =
    P(T̂(x_k) ≤ α) ≈ Φ((α − T̂(x_k))/σ), the estimator's own (discrete) distribution around VaR̂ = x_index.
    For a continuous loss this is the delta method σ/f; for whole-default steps it is the spread over the
    neighbouring steps, never zero while the tail-probability estimate has an error σ > 0."""
    z = (alpha - tail) / sigma
    z[-1] = np.inf
    # P(VaR̂ = x_k) = Φ(z_k) − Φ(z_{k−1}), from the survival side where z > 0: 1 − Φ(z) would round to 0 there
    # and hide the small but real chance of a neighbouring step.
    previous = np.r_[-np.inf, z[:-1]]
    mass = np.where(z <= 0.0, ndtr(z) - ndtr(previous), ndtr(-previous) - ndtr(-z))
    return float(np.sqrt(mass @ (values - values[index]) ** 2))


def weighted_tail(losses: np.ndarray, weights: np.ndarray, confidence: float, level: float = 0.95) -> TailEstimate:
    """VaR with its standard error and ``level`` confidence interval, ES (atom-corrected) with its error, and
    E[L²] with its error, from weighted scenarios (weights average ~1).

    VaR̂ is the smallest loss x with estimated tail probability T̂(x) = mean(w·1{L > x}) ≤ α = 1 − confidence,
    σ = std(w·1{L > VaR̂})/√n the standard error of T̂ there (when no scenario lies beyond VaR̂, the binomial
    √(α(1−α)/ESS) instead: a level the sample barely reaches is not certain). The errors hold for lumpy
    (whole-default) distributions: the interval is the order-statistic one, [Q̂(α + zσ), Q̂(α − zσ)] (the
    levels where T(x) = α cannot be rejected), and the standard error is the spread of the estimator over the
    distinct loss levels (:func:`_estimator_spread`), not a difference quotient that collapses onto one step.

    >>> rng = np.random.default_rng(0)
    >>> est = weighted_tail(rng.standard_normal(200_000), np.ones(200_000), 0.99)
    >>> round(est.var, 1), round(est.es, 1), round(est.var_std_error, 3)  # delta method: 0.0083
    (2.3, 2.7, 0.008)
    >>> lumpy = weighted_tail(rng.binomial(50, 0.1, 20_000).astype(float), np.ones(20_000), 0.99)
    >>> lumpy.var, lumpy.var_std_error > 0, lumpy.var_interval  # the exact 99% quantile is 10
    (11.0, True, (10.0, 11.0))
    """
    n = len(losses)
    alpha = 1.0 - confidence
    values, inverse = np.unique(losses, return_inverse=True)
    mass = np.bincount(inverse, weights=weights, minlength=len(values)) / n
    mass_sq = np.bincount(inverse, weights=weights**2, minlength=len(values)) / n
    # T̂(x_k) = mean(w·1{L > x_k}) and E[w²·1{L > x_k}], from the top down.
    tail = np.cumsum(mass[::-1])[::-1] - mass
    tail_sq = np.cumsum(mass_sq[::-1])[::-1] - mass_sq
    index = int(np.argmax(tail <= alpha))
    var = float(values[index])
    sigma = math.sqrt(max(float(tail_sq[index] - tail[index] ** 2), 0.0) / n)
    if sigma == 0.0:
        effective = float(weights.sum() ** 2 / (weights**2).sum())
        sigma = math.sqrt(alpha * (1.0 - alpha) / effective)
    z = float(ndtri(0.5 + level / 2.0))
    lower = float(values[int(np.argmax(tail <= alpha + z * sigma))])
    reachable = tail <= alpha - z * sigma
    upper = float(values[int(np.argmax(reachable))] if reachable.any() else values[-1])
    var_std_error = _estimator_spread(values, tail, sigma, index, alpha)
    tail_probability = float(tail[index])
    above = losses > var
    es = (float((weights * losses)[above].sum() / n) + var * (alpha - tail_probability)) / alpha
    # ES = v + E[(L − v)⁺]/α at v = VaR; dES/dv = (α − T(v))/α, zero for a continuous loss (Rockafellar–Uryasev)
    # but not when VaR sits on an atom, so VaR's own error enters with that weight.
    excess_error = float(np.std(weights * np.maximum(losses - var, 0.0)) / math.sqrt(n) / alpha)
    es_std_error = math.hypot(excess_error, (alpha - tail_probability) / alpha * var_std_error)
    weighted_square = weights * losses**2
    return TailEstimate(
        var=var,
        var_std_error=var_std_error,
        var_interval=(lower, upper),
        es=es,
        es_std_error=es_std_error,
        tail_probability=tail_probability,
        second_moment=float(weighted_square.sum() / n),
        second_moment_std_error=float(np.std(weighted_square) / math.sqrt(n)),
    )


def _relative_error(estimate: TailEstimate) -> float:
    """VaR's standard error relative to VaR; infinite when VaR is the largest simulated loss (nothing beyond
    it was seen, so the sample cannot bound it from above) or 0 with an error (nothing to stop on)."""
    if estimate.tail_probability == 0.0:
        return math.inf
    if estimate.var > 0:
        return estimate.var_std_error / estimate.var
    return 0.0 if estimate.var_std_error == 0 else math.inf


def local_mapper(workers: int | None = None) -> BatchMapper:
    """Run batches on a thread pool (NumPy's generators release the GIL while filling arrays)."""
    count = workers or os.cpu_count() or 1

    def run(func: Callable[[int], Any], batches: Sequence[int]) -> list[Any]:
        if count == 1 or len(batches) == 1:
            return [func(b) for b in batches]
        with ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(func, batches))

    return run


def _apply(batch: int, target: Callable[..., Any], args: list[Any]) -> Any:
    return target(*args, batch)


def dask_mapper(client: Any) -> BatchMapper:
    """Run batches as tasks on a Dask ``distributed.Client``; results come back in batch order.

    The model travels once per worker (``scatter(broadcast=True)``), each task gets only its batch index.
    """

    scattered: dict[int, tuple[CopulaModel, Any]] = {}

    def shared(model: CopulaModel) -> Any:
        # One copy per model for the mapper's lifetime: re-scattering the same data between rounds races
        # with the release of the previous copy.
        if id(model) not in scattered:
            scattered[id(model)] = (model, client.scatter(model, broadcast=True, hash=False))
        return scattered[id(model)][1]

    def run(func: Callable[[int], Any], batches: Sequence[int]) -> list[Any]:
        target, args = (func.func, list(func.args)) if isinstance(func, partial) else (func, [])
        # Futures are resolved only when they are visible task arguments, not inside a partial.
        args = [shared(a) if isinstance(a, CopulaModel) else a for a in args]
        futures = client.map(_apply, list(batches), target=target, args=args, pure=False)
        return list(client.gather(futures))

    return run


def mc_loss(
    model: CopulaModel,
    confidence: float = 0.999,
    simulations: int | None = None,
    target_error: float | None = None,
    seed: int = 0,
    batch_size: int = DEFAULT_BATCH,
    importance_sampling: bool = True,
    contributions: bool = True,
    max_simulations: int = DEFAULT_MAX_SIMULATIONS,
    workers: int | None = None,
    mapper: BatchMapper | None = None,
    backend: str = "auto",
    progress: Callable[[int, float | None], None] | None = None,
) -> LossResult:
    """Simulate the loss distribution; with ``target_error`` keep adding batches until the relative standard
    error of VaR is at most that (or ``max_simulations`` is reached; ``details['converged']`` says which).

    ``simulations`` is the size of the first round (the whole run without a target). ``mapper`` runs the
    batches (default: a local thread pool with ``workers`` threads; :func:`dask_mapper` for a cluster).
    ``progress(total_scenarios, relative_error)`` is called after each round.
    """
    confidence = check_confidence(confidence)
    if target_error is not None and not 0 < target_error < 1:
        raise InputError("target_error", target_error, "must lie strictly between 0 and 1")
    first_round = simulations or (TARGET_FIRST_ROUND if target_error is not None else DEFAULT_SIMULATIONS)
    if first_round < 1 or batch_size < 1:
        raise InputError("simulations", first_round, "must be a positive number of scenarios")
    run_batches = mapper or local_mapper(workers)
    chosen_backend = get_backend(backend).name
    expected_loss = float(model.exposure @ model.pd)

    shift = np.zeros(model.factors)
    pilot_var = None
    if importance_sampling:
        # Aim the shift at a first guess of VaR (the one-factor, comonotone-sector quantile), refine it with a
        # small pilot run, and aim again at the pilot's VaR.
        guess = float(model.exposure @ ndtr(model.threshold + model.slope * ndtri(confidence)))
        shift = glasserman_li_shift(model, guess)
        pilot_size = min(batch_size, PILOT_BATCH)
        pilot = run_batches(
            partial(simulate_batch, model, shift, seed, PILOT_STAGE, pilot_size, chosen_backend), [0, 1]
        )
        pilot_losses = np.concatenate([p[0] for p in pilot])
        pilot_weights = np.exp(np.concatenate([p[1] for p in pilot]))
        pilot_var = weighted_tail(pilot_losses, pilot_weights, confidence).var
        shift = glasserman_li_shift(model, max(pilot_var, expected_loss))

    func = partial(simulate_batch, model, shift, seed, MAIN_STAGE, batch_size, chosen_backend)
    results: list[tuple[np.ndarray, np.ndarray]] = []
    planned = math.ceil(first_round / batch_size)
    converged = target_error is None
    while True:
        results.extend(run_batches(func, range(len(results), len(results) + planned)))
        losses = np.concatenate([r[0] for r in results])
        weights = np.exp(np.concatenate([r[1] for r in results]))
        estimate = weighted_tail(losses, weights, confidence)
        relative = _relative_error(estimate)
        if progress is not None:
            progress(len(losses), relative)
        if target_error is None:
            break
        if relative <= target_error:
            converged = True
            break
        total = len(losses)
        if total >= max_simulations:
            break
        needed = total * ((relative / target_error) ** 2 * 1.1 - 1.0)
        planned = max(1, math.ceil(min(needed, max_simulations - total) / batch_size))

    total = len(losses)
    if contributions:
        contribution_parts = run_batches(
            partial(
                tail_contribution_batch, model, shift, seed, batch_size, chosen_backend, estimate.var, float(total)
            ),
            range(len(results)),
        )
        tail = np.sum([c[0] for c in contribution_parts], axis=0)
        tie = np.sum([c[1] for c in contribution_parts], axis=0)
        tie_weight = float(sum(c[2] for c in contribution_parts))
        alpha = 1.0 - confidence
        atom_share = (alpha - estimate.tail_probability) * (tie / tie_weight if tie_weight > 0 else 0.0)
        allocated = model.exposure * (tail + atom_share) / alpha
        by_obligor = np.empty(model.n)
        by_obligor[model.order] = allocated
    else:
        by_obligor = np.full(model.n, np.nan)
    variance = max(estimate.second_moment - expected_loss**2, 0.0)
    unexpected_loss = math.sqrt(variance)
    return LossResult(
        method="mc",
        confidence=confidence,
        expected_loss=expected_loss,
        unexpected_loss=unexpected_loss,
        var=estimate.var,
        es=estimate.es,
        contributions=by_obligor,
        var_std_error=estimate.var_std_error,
        es_std_error=estimate.es_std_error,
        ul_std_error=estimate.second_moment_std_error / (2.0 * unexpected_loss) if unexpected_loss > 0 else None,
        var_interval=estimate.var_interval,
        simulations=total,
        details={
            "importance_sampling": importance_sampling,
            "factor_shift": shift.tolist(),
            "pilot_var": pilot_var,
            "pilot_simulations": 2 * min(batch_size, PILOT_BATCH) if importance_sampling else 0,
            "batches": len(results),
            "batch_size": batch_size,
            "converged": converged,
            "backend": chosen_backend,
            "effective_sample_size": float(weights.sum() ** 2 / (weights**2).sum()),
        },
    )
