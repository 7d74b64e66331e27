"""Expert model for the compute chain: segment scorecards, technology-innovation uplift, overrides.

Configuration is YAML (bundled: ``reference/data/expert_scorecards.yaml``; its header explains every
choice). A rating goes:

1. each factor of the borrower's segment card gets a **factor score** 0–100 from its raw value — a ratio
   from :mod:`computecredit.rating.ratios` (or a value the analyst entered for it, which then replaces the
   statements' figure and is marked ``entered``) or an industry input (technology position, customer
   concentration, key customers' credit, order backlog, utilisation, export-control exposure, PUE, state
   and group support) — by linear interpolation between ``anchors`` or by ``levels``. A factor with no
   value is **missing**: it gets no score and no weight (missing information is not bad news);
2. **segment score** = Σ wᵢ·sᵢ / Σ wᵢ over the factors *present*; each factor's **contribution** =
   wᵢ/Σw_present · (sᵢ − 50) score points (what it moved the score away from a neutral 50);
   **completeness** = Σw_present / Σw of the card (the share of the card's weight that has a value);
3. **model PD** = logistic(a + b·score) with a, b fixed by two calibration points anchored on published
   long-run default rates (see ``calibration`` in the YAML and docs/rating.md); **model grade** = the
   master-scale grade of that PD;
4. **technology innovation** (SMEs only): a 0–100 score from patents, citations, R&D intensity and staff,
   专精特新 level, high-tech status, awards and venture funding lifts the grade by the configured notches
   (at most ``max_uplift_notches``); the PD becomes the new grade's mid-point;
5. **information cap**: below a completeness threshold the grade cannot be better than the configured best
   grade (``information_caps``); the PD is then at least that grade's mid-point. Little information never
   earns a top grade, yet never scores a factor as poor;
6. **override**: a person may set another grade with a reason and their user name; it is kept beside the
   model grade, never instead of it.

>>> config = load_expert_config()
>>> result = rate(config, "datacenter_operator", ratios={"debt_to_assets": 0.5},
...               inputs={"utilisation": 0.8, "energy_efficiency": 1.25})
>>> result.card, [f.code for f in result.moved_up][:2], result.grade == result.final_grade
('datacentres', ['utilisation', 'energy_efficiency'], True)
>>> round(result.completeness, 2), result.cap_grade, "interest_coverage" in result.missing
(0.36, 'BBB+', True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from computecredit import reference
from computecredit.domain.ratings import Override
from computecredit.errors import InputError
from computecredit.rating.master_scale import MasterScale, load_master_scale

DEFAULT_TABLE = "expert_scorecards.yaml"
NEUTRAL_SCORE = 50.0


@dataclass(frozen=True)
class Scale:
    """Maps a raw value to 0–100: ``anchors`` ((value, score) pairs, linear between, flat beyond) or
    ``levels`` (answer → score; answers compared as lower-case text).

    >>> Scale(anchors=((0.0, 100.0), (1.0, 0.0))).score(0.25), Scale(levels={"yes": 100.0}).score("YES")
    (75.0, 100.0)
    """

    anchors: tuple[tuple[float, float], ...] = ()
    levels: Mapping[str, float] = field(default_factory=dict)

    def score(self, value: Any) -> float | None:
        """The score, or ``None`` for a missing value; an unknown level is bad input."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if self.levels:
            key = str(value).strip().lower()
            if key not in self.levels:
                raise InputError("value", value, f"must be one of {', '.join(self.levels)}")
            return float(self.levels[key])
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InputError("value", value, "must be a number") from None
        xs, ys = zip(*self.anchors, strict=True)
        if xs[0] > xs[-1]:  # anchors listed high to low
            xs, ys = xs[::-1], ys[::-1]
        return float(np.interp(number, xs, ys))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> Scale:
        if "levels" in data:
            return cls(levels={str(k).lower(): float(v) for k, v in data["levels"].items()})
        anchors = tuple((float(x), float(s)) for x, s in data.get("anchors", ()))
        xs = [a[0] for a in anchors]
        if len(anchors) < 2 or not (xs == sorted(xs) or xs == sorted(xs, reverse=True)) or len(set(xs)) != len(xs):
            raise InputError(
                f"{where}.anchors", data.get("anchors"), "needs ≥ 2 points with strictly ordered values"
            )
        return cls(anchors=anchors)


@dataclass(frozen=True)
class Factor:
    """A factor: where its value comes from (``ratio`` or ``input``), names, meaning and scale."""

    code: str
    source: str
    name_zh: str
    name_en: str
    meaning: str
    scale: Scale


@dataclass(frozen=True)
class SegmentCard:
    key: str
    name_zh: str
    name_en: str
    weights: Mapping[str, float]


@dataclass(frozen=True)
class InnovationConfig:
    components: Mapping[str, tuple[float, Scale, str, str]]  # code -> (weight, scale, name_zh, name_en)
    thresholds: tuple[tuple[float, int], ...]
    max_uplift_notches: int
    sme_only: bool = True


@dataclass(frozen=True)
class ExpertConfig:
    """A loaded expert configuration (see :func:`load_expert_config`)."""

    version: str
    factors: Mapping[str, Factor]
    cards: Mapping[str, SegmentCard]
    segment_map: Mapping[str, str]
    intercept: float
    slope: float
    information_caps: tuple[tuple[float, str], ...]  # (completeness below which, best grade), ascending
    innovation: InnovationConfig
    master_scale: MasterScale
    source: str = ""

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], source: str = "expert config", master_scale: MasterScale | None = None
    ) -> ExpertConfig:
        factors = {
            code: Factor(
                code,
                str(f.get("source", "input")),
                str(f.get("name_zh", code)),
                str(f.get("name_en", code)),
                str(f.get("meaning", "")),
                Scale.from_dict(f, f"factors.{code}"),
            )
            for code, f in data["factors"].items()
        }
        cards = {}
        for key, card in data["segments"].items():
            weights = {str(k): float(v) for k, v in card["weights"].items()}
            unknown = sorted(set(weights) - set(factors))
            if unknown:
                raise InputError(f"segments.{key}.weights", unknown[0], "not a defined factor", source=source)
            if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
                raise InputError(
                    f"segments.{key}.weights", weights, "weights must be ≥ 0 with a positive sum", source=source
                )
            cards[key] = SegmentCard(key, str(card.get("name_zh", key)), str(card.get("name_en", key)), weights)
        if "missing_score" in data:
            raise InputError(
                "missing_score",
                data["missing_score"],
                "no longer used: missing factors are left out and information_caps limit the grade",
                source=source,
            )
        scale = master_scale or load_master_scale()
        caps = []
        for row in data.get("information_caps", ()):
            try:
                threshold, best = float(row[0]), scale.grade(str(row[1])).code
            except (TypeError, ValueError, IndexError, InputError):
                raise InputError(
                    "information_caps",
                    row,
                    "each cap is [completeness 0–1, best grade of the master scale]",
                    source=source,
                ) from None
            if not 0.0 < threshold <= 1.0:
                raise InputError("information_caps", row, "completeness must lie in (0, 1]", source=source)
            caps.append((threshold, best))
        cal = data["calibration"]
        high, low = _logit(float(cal["pd_high"])), _logit(float(cal["pd_low"]))
        slope = (high - low) / (float(cal["score_high"]) - float(cal["score_low"]))
        intercept = low - slope * float(cal["score_low"])
        inn = data["innovation"]
        innovation = InnovationConfig(
            components={
                code: (
                    float(c["weight"]),
                    Scale.from_dict(c, f"innovation.{code}"),
                    str(c.get("name_zh", code)),
                    str(c.get("name_en", code)),
                )
                for code, c in inn["components"].items()
            },
            thresholds=tuple(sorted((float(t), int(n)) for t, n in inn["thresholds"])),
            max_uplift_notches=int(inn["max_uplift_notches"]),
            sme_only=bool(inn.get("applies_to_sme_only", True)),
        )
        return cls(
            version=str(data.get("version", "1")),
            factors=factors,
            cards=cards,
            segment_map={str(k): str(v) for k, v in data.get("segment_map", {}).items()},
            intercept=intercept,
            slope=slope,
            information_caps=tuple(sorted(caps)),
            innovation=innovation,
            master_scale=scale,
            source=str(data.get("source", source)),
        )

    def card_for(self, segment: str) -> SegmentCard:
        key = self.segment_map.get(segment, segment)
        if key not in self.cards:
            raise InputError(
                "segment", segment, f"no expert scorecard; known: {', '.join([*self.segment_map, *self.cards])}"
            )
        return self.cards[key]

    def best_grade_for(self, completeness: float) -> str | None:
        """The best grade reachable with this share of the card's weight present (``None``: no cap).

        >>> config = load_expert_config()
        >>> config.best_grade_for(0.2), config.best_grade_for(0.4), config.best_grade_for(0.8)
        ('BB+', 'BBB+', None)
        """
        return next((best for threshold, best in self.information_caps if completeness < threshold), None)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@lru_cache(maxsize=4)
def load_expert_config(table: str = DEFAULT_TABLE) -> ExpertConfig:
    """The bundled expert configuration (or another bundled table)."""
    return ExpertConfig.from_dict(reference.load_yaml(table), source=table)


@dataclass(frozen=True)
class FactorResult:
    """One factor of the card: its value and where it came from (``statements``, ``entered``, ``record``:
    defaulted from the borrower record, or ``None`` when missing), its score (``None`` when missing), its
    card weight, the weight it carried after renormalising over the factors present, and its contribution."""

    code: str
    name_zh: str
    name_en: str
    value: Any
    score: float | None
    weight: float
    weight_used: float
    contribution: float
    source: str | None

    @property
    def missing(self) -> bool:
        return self.score is None


@dataclass(frozen=True)
class InnovationResult:
    score: float
    notches: int
    applied: bool
    components: Mapping[str, float]
    reason: str


@dataclass(frozen=True)
class ExpertRating:
    """The outcome: factor detail, score, model PD/grade, innovation uplift, final grade/PD, override."""

    card: str
    factors: tuple[FactorResult, ...]
    score: float
    model_pd: float
    model_grade: str
    innovation: InnovationResult
    grade: str
    pd: float
    override: Override | None
    final_grade: str
    final_pd: float
    config_version: str
    completeness: float
    cap_grade: str | None
    capped: bool

    @property
    def missing(self) -> list[str]:
        """Codes of the card's factors that had no value (left out of the score)."""
        return [f.code for f in self.factors if f.missing]

    @property
    def moved_up(self) -> list[FactorResult]:
        """Factors that raised the score, largest first."""
        return sorted((f for f in self.factors if f.contribution > 0), key=lambda f: -f.contribution)

    @property
    def moved_down(self) -> list[FactorResult]:
        """Factors that lowered the score, largest first."""
        return sorted((f for f in self.factors if f.contribution < 0), key=lambda f: f.contribution)

    def contributions(self) -> dict[str, float]:
        return {f.code: f.contribution for f in self.factors}


def assess_innovation(config: InnovationConfig, inputs: Mapping[str, Any], is_sme: bool) -> InnovationResult:
    """Technology-innovation score and grade uplift (see the module docstring, step 4).

    >>> inn = load_expert_config().innovation
    >>> r = assess_innovation(inn, {"invention_patents": 20, "rd_intensity": 0.15, "rd_staff_share": 0.4,
    ...                             "specialised_level": "national_little_giant"}, is_sme=True)
    >>> r.score, r.notches
    (70.0, 1)
    """
    components = {}
    total = 0.0
    weights = 0.0
    for code, (weight, scale, _zh, _en) in config.components.items():
        try:
            value = scale.score(inputs.get(code))
        except InputError as exc:
            raise InputError(f"innovation.{code}", inputs.get(code), exc.problems[0].rule) from None
        score = value if value is not None else 0.0
        components[code] = score
        total += weight * score
        weights += weight
    score = total / weights if weights else 0.0
    earned = max((n for t, n in config.thresholds if score >= t), default=0)
    notches = min(earned, config.max_uplift_notches)
    if config.sme_only and not is_sme:
        return InnovationResult(score, 0, False, components, "not an SME: the assessment does not move the grade")
    return InnovationResult(
        score,
        notches,
        notches > 0,
        components,
        f"score {score:.1f}: +{notches} notch(es)" if notches else f"score {score:.1f}: below the first threshold",
    )


def rate(
    config: ExpertConfig,
    segment: str,
    ratios: Mapping[str, float | None],
    inputs: Mapping[str, Any],
    innovation: Mapping[str, Any] | None = None,
    is_sme: bool = False,
    override: Override | None = None,
    defaulted: frozenset[str] = frozenset(),
) -> ExpertRating:
    """Rate one borrower of ``segment`` (a chain segment or card key) — see the module docstring.

    ``inputs`` are the values given for factors: industry inputs, or a ratio factor's value entered by hand
    (it replaces the statements' ratio). A factor the card does not use is refused naming the card.
    ``defaulted`` names inputs that were defaulted from the borrower record (shown as source ``record``).
    """
    card = config.card_for(segment)
    for code, value in inputs.items():
        if code not in config.factors:
            raise InputError(f"factors.{code}", value, f"not a factor; known: {', '.join(config.factors)}")
        if code not in card.weights:
            raise InputError(
                f"factors.{code}",
                value,
                f"does not apply to the {card.key} card ({card.name_en}); its factors: {', '.join(card.weights)}",
            )
    total_weight = sum(card.weights.values())
    scored: list[tuple[str, float, Any, float | None, str | None]] = []
    for code, weight in card.weights.items():
        factor = config.factors[code]
        if code in inputs:
            value, source = inputs[code], ("record" if code in defaulted else "entered")
        elif factor.source == "ratio":
            value, source = ratios.get(code), "statements"
        else:
            value, source = None, None
        try:
            score = factor.scale.score(value)
        except InputError as exc:
            raise InputError(f"factors.{code}", value, exc.problems[0].rule) from None
        scored.append((code, weight, value, score, source if score is not None else None))
    present_weight = sum(weight for _, weight, _, score, _ in scored if score is not None)
    if present_weight <= 0:
        raise InputError(
            "factors",
            None,
            f"no factor of the {card.key} card has a value: import statements or give factors "
            f"({', '.join(card.weights)})",
        )
    results = tuple(
        FactorResult(
            code,
            config.factors[code].name_zh,
            config.factors[code].name_en,
            value,
            score,
            weight,
            0.0 if score is None else weight / present_weight,
            0.0
            if score is None
            else round(weight / present_weight * (score - NEUTRAL_SCORE), 10),  # no float noise
            source,
        )
        for code, weight, value, score, source in scored
    )
    total = sum(r.weight * r.score for r in results if r.score is not None) / present_weight
    completeness = present_weight / total_weight
    model_pd = 1.0 / (1.0 + math.exp(-(config.intercept + config.slope * total)))
    scale = config.master_scale
    model_grade = scale.grade_for_pd(model_pd).code
    inn = assess_innovation(config.innovation, innovation or {}, is_sme)
    grade, pd = model_grade, model_pd
    if inn.notches:
        grade = scale.notch(model_grade, inn.notches)
        pd = min(model_pd, scale.pd_for_grade(grade))
    cap = config.best_grade_for(completeness)
    capped = cap is not None and scale.notches_between(cap, grade) > 0
    if capped:
        assert cap is not None
        grade, pd = cap, max(pd, scale.pd_for_grade(cap))
    final_grade, final_pd = grade, pd
    if override is not None:
        if override.grade == grade:
            raise InputError("override.grade", override.grade, "an override must change the grade")
        final_grade = scale.grade(override.grade).code
        final_pd = float(override.pd) if override.pd is not None else scale.pd_for_grade(final_grade)
    return ExpertRating(
        card.key,
        results,
        total,
        model_pd,
        model_grade,
        inn,
        grade,
        pd,
        override,
        final_grade,
        final_pd,
        config.version,
        completeness,
        cap,
        capped,
    )


__all__ = [
    "ExpertConfig",
    "ExpertRating",
    "Factor",
    "FactorResult",
    "InnovationResult",
    "Scale",
    "assess_innovation",
    "load_expert_config",
    "rate",
]
