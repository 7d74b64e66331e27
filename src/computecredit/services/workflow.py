"""The proposal workflow: application → analysis → proposal → approved / rejected, with four eyes.

The rules are pure code (:func:`check`), enforced by the use cases below inside one transaction each,
and called by every shell (web pages, REST API, CLI) so that no shell can skip them:

- states move only along :data:`TRANSITIONS` (no state can be skipped: an application cannot be approved);
- each action needs a role allowed to take it (:data:`ROLE_ACTIONS`);
- four eyes (审贷分离): whoever proposed or analysed a proposal can never approve, reject or return it;
- approval authority by amount and product per role and branch level (:class:`AuthorityPolicy`, from
  ``reference/data/approval_authority.csv``);
- branches: an actor sees and acts only on the proposals of borrowers in their scope (their branch and the
  branches below it; the whole bank for the head office); any other proposal is not found.

>>> alice, bob = Actor("alice", "analyst"), Actor("bob", "approver")
>>> check(State.PROPOSAL, Action.APPROVE, bob, proposer="alice", amount=Decimal("5e7"), product="working_capital_loan")
<State.APPROVED: 'approved'>
>>> check(State.PROPOSAL, Action.APPROVE, Actor("alice", "approver"), proposer="alice",
...       amount=Decimal("5e7"), product="working_capital_loan")
Traceback (most recent call last):
...
computecredit.errors.PermissionDeniedError: four eyes: alice proposed this and cannot approve it
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from computecredit import __version__, reference
from computecredit.domain.branches import WHOLE_BANK, BranchLevel, Scope
from computecredit.domain.exposures import Exposure
from computecredit.domain.facilities import (
    GUARANTEES,
    Facility,
    FacilityStatus,
    OverrideKey,
    ProductType,
    RateBase,
    RepaymentType,
)
from computecredit.domain.validation import input_error
from computecredit.errors import InputError, NotFoundError, PermissionDeniedError, WorkflowError
from computecredit.facilities.proposal import Assessment, assess
from computecredit.facilities.proposal import Proposal as FacilityProposal
from computecredit.jsonable import to_jsonable
from computecredit.reports import memo
from computecredit.services import audit
from computecredit.services import facilities as facility_service
from computecredit.services import programmes as programme_service
from computecredit.services import rating as rating_service
from computecredit.store import borrower_list
from computecredit.store import borrowers as borrower_store
from computecredit.store import facilities as facility_store
from computecredit.store import programmes as programme_store
from computecredit.store import workbench as proposal_store
from computecredit.store.workbench import Decision, Proposal
from computecredit.store.workbench import get_proposal as get
from computecredit.store.workbench import list_proposals as list_proposals  # the shells' proposal list


class State(StrEnum):
    APPLICATION = "application"
    ANALYSIS = "analysis"
    PROPOSAL = "proposal"
    APPROVED = "approved"
    REJECTED = "rejected"


class Action(StrEnum):
    ANALYSE = "analyse"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"


ROLES = ("analyst", "approver", "risk_manager", "admin")

TRANSITIONS: dict[tuple[State, Action], State] = {
    (State.APPLICATION, Action.ANALYSE): State.ANALYSIS,
    (State.ANALYSIS, Action.ANALYSE): State.ANALYSIS,  # re-run the analysis after editing the terms
    (State.ANALYSIS, Action.SUBMIT): State.PROPOSAL,
    (State.PROPOSAL, Action.APPROVE): State.APPROVED,
    (State.PROPOSAL, Action.REJECT): State.REJECTED,
    (State.PROPOSAL, Action.RETURN): State.ANALYSIS,
}

# Origination and approval are held by different roles (审贷分离); admins manage users, not credit.
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "analyst": frozenset({Action.ANALYSE, Action.SUBMIT}),
    "approver": frozenset({Action.APPROVE, Action.REJECT, Action.RETURN}),
    "risk_manager": frozenset({Action.APPROVE, Action.REJECT, Action.RETURN}),
    "admin": frozenset(),
}
DECISIONS = frozenset({Action.APPROVE, Action.REJECT, Action.RETURN})
CREATE_ROLES = frozenset({"analyst"})


@dataclass(frozen=True)
class Actor:
    """Who acts: a username, a role, the level of their branch (approval authority depends on it) and the
    branches they see (:func:`computecredit.domain.branches.scope_of`; the head office sees the whole bank)."""

    username: str
    role: str
    level: str = BranchLevel.HEAD_OFFICE.value
    scope: Scope = WHOLE_BANK


@dataclass(frozen=True)
class AuthorityPolicy:
    """Maximum amount (yuan) a role may approve at a branch level, per product; ``*`` is the default of the
    role at that level. A level without a row of the role has no authority.

    >>> policy = AuthorityPolicy({("approver", "head_office", "*"): Decimal("3e8"),
    ...     ("approver", "head_office", "performance_guarantee"): Decimal("5e8"),
    ...     ("approver", "branch", "*"): Decimal("1e8")})
    >>> policy.limit("approver", "head_office", "performance_guarantee"), policy.limit("approver", "branch", "credit_line")
    (Decimal('5E+8'), Decimal('1E+8'))
    >>> policy.limit("approver", "sub_branch", "credit_line") is None
    True
    """

    limits: dict[tuple[str, str, str], Decimal]

    def limit(self, role: str, level: str, product: str) -> Decimal | None:
        """The ceiling of ``role`` at ``level`` for ``product`` (its own row, else the ``*`` row; None: no
        authority)."""
        for key in ((role, level, product), (role, level, "*")):
            if key in self.limits:
                return self.limits[key]
        return None

    def allows(self, role: str, level: str, product: str, amount: Decimal) -> bool:
        ceiling = self.limit(role, level, product)
        return ceiling is not None and amount <= ceiling


@lru_cache(maxsize=1)
def default_policy() -> AuthorityPolicy:
    """The bundled authority table (``approval_authority.csv``)."""
    table = reference.load_csv("approval_authority.csv")
    return AuthorityPolicy(
        {
            (row.role, row.level, row.product): Decimal(str(row.max_amount_yuan))
            for row in table.itertuples(index=False)
        }
    )


def check(
    state: State | str,
    action: Action | str,
    actor: Actor,
    *,
    proposer: str,
    amount: Decimal,
    product: str,
    contributors: Iterable[str] = (),
    policy: AuthorityPolicy | None = None,
) -> State:
    """The state after ``actor`` takes ``action``; raise if the workflow, the role, four eyes or authority forbid it."""
    state, action = State(state), Action(action)
    if action not in ROLE_ACTIONS.get(actor.role, frozenset()):
        raise PermissionDeniedError(f"role {actor.role} may not {action.value} a proposal")
    target = TRANSITIONS.get((state, action))
    if target is None:
        allowed = sorted(a.value for (s, a) in TRANSITIONS if s == state)
        raise WorkflowError(
            f"cannot {action.value} a proposal in state {state.value}; allowed: {', '.join(allowed) or 'none (final)'}"
        )
    if action in DECISIONS:
        if actor.username == proposer:
            raise PermissionDeniedError(f"four eyes: {actor.username} proposed this and cannot {action.value} it")
        if actor.username in set(contributors):
            raise PermissionDeniedError(f"four eyes: {actor.username} worked on this and cannot {action.value} it")
        chosen = policy or default_policy()
        if action is not Action.RETURN and not chosen.allows(actor.role, actor.level, product, amount):
            ceiling = chosen.limit(actor.role, actor.level, product)
            raise PermissionDeniedError(
                f"authority: {actor.role} ({actor.level}) may approve {product} up to {ceiling} yuan; "
                f"this proposal is {amount} yuan"
            )
    return target


def can(state: State | str, action: Action | str, actor: Actor, **kwargs: Any) -> bool:
    """Whether :func:`check` would allow it (for showing buttons; the server still calls :func:`check`).

    >>> can("application", "approve", Actor("bob", "approver"), proposer="alice", amount=Decimal(1), product="x")
    False
    """
    try:
        check(state, action, actor, **kwargs)
    except (PermissionDeniedError, WorkflowError):
        return False
    return True


# --- use cases (one transaction each, recorded in the audit log) ------------------------------------


@dataclass(frozen=True)
class Terms:
    """What an analyst applies for."""

    borrower_ref: str
    product: str
    amount: Decimal
    tenor_months: int
    currency: str = "CNY"
    project_ref: str | None = None
    inputs: dict[str, Any] | None = None
    programmes: tuple[str, ...] = ()

    def validate(self) -> None:
        if self.amount <= 0:
            raise InputError("amount", self.amount, "must be greater than 0")
        if not 1 <= self.tenor_months <= 360:
            raise InputError("tenor_months", self.tenor_months, "must lie between 1 and 360 months")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise InputError("currency", self.currency, "must be an ISO 4217 code such as CNY")
        if not self.product:
            raise InputError("product", self.product, "must name a product")


def proposal_view(p: Proposal) -> dict[str, Any]:
    """The proposal's terms, state and analysis as plain data (what decisions and the audit log store)."""
    import json

    return {
        "id": p.id,
        "borrower_ref": p.borrower_ref,
        "project_ref": p.project_ref,
        "product": p.product,
        "amount": to_jsonable(p.amount, exact=True),
        "currency": p.currency,
        "tenor_months": p.tenor_months,
        "state": p.state,
        "proposer": p.proposer,
        "facility_id": p.facility.reference if p.facility is not None else None,
        "programmes": p.programme_codes,
        "inputs": json.loads(p.inputs_json or "{}"),
        "outputs": json.loads(p.outputs_json or "{}"),
        "versions": json.loads(p.versions_json or "{}"),
    }


def create(session: Session, actor: Actor, terms: Terms) -> Proposal:
    """Open an application (state ``application``)."""
    if actor.role not in CREATE_ROLES:
        raise PermissionDeniedError(f"role {actor.role} may not create a proposal")
    deal = deal_terms((terms.inputs or {}).get("deal") or {})
    validate_deal(session, terms, deal, actor.scope)
    programmes = []
    if terms.programmes:
        document = engine_proposal(session, "VALIDATE", terms, deal, actor.username)
        programmes = programme_service.check(session, terms.programmes, document, terms.amount)
    proposal = Proposal(
        borrower_ref=terms.borrower_ref,
        project_ref=terms.project_ref,
        product=terms.product,
        amount=terms.amount,
        currency=terms.currency,
        tenor_months=terms.tenor_months,
        state=State.APPLICATION.value,
        proposer=actor.username,
        inputs_json=audit.canonical_json(terms.inputs or {}),
    )
    session.add(proposal)
    session.flush()
    for programme in programmes:
        programme_store.tag(session, programme, actor.username, proposal_id=proposal.id)
    audit.append(
        session, actor.username, "proposal.create", "proposal", proposal.id, None, proposal_view(proposal)
    )
    return proposal


def contributors(proposal: Proposal) -> set[str]:
    """Everyone who proposed, analysed or submitted it: none of them may decide on it."""
    people = {proposal.proposer}
    people.update(d.actor for d in proposal.decisions if d.action in (Action.ANALYSE, Action.SUBMIT))
    return people


def _step(
    session: Session,
    proposal: Proposal,
    actor: Actor,
    action: Action,
    comment: str = "",
    policy: AuthorityPolicy | None = None,
) -> Proposal:
    before = proposal_view(proposal)
    target = check(
        proposal.state,
        action,
        actor,
        proposer=proposal.proposer,
        amount=proposal.amount,
        product=proposal.product,
        contributors=contributors(proposal),
        policy=policy,
    )
    if action is Action.SUBMIT and proposal.outputs_json in (None, "", "{}"):
        raise WorkflowError("cannot submit a proposal without its analysis (limit, pricing, checks)")
    proposal.state = target.value
    snapshot = audit.canonical_json({**proposal_view(proposal), "action": action.value, "comment": comment})
    decision = Decision(
        actor=actor.username,
        action=action.value,
        from_state=before["state"],
        to_state=target.value,
        comment=comment,
        snapshot_json=snapshot,
        snapshot_hash=audit.digest(snapshot),
    )
    proposal.decisions.append(decision)
    session.flush()
    audit.append(
        session,
        actor.username,
        f"proposal.{action.value}",
        "proposal",
        proposal.id,
        before,
        proposal_view(proposal),
    )
    return proposal


def analyse(
    session: Session,
    proposal_id: int,
    actor: Actor,
    outputs: dict[str, Any],
    versions: dict[str, Any],
    inputs: dict[str, Any] | None = None,
    memo_html: str | None = None,
) -> Proposal:
    """Store the analysis (engine outputs and the versions that produced them); state → ``analysis``."""
    proposal = get(session, proposal_id, actor.scope)
    check(
        proposal.state,
        Action.ANALYSE,
        actor,
        proposer=proposal.proposer,
        amount=proposal.amount,
        product=proposal.product,
    )
    if not outputs:
        raise InputError("outputs", outputs, "an analysis needs the engines' outputs")
    if inputs is not None:
        proposal.inputs_json = audit.canonical_json(inputs)
    proposal.outputs_json = audit.canonical_json(outputs)
    proposal.versions_json = audit.canonical_json(versions)
    if memo_html is not None:
        proposal.memo_html = memo_html
    return _step(session, proposal, actor, Action.ANALYSE)


def submit(session: Session, proposal_id: int, actor: Actor) -> Proposal:
    """Send the analysed proposal for approval; state → ``proposal``."""
    return _step(session, get(session, proposal_id, actor.scope), actor, Action.SUBMIT)


def decide(
    session: Session,
    proposal_id: int,
    actor: Actor,
    action: Action | str,
    comment: str = "",
    policy: AuthorityPolicy | None = None,
) -> Proposal:
    """Approve, reject or return (with a comment) a submitted proposal, under four eyes and authority."""
    action = Action(action)
    if action not in DECISIONS:
        raise InputError("action", action.value, "must be approve, reject or return")
    if action in (Action.REJECT, Action.RETURN) and not comment.strip():
        raise InputError("comment", comment, f"a comment is required to {action.value}")
    proposal = _step(session, get(session, proposal_id, actor.scope), actor, action, comment, policy)
    if action is Action.APPROVE:
        book_approved(session, proposal, actor)
    return proposal


def book_approved(session: Session, proposal: Proposal, actor: Actor) -> Facility:
    """Create the approved proposal's facility (approved, an undrawn commitment of the analysed limit) and
    link it to the proposal, in the approval's transaction: the book then carries what the memo's booking says.
    """
    import json

    outputs = json.loads(proposal.outputs_json or "{}")
    inputs = json.loads(proposal.inputs_json or "{}")
    limit = Decimal(str(outputs.get("limit", 0)))
    if limit <= 0:
        raise WorkflowError(f"proposal {proposal.id}: the analysis recommends no limit; return or reject it")
    terms = Terms(
        proposal.borrower_ref,
        proposal.product,
        limit,
        proposal.tenor_months,
        proposal.currency,
        proposal.project_ref,
    )
    facility = facility_of(f"P-{proposal.id}", terms, stored_deal(proposal))
    as_of = date.fromisoformat(inputs["engine_proposal"]["as_of"])
    # A PD is the obligor's, not one facility's: an approved PD override becomes the borrower's rating of
    # record, so every facility of the borrower (and the book) carries it.
    pd_override = next((o for o in facility.overrides if o.key is OverrideKey.PD), None)
    if pd_override is not None:
        record = facility_service.analyst_rating(facility.borrower_uscc, pd_override.value, proposal.proposer)
        approval = {"reason": pd_override.reason, "proposal": proposal.id, "approver": actor.username}
        record = record.model_copy(update={"inputs": {**record.inputs, **approval}})
        rating_service.store_rating(session, record, actor.username, {"approved_pd_override": approval})
    # Eligibility and the quota again, on the approved limit, with the programmes locked: two approvals
    # cannot both spend the last of a quota.
    programmes = []
    if proposal.programme_codes:
        analysed = FacilityProposal.model_validate(inputs["engine_proposal"])
        programmes = programme_service.check(session, proposal.programme_codes, analysed, limit, lock=True)
    kept = [o for o in facility.overrides if o.key is not OverrideKey.PD]
    facility = facility.model_copy(
        update={"status": FacilityStatus.APPROVED, "start_date": as_of, "overrides": kept}
    )
    row = facility_store.save_facility(session, facility)
    facility_store.save_exposure(
        session, Exposure(facility_reference=facility.reference, as_of=as_of, drawn=Decimal(0), undrawn=limit)
    )
    proposal.facility = row
    session.flush()
    for programme in programmes:
        programme_store.tag(session, programme, actor.username, facility=facility.reference)
    audit.append(
        session,
        actor.username,
        "facility.create",
        "facility",
        facility.reference,
        None,
        {**facility.model_dump(mode="json"), "programmes": [p.code for p in programmes]},
    )
    return facility


def borrower_names(session: Session, proposals: Iterable[Proposal]) -> dict[str, tuple[str, str]]:
    """The Chinese and English names of the proposals' borrowers, by USCC."""
    return borrower_list.borrower_names(session, {p.borrower_ref for p in proposals})


def approval_queue(session: Session, actor: Actor, policy: AuthorityPolicy | None = None) -> list[Proposal]:
    """Submitted proposals this actor may decide on: in their branches, within authority and not their own."""
    return [
        p
        for p in proposal_store.proposals_in_state(session, State.PROPOSAL.value, actor.scope)
        if can(
            p.state,
            Action.APPROVE,
            actor,
            proposer=p.proposer,
            amount=p.amount,
            product=p.product,
            contributors=contributors(p),
            policy=policy,
        )
    ]


# --- analysis by the engines --------------------------------------------------------------------------


@dataclass(frozen=True)
class DealTerms:
    """What the analyst structures beside amount and tenor: the price, the repayment, collateral, guarantors,
    covenants, the deal's sizing terms and named overrides (plain documents of the domain's models)."""

    spread_bp: int = 0
    beneficiary: str | None = None
    purpose: str = ""
    repayment: str | None = None
    rate_base: str | None = None
    collateral: tuple[dict[str, Any], ...] = ()
    guarantors: tuple[dict[str, Any], ...] = ()
    covenants: tuple[dict[str, Any], ...] = ()
    overrides: tuple[dict[str, Any], ...] = ()
    structuring: dict[str, Any] = field(default_factory=dict)


def facility_of(reference: str, terms: Terms, deal: DealTerms) -> Facility:
    """The domain facility the engines assess for a proposal's terms (bad terms name the field).

    By default loans float on the 1-year LPR (5-year LPR beyond 60 months) plus ``spread_bp``; guarantees
    charge a fixed fee of ``spread_bp`` per year; a credit line revolves, a guarantee is a bullet, other
    loans amortise in equal principal.
    """
    product = ProductType(terms.product)
    if product in GUARANTEES:
        base, repayment = RateBase.FIXED.value, RepaymentType.BULLET.value
    else:
        base = RateBase.LPR_5Y.value if terms.tenor_months > 60 else RateBase.LPR_1Y.value
        revolving = product is ProductType.CREDIT_LINE
        repayment = RepaymentType.REVOLVING.value if revolving else RepaymentType.EQUAL_PRINCIPAL.value
    document = {
        "reference": reference,
        "borrower_uscc": terms.borrower_ref,
        "product": product.value,
        "amount": terms.amount,
        "currency": terms.currency,
        "tenor_months": terms.tenor_months,
        "rate": {"base": deal.rate_base or base, "spread_bp": deal.spread_bp},
        "repayment": deal.repayment or repayment,
        "purpose": deal.purpose,
        "beneficiary": deal.beneficiary if product in GUARANTEES else None,
        "project_code": terms.project_ref or None,
        "collateral": list(deal.collateral),
        "guarantors": list(deal.guarantors),
        "covenants": list(deal.covenants),
        "overrides": list(deal.overrides),
        "structuring": dict(deal.structuring),
    }
    try:
        return Facility.model_validate(document)
    except ValidationError as exc:
        raise input_error(exc) from None


def engine_proposal(
    session: Session, reference: str, terms: Terms, deal: DealTerms, analyst: str
) -> FacilityProposal:
    """The facilities engine's proposal for these terms: the one deal assembly over the stored records."""
    facility = facility_of(reference, terms, deal)
    records = facility_service.Records.load(session)
    return facility_service.assemble(records, facility_service.Deal(facility=facility, analyst=analyst))


def display_names(session: Session) -> dict[str, str]:
    """Every user's display name by username (pages show people by name)."""
    from computecredit.store import users as user_store

    return {u.username: u.display_name for u in user_store.list_users(session)}


def borrower_choices(session: Session, scope: Scope = WHOLE_BANK) -> list[tuple[str, str, str]]:
    """(USCC, Chinese name, English name) of every borrower in ``scope``, for the form's find-as-you-type list."""
    return [(b.uscc, b.name_zh, b.name_en) for b in borrower_store.list_borrowers(session, scope)]


def borrower_context(session: Session, uscc: str, scope: Scope = WHOLE_BANK) -> dict[str, Any]:
    """What the proposal form shows of a borrower: its stored projects (the picker) and its existing
    facilities with their collateral and latest exposure; empty for a borrower unknown in ``scope``."""
    if not uscc or borrower_store.find_borrower_row(session, uscc, scope) is None:
        return {"projects": [], "facilities": []}
    from computecredit.store import projects as project_store

    facilities = []
    for facility in facility_store.list_facilities(session, uscc):
        exposure = facility_store.latest_exposure(session, facility.reference)
        facilities.append({"facility": facility, "exposure": exposure})
    return {
        "projects": [p for p in project_store.list_projects(session) if p.borrower_uscc == uscc],
        "facilities": facilities,
    }


def validate_deal(session: Session, terms: Terms, deal: DealTerms, scope: Scope = WHOLE_BANK) -> None:
    """Refuse terms the engines cannot take, naming the field: amount and tenor, the borrower (known in
    ``scope``: another branch's reads as unknown), the facility's collateral, guarantors, covenants and
    overrides, and the project (stored, and the borrower's own)."""
    terms.validate()
    if borrower_store.find_borrower_row(session, terms.borrower_ref, scope) is None:
        raise InputError("borrower_ref", terms.borrower_ref, "must be the USCC of a known borrower")
    facility_of("VALIDATE", terms, deal)
    if terms.project_ref:
        facility_service.stored_project(session, terms.project_ref, terms.borrower_ref)


def assessment_outputs(assessment: Assessment) -> tuple[dict[str, Any], dict[str, Any]]:
    """What a proposal stores of an assessment: its headline figures, and the versions that produced them."""
    outputs = to_jsonable(facility_service.summary(assessment), exact=True)
    outputs["conditions_zh"] = list(assessment.conditions_zh)
    rating = assessment.proposal.rating
    versions = {
        "reference": outputs.pop("reference_versions"),
        "rating_model": f"{rating.model_id} {rating.model_version}",
        "facilities_engine": __version__,
        "input_digest": memo.input_digest(assessment),
    }
    return outputs, versions


def preview(
    session: Session, terms: Terms, deal: DealTerms, actor: Actor
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The engines' outputs for terms not yet stored (the proposal form's live panel); writes nothing."""
    validate_deal(session, terms, deal, actor.scope)
    document = engine_proposal(session, "PREVIEW", terms, deal, actor.username)
    outputs, versions = assessment_outputs(assess(document))
    return with_programmes(session, outputs, terms.programmes, document), versions


def with_programmes(
    session: Session, outputs: dict[str, Any], codes: Iterable[str], document: FacilityProposal
) -> dict[str, Any]:
    """The outputs with how the deal stands against its programmes, on the analysed limit (when tagged)."""
    codes = list(codes)
    if not codes:
        return outputs
    limit = Decimal(str(outputs.get("limit") or 0))
    return {**outputs, "programmes": programme_service.findings(session, codes, document, limit)}


def stored_deal(proposal: Proposal) -> DealTerms:
    """The deal terms the analyst gave when opening the proposal."""
    import json

    return deal_terms(json.loads(proposal.inputs_json or "{}").get("deal") or {})


def deal_terms(document: dict[str, Any]) -> DealTerms:
    """:class:`DealTerms` from its plain document (lists become tuples; unknown keys are left out)."""
    known = {k: v for k, v in document.items() if k in DealTerms.__dataclass_fields__}
    for name in ("collateral", "guarantors", "covenants", "overrides"):
        known[name] = tuple(known.get(name) or ())
    known["structuring"] = dict(known.get("structuring") or {})
    return DealTerms(**known)


def analyse_with_engines(session: Session, proposal_id: int, actor: Actor, deal: DealTerms) -> Proposal:
    """Run the facilities engine on a proposal and store its inputs, outputs, versions and credit memo."""
    proposal = get(session, proposal_id, actor.scope)
    terms = Terms(
        proposal.borrower_ref,
        proposal.product,
        proposal.amount,
        proposal.tenor_months,
        proposal.currency,
        proposal.project_ref,
    )
    document = engine_proposal(session, f"P-{proposal.id}", terms, deal, actor.username)
    assessment = assess(document)
    outputs, versions = assessment_outputs(assessment)
    outputs = with_programmes(session, outputs, proposal.programme_codes, document)
    memos = {lang: memo.render_html(assessment, lang) for lang in ("zh", "en")}
    return analyse(
        session,
        proposal_id,
        actor,
        outputs,
        versions,
        inputs={"deal": asdict(deal), "engine_proposal": document.model_dump(mode="json")},
        memo_html=audit.canonical_json(memos),
    )


def memo_of(proposal: Proposal, lang: str) -> str:
    """The credit memo stored with the proposal's analysis, in ``lang`` (zh or en)."""
    if not proposal.memo_html:
        raise NotFoundError(f"proposal {proposal.id} has no credit memo yet: run its analysis first")
    import json

    return json.loads(proposal.memo_html)["zh" if lang.startswith("zh") else "en"]
