"""Stored 智算中心 projects: an analyst's edited engine inputs, validated by the engine and audited.

The bundled engine examples are not stored and stay read-only; a stored project keeps one current input
document, and the audit log keeps every earlier one (before/after), so a decision can be re-run on the
inputs it saw.
"""

from __future__ import annotations

from typing import Any

from computecredit.domain.branches import WHOLE_BANK, Scope
from computecredit.domain.projects import Project
from computecredit.jsonable import to_jsonable
from computecredit.projects import parse_inputs
from computecredit.services import audit
from computecredit.store import projects as project_store
from computecredit.store.database import Database


def save_inputs(
    db: Database, actor: str, code: str, document: dict[str, Any], scope: Scope = WHOLE_BANK
) -> Project:
    """Replace the inputs of stored project ``code`` with ``document`` once the project engine accepts
    them (bad input raises :class:`~computecredit.errors.InputError` naming the field, and nothing is
    written); :class:`~computecredit.errors.NotFoundError` for a code that is not a stored project in
    ``scope``."""
    stored = to_jsonable(document, exact=True)  # what is checked is what is stored: YAML dates become ISO strings
    parse_inputs(stored, source=f"project {code}")
    with audit.write_transaction(db) as session:
        before = project_store.get_project(session, code, scope)
        after = before.model_copy(update={"inputs": stored})
        project_store.save_project(session, after)
        audit.append(session, actor, "project.inputs", "project", code, before.inputs, stored)
    return after


__all__ = ["save_inputs"]
