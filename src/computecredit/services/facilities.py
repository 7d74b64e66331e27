"""Facility use cases: load a proposal, assess it, write its credit memo.

A proposal is either a YAML file (see ``examples/facilities/``; errors name the file and the field path) or
a facility stored in the database (its reference, e.g. ``PL-2025-NX-001``), assembled from the stored bank,
borrower, statements, latest rating and the book's exposures by
:func:`computecredit.facilities.from_records.proposal_from_records`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from computecredit.domain.facilities import Facility, ProductType
from computecredit.domain.ratings import RatingRecord
from computecredit.domain.validation import input_error
from computecredit.errors import InputError, NotFoundError
from computecredit.facilities.from_records import project_results, proposal_from_records, wc_inputs_from_statements
from computecredit.facilities.proposal import Assessment, Proposal, assess
from computecredit.facilities.working_capital import WorkingCapitalInputs
from computecredit.rating.master_scale import load_master_scale
from computecredit.reports.memo import render_html, render_pdf
from computecredit.store import bank as bank_store
from computecredit.store import borrowers as borrower_store
from computecredit.store import facilities as facility_store
from computecredit.store import projects as project_store
from computecredit.store import ratings as rating_store
from computecredit.store.database import Database

# Monte Carlo paths when a stored project is evaluated for a memo (the project engine's seed 0: reproducible).
PROJECT_SIMULATIONS = 1000


def analyst_rating(uscc: str, pd: float, analyst: str) -> RatingRecord:
    """A rating given by hand (``--pd``): the master-scale grade of ``pd``, recorded as the analyst's input."""
    if not 0 < pd < 1:
        raise InputError("pd", pd, "must lie strictly between 0 and 1")
    grade = load_master_scale().grade_for_pd(pd).code
    return RatingRecord(
        borrower_uscc=uscc,
        model_id="analyst_input",
        model_version="1",
        inputs={"pd": pd},
        grade=grade,
        pd=Decimal(str(pd)),
        rated_by=analyst,
    )


def _project_for(db: Database, facility: Facility) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """The project engine's results for a project loan whose borrower owns a stored project, and notes.

    Projects are tried in code order; one whose stored document the engine refuses is noted, not fatal.
    """
    if facility.product is not ProductType.FIXED_ASSET_PROJECT_LOAN:
        return None, []
    with db.transaction() as session:
        owned = [p for p in project_store.list_projects(session) if p.borrower_uscc == facility.borrower_uscc]
    from computecredit import projects

    notes = []
    for stored in sorted(owned, key=lambda p: p.code):
        try:
            result = projects.evaluate(stored.inputs, simulations=PROJECT_SIMULATIONS, seed=0)
        except InputError as exc:
            notes.append(
                {
                    "zh": f"项目 {stored.code} 的模型输入不完整，未能测算：{exc.problems[0]}",
                    "en": f"project {stored.code} could not be evaluated, its model inputs are incomplete: {exc.problems[0]}",
                }
            )
            continue
        return project_results(result), notes
    return None, notes


def proposal_from_store(
    db: Database,
    reference: str,
    *,
    pd: float | None = None,
    analyst: str = "analyst",
    evaluate_project: bool = True,
) -> Proposal:
    """The proposal of a stored facility; ``pd`` replaces a missing (or stale) stored rating."""
    with db.transaction() as session:
        row = facility_store.find_facility_row(session, reference)
        if row is None:
            raise NotFoundError(f"no stored facility {reference!r} and no such proposal file")
        facility = facility_store.to_facility(row)
        borrower = borrower_store.get_borrower(session, facility.borrower_uscc)
        bank = bank_store.get_bank(session)
        statements = borrower_store.list_statements(session, borrower.uscc)
        ratings = rating_store.list_ratings(session, borrower.uscc)
        exposures = {e.facility_reference: e for e in facility_store.list_exposures(session)}
        borrowers = {b.uscc: b for b in borrower_store.list_borrowers(session)}
        book = [
            (f, exposures.get(f.reference), borrowers[f.borrower_uscc])
            for f in facility_store.list_facilities(session)
        ]
        guarantor_ratings = {}
        for guarantor in facility.guarantors:
            if guarantor.uscc and guarantor.uscc in borrowers:
                found = rating_store.list_ratings(session, guarantor.uscc)
                if found:
                    guarantor_ratings[guarantor.uscc] = found[-1]
    if pd is not None:
        rating = analyst_rating(borrower.uscc, pd, analyst)
    elif ratings:
        rating = ratings[-1]
    else:
        raise InputError(
            "rating",
            None,
            f"borrower {borrower.uscc} ({borrower.name_zh}) has no stored rating: rate it first or give --pd",
        )
    project, notes = _project_for(db, facility) if evaluate_project else (None, [])
    own = exposures.get(reference)
    as_of = own.as_of if own is not None else (bank.as_of or date.today())
    return proposal_from_records(
        bank=bank,
        borrower=borrower,
        statements=statements,
        rating=rating,
        facility=facility,
        book=book,
        as_of=as_of,
        analyst=analyst,
        guarantor_ratings=guarantor_ratings,
        project=project,
        notes=notes,
    )


def wc_inputs_for_borrower(db: Database, uscc: str, growth: float | None = None) -> WorkingCapitalInputs:
    """Working-capital formula inputs from a stored borrower's last two statements."""
    with db.transaction() as session:
        statements = sorted(borrower_store.list_statements(session, uscc), key=lambda s: s.fiscal_year)
    if not statements:
        raise NotFoundError(f"no stored statements for borrower {uscc!r}")
    previous = statements[-2] if len(statements) > 1 else None
    return wc_inputs_from_statements(statements[-1], previous, growth)


def load_proposal(reference: str | Path, *, db: Database | None = None, pd: float | None = None) -> Proposal:
    """Read and validate a proposal file.

    >>> from pathlib import Path
    >>> root = Path(__file__).parents[3]
    >>> load_proposal(root / "examples/facilities/chip_buyback.yaml").facility.product.value
    'share_buyback_loan'
    """
    path = Path(reference)
    if not path.is_file():
        if db is not None and not str(reference).endswith((".yaml", ".yml")):
            return proposal_from_store(db, str(reference), pd=pd)
        raise NotFoundError(
            f"no proposal file {str(reference)!r}: pass a proposal YAML file (see examples/facilities/) "
            "or the reference of a stored facility"
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


def assess_proposal(reference: str | Path, *, db: Database | None = None, pd: float | None = None) -> Assessment:
    """Load and assess a proposal (a file, or a stored facility when ``db`` is given)."""
    return assess(load_proposal(reference, db=db, pd=pd))


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
        "large_exposure": s.large_exposure.is_large,
        "covenants": [
            {"key": c.key, "value": c.value, "threshold": c.threshold, "headroom": c.headroom, "status": c.status}
            for c in assessment.covenants
        ],
        "conditions": assessment.conditions_en,
        "reference_versions": assessment.reference_versions,
    }


def write_memo(
    reference: str | Path,
    output: Path | None,
    lang: Literal["zh", "en"],
    fmt: Literal["html", "pdf"],
    *,
    db: Database | None = None,
    pd: float | None = None,
) -> Path:
    """Render the memo of a proposal to ``output`` (default: ``<id>.memo.<lang>.<fmt>`` here)."""
    assessment = assess_proposal(reference, db=db, pd=pd)
    target = output or Path(f"{assessment.proposal.id}.memo.{lang}.{fmt}")
    if fmt == "pdf":
        content = render_pdf(assessment, lang)
        target.write_bytes(content)
    else:
        target.write_text(render_html(assessment, lang), encoding="utf-8")
    return target


__all__ = [
    "analyst_rating",
    "assess_proposal",
    "load_proposal",
    "proposal_from_store",
    "summary",
    "wc_inputs_for_borrower",
    "write_memo",
]
