"""Pagination of list endpoints: ``?offset=&limit=`` in, ``{items, total, offset, limit}`` out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from computecredit.errors import InputError


@dataclass(frozen=True)
class PageParams:
    offset: int
    limit: int


def page_params(
    offset: int = Query(0, ge=0, le=1_000_000, description="How many items to skip"),
    limit: int = Query(50, ge=1, le=200, description="At most this many items (1–200)"),
) -> PageParams:
    return PageParams(offset, limit)


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total count."""

    items: list[T]
    total: int
    offset: int
    limit: int


E = TypeVar("E", bound=Enum)


def optional_choice(enum: type[E], value: str | None, field: str) -> E | None:
    """A form's choice: empty means "any"; anything else must be one of the enum's values.

    >>> from computecredit.services.workflow import State
    >>> optional_choice(State, "", "state") is None, optional_choice(State, "approved", "state")
    (True, <State.APPROVED: 'approved'>)
    """
    if value is None or value == "":
        return None
    try:
        return enum(value)
    except ValueError:
        raise InputError(field, value, f"must be one of {', '.join(m.value for m in enum)}") from None
