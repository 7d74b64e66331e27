"""The one chart palette, shared by the memo's charts (``reports/charts.py``) and the workbench's
(``web/charts.py``): dark colours, distinct in hue and in lightness, so they stay apart printed in grey.

>>> len(PALETTE)
5
"""

PALETTE = ("#0b4f8a", "#b3541e", "#1d6b3a", "#6b2d86", "#8a5a00")

__all__ = ["PALETTE"]
