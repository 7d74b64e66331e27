"""Portfolio and factor-model inputs: loading, validation, and the arrays the loss engines use.

A book is a table of exposures with the columns ``obligor_id, group_id, sector, region, ead, pd, lgd,
maturity`` (ead in 元, pd and lgd as fractions, maturity in years) and optionally ``hub`` (东数西算 hub;
derived from ``region`` when absent). Several rows may belong to one obligor (several facilities): they
default together, so they must carry the same ``pd`` and ``sector``.

Optional loan-term columns (used by the ECL engine; defaults keep older books valid): ``amortisation``
(``bullet`` | ``annuity`` | ``equal_principal`` | ``schedule``; default bullet), ``eir`` (effective annual
interest rate, fraction; default 0), ``frequency`` (payments a year: 1, 2, 4, 12 or annual, semiannual,
quarterly, monthly; default 1) and ``schedule`` (opening balances per period, ``;``-separated, for
``amortisation = schedule``). CreditRisk+ sector weights: columns ``weight_<sector>`` (one per sector of the
factor model, fractions summing to at most 1, the rest idiosyncratic); without them each obligor belongs
wholly to its ``sector``.

A factor model gives each sector an asset correlation ``rho`` with its systematic factor (Gaussian models)
and a default-rate ``volatility`` (CreditRisk+), plus the correlation matrix between the sector factors,
which may be singular (e.g. all ones: one common factor).

>>> book = Portfolio.from_records([
...     {"obligor_id": "A", "group_id": "G1", "sector": "servers", "region": "北京", "ead": 100.0,
...      "pd": 0.01, "lgd": 0.45, "maturity": 2.0},
...     {"obligor_id": "B", "group_id": "G1", "sector": "chips", "region": "宁夏", "ead": 50.0,
...      "pd": 0.02, "lgd": 0.6, "maturity": 1.0}])
>>> book.obligors().exposure.tolist()
[45.0, 30.0]
>>> book.hub.tolist()
['京津冀', '宁夏']
>>> FactorModel.one_factor(0.2, ["chips", "servers"]).loadings().shape
(2, 1)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pandas import DataFrame

from computecredit import reference
from computecredit.errors import InputError, Problem
from computecredit.portfolio.schedule import AMORTISATIONS

REQUIRED_COLUMNS = ("obligor_id", "group_id", "sector", "region", "ead", "pd", "lgd", "maturity")
WEIGHT_PREFIX = "weight_"
FREQUENCY_NAMES = {"annual": 1, "semiannual": 2, "quarterly": 4, "monthly": 12}
HUB_TABLE = "east_data_west_compute_hubs.csv"
NO_HUB = "非枢纽"


def region_to_hub(regions: Iterable[str]) -> np.ndarray:
    """Map provinces to the eight 东数西算 national compute hubs (others: ``非枢纽``).

    >>> region_to_hub(["上海", "贵州", "Xinjiang"]).tolist()
    ['长三角', '贵州', '非枢纽']
    """
    table = reference.load_csv(HUB_TABLE)
    mapping = {}
    for row in table.itertuples():
        mapping[str(row.province_zh)] = str(row.hub_zh)
        mapping[str(row.province_en).lower()] = str(row.hub_zh)
    return np.array([mapping.get(str(r), mapping.get(str(r).lower(), NO_HUB)) for r in regions], dtype=object)


@dataclass(frozen=True)
class ObligorArrays:
    """One entry per obligor: what the loss engines consume (exposure = Σ ead·lgd over its rows)."""

    obligor_id: np.ndarray
    sector: np.ndarray
    exposure: np.ndarray
    pd: np.ndarray

    @property
    def n(self) -> int:
        return len(self.obligor_id)


@dataclass(frozen=True)
class LoanTerms:
    """One row's repayment terms (see the module docstring for the columns and defaults)."""

    amortisation: str = "bullet"
    eir: float = 0.0
    frequency: int = 1
    balances: tuple[float, ...] | None = None


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _loan_terms_of_row(values: Mapping[str, Any]) -> LoanTerms:
    """Parse one row's optional loan columns; raises InputError naming the column."""
    amortisation = "bullet" if _missing(values.get("amortisation")) else str(values["amortisation"]).strip()
    if amortisation not in AMORTISATIONS:
        raise InputError("amortisation", amortisation, f"must be one of {', '.join(AMORTISATIONS)}")
    raw_eir: Any = values.get("eir")
    try:
        eir = 0.0 if _missing(raw_eir) else float(raw_eir)
    except (TypeError, ValueError):
        raise InputError("eir", raw_eir, "must be a number (a fraction a year)") from None
    if not (math.isfinite(eir) and 0.0 <= eir < 1.0):
        raise InputError("eir", raw_eir, "must lie in [0, 1) (a fraction a year, not %)")
    raw_frequency = values.get("frequency")
    text = "" if _missing(raw_frequency) else str(raw_frequency).strip().lower()
    try:
        frequency = 1 if text == "" else FREQUENCY_NAMES.get(text) or int(float(text))
    except ValueError:
        frequency = 0
    if frequency not in (1, 2, 3, 4, 6, 12):
        raise InputError(
            "frequency",
            raw_frequency,
            f"must be payments a year (1, 2, 3, 4, 6, 12) or {', '.join(FREQUENCY_NAMES)}",
        )
    balances = None
    raw_schedule = values.get("schedule")
    if amortisation == "schedule":
        try:
            balances = tuple(float(x) for x in str(raw_schedule).split(";") if x.strip())
        except ValueError:
            balances = ()
        if _missing(raw_schedule) or not balances or any(not math.isfinite(b) or b < 0 for b in balances):
            raise InputError(
                "schedule", raw_schedule, "needs the opening balance (≥ 0) of each period, ';'-separated"
            )
    return LoanTerms(amortisation, eir, frequency, balances)


@dataclass(frozen=True)
class Portfolio:
    """A validated book of exposures (one row per facility), as NumPy arrays."""

    obligor_id: np.ndarray
    group_id: np.ndarray
    sector: np.ndarray
    region: np.ndarray
    hub: np.ndarray
    ead: np.ndarray
    pd: np.ndarray
    lgd: np.ndarray
    maturity: np.ndarray
    source: str | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ead)

    @property
    def exposure(self) -> np.ndarray:
        """Loss if the row defaults: ead × lgd (元)."""
        return self.ead * self.lgd

    def frame(self) -> DataFrame:
        """The book as a DataFrame (one row per exposure)."""
        columns = {name: getattr(self, name) for name in (*REQUIRED_COLUMNS, "hub")}
        return DataFrame({**columns, **self.extra})

    def replace(self, **changes: Any) -> Portfolio:
        """A copy with some arrays replaced (e.g. stressed ``pd`` or ``lgd``), validated again."""
        frame = self.frame()
        for name, values in changes.items():
            frame[name] = values
        return Portfolio.from_frame(frame, source=self.source)

    def obligors(self) -> ObligorArrays:
        """Aggregate rows to obligors in order of first appearance."""
        ids, first, inverse = np.unique(self.obligor_id.astype(str), return_index=True, return_inverse=True)
        order = np.argsort(first)
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        position = rank[inverse]
        exposure = np.bincount(position, weights=self.exposure, minlength=len(ids))
        return ObligorArrays(
            obligor_id=ids[order].astype(object),
            sector=self.sector[first[order]],
            exposure=exposure,
            pd=self.pd[first[order]].astype(float),
        )

    def loan_terms(self) -> list[LoanTerms]:
        """Each row's repayment terms from the optional loan columns, defaults filled in; every bad value is
        reported with its row.

        >>> Portfolio.from_records([{"obligor_id": "A", "group_id": "G", "sector": "s", "region": "北京",
        ...     "ead": 1.0, "pd": 0.01, "lgd": 0.4, "maturity": 3, "amortisation": "annuity", "eir": 0.05,
        ...     "frequency": "quarterly"}]).loan_terms()
        [LoanTerms(amortisation='annuity', eir=0.05, frequency=4, balances=None)]
        """
        columns = [c for c in ("amortisation", "eir", "frequency", "schedule") if c in self.extra]
        terms: list[LoanTerms] = []
        problems: list[Problem] = []
        for row in range(self.n):
            try:
                terms.append(_loan_terms_of_row({c: self.extra[c][row] for c in columns}))
            except InputError as exc:
                problems.extend(exc.with_source(self.source, row + 1).problems)
        if problems:
            raise InputError(problems=problems)
        return terms

    def sector_weights(self, sectors: Sequence[str]) -> np.ndarray | None:
        """Per obligor (:meth:`obligors` order), its weights on ``sectors`` from the ``weight_<sector>``
        columns (missing or empty = 0), or None when the book has none. An obligor's weights are read from
        its first row.

        >>> book = Portfolio.from_records([{"obligor_id": "A", "group_id": "G", "sector": "idc", "region": "北京",
        ...     "ead": 1.0, "pd": 0.01, "lgd": 0.4, "maturity": 1, "weight_idc": 0.6, "weight_cloud": 0.3}])
        >>> book.sector_weights(["idc", "cloud", "chips"]).tolist()
        [[0.6, 0.3, 0.0]]
        """
        columns = {c[len(WEIGHT_PREFIX) :]: c for c in self.extra if c.startswith(WEIGHT_PREFIX)}
        if not columns:
            return None
        unknown = sorted(set(columns) - set(sectors))
        if unknown:
            raise InputError(
                "columns",
                [columns[u] for u in unknown],
                f"sectors not in the factor model ({', '.join(sectors)})",
                source=self.source,
            )
        first = np.sort(np.unique(self.obligor_id.astype(str), return_index=True)[1])  # obligors() order
        matrix = np.zeros((len(first), len(sectors)))
        for k, name in enumerate(sectors):
            if name in columns:
                values = pd.to_numeric(pd.Series(self.extra[columns[name]]), errors="coerce").fillna(0.0)
                matrix[:, k] = values.to_numpy(dtype=float)[first]
        problems = [
            Problem(
                "weight_*", matrix[i].tolist(), "weights must be ≥ 0 and sum to ≤ 1", self.source, int(row) + 1
            )
            for i, row in enumerate(first)
            if np.any(matrix[i] < 0) or matrix[i].sum() > 1.0 + 1e-9
        ]
        if problems:
            raise InputError(problems=problems)
        return matrix

    def row_to_obligor(self) -> np.ndarray:
        """Index into :meth:`obligors` of each row."""
        ids = self.obligors().obligor_id.astype(str)
        lookup = {oid: i for i, oid in enumerate(ids)}
        return np.array([lookup[str(o)] for o in self.obligor_id])

    @classmethod
    def from_records(cls, records: Sequence[Mapping[str, Any]], source: str | None = None) -> Portfolio:
        """Build and validate from dicts (one per exposure)."""
        return cls.from_frame(DataFrame(list(records)), source=source)

    @classmethod
    def from_frame(cls, frame: DataFrame, source: str | None = None) -> Portfolio:
        """Build and validate from a DataFrame; every problem names its (1-based data) row and column."""
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            raise InputError(
                "columns", list(frame.columns), f"missing required column(s) {missing}", source=source
            )
        if len(frame) == 0:
            raise InputError("rows", 0, "the book has no exposures", source=source)
        problems: list[Problem] = []
        numeric: dict[str, np.ndarray] = {}
        for name in ("ead", "pd", "lgd", "maturity"):
            values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
            for row in np.flatnonzero(~np.isfinite(values)):
                problems.append(
                    Problem(name, frame[name].iloc[row], "must be a finite number", source, int(row) + 1)
                )
            numeric[name] = values
        for name, low, high in (("pd", 0.0, 1.0), ("lgd", 0.0, 1.0)):
            bad = (numeric[name] < low) | (numeric[name] > high)
            for row in np.flatnonzero(bad):
                problems.append(
                    Problem(name, float(numeric[name][row]), "must lie in [0, 1]", source, int(row) + 1)
                )
        for name in ("ead", "maturity"):
            for row in np.flatnonzero(numeric[name] < 0):
                problems.append(Problem(name, float(numeric[name][row]), "must be ≥ 0", source, int(row) + 1))
        text: dict[str, np.ndarray] = {}
        for name in ("obligor_id", "group_id", "sector", "region"):
            column = frame[name]
            for row in np.flatnonzero(column.isna().to_numpy() | (column.astype(str).str.strip() == "")):
                problems.append(Problem(name, None, "must not be empty", source, int(row) + 1))
            text[name] = column.astype(str).str.strip().to_numpy(dtype=object)
        if problems:
            raise InputError(problems=problems)
        _check_obligor_consistency(text["obligor_id"], text["sector"], numeric["pd"], source)
        if "hub" in frame.columns:
            hub = frame["hub"].fillna("").astype(str).str.strip().to_numpy(dtype=object)
            derived = region_to_hub(text["region"])
            hub = np.where(hub == "", derived, hub)
        else:
            hub = region_to_hub(text["region"])
        extra = {
            c: frame[c].to_numpy() for c in frame.columns if c not in (*REQUIRED_COLUMNS, "hub") and c != "index"
        }
        return cls(
            obligor_id=text["obligor_id"],
            group_id=text["group_id"],
            sector=text["sector"],
            region=text["region"],
            hub=hub,
            ead=numeric["ead"],
            pd=numeric["pd"],
            lgd=numeric["lgd"],
            maturity=numeric["maturity"],
            source=source,
            extra=extra,
        )


def _check_obligor_consistency(ids: np.ndarray, sector: np.ndarray, pd_: np.ndarray, source: str | None) -> None:
    seen: dict[str, tuple[str, float, int]] = {}
    problems = []
    for row, (oid, sec, p) in enumerate(zip(ids, sector, pd_, strict=True)):
        if oid not in seen:
            seen[oid] = (sec, float(p), row)
            continue
        first_sector, first_pd, first_row = seen[oid]
        if sec != first_sector:
            problems.append(
                Problem(
                    "sector",
                    sec,
                    f"obligor {oid} has sector {first_sector!r} on row {first_row + 1}",
                    source,
                    row + 1,
                )
            )
        if float(p) != first_pd:
            problems.append(
                Problem(
                    "pd", float(p), f"obligor {oid} has pd {first_pd} on row {first_row + 1}", source, int(row) + 1
                )
            )
    if problems:
        raise InputError(problems=problems)


def load_portfolio_csv(path: str | Path) -> Portfolio:
    """Read and validate a book CSV (see the module docstring for the columns)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    frame = pd.read_csv(path, dtype={"obligor_id": str, "group_id": str})
    return Portfolio.from_frame(frame, source=path.name)


@dataclass(frozen=True)
class FactorModel:
    """Sector factors: asset correlation ``rho`` and default-rate ``volatility`` per sector, and the
    correlation between sector factors (positive semi-definite, unit diagonal, may be singular)."""

    sectors: tuple[str, ...]
    rho: np.ndarray
    volatility: np.ndarray
    correlation: np.ndarray
    source: str | None = None

    def __post_init__(self) -> None:
        k = len(self.sectors)
        where = self.source
        if k == 0:
            raise InputError("sectors", [], "at least one sector is needed", source=where)
        corr = np.asarray(self.correlation, dtype=float)
        if corr.shape != (k, k):
            raise InputError(
                "correlation", corr.shape, f"must be a {k}×{k} matrix (one row per sector)", source=where
            )
        problems = []
        for i, name in enumerate(self.sectors):
            if not 0.0 <= self.rho[i] < 1.0:
                problems.append(Problem(f"sectors.{name}.rho", float(self.rho[i]), "must lie in [0, 1)", where))
            if not (np.isfinite(self.volatility[i]) and self.volatility[i] >= 0):
                problems.append(
                    Problem(f"sectors.{name}.volatility", float(self.volatility[i]), "must be ≥ 0", where)
                )
        if not np.all(np.isfinite(corr)):
            problems.append(Problem("correlation", corr.tolist(), "must contain finite numbers", where))
        elif not np.allclose(corr, corr.T, atol=1e-12):
            problems.append(Problem("correlation", corr.tolist(), "must be symmetric", where))
        elif not np.allclose(np.diag(corr), 1.0, atol=1e-12):
            problems.append(Problem("correlation", np.diag(corr).tolist(), "diagonal must be all ones", where))
        else:
            smallest = float(np.linalg.eigvalsh(corr).min())
            if smallest < -1e-9:
                problems.append(
                    Problem(
                        "correlation",
                        corr.tolist(),
                        f"must be positive semi-definite (eigenvalue {smallest:.4g})",
                        where,
                    )
                )
        if problems:
            raise InputError(problems=problems)

    @classmethod
    def one_factor(cls, rho: float, sectors: Iterable[str], volatility: float = 0.0) -> FactorModel:
        """Every sector loads on one common factor with asset correlation ``rho``."""
        names = tuple(dict.fromkeys(str(s) for s in sectors))
        k = len(names)
        return cls(names, np.full(k, float(rho)), np.full(k, float(volatility)), np.ones((k, k)))

    def loadings(self) -> np.ndarray:
        """Matrix B (sectors × independent factors) with B Bᵀ = correlation, from its eigen-decomposition;
        factors with zero eigenvalue are dropped, so a singular matrix needs fewer factors.

        >>> FactorModel(("a", "b"), np.array([.2, .2]), np.zeros(2), np.ones((2, 2))).loadings().round(6).tolist()
        [[1.0], [1.0]]
        """
        values, vectors = np.linalg.eigh(self.correlation)
        keep = values > 1e-10 * max(values.max(), 1.0)
        loadings = vectors[:, keep] * np.sqrt(values[keep])
        # Sign convention so that results do not depend on the eigen-solver's arbitrary signs.
        signs = np.sign(loadings.sum(axis=0))
        signs[signs == 0] = 1.0
        return loadings * signs

    def sector_index(self, sectors: np.ndarray, source: str | None = None) -> np.ndarray:
        """Index of each entry's sector in the model; a sector the model lacks is bad input naming the row."""
        lookup = {name: i for i, name in enumerate(self.sectors)}
        problems = [
            Problem(
                "sector", s, f"not in the factor model (sectors: {', '.join(self.sectors)})", source, int(row) + 1
            )
            for row, s in enumerate(sectors)
            if s not in lookup
        ]
        if problems:
            raise InputError(problems=problems)
        return np.array([lookup[s] for s in sectors], dtype=np.int64)


def factor_model_from_mapping(document: Any, source: str | None = None) -> FactorModel:
    """Build a :class:`FactorModel` from the YAML structure ``{sectors: {name: {rho, volatility}}, correlation}``.

    >>> m = factor_model_from_mapping({"sectors": {"servers": {"rho": 0.2, "volatility": 0.75}}})
    >>> m.sectors, m.correlation.tolist()
    (('servers',), [[1.0]])
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("sectors"), Mapping):
        raise InputError("sectors", None, "the factor model needs a 'sectors' mapping", source=source)
    names: list[str] = []
    rhos: list[float] = []
    vols: list[float] = []
    problems: list[Problem] = []
    for name, spec in document["sectors"].items():
        if not isinstance(spec, Mapping):
            problems.append(Problem(f"sectors.{name}", spec, "must map rho/volatility to numbers", source))
            continue
        names.append(str(name))
        for key, store in (("rho", rhos), ("volatility", vols)):
            raw = spec.get(key, 0.0)
            try:
                store.append(float(raw))
            except (TypeError, ValueError):
                problems.append(Problem(f"sectors.{name}.{key}", raw, "must be a number", source))
                store.append(np.nan)
    if problems:
        raise InputError(problems=problems)
    raw_corr = document.get("correlation")
    if raw_corr is None:
        corr = np.eye(len(names))
    else:
        try:
            corr = np.array(raw_corr, dtype=float)
        except (TypeError, ValueError):
            raise InputError(
                "correlation", raw_corr, "must be a square list of lists of numbers", source=source
            ) from None
    return FactorModel(tuple(names), np.array(rhos), np.array(vols), corr, source=source)


def load_factor_model(path: str | Path) -> FactorModel:
    """Read a factor-model YAML file (see :func:`factor_model_from_mapping`)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    with path.open(encoding="utf-8") as handle:
        try:
            document = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise InputError("(file)", path.name, f"not valid YAML: {exc}", source=path.name) from None
    return factor_model_from_mapping(document, source=path.name)


def check_confidence(confidence: float) -> float:
    """A loss quantile level strictly between 0 and 1."""
    if not 0.0 < confidence < 1.0:
        raise InputError("confidence", confidence, "must lie strictly between 0 and 1")
    return float(confidence)
