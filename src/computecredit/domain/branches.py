"""The bank's branches (总行 → 分行 → 支行) and which of them a user sees: the one visibility rule.

A user sees, and acts on, the customers of their own branch and of every branch below it; the head office
is at the top, so its users see the whole bank. Borrowers are booked at one branch; their facilities,
proposals, projects, ratings and alerts belong to the borrower's branch (derived, never stored twice).

>>> tree = [
...     Branch(code="HO", name_zh="总行", name_en="Head office", level="head_office"),
...     Branch(code="BJ", name_zh="北京分行", name_en="Beijing Branch", level="branch", parent_code="HO"),
...     Branch(code="BJ-HD", name_zh="北京海淀支行", name_en="Haidian Sub-branch", level="sub_branch",
...            parent_code="BJ"),
...     Branch(code="SZ", name_zh="深圳分行", name_en="Shenzhen Branch", level="branch", parent_code="HO"),
... ]
>>> sorted(scope_of(tree, "BJ").branches), scope_of(tree, "BJ-HD").branches
(['BJ', 'BJ-HD'], frozenset({'BJ-HD'}))
>>> scope_of(tree, "HO").whole_bank, scope_of(tree, "SZ").allows("BJ")
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from computecredit.domain.labels import LabelledEnum, lenient

# The head office's code: the default branch of every user and borrower (migration 0010 creates its row).
HEAD_OFFICE = "HO"
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{0,15}$"


class BranchLevel(LabelledEnum):
    HEAD_OFFICE = "head_office", "总行", "Head office"
    BRANCH = "branch", "分行", "Branch"
    SUB_BRANCH = "sub_branch", "支行", "Sub-branch"


# The level a branch's parent must have: a 分行 reports to the head office, a 支行 to a 分行.
PARENT_LEVEL = {BranchLevel.BRANCH: BranchLevel.HEAD_OFFICE, BranchLevel.SUB_BRANCH: BranchLevel.BRANCH}


class Branch(BaseModel):
    """One office of the bank: the head office, a 分行 or a 支行, with the office it reports to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=CODE_PATTERN, description="upper-case letters, digits and -, e.g. BJ-HD")
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(min_length=1, max_length=100)
    level: Annotated[BranchLevel, lenient(BranchLevel)]
    parent_code: str | None = None

    @model_validator(mode="after")
    def _parent(self) -> Branch:
        if (self.level is BranchLevel.HEAD_OFFICE) != (self.parent_code is None):
            raise ValueError("the head office has no parent; every other branch has one")
        return self

    def name(self, lang: str) -> str:
        """The branch's name in ``lang`` (``zh…`` is Chinese)."""
        return self.name_zh if lang.startswith("zh") else self.name_en


def check_parent(branch: Branch, parent: Branch | None) -> None:
    """Raise :class:`ValueError` unless ``parent`` may have ``branch`` below it (a 分行 under the head
    office, a 支行 under a 分行).

    >>> ho = Branch(code="HO", name_zh="总行", name_en="Head office", level="head_office")
    >>> check_parent(Branch(code="X", name_zh="支行", name_en="X", level="sub_branch", parent_code="HO"), ho)
    Traceback (most recent call last):
    ...
    ValueError: a sub_branch reports to a branch, not to HO (head_office)
    """
    if branch.level is BranchLevel.HEAD_OFFICE:
        return
    wanted = PARENT_LEVEL[branch.level]
    if parent is None:
        raise ValueError(f"no branch {branch.parent_code} to report to")
    if parent.level is not wanted:
        raise ValueError(
            f"a {branch.level.value} reports to a {wanted.value}, not to {parent.code} ({parent.level.value})"
        )


HEAD_OFFICE_BRANCH = Branch(code=HEAD_OFFICE, name_zh="总行", name_en="Head office", level=BranchLevel.HEAD_OFFICE)


@dataclass(frozen=True)
class Scope:
    """The branches whose customers a user may see and act on; ``branches=None`` is the whole bank."""

    branches: frozenset[str] | None = None

    @property
    def whole_bank(self) -> bool:
        return self.branches is None

    def allows(self, code: str) -> bool:
        """Whether a customer booked at branch ``code`` lies in this scope."""
        return self.branches is None or code in self.branches


WHOLE_BANK = Scope()


def scope_of(branches: Iterable[Branch], code: str) -> Scope:
    """What a user of branch ``code`` sees: that branch and every branch below it; the whole bank for the
    head office. An unknown code sees only itself (nothing is booked there)."""
    tree = {b.code: b for b in branches}
    home = tree.get(code)
    if code == HEAD_OFFICE or (home is not None and home.level is BranchLevel.HEAD_OFFICE):
        return WHOLE_BANK
    children: dict[str, list[str]] = {}
    for branch in tree.values():
        if branch.parent_code is not None:
            children.setdefault(branch.parent_code, []).append(branch.code)
    seen = {code}
    todo = [code]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return Scope(frozenset(seen))


def nearest_holder(branches: Iterable[Branch], code: str, holders: dict[str, list[str]]) -> str | None:
    """The first of ``holders`` (usernames by branch code) at branch ``code`` or, failing one there, at the
    nearest branch above it, up to the head office; None if there is none on the way.

    >>> tree = [Branch(code="SZ", name_zh="深圳分行", name_en="Shenzhen", level="branch", parent_code="HO"),
    ...         Branch(code="SZ-NS", name_zh="南山支行", name_en="Nanshan", level="sub_branch", parent_code="SZ")]
    >>> nearest_holder(tree, "SZ-NS", {"SZ": ["zhang"], "HO": ["chen"]}), nearest_holder(tree, "SZ-NS", {})
    ('zhang', None)
    """
    parent = {b.code: b.parent_code for b in branches}
    seen: set[str] = set()
    current: str | None = code
    while current is not None and current not in seen:
        if holders.get(current):
            return holders[current][0]
        seen.add(current)
        current = parent.get(current, HEAD_OFFICE if current != HEAD_OFFICE else None)
    return None


__all__ = [
    "CODE_PATTERN",
    "HEAD_OFFICE",
    "HEAD_OFFICE_BRANCH",
    "WHOLE_BANK",
    "Branch",
    "BranchLevel",
    "Scope",
    "check_parent",
    "nearest_holder",
    "scope_of",
]
