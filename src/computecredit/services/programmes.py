"""Programmes: admins define them, proposals and facilities are tagged with them under the eligibility
rules and the quota, and anyone may follow their progress.

Eligibility and the quota are checked when a proposal is tagged (on the requested amount) and again at
approval (on the approved limit, with the programme rows locked so that two approvals cannot both spend the
last of a quota). A refusal is an :class:`InputError` on ``programme`` naming the rule and the amounts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import date
from decimal import Decimal
from typing import Any

from pandas import DataFrame
from pydantic import ValidationError
from sqlalchemy.orm import Session

from computecredit.domain.borrowers import ChainSegment
from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.domain.exposures import NON_PERFORMING
from computecredit.domain.facilities import ProductType
from computecredit.domain.programmes import Programme
from computecredit.domain.validation import input_error
from computecredit.errors import InputError, NotFoundError
from computecredit.facilities.proposal import Proposal as FacilityProposal
from computecredit.jsonable import to_jsonable
from computecredit.money import format_amount
from computecredit.programmes import Candidate, Member, Progress, Slice, evaluate, failures, progress, quota_left
from computecredit.rating.innovation import innovation_assessment
from computecredit.rating.master_scale import load_master_scale
from computecredit.services import audit
from computecredit.services.facilities import Deal, Records, assemble
from computecredit.services.portfolio import book_from_store
from computecredit.store import bank as bank_store
from computecredit.store import borrowers as borrower_store
from computecredit.store import facilities as facility_store
from computecredit.store import programmes as programme_store
from computecredit.store.database import Database

# --- defining programmes -----------------------------------------------------------------------------


def parse_programme(document: dict[str, Any]) -> Programme:
    """A programme from its plain document; bad input names the field (the admission grade must be a grade
    of the master scale)."""
    try:
        programme = Programme.model_validate(document)
    except ValidationError as exc:
        raise input_error(exc) from None
    worst = programme.eligibility.worst_grade
    if worst is not None:
        load_master_scale().grade(worst)  # raises InputError naming the grade
    return programme


def save(session: Session, actor: str, document: dict[str, Any], code: str | None = None) -> Programme:
    """Create a programme (``code=None``) or replace programme ``code``'s definition, in the caller's write
    transaction, audited. Its code cannot change, nor its kind once facilities are tagged, and a quota cannot
    fall below what is committed."""
    programme = parse_programme(document)
    before = programme_store.find_programme(session, code or programme.code)
    if code is None and before is not None:
        raise InputError("code", programme.code, "a programme with this code exists already")
    if code is not None:
        if before is None:
            raise NotFoundError(f"no programme {code!r}")
        if programme.code != code:
            raise InputError("code", programme.code, f"cannot change: this is programme {code}")
        _check_edit(session, before, programme)
    programme_store.save_programme(session, programme)
    action = "programme.create" if before is None else "programme.update"
    after = programme.model_dump(mode="json")
    audit.append(
        session, actor, action, "programme", programme.code, before and before.model_dump(mode="json"), after
    )
    return programme


def _check_edit(session: Session, before: Programme, after: Programme) -> None:
    committed = programme_store.committed(session, before.code)
    if after.kind is not before.kind and committed > 0:
        raise InputError("kind", after.kind.value, f"cannot change: facilities are tagged as {before.kind.value}")
    if after.binding and after.amount < committed:
        raise InputError(
            "amount", str(after.amount), f"below the {format_amount(committed, lang='en')} already committed"
        )


def programme_codes(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """The programme codes a request names: one code, a list of them, or none (blank entries dropped).

    >>> programme_codes("AI-CHAIN-2025"), programme_codes(["A-1", " ", "B-2"]), programme_codes(None)
    (('AI-CHAIN-2025',), ('A-1', 'B-2'), ())
    """
    values = [value] if isinstance(value, str) else list(value or [])
    return tuple(v.strip() for v in values if v and v.strip())


# --- eligibility -----------------------------------------------------------------------------------


def candidate(session: Session, proposal: FacilityProposal, amount: Decimal) -> Candidate:
    """What eligibility sees of an assembled deal, for the limit ``amount``: the borrower's innovation
    assessment and steady-cash-flow test (:func:`computecredit.rating.innovation.innovation_assessment`), on
    the innovation inputs of its rating of record (so the score is the rating's)."""
    borrower, rating = proposal.borrower, proposal.rating
    statements = borrower_store.list_statements(session, borrower.uscc)
    assessment = innovation_assessment(borrower, statements, rating.inputs.get("innovation") or {})
    return Candidate(
        borrower=borrower,
        facility=proposal.facility,
        amount=amount,
        rate=proposal.proposed_rate(),
        purpose_amount=proposal.structuring.buyback_amount,
        grade=rating.final_grade,
        rd_intensity=assessment.inputs.get("rd_intensity"),
        steady_cash_flow=assessment.steady_cash_flow,
        innovation_score=assessment.score,
    )


def check(
    session: Session,
    codes: Sequence[str],
    proposal: FacilityProposal,
    amount: Decimal,
    *,
    lock: bool = False,
    on: date | None = None,
) -> list[Programme]:
    """The programmes ``codes`` once the deal may join each: a known programme, at most one per kind, its
    period holding the deal's date ``on`` (default: the proposal's), every eligibility rule met, and (for a
    quota) the limit within what is left. ``lock`` locks the programmes' rows first (at approval)."""
    programmes: list[Programme] = []
    for code in codes:
        programme = programme_store.find_programme(session, code)
        if programme is None:
            known = ", ".join(p.code for p in programme_store.list_programmes(session)) or "none"
            raise InputError("programme", code, f"not a programme of this bank (known: {known})")
        if any(p.kind is programme.kind for p in programmes):
            raise InputError("programme", code, f"a deal carries at most one {programme.kind.value}")
        programmes.append(programme_store.get_programme(session, code, lock=lock))
    built = candidate(session, proposal, amount) if programmes else None
    for programme in programmes:
        assert built is not None
        _admit(session, programme, built, on or proposal.as_of)
    return programmes


def _admit(session: Session, programme: Programme, built: Candidate, as_of: date) -> None:
    if not programme.start <= as_of <= programme.end:
        raise InputError(
            "programme",
            programme.code,
            f"runs from {programme.start} to {programme.end}; the deal is dated {as_of}",
        )
    refused = failures(programme, built)
    if refused:
        rules = "; ".join(f"{f.rule}: {f.en}" for f in refused)
        raise InputError("programme", programme.code, f"not eligible ({rules})")
    if programme.binding:
        left = quota_left(programme, programme_store.committed(session, programme.code))
        if built.amount > left:
            raise InputError(
                "programme",
                programme.code,
                f"quota: {format_amount(left, lang='en')} left, less than the limit "
                f"{format_amount(built.amount, lang='en')} (short by {format_amount(built.amount - left, lang='en')})",
            )


def findings(
    session: Session, codes: Sequence[str], proposal: FacilityProposal, amount: Decimal
) -> list[dict[str, Any]]:
    """How a deal stands against each named programme, without refusing: every applicable rule's finding and,
    for a quota, what is left (the proposal form's live panel and the stored analysis show these)."""
    out = []
    built = candidate(session, proposal, amount)
    for code in codes:
        programme = programme_store.find_programme(session, code)
        if programme is None:
            continue
        found = evaluate(programme, built)
        left = quota_left(programme, programme_store.committed(session, code)) if programme.binding else None
        out.append(
            {
                "code": code,
                "kind": programme.kind.value,
                "name_zh": programme.name_zh,
                "name_en": programme.name_en,
                "eligible": all(f.passed for f in found) and (left is None or amount <= left),
                "findings": [asdict(f) for f in found],
                "quota_left": to_jsonable(left, exact=True),
            }
        )
    return out


def tag_facility(session: Session, actor: str, code: str, reference: str, scope: Scope = WHOLE_BANK) -> Programme:
    """Put booked facility ``reference`` (of a borrower in ``scope``) in programme ``code`` after the same
    checks as a proposal's, in the caller's write transaction; audited."""
    records = Records.load(session)
    facility = records.facilities.get(reference)
    if facility is None or facility_store.find_facility_row(session, reference, scope) is None:
        raise InputError("facility", reference, "not a facility of this bank")
    if facility.parent_reference is not None:
        raise InputError("facility", reference, f"is drawn under line {facility.parent_reference}: tag the line")
    proposal = assemble(records, Deal(facility=facility), detailed=False)
    (programme,) = check(session, [code], proposal, facility.amount, lock=True, on=facility.start_date)
    for held in programme_store.facility_programmes(session, reference):
        if programme_store.get_programme(session, held).kind is programme.kind:
            raise InputError(
                "programme", code, f"facility {reference} is in {programme.kind.value} {held} already"
            )
    programme_store.tag(session, programme, actor, facility=reference)
    audit.append(session, actor, "programme.tag", "facility", reference, None, {"programme": code})
    return programme


# --- progress ----------------------------------------------------------------------------------------


def _member(records: Records, book: DataFrame, watched: set[str], reference: str, tagged_on: date) -> Member:
    """One facility of a programme as progress needs it, with the book's expected loss."""
    facility = records.facilities[reference]
    borrower = records.borrowers[facility.borrower_uscc]
    exposure = records.exposures.get(reference)
    row = book.loc[reference] if reference in book.index else None
    return Member(
        facility=reference,
        borrower_uscc=borrower.uscc,
        borrower_zh=borrower.name_zh,
        borrower_en=borrower.name_en,
        segment=borrower.segment.value,
        hub=borrower.hub.value if borrower.hub else "",
        committed_on=facility.start_date or tagged_on,
        limit=facility.amount,
        drawn=exposure.drawn if exposure else Decimal(0),
        expected_loss=float(row["ead"] * row["pd"] * row["lgd"]) if row is not None else 0.0,
        npl=exposure is not None and exposure.classification in NON_PERFORMING,
        watch=borrower.uscc in watched,
    )


def _progress(db: Database, codes: Sequence[str] | None, as_of: date | None, scope: Scope) -> list[Progress]:
    """The progress of programmes ``codes`` (None: all) on ``as_of``, with the records, the watch list and the
    book read once for all of them. Figures are each whole programme's; ``members`` lists only the facilities
    of borrowers in ``scope``."""
    with db.transaction() as session:
        if codes is None:
            programmes = programme_store.list_programmes(session)
        else:
            programmes = [programme_store.get_programme(session, code) for code in codes]
        day = as_of or bank_store.get_bank(session).as_of or date.today()
        shown = None if scope.whole_bank else borrower_store.usccs_in_scope(session, scope)
        tagged = {p.code: programme_store.programme_facilities(session, p.code) for p in programmes}
        records = Records.load(session, day)
        watched = programme_store.watched_borrowers(session, day)
    # The book (every facility's EAD, PD and LGD) only when some programme has facilities to weigh.
    book = book_from_store(db, day).frame().set_index("facility") if any(tagged.values()) else DataFrame()
    results = []
    for programme in programmes:
        found = [_member(records, book, watched, ref, on) for ref, on in tagged[programme.code]]
        result = progress(programme, found, day)
        if shown is not None:
            result = replace(result, members=tuple(m for m in result.members if m.borrower_uscc in shown))
        results.append(result)
    return results


def programme_progress(db: Database, code: str, as_of: date | None = None, scope: Scope = WHOLE_BANK) -> Progress:
    """Programme ``code``'s progress on ``as_of`` (default: the bank's reporting date). Its figures are the
    whole programme's (a programme is the bank's); its ``members``, the facilities it lists, are those of
    borrowers in ``scope`` only."""
    (result,) = _progress(db, [code], as_of, scope)
    return result


def programme_view(programme: Programme) -> dict[str, Any]:
    """A programme's definition as plain data, with the products and segments it admits spelled out (an
    unrestricted rule lists them all)."""
    rules = programme.eligibility
    return {
        **to_jsonable(programme.model_dump(mode="json"), exact=True),
        "binding": programme.binding,
        "eligible_products": [p.value for p in (rules.products or list(ProductType))],
        "eligible_segments": [s.value for s in (rules.segments or list(ChainSegment))],
        "eligible_hubs": [h.value for h in rules.hubs] or None,
    }


def progress_view(result: Progress) -> dict[str, Any]:
    """A programme's progress as plain data (amounts exact): what the API, the CLI, the Excel export and the
    report show."""

    def slices(rows: Sequence[Slice]) -> list[dict[str, Any]]:
        return [to_jsonable(asdict(row), exact=True) for row in rows]

    return {
        **programme_view(result.programme),
        "as_of": result.as_of.isoformat(),
        "target": to_jsonable(result.programme.amount, exact=True),
        "committed": to_jsonable(result.committed, exact=True),
        "drawn": to_jsonable(result.drawn, exact=True),
        "remaining": to_jsonable(result.remaining, exact=True),
        "share_of_target": round(result.share_of_target, 6),
        "elapsed_share": round(result.elapsed_share, 6),
        "expected_by_now": to_jsonable(result.expected_by_now, exact=True),
        "pace": None if result.pace is None else round(result.pace, 6),
        "by_segment": slices(result.by_segment),
        "by_hub": slices(result.by_hub),
        "by_year": slices(result.by_year),
        "risk": {
            "expected_loss": round(result.expected_loss, 2),
            "npl_count": result.npl_count,
            "watch_count": result.watch_count,
        },
        "borrowers": result.borrowers,
        "facilities": [to_jsonable(asdict(m), exact=True) for m in result.members],
    }


def overview(db: Database, as_of: date | None = None, scope: Scope = WHOLE_BANK) -> list[Progress]:
    """Every programme's progress on ``as_of`` (default: the bank's reporting date), by code."""
    return _progress(db, None, as_of, scope)


__all__ = [
    "candidate",
    "check",
    "findings",
    "overview",
    "parse_programme",
    "programme_codes",
    "programme_progress",
    "programme_view",
    "progress_view",
    "save",
    "tag_facility",
]
