"""Facility use cases: one deal, one assessment path, whatever the screen.

A deal is a :class:`Deal`: the facility as the analyst structures it (borrower by USCC, product, amount,
tenor, rate, repayment, collateral, guarantors, covenants, the linked project by code, sizing terms and the
analyst's named overrides with their reasons), optionally with the project engine's inputs embedded. It
comes from a deal file (``examples/facilities/``), from a stored facility (its reference, e.g.
``PL-2025-NX-001``) or from a workbench proposal. :func:`assemble` is the one assembly: it reads what the
stored records say (the bank, the borrower and its statements, its latest rating, the guarantors' ratings,
the linked project and the project engine's evaluation of it, the book) through :class:`Records` and hands
them to :func:`computecredit.facilities.from_records.proposal_from_records`; :func:`assess_deal` assesses it.
The CLI, the API, the pages, the book (:mod:`computecredit.services.portfolio`) and the memo all go this way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from computecredit.domain.bank import Bank
from computecredit.domain.borrowers import Borrower
from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.domain.exposures import Exposure
from computecredit.domain.facilities import AnalystOverride, Facility, FacilityStatus, RepaymentType
from computecredit.domain.ratings import RatingRecord
from computecredit.domain.statements import FinancialStatement
from computecredit.domain.validation import input_error
from computecredit.errors import InputError, NotFoundError
from computecredit.facilities.from_records import project_results, proposal_from_records, wc_inputs_from_statements
from computecredit.facilities.lgd import GuaranteedCapital
from computecredit.facilities.proposal import Assessment, Proposal, assess
from computecredit.facilities.working_capital import WorkingCapitalInputs
from computecredit.rating.master_scale import load_master_scale
from computecredit.reports.memo import render_html, render_pdf
from computecredit.services import audit
from computecredit.store import bank as bank_store
from computecredit.store import borrowers as borrower_store
from computecredit.store import facilities as facility_store
from computecredit.store import projects as project_store
from computecredit.store import ratings as rating_store
from computecredit.store import versions as version_store
from computecredit.store.database import Database

# Monte Carlo paths when a project is evaluated for an assessment (the project engine's seed 0: reproducible).
PROJECT_SIMULATIONS = 1000


class Deal(BaseModel):
    """One deal as the analyst enters it: the facility, and the project's engine inputs if not stored.

    >>> deal = Deal.model_validate({"facility": {"reference": "D-1", "borrower_uscc": "91640100MA7X00001X",
    ...     "product": "working_capital_loan", "amount": "5000万", "tenor_months": 12,
    ...     "rate": {"base": "lpr_1y", "spread_bp": 40}}})
    >>> deal.facility.amount, deal.project
    (Decimal('50000000'), None)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    facility: Facility
    as_of: date | None = Field(None, description="assessment date (default: the exposure's, else the bank's)")
    analyst: str = Field("analyst", min_length=1, max_length=64)
    project: dict[str, Any] | None = Field(
        None, description="the project engine's inputs, embedded instead of facility.project_code"
    )

    def with_overrides(self, overrides: list[AnalystOverride]) -> Deal:
        """This deal with more of the analyst's overrides (validated against the facility)."""
        if not overrides:
            return self
        document = self.facility.model_dump(mode="json")
        document["overrides"] = [*document["overrides"], *(o.model_dump(mode="json") for o in overrides)]
        try:
            facility = Facility.model_validate(document)
        except ValidationError as exc:
            raise input_error(exc, prefix="facility") from None
        return self.model_copy(update={"facility": facility})


@lru_cache(maxsize=32)
def _evaluate(inputs_json: str, simulations: int) -> dict[str, Any]:
    """The project engine's results for a proposal (cached: the engine is deterministic for a seed)."""
    from computecredit import projects

    document = json.loads(inputs_json)
    result = projects.evaluate(document["inputs"], simulations=simulations, seed=0, sensitivities=simulations > 0)
    return project_results(result, document["code"])


@dataclass(frozen=True)
class _Book:
    """The whole bank's records as one read of them found them (frozen domain objects, shared by requests)."""

    bank: Bank
    borrowers: dict[str, Borrower]
    facilities: dict[str, Facility]
    exposures: tuple[Exposure, ...]  # by facility, then date


def _read_book(session: Session) -> _Book:
    return _Book(
        bank=bank_store.get_bank(session),
        borrowers={b.uscc: b for b in borrower_store.list_borrowers(session)},
        facilities={f.reference: f for f in facility_store.list_facilities(session)},
        exposures=tuple(facility_store.list_exposures(session)),
    )


@dataclass
class Records:
    """What the assembly reads from the store, loaded once for a request or for the whole book.

    The bank, borrowers, facilities and exposures are read again only after one of them changed (a proposal
    preview needs the whole book for its concentration limits, and reading it was most of its time);
    ratings when first asked for: one deal needs only its borrower's and its guarantors' (:meth:`rating`),
    the book every borrower's (:attr:`ratings`, one query).
    """

    session: Session
    bank: Bank
    borrowers: dict[str, Borrower]
    facilities: dict[str, Facility]
    exposures: dict[str, Exposure]
    _statements: dict[str, list[FinancialStatement]] = field(default_factory=dict)
    _ratings: dict[str, RatingRecord] | None = None
    _some_ratings: dict[str, RatingRecord | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, as_of: date | None = None) -> Records:
        """The bank, borrowers, facilities and each facility's latest exposure (to ``as_of``)."""
        book = version_store.kept(session, version_store.BOOK, None, lambda: _read_book(session))
        exposures: dict[str, Exposure] = {}
        for exposure in book.exposures:
            if as_of is None or exposure.as_of <= as_of:
                exposures[exposure.facility_reference] = exposure
        return cls(
            session=session,
            bank=book.bank,
            borrowers=dict(book.borrowers),
            facilities=dict(book.facilities),
            exposures=exposures,
        )

    @property
    def ratings(self) -> dict[str, RatingRecord]:
        """Every rated borrower's latest rating, by USCC (read once, on first use)."""
        if self._ratings is None:
            self._ratings = rating_store.latest_ratings(self.session)
        return self._ratings

    def rating(self, uscc: str) -> RatingRecord | None:
        """Borrower ``uscc``'s latest rating, or None if it has none."""
        if self._ratings is not None:
            return self._ratings.get(uscc)
        if uscc not in self._some_ratings:
            self._some_ratings[uscc] = rating_store.latest_ratings(self.session, [uscc]).get(uscc)
        return self._some_ratings[uscc]

    def statements(self, uscc: str) -> list[FinancialStatement]:
        if uscc not in self._statements:
            self._statements[uscc] = borrower_store.list_statements(self.session, uscc)
        return self._statements[uscc]

    def book(self) -> list[tuple[Facility, Exposure | None, Borrower]]:
        """Every stored facility with its latest exposure and borrower."""
        return [
            (f, self.exposures.get(ref), self.borrowers[f.borrower_uscc]) for ref, f in self.facilities.items()
        ]


def stored_project(session: Session, code: str, uscc: str) -> dict[str, Any]:
    """The engine inputs of the stored project ``code``, which must belong to borrower ``uscc``."""
    try:
        project = project_store.get_project(session, code)
    except NotFoundError:
        owned = sorted(p.code for p in project_store.list_projects(session) if p.borrower_uscc == uscc)
        known = ", ".join(owned) or "none"
        raise InputError(
            "project_ref", code, f"no stored project with this code (the borrower's: {known})"
        ) from None
    if project.borrower_uscc != uscc:
        raise InputError(
            "project_ref", code, f"belongs to borrower {project.borrower_uscc}, not to the deal's borrower {uscc}"
        )
    return project.inputs


def _project(records: Records, deal: Deal, *, detailed: bool) -> dict[str, Any] | None:
    facility = deal.facility
    if deal.project is not None:
        code, inputs = facility.project_code, deal.project
    elif facility.project_code is not None:
        code, inputs = (
            facility.project_code,
            stored_project(records.session, facility.project_code, facility.borrower_uscc),
        )
    else:
        return None
    document = json.dumps({"code": code, "inputs": inputs}, sort_keys=True, default=str, ensure_ascii=False)
    try:
        return _evaluate(document, PROJECT_SIMULATIONS if detailed else 0)
    except InputError as exc:
        problem = exc.problems[0]
        raise InputError("project_ref", code, f"the project engine refuses its inputs: {problem}") from None


def analyst_rating(uscc: str, pd: Decimal, analyst: str) -> RatingRecord:
    """The record standing in for a missing rating when the analyst overrides the PD (its grade: the master
    scale's grade of that PD)."""
    return RatingRecord(
        borrower_uscc=uscc,
        model_id="analyst_input",
        model_version="1",
        inputs={"pd": str(pd)},
        grade=load_master_scale().grade_for_pd(float(pd)).code,
        pd=pd,
        rated_by=analyst[:32],
    )


def assemble(records: Records, deal: Deal, *, detailed: bool = True) -> Proposal:
    """The facilities engine's proposal for ``deal`` from the stored records: the one assembly.

    ``detailed=False`` (the book) skips what only sizing and the memo need: statements and the project's
    simulation; the facility's EAD, LGD and PD do not depend on them.
    """
    facility = deal.facility
    borrower = records.borrowers.get(facility.borrower_uscc)
    if borrower is None:
        raise InputError("borrower_uscc", facility.borrower_uscc, "must be the USCC of a stored borrower")
    # The book (not detailed) assembles every facility: all ratings in one query; one deal reads its own.
    rating_of = records.rating if detailed else records.ratings.get
    rating = rating_of(borrower.uscc)
    pd_override = next((o.value for o in facility.overrides if o.key.value == "pd"), None)
    if rating is None:
        if pd_override is None:
            raise InputError(
                "rating",
                None,
                f"borrower {borrower.uscc} ({borrower.name_zh}) has no stored rating: rate it first, "
                "or override the PD with a reason",
            )
        rating = analyst_rating(borrower.uscc, pd_override, deal.analyst)
    found = {g.uscc: rating_of(g.uscc) for g in facility.guarantors if g.uscc}
    guarantor_ratings = {uscc: rating for uscc, rating in found.items() if rating is not None}
    exposure = records.exposures.get(facility.reference) if facility.reference in records.facilities else None
    as_of = deal.as_of or (exposure.as_of if exposure else None) or records.bank.as_of or date.today()
    try:
        return proposal_from_records(
            bank=records.bank,
            borrower=borrower,
            statements=records.statements(borrower.uscc) if detailed else [],
            rating=rating,
            facility=facility,
            book=records.book(),
            as_of=as_of,
            analyst=deal.analyst,
            guarantor_ratings=guarantor_ratings,
            project=_project(records, deal, detailed=detailed),
            exposure=exposure,
        )
    except ValidationError as exc:
        raise input_error(exc) from None


def stored_deal(records: Records, reference: str) -> Deal:
    """The deal of a stored facility."""
    facility = records.facilities.get(reference)
    if facility is None:
        raise NotFoundError(f"no stored facility {reference!r} and no such deal file")
    return Deal(facility=facility)


def read_deal(path: Path) -> Deal:
    """Read and validate a deal file (errors name the file and the field path).

    >>> from pathlib import Path
    >>> root = Path(__file__).parents[3]
    >>> read_deal(root / "examples/facilities/chip_buyback.yaml").facility.product.value
    'share_buyback_loan'
    """
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError("file", str(path), f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InputError("(document)", type(data).__name__, "a deal file is a mapping", source=str(path))
    try:
        return Deal.model_validate(data)
    except (ValidationError, InputError) as exc:
        raise input_error(exc, source=str(path)) from None


def assess_deal(
    db: Database, source: str | Path | Deal, overrides: list[AnalystOverride] | None = None
) -> Assessment:
    """Assess a deal file, a stored facility (by reference) or a :class:`Deal`, with extra named overrides."""
    with db.transaction() as session:
        records = Records.load(session)
        if isinstance(source, Deal):
            deal = source
        elif Path(source).is_file():
            deal = read_deal(Path(source))
        elif str(source).endswith((".yaml", ".yml")):
            raise NotFoundError(f"no deal file {str(source)!r}")
        else:
            deal = stored_deal(records, str(source))
        return assess(assemble(records, deal.with_overrides(overrides or [])))


def wc_inputs_for_borrower(db: Database, uscc: str, growth: float | None = None) -> WorkingCapitalInputs:
    """Working-capital formula inputs from a stored borrower's last two statements."""
    with db.transaction() as session:
        statements = sorted(borrower_store.list_statements(session, uscc), key=lambda s: s.fiscal_year)
    if not statements:
        raise NotFoundError(f"no stored statements for borrower {uscc!r}")
    previous = statements[-2] if len(statements) > 1 else None
    return wc_inputs_from_statements(statements[-1], previous, growth)


def guarantee_summary(capital: GuaranteedCapital) -> dict[str, Any] | None:
    """The guarantee or loss sharing the engine recognised: who, which kind, the share of the loss it bears, the
    EAD it covers, how capital treats it (``substitution``, ``double_default`` or ``loss_sharing``: none) and the
    expected loss before and after it; ``None`` when none is recognised."""
    if capital.guarantor is None:
        return None
    return {
        "guarantor": capital.guarantor,
        "kind": capital.guarantor_kind,
        "covered_share": capital.covered_share,
        "covered": capital.covered,
        "method": capital.method,
        "expected_loss_before": capital.expected_loss_before,
        "expected_loss": capital.expected_loss,
    }


def summary(assessment: Assessment) -> dict[str, Any]:
    """The assessment's headline figures as plain data (for ``--json``, the web and monitoring).

    ``ead``, ``lgd`` (after collateral and guarantees) and ``pd`` are those of the facility as structured:
    as booked for a stored facility with an exposure, else at the recommended limit drawn as planned;
    ``booking`` is what the book carries (now, or at approval for a new deal).
    """
    s = assessment.structure
    pricing = s.pricing
    booking = assessment.booking
    return {
        "proposal_id": assessment.proposal.id,
        "recommendation": assessment.recommendation,
        "limit": assessment.limit.limit,
        "binding_constraint": assessment.limit.binding.key,
        "constraints": {c.key: c.amount for c in assessment.limit.constraints},
        "project_code": assessment.proposal.project.code if assessment.proposal.project else None,
        "pd": s.risk.pd,
        "ead": s.ead.ead,
        "lgd": s.risk.lgd,
        "collateral_lgd": s.lgd.lgd,
        "capital_lgd": s.lgd.capital_lgd,
        "guarantee": guarantee_summary(s.capital),
        "booking": {
            "drawn": booking.drawn,
            "undrawn": booking.undrawn,
            "ead": booking.ead.ead,
            "lgd": booking.lgd,
            "pd": booking.pd,
        },
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
        "overrides": [o.model_dump(mode="json") for o in assessment.proposal.facility.overrides],
        "conditions": assessment.conditions_en,
        "reference_versions": assessment.reference_versions,
    }


def write_memo(
    db: Database,
    source: str | Path,
    output: Path | None,
    lang: Literal["zh", "en"],
    fmt: Literal["html", "pdf"],
    overrides: list[AnalystOverride] | None = None,
) -> Path:
    """Render the memo of a deal to ``output`` (default: ``<id>.memo.<lang>.<fmt>`` here)."""
    assessment = assess_deal(db, source, overrides)
    target = output or Path(f"{assessment.proposal.id}.memo.{lang}.{fmt}")
    if fmt == "pdf":
        target.write_bytes(render_pdf(assessment, lang))
    else:
        target.write_text(render_html(assessment, lang), encoding="utf-8")
    return target


# --- drawdowns and repayments ---------------------------------------------------------------------


def _move(
    session: Session,
    reference: str,
    kind: Literal["drawdown", "repayment"],
    amount: Decimal,
    value_date: date,
    actor: str,
    scope: Scope,
) -> Exposure:
    """Record a drawdown or repayment on a facility in ``scope`` and the exposure it leaves, in the caller's
    transaction, audited."""
    if not amount.is_finite() or amount <= 0:
        raise InputError("amount", amount, "must be a positive amount in 元")
    row = facility_store.find_facility_row(session, reference, scope)
    if row is None:
        raise NotFoundError(f"no stored facility {reference!r}")
    facility = facility_store.to_facility(row)
    if facility.status in (FacilityStatus.PROPOSED, FacilityStatus.CLOSED):
        raise InputError("facility", reference, f"a {facility.status.en.lower()} facility takes no {kind}")
    before = facility_store.latest_exposure(session, reference)
    drawn = before.drawn if before else Decimal(0)
    undrawn = before.undrawn if before else facility.amount
    if before is not None and value_date < before.as_of:
        raise InputError("value_date", value_date, f"must not precede the latest exposure ({before.as_of})")
    if kind == "drawdown":
        if amount > undrawn:
            raise InputError(
                "amount",
                amount,
                f"exceeds the undrawn limit of {undrawn:,.2f} 元 (approved {facility.amount:,.2f} 元)",
            )
        drawn, undrawn = drawn + amount, undrawn - amount
    else:
        if amount > drawn:
            raise InputError("amount", amount, f"exceeds the drawn balance of {drawn:,.2f} 元")
        drawn -= amount
        if facility.repayment is RepaymentType.REVOLVING:
            undrawn += amount  # a credit line revolves: what is repaid can be drawn again
    facility_store.add_transaction(session, reference, kind, amount, value_date, actor)
    carried = (
        {}
        if before is None
        else {
            "classification": before.classification,
            "days_past_due": before.days_past_due,
            "ecl_stage": before.ecl_stage,
        }
    )
    exposure = Exposure(facility_reference=reference, as_of=value_date, drawn=drawn, undrawn=undrawn, **carried)
    facility_store.save_exposure(session, exposure)
    status = FacilityStatus.CLOSED if drawn == 0 and undrawn == 0 else FacilityStatus.ACTIVE
    facility_store.set_status(session, reference, status.value)
    audit.append(
        session,
        actor,
        f"facility.{kind}",
        "facility",
        reference,
        None if before is None else before.model_dump(mode="json"),
        {
            "amount": str(amount),
            "value_date": value_date.isoformat(),
            "exposure": exposure.model_dump(mode="json"),
        },
    )
    return exposure


def draw(
    session: Session, reference: str, amount: Decimal, value_date: date, actor: str, scope: Scope = WHOLE_BANK
) -> Exposure:
    """Record a drawdown (放款); refused with nothing written above the undrawn limit."""
    return _move(session, reference, "drawdown", amount, value_date, actor, scope)


def repay(
    session: Session, reference: str, amount: Decimal, value_date: date, actor: str, scope: Scope = WHOLE_BANK
) -> Exposure:
    """Record a repayment (还款); a credit line's undrawn limit grows back, a loan's does not."""
    return _move(session, reference, "repayment", amount, value_date, actor, scope)


__all__ = [
    "Deal",
    "Records",
    "analyst_rating",
    "assemble",
    "assess_deal",
    "draw",
    "read_deal",
    "repay",
    "stored_deal",
    "stored_project",
    "summary",
    "wc_inputs_for_borrower",
    "write_memo",
]
