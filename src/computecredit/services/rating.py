"""Rating use cases: train a model file, score a table, write a model card, rate a borrower.

File use cases read tables already loaded by the shell and write their outputs completely or not at all
(to a temporary name, then renamed). :func:`rate_stored_borrower` is the one rate-a-borrower use case: it rates
a stored borrower with the compute-chain expert model and stores the
:class:`~computecredit.domain.ratings.RatingRecord` with its audit entry, in one transaction.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml
from sqlalchemy.orm import Session

from computecredit import reference
from computecredit.domain.borrowers import Borrower
from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.domain.ratings import Override, RatingRecord
from computecredit.domain.statements import FinancialStatement
from computecredit.errors import InputError
from computecredit.jsonable import to_jsonable
from computecredit.rating import expert
from computecredit.rating.expert import DEFAULT_TABLE as DEFAULT_EXPERT_TABLE
from computecredit.rating.expert import ExpertConfig, ExpertRating, FactorResult, load_expert_config
from computecredit.rating.innovation import innovation_inputs
from computecredit.rating.ratios import statement_ratios
from computecredit.rating.training import ScoringModel, TrainOptions, load_model, train, train_compared
from computecredit.store.database import Database

if TYPE_CHECKING:
    from computecredit.store.borrowers import BorrowerRow


def _write_atomically(path: Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def train_model_file(
    frame: pd.DataFrame, options: TrainOptions, model: str, out: Path, compare: bool = False
) -> ScoringModel:
    """Train a ``model`` kind on ``frame`` and write its JSON to ``out``; with ``compare``, also fit the
    other kinds and record their held-out comparison in the model's ``training["comparison"]``."""
    fitted = train_compared(frame, options, model) if compare else train(frame, options, model)
    _write_atomically(out, fitted.to_json() + "\n")
    return fitted


def score_file(
    model_path: Path, frame: pd.DataFrame, out: Path, reasons: int = 3, source: str | None = None
) -> dict[str, Any]:
    """Score ``frame`` with the model at ``model_path``; write the rows plus score, pd, grade, reasons."""
    model = load_model(model_path)
    result = model.predict(frame, reasons=reasons, source=source)
    scored = pd.concat([frame.reset_index(drop=True), result.to_frame()], axis=1)
    _write_atomically(out, scored.to_csv(index=False, float_format=None))
    grades = pd.Series(result.grade).value_counts()
    return {
        "model": str(model_path),
        "out": str(out),
        "rows": len(scored),
        "mean_pd": float(result.pd.mean()) if len(scored) else None,
        "grades": {g: int(grades[g]) for g in model.master_scale.codes if g in grades},
    }


def model_card_files(
    model_path: Path,
    frame: pd.DataFrame,
    target: str | None = None,
    source: str | None = None,
    baseline: pd.DataFrame | None = None,
    html: Path | None = None,
    card_json: Path | None = None,
) -> dict[str, Any]:
    """Build the model card of a model on a sample; write it as HTML and/or JSON where asked."""
    from computecredit.reports.model_card import build_model_card, render_html

    model = load_model(model_path)
    card = build_model_card(model, frame, target=target, baseline=baseline, source=source)
    card["model"]["file"] = str(model_path)
    if html:
        _write_atomically(html, render_html(card))
    if card_json:
        _write_atomically(card_json, json.dumps(to_jsonable(card), ensure_ascii=False, indent=1) + "\n")
    return card


# --- rating a borrower with the expert model -------------------------------------------------------

MODEL_ID = "expert_compute"


def default_inputs(borrower: Borrower, given: Mapping[str, Any]) -> dict[str, Any]:
    """Industry inputs with the defaults the borrower record supports: state support ``moderate`` for a
    state-owned borrower, group support ``moderate`` for a group member (explicit inputs win)."""
    out: dict[str, Any] = {}
    if borrower.ownership.value == "state":
        out["state_support"] = "moderate"
    if borrower.group_name:
        out["group_support"] = "moderate"
    return {**out, **given}


def rate_borrower_data(
    borrower: Borrower,
    statements: list[FinancialStatement],
    factors: Mapping[str, Any] | None = None,
    innovation: Mapping[str, Any] | None = None,
    override: Override | None = None,
    config: ExpertConfig | None = None,
) -> tuple[ExpertRating, dict[str, Any]]:
    """Rate a borrower (pure): returns the expert rating and the inputs it used."""
    config = config or load_expert_config()
    year, ratio_values, trends = statement_ratios(statements)
    ratio_numbers = {code: r.value for code, r in ratio_values.items()}
    given = dict(factors or {})
    inputs = default_inputs(borrower, given)
    inn_inputs = innovation_inputs(borrower, ratio_numbers.get("rd_intensity"), innovation or {})
    result = expert.rate(
        config,
        borrower.segment.value,
        ratio_numbers,
        inputs,
        inn_inputs,
        is_sme=borrower.is_sme,
        override=override,
        defaulted=frozenset(inputs) - frozenset(given),
    )
    used = {
        "fiscal_year": year,
        "ratios": {c: {"value": r.value, "reason": r.reason} for c, r in ratio_values.items()},
        "trends": {c: t["direction"] for c, t in trends.items() if t["direction"] != "n/a"},
        "factors": dict(inputs),
        "innovation": inn_inputs,
        "information": information(result),
        "size_class": borrower.size_class.value,
        "config_version": config.version,
        "reference_versions": {t: reference.version(t) for t in (DEFAULT_EXPERT_TABLE, "master_scale.yaml")},
    }
    return result, used


def information(result: ExpertRating) -> dict[str, Any]:
    """How much of the card was known: completeness, the cap it implies, and the missing factors by name."""
    return {
        "completeness": round(result.completeness, 4),
        "cap_grade": result.cap_grade,
        "capped": result.capped,
        "missing_factors": [
            {"factor": f.code, "name_zh": f.name_zh, "name_en": f.name_en, "weight": f.weight}
            for f in result.factors
            if f.missing
        ],
    }


def explain(result: ExpertRating, top: int = 5) -> dict[str, Any]:
    """A JSON-ready explanation: score, PDs and grades at each step, and the factors that moved it most."""

    def rows(factors: list[FactorResult]) -> list[dict[str, Any]]:
        return [
            {
                "factor": f.code,
                "name_zh": f.name_zh,
                "name_en": f.name_en,
                "value": f.value,
                "score": f.score,
                "weight": f.weight,
                "weight_used": round(f.weight_used, 4),
                "contribution": round(f.contribution, 4),
                "source": f.source,
            }
            for f in factors[:top]
        ]

    return {
        "card": result.card,
        "score": round(result.score, 4),
        "model_pd": result.model_pd,
        "model_grade": result.model_grade,
        "innovation": {
            "score": round(result.innovation.score, 2),
            "notches": result.innovation.notches,
            "note": result.innovation.reason,
        },
        "completeness": round(result.completeness, 4),
        "grade": result.grade,
        "pd": result.pd,
        "final_grade": result.final_grade,
        "final_pd": result.final_pd,
        "override": result.override.model_dump(mode="json") if result.override else None,
        "moved_up": rows(result.moved_up),
        "moved_down": rows(result.moved_down),
        "missing_factors": result.missing,
        "information": information(result),
    }


def read_rating_file(path: Path) -> dict[str, Any]:
    """A rating request file (YAML or JSON): ``uscc`` of a stored borrower or a full ``borrower``;
    optional ``statements`` (list of statement objects), ``factors``, ``innovation`` and ``override``."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError("file", str(path), f"not valid YAML/JSON ({exc})", source=str(path)) from None
    if not isinstance(data, dict) or not ({"uscc", "borrower"} & set(data)):
        raise InputError("file", str(path), "needs a 'uscc' or a 'borrower' key", source=str(path))
    unknown = sorted(set(data) - {"uscc", "borrower", "statements", "factors", "innovation", "override"})
    if unknown:
        raise InputError(unknown[0], data[unknown[0]], "unknown key", source=str(path))
    return data


def rating_record(
    uscc: str, result: ExpertRating, used: Mapping[str, Any], rated_by: str, override: Override | None = None
) -> RatingRecord:
    """The record stored for an expert-model rating: model and version, inputs, contributions, grade, PD."""
    return RatingRecord(
        borrower_uscc=uscc,
        model_id=MODEL_ID,
        model_version=result.config_version,
        inputs=to_jsonable(used, exact=True),
        factor_contributions=result.contributions(),
        grade=result.grade,
        pd=Decimal(repr(result.pd)),
        rated_by=rated_by[:32],
        override=override,
    )


def _outcome(borrower: Borrower, result: ExpertRating, used: Mapping[str, Any], stored: bool) -> dict[str, Any]:
    """What every channel answers after a rating: the borrower, the model, the explanation, whether stored."""
    return {
        "borrower": {
            "uscc": borrower.uscc,
            "name_zh": borrower.name_zh,
            "name_en": borrower.name_en,
            "segment": borrower.segment.value,
            "size_class": borrower.size_class.value,
        },
        "model_id": MODEL_ID,
        "model_version": result.config_version,
        "fiscal_year": used["fiscal_year"],
        **explain(result),
        "stored": stored,
    }


def rate_stored_borrower(
    session: Session,
    uscc: str,
    rated_by: str,
    factors: Mapping[str, Any] | None = None,
    override: Override | None = None,
    *,
    innovation: Mapping[str, Any] | None = None,
    statements: list[FinancialStatement] | None = None,
    scope: Scope = WHOLE_BANK,
) -> dict[str, Any]:
    """Rate a stored borrower (in ``scope``: another branch's is not found): the one use case every channel
    calls (CLI ``borrower rate``, the web, the ``rating.batch`` job, the demo loader).

    Rates with the expert model from the borrower's stored statements (or ``statements`` given with a
    request file), stores the rating record and appends its ``rating.create`` audit entry, both in the
    caller's transaction (:func:`computecredit.services.audit.write_transaction` for a unit of work of its
    own): a rating is stored with its audit entry or not at all. Returns the explanation and the borrower.
    """
    from computecredit.store import borrowers as borrower_store

    row = borrower_store.borrower_row(session, uscc, scope)
    borrower = borrower_store.to_borrower(row)
    if statements is None:
        statements = borrower_store.list_statements(session, uscc)
    result, used = rate_borrower_data(borrower, statements, factors, innovation, override)
    record = rating_record(uscc, result, used, rated_by, override)
    outcome = _outcome(borrower, result, used, stored=True)
    explanation = {k: v for k, v in outcome.items() if k not in ("borrower", "stored")}
    store_rating(session, record, rated_by, explanation, borrower=row)
    return outcome


def store_rating(
    session: Session,
    record: RatingRecord,
    actor: str,
    explanation: Mapping[str, Any],
    borrower: BorrowerRow | None = None,
) -> None:
    """Store a rating record with its ``rating.create`` audit entry, in the caller's transaction: the one
    way a rating is written (expert-model ratings, and PD overrides approved with a proposal). ``borrower``:
    the borrower's stored row, when the caller has read it already."""
    from computecredit.services import audit
    from computecredit.store import ratings as rating_store

    rating_store.add_rating(session, record, borrower)
    audit.append(
        session,
        actor,
        "rating.create",
        "borrower",
        record.borrower_uscc,
        None,
        {"record": record, "explanation": explanation},
    )


def rate_stored_borrowers(session: Session, rated_by: str) -> int:
    """Rate every stored borrower (:func:`rate_stored_borrower`, each with its audit entry) inside ``session``.

    Used by the demo loader so the demo book has a PD for every borrower; returns how many were rated.
    """
    from computecredit.store import borrowers as borrower_store

    borrowers = borrower_store.list_borrowers(session)
    for borrower in borrowers:
        rate_stored_borrower(session, borrower.uscc, rated_by)
    return len(borrowers)


def rate_borrower(
    db: Database,
    target: str,
    rated_by: str,
    factors: Mapping[str, Any] | None = None,
    override: Override | None = None,
) -> dict[str, Any]:
    """Rate a stored borrower (USCC) or the borrower of a request file (what ``borrower rate`` does).

    A stored borrower is rated by :func:`rate_stored_borrower` in a write transaction of its own (record
    and audit entry); a borrower the request file describes and the database does not hold is rated and
    explained, and nothing is written.
    """
    from pydantic import ValidationError

    from computecredit.errors import from_validation_error
    from computecredit.services import audit
    from computecredit.store import borrowers as borrower_store

    path = Path(target)
    request: dict[str, Any] = (
        read_rating_file(path) if path.suffix.lower() in (".yaml", ".yml", ".json") else {"uscc": target}
    )
    source = str(path) if "borrower" in request or path.exists() else None
    try:
        given_override = Override.model_validate(request["override"]) if request.get("override") else override
        given_factors = {**(request.get("factors") or {}), **(factors or {})}
        borrower = Borrower.model_validate(request["borrower"]) if "borrower" in request else None
        statements = (
            [
                FinancialStatement.model_validate({"borrower_uscc": borrower.uscc, **s})
                for s in request.get("statements", [])
            ]
            if borrower is not None
            else None
        )
        uscc = borrower.uscc if borrower is not None else str(request["uscc"])
        with audit.write_transaction(db) as session:
            if borrower is None:
                uscc = borrower_store.resolve_uscc(session, uscc)  # a stock code names a stored borrower too
            if borrower is None or borrower_store.find_borrower_row(session, uscc) is not None:
                return rate_stored_borrower(
                    session,
                    uscc,
                    rated_by,
                    given_factors,
                    given_override,
                    innovation=request.get("innovation"),
                    statements=statements,
                )
        result, used = rate_borrower_data(
            borrower, statements or [], given_factors, request.get("innovation"), given_override
        )
        return _outcome(borrower, result, used, stored=False)
    except ValidationError as exc:
        raise from_validation_error(exc, source=source) from None


__all__ = [
    "explain",
    "model_card_files",
    "rate_borrower",
    "rate_borrower_data",
    "rate_stored_borrower",
    "rate_stored_borrowers",
    "read_rating_file",
    "score_file",
    "statement_ratios",
    "train_model_file",
]
