"""The domain model: typed, validated objects every engine, service and shell shares (pydantic v2).

Money is ``Decimal`` in 元 throughout. Enumerations carry Chinese and English labels (``.zh``, ``.en``).
Validate input at the edge with :func:`computecredit.domain.validation.parse`, which raises an
:class:`~computecredit.errors.InputError` naming source, row, field, value and rule.

>>> from computecredit.domain import Hub
>>> [hub.zh for hub in Hub]
['京津冀', '长三角', '粤港澳大湾区', '成渝', '内蒙古', '贵州', '甘肃', '宁夏']
"""

from computecredit.domain.amounts import Amount
from computecredit.domain.bank import Bank
from computecredit.domain.borrowers import (
    Borrower,
    ChainSegment,
    Hub,
    Ownership,
    Province,
    SpecialisedLevel,
    TechCredentials,
    hub_of,
)
from computecredit.domain.exposures import Exposure, LoanClass
from computecredit.domain.facilities import (
    CollateralItem,
    CollateralType,
    Covenant,
    Facility,
    FacilityStatus,
    Guarantor,
    ProductType,
    Rate,
    RateBase,
    RepaymentType,
)
from computecredit.domain.projects import Project
from computecredit.domain.ratings import Override, RatingRecord
from computecredit.domain.sme import SizeClass, SmeIndustry, size_class
from computecredit.domain.statements import LINE_ITEMS, FinancialStatement, LineItem, StatementKind
from computecredit.domain.uscc import Uscc
from computecredit.domain.users import Role, User, hash_password, verify_password
from computecredit.domain.validation import parse

__all__ = [
    "LINE_ITEMS",
    "Amount",
    "Bank",
    "Borrower",
    "ChainSegment",
    "CollateralItem",
    "CollateralType",
    "Covenant",
    "Exposure",
    "Facility",
    "FacilityStatus",
    "FinancialStatement",
    "Guarantor",
    "Hub",
    "LineItem",
    "LoanClass",
    "Override",
    "Ownership",
    "ProductType",
    "Project",
    "Province",
    "Rate",
    "RateBase",
    "RatingRecord",
    "RepaymentType",
    "Role",
    "SizeClass",
    "SmeIndustry",
    "SpecialisedLevel",
    "StatementKind",
    "TechCredentials",
    "Uscc",
    "User",
    "hash_password",
    "hub_of",
    "parse",
    "size_class",
    "verify_password",
]
