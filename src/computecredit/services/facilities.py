"""Facility use cases: load a proposal, assess it, write its credit memo.

A proposal is a YAML file (see ``examples/facilities/``); errors name the file and the field path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from computecredit.domain.validation import input_error
from computecredit.errors import InputError, NotFoundError
from computecredit.facilities.proposal import Assessment, Proposal, assess
from computecredit.reports.memo import render_html, render_pdf


def load_proposal(reference: str | Path) -> Proposal:
    """Read and validate a proposal file.

    >>> from pathlib import Path
    >>> root = Path(__file__).parents[3]
    >>> load_proposal(root / "examples/facilities/chip_buyback.yaml").facility.product.value
    'share_buyback_loan'
    """
    path = Path(reference)
    if not path.is_file():
        raise NotFoundError(
            f"no proposal file {str(reference)!r}: pass a proposal YAML file (see examples/facilities/)"
        )
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError("file", str(path), f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InputError("(root)", type(data).__name__, "a proposal file is a mapping", source=str(path))
    try:
        return Proposal.model_validate(data)
    except (ValidationError, InputError) as exc:
        raise input_error(exc, source=str(path)) from None


def assess_proposal(reference: str | Path) -> Assessment:
    """Load and assess a proposal."""
    return assess(load_proposal(reference))


def summary(assessment: Assessment) -> dict[str, Any]:
    """The assessment's headline figures as plain data (for ``--json``, the web and monitoring)."""
    s = assessment.structure
    pricing = s.pricing
    return {
        "proposal_id": assessment.proposal.id,
        "recommendation": assessment.recommendation,
        "limit": assessment.limit.limit,
        "binding_constraint": assessment.limit.binding.key,
        "constraints": {c.key: c.amount for c in assessment.limit.constraints},
        "ead": s.ead.ead,
        "lgd": s.lgd.lgd,
        "irb_risk_weight": s.capital.risk_weight,
        "economic_capital": s.capital.capital,
        "expected_loss": s.capital.expected_loss,
        "standardised_risk_weight": s.standardised.value,
        "standardised_rwa": s.standardised_rwa,
        "minimum_rate": None if pricing is None else pricing.minimum_rate,
        "minimum_spread_bp": None if pricing is None else pricing.minimum_spread_bp,
        "proposed_rate": None if pricing is None else pricing.proposed_rate,
        "raroc": None if pricing is None or pricing.at_proposed is None else pricing.at_proposed.raroc,
        "hurdle": None if pricing is None else pricing.hurdle,
        "concentration": [
            {"key": c.key, "ratio": c.ratio, "limit": c.limit_share, "headroom": c.headroom, "breach": c.breach}
            for c in s.concentration
        ],
        "covenants": [
            {"key": c.key, "value": c.value, "threshold": c.threshold, "headroom": c.headroom, "status": c.status}
            for c in assessment.covenants
        ],
        "conditions": assessment.conditions_en,
        "reference_versions": assessment.reference_versions,
    }


def write_memo(
    reference: str | Path, output: Path | None, lang: Literal["zh", "en"], fmt: Literal["html", "pdf"]
) -> Path:
    """Render the memo of a proposal to ``output`` (default: ``<id>.memo.<lang>.<fmt>`` here)."""
    assessment = assess_proposal(reference)
    target = output or Path(f"{assessment.proposal.id}.memo.{lang}.{fmt}")
    if fmt == "pdf":
        content = render_pdf(assessment, lang)
        target.write_bytes(content)
    else:
        target.write_text(render_html(assessment, lang), encoding="utf-8")
    return target


__all__ = ["assess_proposal", "load_proposal", "summary", "write_memo"]
