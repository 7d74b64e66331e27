"""computecredit: credit origination and credit risk for banks lending to the AI-compute industry chain.

``import computecredit as cc`` gives the engines (each documented in its own package):

>>> import computecredit as cc
>>> cc.parse_amount("2.8亿")
Decimal('280000000')
"""

from computecredit.money import format_amount, parse_amount

__version__ = "0.1.0"

__all__ = ["__version__", "format_amount", "parse_amount"]
